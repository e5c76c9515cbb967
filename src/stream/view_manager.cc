#include "stream/view_manager.h"

#include <cctype>
#include <deque>

#include "catalog/catalog.h"
#include "catalog/view_options.h"
#include "common/exception.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "stream/alert_notifier.h"
#include "stream/state_store.h"
#include "stream/view_job.h"

namespace basin::stream {

struct ViewManager::Slot {
  std::mutex mutex;  // held while the job runs, reports or closes
  std::unique_ptr<ViewJob> job;
  std::string error;  // of the last attempt; empty after a success
  std::chrono::steady_clock::time_point due;
  std::mutex report_mutex;  // `report`
  /// As of the last epoch, for SHOW while the next one runs.
  std::optional<ViewReport> report;
  /// (checkpoint time in ms, records read in total) of the checkpoints of the last minute and one before.
  std::deque<std::pair<int64_t, int64_t>> samples;
};

namespace {

int64_t Option(const MaterializedViewEntry& view, const char* name, int64_t fallback) {
  auto it = view.options.find(name);
  return it == view.options.end() ? fallback : std::stoll(it->second);
}

}  // namespace

ViewManager::ViewManager(Catalog& catalog, log::LogManager& log, std::string state_root,
                         EngineFactory engines)
    : catalog_(catalog),
      log_(log),
      state_root_(std::move(state_root)),
      engines_(std::move(engines)),
      records_(DefaultMetrics().AddCounter("basin_view_records_total", "Records materialized views read",
                                           {"view"})),
      rows_(DefaultMetrics().AddCounter("basin_view_rows_total",
                                        "Rows materialized views wrote to their tables", {"view"})),
      late_(DefaultMetrics().AddCounter("basin_view_late_rows_total",
                                        "Events materialized views found late, written to their late tables",
                                        {"view"})),
      epochs_(DefaultMetrics().AddCounter("basin_view_epochs_total", "Epochs materialized views checkpointed",
                                          {"view"})),
      errors_(DefaultMetrics().AddCounter("basin_view_errors_total",
                                          "Epochs of materialized views that failed", {"view"})),
      lag_(DefaultMetrics().AddGauge("basin_view_lag_records",
                                     "Records of a materialized view's topic not read yet", {"view"})),
      watermark_delay_(DefaultMetrics().AddGauge(
          "basin_view_watermark_delay_seconds",
          "How far a windowed view's watermark is behind the clock (event time not yet complete)", {"view"})),
      throughput_(DefaultMetrics().AddGauge(
          "basin_view_records_per_second", "Records a materialized view read per second over the last minute",
          {"view"})),
      state_bytes_(DefaultMetrics().AddGauge("basin_view_state_bytes",
                                             "Bytes of a materialized view's state (RocksDB)", {"view"})),
      alerts_(std::make_unique<AlertNotifier>(catalog, log)) {}

ViewManager::~ViewManager() = default;

std::string ViewManager::StateDir(const MaterializedViewEntry& view) const {
  // Names are identifiers, which may be quoted to hold anything: keep folder names tame.
  std::string folder;
  for (unsigned char c : view.qualified_name()) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-') {
      folder += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      folder += '%';
      folder += hex[c >> 4];
      folder += hex[c & 15];
    }
  }
  return state_root_ + "/" + folder;
}

std::shared_ptr<ViewManager::Slot> ViewManager::GetSlot(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = slots_[name];
  if (!slot) slot = std::make_shared<Slot>();
  return slot;
}

ViewJob& ViewManager::Open(Slot& slot, const MaterializedViewEntry& view, bool created) {
  if (slot.job) return *slot.job;
  // A view dropped since the caller looked it up must not get its state folder back.
  if (!created && !catalog_.GetMaterializedView(view.schema, view.name)) {
    throw CatalogError(sqlstate::kUndefinedTable,
                       "materialized view " + view.qualified_name() + " was dropped");
  }
  slot.job = std::make_unique<ViewJob>(view, catalog_, log_, engines_(), StateDir(view));
  return *slot.job;
}

void ViewManager::Count(const std::string& view, int64_t records, int64_t rows, int64_t late) {
  records_.Labels({view}).Inc(static_cast<double>(records));
  rows_.Labels({view}).Inc(static_cast<double>(rows));
  late_.Labels({view}).Inc(static_cast<double>(late));
  epochs_.Labels({view}).Inc();
}

