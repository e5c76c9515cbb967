#pragma once

// A topic of the embedded log read and written as a table: `SELECT ... FROM clicks` scans the partitions as
// of the scan's start, `INSERT INTO clicks ...` appends one record per row.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lake/table_storage.h"
#include "log/topic_schema.h"

namespace basin::log {
class LogManager;
class Partition;
}  // namespace basin::log

namespace basin {

/// The columns every topic reads as, before its schema's columns (or `value`), in this order.
enum TopicPseudoColumn : size_t {
  kTopicPartitionColumn,  ///< _partition INTEGER
  kTopicOffsetColumn,     ///< _offset BIGINT
  kTopicTimestampColumn,  ///< _timestamp TIMESTAMPTZ (records carry milliseconds; none: NULL)
  kTopicKeyColumn,        ///< _key VARCHAR
  kTopicHeadersColumn,    ///< _headers VARCHAR: a JSON object of the headers, NULL without any
  kTopicPseudoColumns,    ///< how many there are
};

/// The settings and snapshot of one topic scan: each partition's offset range (from its log start, or the
/// seek a filter allows, to its high watermark at InitScan), cut into morsels. Shared by the scan's threads.
class TopicScanState : public TableScanState {
 public:
  struct Morsel {
    std::shared_ptr<log::Partition> partition;
    int32_t partition_id = 0;
    int64_t begin = 0;  ///< the first offset to read
    int64_t end = 0;    ///< the offset after the last
  };
  std::vector<size_t> column_ids;
  std::vector<Morsel> morsels;
  /// A pushed `_timestamp >=` filter, in milliseconds (INT64_MIN: none): batches entirely older are skipped.
  int64_t min_timestamp_ms = INT64_MIN;
  /// Records decoded so far (tests check that filters seek instead of scanning).
  std::atomic<int64_t> records_read{0};
};

/// Storage over one topic. Immutable; scans run on any threads, a writer on one. The log manager must
/// outlive it.
class TopicTable : public TableStorage {
 public:
  /// A column the topic reads as.
  struct Column {
    std::string name;
    LogicalType type;
    bool not_null = false;
    std::string comment;
  };

  TopicTable(log::LogManager& log, std::string topic, log::TopicSchema schema);

  /// The pseudo columns, then the schema's columns, or `value VARCHAR` (each record's value as it is) for a
  /// topic without a schema.
  const std::vector<Column>& columns() const { return columns_; }
  const std::string& topic() const { return topic_; }
  const log::TopicSchema& schema() const { return schema_; }

  /// Filters on _partition, _offset (ranges) and _timestamp (a lower bound, found with the time index) narrow
  /// the offsets read; the engine applies every filter to the rows anyway.
  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override;
  /// A scan of given offsets: partition p from max(begin[p], its log start) to end[p] (partitions not in
  /// `end` are not read; missing from `begin`: from the log start).
  std::unique_ptr<TopicScanState> InitRangeScan(const std::vector<size_t>& column_ids,
                                                const std::map<int32_t, int64_t>& begin,
                                                const std::map<int32_t, int64_t>& end);
  size_t MorselCount(const TableScanState& state) const override;
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override;
  /// One record per row, appended at Commit (and every 64 MB before it, so a failed statement may leave
  /// records it wrote). Value: the row's schema columns as a JSON object (the `value` column's text without a
  /// schema; NULL is a tombstone); key: `_key`, else the key column's text; timestamp: `_timestamp`, else the
  /// timestamp column, else the statement's start; partition: `_partition`, else Kafka's murmur2 of the key,
  /// else round robin. UPDATE and DELETE are refused.
  std::unique_ptr<Writer> BeginWrite() override;
  /// Offsets between each partition's log start and high watermark (gaps left by compaction included).
  int64_t RowCount() const override;
  int64_t SizeInBytes() const override;

 private:
  log::LogManager& log_;
  std::string topic_;
  log::TopicSchema schema_;
  std::vector<Column> columns_;
};

}  // namespace basin
