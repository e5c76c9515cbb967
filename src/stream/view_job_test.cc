// The epoch protocol of materialized views, end to end on a database in a folder: a crash at each point of
// an epoch, then a restart, leaves the views' tables holding what the same query gives in batch, every
// epoch once. (A Database serves as the fixture: the engine the stream processor runs on.)

#include "stream/view_job.h"

#include <gtest/gtest.h>

#include <array>
#include <functional>

#include "catalog/catalog.h"
#include "helpers/view_testing.h"
#include "lake/iceberg_table.h"
#include "log/log_manager.h"
#include "log/partition.h"
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
    Ok("CREATE TOPIC orders (user_id BIGINT, amount BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL "
       "'2' "
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
  /// Refresh `views` across both crash points: orders produced from second `from[0]`, all refreshed, more
  /// from `from[1]`, a crash after each view's output commit, a restart, more, a crash after each plan, a
  /// restart, more, all refreshed. `count[i]` orders each time.
  void RefreshAcrossCrashes(const std::vector<std::string>& views, const std::array<int, 4>& from,
                            const std::array<int, 4>& count) {
    Produce(from[0], count[0]);
    for (const std::string& view : views) Ok("REFRESH MATERIALIZED VIEW " + view);
    Produce(from[1], count[1]);
    for (const std::string& view : views) CrashDuringRefresh(view, ViewJob::CrashPoint::kAfterOutput);
    Open();
    Produce(from[2], count[2]);
    for (const std::string& view : views) CrashDuringRefresh(view, ViewJob::CrashPoint::kAfterPlan);
    Open();
    Produce(from[3], count[3]);
    for (const std::string& view : views) Ok("REFRESH MATERIALIZED VIEW " + view);
  }
  /// `query(source)` in batch over the orders `view` did not find late (its late table names them), then
  /// `rest` (a WHERE on the view's columns, an ORDER BY).
  std::string OverKept(const std::string& view, const std::function<std::string(const std::string&)>& query,
                       const std::string& rest) {
    return Rows("WITH kept AS (SELECT * FROM orders o WHERE NOT EXISTS (SELECT 1 FROM " + view +
                "_late l WHERE l._partition = o._partition AND l._offset = o._offset)) SELECT * FROM (" +
                query("kept") + ") b " + rest);
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

// Views whose state is more than a window's aggregates: sessions merged across epochs, a top-N per user,
// windows emitted as updates. After a crash at each point they hold what their queries give in batch.
std::string Sessions(const std::string& source) {
  return "SELECT window_start, window_end, user_id, count(*) AS n, sum(amount) AS total FROM SESSION(" +
         source + ", ts, INTERVAL '2' SECOND, user_id) GROUP BY window_start, window_end, user_id";
}
constexpr const char* kTopTwo =
    "SELECT user_id, amount, ts, rn FROM (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY amount "
    "DESC, ts DESC) AS rn FROM orders) t WHERE rn <= 2";
constexpr const char* kUpdating =
    "SELECT window_start, window_end, count(*) AS n, sum(amount) AS total FROM TUMBLE(orders, ts, INTERVAL "
    "'5' SECOND) GROUP BY window_start, window_end";

TEST_F(ViewJobTest, SessionsTopNAndUpdatesSurviveCrashes) {
  const std::string options = " WITH (max_records_per_epoch = 40";
  Ok("CREATE MATERIALIZED VIEW s" + options + ") AS " + Sessions("orders"));
  Ok("CREATE MATERIALIZED VIEW t" + options + ") AS " + kTopTwo);
  Ok("CREATE MATERIALIZED VIEW u" + options + ", emit = 'on_update', allowed_lateness = '1 second') AS " +
     kUpdating);
  Ok("CREATE MATERIALIZED VIEW su" + options + ", emit = 'on_update', allowed_lateness = '1 second') AS " +
     Sessions("orders"));
  RefreshAcrossCrashes({"s", "t", "u", "su"}, {0, 30, 60, 80}, {100, 100, 50, 50});

  // Sessions: over the events that were not late (behind the watermark), the sessions it closed.
  ASSERT_NE(Rows("SELECT count(*) FROM s"), "0\n");
  EXPECT_NE(Rows("SELECT count(*) FROM s_late"), "0\n");
  EXPECT_EQ(Rows("SELECT * FROM s ORDER BY user_id, window_start"),
            OverKept("s", Sessions, "WHERE window_end <= (SELECT max(window_end) FROM s) ORDER BY user_id, window_start"));
  // Sessions as a changelog: every session, open ones too, over the events that were not late.
  EXPECT_EQ(Rows("SELECT * FROM su ORDER BY user_id, window_start"),
            OverKept("su", Sessions, "ORDER BY user_id, window_start"));
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), "20\n");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY user_id, rn"),
            Rows(std::string(kTopTwo) + " ORDER BY user_id, rn"));
  EXPECT_EQ(Rows("SELECT count(*) FROM u_late"), "0\n");
  EXPECT_EQ(Rows("SELECT * FROM u ORDER BY window_start"),
            Rows(std::string(kUpdating) + " ORDER BY window_start"));
}

