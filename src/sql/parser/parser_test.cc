#include "sql/parser/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>

#include "common/exception.h"
#include "sql/parser/parser_test_util.h"

namespace basin::sql {
namespace {

using test::ErrorOf;
using test::Expr;
using test::Parse;
using test::Select;
using test::Show;

// ---- expressions

TEST(ParserExpr, Precedence) {
  EXPECT_EQ(Expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(Expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(Expr("2 ^ 3 * 4"), "((2 ^ 3) * 4)");
  EXPECT_EQ(Expr("-2 ^ 2"), "(-2 ^ 2)");
  EXPECT_EQ(Expr("- x ^ 2"), "((- x) ^ 2)");
  EXPECT_EQ(Expr("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(Expr("NOT a = b AND c"), "((NOT (a = b)) AND c)");
  EXPECT_EQ(Expr("a = b OR NOT c IS NULL"), "((a = b) OR (NOT (c IS NULL)))");
  EXPECT_EQ(Expr("a || b = c"), "((a || b) = c)");
  EXPECT_EQ(Expr("a + b || c"), "((a + b) || c)");
  EXPECT_EQ(Expr("a < b + 1"), "(a < (b + 1))");
  EXPECT_EQ(Expr("a != b"), "(a <> b)");
  EXPECT_EQ(Expr("a ~* 'x' AND b !~ 'y'"), "((a ~* 'x') AND (b !~ 'y'))");
  EXPECT_EQ(Expr("a LIKE 'x%' = TRUE"), "((a LIKE 'x%') = true)");
  EXPECT_EQ(Expr("x BETWEEN 1 AND 2 AND y"), "((x BETWEEN 1 AND 2) AND y)");
  EXPECT_EQ(Expr("x NOT BETWEEN SYMMETRIC a + 1 AND b"), "(x NOT BETWEEN SYMMETRIC (a + 1) AND b)");
  EXPECT_EQ(Expr("-x::int"), "(- CAST(x AS int))");
  EXPECT_EQ(Expr("-1"), "-1");
  EXPECT_EQ(Expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Expr("1::text::int"), "CAST(CAST(1 AS text) AS int)");
  EXPECT_EQ(Expr("a IS NOT DISTINCT FROM b + 1"), "(a IS NOT DISTINCT FROM (b + 1))");
  EXPECT_EQ(Expr("a isnull OR b notnull"), "((a IS NULL) OR (b IS NOT NULL))");
  EXPECT_EQ(Expr("x IS NOT TRUE"), "(x IS NOT TRUE)");
  EXPECT_EQ(Expr("x IS UNKNOWN"), "(x IS UNKNOWN)");
  EXPECT_EQ(Expr("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(Expr("a % b / c"), "((a % b) / c)");
  EXPECT_EQ(Expr("ts AT TIME ZONE 'UTC'"), "timezone('UTC' ts)");
}

TEST(ParserExpr, Literals) {
  EXPECT_EQ(Expr("'it''s'"), "'it's'");
  EXPECT_EQ(Expr("E'a\\nb\\x41\\''"), "'a\nbA''");
  EXPECT_EQ(Expr("$$it's$$"), "'it's'");
  EXPECT_EQ(Expr("$fn$a $$ b$fn$"), "'a $$ b'");
  EXPECT_EQ(Expr("B'0101'"), "B'0101'");
  EXPECT_EQ(Expr("X'1F'"), "B'00011111'");
  EXPECT_EQ(Expr("'a'\n  'b'"), "'ab'");
  EXPECT_EQ(Expr("1.5 + .5 + 1e10 + 2E-3"), "(((1.5 + .5) + 1e10) + 2E-3)");
  EXPECT_EQ(ParseExpression("1e10")->constant_kind, ConstantKind::kNumeric);
  EXPECT_EQ(ParseExpression("123")->constant_kind, ConstantKind::kInteger);
  EXPECT_EQ(Expr("$1 + $12"), "($1 + $12)");
  EXPECT_EQ(Expr("NULL"), "NULL");
  EXPECT_EQ(Expr("\"My \"\"Col\"\"\""), "My \"Col\"");
  EXPECT_EQ(Expr("MyCol"), "mycol");
  EXPECT_EQ(Expr("a /* x /* nested */ y */ + -- c\n b"), "(a + b)");
}

TEST(ParserExpr, TypedLiteralsAndCasts) {
  EXPECT_EQ(Expr("DATE '2024-01-02'"), "CAST('2024-01-02' AS date)");
  EXPECT_EQ(Expr("TIMESTAMP '2024-01-02 03:04'"), "CAST('2024-01-02 03:04' AS timestamp)");
  EXPECT_EQ(Expr("TIMESTAMP(3) WITH TIME ZONE '2024-01-02'"),
            "CAST('2024-01-02' AS timestamp with time zone(3))");
  EXPECT_EQ(Expr("TIME '03:04'"), "CAST('03:04' AS time)");
  EXPECT_EQ(Expr("INTERVAL '1 day'"), "CAST('1 day' AS interval)");
  EXPECT_EQ(Expr("INTERVAL '3' DAY"), "CAST('3 day' AS interval)");
  EXPECT_EQ(Expr("INTERVAL '2' hours"), "CAST('2 hour' AS interval)");
  EXPECT_EQ(Expr("INTERVAL '1' YEAR + INTERVAL '5' MINUTE"),
            "(CAST('1 year' AS interval) + CAST('5 minute' AS interval))");
  EXPECT_EQ(Expr("CAST(x AS numeric(15, 2))"), "CAST(x AS numeric(15,2))");
  EXPECT_EQ(Expr("TRY_CAST(x AS double precision)"), "TRY_CAST(x AS double precision)");
  EXPECT_EQ(Expr("x::character varying(10)"), "CAST(x AS character varying(10))");
  EXPECT_EQ(Expr("x::int[]"), "CAST(x AS int[])");
  EXPECT_EQ(Expr("x::timestamp without time zone"), "CAST(x AS timestamp without time zone)");
  EXPECT_EQ(Expr("date(x)"), "date(x)");      // a function, not a literal
  EXPECT_EQ(Expr("time + 1"), "(time + 1)");  // a column
}

TEST(ParserExpr, Predicates) {
  EXPECT_EQ(Expr("x IN (1, 2, 3)"), "(x IN [1 2 3])");
  EXPECT_EQ(Expr("x NOT IN (1)"), "(x NOT IN [1])");
  EXPECT_EQ(Expr("x IN (SELECT a FROM t)"), "(x = ANY <query>)");
  EXPECT_EQ(Expr("x NOT IN (SELECT a FROM t)"), "(NOT (x = ANY <query>))");
  EXPECT_EQ(Expr("x = ANY (SELECT a FROM t)"), "(x = ANY <query>)");
  EXPECT_EQ(Expr("x > ALL (SELECT a FROM t)"), "(x > ALL <query>)");
  EXPECT_EQ(Expr("x = ANY (ARRAY[1, 2])"), "(x = ANY ARRAY[1 2])");
  EXPECT_EQ(Expr("EXISTS (SELECT 1)"), "(EXISTS <query>)");
  EXPECT_EQ(Expr("NOT EXISTS (SELECT 1)"), "(NOT (EXISTS <query>))");
  EXPECT_EQ(Expr("(SELECT max(a) FROM t) + 1"), "((SCALAR <query>) + 1)");
  EXPECT_EQ(Expr("ARRAY(SELECT 1)"), "(ARRAY <query>)");
  EXPECT_EQ(Expr("a NOT LIKE 'x!%' ESCAPE '!'"), "(a NOT LIKE 'x!%' ESCAPE '!')");
  EXPECT_EQ(Expr("a ILIKE b || '%'"), "(a ILIKE (b || '%'))");
  EXPECT_EQ(Expr("a ~~ b"), "(a LIKE b)");
  EXPECT_EQ(Expr("a !~~* b"), "(a NOT ILIKE b)");
  EXPECT_EQ(Expr("a NOT SIMILAR TO 'x'"), "(a NOT SIMILAR TO 'x')");
}

TEST(ParserExpr, Constructs) {
  EXPECT_EQ(Expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "(CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3)");
  EXPECT_EQ(Expr("CASE x WHEN 1 THEN 'a' END"), "(CASE x WHEN 1 THEN 'a')");
  EXPECT_EQ(Expr("ARRAY[1, 2][1]"), "array_extract(ARRAY[1 2] 1)");
  EXPECT_EQ(Expr("ARRAY[[1], []]"), "ARRAY[ARRAY[1] ARRAY[]]");
  EXPECT_EQ(Expr("(1, 'a')"), "ROW(1 'a')");
  EXPECT_EQ(Expr("ROW(1)"), "ROW(1)");
  EXPECT_EQ(Expr("a.b.c + t.*"), "(a.b.c + t.*)");
  EXPECT_EQ(Expr("s.f(1)"), "s.f(1)");
  EXPECT_EQ(Expr("(s.f(a.b)).N + (t.k).x.\"Y\""), "((s.f(a.b)).n + ((t.k).x).Y)");
  EXPECT_EQ(Expr("Upper(x)"), "upper(x)");
  EXPECT_EQ(Expr("left(x, 2)"), "left(x 2)");
}

TEST(ParserExpr, SpecialFunctions) {
  EXPECT_EQ(Expr("EXTRACT(YEAR FROM d)"), "date_part('year' d)");
  EXPECT_EQ(Expr("extract('epoch' from d)"), "date_part('epoch' d)");
  EXPECT_EQ(Expr("SUBSTRING(s FROM 2 FOR 3)"), "substring(s 2 3)");
  EXPECT_EQ(Expr("SUBSTRING(s FOR 3)"), "substring(s 1 3)");
  EXPECT_EQ(Expr("substring(s, 2)"), "substring(s 2)");
  EXPECT_EQ(Expr("POSITION('b' IN s)"), "position('b' s)");
  EXPECT_EQ(Expr("TRIM(s)"), "btrim(s)");
  EXPECT_EQ(Expr("TRIM(LEADING 'x' FROM s)"), "ltrim(s 'x')");
  EXPECT_EQ(Expr("TRIM(TRAILING FROM s)"), "rtrim(s)");
  EXPECT_EQ(Expr("TRIM(BOTH 'x' FROM s)"), "btrim(s 'x')");
  EXPECT_EQ(Expr("CURRENT_DATE + current_timestamp"), "(current_date() + current_timestamp())");
  EXPECT_EQ(Expr("COALESCE(a, b) + NULLIF(a, 0) + GREATEST(1, 2) + LEAST(3, 4)"),
            "(((coalesce(a b) + nullif(a 0)) + greatest(1 2)) + least(3 4))");
  EXPECT_THROW(ParseExpression("OVERLAY(s PLACING 'x' FROM 1)"), NotImplementedError);
}

TEST(ParserExpr, Aggregates) {
  EXPECT_EQ(Expr("count(*)"), "count(*)");
  EXPECT_EQ(Expr("count(DISTINCT a)"), "count(DISTINCT a)");
  EXPECT_EQ(Expr("string_agg(x, ',' ORDER BY y DESC)"), "string_agg(x ',' ORDER BY)");
  EXPECT_EQ(Expr("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"), "percentile_cont(0.5 WITHIN GROUP)");
  EXPECT_EQ(Expr("sum(x) FILTER (WHERE x > 0)"), "sum(x) FILTER (x > 0)");
  auto e = ParseExpression(
      "sum(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST ROWS BETWEEN 3 PRECEDING AND UNBOUNDED "
      "FOLLOWING)");
  ASSERT_TRUE(e->window);
  EXPECT_EQ(e->window->partition_by.size(), 2u);
  ASSERT_EQ(e->window->order_by.size(), 1u);
  EXPECT_TRUE(e->window->order_by[0].descending);
  EXPECT_EQ(e->window->order_by[0].nulls, NullOrder::kLast);
  EXPECT_TRUE(e->window->has_frame);
  EXPECT_EQ(e->window->frame_mode, FrameMode::kRows);
  EXPECT_EQ(e->window->frame_start.kind, FrameBoundKind::kPreceding);
  EXPECT_EQ(Show(*e->window->frame_start.offset), "3");
  EXPECT_EQ(e->window->frame_end.kind, FrameBoundKind::kUnboundedFollowing);
  e = ParseExpression("rank() OVER w");
  EXPECT_EQ(e->window->base_name, "w");
  e = ParseExpression("first_value(x) IGNORE NULLS OVER (w RANGE UNBOUNDED PRECEDING)");
  EXPECT_TRUE(e->ignore_nulls);
  EXPECT_EQ(e->window->base_name, "w");
  EXPECT_EQ(e->window->frame_mode, FrameMode::kRange);
  EXPECT_EQ(e->window->frame_end.kind, FrameBoundKind::kCurrentRow);
  e = ParseExpression("lag(x IGNORE NULLS) OVER (GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING)");
  EXPECT_TRUE(e->ignore_nulls);
  EXPECT_EQ(e->window->frame_mode, FrameMode::kGroups);
  EXPECT_EQ(e->window->frame_end.kind, FrameBoundKind::kFollowing);
}

// ---- errors

TEST(ParserError, MessagesAndPositions) {
  Exception e = ErrorOf("SELECT * FORM t");
  EXPECT_EQ(e.position(), 9);
  EXPECT_NE(e.message().find("syntax error at or near \"FORM\""), std::string::npos) << e.message();
  EXPECT_EQ(e.sqlstate(), sqlstate::kSyntaxError);
  e = ErrorOf("SELECT (1 + 2 FROM t");
  EXPECT_EQ(e.position(), 14);
  EXPECT_NE(e.message().find("expected ')' to close '(' at position 7"), std::string::npos) << e.message();
  e = ErrorOf("SELECT 1 +");
  EXPECT_EQ(e.message().substr(0, 28), "syntax error at end of input");
  EXPECT_EQ(e.position(), 10);
  e = ErrorOf("SELECT 'abc");
  EXPECT_EQ(e.message(), "unterminated quoted string");
  EXPECT_EQ(e.position(), 7);
  e = ErrorOf("SELECT 1 /* open /* nested */");
  EXPECT_EQ(e.message(), "unterminated /* comment");
  EXPECT_EQ(e.position(), 9);
  EXPECT_EQ(ErrorOf("SELECT \"abc").message(), "unterminated quoted identifier");
  EXPECT_EQ(ErrorOf("SELECT $$abc").message(), "unterminated dollar-quoted string");
  EXPECT_EQ(ErrorOf("").message(), "empty statement");
  EXPECT_EQ(ErrorOf("  -- nothing\n ;").message(), "empty statement");
  EXPECT_EQ(ErrorOf("SELEC 1").position(), 0);
  EXPECT_EQ(ErrorOf("SELECT 1 2").position(), 9);
  EXPECT_EQ(ErrorOf("SELECT B'012'").position(), 7);
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE").message(),
            "syntax error at end of input: expected an expression");
  EXPECT_NE(ErrorOf("INSERT t VALUES (1)").message().find("expected INTO"), std::string::npos);
  EXPECT_EQ(ErrorOf("SELECT 1; SELECT 2").position(), 10);
  EXPECT_THROW(ParseExpression("1 +"), ParserError);
  EXPECT_EQ(ErrorOf("SELECT 0x1F").message(), "trailing junk after numeric literal at or near \"0x\"");
  EXPECT_NO_THROW(ParseStatement("SELECT 1;;"));
}

TEST(ParserError, DeepNestingIsAnErrorNotACrash) {
  for (int depth : {500, 5000, 200000}) {
    std::string sql = "SELECT " + std::string(depth, '(') + "1" + std::string(depth, ')');
    if (depth <= 500) {
      EXPECT_NO_THROW(ParseStatement(sql));
    } else {
      EXPECT_THROW(ParseStatement(sql), ParserError) << depth;
    }
  }
  std::string nots = "SELECT ";
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_THROW(ParseStatement(nots + "true"), ParserError);
  std::string subqueries = "SELECT ";
  for (int i = 0; i < 100000; ++i) subqueries += "(SELECT ";
  EXPECT_THROW(ParseStatement(subqueries + "1"), ParserError);
  // Long operator chains build deep trees without recursion; they are bounded too.
  std::string chain = "SELECT 1";
  for (int i = 0; i < 1000; ++i) chain += " + 1";
  EXPECT_NO_THROW(ParseStatement(chain));
  for (int i = 0; i < 200000; ++i) chain += " + 1";
  EXPECT_THROW(ParseStatement(chain), ParserError);
  // Wide but shallow statements are fine.
  std::string in_list = "SELECT x IN (0";
  for (int i = 1; i < 100000; ++i) in_list += "," + std::to_string(i);
  EXPECT_NO_THROW(ParseStatement(in_list + ")"));
}

TEST(ParserError, DeepNestingWorksOnASmallThreadStack) {
  // The deepest accepted nesting must fit in a thread's default stack.
  std::string sql = "SELECT " + std::string(900, '(') + "1" + std::string(900, ')');
  bool ok = false;
  std::thread worker([&] { ok = ParseStatement(sql) != nullptr; });
  worker.join();
  EXPECT_TRUE(ok);
}

// ---- scripts

TEST(ParserSplit, SplitStatements) {
  std::string script =
      "SELECT 'a;b'; -- c;\n SELECT \"x;\" /* ; /* ; */ */ ;; SELECT $$;$$, $t$ ; $t$, E'\\';'\n;  \n-- end";
  auto parts = SplitStatements(script);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].text, "SELECT 'a;b'");
  EXPECT_EQ(parts[0].offset, 0u);
  EXPECT_EQ(parts[1].text, "-- c;\n SELECT \"x;\" /* ; /* ; */ */");
  EXPECT_EQ(parts[2].text, "SELECT $$;$$, $t$ ; $t$, E'\\';'");
  EXPECT_EQ(script.substr(parts[2].offset, 6), "SELECT");
  for (const auto& part : parts) EXPECT_NO_THROW(ParseStatement(part.text)) << part.text;
  EXPECT_TRUE(SplitStatements("  ;; -- x\n /* y */").empty());
  ASSERT_EQ(SplitStatements("SELECT 'unterminated; x").size(), 1u);
  EXPECT_EQ(SplitStatements("SELECT a$b; SELECT $1;").size(), 2u);
}

TEST(ParserSplit, IsStatementComplete) {
  EXPECT_TRUE(IsStatementComplete("SELECT 1;"));
  EXPECT_TRUE(IsStatementComplete("SELECT 1;  -- done"));
  EXPECT_FALSE(IsStatementComplete("SELECT 1"));
  EXPECT_FALSE(IsStatementComplete("SELECT ';"));
  EXPECT_FALSE(IsStatementComplete("SELECT 1 /* ; */"));
  EXPECT_FALSE(IsStatementComplete("SELECT 1; /* open"));
  EXPECT_FALSE(IsStatementComplete("SELECT $$ ; "));
  EXPECT_TRUE(IsStatementComplete("SELECT $$ ; $$;"));
  EXPECT_FALSE(IsStatementComplete(""));
}

// ---- robustness

const char* const kSamples[] = {
    "SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a HAVING count(*) > 2 ORDER BY 2 DESC LIMIT 10",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
    "SELECT x::int[], ARRAY[1,2][1], E'\\x41', $q$a$q$, B'01', CASE WHEN a THEN 1 ELSE 2 END FROM t",
    "SELECT sum(x) FILTER (WHERE x > 0) OVER (PARTITION BY y ORDER BY z ROWS 1 PRECEDING)",
    "INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT) RETURNING *",
    "UPDATE t SET a = a + 1 FROM u WHERE t.id = u.id",
    "CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY, n numeric(10,2) NOT NULL DEFAULT 0, UNIQUE (n))",
    "COPY t FROM 'x.csv' WITH (FORMAT csv, HEADER)",
    "SELECT * FROM a LEFT JOIN b USING (id) CROSS JOIN LATERAL generate_series(1, a.n) AS g(i)",
    "SELECT EXTRACT(year FROM d), TRIM(BOTH 'x' FROM s), INTERVAL '1' DAY, x NOT BETWEEN 1 AND 2",
};

void ParseOrThrowParserError(const std::string& sql) {
  try {
    ParseStatement(sql);
  } catch (const Exception&) {
  }
  SplitStatements(sql);
  IsStatementComplete(sql);
}

TEST(ParserRobustness, PrefixesAndMutations) {
  for (const char* sample : kSamples) {
    std::string sql(sample);
    ASSERT_NO_THROW(ParseStatement(sql)) << sql;
    for (size_t n = 0; n <= sql.size(); ++n) ParseOrThrowParserError(sql.substr(0, n));
  }
  std::mt19937 rng(42);
  const std::string alphabet = "()[],;.:'\"$*+-/<>=!~|&^%#@ \n\t\\0123456789abcxyzSELECTFROM\x80\xff";
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::string sql(kSamples[rng() % std::size(kSamples)]);
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < edits && !sql.empty(); ++i) {
      size_t at = rng() % sql.size();
      switch (rng() % 4) {
        case 0:
          sql[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          sql.erase(at, 1 + rng() % 5);
          break;
        case 2:
          sql.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          sql[at] = static_cast<char>(rng() & 0xFF);
          break;
      }
    }
    ParseOrThrowParserError(sql);
  }
}

}  // namespace
}  // namespace basin::sql
