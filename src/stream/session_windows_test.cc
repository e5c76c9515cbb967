#include "stream/session_windows.h"

#include <gtest/gtest.h>

#include "execution/function.h"
#include "helpers/temp_dir.h"
#include "stream/aggregate_states.h"
#include "stream/state_store.h"

namespace basin::stream {
namespace {

constexpr int64_t kSecond = 1000000;

/// Sessions of users with a count(*) each, in a store in a temporary folder.
class SessionWindowsTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    count_ = std::make_unique<Expr>(ExprClass::kAggregate);
    count_->name = "count_star";
    count_->aggregate = &FunctionRegistry::Get().FindAggregate("count_star")->at(0);
    count_->type = TypeId::kBigInt;
    states_ = std::make_unique<AggregateStates>(std::vector<const Expr*>{count_.get()});
    store_ = std::make_unique<StateStore>(Path("state"));
  }
  void TearDown() override {
    store_.reset();
    TempDirTest::TearDown();
  }

  /// One epoch: events (user, second) with a gap of 10 s, merged and committed; then the sessions the
  /// watermark (a second) closes, as "user start-end count" lines.
  std::string Epoch(const std::vector<std::pair<int64_t, int64_t>>& events, int64_t watermark) {
    SessionLayout layout{{TypeId::kTimestamp, TypeId::kTimestamp, TypeId::kBigInt}, 0, 1, {2}};
    SessionWindows sessions(layout, *states_);
    DataChunk groups(layout.group_types, events.size() + 1);
    std::vector<StateBuffer> payloads;
    for (size_t i = 0; i < events.size(); i++) {
      groups.SetValue(0, i, Value::Timestamp(events[i].second * kSecond));
      groups.SetValue(1, i, Value::Timestamp((events[i].second + 10) * kSecond));
      groups.SetValue(2, i, Value::BigInt(events[i].first));
      payloads.emplace_back(*states_);
      DataChunk none;
      none.SetCardinality(1);
      uint8_t* payload = payloads.back().data();
      states_->Update(0, none, &payload, 1);
    }
    groups.SetCardinality(events.size());
    std::vector<Vector> columns;
    for (size_t c = 0; c < 3; c++) {
      columns.emplace_back(layout.group_types[c]);
      columns.back().Reference(groups.column(c));
    }
    for (size_t i = 0; i < events.size(); i++) sessions.Add(columns, i, payloads[i].data());
    StateBatch batch(*store_);
    sessions.Merge(batch);
    std::string out;
    DataChunk row(
        std::vector<LogicalType>{TypeId::kTimestamp, TypeId::kTimestamp, TypeId::kBigInt, TypeId::kBigInt});
    sessions.EmitClosed(watermark * kSecond, batch, [&](const auto& fill, uint8_t* payload) {
      fill(row, 0);
      states_->Finalize(payload, row, 3, 0);
      out += std::to_string(row.GetValue(2, 0).GetInt64()) + " " +
             std::to_string(row.GetValue(0, 0).GetInt64() / kSecond) + "-" +
             std::to_string(row.GetValue(1, 0).GetInt64() / kSecond) + " " +
             std::to_string(row.GetValue(3, 0).GetInt64()) + "\n";
    });
    store_->Commit(batch);
    return out;
  }

  std::unique_ptr<Expr> count_;
  std::unique_ptr<AggregateStates> states_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(SessionWindowsTest, MergesAcrossEpochsAndClosesOnTheWatermark) {
  // User 1: [0, 15) and [22, 32); user 2: [3, 13). Nothing closed at 5.
  EXPECT_EQ(Epoch({{1, 0}, {1, 5}, {2, 3}, {1, 22}}, 5), "");
  // 14 joins [0, 15) and overlaps [22, 32): one session [0, 32) of four events. User 2's closes at 13.
  EXPECT_EQ(Epoch({{1, 14}}, 13), "2 3-13 1\n");
  EXPECT_EQ(Epoch({{2, 50}}, 31), "");
  EXPECT_EQ(Epoch({}, 32), "1 0-32 4\n");
  // Closed sessions are forgotten: a new event starts a new session.
  EXPECT_EQ(Epoch({{1, 45}}, 100), "1 45-55 1\n2 50-60 1\n");
  EXPECT_EQ(Epoch({}, 1000), "");
}

TEST_F(SessionWindowsTest, KeysKeepSessionsApart) {
  // Emitted by when they end.
  EXPECT_EQ(Epoch({{1, 0}, {2, 5}, {3, 10}, {1, 9}}, 100), "2 5-15 1\n1 0-19 2\n3 10-20 1\n");
}

}  // namespace
}  // namespace basin::stream
