// Joins of two topics in materialized views, epoch by epoch: the rows of each side kept in the state by key
// meet the other side's rows whichever topic delivers first, each pair once, also when an epoch stops at a
// crash point and runs again after a restart. (A Database serves as the fixture, as in view_job_test.cc.)

#include <gtest/gtest.h>

#include "helpers/view_testing.h"
#include "stream/join_expiry.h"
#include "stream/state_store.h"

namespace basin::stream {
namespace {

constexpr const char* kJoin =
    "SELECT o.id, o.amount, s.carrier FROM orders o JOIN shipments s ON o.id = s.order_id WHERE s.carrier <> 'x'";
constexpr const char* kDistinctJoin =
    "SELECT o.user_id, s.carrier FROM (SELECT user_id, id FROM orders GROUP BY user_id, id) o "
    "JOIN (SELECT order_id, carrier FROM shipments GROUP BY order_id, carrier) s ON o.id = s.order_id";

class JoinStateTest : public test::ViewTest {
 protected:
  void SetUp() override {
    ViewTest::SetUp();
    Ok("CREATE TOPIC orders (id BIGINT, user_id BIGINT, amount BIGINT) WITH (partitions = 2, key = 'id')");
    Ok("CREATE TOPIC shipments (order_id BIGINT, carrier VARCHAR) WITH (partitions = 3, key = 'order_id')");
    Ok(std::string("CREATE MATERIALIZED VIEW j WITH (max_records_per_epoch = 20) AS ") + kJoin);
    Ok(std::string("CREATE MATERIALIZED VIEW d WITH (max_records_per_epoch = 20) AS ") + kDistinctJoin);
  }
  /// Orders [from, from + count), users id % 5, and shipments of the orders [ship_from, ship_from + count), two
  /// of each (the same carrier twice for even ids: duplicates the distinct view keeps once).
  void Produce(int from, int ship_from, int count) {
    std::string orders = "INSERT INTO orders VALUES ", shipments = "INSERT INTO shipments VALUES ";
    for (int i = 0; i < count; i++) {
      const int o = from + i, s = ship_from + i;
      orders += (i ? ", (" : "(") + std::to_string(o) + ", " + std::to_string(o % 5) + ", " + std::to_string(o * 3) + ")";
      const std::string second = s % 2 == 0 ? "ups" : (s % 3 == 0 ? "x" : "dhl");
      shipments += (i ? ", (" : "(") + std::to_string(s) + ", 'ups'), (" + std::to_string(s) + ", '" + second + "')";
    }
    Ok(orders);
    Ok(shipments);
  }
  void Refresh() {
    Ok("REFRESH MATERIALIZED VIEW j");
    Ok("REFRESH MATERIALIZED VIEW d");
  }
  void ExpectViewsMatchBatch() {
    EXPECT_EQ(Rows("SELECT * FROM j ORDER BY 1, 2, 3"), Rows(std::string(kJoin) + " ORDER BY 1, 2, 3"));
    EXPECT_EQ(Rows("SELECT * FROM d ORDER BY 1, 2"), Rows(std::string(kDistinctJoin) + " ORDER BY 1, 2"));
    EXPECT_NE(Rows("SELECT count(*) FROM j"), "0\n");
  }
};

TEST_F(JoinStateTest, PairsMeetOnceWhicheverSideComesFirst) {
  // Shipments of orders 0..29 arrive with orders 20..49, then the orders 0..19 and shipments of 30..59.
  Produce(20, 0, 30);
  Refresh();
  Produce(0, 30, 20);
  Refresh();
  Checkpoint checkpoint;
  db_->views().WithJobForTesting(*View("j"), [&](ViewJob& job) { checkpoint = job.LoadCheckpoint(); });
  EXPECT_EQ(checkpoint.records_in, 50 + 100);  // both topics' records, read in epochs of at most 20
  EXPECT_GE(checkpoint.epoch, 8);
  EXPECT_EQ(checkpoint.join_offsets.size(), 3u);
  ExpectViewsMatchBatch();
}

TEST_F(JoinStateTest, CrashesRunTheSameEpochAgain) {
  Produce(20, 0, 30);
  CrashDuringRefresh("j", ViewJob::CrashPoint::kAfterPlan);
  CrashDuringRefresh("d", ViewJob::CrashPoint::kAfterOutput);
  Open();
  Refresh();
  Produce(0, 30, 20);
  CrashDuringRefresh("j", ViewJob::CrashPoint::kAfterOutput);
  CrashDuringRefresh("d", ViewJob::CrashPoint::kAfterPlan);
  Open();
  Refresh();
  // Shipments again for the orders the crashed epochs read: the rerun epochs must have kept them.
  Produce(50, 0, 20);
  Refresh();
  ExpectViewsMatchBatch();
}


// A window join over topics with watermarks: rows of a window leave the state once both topics' watermarks
// pass its end; a row of a window closed in an earlier epoch is late: dropped, counted and routed to the late
// table.
constexpr const char* kWindowJoin =
    "SELECT c.user_id, c.window_start, v.page FROM TUMBLE(clicks, ts, INTERVAL '10' SECOND) c "
    "JOIN TUMBLE(visits, ts, INTERVAL '10' SECOND) v ON c.user_id = v.user_id AND c.window_end = v.window_end";

class WindowJoinTest : public test::ViewTest {
 protected:
  void SetUp() override {
    ViewTest::SetUp();
    Ok("CREATE TOPIC clicks (user_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)");
    Ok("CREATE TOPIC visits (user_id BIGINT, page VARCHAR, ts TIMESTAMP, WATERMARK FOR ts AS ts)");
    Ok(std::string("CREATE MATERIALIZED VIEW wj AS ") + kWindowJoin);
  }
  /// Clicks and visits of users 0..2 at second `second`.
  void Produce(int second) {
    const std::string ts = "TIMESTAMP '2024-01-01' + INTERVAL '" + std::to_string(second) + " seconds'";
    Ok("INSERT INTO clicks VALUES (0, " + ts + "), (1, " + ts + "), (2, " + ts + ")");
    Ok("INSERT INTO visits VALUES (1, 'p" + std::to_string(second) + "', " + ts + "), (2, 'q', " + ts + ")");
  }
  Checkpoint Load() {
    Checkpoint checkpoint;
    db_->views().WithJobForTesting(*View("wj"), [&](ViewJob& job) { checkpoint = job.LoadCheckpoint(); });
    return checkpoint;
  }
};

TEST_F(WindowJoinTest, ClosedWindowsLeaveTheState) {
  Produce(1);
  Produce(5);
  Ok("REFRESH MATERIALIZED VIEW wj");
  EXPECT_EQ(Load().join_rows, 6 + 4);  // window [0, 10) is open: every row kept
  Produce(12);
  Produce(25);  // the watermark: 24 s (clicks), 25 s (visits): windows [0, 10) and [10, 20) close
  Ok("REFRESH MATERIALIZED VIEW wj");
  EXPECT_EQ(Load().join_rows, 3 + 2);
  EXPECT_EQ(Rows(std::string("SELECT * FROM wj ORDER BY 1, 2, 3")),
            Rows(std::string(kWindowJoin) + " ORDER BY 1, 2, 3"));
  // A visit of the closed window [0, 10): late, never joined (the batch query would join it).
  Ok("INSERT INTO visits VALUES (0, 'late', TIMESTAMP '2024-01-01 00:00:03')");
  Ok("REFRESH MATERIALIZED VIEW wj");
  EXPECT_EQ(Load().late_rows, 1);
  // ... and written to the late table (its window_start NULL: a join keys on window_end alone).
  EXPECT_EQ(Rows("SELECT _offset, event_time, window_end, watermark, window_start IS NULL FROM wj_late"),
            "8|2024-01-01 00:00:03|2024-01-01 00:00:10|2024-01-01 00:00:24|true\n");
  EXPECT_EQ(Rows("SELECT count(*) FROM wj WHERE page = 'late'"), "0\n");
  EXPECT_EQ(Load().join_rows, 3 + 2);
}


// An interval join (Nexmark q4's condition) over topics with watermarks: an auction leaves the state once the
// bids' watermark passes its expiry, a bid once the auctions' watermark passes its time; a row behind its own
// topic's watermark is late (dropped, counted, written to the late table). The view equals the batch query
// over the rows that were not late, whichever side arrives first, also across crashes.
constexpr const char* kIntervalJoin =
    "SELECT a.id, b.price, b.ts FROM auctions a JOIN bids b ON a.id = b.auction "
    "WHERE b.ts BETWEEN a.ts AND a.expires";

class IntervalJoinTest : public test::ViewTest {
 protected:
  void SetUp() override {
    ViewTest::SetUp();
    Ok("CREATE TOPIC auctions (id BIGINT, ts TIMESTAMP, expires TIMESTAMP, WATERMARK FOR ts AS ts)");
    Ok("CREATE TOPIC bids (auction BIGINT, price BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts)");
    Ok(std::string("CREATE MATERIALIZED VIEW ij AS ") + kIntervalJoin);
  }
  static std::string At(int second) {
    return "TIMESTAMP '2024-01-01' + INTERVAL '" + std::to_string(second) + " seconds'";
  }
  void Auction(int id, int second, int expires) {
    Ok("INSERT INTO auctions VALUES (" + std::to_string(id) + ", " + At(second) + ", " + At(expires) + ")");
  }
  void Bid(int auction, int price, int second) {
    Ok("INSERT INTO bids VALUES (" + std::to_string(auction) + ", " + std::to_string(price) + ", " + At(second) +
       ")");
  }
  Checkpoint Load() {
    Checkpoint checkpoint;
    db_->views().WithJobForTesting(*View("ij"), [&](ViewJob& job) { checkpoint = job.LoadCheckpoint(); });
    return checkpoint;
  }
  void Refresh() { Ok("REFRESH MATERIALIZED VIEW ij"); }
};

TEST_F(IntervalJoinTest, EachSideExpiresByTheOtherSidesWatermark) {
  Auction(1, 0, 10);
  Auction(2, 0, 100);
  Bid(1, 11, 5);
  Bid(2, 21, 5);
  Refresh();
  EXPECT_EQ(Load().join_rows, 4);  // watermarks: auctions 0 s, bids 5 s; nothing expires
  Auction(3, 20, 30);
  Bid(2, 22, 20);
  Refresh();
  // Both watermarks 20 s: auction 1 (expires at 10 s) and the bids at 5 s leave.
  EXPECT_EQ(Load().join_rows, 3);
  EXPECT_EQ(Load().join_side_watermarks[1] - Load().join_side_watermarks[0], 0);
  Bid(2, 23, 50);
  CrashDuringRefresh("ij", ViewJob::CrashPoint::kAfterOutput);
  Open();
  Refresh();
  // The bids' watermark (50 s) passes auction 3's expiry (30 s); the auctions' (20 s) keeps the bids.
  EXPECT_EQ(Load().join_rows, 3);
  EXPECT_EQ(Load().join_side_watermarks[1] - Load().join_side_watermarks[0], 30'000'000);
  EXPECT_EQ(Load().late_rows, 0);
  EXPECT_EQ(Rows("SELECT * FROM ij ORDER BY 1, 2"), Rows(std::string(kIntervalJoin) + " ORDER BY 1, 2"));
}

TEST_F(IntervalJoinTest, RowsBehindTheirWatermarkAreLateOnEitherSide) {
  Auction(2, 0, 100);
  Auction(3, 20, 30);
  Bid(2, 22, 50);
  Refresh();  // watermarks: auctions 20 s, bids 50 s
  Bid(2, 24, 7);      // behind the bids' watermark: auction 2 would meet it, but it is late
  Auction(4, 3, 90);  // behind the auctions' watermark: late
  Bid(5, 25, 60);     // before its auction
  CrashDuringRefresh("ij", ViewJob::CrashPoint::kAfterPlan);
  Open();
  Refresh();
  EXPECT_EQ(Load().late_rows, 2);
  EXPECT_EQ(Rows("SELECT _offset, event_time, window_start IS NULL, window_end IS NULL, watermark FROM ij_late "
                 "ORDER BY event_time"),
            "2|2024-01-01 00:00:03|true|true|2024-01-01 00:00:20\n"
            "1|2024-01-01 00:00:07|true|true|2024-01-01 00:00:50\n");
  Auction(5, 55, 70);  // meets the bid kept before it
  Bid(4, 26, 65);      // its auction was late: no pair
  Refresh();
  EXPECT_EQ(Rows("SELECT * FROM ij WHERE id = 5"), "5|25|2024-01-01 00:01:00\n");
  EXPECT_EQ(Rows("SELECT * FROM ij ORDER BY 1, 2"),
            Rows(std::string(kIntervalJoin) + " AND a.id <> 4 AND b.price <> 24 ORDER BY 1, 2"));
  EXPECT_NE(Rows("SELECT count(*) FROM ij"), Rows(std::string("SELECT count(*) FROM (") + kIntervalJoin + ") q"));
  // Auctions 2 (100 s) and 5 (70 s), bids at 60 s and 65 s: the auctions' watermark (55 s) passed the rest.
  EXPECT_EQ(Load().join_rows, 4);
}

TEST_F(IntervalJoinTest, AnIndexEntryPartlyPassedKeepsItsOtherRows) {
  // Rows of one epoch whose expiries share a bucket: one entry, which watermarks between them split.
  StateStore store(Path("expiry"));
  StateBatch batch(store);
  ExpiryIndex index;
  for (int64_t expires : {5, 1, 3}) {
    const std::string key = "j1" + std::to_string(expires);
    batch.Put(key, "row");
    index.Add(expires, key);
  }
  index.Write("jx1", 7, batch);
  EXPECT_EQ(ExpiryIndex::Expire("jx1", 1, batch), 0);  // nothing before 1
  EXPECT_EQ(ExpiryIndex::Expire("jx1", 3, batch), 1);
  store.Commit(batch);
  StateBatch next(store);
  EXPECT_EQ(ExpiryIndex::Expire("jx1", 4, next), 1);
  EXPECT_FALSE(next.Get("j13"));
  EXPECT_TRUE(next.Get("j15"));
  EXPECT_EQ(ExpiryIndex::Expire("jx1", 6, next), 1);
  int entries = 0;
  next.Scan("j", "k", [&](std::string_view, std::string_view) { return ++entries > 0; });
  EXPECT_EQ(entries, 0);
}

}  // namespace
}  // namespace basin::stream
