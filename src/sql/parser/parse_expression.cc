// Expressions: precedence climbing over PostgreSQL's operator precedence table.

#include "sql/parser/parser_internal.h"

namespace basin::sql {
namespace {

bool IsComparison(std::string_view op) {
  return op == "=" || op == "<" || op == ">" || op == "<=" || op == ">=" || op == "<>";
}

ParsedExprPtr MakeBinary(std::string op, ParsedExprPtr left, ParsedExprPtr right) {
  auto e = ParsedExpr::Make(ExprKind::kBinaryOp, left->location);
  e->op = std::move(op);
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return e;
}

ParsedExprPtr MakeNot(ParsedExprPtr operand, int64_t location) {
  auto e = ParsedExpr::Make(ExprKind::kUnaryOp, location);
  e->op = "NOT";
  e->children.push_back(std::move(operand));
  return e;
}

}  // namespace

ParsedExprPtr Parser::MakeConstant(ConstantKind kind, std::string text, int64_t location) {
  auto e = ParsedExpr::Make(ExprKind::kConstant, location);
  e->constant_kind = kind;
  e->text = std::move(text);
  return e;
}

ParsedExprPtr Parser::ParseBinary(int min_precedence) {
  DepthGuard guard(this);
  ParsedExprPtr left = ParsePrefix();
  while (true) {
    int precedence = InfixPrecedence();
    if (precedence == kPrecNone || precedence < min_precedence) break;
    Deepen(Peek().location);
    left = ParseInfix(std::move(left), precedence);
  }
  return left;
}

int Parser::InfixPrecedence() const {
  const Token& t = Peek();
  if (t.type == TokenType::kIdent) {
    const std::string& w = t.text;
    if (w == "or") return kPrecOr;
    if (w == "and") return kPrecAnd;
    if (w == "is" || w == "isnull" || w == "notnull") return kPrecIs;
    if (w == "between" || w == "in" || w == "like" || w == "ilike" || w == "similar") return kPrecLike;
    if (w == "not") {
      const Token& n = Peek(1);
      bool infix =
          n.type == TokenType::kIdent && (n.text == "between" || n.text == "in" || n.text == "like" ||
                                          n.text == "ilike" || n.text == "similar");
      return infix ? kPrecLike : kPrecNone;
    }
    if (w == "at" && IsKeyword("time", 1) && IsKeyword("zone", 2)) return kPrecAt;
    if (w == "collate") return kPrecPostfix;
    if (w == "operator" && IsOp("(", 1)) return kPrecOp;  // a OPERATOR(pg_catalog.~) b
    return kPrecNone;
  }
  if (t.type != TokenType::kOp) return kPrecNone;
  const std::string& op = t.text;
  if (IsComparison(op)) return kPrecCompare;
  if (op == "+" || op == "-") return kPrecAdd;
  if (op == "*" || op == "/" || op == "%") return kPrecMul;
  if (op == "^") return kPrecPow;
  if (op == "::" || op == "[") return kPrecPostfix;
  if (op == "(" || op == ")" || op == "]" || op == "," || op == ";" || op == "." || op == ":" || op == ":=" ||
      op == "=>") {
    return kPrecNone;
  }
  return kPrecOp;
}

ParsedExprPtr Parser::ParseInfix(ParsedExprPtr left, int precedence) {
  const Token& t = Advance();
  std::string op = t.text;
  if (t.type == TokenType::kOp) {
    if (op == "::") {
      auto cast = ParsedExpr::Make(ExprKind::kCast, left->location);
      cast->type_name = ParseTypeName();
      cast->children.push_back(std::move(left));
      return cast;
    }
    if (op == "[") return ParseSubscript(std::move(left));
    if (IsComparison(op)) return ParseComparison(std::move(left), op);
    if (op == "~~" || op == "~~*" || op == "!~~" || op == "!~~*") {  // PostgreSQL's operator names of LIKE
      auto e = ParsedExpr::Make(ExprKind::kLike, left->location);
      e->negated = op[0] == '!';
      e->op = op.back() == '*' ? "ILIKE" : "LIKE";
      e->children.push_back(std::move(left));
      e->children.push_back(ParseBinary(precedence + 1));
      return e;
    }
    return MakeBinary(op, std::move(left), ParseBinary(precedence + 1));
  }
  // Keyword operators.
  if (op == "or" || op == "and")
    return MakeBinary(op == "or" ? "OR" : "AND", std::move(left), ParseBinary(precedence + 1));
  if (op == "is") return ParseIs(std::move(left));
  if (op == "isnull" || op == "notnull") {
    auto e = ParsedExpr::Make(ExprKind::kIsNull, left->location);
    e->negated = op == "notnull";
    e->children.push_back(std::move(left));
    return e;
  }
  if (op == "collate") return ParseCollate(std::move(left), t.location);
  if (op == "operator") {
    // OPERATOR(schema.op): the operator op, qualified by its schema (pg_catalog, the only one).
    const int64_t open = ExpectOpenParen();
    if (Peek().type == TokenType::kIdent || Peek().type == TokenType::kQuotedIdent) {
      const std::string schema = Advance().text;
      if (schema != "pg_catalog") throw ParserError("schema \"" + schema + "\" does not exist", t.location);
      ExpectOp(".");
    }
    const Token& symbol = Peek();
    if (symbol.type != TokenType::kOp || symbol.text == "(" || symbol.text == ")") Fail(symbol, "expected an operator");
    std::string name = Advance().text;
    ExpectCloseParen(open);
    ParsedExprPtr right = ParseBinary(kPrecOp + 1);
    if (name == "~~" || name == "~~*" || name == "!~~" || name == "!~~*") {
      auto e = ParsedExpr::Make(ExprKind::kLike, left->location);
      e->negated = name[0] == '!';
      e->op = name.back() == '*' ? "ILIKE" : "LIKE";
      e->children.push_back(std::move(left));
      e->children.push_back(std::move(right));
      return e;
    }
    return MakeBinary(std::move(name), std::move(left), std::move(right));
  }
  if (op == "at") {  // x AT TIME ZONE z is timezone(z, x), as in PostgreSQL
    Advance();
    Advance();
    auto f = ParsedExpr::Make(ExprKind::kFunction, left->location);
    f->function_name = "timezone";
    f->children.push_back(ParseBinary(kPrecAt + 1));
    f->children.push_back(std::move(left));
    return f;
  }
  bool negated = false;
  if (op == "not") {
    negated = true;
    op = Advance().text;
  }
  if (op == "in") return ParseIn(std::move(left), negated);
  if (op == "between") {
    auto e = ParsedExpr::Make(ExprKind::kBetween, left->location);
    e->negated = negated;
    if (AcceptKeyword("symmetric")) {
      e->symmetric = true;
    } else {
      AcceptKeyword("asymmetric");
    }
    e->children.push_back(std::move(left));
    e->children.push_back(ParseBinary(kPrecLike + 1));
    ExpectKeyword("and");
    e->children.push_back(ParseBinary(kPrecLike + 1));
    return e;
  }
  // LIKE, ILIKE, SIMILAR TO
  auto e = ParsedExpr::Make(ExprKind::kLike, left->location);
  e->negated = negated;
  if (op == "similar") {
    ExpectKeyword("to");
    e->op = "SIMILAR TO";
  } else {
    e->op = op == "like" ? "LIKE" : "ILIKE";
  }
  e->children.push_back(std::move(left));
  e->children.push_back(ParseBinary(kPrecLike + 1));
  if (AcceptKeyword("escape")) e->children.push_back(ParseBinary(kPrecLike + 1));
  return e;
}

// x[i] becomes array_extract(x, i) and x[a:b] array_slice(x, a, b): the AST has no subscript node.
ParsedExprPtr Parser::ParseSubscript(ParsedExprPtr left) {
  int64_t open = tokens_[pos_ - 1].location;
  auto f = ParsedExpr::Make(ExprKind::kFunction, left->location);
  f->function_name = "array_extract";
  f->children.push_back(std::move(left));
  f->children.push_back(ParseExpr());
  if (AcceptOp(":")) {
    f->function_name = "array_slice";
    f->children.push_back(ParseExpr());
  }
  if (!AcceptOp("]")) Fail(Peek(), "expected ']' to close '[' at position " + std::to_string(open));
  return f;
}

// `x op y`, `x op ANY|SOME|ALL (subquery or array)`.
ParsedExprPtr Parser::ParseComparison(ParsedExprPtr left, std::string op) {
  bool any = IsKeyword("any") || IsKeyword("some");
  if ((any || IsKeyword("all")) && IsOp("(", 1)) {
    Advance();
    auto e = ParsedExpr::Make(ExprKind::kSubquery, left->location);
    e->subquery_kind = any ? SubqueryKind::kAny : SubqueryKind::kAll;
    e->op = op;
    e->children.push_back(std::move(left));
    int64_t open = ExpectOpenParen();
    if (ParenStartsQuery(0) || IsKeyword("select") || IsKeyword("with") || IsKeyword("values")) {
      e->subquery = ParseQuery();
    } else {
      e->children.push_back(ParseExpr());  // x = ANY (array): no subquery, children[1] is the array
    }
    ExpectCloseParen(open);
    return e;
  }
  return MakeBinary(op, std::move(left), ParseBinary(kPrecCompare + 1));
}

ParsedExprPtr Parser::ParseIs(ParsedExprPtr left) {
  bool negated = AcceptKeyword("not");
  const Token& t = Peek();
  if (AcceptKeyword("null")) {
    auto e = ParsedExpr::Make(ExprKind::kIsNull, left->location);
    e->negated = negated;
    e->children.push_back(std::move(left));
    return e;
  }
  if (IsKeyword("true") || IsKeyword("false") || IsKeyword("unknown")) {
    auto e = ParsedExpr::Make(ExprKind::kIsBool, left->location);
    e->negated = negated;
    e->op = Advance().text == "true" ? "TRUE" : (t.text == "false" ? "FALSE" : "UNKNOWN");
    e->children.push_back(std::move(left));
    return e;
  }
  if (AcceptKeyword("distinct")) {
    ExpectKeyword("from");
    auto e = ParsedExpr::Make(ExprKind::kIsDistinct, left->location);
    e->negated = negated;
    e->children.push_back(std::move(left));
    e->children.push_back(ParseBinary(kPrecIs + 1));
    return e;
  }
  Fail(t, "expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
}

// `x IN (list)` is kInList; `x IN (subquery)` is `x = ANY (subquery)`; NOT IN wraps either in NOT (lists
// carry `negated` instead).
ParsedExprPtr Parser::ParseIn(ParsedExprPtr left, bool negated) {
  int64_t location = left->location;
  int64_t open = Peek().location;
  if (!IsOp("(")) Fail(Peek(), "expected '(' after IN");
  if (ParenStartsQuery(0) && !IsOp("(", 1)) {
    Advance();
    auto e = ParsedExpr::Make(ExprKind::kSubquery, location);
    e->subquery_kind = SubqueryKind::kAny;
    e->op = "=";
    e->children.push_back(std::move(left));
    e->subquery = ParseQuery();
    ExpectCloseParen(open);
    return negated ? MakeNot(std::move(e), location) : std::move(e);
  }
  Advance();
  auto e = ParsedExpr::Make(ExprKind::kInList, location);
  e->negated = negated;
  e->children.push_back(std::move(left));
  for (auto& item : ParseExprList()) e->children.push_back(std::move(item));
  ExpectCloseParen(open);
  return e;
}

std::vector<ParsedExprPtr> Parser::ParseExprList() {
  std::vector<ParsedExprPtr> items;
  SiblingScope scope(this);
  do {
    scope.Next();
    items.push_back(ParseExpr());
  } while (AcceptOp(","));
  return items;
}

ParsedExprPtr Parser::ParsePrefix() {
  const Token& t = Peek();
  if (IsKeyword("not")) {
    Advance();
    return MakeNot(ParseBinary(kPrecNot), t.location);
  }
  if (IsOp("-") || IsOp("+") || IsOp("~")) {
    std::string op = Advance().text;
    ParsedExprPtr operand = ParseBinary(kPrecUnary);
    // Fold a sign into a numeric literal, as PostgreSQL does, so -9223372036854775808 stays one constant.
    if (op == "-" && operand->kind == ExprKind::kConstant &&
        (operand->constant_kind == ConstantKind::kInteger ||
         operand->constant_kind == ConstantKind::kNumeric) &&
        !operand->text.empty() && operand->text[0] != '-') {
      operand->text.insert(0, "-");
      operand->location = t.location;
      return operand;
    }
    auto e = ParsedExpr::Make(ExprKind::kUnaryOp, t.location);
    e->op = op;
    e->children.push_back(std::move(operand));
    return e;
  }
  return ParsePrimary();
}

ParsedExprPtr Parser::ParsePrimary() {
  const Token& t = Peek();
  switch (t.type) {
    case TokenType::kInteger:
      Advance();
      return MakeConstant(ConstantKind::kInteger, t.text, t.location);
    case TokenType::kNumeric:
      Advance();
      return MakeConstant(ConstantKind::kNumeric, t.text, t.location);
    case TokenType::kString:
      Advance();
      return MakeConstant(ConstantKind::kString, t.text, t.location);
    case TokenType::kBitString:
      Advance();
      return MakeConstant(ConstantKind::kBitString, t.text, t.location);
    case TokenType::kParam: {
      Advance();
      auto e = ParsedExpr::Make(ExprKind::kParameter, t.location);
      if (t.text.size() > 9) throw ParserError("parameter number too large", t.location);
      e->parameter_index = std::stoi(t.text);
      if (e->parameter_index < 1) throw ParserError("there is no parameter $0", t.location);
      max_parameter_ = std::max(max_parameter_, e->parameter_index);
      return e;
    }
    case TokenType::kOp:
      if (t.text == "(") return ParseParenthesized();
      Fail(t, "expected an expression");
    case TokenType::kQuotedIdent:
      return ParseNamePrimary();
    case TokenType::kIdent:
      break;
    case TokenType::kEnd:
      Fail(t, "expected an expression");
  }
  bool handled = false;
  ParsedExprPtr e = ParseKeywordPrimary(&handled);
  if (handled) return e;
  e = ParseSpecialFunction(&handled);
  if (handled) return e;
  e = ParseTypedLiteral(&handled);
  if (handled) return e;
  return ParseNamePrimary();
}

// `(expr)`, `(a, b)` row, `(subquery)`.
ParsedExprPtr Parser::ParseParenthesized() {
  int64_t open = Peek().location;
  if (IsKeyword("select", 1) || IsKeyword("with", 1) || IsKeyword("values", 1)) {
    Advance();
    return ParseSubqueryExpr(SubqueryKind::kScalar, open);
  }
  Advance();
  std::vector<ParsedExprPtr> items = ParseExprList();
  ExpectCloseParen(open);
  if (items.size() == 1) {
    // (expr).field, (expr).field.field: fields of a composite value, as PostgreSQL's.
    ParsedExprPtr e = std::move(items[0]);
    while (IsOp(".") && (Peek(1).type == TokenType::kIdent || Peek(1).type == TokenType::kQuotedIdent)) {
      Advance();
      auto field = ParsedExpr::Make(ExprKind::kFieldAccess, open);
      field->names.push_back(Advance().text);
      field->children.push_back(std::move(e));
      e = std::move(field);
    }
    return e;
  }
  auto row = ParsedExpr::Make(ExprKind::kRow, open);
  row->children = std::move(items);
  return row;
}

// Called after the opening parenthesis; consumes the closing one.
// x COLLATE name: Basin compares text by its bytes, as the C collation does, so the collations that mean
// that are accepted (and change nothing); others are refused.
ParsedExprPtr Parser::ParseCollate(ParsedExprPtr left, int64_t location) {
  std::string name;
  do {
    const Token& part = Peek();
    if (part.type != TokenType::kIdent && part.type != TokenType::kQuotedIdent) Fail(part, "expected a collation name");
    name += (name.empty() ? "" : ".") + Advance().text;
  } while (AcceptOp("."));
  std::string bare = name.rfind("pg_catalog.", 0) == 0 ? name.substr(11) : name;
  for (char& c : bare) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (bare != "c" && bare != "posix" && bare != "default" && bare != "ucs_basic" && bare != "c.utf8" &&
      bare != "c.utf-8") {
    throw NotImplementedError("collation \"" + name + "\" is not supported (text compares bytewise, as in \"C\")",
                              location);
  }
  return left;
}

ParsedExprPtr Parser::ParseSubqueryExpr(SubqueryKind kind, int64_t location) {
  auto e = ParsedExpr::Make(ExprKind::kSubquery, location);
  e->subquery_kind = kind;
  int64_t open = tokens_[pos_ - 1].location;
  e->subquery = ParseQuery();
  ExpectCloseParen(open);
  return e;
}

// Column references a.b.c, a.*, and function calls f(...) / s.f(...).
ParsedExprPtr Parser::ParseNamePrimary() {
  const Token& first = Peek();
  int64_t location = first.location;
  bool function = IsOp("(", 1);
  if (first.type == TokenType::kIdent && !IsColId(first) && !(function && !IsReserved(first))) {
    Fail(first, IsReserved(first) ? "expected an expression" : std::string_view{});
  }
  std::vector<std::string> names{Advance().text};
  while (IsOp(".")) {
    const Token& next = Peek(1);
    if (next.type == TokenType::kOp && next.text == "*") {
      Advance();
      Advance();
      auto star = ParsedExpr::Make(ExprKind::kStar, location);
      star->names = std::move(names);
      return star;
    }
    if (next.type != TokenType::kIdent && next.type != TokenType::kQuotedIdent) {
      Advance();
      Fail(next, "expected a name or '*' after '.'");
    }
    Advance();
    names.push_back(Advance().text);
  }
  if (IsOp("(")) return ParseFunctionCall(std::move(names), location);
  auto e = ParsedExpr::Make(ExprKind::kColumnRef, location);
  e->names = std::move(names);
  return e;
}

// Literals and constructs introduced by a keyword: NULL TRUE FALSE DEFAULT CASE CAST EXISTS ARRAY ROW.
ParsedExprPtr Parser::ParseKeywordPrimary(bool* handled) {
  *handled = true;
  const Token& t = Peek();
  const std::string& w = t.text;
  if (w == "null" || w == "true" || w == "false") {
    Advance();
    return MakeConstant(w == "null" ? ConstantKind::kNull : ConstantKind::kBoolean, w == "null" ? "" : w,
                        t.location);
  }
  if (w == "default") {
    Advance();
    return ParsedExpr::Make(ExprKind::kDefault, t.location);
  }
  if (w == "case") return ParseCase();
  if ((w == "cast" || w == "try_cast") && IsOp("(", 1)) {
    Advance();
    int64_t open = ExpectOpenParen();
    auto e = ParsedExpr::Make(ExprKind::kCast, t.location);
    e->try_cast = w == "try_cast";
    e->children.push_back(ParseExpr());
    ExpectKeyword("as");
    e->type_name = ParseTypeName();
    ExpectCloseParen(open);
    return e;
  }
  if (w == "exists" && IsOp("(", 1)) {
    Advance();
    Advance();
    return ParseSubqueryExpr(SubqueryKind::kExists, t.location);
  }
  if (w == "array" && (IsOp("[", 1) || IsOp("(", 1))) {
    Advance();
    if (IsOp("(")) {
      Advance();
      return ParseSubqueryExpr(SubqueryKind::kArray, t.location);
    }
    return ParseArray(t.location);
  }
  if (w == "row" && IsOp("(", 1)) {
    Advance();
    int64_t open = ExpectOpenParen();
    auto row = ParsedExpr::Make(ExprKind::kRow, t.location);
    if (!IsOp(")")) row->children = ParseExprList();
    ExpectCloseParen(open);
    return row;
  }
  *handled = false;
  return nullptr;
}

// At '[': ARRAY[1, 2], ARRAY[[1, 2], [3, 4]] (inner brackets need no ARRAY keyword), ARRAY[].
ParsedExprPtr Parser::ParseArray(int64_t location) {
  DepthGuard guard(this);
  int64_t open = Peek().location;
  ExpectOp("[");
  auto array = ParsedExpr::Make(ExprKind::kArray, location);
  if (!IsOp("]")) {
    SiblingScope scope(this);
    do {
      scope.Next();
      array->children.push_back(IsOp("[") ? ParseArray(Peek().location) : ParseExpr());
    } while (AcceptOp(","));
  }
  if (!AcceptOp("]")) Fail(Peek(), "expected ']' to close '[' at position " + std::to_string(open));
  return array;
}

ParsedExprPtr Parser::ParseCase() {
  auto e = ParsedExpr::Make(ExprKind::kCase, Advance().location);
  if (!IsKeyword("when")) e->case_operand = ParseExpr();
  if (!IsKeyword("when")) Fail(Peek(), "expected WHEN");
  SiblingScope scope(this);
  while (AcceptKeyword("when")) {
    scope.Next();
    e->children.push_back(ParseExpr());
    ExpectKeyword("then");
    e->children.push_back(ParseExpr());
  }
  if (AcceptKeyword("else")) e->case_else = ParseExpr();
  ExpectKeyword("end");
  return e;
}

}  // namespace basin::sql
