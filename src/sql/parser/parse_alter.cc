// Table maintenance statements: ALTER TABLE, COMMENT ON, OPTIMIZE and VACUUM.

#include "sql/parser/parser_internal.h"

namespace basin::sql {

std::unique_ptr<Statement> Parser::ParseAlterTable() {
  auto stmt = std::make_unique<AlterTableStmt>();
  stmt->location = Peek().location;
  ExpectKeyword("alter");
  ExpectKeyword("table");
  if (IsKeyword("if") && IsKeyword("exists", 1)) {
    Advance();
    Advance();
    stmt->if_exists = true;
  }
  stmt->table = ParseQualifiedName("a table name");
  using A = AlterTableStmt::Action;
  auto if_exists = [&](const char* second) {
    if (IsKeyword("if") && (second == nullptr ? IsKeyword("exists", 1) : IsKeyword("not", 1) && IsKeyword("exists", 2))) {
      Advance();
      Advance();
      if (second) Advance();
      stmt->if_object_exists = true;
    }
  };
  if (AcceptKeyword("add")) {
    AcceptKeyword("column");
    stmt->action = A::kAddColumn;
    if_exists("not");
    stmt->column = ParseColumnDef();
  } else if (AcceptKeyword("drop")) {
    AcceptKeyword("column");
    stmt->action = A::kDropColumn;
    if_exists(nullptr);
    stmt->column_name = ExpectColId("a column name");
  } else if (AcceptKeyword("rename")) {
    if (AcceptKeyword("to")) {
      stmt->action = A::kRenameTable;
    } else {
      AcceptKeyword("column");
      stmt->action = A::kRenameColumn;
      stmt->column_name = ExpectColId("a column name");
      ExpectKeyword("to");
    }
    stmt->new_name = ExpectColId("a new name");
  } else if (AcceptKeyword("alter")) {
    AcceptKeyword("column");
    stmt->column_name = ExpectColId("a column name");
    if (AcceptKeyword("type") || (IsKeyword("set") && IsKeyword("data", 1))) {
      if (AcceptKeyword("set")) {
        ExpectKeyword("data");
        ExpectKeyword("type");
      }
      stmt->action = A::kSetType;
      stmt->type = ParseTypeName();
      if (IsKeyword("using")) NotSupported(Peek(), "ALTER COLUMN TYPE ... USING");
    } else if (AcceptKeyword("set")) {
      if (AcceptKeyword("default")) {
        stmt->action = A::kSetDefault;
        size_t first = pos_;
        stmt->default_value = ParseExpr();
        int64_t begin = tokens_[first].location, end = tokens_[pos_ - 1].end;
        stmt->default_sql = std::string(sql_.substr(begin, end - begin));
      } else {
        ExpectKeyword("not");
        ExpectKeyword("null");
        stmt->action = A::kSetNotNull;
      }
    } else {
      ExpectKeyword("drop");
      if (AcceptKeyword("default")) {
        stmt->action = A::kDropDefault;
      } else {
        ExpectKeyword("not");
        ExpectKeyword("null");
        stmt->action = A::kDropNotNull;
      }
    }
  } else if (AcceptKeyword("set")) {
    // SET (key = 'value', ...), as PostgreSQL's storage parameters; Iceberg table properties here.
    stmt->action = A::kSetProperties;
    stmt->properties = ParseOptionList();
  } else if (AcceptKeyword("execute")) {
    // Trino's table procedures: rollback_to_snapshot(id), optimize, expire_snapshots.
    stmt->action = A::kExecute;
    stmt->procedure = ExpectColId("a procedure name");
    if (IsOp("(")) {
      int64_t open = ExpectOpenParen();
      if (!IsOp(")")) {
        do {
          size_t first = pos_;
          stmt->arguments.push_back(ParseExpr());
          stmt->argument_sql.push_back(std::string(
              sql_.substr(tokens_[first].location, tokens_[pos_ - 1].end - tokens_[first].location)));
        } while (AcceptOp(","));
      }
      ExpectCloseParen(open);
    }
  } else {
    Fail(Peek(), "expected ADD, DROP, RENAME, ALTER, SET or EXECUTE");
  }
  return stmt;
}

OptionList Parser::ParseOptionList() {
  OptionList options;
  int64_t open = ExpectOpenParen();
  do {
    std::string key;
    if (Peek().type == TokenType::kString) {
      key = Advance().text;
    } else {
      key = ExpectColLabel("a property name");
      while (AcceptOp(".")) key += "." + ExpectColLabel("a property name");
    }
    AcceptOp("=");
    options.emplace_back(std::move(key), ParseOptionValue());
  } while (AcceptOp(","));
  ExpectCloseParen(open);
  return options;
}

std::unique_ptr<Statement> Parser::ParseComment() {
  auto stmt = std::make_unique<CommentStmt>();
  stmt->location = Peek().location;
  ExpectKeyword("comment");
  ExpectKeyword("on");
  if (AcceptKeyword("column")) {
    stmt->on_column = true;
    stmt->target = ParseQualifiedName("a table column");
    if (stmt->target.size() < 2) Fail(Peek(), "expected table.column");
  } else {
    ExpectKeyword("table");
    stmt->target = ParseQualifiedName("a table name");
  }
  ExpectKeyword("is");
  if (AcceptKeyword("null")) {
    stmt->is_null = true;
  } else if (Peek().type == TokenType::kString) {
    stmt->comment = Advance().text;
  } else {
    Fail(Peek(), "expected a string or NULL");
  }
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseMaintenance() {
  auto stmt = std::make_unique<MaintenanceStmt>();
  stmt->location = Peek().location;
  const std::string word = Advance().text;
  stmt->maintenance = word == "optimize" ? MaintenanceStmt::Kind::kOptimize : MaintenanceStmt::Kind::kVacuum;
  AcceptKeyword("table");
  if (!AtEnd() && !IsOp(";")) stmt->table = ParseQualifiedName("a table name");
  if (stmt->table.empty() && stmt->maintenance == MaintenanceStmt::Kind::kOptimize) {
    Fail(Peek(), "expected a table name");
  }
  return stmt;
}

std::unique_ptr<Statement> Parser::ParseCall() {
  auto stmt = std::make_unique<CallStmt>();
  stmt->location = Peek().location;
  ExpectKeyword("call");
  stmt->procedure = ParseQualifiedName("a procedure name").back();
  int64_t open = ExpectOpenParen();
  if (!IsOp(")")) {
    do {
      std::string name;
      if (Peek().type == TokenType::kIdent && IsOp("=>", 1)) {
        name = Advance().text;
        Advance();
      }
      size_t first = pos_;
      ParseExpr();
      stmt->arguments.emplace_back(
          std::move(name), std::string(sql_.substr(tokens_[first].location, tokens_[pos_ - 1].end - tokens_[first].location)));
    } while (AcceptOp(","));
  }
  ExpectCloseParen(open);
  return stmt;
}

void Parser::ParseTimeTravel(TableRef* ref) {
  // FOR VERSION AS OF n, FOR TIMESTAMP AS OF t, and the SQL standard's FOR SYSTEM_TIME / SYSTEM_VERSION.
  if (!IsKeyword("for")) return;
  bool version = IsKeyword("version", 1) || IsKeyword("system_version", 1);
  bool timestamp = IsKeyword("timestamp", 1) || IsKeyword("system_time", 1);
  if (!version && !timestamp) return;
  Advance();
  Advance();
  ExpectKeyword("as");
  ExpectKeyword("of");
  size_t first = pos_;
  (version ? ref->version_as_of : ref->timestamp_as_of) = ParseBinary(kPrecCompare);
  ref->as_of_sql = std::string(sql_.substr(tokens_[first].location, tokens_[pos_ - 1].end - tokens_[first].location));
}

}  // namespace basin::sql
