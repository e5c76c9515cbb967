// Statements other than queries: DML, DDL, COPY and the utility statements.

#include "sql/parser/parser_internal.h"

namespace basin::sql {

// ---- INSERT / UPDATE / DELETE

std::unique_ptr<Statement> Parser::ParseInsert() {
  auto stmt = std::make_unique<InsertStmt>();
  ExpectKeyword("insert");
  ExpectKeyword("into");
  stmt->table = ParseQualifiedName("a table name");
  if (AcceptKeyword("as")) stmt->alias = ExpectColId("an alias after AS");
  if (IsOp("(") && !ParenStartsQuery(0)) stmt->columns = ParseNameList("a column name");
  if (AcceptKeyword("default")) {
    ExpectKeyword("values");
    stmt->default_values = true;
  } else if (IsOp("(") || IsKeyword("select") || IsKeyword("with") || IsKeyword("values") ||
             IsKeyword("table")) {
    stmt->source = ParseQuery();
  } else {
    Fail(Peek(), "expected VALUES, SELECT or DEFAULT VALUES");
  }
  if (IsKeyword("on") && IsKeyword("conflict", 1)) NotSupported(Peek(), "ON CONFLICT");
  stmt->returning = ParseReturning();
  return stmt;
}

std::vector<ParsedExprPtr> Parser::ParseReturning() {
  if (!AcceptKeyword("returning")) return {};
  return ParseSelectList();
}

// UPDATE t [AS] a / DELETE FROM t [AS] a: SET after UPDATE's table is a clause, not an alias.
std::string Parser::ParseDmlAlias() {
  if (AcceptKeyword("as")) return ExpectColId("an alias after AS");
  if (IsBareAlias(Peek()) && !IsKeyword("set")) return Advance().text;
  return {};
}

std::unique_ptr<Statement> Parser::ParseUpdate() {
  auto stmt = std::make_unique<UpdateStmt>();
  ExpectKeyword("update");
  stmt->table = ParseQualifiedName("a table name");
  stmt->alias = ParseDmlAlias();
  stmt->assignments = ParseAssignments();
  if (AcceptKeyword("from")) stmt->from = ParseFromList();
  if (AcceptKeyword("where")) stmt->where = ParseExpr();
  stmt->returning = ParseReturning();
  return stmt;
}

// SET a = x, b = DEFAULT (UPDATE and MERGE's WHEN ... THEN UPDATE).
std::vector<Assignment> Parser::ParseAssignments() {
  ExpectKeyword("set");
  std::vector<Assignment> assignments;
  SiblingScope scope(this);
  do {
    scope.Next();
    if (IsOp("(")) NotSupported(Peek(), "UPDATE ... SET (a, b) = ...");
    Assignment a;
    a.location = Peek().location;
    a.column = ExpectColId("a column name");
    if (IsOp(".")) NotSupported(Peek(), "assigning to a field of a column");
    ExpectOp("=");
    a.value = ParseExpr();
    assignments.push_back(std::move(a));
  } while (AcceptOp(","));
  return assignments;
}

std::unique_ptr<Statement> Parser::ParseDelete() {
  auto stmt = std::make_unique<DeleteStmt>();
  ExpectKeyword("delete");
  ExpectKeyword("from");
  stmt->table = ParseQualifiedName("a table name");
  stmt->alias = ParseDmlAlias();
  if (AcceptKeyword("using")) stmt->using_clause = ParseFromList();
  if (AcceptKeyword("where")) stmt->where = ParseExpr();
  stmt->returning = ParseReturning();
  return stmt;
}

// ---- MERGE

std::unique_ptr<Statement> Parser::ParseMerge() {
  auto stmt = std::make_unique<MergeStmt>();
  ExpectKeyword("merge");
  ExpectKeyword("into");
  stmt->table = ParseQualifiedName("a table name");
  stmt->alias = ParseDmlAlias();
  ExpectKeyword("using");
  stmt->source = ParseTableRef();
  ExpectKeyword("on");
  stmt->condition = ParseExpr();
  if (!IsKeyword("when")) Fail(Peek(), "expected WHEN");
  SiblingScope scope(this);
  while (IsKeyword("when")) {
    scope.Next();
    stmt->clauses.push_back(ParseMergeWhen());
  }
  if (IsKeyword("returning")) NotSupported(Peek(), "MERGE ... RETURNING");
  return stmt;
}

MergeWhen Parser::ParseMergeWhen() {
  MergeWhen when;
  when.location = Peek().location;
  ExpectKeyword("when");
  if (AcceptKeyword("not")) {
    ExpectKeyword("matched");
    when.match = MergeWhen::Match::kNotMatchedByTarget;
    if (AcceptKeyword("by")) {
      if (AcceptKeyword("source")) {
        when.match = MergeWhen::Match::kNotMatchedBySource;
      } else if (!AcceptKeyword("target")) {
        Fail(Peek(), "expected SOURCE or TARGET");
      }
    }
  } else if (!AcceptKeyword("matched")) {
    Fail(Peek(), "expected MATCHED or NOT MATCHED");
  }
  if (AcceptKeyword("and")) when.condition = ParseExpr();
  ExpectKeyword("then");
  when.action_location = Peek().location;
  const bool insert_clause = when.match == MergeWhen::Match::kNotMatchedByTarget;
  if (IsKeyword("do") && IsKeyword("nothing", 1)) {
    Advance();
    Advance();
    when.action = MergeWhen::Action::kDoNothing;
  } else if (insert_clause && AcceptKeyword("insert")) {
    when.action = MergeWhen::Action::kInsert;
    if (IsOp("(")) {
      when.columns_location = Peek().location;
      when.columns = ParseNameList("a column name");
    }
    if (IsKeyword("overriding")) NotSupported(Peek(), "OVERRIDING");
    if (AcceptKeyword("default")) {
      ExpectKeyword("values");
      when.default_values = true;
    } else {
      ExpectKeyword("values");
      int64_t open = ExpectOpenParen();
      when.values = ParseExprList();
      ExpectCloseParen(open);
    }
  } else if (!insert_clause && IsKeyword("update")) {
    Advance();
    when.action = MergeWhen::Action::kUpdate;
    when.assignments = ParseAssignments();
  } else if (!insert_clause && AcceptKeyword("delete")) {
    when.action = MergeWhen::Action::kDelete;
  } else {
    Fail(Peek(), insert_clause
                     ? "expected INSERT or DO NOTHING after WHEN NOT MATCHED"
                     : (when.match == MergeWhen::Match::kMatched
                            ? "expected UPDATE, DELETE or DO NOTHING after WHEN MATCHED"
                            : "expected UPDATE, DELETE or DO NOTHING after WHEN NOT MATCHED BY SOURCE"));
  }
  return when;
}

// ---- CREATE / DROP

std::unique_ptr<Statement> Parser::ParseCreate() {
  ExpectKeyword("create");
  bool or_replace = false;
  if (AcceptKeyword("or")) {
    ExpectKeyword("replace");
    or_replace = true;
  }
  bool temporary = AcceptKeyword("temp") || AcceptKeyword("temporary");
  if (IsKeyword("topic") && !or_replace && !temporary) return ParseCreateTopic();
  if (IsKeyword("sink") && !or_replace && !temporary) return ParseCreateSink();
  if ((IsKeyword("materialized") || IsKeyword("stream") || IsKeyword("alert")) && !or_replace && !temporary)
    return ParseCreateMaterializedView();
  if (IsKeyword("table")) return ParseCreateTable(or_replace, temporary);
  if (IsKeyword("view")) return ParseCreateView(or_replace, temporary);
  if (IsKeyword("schema") && !or_replace && !temporary) {
    Advance();
    auto stmt = std::make_unique<CreateSchemaStmt>();
    if (AcceptKeyword("if")) {
      ExpectKeyword("not");
      ExpectKeyword("exists");
      stmt->if_not_exists = true;
    }
    stmt->name = ExpectColId("a schema name");
    return stmt;
  }
  Fail(Peek(), or_replace || temporary ? "expected TABLE or VIEW"
                                       : "expected TABLE, VIEW, MATERIALIZED VIEW, SCHEMA, TOPIC or SINK");
}

std::unique_ptr<Statement> Parser::ParseCreateTable(bool or_replace, bool temporary) {
  auto stmt = std::make_unique<CreateTableStmt>();
  stmt->or_replace = or_replace;
  stmt->temporary = temporary;
  ExpectKeyword("table");
  if (AcceptKeyword("if")) {
    ExpectKeyword("not");
    ExpectKeyword("exists");
    stmt->if_not_exists = true;
  }
  stmt->name = ParseQualifiedName("a table name");
  bool has_elements = false;
  if (IsOp("(")) {
    // Names of a CREATE TABLE ... AS (followed by AS, perhaps after PARTITIONED BY (...)), or elements.
    size_t next = MatchingParen(pos_) + 1;
    if (IsKeyword("partitioned", next - pos_) && IsKeyword("by", next - pos_ + 1) && IsOp("(", next - pos_ + 2)) {
      next = MatchingParen(next + 2) + 1;
    }
    if (IsKeyword("as", next - pos_)) {
      stmt->as_column_names = ParseNameList("a column name");
    } else {
      ParseTableElements(stmt.get());
      has_elements = true;
    }
  }
  if (IsKeyword("partitioned") && IsKeyword("by", 1)) stmt->partitioned_by = ParsePartitionedBy();
  if (!has_elements) {
    ExpectKeyword("as");
    stmt->as_select = ParseQuery();
    if (IsKeyword("with")) {  // WITH [NO] DATA
      Advance();
      AcceptKeyword("no");
      ExpectKeyword("data");
    }
  }
  return stmt;
}

void Parser::ParseTableElements(CreateTableStmt* stmt) {
  int64_t open = ExpectOpenParen();
  do {
    if (AcceptKeyword("constraint")) ExpectColId("a constraint name");
    const Token& t = Peek();
    if (IsKeyword("primary") && IsKeyword("key", 1)) {
      Advance();
      Advance();
      if (!stmt->primary_key.empty())
        throw ParserError("multiple primary keys for table are not allowed", t.location);
      stmt->primary_key = ParseNameList("a column name");
    } else if (IsKeyword("unique") && IsOp("(", 1)) {
      Advance();
      stmt->unique_constraints.push_back(ParseNameList("a column name"));
    } else if (IsKeyword("check") || IsKeyword("foreign") || IsKeyword("exclude")) {
      NotSupported(t, Peek().text == "check" ? "CHECK constraints" : "this table constraint");
    } else {
      stmt->columns.push_back(ParseColumnDef());
    }
  } while (AcceptOp(","));
  ExpectCloseParen(open);
  int primary_keys = stmt->primary_key.empty() ? 0 : 1;
  for (const ColumnDef& column : stmt->columns) primary_keys += column.primary_key ? 1 : 0;
  if (primary_keys > 1) throw ParserError("multiple primary keys for table are not allowed", open);
}

/// PARTITIONED BY (col | transform(col) | bucket(N, col) | truncate(W, col), ...): Spark's spelling; the
/// column and the number may also come in Trino's order, bucket(col, N). The binder checks the names.
std::vector<PartitionDef> Parser::ParsePartitionedBy() {
  Advance();
  Advance();
  std::vector<PartitionDef> out;
  int64_t open = ExpectOpenParen();
  do {
    PartitionDef def;
    def.location = Peek().location;
    std::string name = ExpectColId("a column or partition transform");
    if (!IsOp("(")) {
      def.column = std::move(name);
      out.push_back(std::move(def));
      continue;
    }
    def.transform = std::move(name);
    int64_t args_open = ExpectOpenParen();
    bool has_param = false;
    do {
      const Token& t = Peek();
      if (t.type == TokenType::kInteger) {
        if (has_param || t.text.size() > 9) Fail(t, "a column name");
        def.param = std::stoll(t.text);
        has_param = true;
        Advance();
      } else {
        if (!def.column.empty()) Fail(t, "a number");
        def.column = ExpectColId("a column name");
      }
    } while (AcceptOp(","));
    ExpectCloseParen(args_open);
    if (def.column.empty()) throw ParserError("partition transform " + def.transform + " needs a column", def.location);
    bool wants_param = def.transform == "bucket" || def.transform == "truncate";
    if (wants_param != has_param) {
      throw ParserError(wants_param ? "partition transform " + def.transform + " needs a number: " + def.transform +
                                          "(N, column)"
                                    : "partition transform " + def.transform + " takes only a column",
                        def.location);
    }
    out.push_back(std::move(def));
  } while (AcceptOp(","));
  ExpectCloseParen(open);
  return out;
}

ColumnDef Parser::ParseColumnDef() {
  ColumnDef column;
  column.location = Peek().location;
  column.name = ExpectColId("a column name or table constraint");
  column.type = ParseTypeName();
  while (true) {
    const Token& t = Peek();
    if (AcceptKeyword("constraint")) {
      ExpectColId("a constraint name");
    } else if (IsKeyword("not") && IsKeyword("null", 1)) {
      Advance();
      Advance();
      column.not_null = true;
    } else if (AcceptKeyword("null")) {
      column.not_null = false;
    } else if (AcceptKeyword("default")) {
      size_t first = pos_;
      column.default_value = ParseBinary(kPrecCompare);  // b_expr: stops before NOT NULL and friends
      // Keep the text as written: the catalog stores it and binds it again at every insert.
      int64_t begin = tokens_[first].location, end = tokens_[pos_ - 1].end;
      column.default_sql = std::string(sql_.substr(begin, end - begin));
    } else if (IsKeyword("primary")) {
      Advance();
      ExpectKeyword("key");
      column.primary_key = true;
    } else if (AcceptKeyword("unique")) {
      column.unique = true;
    } else if (IsKeyword("check") || IsKeyword("references") || IsKeyword("collate") ||
               IsKeyword("generated")) {
      NotSupported(t, "column constraint " + t.text);
    } else {
      return column;
    }
  }
}

std::unique_ptr<Statement> Parser::ParseCreateView(bool or_replace, bool temporary) {
  auto stmt = std::make_unique<CreateViewStmt>();
  stmt->or_replace = or_replace;
  stmt->temporary = temporary;
  ExpectKeyword("view");
  if (AcceptKeyword("if")) {
    ExpectKeyword("not");
    ExpectKeyword("exists");
    stmt->if_not_exists = true;
  }
  stmt->name = ParseQualifiedName("a view name");
  if (IsOp("(")) stmt->column_aliases = ParseNameList("a column name");
  ExpectKeyword("as");
  stmt->query = ParseQueryKeepingText(stmt->query_text);
  return stmt;
}

std::unique_ptr<SelectStatement> Parser::ParseQueryKeepingText(std::string& text) {
  size_t first = pos_;
  auto query = ParseQuery();
  int64_t begin = tokens_[first].location;
  int64_t end = tokens_[pos_ - 1].end;
  text = std::string(sql_.substr(begin, end - begin));
  return query;
}

std::unique_ptr<Statement> Parser::ParseDrop() {
  auto stmt = std::make_unique<DropStmt>();
  ExpectKeyword("drop");
  if (AcceptKeyword("table")) {
    stmt->object_kind = DropStmt::ObjectKind::kTable;
  } else if (AcceptKeyword("view")) {
    stmt->object_kind = DropStmt::ObjectKind::kView;
  } else if (AcceptKeyword("schema")) {
    stmt->object_kind = DropStmt::ObjectKind::kSchema;
  } else if (AcceptKeyword("topic")) {
    stmt->object_kind = DropStmt::ObjectKind::kTopic;
  } else if (AcceptKeyword("sink")) {
    stmt->object_kind = DropStmt::ObjectKind::kSink;
  } else if (AcceptKeyword("materialized")) {
    ExpectKeyword("view");
    stmt->object_kind = DropStmt::ObjectKind::kMaterializedView;
  } else if (AcceptKeyword("stream")) {
    stmt->object_kind = DropStmt::ObjectKind::kStream;
  } else if (AcceptKeyword("alert")) {
    stmt->object_kind = DropStmt::ObjectKind::kAlert;
  } else {
    Fail(Peek(), "expected TABLE, VIEW, MATERIALIZED VIEW, SCHEMA, TOPIC or SINK");
  }
  if (AcceptKeyword("if")) {
    ExpectKeyword("exists");
    stmt->if_exists = true;
  }
  do {
    stmt->names.push_back(stmt->object_kind == DropStmt::ObjectKind::kTopic
                              ? std::vector<std::string>{ParseTopicName()}
                              : ParseQualifiedName("a name"));
  } while (AcceptOp(","));
  if (AcceptKeyword("cascade")) {
    stmt->cascade = true;
  } else {
    AcceptKeyword("restrict");
  }
  return stmt;
}

}  // namespace basin::sql
