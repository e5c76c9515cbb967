#pragma once

// What the catalog browser and `GET /api/v1/catalog`, `/tables/...`, `/topics/...` show: every schema with
// its tables and views, the topics and the sinks, and for one table or topic its columns, statistics,
// history and a sample of its rows. Read from the catalog and the log, and through SQL where SQL already
// says it (SHOW SINKS, "t$snapshots", the samples), so the answers match what a SQL user sees.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "main/query_result.h"

namespace basin {

class Database;

struct ColumnInfo {
  std::string name;
  std::string type;  ///< as SQL spells it: "BIGINT", "DECIMAL(10,2)"
  bool nullable = true;
  std::string comment;
};

/// A table or a view.
struct RelationInfo {
  std::string schema;
  std::string name;
  bool view = false;
  std::string comment;
  /// A table's columns; a view's are known once its query is bound (DescribeTable).
  std::vector<ColumnInfo> columns;
};

struct SchemaInfo {
  std::string name;
  std::vector<RelationInfo> tables;
  std::vector<RelationInfo> views;
};

struct TopicSummary {
  std::string name;
  int32_t partitions = 0;
  int64_t messages = 0;  ///< offsets between each partition's log start and high watermark
  int64_t size_bytes = 0;
  /// The columns the topic reads as in SQL: the pseudo columns (_partition, _offset, ...), then its
  /// schema's columns or `value`.
  std::vector<ColumnInfo> columns;
};

/// Every object, sorted by name.
struct CatalogOverview {
  std::vector<SchemaInfo> schemas;
  std::vector<TopicSummary> topics;
  std::unique_ptr<QueryResult> sinks;  ///< SHOW SINKS
};

struct TableDetails {
  RelationInfo relation;
  std::optional<int64_t> row_count;   ///< tables only
  std::optional<int64_t> size_bytes;  ///< tables only
  /// "t$snapshots", newest first (Iceberg tables; null for views and in-memory tables).
  std::unique_ptr<QueryResult> snapshots;
  /// The first rows (or the error reading them).
  std::unique_ptr<QueryResult> sample;
};

struct PartitionInfo {
  int32_t partition = 0;
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t size_bytes = 0;
};

struct TopicDetails {
  TopicSummary summary;
  std::vector<PartitionInfo> partitions;
  std::map<std::string, std::string> configs;  ///< the configs set on the topic (Kafka's names)
  std::string schema_sql;                      ///< the schema's columns as SQL, "" without a schema
  std::string key_column;
  std::string timestamp_column;
  /// The last records of every partition, newest first (or the error reading them).
  std::unique_ptr<QueryResult> sample;
};

/// The schemas with their tables and views, the topics and the sinks of `database`.
CatalogOverview DescribeCatalog(Database& database);

/// Every topic (internal ones left out), by name.
std::vector<TopicSummary> ListTopics(Database& database);

/// Table or view `schema.name` with up to `sample_rows` of its rows. Throws CatalogError (42P01) when there
/// is none.
TableDetails DescribeTable(Database& database, const std::string& schema, const std::string& name,
                           size_t sample_rows);

/// Topic `name` with its last `sample_records` records. Throws CatalogError (42P01) when there is none.
TopicDetails DescribeTopic(Database& database, const std::string& name, size_t sample_records);

/// `name` as a SQL identifier in double quotes (`a"b` → `"a""b"`).
std::string QuoteIdentifier(const std::string& name);

}  // namespace basin
