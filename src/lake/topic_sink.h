#pragma once

// Topics landed in tables (CREATE SINK name FROM topic INTO table): how a topic's records become a table's
// rows, where a sink keeps how far it got, and the table as queries see it.
//
// Exactly once: a sink's offsets live in the summary of the table snapshot that holds the rows read up to
// them, committed together (TableStorage::Writer::SetCommitProperty compares and sets them), so a restart
// at any moment resumes from the last commit without duplicates or gaps. Queries do not wait for commits:
// WithSinkTails adds the records a snapshot does not hold yet, read from the log.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lake/table_storage.h"
#include "log/topic_schema.h"

namespace basin::log {
class LogManager;
}
namespace basin::iceberg {
class IcebergTable;
}

namespace basin {

class TopicTable;
class TopicScanState;

/// The next offset to land, by partition.
using SinkOffsets = std::map<int32_t, int64_t>;

/// "0:120,1:98"; "" for none.
std::string EncodeSinkOffsets(const SinkOffsets& offsets);
/// The inverse of EncodeSinkOffsets; throws DataError quoting `text` when it is malformed.
SinkOffsets DecodeSinkOffsets(std::string_view text);
/// The snapshot summary key of a sink's offsets: "basin.sink.<schema>.<name>.offsets".
std::string SinkOffsetsKey(const std::string& qualified_name);
/// Each partition's high watermark now. Throws CatalogError when the topic does not exist.
SinkOffsets HighWatermarks(log::LogManager& log, const std::string& topic);
/// Records of `topic` from `from` (a partition missing there: from its log start) to the high watermarks now:
/// how far a reader of it is behind. Throws CatalogError when the topic does not exist.
int64_t RecordsAfter(log::LogManager& log, const std::string& topic, const SinkOffsets& from);

/// A topic read as rows of a table. Each table column takes, by name: a pseudo column (`_partition`
/// INTEGER, `_offset` BIGINT, `_timestamp` TIMESTAMP[TZ], `_key` and `_headers` VARCHAR); for a topic
/// without a schema into a table whose only other column is `value VARCHAR`, the value as it is; otherwise
/// the field of its name in the record's JSON value, read as the column's type (a field missing or not
/// fitting reads NULL, as a topic's own columns do).
class SinkSource {
 public:
  /// With `strict` (CREATE SINK), throws BinderError naming the column when one cannot be filled that
  /// way: a pseudo column of another type, a column the topic's schema does not declare, or a NOT NULL
  /// column the topic does not guarantee. Otherwise (landing, queries: the table may have changed since)
  /// such a column is read from the JSON field of its name, NULL when there is none.
  SinkSource(log::LogManager& log, const std::string& topic, const std::vector<log::TopicColumn>& table_columns,
             bool strict);
  ~SinkSource();

  /// A scan of partition p's offsets [begin[p] (or the log start), end[p]), giving the table's columns in
  /// order (kRowIdColumn refused).
  std::unique_ptr<TopicScanState> Scan(const SinkOffsets& begin, const SinkOffsets& end) const;
  TopicTable& topic() const { return *topic_; }

 private:
  std::shared_ptr<TopicTable> topic_;  // read with the table's data columns as its schema
  std::vector<size_t> column_ids_;     // per table column, its column in topic_
};

/// Land sink `sink` (qualified name) of `topic` in `table`: read from the offsets the table's current
/// snapshot recorded to the high watermarks (at most `max_records` records), write them as the table's rows
/// and commit them with the new offsets, compared and set, as one snapshot. Returns the records landed (0:
/// nothing new, no commit). Throws a serialization failure (40001) when another landing of the sink
/// committed first (nothing of this one is published), and what stops it (a topic gone, a full disk).
int64_t LandSink(iceberg::IcebergTable& table, log::LogManager& log, const std::string& sink,
                 const std::string& topic, int64_t max_records);

/// A sink feeding a table, as WithSinkTails needs it.
struct SinkTail {
  std::string name;  ///< qualified: its offsets are SinkOffsetsKey(name)
  std::string topic;
};

/// `table` as a query sees it: the rows of its current snapshot, then for each sink the records of its
/// topic between the offsets that snapshot recorded and the high watermarks now, read as the sink lands
/// them. Read-only. A sink whose topic is gone adds nothing.
std::shared_ptr<TableStorage> WithSinkTails(const std::shared_ptr<iceberg::IcebergTable>& table,
                                            log::LogManager& log, const std::vector<SinkTail>& sinks);

}  // namespace basin
