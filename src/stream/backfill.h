#pragma once

// Back-fill from a lake table (CREATE MATERIALIZED VIEW ... WITH (backfill = '[schema.]table')): a new view's
// first epoch reads the rows of the table a sink lands the view's topic in, instead of the topic's records,
// then continues from the topic offsets that snapshot's summary says the sink committed. The records before
// those offsets are the table's rows and those from them on are not, so nothing is missed or read twice at
// the switch, even when retention has deleted the topic's older records.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lake/topic_sink.h"

namespace basin {
class Catalog;
struct LogicalOperator;
struct TableEntry;
namespace iceberg {
class IcebergTable;
}
}  // namespace basin

namespace basin::stream {

class QueryEngine;

/// Where a back-fill epoch reads: a snapshot of the sink's table, the topic offsets the sink committed with
/// it, and its rows (for the epoch's count of records).
struct BackfillPoint {
  int64_t snapshot_id = 0;
  SinkOffsets offsets;
  int64_t rows = 0;
};

/// The sink's table of a view's topic, read as the topic. Immutable after construction; used by the view's
/// job on its thread.
class BackfillSource {
 public:
  /// Check that `table_name` ('[schema.]table') can stand for `topic`'s history in the view `view`: an
  /// Iceberg table that exactly one sink lands `topic` in, with a column of each name the view's `plans`
  /// read from the topic once `engine` optimized them (by name; cast to the topic's type when they differ).
  /// `_partition` and `_offset` may be missing (they read NULL). Throws 42P01 (no such table), 42809 (not a
  /// sink's table of the topic), 0A000 (two sinks of the topic into it), 42703 (a column the view reads is
  /// missing).
  BackfillSource(Catalog& catalog, const std::string& view, const std::string& table_name,
                 std::shared_ptr<TableEntry> topic, QueryEngine& engine,
                 const std::vector<const LogicalOperator*>& plans);
  ~BackfillSource();

  /// The table's current snapshot and the offsets it holds the records before. Throws 55000 when the sink
  /// has not committed to the table yet.
  BackfillPoint Current() const;
  /// The topic as a table whose rows are those of snapshot `snapshot_id` (the columns the table lacks read
  /// NULL). Throws 42704 when the snapshot is gone (expired).
  std::shared_ptr<TableEntry> Input(int64_t snapshot_id) const;

 private:
  std::string view_;
  std::string table_name_;  // qualified
  std::string what_;        // "materialized view v: backfill table "t"", for errors
  std::string sink_;        // qualified
  std::shared_ptr<iceberg::IcebergTable> table_;
  std::shared_ptr<TableEntry> topic_;
  std::vector<int> columns_;  // per topic column, the table's column of its name, or -1
};

}  // namespace basin::stream
