#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/parser/parser.h"
#include "sql/parser/parser_test_util.h"

namespace basin::sql {
namespace {

using test::Join;
using test::Parse;
using test::Select;
using test::Show;

// ---- queries

TEST(ParserSelect, Basic) {
  auto s = Select("SELECT DISTINCT a AS x, b y, c \"Z\", t.*, * FROM t WHERE a > 1;");
  const QueryNode& q = *s->body;
  EXPECT_EQ(q.kind, QueryNode::Kind::kSelect);
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.select_list.size(), 5u);
  EXPECT_EQ(q.select_list[0]->alias, "x");
  EXPECT_EQ(q.select_list[1]->alias, "y");
  EXPECT_EQ(q.select_list[2]->alias, "Z");
  EXPECT_EQ(Show(*q.select_list[3]), "t.*");
  EXPECT_EQ(q.select_list[4]->kind, ExprKind::kStar);
  EXPECT_EQ(q.from->names, std::vector<std::string>{"t"});
  EXPECT_EQ(Show(*q.where), "(a > 1)");
}

TEST(ParserSelect, KeywordsAsNames) {
  auto s = Select("SELECT year, month, day, key, value, name, data, first, last, text, date FROM t");
  EXPECT_EQ(s->body->select_list.size(), 11u);
  EXPECT_EQ(Show(*s->body->select_list[10]), "date");
  s = Select("SELECT 1 year, 2 AS from, x value FROM t data");
  EXPECT_EQ(s->body->select_list[0]->alias, "year");
  EXPECT_EQ(s->body->select_list[1]->alias, "from");  // any keyword after AS
  EXPECT_EQ(s->body->select_list[2]->alias, "value");
  EXPECT_EQ(s->body->from->alias, "data");
  EXPECT_THROW(ParseStatement("SELECT 1 from2 from"), ParserError);
  EXPECT_THROW(ParseStatement("SELECT select FROM t"), ParserError);
}

TEST(ParserSelect, DistinctOnGroupByHavingWindowQualify) {
  auto s = Select(
      "SELECT DISTINCT ON (a) a, sum(b) OVER w FROM t GROUP BY a, 2 HAVING count(*) > 1 "
      "WINDOW w AS (PARTITION BY a), w2 AS (w ORDER BY b) QUALIFY row_number() OVER w = 1");
  const QueryNode& q = *s->body;
  EXPECT_EQ(q.distinct_on.size(), 1u);
  ASSERT_EQ(q.group_by.size(), 2u);
  EXPECT_EQ(Show(*q.group_by[1].expr), "2");
  ASSERT_TRUE(q.having);
  ASSERT_EQ(q.windows.size(), 2u);
  EXPECT_EQ(q.windows[0].name, "w");
  EXPECT_EQ(q.windows[1].base_name, "w");
  ASSERT_TRUE(q.qualify);
  EXPECT_TRUE(Select("SELECT a FROM t GROUP BY ALL")->body->group_by_all);
}

TEST(ParserSelect, GroupingSets) {
  auto s = Select("SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c)), CUBE (d), GROUPING SETS ((a, b), a, ()), ()");
  const auto& g = s->body->group_by;
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].kind, GroupingElement::Kind::kRollup);
  ASSERT_EQ(g[0].sets.size(), 2u);
  EXPECT_EQ(g[0].sets[1].size(), 2u);
  EXPECT_EQ(g[1].kind, GroupingElement::Kind::kCube);
  EXPECT_EQ(g[2].kind, GroupingElement::Kind::kGroupingSets);
  ASSERT_EQ(g[2].sets.size(), 3u);
  EXPECT_EQ(g[2].sets[0].size(), 2u);
  EXPECT_EQ(g[2].sets[1].size(), 1u);
  EXPECT_EQ(g[2].sets[2].size(), 0u);
  EXPECT_EQ(g[3].kind, GroupingElement::Kind::kEmpty);
}