// Views with stages (an aggregate over a changelog of another; windowed aggregates joined window by window):
// the stages' state is in the view's checkpoint, so after a crash at each point they hold what their queries
// give in batch.
constexpr const char* kHistogram =
    "SELECT n, count(*) AS users, sum(total) AS amount FROM (SELECT user_id, count(*) AS n, sum(amount) AS "
    "total FROM orders GROUP BY user_id) c GROUP BY n";
std::string Leaders(const std::string& source) {
  return "SELECT a.user_id, a.n, a.window_end FROM (SELECT user_id, window_end, count(*) AS n FROM TUMBLE(" +
         source +
         ", ts, INTERVAL '5' SECOND) GROUP BY user_id, window_start, window_end) a JOIN (SELECT "
         "window_end, max(n) AS most FROM (SELECT user_id, window_end, count(*) AS n FROM TUMBLE(" +
         source +
         ", ts, INTERVAL '5' SECOND) GROUP BY user_id, window_start, window_end) c GROUP BY window_end) m ON "
         "a.window_end = m.window_end AND a.n = m.most";
}

// Nexmark q7's shape: the orders at each window's highest amount (records kept in the state by time).
std::string Highest(const std::string& source) {
  return "SELECT o.user_id, o.amount, o.ts, w.window_end FROM " + source +
         " o JOIN (SELECT max(amount) AS top, "
         "window_end FROM TUMBLE(" +
         source +
         ", ts, INTERVAL '5' SECOND) GROUP BY window_start, window_end) w "
         "ON o.amount = w.top WHERE o.ts BETWEEN w.window_end - INTERVAL '5' SECOND AND w.window_end";
}

TEST_F(ViewJobTest, StagesSurviveCrashes) {
  const std::string options = " WITH (max_records_per_epoch = 40) AS ";
  Ok("CREATE MATERIALIZED VIEW h" + options + kHistogram);
  Ok("CREATE MATERIALIZED VIEW l" + options + Leaders("orders"));
  Ok("CREATE MATERIALIZED VIEW m" + options + Highest("orders"));
  RefreshAcrossCrashes({"h", "l", "m"}, {0, 30, 60, 80}, {100, 100, 50, 50});

  EXPECT_EQ(Rows("SELECT * FROM h ORDER BY n"), Rows(std::string(kHistogram) + " ORDER BY n"));
  // Window by window, over the events that were not late and the windows the watermark closed.
  ASSERT_NE(Rows("SELECT count(*) FROM l"), "0\n");
  EXPECT_EQ(Rows("SELECT * FROM l ORDER BY window_end, user_id"),
            OverKept("l", Leaders, "WHERE window_end <= (SELECT max(window_end) FROM l) ORDER BY window_end, user_id"));
  ASSERT_NE(Rows("SELECT count(*) FROM m"), "0\n");
  EXPECT_EQ(Rows("SELECT * FROM m ORDER BY window_end, ts, user_id"),
            OverKept("m", Highest,
                     "WHERE window_end <= (SELECT max(window_end) FROM m) ORDER BY window_end, ts, user_id"));
}

// States that own memory (a string max, string_agg, approx_count_distinct, the quantiles): stored as bytes,
// loaded by the next epoch and rebuilt after a crash at each point. A user's orders are all in one
// partition (the topic's key), so string_agg's offset order is the batch query's order too.
constexpr const char* kOwnedWindowed =
    "SELECT window_start, window_end, user_id, max('user-' || user_id || '-amount-' || amount) AS top, "
    "string_agg(CAST(amount AS VARCHAR), ',') AS amounts, approx_count_distinct(amount) AS kinds, "
    "median(amount) AS mid FROM TUMBLE(orders, ts, INTERVAL '10' SECOND) GROUP BY window_start, window_end, "
    "user_id";
