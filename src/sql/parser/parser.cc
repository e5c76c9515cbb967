#include "sql/parser/parser.h"

#include "sql/parser/parser_internal.h"

namespace basin::sql {

Parser::Parser(std::string_view sql) : sql_(sql), tokens_(Tokenize(sql)) {}

Parser::DepthGuard::DepthGuard(Parser* parser) : parser_(parser) {
  if (++parser_->depth_ > kMaxDepth) {
    --parser_->depth_;
    throw ParserError("statement is too deeply nested (more than " + std::to_string(kMaxDepth) + " levels)",
                      parser_->Peek().location);
  }
  parser_->Deepen(parser_->Peek().location);
}

void Parser::Deepen(int64_t location) {
  if (++height_ > kMaxHeight) {
    throw ParserError("statement is too deeply nested or has too long a chain of operators", location);
  }
}

// ---- tokens

const Token& Parser::Peek(size_t ahead) const {
  size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

const Token& Parser::Advance() {
  const Token& token = tokens_[pos_];
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return token;
}

bool Parser::IsKeyword(std::string_view word, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.type == TokenType::kIdent && t.text == word;
}

bool Parser::AcceptKeyword(std::string_view word) {
  if (!IsKeyword(word)) return false;
  Advance();
  return true;
}

namespace {
std::string Upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}
}  // namespace

void Parser::ExpectKeyword(std::string_view word) {
  if (!AcceptKeyword(word)) Fail(Peek(), "expected " + Upper(word));
}

bool Parser::IsOp(std::string_view op, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.type == TokenType::kOp && t.text == op;
}

bool Parser::AcceptOp(std::string_view op) {
  if (!IsOp(op)) return false;
  Advance();
  return true;
}

void Parser::ExpectOp(std::string_view op) {
  if (!AcceptOp(op)) Fail(Peek(), "expected '" + std::string(op) + "'");
}

int64_t Parser::ExpectOpenParen() {
  int64_t location = Peek().location;
  ExpectOp("(");
  return location;
}

void Parser::ExpectCloseParen(int64_t open_location) {
  if (!AcceptOp(")")) {
    Fail(Peek(), "expected ')' to close '(' at position " + std::to_string(open_location));
  }
}

void Parser::Fail(const Token& token, std::string_view expected) const {
  std::string message;
  if (token.type == TokenType::kEnd) {
    message = "syntax error at end of input";
  } else {
    std::string_view text = sql_.substr(token.location, token.end - token.location);
    if (text.size() > 40) text = text.substr(0, 40);
    message = "syntax error at or near \"" + std::string(text) + "\"";
  }
  if (!expected.empty()) message += ": " + std::string(expected);
  throw ParserError(message, token.location);
}

void Parser::NotSupported(const Token& token, std::string_view what) const {
  throw NotImplementedError(std::string(what) + " is not supported", token.location);
}

// ---- names

bool Parser::IsReserved(const Token& token) const {
  return token.type == TokenType::kIdent && GetKeywordCategory(token.text) == KeywordCategory::kReserved;
}

bool Parser::IsColId(const Token& token) const {
  if (token.type == TokenType::kQuotedIdent) return true;
  if (token.type != TokenType::kIdent) return false;
  KeywordCategory category = GetKeywordCategory(token.text);
  return category != KeywordCategory::kReserved && category != KeywordCategory::kTypeFunc;
}

bool Parser::IsBareAlias(const Token& token) const {
  // QUALIFY is not a PostgreSQL keyword, but here it starts a clause after the select list and FROM.
  return IsColId(token) && !(token.type == TokenType::kIdent && token.text == "qualify");
}

std::string Parser::ExpectColId(std::string_view what) {
  if (!IsColId(Peek())) Fail(Peek(), "expected " + std::string(what));
  return Advance().text;
}

std::string Parser::ExpectColLabel(std::string_view what) {
  const Token& t = Peek();
  if (t.type != TokenType::kIdent && t.type != TokenType::kQuotedIdent)
    Fail(t, "expected " + std::string(what));
  return Advance().text;
}

std::vector<std::string> Parser::ParseQualifiedName(std::string_view what) {
  std::vector<std::string> names;
  names.push_back(ExpectColId(what));
  while (IsOp(".") && (Peek(1).type == TokenType::kIdent || Peek(1).type == TokenType::kQuotedIdent)) {
    Advance();
    names.push_back(Advance().text);
  }
  return names;
}

std::vector<std::string> Parser::ParseNameList(std::string_view what) {
  std::vector<std::string> names;
  int64_t open = ExpectOpenParen();
  do {
    names.push_back(ExpectColId(what));
  } while (AcceptOp(","));
  ExpectCloseParen(open);
  return names;
}

bool Parser::ParenStartsQuery(size_t ahead) const {
  size_t i = ahead;
  while (IsOp("(", i)) ++i;
  if (i == ahead) return false;
  return IsKeyword("select", i) || IsKeyword("with", i) || IsKeyword("values", i) || IsKeyword("table", i);
}

size_t Parser::MatchingParen(size_t index) const {
  int depth = 0;
  for (size_t i = index; i < tokens_.size(); ++i) {
    if (tokens_[i].type != TokenType::kOp) continue;
    if (tokens_[i].text == "(") ++depth;
    if (tokens_[i].text == ")" && --depth == 0) return i;
  }
  return tokens_.size() - 1;
}

// ---- entry points

std::unique_ptr<Statement> Parser::ParseSingleStatement() {
  if (AtEnd() || (IsOp(";") && Peek(1).type == TokenType::kEnd)) throw ParserError("empty statement", 0);
  int64_t location = Peek().location;
  std::unique_ptr<Statement> stmt = ParseStatementBody();
  stmt->location = location;
  stmt->parameter_count = max_parameter_;
  while (AcceptOp(";")) {
  }
  if (!AtEnd()) Fail(Peek());
  return stmt;
}

ParsedExprPtr Parser::ParseSingleExpression() {
  if (AtEnd()) throw ParserError("empty expression", 0);
  ParsedExprPtr expr = ParseExpr();
  if (!AtEnd()) Fail(Peek());
  return expr;
}

std::unique_ptr<Statement> Parser::ParseStatementBody() {
  const Token& t = Peek();
  if (IsOp("(") || IsKeyword("select") || IsKeyword("with") || IsKeyword("values") || IsKeyword("table")) {
    auto stmt = std::make_unique<SelectStmt>();
    stmt->select = ParseQuery();
    return stmt;
  }
  if (t.type == TokenType::kIdent) {
    const std::string& w = t.text;
    if (w == "insert") return ParseInsert();
    if (w == "update") return ParseUpdate();
    if (w == "delete") return ParseDelete();
    if (w == "merge") return ParseMerge();
    if (w == "create") return ParseCreate();
    if (w == "drop") return ParseDrop();
    if (w == "alter" && (IsKeyword("materialized", 1) || IsKeyword("stream", 1)))
      return ParseAlterMaterializedView();
    if (w == "alter") return IsKeyword("topic", 1) ? ParseAlterTopic() : ParseAlterTable();
    if (w == "comment") return ParseComment();
    if (w == "call") return ParseCall();
    if (w == "optimize" || w == "vacuum") return ParseMaintenance();
    if (w == "copy") return ParseCopy();
    if (w == "show") return ParseShow();
    if (w == "refresh") return ParseRefresh();
    if (w == "describe" || w == "desc") return ParseDescribe();
    if (w == "explain") return ParseExplain();
    if (w == "set") return ParseSet();
    if (w == "reset") return ParseReset();
    if (w == "begin" || w == "start" || w == "commit" || w == "end" || w == "rollback" || w == "abort") {
      return ParseTransaction();
    }
  }
  Fail(t,
       "expected a statement (SELECT, INSERT, UPDATE, DELETE, MERGE, CREATE, DROP, ALTER, COPY, SHOW, SET, "
       "...)");
}

std::unique_ptr<Statement> ParseStatement(std::string_view sql) {
  return Parser(sql).ParseSingleStatement();
}

ParsedExprPtr ParseExpression(std::string_view sql) {
  return Parser(sql).ParseSingleExpression();
}

}  // namespace basin::sql
