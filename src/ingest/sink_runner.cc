#include "ingest/sink_runner.h"

#include "catalog/catalog.h"
#include "catalog/sink_options.h"
#include "common/exception.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "lake/iceberg_table.h"
#include "lake/topic_sink.h"
#include "main/database.h"

namespace basin::ingest {

SinkRunner::SinkRunner(Database& db, SinkRunnerOptions options)
    : db_(db),
      options_(options),
      records_(DefaultMetrics().AddCounter("basin_sink_records_total", "Records sinks landed in tables", {"sink"})),
      commits_(DefaultMetrics().AddCounter("basin_sink_commits_total", "Table commits made by sinks", {"sink"})),
      errors_(DefaultMetrics().AddCounter("basin_sink_errors_total", "Landings that failed", {"sink"})) {}

SinkRunner::~SinkRunner() { Stop(); }

void SinkRunner::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void SinkRunner::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Pass(/*all=*/true);
}

void SinkRunner::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Pass(/*all=*/false);
    lock.lock();
    wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
  }
}

void SinkRunner::Pass(bool all) {
  const auto now = std::chrono::steady_clock::now();
  for (const auto& sink : db_.catalog().Sinks()) {
    SinkState& state = sinks_[sink->qualified_name()];
    if (!all && now < state.due) continue;
    const auto interval = std::chrono::milliseconds(std::stoll(sink->options.at(kSinkCommitIntervalMs)));
    try {
      Landing landing = LandNow(*sink);
      if (landing.records > 0) {
        sink->status->Landed(landing.records, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
      } else {
        sink->status->Idle();
      }
      // A backlog is landed commit after commit; otherwise the sink waits its interval.
      state.due = landing.records >= options_.max_records_per_commit ? now : now + interval;
      if (!state.last_error.empty()) LogLine(LogLevel::kInfo, "sink " + sink->qualified_name() + ": landing again");
      state.last_error.clear();
    } catch (const std::exception& e) {
      errors_.Labels({sink->qualified_name()}).Inc();
      sink->status->Failed(e.what());
      state.due = now + interval;
      if (state.last_error != e.what()) {
        LogLine(LogLevel::kWarning, "sink " + sink->qualified_name() + ": " + e.what());
        state.last_error = e.what();
      }
    }
  }
}

Landing SinkRunner::LandNow(const SinkEntry& sink) {
  auto entry = db_.catalog().GetTable(sink.table_schema, sink.table_name);
  auto table = entry ? std::dynamic_pointer_cast<iceberg::IcebergTable>(entry->storage) : nullptr;
  if (!table) {
    throw CatalogError(sqlstate::kUndefinedTable,
                       "table \"" + sink.table_schema + "." + sink.table_name + "\" does not exist");
  }
  Landing landing;
  landing.records = LandSink(*table, db_.log(), sink.qualified_name(), sink.topic, options_.max_records_per_commit);
  if (landing.records == 0) return landing;
  records_.Labels({sink.qualified_name()}).Inc(static_cast<double>(landing.records));
  commits_.Labels({sink.qualified_name()}).Inc();
  try {
    landing.compacted = table->CompactSmallFiles(options_.small_file_bytes, options_.compact_min_files);
  } catch (const Exception& e) {
    if (e.sqlstate() != sqlstate::kSerializationFailure) throw;  // next time, on the newer version
  }
  return landing;
}

}  // namespace basin::ingest