TEST(ParserSelect, Joins) {
  auto s = Select(
      "SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (x, y) NATURAL FULL JOIN d CROSS JOIN e, "
      "f AS g");
  const TableRef* r = s->body->from.get();
  ASSERT_EQ(r->kind, TableRef::Kind::kJoin);
  EXPECT_EQ(r->join_type, JoinType::kCross);  // the comma
  EXPECT_EQ(r->right->alias, "g");
  r = r->left.get();
  EXPECT_EQ(r->join_type, JoinType::kCross);
  r = r->left.get();
  EXPECT_EQ(r->join_type, JoinType::kFull);
  EXPECT_TRUE(r->natural);
  r = r->left.get();
  EXPECT_EQ(r->join_type, JoinType::kLeft);
  EXPECT_EQ(r->using_columns, (std::vector<std::string>{"x", "y"}));
  r = r->left.get();
  EXPECT_EQ(r->join_type, JoinType::kInner);
  EXPECT_EQ(Show(*r->condition), "(a.x = b.x)");
  s = Select("SELECT * FROM (a RIGHT JOIN b ON true) INNER JOIN c ON true");
  EXPECT_EQ(s->body->from->left->join_type, JoinType::kRight);
}

TEST(ParserSelect, FromItems) {
  auto s = Select("SELECT * FROM (SELECT 1) AS s(x), LATERAL (SELECT x) l, generate_series(1, 10) AS t(n)");
  const TableRef* r = s->body->from.get();
  EXPECT_EQ(r->right->kind, TableRef::Kind::kTableFunction);
  EXPECT_EQ(r->right->function->function_name, "generate_series");
  EXPECT_EQ(r->right->column_aliases, std::vector<std::string>{"n"});
  EXPECT_TRUE(r->left->right->lateral);
  EXPECT_EQ(r->left->right->alias, "l");
  EXPECT_EQ(r->left->left->kind, TableRef::Kind::kSubquery);
  EXPECT_EQ(r->left->left->column_aliases, std::vector<std::string>{"x"});
  s = Select("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, name)");
  EXPECT_EQ(s->body->from->subquery->body->kind, QueryNode::Kind::kValues);
  EXPECT_EQ(s->body->from->subquery->body->values.size(), 2u);
  s = Select("SELECT * FROM 'data/*.csv' d");
  EXPECT_EQ(s->body->from->kind, TableRef::Kind::kBaseTable);
  EXPECT_EQ(s->body->from->names, std::vector<std::string>{"data/*.csv"});
  EXPECT_EQ(s->body->from->alias, "d");
  s = Select("SELECT * FROM myschema.\"T\"");
  EXPECT_EQ(s->body->from->names, (std::vector<std::string>{"myschema", "T"}));
}

TEST(ParserSelect, SetOperations) {
  auto s = Select("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4 ORDER BY 1 LIMIT 2");
  const QueryNode& top = *s->body;
  ASSERT_EQ(top.kind, QueryNode::Kind::kSetOperation);
  EXPECT_EQ(top.set_op, QueryNode::SetOp::kExcept);
  EXPECT_TRUE(top.set_all);
  EXPECT_EQ(s->order_by.size(), 1u);
  ASSERT_TRUE(s->limit);
  const QueryNode& left = *top.left->body;
  EXPECT_EQ(left.set_op, QueryNode::SetOp::kUnion);
  EXPECT_FALSE(left.set_all);
  EXPECT_EQ(left.right->body->set_op, QueryNode::SetOp::kIntersect);
  s = Select("(SELECT 1 ORDER BY 1 LIMIT 1) UNION DISTINCT (SELECT 2)");
  EXPECT_EQ(s->body->left->order_by.size(), 1u);
  EXPECT_TRUE(s->body->left->limit);
  EXPECT_FALSE(s->limit);
  s = Select("VALUES (1), (2) UNION ALL VALUES (3)");
  EXPECT_EQ(s->body->left->body->kind, QueryNode::Kind::kValues);
}

