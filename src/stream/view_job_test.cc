// The epoch protocol of materialized views, end to end on a database in a folder: a crash at each point of
// an epoch, then a restart, leaves the views' tables holding what the same query gives in batch, every
// epoch once. (A Database serves as the fixture: the engine the stream processor runs on.)

#include "stream/view_job.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "helpers/view_testing.h"
#include "lake/iceberg_table.h"
#include "main/database.h"
#include "stream/view_manager.h"

namespace basin::stream {
namespace {

// The windowed view's query, and the same in batch over the windows the view has closed.
constexpr const char* kWindowed =
    "SELECT window_start, window_end, user_id, count(*) AS n, sum(amount) AS total, avg(amount) AS mean "
    "FROM TUMBLE(orders, ts, INTERVAL '10' SECOND) GROUP BY window_start, window_end, user_id";
constexpr const char* kChangelog =
    "SELECT user_id, count(*) AS n, sum(amount) AS total, min(ts) AS first FROM orders GROUP BY user_id";

class ViewJobTest : public test::ViewTest {
 protected:
  void SetUp() override {
    ViewTest::SetUp();
    Ok("CREATE TOPIC orders (user_id BIGINT, amount BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2' "
       "SECOND) WITH (partitions = 3, key = 'user_id')");
    Ok(std::string("CREATE MATERIALIZED VIEW w WITH (max_records_per_epoch = 50) AS ") + kWindowed);
    Ok(std::string("CREATE MATERIALIZED VIEW c WITH (max_records_per_epoch = 50) AS ") + kChangelog);
  }
  /// Orders for users 0..9, `count` of them from second `from`, a few seconds out of order.
  void Produce(int from, int count) {
    std::string sql = "INSERT INTO orders VALUES ";
    for (int i = 0; i < count; i++) {
      const int second = from + i / 3 - (i % 4 == 0 ? 1 : 0);
      sql += (i ? ", (" : "(") + std::to_string((from + i) % 10) + ", " + std::to_string(i % 7 + 1) +
             ", TIMESTAMP '2024-01-01' + INTERVAL '" + std::to_string(second) + " seconds')";
    }
    Ok(sql);
  }
  /// The epoch a view's table says it holds.
  std::string TableEpoch(const std::string& name) {
    auto table =
        std::dynamic_pointer_cast<iceberg::IcebergTable>(db_->catalog().GetTable("public", name)->storage);
    return iceberg::CommittedProperty(table->State()->metadata, "basin.job.public." + name + ".epoch");
  }
  /// The windowed view against the batch query over its closed windows, and the changelog against its query.
  void ExpectViewsMatchBatch() {
    const std::string closed = Rows("SELECT max(window_end) FROM w");
    ASSERT_NE(closed, "NULL\n");
    EXPECT_EQ(
        Rows("SELECT * FROM w ORDER BY window_start, user_id"),
        Rows(std::string("SELECT * FROM (") + kWindowed +
             ") b WHERE window_end <= (SELECT max(window_end) FROM w) " + "ORDER BY window_start, user_id"));
    EXPECT_EQ(Rows("SELECT count(*) FROM w_late"), "0\n");
    EXPECT_EQ(Rows("SELECT * FROM c ORDER BY user_id"), Rows(std::string(kChangelog) + " ORDER BY user_id"));
  }
};

TEST_F(ViewJobTest, EpochsAreCheckpointedWithTheirTables) {
  Produce(0, 120);
  Ok("REFRESH MATERIALIZED VIEW w");
  Ok("REFRESH MATERIALIZED VIEW c");
  // 120 records at most 50 per epoch: three epochs, each table's last commit naming the last.
  Checkpoint checkpoint;
  db_->views().WithJobForTesting(*View("c"), [&](ViewJob& job) { checkpoint = job.LoadCheckpoint(); });
  EXPECT_EQ(checkpoint.epoch, 3);
  EXPECT_EQ(checkpoint.records_in, 120);
  EXPECT_EQ(TableEpoch("c"), "3");
  ExpectViewsMatchBatch();
}

TEST_F(ViewJobTest, CrashAfterTheOutputCommitDoesNotRepeatIt) {
  Produce(0, 90);
  Ok("REFRESH MATERIALIZED VIEW w");
  Ok("REFRESH MATERIALIZED VIEW c");
  Produce(30, 90);
  CrashDuringRefresh("w", ViewJob::CrashPoint::kAfterOutput);
  CrashDuringRefresh("c", ViewJob::CrashPoint::kAfterOutput);
  // The tables hold epoch 3, the state still says 2: the next run redoes epoch 3 without committing it.
  EXPECT_EQ(TableEpoch("c"), "3");
  db_->views().WithJobForTesting(*View("c"), [&](ViewJob& job) { EXPECT_EQ(job.LoadCheckpoint().epoch, 2); });
  Open();
  Produce(60, 30);
  Ok("REFRESH MATERIALIZED VIEW w");
  Ok("REFRESH MATERIALIZED VIEW c");
  ExpectViewsMatchBatch();
}

TEST_F(ViewJobTest, CrashAfterThePlanRunsTheSameRecordsAgain) {
  Produce(0, 60);
  CrashDuringRefresh("w", ViewJob::CrashPoint::kAfterPlan);
  CrashDuringRefresh("c", ViewJob::CrashPoint::kAfterPlan);
  EXPECT_EQ(TableEpoch("c"), "");
  Open();
  Produce(20, 60);  // not in the planned epoch: it reads the records it recorded, then the rest
  Ok("REFRESH MATERIALIZED VIEW w");
  Ok("REFRESH MATERIALIZED VIEW c");
  ExpectViewsMatchBatch();
}

TEST_F(ViewJobTest, ARunnerKeepsViewsUpToDate) {
  Produce(0, 100);
  {
    Database& db = *db_;
    ViewManager& views = db.views();
    // What the server's ViewRunner calls, until the views have read everything.
    for (int i = 0; i < 100; i++) {
      views.RunDue();
      int64_t lag = 0;
      for (const char* name : {"w", "c"}) lag += views.Report(*View(name)).lag;
      if (lag == 0) break;
    }
    EXPECT_EQ(views.Report(*View("c")).lag, 0);
    EXPECT_EQ(views.Report(*View("c")).status, "stopped");
    EXPECT_EQ(views.Report(*View("w")).kind, "windowed");
  }
  ExpectViewsMatchBatch();
}

}  // namespace
}  // namespace basin::stream
