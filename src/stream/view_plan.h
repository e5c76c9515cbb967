#pragma once

// A materialized view's query taken apart for incremental runs. The view's SELECT is bound once by the
// batch binder; its logical plan is split where state is needed:
//
//   append     (no aggregate)       the whole plan runs over each epoch's records; its rows are appended.
//   windowed   GROUP BY window_start, window_end, ... over TUMBLE/HOP/SESSION
//   changelog  GROUP BY without windows (or none at all)
//   top_n      WHERE rn <= N over row_number() OVER (PARTITION BY ... ORDER BY ...) AS rn: top-N per group,
//              and deduplication (rn = 1)
//
// For the aggregating kinds, `input` is the plan below the aggregate with a projection of what the
// aggregate consumes (group values, aggregate arguments, FILTERs); the stream processor folds those rows into
// states kept per group, and `output` is the plan above the aggregate (select list, HAVING) rebased onto a
// scan of finished groups, so every expression the batch engine allows over groups works unchanged.
// SESSION's batch plan numbers sessions with window operators over the whole input; here they are cut out:
// each row is a session of its own, [time, time + gap), and the stream processor merges sessions in its
// state.

#include <memory>
#include <string>
#include <vector>

#include "sql/binder/binder.h"
#include "sql/planner/logical_operator.h"
#include "stream/join_plan.h"

namespace basin {
struct TableEntry;
}

namespace basin::stream {

enum class ViewKind { kAppend, kWindowed, kChangelog, kTopN };
const char* ViewKindName(ViewKind kind);

struct ViewPlan {
  using ChunkList = std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>>;
  /// Where an aggregate's inputs are among `input`'s columns.
  struct AggregateInput {
    size_t first_arg = 0;
    size_t arg_count = 0;
    int filter = -1;  ///< its FILTER (BOOLEAN), or -1
  };

  ViewKind kind = ViewKind::kAppend;
  std::string topic;  ///< empty for a view over a lake table
  /// A view over a lake table instead of a topic: the table, read snapshot by snapshot (the rows each append
  /// added: IcebergTable::AppendsBetween).
  std::shared_ptr<TableEntry> table_source;
  /// The view's columns.
  std::vector<std::string> names;
  std::vector<LogicalType> types;

  /// kAppend: the view's query. Otherwise the rows aggregated, as columns [groups..., each aggregate's
  /// arguments and FILTER..., then for kWindowed: _partition, _offset, the time column].
  LogicalOperatorPtr input;

  std::vector<ExprPtr> aggregates;  ///< the bound aggregate calls (function and bind data)
  std::vector<AggregateInput> aggregate_inputs;
  std::vector<LogicalType> group_types;
  /// The view's columns, then a BIGINT ordinal, computed from the rows in `output_rows`: [groups...,
  /// aggregate values..., ordinal] (types `output_row_types`). The ordinal names the group a row came from.
  LogicalOperatorPtr output;
  ChunkList output_rows;
  std::vector<LogicalType> output_row_types;

  // kWindowed
  std::shared_ptr<const WindowTableFunction> window;
  size_t window_start_group = 0;
  size_t window_end_group = 0;
  size_t partition_column = 0;  ///< input columns
  size_t offset_column = 0;
  size_t time_column = 0;
  LogicalType time_type;
  /// SESSION: the groups that are its key columns (sessions are merged per their values).
  std::vector<size_t> session_key_groups;
  bool session() const { return window && window->name == "session"; }

  // kTopN: `input` gives the rows ranked, then their PARTITION BY values; `output` is the plan from the
  // row_number() up over a scan of `output_rows` ([a partition's candidate rows..., ordinal]), and gives the
  // view's rows, each followed by the ordinal of the candidate it came from.
  int64_t top_n = 0;
  size_t row_width = 0;                ///< columns of a ranked row
  std::vector<LogicalType> key_types;  ///< PARTITION BY values

  /// A join of two topics (`topic` is its left one): its sides run over each topic's records, the plan's
  /// join reads them from chunk scans. Null for views over one topic.
  std::shared_ptr<StreamJoin> join;

  /// Stages: subqueries with state of their own below this plan's (an aggregate under another aggregate, an
  /// aggregate joined with the topic it reads or with another aggregate: Nexmark q4, q5, q7). Each is a
  /// ViewPlan over the view's topics, run first in every epoch with its state under its own prefix; this
  /// plan reads the rows a stage emitted in the epoch from a chunk scan of `rows`.
  struct Stage {
    std::shared_ptr<ViewPlan> plan;
    ChunkList rows;
    int window_end_column = -1;  ///< a windowed stage's column that is its windows' end
  };
  std::vector<Stage> stages;
  /// This plan reads a stage whose rows change (a changelog): each epoch `input` also runs over the rows
  /// the stage retracted, which an aggregate subtracts from its states and an append view retracts.
  bool retracting = false;
  /// Rows appended in an epoch depend only on windows the stages closed in it (window-local): the whole plan
  /// runs over the stages' rows of the epoch, as a batch query would over those windows.
  bool window_local = false;

  /// A window-local plan joining the topic's own records with its stages' windows (Nexmark q7: each bid
  /// against the highest bid of a window, `B.ts BETWEEN B1.window_end - INTERVAL '10' SECOND AND
  /// B1.window_end`). The records' side is kept in the state by event time until every window it can meet
  /// has closed; when windows close, the plan runs over them and the kept records their ends can meet.
  struct RecordsSide {
    LogicalOperatorPtr plan;          ///< over the topic: [its columns..., _partition, _offset, event time]
    std::vector<LogicalType> types;   ///< its columns: what the view's plan reads from `rows`
    LogicalType time_type;
    /// From the conditions: a record at time t meets windows ending in [t + near, t + far] (t at most `near`
    /// before the window's end, at least... `far` before it), near <= far.
    int64_t near = 0;
    int64_t far = 0;
    /// The windows' ends are multiples of it (their slide: TUMBLE's size), from the epoch.
    int64_t step = 0;
    ChunkList rows;
  };
  std::shared_ptr<RecordsSide> records;

  /// The plan whose windows the view's watermark closes: this one if windowed, else its first windowed
  /// stage; null when none is.
  const ViewPlan* Windowed() const;
  /// The join of two topics the view reads, its own or a stage's; null when none.
  const StreamJoin* TopicJoin() const;

  /// Take `query` (a bound SELECT) apart. Throws NotImplementedError (0A000) naming what the stream processor
  /// cannot maintain yet (joins, ORDER BY, DISTINCT aggregates, ...).
  static ViewPlan Analyze(BoundQuery query);
};

/// A view's late-events table (`<view>_late`): its columns' names, and their types for event times of `time`
/// (_partition, _offset, event_time, window_start, window_end, watermark).
const std::vector<std::string>& LateColumnNames();
std::vector<LogicalType> LateColumnTypes(const LogicalType& time);

/// Whether `op` is the chunk scan of a plan's stage.
bool IsStageScan(const LogicalOperator& op);

/// A copy of `plan` whose topic scan (it has one; or, for a view over a lake table, its scan of
/// `table_source`) reads `source` instead; lookup tables stay as they are.
LogicalOperatorPtr ReadingFrom(const LogicalOperator& plan, const std::shared_ptr<TableEntry>& source,
                               const TableEntry* table_source = nullptr);

}  // namespace basin::stream