void ViewManager::Create(const MaterializedViewEntry& view) {
  const std::string dir = StateDir(view);
  // A view of this name dropped by a process that died halfway may have left its state.
  StateStore::Destroy(dir);
  std::shared_ptr<Slot> slot = GetSlot(view.qualified_name());
  std::lock_guard<std::mutex> lock(slot->mutex);
  slot->job.reset();
  slot->error.clear();
  try {
    ViewJob& job = Open(*slot, view, /*created=*/true);
    auto start = view.options.find(kViewStart);
    if (view.topic.empty() && start != view.options.end() && start->second != "earliest") {
      // A lake table: after its current snapshot, or the one current at that time.
      job.StartAtTable(start->second == "latest" ? std::nullopt : std::optional<int64_t>(std::stoll(start->second)));
    } else if (start != view.options.end() && start->second == "latest") {
      job.StartAt(HighWatermarks(log_, view.topic));
    } else if (start != view.options.end() && start->second != "earliest") {
      // A timestamp (ms): each partition from its first record at or after it (none: from its end).
      const int64_t ms = std::stoll(start->second);
      SinkOffsets offsets = HighWatermarks(log_, view.topic);
      for (auto& [p, offset] : offsets) {
        const std::optional<log::OffsetAndTimestamp> found =
            log_.GetPartition(view.topic, p)->OffsetForTimestamp(std::max<int64_t>(ms, 0));
        if (found) offset = found->offset;
      }
      job.StartAt(offsets);
    }
  } catch (...) {
    slot->job.reset();
    StateStore::Destroy(dir);
    throw;
  }
}

void ViewManager::Drop(const MaterializedViewEntry& view) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = slots_.find(view.qualified_name());
    if (it != slots_.end()) {
      slot = it->second;
      slots_.erase(it);
    }
  }
  if (slot) {
    std::lock_guard<std::mutex> lock(slot->mutex);
    slot->job.reset();
  }
  StateStore::Destroy(StateDir(view));
  alerts_->Drop(view);
}

bool ViewManager::RunDue() {
  bool ran = false;
  for (const auto& view : catalog_.MaterializedViews()) {
    const std::string name = view->qualified_name();
    std::shared_ptr<Slot> slot = GetSlot(name);
    std::unique_lock<std::mutex> lock(slot->mutex, std::try_to_lock);
    if (!lock) continue;  // a REFRESH runs it
    const auto now = std::chrono::steady_clock::now();
    if (now < slot->due || !catalog_.GetMaterializedView(view->schema, view->name))
      continue;  // due; not dropped
    const auto interval = std::chrono::milliseconds(Option(*view, kViewCheckpointIntervalMs, 200));
    const int64_t max_records = Option(*view, kViewMaxRecordsPerEpoch, 1'000'000);
    try {
      ViewJob& job = Open(*slot, *view);
      if (job.Paused()) {
        slot->due = now + interval;
        continue;
      }
      const EpochResult result = job.RunEpoch(max_records);
      if (result.epoch) {
        Count(name, result.records, result.rows, result.late);
        ran = true;
      }
      const ViewReport report = Describe(*slot, *view);
      lag_.Labels({name}).Set(static_cast<double>(report.lag));
      throughput_.Labels({name}).Set(report.records_per_second);
      state_bytes_.Labels({name}).Set(static_cast<double>(report.state_bytes));
      if (report.watermark != INT64_MIN) {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        watermark_delay_.Labels({name}).Set(
            static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(now).count() -
                                report.watermark) /
            1e6);
      }
      // A backlog is read epoch after epoch; otherwise the view waits its interval.
      slot->due = result.records >= max_records ? now : now + interval;
      if (!slot->error.empty()) LogLine(LogLevel::kInfo, "materialized view " + name + ": running again");
      slot->error.clear();
    } catch (const std::exception& e) {
      errors_.Labels({name}).Inc();
      if (slot->error != e.what()) LogLine(LogLevel::kWarning, "materialized view " + name + ": " + e.what());
      slot->error = e.what();
      slot->job.reset();  // opened again next time: the topic or the tables may have changed
      std::lock_guard<std::mutex> cache(slot->report_mutex);
      slot->report.reset();
      slot->due = now + std::max<std::chrono::milliseconds>(interval, std::chrono::seconds(1));
    }
  }
  return ran;
}

