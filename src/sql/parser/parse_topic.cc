// Topics: CREATE TOPIC, ALTER TOPIC, CREATE SINK, and the continuous queries over topics: CREATE and REFRESH
// MATERIALIZED VIEW (DROP and SHOW share DROP's and SHOW's parsers).

#include "sql/parser/parser_internal.h"

namespace basin::sql {

// A topic name is one identifier; a name with dots or dashes ("clicks.dlq") is written quoted.
std::string Parser::ParseTopicName() {
  const Token& t = Peek();
  std::string name = ExpectColId("a topic name");
  if (IsOp(".")) {
    throw ParserError("a topic name is not qualified by a schema; quote a name holding dots: \"a.b\"",
                      t.location);
  }
  return name;
}

std::unique_ptr<Statement> Parser::ParseCreateTopic() {
  auto stmt = std::make_unique<CreateTopicStmt>();
  ExpectKeyword("topic");
  if (AcceptKeyword("if")) {
    ExpectKeyword("not");
    ExpectKeyword("exists");
    stmt->if_not_exists = true;
  }
  stmt->name = ParseTopicName();
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    do {
      if (IsKeyword("watermark") && IsKeyword("for", 1)) {
        if (!stmt->watermark_column.empty()) throw ParserError("a topic has one WATERMARK", Peek().location);
        Advance();
        Advance();
        stmt->watermark_location = Peek().location;
        stmt->watermark_column = ExpectColId("the column of the watermark");
        ExpectKeyword("as");
        size_t first = pos_;
        stmt->watermark = ParseExpr();
        int64_t begin = tokens_[first].location, end = tokens_[pos_ - 1].end;
        stmt->watermark_sql = std::string(sql_.substr(begin, end - begin));
      } else {
        stmt->columns.push_back(ParseColumnDef());
      }
    } while (AcceptOp(","));
    ExpectCloseParen(open);
  }
  if (AcceptKeyword("with")) stmt->options = ParseOptionList();
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseAlterTopic() {
  auto stmt = std::make_unique<AlterTopicStmt>();
  ExpectKeyword("alter");
  ExpectKeyword("topic");
  if (IsKeyword("if") && IsKeyword("exists", 1)) {
    Advance();
    Advance();
    stmt->if_exists = true;
  }
  stmt->name = ParseTopicName();
  using A = AlterTopicStmt::Action;
  if (AcceptKeyword("set")) {
    stmt->options = ParseOptionList();
  } else if (AcceptKeyword("add")) {
    AcceptKeyword("column");
    stmt->action = A::kAddColumn;
    if (IsKeyword("if") && IsKeyword("not", 1) && IsKeyword("exists", 2)) {
      Advance();
      Advance();
      Advance();
      stmt->if_column_exists = true;
    }
    stmt->column = ParseColumnDef();
  } else if (AcceptKeyword("drop")) {
    AcceptKeyword("column");
    stmt->action = A::kDropColumn;
    if (IsKeyword("if") && IsKeyword("exists", 1)) {
      Advance();
      Advance();
      stmt->if_column_exists = true;
    }
    stmt->column_name = ExpectColId("a column name");
  } else {
    Fail(Peek(), "expected SET, ADD or DROP");
  }
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseCreateSink() {
  auto stmt = std::make_unique<CreateSinkStmt>();
  ExpectKeyword("sink");
  if (AcceptKeyword("if")) {
    ExpectKeyword("not");
    ExpectKeyword("exists");
    stmt->if_not_exists = true;
  }
  stmt->name = ParseQualifiedName("a sink name");
  ExpectKeyword("from");
  stmt->topic_location = Peek().location;
  stmt->topic = ParseTopicName();
  ExpectKeyword("into");
  stmt->table_location = Peek().location;
  stmt->table = ParseQualifiedName("a table name");
  if (AcceptKeyword("with")) stmt->options = ParseOptionList();
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseCreateMaterializedView() {
  auto stmt = std::make_unique<CreateMaterializedViewStmt>();
  stmt->alert = AcceptKeyword("alert");
  stmt->stream = stmt->alert || AcceptKeyword("stream");
  if (!stmt->stream) {
    ExpectKeyword("materialized");
    ExpectKeyword("view");
  }
  if (AcceptKeyword("if")) {
    ExpectKeyword("not");
    ExpectKeyword("exists");
    stmt->if_not_exists = true;
  }
  stmt->name = ParseQualifiedName("a materialized view name");
  if (AcceptKeyword("with")) stmt->options = ParseOptionList();
  ExpectKeyword("as");
  stmt->query_location = Peek().location;
  stmt->query = ParseQueryKeepingText(stmt->query_text);
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseAlterMaterializedView() {
  auto stmt = std::make_unique<AlterMaterializedViewStmt>();
  ExpectKeyword("alter");
  if (!AcceptKeyword("stream")) {
    ExpectKeyword("materialized");
    ExpectKeyword("view");
  }
  stmt->name = ParseQualifiedName("a materialized view name");
  if (AcceptKeyword("pause")) {
    stmt->pause = true;
  } else if (!AcceptKeyword("resume")) {
    Fail(Peek(), "expected PAUSE or RESUME");
  }
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseRefresh() {
  auto stmt = std::make_unique<RefreshMaterializedViewStmt>();
  ExpectKeyword("refresh");
  if (AcceptKeyword("sink")) {
    stmt->sink = true;
    stmt->name = ParseQualifiedName("a sink name");
    return stmt;
  }
  ExpectKeyword("materialized");
  ExpectKeyword("view");
  stmt->name = ParseQualifiedName("a materialized view name");
  return stmt;
}

}  // namespace basin::sql
