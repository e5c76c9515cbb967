// The Nexmark benchmark on Basin's materialized views: build/bench/nexmark/nexmark_benchmark.
//
// For each query: (1) throughput: --events Nexmark events are generated into the topics person, auction and
// bid (appended to the log directly), the query becomes a materialized view, and the view reads the backlog
// epoch by epoch; events/s per core = events the view read / CPU seconds of the process (wall time × cores
// used). (2) latency: on a fresh database, events are appended live at --rate events/s, event time = now,
// for --seconds while the server's ViewRunner keeps the view up to date; an event's latency runs from its
// append to the moment its epoch is checkpointed (its results committed to the view's table, visible). For
// windowed views that is when the event is folded in; its window's row appears when the watermark closes it.
// Flink's published per-core figures are printed beside Basin's.

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nexmark_generator.h"
#include "catalog/catalog.h"
#include "lake/topic_sink.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "log/record_batch.h"
#include "main/database.h"
#include "stream/view_manager.h"
#include "stream/view_runner.h"

namespace {

using basin::nexmark::EventKind;
using basin::nexmark::NexmarkGenerator;
using Clock = std::chrono::steady_clock;

struct Query {
  const char* name;
  double flink_per_core;  ///< events/s per core, Flink's published figure
  const char* sql;
  const char* join_topic = nullptr;  ///< the right topic of a join of two topics (the view's is the left)
  /// Its rows appear when the watermark closes windows: the throughput run ends its input as a bounded
  /// Flink source does (whose end flushes every window), with one record an hour later per partition.
  bool closes_windows = false;
};

// Nexmark's SQL (nexmark-flink), in Basin's dialect: TUMBLE(bid, dateTime, INTERVAL ...) for Flink's
// TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL ...)).
const Query kQueries[] = {
    {"q0", 155'000, "SELECT auction, bidder, price, dateTime, extra FROM bid"},
    {"q1", 158'000, "SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid"},
    {"q2", 175'000, "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0"},
    {"q3", 152'000,
     "SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id "
     "WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')",
     "person"},
    {"q4", 34'000,
     "SELECT Q.category, AVG(Q.final) AS avg_final FROM (SELECT MAX(B.price) AS final, A.category "
     "FROM auction A, bid B WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires "
     "GROUP BY A.id, A.category) Q GROUP BY Q.category",
     "bid"},
    {"q5", 22'000,
     "SELECT AuctionBids.auction, AuctionBids.num FROM (SELECT auction, count(*) AS num, window_start AS "
     "starttime, window_end AS endtime FROM HOP(bid, dateTime, INTERVAL '2' SECOND, INTERVAL '10' SECOND) "
     "GROUP BY auction, window_start, window_end) AS AuctionBids JOIN (SELECT max(CountBids.num) AS maxn, "
     "CountBids.starttime, CountBids.endtime FROM (SELECT count(*) AS num, window_start AS starttime, "
     "window_end AS endtime FROM HOP(bid, dateTime, INTERVAL '2' SECOND, INTERVAL '10' SECOND) GROUP BY "
     "auction, window_start, window_end) AS CountBids GROUP BY CountBids.starttime, CountBids.endtime) AS "
     "MaxBids ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime AND "
     "AuctionBids.num >= MaxBids.maxn",
     nullptr, true},
    {"q7", 12'000,
     "SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B JOIN (SELECT MAX(price) AS "
     "maxprice, window_end AS dateTime FROM TUMBLE(bid, dateTime, INTERVAL '10' SECOND) GROUP BY "
     "window_start, window_end) B1 ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - "
     "INTERVAL '10' SECOND AND B1.dateTime",
     nullptr, true},
    {"q8", 146'000,
     "SELECT P.id, P.name, P.starttime FROM (SELECT id, name, window_start AS starttime, window_end AS "
     "endtime FROM TUMBLE(person, dateTime, INTERVAL '10' SECOND) GROUP BY id, name, window_start, "
     "window_end) P JOIN (SELECT seller, window_start AS starttime, window_end AS endtime FROM "
     "TUMBLE(auction, dateTime, INTERVAL '10' SECOND) GROUP BY seller, window_start, window_end) A ON P.id = "
     "A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime",
     "auction"},
};

// The topics, as nexmark-flink declares its tables (watermark 4 seconds behind the event time).
const char* const kTopics[] = {
    "CREATE TOPIC person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, "
    "state VARCHAR, dateTime TIMESTAMP, extra VARCHAR, WATERMARK FOR dateTime AS dateTime - INTERVAL '4' "
    "SECOND) WITH (partitions = %d)",
    "CREATE TOPIC auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve "
    "BIGINT, dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra VARCHAR, "
    "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH (partitions = %d)",
    "CREATE TOPIC bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime "
    "TIMESTAMP, extra VARCHAR, WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH (partitions = "
    "%d)",
};
const char* const kTopicNames[] = {"person", "auction", "bid"};

struct Options {
  int64_t events = 2'000'000;
  int threads = 1;
  int partitions = 1;
  double rate = 20'000;  // events/s in the latency run
  double seconds = 5;
  std::string data = "bench/nexmark/data";
  std::set<std::string> queries;
};

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Fail loudly: a benchmark whose statement fails has nothing to report.
std::string Run(basin::Connection& c, const std::string& sql) {
  auto r = c.Query(sql);
  return r->HasError() ? r->error().message : "";
}

/// A fresh database with the three topics.
std::unique_ptr<basin::Database> OpenFresh(const Options& o, const std::string& dir) {
  std::filesystem::remove_all(dir);
  auto db = std::make_unique<basin::Database>(basin::DatabaseConfig{.data_dir = dir, .threads = o.threads});
  basin::Connection c(*db);
  for (const char* topic : kTopics) {
    char sql[1024];
    std::snprintf(sql, sizeof(sql), topic, o.partitions);
    if (std::string e = Run(c, sql); !e.empty()) throw std::runtime_error(e);
  }
  return db;
}

/// Appends events to the three topics, one record batch per topic and partition per call.
class Loader {
 public:
  Loader(basin::Database& db, const Options& o) : generator_({.base_time_ms = WallMs()}) {
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < o.partitions; p++) partitions_[t].push_back(db.log().GetPartition(kTopicNames[t], p));
    }
  }
  /// Events [from, to), stamped `time_ms` (or by the generator's rate when -1). Returns the offsets after.
  void Append(int64_t from, int64_t to, int64_t time_ms) {
    std::vector<std::unique_ptr<basin::log::RecordBatchBuilder>> builders(3 * partitions_[0].size());
    std::string value;
    for (int64_t id = from; id < to; id++) {
      value.clear();
      const int64_t ts = time_ms >= 0 ? time_ms : generator_.TimestampMs(id);
      const int t = static_cast<int>(generator_.Generate(id, ts, value));
      const size_t p = static_cast<size_t>(id) % partitions_[t].size();
      auto& b = builders[static_cast<size_t>(t) * partitions_[0].size() + p];
      if (!b) b = std::make_unique<basin::log::RecordBatchBuilder>(basin::log::BatchOptions{});
      b->Append(ts, std::nullopt, value);
    }
    for (size_t i = 0; i < builders.size(); i++) {
      if (builders[i]) partitions_[i / partitions_[0].size()][i % partitions_[0].size()]->Append(builders[i]->Build());
    }
  }
  /// End of input: in each partition of `topic`, one event of its kind from `after_id` on, an hour of event
  /// time after event `after_id`'s, so that the watermark closes every window of the events before.
  /// Returns the number of events appended.
  int64_t AppendEndOfInput(const std::string& topic, int64_t after_id) {
    const int t = static_cast<int>(std::find(std::begin(kTopicNames), std::end(kTopicNames), topic) - kTopicNames);
    const int64_t ts = generator_.TimestampMs(after_id) + 3'600'000;
    const size_t n = partitions_[t].size();
    std::vector<bool> done(n);
    int64_t appended = 0;
    for (int64_t id = after_id; appended < static_cast<int64_t>(n); id++) {
      const size_t p = static_cast<size_t>(id) % n;
      if (done[p] || static_cast<int>(NexmarkGenerator::KindOf(id)) != t) continue;
      Append(id, id + 1, ts);
      done[p] = true;
      appended++;
    }
    return appended;
  }

  /// Where `topic`'s partitions end now.
  basin::SinkOffsets Ends(const std::string& topic) const {
    basin::SinkOffsets out;
    for (int t = 0; t < 3; t++) {
      if (topic != kTopicNames[t]) continue;
      for (size_t p = 0; p < partitions_[t].size(); p++)
        out[static_cast<int32_t>(p)] = partitions_[t][p]->high_watermark();
    }
    return out;
  }

 private:
  NexmarkGenerator generator_;
  std::vector<std::shared_ptr<basin::log::Partition>> partitions_[3];
};

struct Result {
  std::string refused;  // CREATE MATERIALIZED VIEW said why not
  std::string error;    // anything else that went wrong
  int64_t events = 0;
  int64_t rows = 0;  // in the view after the throughput run (checked against batch)
  double wall = 0, cpu = 0;
  double p50_ms = 0, p99_ms = 0;
};

std::string CreateView(basin::Connection& c, const Query& q, const char* with) {
  return Run(c, std::string("CREATE MATERIALIZED VIEW ") + q.name + " WITH (" + with + ") AS " + q.sql);
}

void Throughput(const Options& o, const Query& q, Result& r) {
  auto db = OpenFresh(o, o.data + "/" + q.name + "-throughput");
  Loader loader(*db, o);
  constexpr int64_t kBatch = 4'000;  // a record batch stays under max.message.bytes (1 MB)
  for (int64_t id = 0; id < o.events; id += kBatch) loader.Append(id, std::min(id + kBatch, o.events), -1);
  basin::Connection c(*db);
  r.refused = CreateView(c, q, "max_records_per_epoch = 1000000");
  if (!r.refused.empty()) return;
  // The answer check: the view holds the rows the query gives in batch over the same records.
  auto count = [&](const std::string& sql) {
    auto result = c.Query(sql);
    return result->HasError() ? -1 : result->GetValue(0, 0).GetInt64();
  };
  const int64_t batch = count(std::string("SELECT count(*) FROM (") + q.sql + ") b");
  int64_t end_events = 0;
  if (q.closes_windows) {
    auto view = db->catalog().GetMaterializedView("public", q.name);
    end_events = loader.AppendEndOfInput(view->topic, o.events);
  }
  const double cpu = CpuSeconds();
  const auto start = Clock::now();
  if (std::string e = Run(c, std::string("REFRESH MATERIALIZED VIEW ") + q.name); !e.empty()) {
    r.error = e;
    return;
  }
  r.wall = Since(start);
  r.cpu = CpuSeconds() - cpu;
  r.events = db->views().Report(*db->catalog().GetMaterializedView("public", q.name)).records_in - end_events;
  r.rows = count(std::string("SELECT count(*) FROM ") + q.name);
  if (r.rows != batch) {
    r.error = "the view holds " + std::to_string(r.rows) + " rows, the query in batch gives " + std::to_string(batch);
  }
}

void Latency(const Options& o, const Query& q, Result& r) {
  auto db = OpenFresh(o, o.data + "/" + q.name + "-latency");
  basin::Connection c(*db);
  if (std::string e = CreateView(c, q, "start = 'latest'"); !e.empty()) {
    r.error = e;
    return;
  }
  auto view = db->catalog().GetMaterializedView("public", q.name);
  Loader loader(*db, o);
  // Batches of 10 ms of events: when each was appended and where its records end in the view's topics.
  const std::string topics[2] = {view->topic, q.join_topic ? q.join_topic : ""};
  struct Batch {
    Clock::time_point appended;
    basin::SinkOffsets ends[2];
    int64_t events = 0;
  };
  std::mutex mutex;
  std::vector<Batch> batches;
  bool done = false;
  std::vector<std::pair<double, int64_t>> latencies;  // ms, events
  basin::stream::ViewRunner runner(db->views());
  runner.Start();
  std::thread monitor([&] {
    size_t next = 0;
    for (;;) {
      const basin::stream::ViewReport report = db->views().Report(*view);
      const basin::SinkOffsets read[2] = {basin::DecodeSinkOffsets(report.offsets),
                                          basin::DecodeSinkOffsets(report.join_offsets)};
      const auto now = Clock::now();
      std::lock_guard<std::mutex> lock(mutex);
      for (; next < batches.size(); next++) {
        bool visible = true;
        for (int t = 0; t < 2; t++) {
          for (auto [p, end] : batches[next].ends[t]) {
            auto it = read[t].find(p);
            visible = visible && it != read[t].end() && it->second >= end;
          }
        }
        if (!visible) break;
        latencies.push_back({std::chrono::duration<double, std::milli>(now - batches[next].appended).count(),
                             batches[next].events});
      }
      if (done && (next == batches.size() || Since(batches.back().appended) > 30)) break;
      mutex.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      mutex.lock();
    }
  });
  const auto start = Clock::now();
  const int64_t per_batch = std::max<int64_t>(1, static_cast<int64_t>(o.rate / 100));
  int64_t id = 0;
  for (int64_t b = 0; Since(start) < o.seconds; b++) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(10 * b));
    loader.Append(id, id + per_batch, WallMs());
    Batch batch{Clock::now(), {loader.Ends(topics[0]), loader.Ends(topics[1])}, 0};
    for (int64_t e = id; e < id + per_batch; e++) {
      const std::string topic = kTopicNames[static_cast<int>(NexmarkGenerator::KindOf(e))];
      batch.events += topic == topics[0] || topic == topics[1];
    }
    id += per_batch;
    std::lock_guard<std::mutex> lock(mutex);
    batches.push_back(std::move(batch));
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  monitor.join();
  runner.Stop();
  int64_t total = 0, missing = 0;
  for (auto& b : batches) total += b.events;
  for (auto& l : latencies) missing -= l.second;
  missing += total;
  if (missing > 0) {
    r.error = std::to_string(missing) + " events not in the view 30 s after their append";
    return;
  }
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    int64_t seen = 0;
    for (auto& [ms, n] : latencies) {
      seen += n;
      if (static_cast<double>(seen) >= p * static_cast<double>(total)) return ms;
    }
    return latencies.empty() ? 0.0 : latencies.back().first;
  };
  r.p50_ms = percentile(0.5);
  r.p99_ms = percentile(0.99);
}

