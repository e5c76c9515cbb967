// Utility statements: COPY, SHOW, DESCRIBE, EXPLAIN, SET / RESET and transaction control.

#include "sql/parser/parser_internal.h"

namespace basin::sql {

std::unique_ptr<Statement> Parser::ParseCopy() {
  auto stmt = std::make_unique<CopyStmt>();
  ExpectKeyword("copy");
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    stmt->query = ParseQuery();
    ExpectCloseParen(open);
    stmt->is_from = false;
    ExpectKeyword("to");
  } else {
    stmt->table = ParseQualifiedName("a table name or '(' query ')'");
    if (IsOp("(")) stmt->columns = ParseNameList("a column name");
    if (AcceptKeyword("from")) {
      stmt->is_from = true;
    } else {
      ExpectKeyword("to");
      stmt->is_from = false;
    }
  }
  if (Peek().type == TokenType::kString) {
    stmt->file = Advance().text;
  } else if (IsKeyword(stmt->is_from ? "stdin" : "stdout")) {
    stmt->file = stmt->is_from ? "STDIN" : "STDOUT";
    stmt->is_stdio = true;
    Advance();
  } else {
    Fail(Peek(), stmt->is_from ? "expected a file name or STDIN" : "expected a file name or STDOUT");
  }
  ParseCopyOptions(stmt.get());
  return stmt;
}

// `(FORMAT csv, HEADER, DELIMITER '|')` or the pre-9.0 `WITH CSV HEADER DELIMITER '|' NULL ''`.
void Parser::ParseCopyOptions(CopyStmt* stmt) {
  AcceptKeyword("with");
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    do {
      std::string name = ExpectColLabel("an option name");
      std::string value = IsOp(",") || IsOp(")") ? std::string() : ParseOptionValue();
      stmt->options.emplace_back(std::move(name), std::move(value));
    } while (AcceptOp(","));
    ExpectCloseParen(open);
    return;
  }
  auto column_list = [&]() {
    if (AcceptOp("*")) return std::string("*");
    std::string joined;
    do {
      if (!joined.empty()) joined += ",";
      joined += ExpectColId("a column name");
    } while (AcceptOp(","));
    return joined;
  };
  while (true) {
    if (AcceptKeyword("binary")) {
      stmt->options.emplace_back("format", "binary");
    } else if (AcceptKeyword("csv")) {
      stmt->options.emplace_back("format", "csv");
    } else if (AcceptKeyword("header")) {
      stmt->options.emplace_back("header", "");
    } else if (IsKeyword("delimiter") || IsKeyword("null") || IsKeyword("quote") || IsKeyword("escape") ||
               IsKeyword("encoding")) {
      std::string name = Advance().text;
      AcceptKeyword("as");
      if (Peek().type != TokenType::kString) Fail(Peek(), "expected a string after " + name);
      stmt->options.emplace_back(std::move(name), Advance().text);
    } else if (AcceptKeyword("force")) {
      if (AcceptKeyword("quote")) {
        stmt->options.emplace_back("force_quote", column_list());
      } else if (AcceptKeyword("not")) {
        ExpectKeyword("null");
        stmt->options.emplace_back("force_not_null", column_list());
      } else {
        ExpectKeyword("null");
        stmt->options.emplace_back("force_null", column_list());
      }
    } else {
      return;
    }
  }
}

// An option value as text: strings unquoted, numbers as written, words lower-cased, (a, b) as "a,b".
std::string Parser::ParseOptionValue() {
  const Token& t = Peek();
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    std::string joined;
    do {
      if (!joined.empty()) joined += ",";
      joined += ExpectColLabel("a name");
    } while (AcceptOp(","));
    ExpectCloseParen(open);
    return joined;
  }
  if (AcceptOp("*")) return "*";
  std::string sign;
  if (IsOp("-") || IsOp("+")) {
    sign = Advance().text == "-" ? "-" : "";
    if (Peek().type != TokenType::kInteger && Peek().type != TokenType::kNumeric)
      Fail(Peek(), "expected a number");
  }
  const Token& v = Peek();
  if (v.type == TokenType::kString || v.type == TokenType::kInteger || v.type == TokenType::kNumeric ||
      v.type == TokenType::kIdent || v.type == TokenType::kQuotedIdent) {
    Advance();
    return sign + v.text;
  }
  Fail(t, "expected an option value");
}