constexpr const char* kOwnedChangelog =
    "SELECT user_id, max('user-' || user_id || '-amount-' || amount) AS top, string_agg(CAST(amount AS "
    "VARCHAR), ',') AS amounts, percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) AS mid, mode(amount) AS "
    "most FROM orders GROUP BY user_id";

TEST_F(ViewJobTest, OwnedStatesSurviveCrashes) {
  const std::string options = " WITH (max_records_per_epoch = 50) AS ";
  Ok("CREATE MATERIALIZED VIEW ow" + options + kOwnedWindowed);
  Ok("CREATE MATERIALIZED VIEW oc" + options + kOwnedChangelog);
  RefreshAcrossCrashes({"ow", "oc"}, {0, 30, 60, 80}, {90, 90, 30, 30});

  ASSERT_NE(Rows("SELECT count(*) FROM ow"), "0\n");
  EXPECT_EQ(Rows("SELECT count(*) FROM ow_late"), "0\n");
  EXPECT_EQ(Rows("SELECT * FROM ow ORDER BY window_start, user_id"),
            Rows(std::string("SELECT * FROM (") + kOwnedWindowed +
                 ") b WHERE window_end <= (SELECT max(window_end) FROM ow) ORDER BY window_start, user_id"));
  EXPECT_EQ(Rows("SELECT * FROM oc ORDER BY user_id"),
            Rows(std::string(kOwnedChangelog) + " ORDER BY user_id"));
}

// A view over a lake table reads the rows each append added; after a crash at each point it holds what its
// query gives in batch over the table.
TEST_F(ViewJobTest, AViewOverALakeTableSurvivesCrashes) {
  constexpr const char* kQuery =
      "SELECT user_id, count(*) AS n, sum(amount) AS total FROM ledger GROUP BY user_id";
  Ok("CREATE TABLE ledger (user_id BIGINT, amount BIGINT)");
  Ok(std::string("CREATE MATERIALIZED VIEW lv AS ") + kQuery);
  auto insert = [&](int from) {
    std::string sql = "INSERT INTO ledger VALUES ";
    for (int i = 0; i < 20; i++)
      sql += (i ? ", (" : "(") + std::to_string((from + i) % 7) + ", " + std::to_string(i) + ")";
    Ok(sql);
  };
  insert(0);
  Ok("REFRESH MATERIALIZED VIEW lv");
  insert(20);
  CrashDuringRefresh("lv", ViewJob::CrashPoint::kAfterOutput);
  Open();
  insert(40);
  CrashDuringRefresh("lv", ViewJob::CrashPoint::kAfterPlan);
  Open();
  insert(60);
  Ok("REFRESH MATERIALIZED VIEW lv");
  EXPECT_EQ(Rows("SELECT * FROM lv ORDER BY user_id"), Rows(std::string(kQuery) + " ORDER BY user_id"));
  EXPECT_EQ(Rows("SELECT sum(n) FROM lv"), "80\n");
}

// A stream appends to a topic: after a crash at each point of an epoch its topic holds every row of its
// query once, in the partition its key gives.
TEST_F(ViewJobTest, AStreamAppendsEachRowOnceAcrossCrashes) {
  constexpr const char* kQuery = "SELECT user_id, amount * 10 AS tenfold, ts FROM orders WHERE amount > 2";
  Ok(std::string("CREATE STREAM big WITH (max_records_per_epoch = 40, partitions = 3, key = 'user_id') AS ") +
     kQuery);
  Produce(0, 60);
  Ok("REFRESH MATERIALIZED VIEW big");
  Produce(30, 60);
  CrashDuringRefresh("big", ViewJob::CrashPoint::kAfterOutput);
  Open();
  Produce(50, 60);
  CrashDuringRefresh("big", ViewJob::CrashPoint::kAfterPlan);
  Open();
  Ok("REFRESH MATERIALIZED VIEW big");
  EXPECT_EQ(Rows("SELECT count(*) FROM big"), Rows(std::string("SELECT count(*) FROM (") + kQuery + ") q"));
  EXPECT_EQ(Rows("SELECT user_id, tenfold, ts FROM big ORDER BY ALL"),
            Rows(std::string(kQuery) + " ORDER BY ALL"));
  EXPECT_EQ(Rows("SELECT count(*) FROM (SELECT user_id FROM big GROUP BY user_id HAVING count(DISTINCT "
                 "_partition) > 1) t"),
            "0\n");
}