int64_t ViewManager::Refresh(const MaterializedViewEntry& view) {
  const std::string name = view.qualified_name();
  std::shared_ptr<Slot> slot = GetSlot(name);
  std::lock_guard<std::mutex> lock(slot->mutex);
  const int64_t max_records = Option(view, kViewMaxRecordsPerEpoch, 1'000'000);
  int64_t rows = 0;
  bool paused = false;
  try {
    ViewJob& job = Open(*slot, view);
    paused = job.Paused();
    const std::array<SinkOffsets, 2> target = paused ? std::array<SinkOffsets, 2>{} : job.Ends();
    for (; !paused;) {
      if (job.Reached(target)) break;
      const EpochResult result = job.RunEpoch(max_records);
      if (!result.epoch) break;
      Count(name, result.records, result.rows, result.late);
      rows += result.rows;
    }
    slot->error.clear();
  } catch (const std::exception& e) {
    errors_.Labels({name}).Inc();
    slot->error = e.what();
    slot->job.reset();
    throw;
  }
  if (paused) {
    throw Exception(sqlstate::kObjectNotInPrerequisiteState,
                    "materialized view " + name + " is paused (ALTER MATERIALIZED VIEW ... RESUME)");
  }
  return rows;
}

ViewReport ViewManager::Describe(Slot& slot, const MaterializedViewEntry& view) {
  ViewReport report;
  report.error = slot.error;
  try {
    ViewJob& job = Open(slot, view);
    const Checkpoint checkpoint = job.LoadCheckpoint();
    report.kind = job.KindName();
    report.epoch = checkpoint.epoch;
    report.offsets = EncodeSinkOffsets(checkpoint.offsets);
    if (!checkpoint.join_offsets.empty()) report.join_offsets = EncodeSinkOffsets(checkpoint.join_offsets);
    report.lag = job.Lag();
    report.watermark = checkpoint.watermark;
    report.last_checkpoint_ms = checkpoint.time_ms;
    report.records_in = checkpoint.records_in;
    report.rows_out = checkpoint.rows_out;
    report.late_rows = checkpoint.late_rows;
    report.join_rows = checkpoint.join_rows;
    report.state_bytes = job.StateBytes();
    report.paused = job.Paused();
    // Throughput: records over the checkpoints of the last minute.
    auto& samples = slot.samples;
    if (checkpoint.time_ms != 0 && (samples.empty() || samples.back().first != checkpoint.time_ms))
      samples.emplace_back(checkpoint.time_ms, checkpoint.records_in);
    while (samples.size() > 2 && samples[1].first < checkpoint.time_ms - 60'000) samples.pop_front();
    if (samples.size() >= 2 && samples.back().first > samples.front().first) {
      report.records_per_second = static_cast<double>(samples.back().second - samples.front().second) *
                                  1000.0 / static_cast<double>(samples.back().first - samples.front().first);
    }
  } catch (const std::exception& e) {
    if (report.error.empty()) report.error = e.what();
    slot.job.reset();
  }
  std::lock_guard<std::mutex> cache(slot.report_mutex);
  slot.report = report;
  return report;
}

ViewReport ViewManager::Report(const MaterializedViewEntry& view) {
  std::shared_ptr<Slot> slot = GetSlot(view.qualified_name());
  bool running;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running = running_;
  }
  ViewReport report;
  std::unique_lock<std::mutex> lock(slot->mutex, std::try_to_lock);
  std::unique_lock<std::mutex> cache(slot->report_mutex);
  if (!lock && slot->report) {
    report = *slot->report;  // an epoch runs: what the last one left
  } else {
    cache.unlock();
    if (!lock) lock.lock();
    report = Describe(*slot, view);
  }
  report.status = !report.error.empty() ? "failed"
                  : report.paused       ? "paused"
                  : running             ? "running"
                                        : "stopped";
  return report;
}

void ViewManager::SetPaused(const MaterializedViewEntry& view, bool paused) {
  std::shared_ptr<Slot> slot = GetSlot(view.qualified_name());
  std::lock_guard<std::mutex> lock(slot->mutex);
  Open(*slot, view).SetPaused(paused);
  Describe(*slot, view);
}

void ViewManager::SetRunning(bool running) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = running;
}

void ViewManager::WithJobForTesting(const MaterializedViewEntry& view,
                                    const std::function<void(ViewJob&)>& f) {
  std::shared_ptr<Slot> slot = GetSlot(view.qualified_name());
  std::lock_guard<std::mutex> lock(slot->mutex);
  f(Open(*slot, view));
}

}  // namespace basin::stream