std::string Figure(double v) {
  char s[32];
  if (v >= 1e6) {
    std::snprintf(s, sizeof(s), "%.2fM", v / 1e6);
  } else {
    std::snprintf(s, sizeof(s), "%.0fK", v / 1e3);
  }
  return s;
}

int Usage() {
  std::fprintf(stderr,
               "usage: nexmark_benchmark [--events N] [--threads N] [--partitions N] [--rate EVENTS_PER_S] "
               "[--seconds S] [--data DIR] [--queries q0,q1,...]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string value = argv[++i];
    if (arg == "--events") {
      o.events = std::stoll(value);
    } else if (arg == "--threads") {
      o.threads = std::stoi(value);
    } else if (arg == "--partitions") {
      o.partitions = std::stoi(value);
    } else if (arg == "--rate") {
      o.rate = std::stod(value);
    } else if (arg == "--seconds") {
      o.seconds = std::stod(value);
    } else if (arg == "--data") {
      o.data = value;
    } else if (arg == "--queries") {
      for (size_t s = 0; s <= value.size();) {
        const size_t e = std::min(value.find(',', s), value.size());
        o.queries.insert(value.substr(s, e - s));
        s = e + 1;
      }
    } else {
      return Usage();
    }
  }
  std::printf("Nexmark on Basin: %lld events per query for throughput (%d engine thread%s, %d partition%s per "
              "topic), %.0f events/s for %.0f s for latency\n",
              static_cast<long long>(o.events), o.threads, o.threads == 1 ? "" : "s", o.partitions,
              o.partitions == 1 ? "" : "s", o.rate, o.seconds);
  std::printf("%-4s %12s %10s %10s %6s %12s %12s %8s %9s %9s\n", "", "events read", "view rows", "wall s",
              "cores", "Basin/core", "Flink/core", "ratio", "p50 ms", "p99 ms");
  for (const Query& q : kQueries) {
    if (!o.queries.empty() && !o.queries.count(q.name)) continue;
    Result r;
    try {
      Throughput(o, q, r);
      if (r.refused.empty() && r.error.empty()) Latency(o, q, r);
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    if (!r.refused.empty() || !r.error.empty()) {
      std::string reason = r.refused.empty() ? r.error : r.refused;
      std::replace(reason.begin(), reason.end(), '\n', ' ');
      std::printf("%-4s %s: %s\n", q.name, r.refused.empty() ? "failed" : "unsupported", reason.c_str());
      std::fflush(stdout);
      continue;
    }
    const double per_core = static_cast<double>(r.events) / r.cpu;
    std::printf("%-4s %12lld %10lld %10.2f %6.2f %12s %12s %8.2f %9.1f %9.1f\n", q.name,
                static_cast<long long>(r.events), static_cast<long long>(r.rows), r.wall, r.cpu / r.wall, Figure(per_core).c_str(),
                Figure(q.flink_per_core).c_str(), per_core / q.flink_per_core, r.p50_ms, r.p99_ms);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(o.data);
  return 0;
}
