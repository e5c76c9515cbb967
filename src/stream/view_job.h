#pragma once

// One materialized view's continuous run, epoch by epoch (micro-batches), exactly once.
//
// Epoch N: (1) its plan, the offset range of every partition and the processing time, is written to RocksDB
// before anything else; (2) the records in those ranges run through the view's plan (ViewPlan): appended as
// they are, or folded into the aggregate states of their groups, windows closed by the watermark emitted;
// (3) each output table gets its rows in one Iceberg commit whose snapshot summary sets
// `basin.job.<schema>.<view>.epoch = N`, compared and set; (4) the new states, offsets, watermarks and N are
// committed to RocksDB in one write batch, the checkpoint. After a crash the next run finds the plan of
// epoch N still there: it runs it again from the same records and state, which gives the same results, and
// commits to each table only if its summary does not say N yet. So every table holds every epoch once.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lake/topic_sink.h"
#include "stream/query_engine.h"
#include "stream/session_windows.h"
#include "stream/view_plan.h"

namespace basin {
class Catalog;
struct MaterializedViewEntry;
struct TableEntry;
class TopicTable;
namespace log {
class LogManager;
}
namespace iceberg {
class IcebergTable;
}
}  // namespace basin

namespace basin::stream {

class AggregateStates;
class BackfillSource;
class StateStore;
class TopicOutput;
class StateBatch;

/// Where a job is: what its last checkpoint committed with its state.
struct Checkpoint {
  int64_t epoch = 0;                      ///< the last epoch committed (0: none)
  SinkOffsets offsets;                    ///< the next offset to read, by partition (missing: the log start)
  SinkOffsets join_offsets;               ///< the same for the right topic of a join of two topics
  std::map<int32_t, int64_t> watermarks;  ///< by partition: the highest watermark its records gave (µs)
  std::map<int32_t, int64_t> join_watermarks;  ///< the same for a window join's right topic
  int64_t watermark = INT64_MIN;          ///< the job's: the least of the partitions', never going back
  std::map<int32_t, int64_t> active;      ///< by partition: the processing time (µs) of its last records
  SinkOffsets outputs;                    ///< a stream's: its topic's end offsets after the epoch
  int64_t time_ms = 0;                    ///< when the checkpoint was committed (0: never)
  int64_t records_in = 0;                 ///< totals over the job's life
  int64_t rows_out = 0;
  int64_t late_rows = 0;
  int64_t join_rows = 0;  ///< rows a join of two topics holds in its state
  int64_t table_snapshot = 0;  ///< a view over a lake table: the snapshot read up to (0: none)
  /// An interval join: each topic's watermark (the least of its partitions'), never going back; its rows are
  /// late behind it and the other side's rows expire by it.
  std::array<int64_t, 2> join_side_watermarks{INT64_MIN, INT64_MIN};
  /// Not stored: the same before the epoch (AdvanceWatermark keeps it here as it moves them on).
  std::array<int64_t, 2> join_side_closed{INT64_MIN, INT64_MIN};
};

/// What an epoch reads, recorded before it runs.
struct EpochPlan {
  int64_t epoch = 0;
  SinkOffsets from, to;  ///< partition p's offsets [from[p], to[p])
  SinkOffsets join_from, join_to;  ///< the same for the right topic of a join of two topics
  int64_t time_us = 0;   ///< processing time: the epoch's statements run as if started then
  /// A back-fill epoch (the first, WITH (backfill = ...)): the snapshot of the sink's table read instead of the
  /// topic (0: none), and its rows; `from` and `to` are then both the offsets the sink committed with it.
  int64_t backfill_snapshot = 0;
  int64_t backfill_rows = 0;
  /// A view over a lake table: the rows appended after snapshot `table_from` (0: from the first) up to
  /// `table_to`, and how many.
  int64_t table_from = 0, table_to = 0, table_rows = 0;
};

/// What RunEpoch did.
struct EpochResult {
  int64_t epoch = 0;    ///< 0: nothing to do
  int64_t records = 0;  ///< records read
  int64_t rows = 0;     ///< rows written to the view's table (inserted, for a changelog)
  int64_t late = 0;     ///< late events written to the late table
};

/// The job of one materialized view. Owns its state store and a query engine of its own; used by one thread
/// at a time (ViewManager serialises).
class ViewJob {
 public:
  /// Open the job: state in `state_dir` (made empty when missing), tables from `catalog`, the query bound by
  /// `engine`. Throws when the view cannot run: its topic or tables are gone, its query no longer binds or
  /// gives other columns than its table has, its state cannot be opened.
  ViewJob(const MaterializedViewEntry& view, Catalog& catalog, log::LogManager& log,
          std::unique_ptr<QueryEngine> engine, const std::string& state_dir);
  ~ViewJob();
  ViewJob(const ViewJob&) = delete;
  ViewJob& operator=(const ViewJob&) = delete;

