#pragma once

// The sink runner: lands the records of every sink's topic (CREATE SINK name FROM topic INTO table) in its
// Iceberg table, exactly once, and keeps the table's files from piling up small.
//
// One landing reads a topic from the offsets the table's current snapshot recorded (lake/topic_sink.h) to
// the high watermarks, writes the rows as Parquet, and commits files and new offsets as one snapshot,
// compared and set: a crash before the commit leaves orphan files only (VACUUM removes them) and the next
// landing reads the same records again; after it, they are never read again. `basin server` runs one.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace basin {

class Database;
class Counter;
struct SinkEntry;
template <class M>
class MetricFamily;

namespace ingest {

struct SinkRunnerOptions {
  /// How often the runner looks for sinks due to commit.
  std::chrono::milliseconds poll{100};
  /// Records one commit lands at most: a long backlog goes in several commits.
  int64_t max_records_per_commit = 2'000'000;
  /// Background compaction: a partition holding this many data files smaller than small_file_bytes has
  /// them rewritten into one.
  size_t compact_min_files = 8;
  int64_t small_file_bytes = 32 << 20;
};

/// What one landing did.
struct Landing {
  int64_t records = 0;    ///< records written to the table (0: nothing new, no commit)
  int64_t compacted = 0;  ///< files written by compaction afterwards
};

class SinkRunner {
 public:
  SinkRunner(Database& db, SinkRunnerOptions options = {});
  /// Stop()s the runner.
  ~SinkRunner();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  /// Start landing on a thread of the runner's own: each sink every commit_interval, when it has records.
  void Start();
  /// Stop the thread after its current landing, then land what every sink has read so far (one commit
  /// each), so that a graceful stop leaves no tail. Idempotent.
  void Stop();

  /// Land one sink now, on the caller's thread: at most max_records_per_commit records in one commit, then
  /// compaction when due. Throws what stops it (a missing table or topic; a serialization failure when
  /// another landing of the sink committed first, which the next call resolves).
  Landing LandNow(const SinkEntry& sink);

 private:
  void Loop();
  /// Land every sink whose interval has passed (all of them with `all`); errors are logged, once each.
  void Pass(bool all);

  Database& db_;
  const SinkRunnerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  struct SinkState {
    std::chrono::steady_clock::time_point due;
    std::string last_error;
  };
  std::map<std::string, SinkState> sinks_;  // by qualified name; the runner's thread only
  MetricFamily<Counter>& records_;
  MetricFamily<Counter>& commits_;
  MetricFamily<Counter>& errors_;
};

}  // namespace ingest
}  // namespace basin
