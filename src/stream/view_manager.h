#pragma once

// The jobs of a database's materialized views: opened on first use, run epoch by epoch by a ViewRunner (in
// `basin server`) or by REFRESH MATERIALIZED VIEW, reported by SHOW MATERIALIZED VIEWS, removed by DROP.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "stream/query_engine.h"

namespace basin {
class Catalog;
class Counter;
class Gauge;
struct MaterializedViewEntry;
template <class M>
class MetricFamily;
namespace log {
class LogManager;
}
}  // namespace basin

namespace basin::stream {

class ViewJob;
class AlertNotifier;

/// What SHOW MATERIALIZED VIEWS tells of a view.
struct ViewReport {
  std::string kind;    ///< append, windowed or changelog; empty when the job cannot open
  std::string status;  ///< running (a runner keeps it up to date), stopped (none runs here), paused, failed
  int64_t epoch = 0;   ///< the last epoch checkpointed
  std::string offsets;
  std::string join_offsets;  ///< a join's right topic's (empty: a view over one topic)
  int64_t lag = -1;  ///< records of the topic not read yet; -1 unknown
  int64_t watermark = INT64_MIN;
  int64_t last_checkpoint_ms = 0;  ///< 0: none yet
  int64_t records_in = 0;
  int64_t rows_out = 0;
  int64_t late_rows = 0;
  int64_t state_bytes = 0;
  int64_t join_rows = 0;  ///< rows a join of two topics holds in its state
  double records_per_second = 0;  ///< read over the last minute of checkpoints
  bool paused = false;
  std::string error;  ///< why the last epoch failed
};

/// Thread-safe: each job runs on one thread at a time (its own mutex), different jobs may run at once.
class ViewManager {
 public:
  /// Each job gets an engine of its own from `engines`. State lives in `state_root`/<schema>.<view>/.
  using EngineFactory = std::function<std::unique_ptr<QueryEngine>()>;
  ViewManager(Catalog& catalog, log::LogManager& log, std::string state_root, EngineFactory engines);
  ~ViewManager();
  ViewManager(const ViewManager&) = delete;
  ViewManager& operator=(const ViewManager&) = delete;

  /// Open a new view's job with fresh state (its tables exist, the catalog need not know it yet), so that
  /// every check runs now; it starts at each partition's log start, or at the high watermarks with
  /// start = 'latest'. Throws what opening throws, leaving no state behind.
  void Create(const MaterializedViewEntry& view);
  /// Close a view's job, after its running epoch, and remove its state.
  void Drop(const MaterializedViewEntry& view);
  /// One epoch of every view of the catalog that is due (its checkpoint interval passed, or it has a
  /// backlog) and has something to read. Errors are kept for SHOW and logged once each; the job is opened
  /// again later. Returns whether an epoch ran.
  bool RunDue();
  /// Epochs of `view`, on the caller's thread, until it has read what its topic held when called. Returns
  /// the rows written to the view's table. Throws what stops it.
  int64_t Refresh(const MaterializedViewEntry& view);
  ViewReport Report(const MaterializedViewEntry& view);
  /// The notifier of alerts (CREATE ALERT), which the runner drives on a thread of its own.
  AlertNotifier& alerts() { return *alerts_; }
  /// Pause the view (its runner and REFRESH leave it alone; kept across restarts) or resume it.
  void SetPaused(const MaterializedViewEntry& view, bool paused);
  /// Whether a ViewRunner keeps the views up to date (SHOW's status).
  void SetRunning(bool running);

  /// Tests: run `f` on the view's job, opened if needed, with the job's lock held.
  void WithJobForTesting(const MaterializedViewEntry& view, const std::function<void(ViewJob&)>& f);

 private:
  struct Slot;
  std::shared_ptr<Slot> GetSlot(const std::string& name);
  /// The slot's job, opened when it is not (slot locked); unless `created` (CREATE MATERIALIZED VIEW, before
  /// the catalog has it), the catalog must still have the view.
  ViewJob& Open(Slot& slot, const MaterializedViewEntry& view, bool created = false);
  std::string StateDir(const MaterializedViewEntry& view) const;
  /// The view's report, from its job (slot locked), kept for Report to give while an epoch runs.
  ViewReport Describe(Slot& slot, const MaterializedViewEntry& view);
  /// Count an epoch's work in the metrics.
  void Count(const std::string& view, int64_t records, int64_t rows, int64_t late);

  Catalog& catalog_;
  log::LogManager& log_;
  const std::string state_root_;
  const EngineFactory engines_;
  std::mutex mutex_;  // slots_ and running_
  std::map<std::string, std::shared_ptr<Slot>> slots_;
  bool running_ = false;
  MetricFamily<Counter>& records_;
  MetricFamily<Counter>& rows_;
  MetricFamily<Counter>& late_;
  MetricFamily<Counter>& epochs_;
  MetricFamily<Counter>& errors_;
  MetricFamily<Gauge>& lag_;
  std::unique_ptr<AlertNotifier> alerts_;
  MetricFamily<Gauge>& watermark_delay_;
  MetricFamily<Gauge>& throughput_;
  MetricFamily<Gauge>& state_bytes_;
};

}  // namespace basin::stream