TEST(ParserSelect, WithOrderLimit) {
  auto s = Select(
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r), q AS (SELECT 2) "
      "SELECT * FROM r ORDER BY n DESC NULLS FIRST, 2 OFFSET 5 ROWS LIMIT ALL");
  EXPECT_TRUE(s->recursive);
  ASSERT_EQ(s->ctes.size(), 2u);
  EXPECT_EQ(s->ctes[0].column_aliases, std::vector<std::string>{"n"});
  EXPECT_EQ(s->order_by[0].nulls, NullOrder::kFirst);
  EXPECT_FALSE(s->limit);
  EXPECT_EQ(Show(*s->offset), "5");
  s = Select("SELECT * FROM t OFFSET 2 FETCH FIRST 10 ROWS ONLY");
  EXPECT_EQ(Show(*s->limit), "10");
  s = Select("SELECT * FROM t FETCH NEXT ROW ONLY");
  EXPECT_EQ(Show(*s->limit), "1");
  s = Select("SELECT * FROM t LIMIT 3 OFFSET 1");
  EXPECT_EQ(Show(*s->limit), "3");
  EXPECT_THROW(ParseStatement("SELECT 1 LIMIT 1 LIMIT 2"), ParserError);
  EXPECT_EQ(Select("SELECT")->body->select_list.size(), 0u);
}

// ---- other statements

TEST(ParserStatement, Insert) {
  auto s = Parse<InsertStmt>("INSERT INTO s.t (a, b) VALUES (1, DEFAULT), (2, 'x') RETURNING a, b AS c",
                             StatementKind::kInsert);
  EXPECT_EQ(s->table, (std::vector<std::string>{"s", "t"}));
  EXPECT_EQ(s->columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s->source->body->kind, QueryNode::Kind::kValues);
  EXPECT_EQ(s->source->body->values[0][1]->kind, ExprKind::kDefault);
  EXPECT_EQ(s->returning.size(), 2u);
  EXPECT_EQ(s->returning[1]->alias, "c");
  s = Parse<InsertStmt>("INSERT INTO t SELECT * FROM u", StatementKind::kInsert);
  EXPECT_EQ(s->source->body->kind, QueryNode::Kind::kSelect);
  s = Parse<InsertStmt>("INSERT INTO t (SELECT 1)", StatementKind::kInsert);
  EXPECT_TRUE(s->columns.empty());
  EXPECT_TRUE(Parse<InsertStmt>("insert into t default values", StatementKind::kInsert)->default_values);
}

TEST(ParserStatement, UpdateDelete) {
  auto u = Parse<UpdateStmt>("UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING *",
                             StatementKind::kUpdate);
  EXPECT_EQ(u->alias, "x");
  ASSERT_EQ(u->assignments.size(), 2u);
  EXPECT_EQ(u->assignments[0].column, "a");
  EXPECT_EQ(u->assignments[0].location, 18);
  EXPECT_EQ(Show(*u->assignments[0].value), "(a + 1)");
  ASSERT_TRUE(u->from);
  ASSERT_TRUE(u->where);
  EXPECT_EQ(u->returning.size(), 1u);
  EXPECT_EQ(Parse<UpdateStmt>("UPDATE t SET a = 1", StatementKind::kUpdate)->alias, "");
  auto d = Parse<DeleteStmt>("DELETE FROM t x USING u WHERE x.a = u.a RETURNING x.a", StatementKind::kDelete);
  EXPECT_EQ(d->alias, "x");
  ASSERT_TRUE(d->using_clause);
  ASSERT_TRUE(d->where);
}