std::unique_ptr<Statement> Parser::ParseShow() {
  auto stmt = std::make_unique<ShowStmt>();
  ExpectKeyword("show");
  if (AcceptKeyword("tables")) {
    stmt->what = "tables";
    if (AcceptKeyword("from") || AcceptKeyword("in")) stmt->schema = ExpectColId("a schema name");
  } else if (AcceptKeyword("topics")) {
    stmt->what = "topics";
  } else if (AcceptKeyword("sinks")) {
    stmt->what = "sinks";
  } else if (IsKeyword("materialized") && IsKeyword("views", 1)) {
    Advance();
    Advance();
    stmt->what = "materialized views";
  } else if (AcceptKeyword("all")) {
    stmt->what = "all";
  } else if (IsKeyword("time") && IsKeyword("zone", 1)) {
    Advance();
    Advance();
    stmt->what = "timezone";
  } else if (IsKeyword("transaction") && IsKeyword("isolation", 1)) {
    Advance();
    Advance();
    ExpectKeyword("level");
    stmt->what = "transaction_isolation";
  } else {
    stmt->what = ExpectColLabel("TABLES, TOPICS, SINKS, MATERIALIZED VIEWS, ALL or a setting name");
    while (AcceptOp(".")) stmt->what += "." + ExpectColLabel("a setting name");
  }
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseDescribe() {
  auto stmt = std::make_unique<DescribeStmt>();
  Advance();  // DESCRIBE or DESC
  if (IsOp("(") || IsKeyword("select") || IsKeyword("with") || IsKeyword("values")) {
    stmt->query = ParseQuery();
  } else {
    AcceptKeyword("table");
    stmt->table = ParseQualifiedName("a table name or a query");
  }
  return stmt;
}

// EXPLAIN [ANALYZE] [VERBOSE] stmt | EXPLAIN (ANALYZE [bool], FORMAT x, ...) stmt; only ANALYZE is kept.
std::unique_ptr<Statement> Parser::ParseExplain() {
  auto stmt = std::make_unique<ExplainStmt>();
  ExpectKeyword("explain");
  if (IsOp("(") && !ParenStartsQuery(0)) {
    int64_t open = ExpectOpenParen();
    do {
      std::string name = ExpectColLabel("an EXPLAIN option");
      std::string value = IsOp(",") || IsOp(")") ? std::string() : ParseOptionValue();
      if (name == "analyze" || name == "analyse") {
        stmt->analyze = value.empty() || value == "true" || value == "on" || value == "1";
      }
    } while (AcceptOp(","));
    ExpectCloseParen(open);
  } else {
    stmt->analyze = AcceptKeyword("analyze") || AcceptKeyword("analyse");
    AcceptKeyword("verbose");
  }
  int64_t location = Peek().location;
  DepthGuard guard(this);
  stmt->statement = ParseStatementBody();
  stmt->statement->location = location;
  return stmt;
}

// SET [SESSION | LOCAL] name {= | TO} value[, ...] | SET TIME ZONE value; `TO DEFAULT` is a reset.
std::unique_ptr<Statement> Parser::ParseSet() {
  auto stmt = std::make_unique<SetStmt>();
  ExpectKeyword("set");
  if (!(IsKeyword("session", 0) && (IsOp("=", 1) || IsKeyword("to", 1)))) {
    if (!AcceptKeyword("session")) AcceptKeyword("local");
  }
  // SET TRANSACTION ... and SET SESSION CHARACTERISTICS AS TRANSACTION ...: modes accepted, not kept.
  if (IsKeyword("characteristics") && IsKeyword("as", 1) && IsKeyword("transaction", 2)) {
    Advance();
    Advance();
  }
  if (IsKeyword("transaction") && !IsOp("=", 1) && !IsKeyword("to", 1)) {
    Advance();
    SkipTransactionModes();
    stmt->name = "transaction";
    return stmt;
  }
  if (IsKeyword("time") && IsKeyword("zone", 1)) {
    Advance();
    Advance();
    stmt->name = "timezone";
  } else {
    stmt->name = ExpectColLabel("a setting name");
    while (AcceptOp(".")) stmt->name += "." + ExpectColLabel("a setting name");
    if (!AcceptOp("=")) ExpectKeyword("to");
  }
  if (AcceptKeyword("default")) {
    stmt->reset = true;
    return stmt;
  }
  do {
    if (!stmt->value.empty()) stmt->value += ", ";
    stmt->value += ParseOptionValue();
  } while (AcceptOp(","));
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseReset() {
  auto stmt = std::make_unique<SetStmt>();
  ExpectKeyword("reset");
  stmt->reset = true;
  if (IsKeyword("time") && IsKeyword("zone", 1)) {
    Advance();
    Advance();
    stmt->name = "timezone";
    return stmt;
  }
  stmt->name = ExpectColLabel("a setting name or ALL");
  while (AcceptOp(".")) stmt->name += "." + ExpectColLabel("a setting name");
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseTransaction() {
  auto stmt = std::make_unique<TransactionStmt>();
  const std::string& w = Advance().text;
  if (w == "begin" || w == "start") {
    stmt->txn_kind = TransactionStmt::Kind::kBegin;
    if (w == "start") {
      ExpectKeyword("transaction");
    } else if (!AcceptKeyword("transaction")) {
      AcceptKeyword("work");
    }
    SkipTransactionModes();
    return stmt;
  }
  stmt->txn_kind =
      (w == "commit" || w == "end") ? TransactionStmt::Kind::kCommit : TransactionStmt::Kind::kRollback;
  if (!AcceptKeyword("transaction")) AcceptKeyword("work");
  if (AcceptKeyword("and")) {
    AcceptKeyword("no");
    ExpectKeyword("chain");
  }
  return stmt;
}

// ISOLATION LEVEL ..., READ ONLY | READ WRITE, [NOT] DEFERRABLE: accepted, not kept.
void Parser::SkipTransactionModes() {
  while (true) {
    if (AcceptKeyword("isolation")) {
      ExpectKeyword("level");
      if (AcceptKeyword("serializable")) {
      } else if (AcceptKeyword("repeatable")) {
        ExpectKeyword("read");
      } else {
        ExpectKeyword("read");
        if (!AcceptKeyword("committed")) ExpectKeyword("uncommitted");
      }
    } else if (AcceptKeyword("read")) {
      if (!AcceptKeyword("only")) ExpectKeyword("write");
    } else if (AcceptKeyword("not")) {
      ExpectKeyword("deferrable");
    } else if (!AcceptKeyword("deferrable")) {
      return;
    }
    AcceptOp(",");
  }
}

}  // namespace basin::sql