  /// Begin at `offsets` instead of each partition's log start (start = 'latest'); before the first epoch.
  void StartAt(const SinkOffsets& offsets);
  /// A view over a lake table: begin after the snapshot current at `time_ms` (none: now) instead of the
  /// table's first; before the first epoch.
  void StartAtTable(std::optional<int64_t> time_ms);

  /// Run the epoch planned before a crash, else the next one over the records after the checkpoint (at most
  /// `max_records`, shared fairly among partitions). Throws what stops it (a conflicting commit: 40001);
  /// nothing is checkpointed then, and the next call runs the same epoch again.
  EpochResult RunEpoch(int64_t max_records);

  Checkpoint LoadCheckpoint() const;
  /// Records in the topics after the checkpoint.
  int64_t Lag() const;
  /// Where the view's topics end now: the view's topic, then the right topic of a join (else empty).
  std::array<SinkOffsets, 2> Ends() const;
  /// Whether the checkpoint has read the topics up to `ends`.
  bool Reached(const std::array<SinkOffsets, 2>& ends) const;
  int64_t StateBytes() const;
  /// ALTER MATERIALIZED VIEW ... PAUSE: kept in the state, so a restart keeps it paused.
  bool Paused() const;
  void SetPaused(bool paused);
  ViewKind kind() const { return plan_.kind; }
  /// The kind as SHOW says it: "windowed", or with stages "append over windowed, windowed".
  std::string KindName() const;

  /// Tests: where the next epoch stops, as a crash there would (kill -9 cannot be aimed).
  enum class CrashPoint {
    kNone,
    kAfterPlan,    ///< its plan recorded, nothing committed
    kAfterOutput,  ///< its tables committed, its checkpoint not
  };
  void CrashForTesting(CrashPoint point) { crash_ = point; }

 private:
  struct Output;
  class Aggregation;
  class WindowEmitter;

  /// A stage of `top`'s view (ViewPlan::stages): its own plan, sharing the view's engine and topics.
  ViewJob(const ViewJob& top, ViewPlan plan, size_t number);
  /// The epoch's work of this job's kind: its input over `plan`'s records (or its stages' rows), state in
  /// `batch`, rows to `view`, late rows to `late`; windows ending at or before `closed` closed in earlier
  /// epochs, those up to `watermark` close now.
  void RunKind(const EpochPlan& plan, Checkpoint& checkpoint, int64_t closed, int64_t watermark,
               StateBatch& batch, Output& view, Output* late, EpochResult& result);
  /// Run the stages and hand what each emitted (rows, and rows retracted) to this plan's stage scans.
  void RunStages(const EpochPlan& plan, Checkpoint& checkpoint, int64_t closed, int64_t watermark,
                 StateBatch& batch, Output* late, EpochResult& result,
                 std::vector<std::vector<std::unique_ptr<DataChunk>>>& retracted);