TEST(ParserStatement, Merge) {
  auto m = Parse<MergeStmt>(
      "MERGE INTO s.t AS x USING (SELECT * FROM u) v ON x.id = v.id "
      "WHEN MATCHED AND v.d THEN DELETE "
      "WHEN MATCHED THEN UPDATE SET a = v.a, b = DEFAULT "
      "WHEN NOT MATCHED BY TARGET AND v.a > 0 THEN INSERT (id, a) VALUES (v.id, DEFAULT) "
      "WHEN NOT MATCHED THEN INSERT DEFAULT VALUES "
      "WHEN NOT MATCHED BY SOURCE THEN DO NOTHING",
      StatementKind::kMerge);
  using W = MergeWhen;
  EXPECT_EQ(Join(m->table), "s.t");
  EXPECT_EQ(m->alias, "x");
  EXPECT_EQ(m->source->kind, TableRef::Kind::kSubquery);
  EXPECT_EQ(m->source->alias, "v");
  EXPECT_EQ(Show(*m->condition), "(x.id = v.id)");
  ASSERT_EQ(m->clauses.size(), 5u);
  EXPECT_EQ(m->clauses[0].match, W::Match::kMatched);
  EXPECT_EQ(m->clauses[0].action, W::Action::kDelete);
  EXPECT_EQ(Show(*m->clauses[0].condition), "v.d");
  EXPECT_EQ(m->clauses[1].action, W::Action::kUpdate);
  EXPECT_FALSE(m->clauses[1].condition);
  ASSERT_EQ(m->clauses[1].assignments.size(), 2u);
  EXPECT_EQ(m->clauses[1].assignments[1].column, "b");
  EXPECT_EQ(m->clauses[1].assignments[1].value->kind, ExprKind::kDefault);
  EXPECT_EQ(m->clauses[2].match, W::Match::kNotMatchedByTarget);
  EXPECT_EQ(m->clauses[2].action, W::Action::kInsert);
  EXPECT_EQ(m->clauses[2].columns, (std::vector<std::string>{"id", "a"}));
  ASSERT_EQ(m->clauses[2].values.size(), 2u);
  EXPECT_EQ(m->clauses[2].values[1]->kind, ExprKind::kDefault);
  EXPECT_TRUE(m->clauses[3].default_values);
  EXPECT_EQ(m->clauses[4].match, W::Match::kNotMatchedBySource);
  EXPECT_EQ(m->clauses[4].action, W::Action::kDoNothing);

  EXPECT_EQ(
      Parse<MergeStmt>("MERGE INTO t USING u ON true WHEN MATCHED THEN DELETE", StatementKind::kMerge)->alias,
      "");
  // The clause's action must suit its rows; the error points at the action.
  try {
    ParseStatement("MERGE INTO t USING u ON true WHEN MATCHED THEN INSERT DEFAULT VALUES");
    FAIL() << "expected a ParserError";
  } catch (const ParserError& e) {
    EXPECT_EQ(e.position(), 47);
  }
  EXPECT_THROW(ParseStatement("MERGE INTO t USING u ON true WHEN NOT MATCHED THEN DELETE"), ParserError);
  EXPECT_THROW(
      ParseStatement("MERGE INTO t USING u ON true WHEN NOT MATCHED BY SOURCE THEN INSERT DEFAULT VALUES"),
      ParserError);
  EXPECT_THROW(ParseStatement("MERGE INTO t USING u ON true"), ParserError);
  EXPECT_THROW(ParseStatement("MERGE INTO t USING u ON true WHEN MATCHED THEN DELETE RETURNING *"),
               NotImplementedError);
}

TEST(ParserStatement, CreateTable) {
  auto c = Parse<CreateTableStmt>(
      "CREATE TEMP TABLE IF NOT EXISTS s.t (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', "
      "price numeric(10, 2) NULL UNIQUE, ts timestamp with time zone, tags text[], "
      "CONSTRAINT u UNIQUE (name, price))",
      StatementKind::kCreateTable);
  EXPECT_TRUE(c->temporary);
  EXPECT_TRUE(c->if_not_exists);
  ASSERT_EQ(c->columns.size(), 5u);
  EXPECT_TRUE(c->columns[0].primary_key);
  EXPECT_EQ(c->columns[1].type.name, "varchar");
  EXPECT_EQ(c->columns[1].type.modifiers, std::vector<int64_t>{20});
  EXPECT_TRUE(c->columns[1].not_null);
  EXPECT_EQ(Show(*c->columns[1].default_value), "'x'");
  EXPECT_EQ(c->columns[2].type.modifiers, (std::vector<int64_t>{10, 2}));
  EXPECT_TRUE(c->columns[2].unique);
  EXPECT_EQ(c->columns[3].type.name, "timestamp with time zone");
  EXPECT_EQ(c->columns[4].type.array_bounds, 1);
  ASSERT_EQ(c->unique_constraints.size(), 1u);
  c = Parse<CreateTableStmt>("CREATE OR REPLACE TABLE t (a int, b int, PRIMARY KEY (a, b))",
                             StatementKind::kCreateTable);
  EXPECT_TRUE(c->or_replace);
  EXPECT_EQ(c->primary_key, (std::vector<std::string>{"a", "b"}));
  c = Parse<CreateTableStmt>("CREATE TABLE t (x, y) AS SELECT 1, 2", StatementKind::kCreateTable);
  EXPECT_EQ(c->as_column_names, (std::vector<std::string>{"x", "y"}));
  ASSERT_TRUE(c->as_select);
  c = Parse<CreateTableStmt>("CREATE TABLE t AS (SELECT 1) WITH NO DATA", StatementKind::kCreateTable);
  ASSERT_TRUE(c->as_select);
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int PRIMARY KEY, PRIMARY KEY (a))"), ParserError);
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int CHECK (a > 0))"), NotImplementedError);
}

