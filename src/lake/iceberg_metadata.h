#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lake/iceberg_partition.h"
#include "types/logical_type.h"

namespace basin::iceberg {

/// The element of a list type: Iceberg gives it a field id of its own, which data files carry.
struct ListElement {
  int32_t id = 0;
  bool required = false;  // "element-required": no element is NULL
};

/// A column of an Iceberg schema. Columns are known by id, so renames and drops never touch data files.
struct Field {
  int32_t id = 0;
  std::string name;
  bool required = false;
  LogicalType type;
  std::string doc;  // COMMENT ON COLUMN
  /// A LIST column's element at each level of nesting, outermost first (empty for other types).
  std::vector<ListElement> elements;
};

/// Give a new column of a LIST type its elements, with ids after `last_id`, which is moved past them (as
/// Iceberg assigns ids: the columns first, then their nested fields).
void AssignElementIds(Field& field, int32_t& last_id);

struct Schema {
  int32_t schema_id = 0;
  std::vector<Field> fields;
  /// The declared primary key ("identifier-field-ids"): required columns that identify a row. Iceberg
  /// records them for engines that upsert; neither Iceberg nor Basin enforces uniqueness.
  std::vector<int32_t> identifier_field_ids;

  /// A column by id, or nullptr.
  const Field* FindField(int32_t id) const;

  /// The schema as Iceberg's JSON (a "struct" type), as metadata files and Parquet footers carry it.
  std::string ToJson() const;
};

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  int32_t schema_id = 0;
  /// "operation" (append, overwrite, delete, replace) and counts, as Iceberg's snapshot summary.
  std::map<std::string, std::string> summary;
};

/// A statistics file (Puffin) of a snapshot: Basin keeps each column's distinct-value sketch there.
struct StatisticsFile {
  int64_t snapshot_id = 0;
  std::string path;
  int64_t file_size = 0;
  int64_t footer_size = 0;
  std::string blob_metadata_json = "[]";  // the blobs' descriptions, kept as written
};

/// One metadata file: the whole state of a table at one version (Iceberg table spec, format version 2).
struct TableMetadata {
  std::string table_uuid;
  std::string location;  // the table folder, an absolute path
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<Schema> schemas;
  int32_t current_schema_id = 0;
  /// Partition specs; data files name theirs by id. Basin writes with the default one.
  std::vector<PartitionSpec> specs = {PartitionSpec{}};
  int32_t default_spec_id = 0;
  int32_t last_partition_id = 999;  // partition field ids start at 1000
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  /// (timestamp_ms, snapshot_id) each time the current snapshot changed.
  std::vector<std::pair<int64_t, int64_t>> snapshot_log;
  /// (timestamp_ms, metadata file) of earlier versions.
  std::vector<std::pair<int64_t, std::string>> metadata_log;
  std::vector<StatisticsFile> statistics;

  const Schema& CurrentSchema() const;
  const PartitionSpec& DefaultSpec() const;
  /// A spec by id; throws DataError when the metadata has none of that id.
  const PartitionSpec& FindSpec(int32_t spec_id) const;
  const Snapshot* CurrentSnapshot() const;
  const Snapshot* FindSnapshot(int64_t id) const;
  /// The statistics file of a snapshot, or nullptr.
  const StatisticsFile* FindStatistics(int64_t snapshot_id) const;
  std::string ToJson() const;
};

/// Parse a metadata file (format version 1 or 2). Throws DataError naming `what` when it is malformed or
/// uses a type Basin cannot read.
TableMetadata ParseTableMetadata(const std::string& json, const std::string& what);

/// Iceberg's name for a primitive Basin type ("long", "decimal(15, 2)"); throws NotImplementedError for
/// types Iceberg cannot hold (lists: see TypeJson).
std::string IcebergTypeName(const LogicalType& type);
/// Throw NotImplementedError naming `column` unless Iceberg's schema can hold a column of `type` (primitives
/// IcebergTypeName names, and lists of them).
void CheckIcebergType(const std::string& column, const LogicalType& type);

/// A random UUID (version 4), as Iceberg names tables and files.
std::string NewUuid();
/// Current time in milliseconds since the epoch.
int64_t NowMillis();

}  // namespace basin::iceberg
