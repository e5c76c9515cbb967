#pragma once

// Joins in materialized views.
//
// Lookup joins: a join whose one side reads the topic and the other only lake tables (a table, a subquery
// over tables such as `IN (SELECT ...)` or a scalar subquery) runs its table side whole in each epoch: the
// epoch's records meet the tables as they are when it runs (processing time). The epoch's output is committed
// once, as any epoch's; an epoch run again after a crash reads the table as it is then.
//
// Stream-to-stream joins: an inner join of two topics (StreamJoin). Each side's plan (its filters and
// projections over its topic) runs over that topic's records of the epoch; the rows are kept in the view's
// state by their join key. The join itself stays in the view's plan, reading two chunk scans, and runs twice
// per epoch: the new left rows against the stored and new right rows, then the stored left rows against
// the new right rows. So every pair of rows meets exactly once, in the epoch where the later one arrives,
// and what lies above the join (projections, filters, a changelog aggregate) sees the join's new rows as
// it would see a topic's. A side may be a GROUP BY without aggregates (distinct rows, such as the persons
// and sellers of each window of Nexmark q8): a row already kept is dropped from the epoch's new rows, so the
// join of two distinct sides stays distinct, appended as soon as both rows are there (never retracted: the
// join of two growing sets only grows).

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sql/planner/logical_operator.h"

namespace basin::stream {

/// Whether `plan` scans a topic.
bool ReadsTopic(const LogicalOperator& plan);
/// The first scan of a topic in `plan` (not a lookup table's), or null.
const LogicalOperator* FindTopicScan(const LogicalOperator& plan);

/// Point every column reference in `plan` (its operators' expressions, groups, orders and join conditions)
/// that is a key of `map` at its value: what replacing a subtree by a chunk scan of its rows needs.
void RebindColumns(LogicalOperator& plan, const std::map<std::pair<uint64_t, uint64_t>, ColumnBinding>& map);

/// The child of `join` that reads the topic, the stream side: the other is a table side run whole each
/// epoch. Throws NotImplementedError (0A000) for joins that would emit table rows without a record (the
/// table side preserved: LEFT JOIN with the table on the left, FULL JOIN). Not for joins of two topics.
LogicalOperator& StreamSide(LogicalOperator& join);

/// An inner join of two topics taken out of a view's plan.
struct StreamJoin {
  using ChunkList = std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>>;
  struct Side {
    std::string topic;
    /// The side's plan over its topic, projected to [its columns..., the join keys...].
    LogicalOperatorPtr plan;
    std::vector<LogicalType> types;  ///< the columns (without the keys)
    size_t keys = 0;
    /// Its rows are distinct (a GROUP BY without aggregates, as Nexmark q8's sides): a row kept before is
    /// not joined or kept again.
    bool distinct = false;
    /// Of a window join: the time column of the side's window.
    std::string window_time_column;
    /// Of a join whose rows can be late (a window or interval join): the plan gives, after the keys,
    /// `_partition`, `_offset` and the event time (NULL where the side's plan does not pass them on), for the
    /// late table; then the expiry bounds (below).
    bool late_columns = false;
    /// Of an interval join (join_bounds.h): the other side's rows expire by this side's watermark, over
    /// `time_column` (the column its topic declares its WATERMARK for, the event time above); a row whose
    /// time is behind the side's watermark of the previous epoch is late.
    bool timed = false;
    std::string time_column;
    LogicalType time_type;
    /// Of an interval join: bounds over the side's row (after the late columns), each strict or not: no row
    /// of the other side whose time is past a bound (or at it, strict) can meet the row; it leaves the state
    /// once the other side's watermark has passed the least bound.
    std::vector<bool> expiry;
    /// What the join reads for this side in a pass (the view's plan holds a chunk scan of it).
    ChunkList rows;
  };
  std::array<Side, 2> sides;
  /// A window join: the join key (index among the keys) that is, on both sides, the window_end of a TUMBLE
  /// or HOP over the column the side's topic declares its watermark for; -1 when there is none. Rows are
  /// then kept by window end first, a row whose window the watermark closed in an earlier epoch is late
  /// (dropped and counted), and a window's rows are forgotten once the watermark passes its end.
  int window_end_key = -1;
  /// The type of the late table's times (a join whose rows can be late).
  LogicalType late_time_type;

  /// Whether its rows can be late: a window join, or an interval join (a side's rows expire).
  bool CanBeLate() const { return window_end_key >= 0 || Interval(); }
  bool Interval() const { return sides[0].timed || sides[1].timed; }
  /// Keep every row (no window or interval expiry): a join in a stage, or over topics without watermarks.
  void KeepAll();
};

/// If `plan` joins two topics, take the join's sides out (the join then reads two chunk scans) and return
/// them; else null. Throws NotImplementedError (0A000) for joins of two topics other than one inner join of
/// one topic with another.
std::shared_ptr<StreamJoin> ExtractStreamJoin(LogicalOperatorPtr& plan);

/// Whether `key`, an expression over `plan`'s output, is the window_end of a TUMBLE or HOP in `plan` (through
/// projections and group keys that pass it on); its time column's name goes to `time_column`.
bool IsWindowEnd(const LogicalOperator& plan, const Expr& key, std::string& time_column);

/// The projection, aggregate or scan of `plan` that gives the bindings of `table_index`, or null.
const LogicalOperator* BindingProducer(const LogicalOperator& plan, uint64_t table_index);

/// Whether `op` is one of the chunk scans ExtractStreamJoin put in place of a join's sides.
bool IsStreamJoinSide(const LogicalOperator& op);

}  // namespace basin::stream