TEST(ParserStatement, CreateTablePartitionedBy) {
  auto c = Parse<CreateTableStmt>(
      "CREATE TABLE t (id bigint, ts timestamp, name text) "
      "PARTITIONED BY (name, day(ts), bucket(16, id), truncate(name, 4))",
      StatementKind::kCreateTable);
  ASSERT_EQ(c->partitioned_by.size(), 4u);
  EXPECT_EQ(c->partitioned_by[0].transform, "identity");
  EXPECT_EQ(c->partitioned_by[0].column, "name");
  EXPECT_EQ(c->partitioned_by[1].transform, "day");
  EXPECT_EQ(c->partitioned_by[2].param, 16);
  EXPECT_EQ(c->partitioned_by[2].column, "id");
  EXPECT_EQ(c->partitioned_by[3].param, 4);  // Trino's order: column first
  EXPECT_EQ(c->partitioned_by[3].location, 99);
  c = Parse<CreateTableStmt>("CREATE TABLE t (x) PARTITIONED BY (x) AS SELECT 1", StatementKind::kCreateTable);
  EXPECT_EQ(c->as_column_names, std::vector<std::string>{"x"});
  ASSERT_EQ(c->partitioned_by.size(), 1u);
  c = Parse<CreateTableStmt>("CREATE TABLE t PARTITIONED BY (years(x)) AS SELECT 1 x", StatementKind::kCreateTable);
  EXPECT_EQ(c->partitioned_by[0].transform, "years");
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int) PARTITIONED BY (bucket(a))"), ParserError);
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int) PARTITIONED BY (day(4, a))"), ParserError);
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int) PARTITIONED BY (bucket(4, 5))"), ParserError);
  EXPECT_THROW(ParseStatement("CREATE TABLE t (a int) PARTITIONED BY ()"), ParserError);
}

TEST(ParserStatement, ViewSchemaDrop) {
  auto v = Parse<CreateViewStmt>("CREATE OR REPLACE VIEW v (a) AS SELECT x  FROM t  -- comment\n ;",
                                 StatementKind::kCreateView);
  EXPECT_TRUE(v->or_replace);
  EXPECT_EQ(v->column_aliases, std::vector<std::string>{"a"});
  EXPECT_EQ(v->query_text, "SELECT x  FROM t");
  auto s = Parse<CreateSchemaStmt>("CREATE SCHEMA IF NOT EXISTS Sales", StatementKind::kCreateSchema);
  EXPECT_EQ(s->name, "sales");
  EXPECT_TRUE(s->if_not_exists);
  auto d = Parse<DropStmt>("DROP TABLE IF EXISTS a, s.b CASCADE", StatementKind::kDrop);
  EXPECT_TRUE(d->if_exists);
  EXPECT_TRUE(d->cascade);
  ASSERT_EQ(d->names.size(), 2u);
  EXPECT_EQ(d->names[1], (std::vector<std::string>{"s", "b"}));
  EXPECT_EQ(Parse<DropStmt>("DROP VIEW v RESTRICT", StatementKind::kDrop)->object_kind,
            DropStmt::ObjectKind::kView);
  EXPECT_EQ(Parse<DropStmt>("DROP SCHEMA s", StatementKind::kDrop)->object_kind,
            DropStmt::ObjectKind::kSchema);
}

