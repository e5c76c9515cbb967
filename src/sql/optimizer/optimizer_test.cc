#include "sql/optimizer/optimizer.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "lake/memory_table.h"
#include "main/client_context.h"
#include "main/database.h"

namespace basin {
namespace {

/// A scan of a three-column table, every column read.
LogicalOperatorPtr Scan(uint64_t index) {
  auto table = std::make_shared<TableEntry>();
  table->name = "t";
  for (const char* name : {"a", "b", "c"}) table->columns.push_back({name, TypeId::kBigInt, false, "", ""});
  table->storage = std::make_shared<MemoryTable>(table->Types());
  auto get = std::make_unique<LogicalOperator>(LogicalOpType::kGet);
  get->table_index = index;
  get->table = table;
  get->column_ids = {0, 1, 2};
  return get;
}

/// A projection handing every column of table index `from` on, as a view or TUMBLE does.
LogicalOperatorPtr PassAll(uint64_t index, uint64_t from, LogicalOperatorPtr child) {
  auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = index;
  for (uint64_t c = 0; c < 3; c++) proj->expressions.push_back(Expr::ColumnRef({from, c}, TypeId::kBigInt));
  proj->children.push_back(std::move(child));
  return proj;
}

class OptimizerTest : public ::testing::Test {
 protected:
  void Optimize(LogicalOperatorPtr& plan) {
    plan->ResolveTypes();
    Optimizer(context_).Optimize(plan);
  }
  Database db_;
  ClientContext context_{db_};
};

// What the query above reads of a projection decides what the scan below reads: the other outputs become
// NULL constants (keeping their positions) and their columns are not scanned.
TEST_F(OptimizerTest, UnusedProjectionOutputsAreNotRead) {
  LogicalOperatorPtr plan = PassAll(2, 1, Scan(1));
  auto top = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  top->table_index = 3;
  top->expressions.push_back(Expr::ColumnRef({2, 1}, TypeId::kBigInt));
  top->children.push_back(std::move(plan));
  plan = std::move(top);
  Optimize(plan);
  const LogicalOperator& middle = *plan->children[0];
  EXPECT_EQ(middle.expressions[0]->cls, ExprClass::kConstant);
  EXPECT_EQ(middle.expressions[1]->cls, ExprClass::kColumnRef);
  EXPECT_EQ(middle.expressions[2]->cls, ExprClass::kConstant);
  EXPECT_EQ(middle.children[0]->column_ids, std::vector<size_t>{1});
}

// Below operators that read their input by position (here DISTINCT over every column, and the client at
// the root), every output stays.
TEST_F(OptimizerTest, PositionalConsumersKeepEveryOutput) {
  auto distinct = std::make_unique<LogicalOperator>(LogicalOpType::kDistinct);
  distinct->children.push_back(PassAll(2, 1, Scan(1)));
  LogicalOperatorPtr plan = PassAll(3, 2, std::move(distinct));
  plan->expressions.resize(1);  // the query above reads one column of the DISTINCT rows
  Optimize(plan);
  const LogicalOperator& below = *plan->children[0]->children[0];
  for (const auto& e : below.expressions) EXPECT_EQ(e->cls, ExprClass::kColumnRef);
  EXPECT_EQ(below.children[0]->column_ids.size(), 3u);

  LogicalOperatorPtr root = PassAll(2, 1, Scan(1));
  Optimize(root);
  for (const auto& e : root->expressions) EXPECT_EQ(e->cls, ExprClass::kColumnRef);
}

// x = y AND y = z implies x = z: the join order may join t1 and t3 directly (TPC-H Q5 joins customers to
// the region's nations that way), the implied equality becomes a join key, and the result is unchanged,
// NULL keys included.
TEST_F(OptimizerTest, ImpliedEqualitiesBecomeJoinKeys) {
  Connection con(db_);
  for (const char* sql : {"CREATE TABLE t1 (x BIGINT)", "CREATE TABLE t2 (y BIGINT)",
                          "CREATE TABLE t3 (z BIGINT, w VARCHAR)",
                          "INSERT INTO t1 SELECT x FROM generate_series(1, 1000) g(x)",
                          "INSERT INTO t2 SELECT y FROM generate_series(1, 1000) g(y)",
                          "INSERT INTO t1 VALUES (NULL)", "INSERT INTO t2 VALUES (NULL)",
                          "INSERT INTO t3 VALUES (5, 'a'), (7, 'b'), (7, 'c'), (NULL, 'n')"}) {
    ASSERT_FALSE(con.Query(sql)->HasError()) << sql;
  }
  const char* query = "SELECT count(*) FROM t1, t2, t3 WHERE x = y AND y = z";
  auto plan = con.Query(std::string("EXPLAIN ") + query);
  ASSERT_FALSE(plan->HasError());
  std::string text;
  for (auto& chunk : plan->chunks()) {
    for (size_t r = 0; r < chunk->size(); r++) text += chunk->GetValue(0, r).ToString() + "\n";
  }
  EXPECT_TRUE(text.find("x = z") != std::string::npos || text.find("z = x") != std::string::npos) << text;
  auto count = con.Query(query);
  ASSERT_FALSE(count->HasError());
  EXPECT_EQ(count->chunks()[0]->GetValue(0, 0).GetInt64(), 3);
}

}  // namespace
}  // namespace basin