  /// The next epoch's plan; false when there is nothing to read.
  bool PlanEpoch(const Checkpoint& checkpoint, int64_t max_records, EpochPlan& plan) const;
  /// The topic's records of `plan` as a table (the right topic's, of a join, with `right`).
  std::shared_ptr<TableEntry> Input(const EpochPlan& plan, bool right = false) const;
  /// Fold each partition's watermark over `plan`'s records (of both topics, for a window join) into
  /// `checkpoint` and return the job's new one.
  int64_t AdvanceWatermark(const EpochPlan& plan, Checkpoint& checkpoint);
  /// An interval join's: each topic's watermark moved on (the view's topic's least being `left`), the
  /// previous ones kept in `join_side_closed`; returns the view's.
  int64_t AdvanceJoinSides(Checkpoint& checkpoint, int64_t left) const;
  /// Run the output plan over finished groups ([groups..., aggregate values..., ordinal]); `out` gets the
  /// view's rows, each followed by the ordinal of its group.
  void RunOutput(const EpochPlan& plan, std::unique_ptr<DataChunk> rows,
                 const std::function<void(const DataChunk&)>& out);
  /// The same over several chunks of rows.
  void RunOutput(const EpochPlan& plan, std::vector<std::unique_ptr<DataChunk>> rows,
                 const std::function<void(const DataChunk&)>& out);
  /// Top-N: rank each partition's stored rows with the epoch's `candidates` (by state key); keep its top N
  /// and replace the view rows that changed.
  void RankPartitions(const EpochPlan& plan, std::map<std::string, std::vector<std::string>>& candidates,
                      StateBatch& batch, Output& view);
  /// Windowed: fold the epoch's groups into the stored windows; a window this epoch opened and the new
  /// `watermark` closes goes to `emit` without being stored.
  void MergeWindows(Aggregation& aggregation, int64_t watermark, StateBatch& batch, WindowEmitter& emit);
  /// SESSION: merge the epoch's sessions into the stored ones; emit and forget those `watermark` closes.
  void MergeSessions(Aggregation& aggregation, int64_t watermark, StateBatch& batch, WindowEmitter& emit);
  /// Windowed: emit every stored window ending at or before `watermark`, and forget it.
  void EmitClosedWindows(int64_t watermark, StateBatch& batch, WindowEmitter& emit);
  /// Changelog: fold the epoch's groups into the stored ones; retract each changed group's last row from the
  /// view and insert its new one.
  void EmitChangedGroups(const EpochPlan& plan, Aggregation& aggregation, StateBatch& batch, Output& view,
                         Aggregation* retracted = nullptr);
  /// Fold the epoch's groups into their stored states (each keeps the row it last gave); their keys.
  /// With `retracted` (a plan reading a changelog), its groups' states are subtracted too; a group left with
  /// no rows is forgotten and its last row goes to `emptied`.
  std::vector<std::string> FoldGroups(Aggregation& aggregation, StateBatch& batch,
                                      Aggregation* retracted = nullptr,
                                      std::vector<std::string>* emptied = nullptr);
  /// Run the groups of `keys` through the output plan; where a group's row changed, retract its last row
  /// from the view and insert the new one.
  void ReemitGroups(const EpochPlan& plan, const std::vector<std::string>& keys, StateBatch& batch,
                    Output& view);
  /// SESSION with allowed lateness or emit = 'on_update': sessions kept as a changelog (a session merged into
  /// another retracts its rows) until the watermark passes their end + the lateness.
  void UpdateSessions(const EpochPlan& plan, Aggregation& aggregation, int64_t watermark, StateBatch& batch,
                      Output& view);
  /// Run the groups of the sessions `emit` through the output plan; where a group's row changed, retract
  /// its last row and insert the new one.
  void ReemitSessions(const EpochPlan& plan, SessionWindows& sessions,
                      const std::vector<SessionWindows::Session>& emit, StateBatch& batch, Output& view);
  /// Windowed with allowed lateness or emit = 'on_update': windows kept as a changelog until the watermark
  /// passes their end + the lateness.
  void UpdateWindows(const EpochPlan& plan, Aggregation& aggregation, int64_t watermark, StateBatch& batch,
                     Output& view);
  /// A window-local view with a records side (ViewPlan::RecordsSide): keep the epoch's records by event time
  /// (late ones to `late`), run the plan over the windows the stages closed and the records they can meet,
  /// forget records no open window can meet.
  void RunRecords(const EpochPlan& plan, int64_t closed, int64_t watermark, StateBatch& batch, Output& view,
                  Output* late, EpochResult& result);
  /// A view over a lake table: the rows of snapshot `to` (from = 0: the first epoch) or those the appends
  /// after snapshot `from` added. Throws 55000 when the table's columns changed since the job was opened.
  std::shared_ptr<TableStorage> TableRows(int64_t from, int64_t to) const;
  /// Throw when a test set this crash point.
  void CrashHere(CrashPoint point);
  /// Keep the tables' files from piling up after epoch `epoch`: small files merged, a changelog's deletes
  /// folded in, old snapshots expired.
  void Maintain(int64_t epoch);

  const std::string name_;  // qualified
  const std::string epoch_key_;
  log::LogManager& log_;
  std::shared_ptr<QueryEngine> engine_;
  std::unique_ptr<StateStore> store_;  // null in a stage (its state is under a prefix of the view's)
  ViewPlan plan_;
  std::vector<std::unique_ptr<ViewJob>> stages_;
  std::unique_ptr<AggregateStates> states_;  // aggregating views
  LogicalOperatorPtr watermark_plan_;  // windowed (or a stage): _partition, watermark of the topic's records
  LogicalOperatorPtr join_watermark_plan_;   // a window or interval join: the same over its right topic
  bool join_sides_ = false;  // an interval join: each topic's watermark apart (Checkpoint::join_side_watermarks)
  std::shared_ptr<TableEntry> source_;
  std::shared_ptr<TopicTable> topic_;                  // null for a view over a lake table
  std::shared_ptr<iceberg::IcebergTable> source_table_;  // a view over a lake table
  int32_t source_schema_id_ = 0;                        // its columns when the job was opened
  std::shared_ptr<TableEntry> join_source_;  // the right topic of a join of two topics
  std::shared_ptr<TopicTable> join_topic_;
  std::shared_ptr<iceberg::IcebergTable> table_;       // null for a stream
  std::unique_ptr<TopicOutput> topic_output_;          // a stream's
  std::shared_ptr<BackfillSource> backfill_;           // until the first epoch, WITH (backfill = ...); stages share it
  std::shared_ptr<iceberg::IcebergTable> late_table_;  // windowed views only
  int64_t lateness_ = 0;                               // windowed: allowed lateness (µs)
  bool on_update_ = false;                             // windowed: emit = 'on_update'
  int64_t idle_ = 0;                                   // windowed: idle_timeout (µs), 0 none
  CrashPoint crash_ = CrashPoint::kNone;
};

}  // namespace basin::stream