TEST(ParserStatement, Copy) {
  auto c =
      Parse<CopyStmt>("COPY t (a, b) FROM 'f.csv' WITH (FORMAT csv, HEADER, DELIMITER '|', HEADER false)",
                      StatementKind::kCopy);
  EXPECT_TRUE(c->is_from);
  EXPECT_EQ(c->file, "f.csv");
  EXPECT_EQ(c->columns, (std::vector<std::string>{"a", "b"}));
  using Options = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->options,
            (Options{{"format", "csv"}, {"header", ""}, {"delimiter", "|"}, {"header", "false"}}));
  c = Parse<CopyStmt>("COPY t TO STDOUT WITH CSV HEADER DELIMITER AS ';' NULL ''", StatementKind::kCopy);
  EXPECT_FALSE(c->is_from);
  EXPECT_TRUE(c->is_stdio);
  EXPECT_EQ(c->file, "STDOUT");
  EXPECT_EQ(c->options, (Options{{"format", "csv"}, {"header", ""}, {"delimiter", ";"}, {"null", ""}}));
  c = Parse<CopyStmt>("COPY (SELECT 1) TO 'out.parquet' (FORMAT parquet)", StatementKind::kCopy);
  ASSERT_TRUE(c->query);
  EXPECT_EQ(c->options, (Options{{"format", "parquet"}}));
}

TEST(ParserStatement, Utility) {
  auto sh = Parse<ShowStmt>("SHOW TABLES FROM s", StatementKind::kShow);
  EXPECT_EQ(sh->what, "tables");
  EXPECT_EQ(sh->schema, "s");
  EXPECT_EQ(Parse<ShowStmt>("SHOW ALL", StatementKind::kShow)->what, "all");
  EXPECT_EQ(Parse<ShowStmt>("SHOW Search_Path", StatementKind::kShow)->what, "search_path");
  EXPECT_EQ(Parse<DescribeStmt>("DESCRIBE s.t", StatementKind::kDescribe)->table,
            (std::vector<std::string>{"s", "t"}));
  EXPECT_TRUE(Parse<DescribeStmt>("DESC SELECT 1", StatementKind::kDescribe)->query);
  auto ex = Parse<ExplainStmt>("EXPLAIN ANALYZE SELECT 1", StatementKind::kExplain);
  EXPECT_TRUE(ex->analyze);
  EXPECT_EQ(ex->statement->kind, StatementKind::kSelect);
  EXPECT_FALSE(Parse<ExplainStmt>("EXPLAIN DELETE FROM t", StatementKind::kExplain)->analyze);
  EXPECT_TRUE(
      Parse<ExplainStmt>("EXPLAIN (ANALYZE, FORMAT text) SELECT 1", StatementKind::kExplain)->analyze);
  auto set = Parse<SetStmt>("SET search_path TO 'my schema', public", StatementKind::kSet);
  EXPECT_EQ(set->name, "search_path");
  EXPECT_EQ(set->value, "my schema, public");
  set = Parse<SetStmt>("SET LOCAL threads = 4", StatementKind::kSet);
  EXPECT_EQ(set->name, "threads");
  EXPECT_EQ(set->value, "4");
  EXPECT_EQ(Parse<SetStmt>("SET TIME ZONE 'UTC'", StatementKind::kSet)->name, "timezone");
  set = Parse<SetStmt>("RESET ALL", StatementKind::kSet);
  EXPECT_TRUE(set->reset);
  EXPECT_EQ(set->name, "all");
  using K = TransactionStmt::Kind;
  EXPECT_EQ(Parse<TransactionStmt>("BEGIN", StatementKind::kTransaction)->txn_kind, K::kBegin);
  EXPECT_EQ(Parse<TransactionStmt>("START TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY",
                                   StatementKind::kTransaction)
                ->txn_kind,
            K::kBegin);
  EXPECT_EQ(Parse<TransactionStmt>("COMMIT", StatementKind::kTransaction)->txn_kind, K::kCommit);
  EXPECT_EQ(Parse<TransactionStmt>("END", StatementKind::kTransaction)->txn_kind, K::kCommit);
  EXPECT_EQ(Parse<TransactionStmt>("ROLLBACK WORK", StatementKind::kTransaction)->txn_kind, K::kRollback);
}

TEST(ParserStatement, Locations) {
  auto s = Select("  SELECT a,\n  b + 1 FROM t");
  EXPECT_EQ(s->location, 2);
  EXPECT_EQ(s->body->select_list[1]->location, 14);
  EXPECT_EQ(s->body->from->location, 25);
}

}  // namespace
}  // namespace basin::sql