// Back-fill from a sink's table whose records retention deleted from the topic: a crash after the back-fill
// epoch's plan, or after its output, and a restart (the sink having committed more meanwhile) read the
// snapshot the plan recorded, and the views hold their queries in batch over the table and the records after.
TEST_F(ViewJobTest, ABackfillEpochSurvivesCrashesReadingItsRecordedSnapshot) {
  Produce(0, 60);
  Ok("CREATE SINK s FROM orders INTO orders_lake");
  Ok("REFRESH SINK s");
  for (int32_t p = 0; p < 3; p++) {
    auto partition = db_->log().GetPartition("orders", p);
    partition->Roll();
    log::TopicConfig config = partition->config();
    config.retention_bytes = 0;  // every closed segment
    partition->SetConfig(config);
    partition->ApplyRetention();
    ASSERT_EQ(partition->log_start_offset(), partition->high_watermark());
  }
  EXPECT_EQ(Rows("SELECT count(*) FROM orders"), "0\n");
  const std::string with = " WITH (backfill = 'orders_lake', max_records_per_epoch = 50) AS ";
  Ok("CREATE MATERIALIZED VIEW bw" + with + kWindowed);
  Ok("CREATE MATERIALIZED VIEW bc" + with + kChangelog);
  const std::string histogram =
      "SELECT n, count(*) AS users FROM (SELECT user_id, count(*) AS n FROM orders GROUP BY user_id) c GROUP "
      "BY n";
  Ok("CREATE MATERIALIZED VIEW bs" + with + histogram);  // with a stage
  CrashDuringRefresh("bw", ViewJob::CrashPoint::kAfterPlan);
  CrashDuringRefresh("bc", ViewJob::CrashPoint::kAfterOutput);
  CrashDuringRefresh("bs", ViewJob::CrashPoint::kAfterOutput);
  EXPECT_EQ(TableEpoch("bw"), "");
  EXPECT_EQ(TableEpoch("bc"), "1");
  Produce(20, 60);
  Ok("REFRESH SINK s");  // a newer snapshot, holding records the topic also has after the recorded offsets
  Open();
  Produce(40, 30);
  Ok("REFRESH MATERIALIZED VIEW bw");
  Ok("REFRESH MATERIALIZED VIEW bc");
  Ok("REFRESH MATERIALIZED VIEW bs");
  auto over_lake = [](std::string query) {
    const std::string from = "(orders, ";
    const size_t at = query.find(from);
    if (at != std::string::npos) return query.replace(at, from.size(), "(orders_lake, ");
    return query.replace(query.find("FROM orders"), 11, "FROM orders_lake");
  };
  EXPECT_EQ(Rows("SELECT count(*) FROM orders_lake"), "150\n");
  EXPECT_EQ(Rows("SELECT * FROM bc ORDER BY user_id"), Rows(over_lake(kChangelog) + " ORDER BY user_id"));
  EXPECT_EQ(Rows("SELECT sum(n) FROM bc"), "150\n");
  EXPECT_EQ(Rows("SELECT * FROM bs ORDER BY n"), Rows(over_lake(histogram) + " ORDER BY n"));
  EXPECT_EQ(Rows("SELECT sum(n * users) FROM bs"), "150\n");
  ASSERT_NE(Rows("SELECT max(window_end) FROM bw"), "NULL\n");
  EXPECT_EQ(Rows("SELECT * FROM bw ORDER BY window_start, user_id"),
            Rows("SELECT * FROM (" + over_lake(kWindowed) +
                 ") b WHERE window_end <= (SELECT max(window_end) FROM bw) ORDER BY window_start, user_id"));
  EXPECT_EQ(Rows("SELECT count(*) FROM bw_late"), "0\n");
  db_->views().WithJobForTesting(*View("bc"),
                                 [&](ViewJob& job) { EXPECT_EQ(job.LoadCheckpoint().records_in, 150); });
}

}  // namespace
}  // namespace basin::stream
