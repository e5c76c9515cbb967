#include <gtest/gtest.h>

#include "main/database.h"
#include "vector/vector.h"

namespace basin {
namespace {

/// Collects what a RowStream is handed, checking it is never called concurrently.
struct Recorder {
  std::vector<std::string> names;
  std::vector<int64_t> values;  // column 0 of every row
  int chunks = 0;
  int stop_after = -1;          // chunks to take before asking to stop; -1: all
  std::atomic<int> inside{0};

  RowStream Stream() {
    return {[this](const std::vector<std::string>& n, const std::vector<LogicalType>&) { names = n; },
            [this](const DataChunk& chunk) {
              EXPECT_EQ(inside.fetch_add(1), 0) << "two chunks handed out at once";
              for (size_t r = 0; r < chunk.size(); r++) values.push_back(chunk.GetValue(0, r).GetInt64());
              chunks++;
              inside--;
              return stop_after < 0 || chunks < stop_after;
            }};
  }
};

class RowStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = connection_.Query("CREATE TABLE t AS SELECT x FROM generate_series(1, 300000) g(x)");
    ASSERT_FALSE(r->HasError()) << r->error().message;
    connection_.Query("SET threads = 2");
  }
  Database db_{DatabaseConfig{.threads = 2}};
  Connection connection_{db_};
};

TEST_F(RowStreamTest, HandsOutRowsInOrderAsTheyAreMade) {
  Recorder rec;
  auto result = connection_.Query("SELECT x FROM t", rec.Stream());
  ASSERT_FALSE(result->HasError()) << result->error().message;
  EXPECT_TRUE(result->streamed());
  EXPECT_EQ(result->RowCount(), 300000u);
  EXPECT_EQ(rec.names, std::vector<std::string>{"x"});
  ASSERT_EQ(rec.values.size(), 300000u);
  for (size_t i = 0; i < rec.values.size(); i++) ASSERT_EQ(rec.values[i], static_cast<int64_t>(i + 1)) << i;
  EXPECT_GT(rec.chunks, 100);  // chunk by chunk, not one piece

  Recorder sorted;
  result = connection_.Query("SELECT x FROM t WHERE x % 3 = 0 ORDER BY x DESC", sorted.Stream());
  ASSERT_FALSE(result->HasError());
  ASSERT_EQ(sorted.values.size(), 100000u);
  EXPECT_EQ(sorted.values.front(), 300000);
  EXPECT_TRUE(std::is_sorted(sorted.values.rbegin(), sorted.values.rend()));
}

TEST_F(RowStreamTest, StopsWhenTheConsumerSaysSo) {
  Recorder rec;
  rec.stop_after = 2;
  auto result = connection_.Query("SELECT x FROM t", rec.Stream());
  ASSERT_FALSE(result->HasError()) << result->error().message;
  EXPECT_EQ(rec.chunks, 2);
  EXPECT_EQ(result->RowCount(), rec.values.size());
}

TEST_F(RowStreamTest, StatementsThatDoNotStreamGoOutTheSameWay) {
  Recorder rec;
  auto result = connection_.Query("EXPLAIN SELECT x FROM t", rec.Stream());
  ASSERT_FALSE(result->HasError());
  EXPECT_TRUE(result->streamed());
  EXPECT_FALSE(rec.names.empty());
  Recorder none;
  result = connection_.Query("INSERT INTO t VALUES (1)", none.Stream());
  EXPECT_EQ(result->rows_affected(), 1);
  EXPECT_TRUE(none.names.empty());
}

TEST_F(RowStreamTest, AnErrorMayComeAfterRows) {
  Recorder rec;
  auto result = connection_.Query("SELECT 1 / (x - 250000) FROM t", rec.Stream());
  ASSERT_TRUE(result->HasError());
  EXPECT_EQ(result->error().sqlstate, "22012");
}

}  // namespace
}  // namespace basin
