#pragma once

// Iceberg partition specs and transforms (table spec v2, "Partitioning" and "Partition Transforms").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lake/table_storage.h"
#include "types/logical_type.h"
#include "types/value.h"

namespace basin::iceberg {

struct Schema;

enum class Transform { kIdentity, kBucket, kTruncate, kYear, kMonth, kDay, kHour, kVoid };

/// One field of a partition spec: `transform` of the column `source_id`.
struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;  // partition field ids start at 1000
  std::string name;      // "ts_day", "id_bucket"; identity fields take the column's name
  Transform transform = Transform::kIdentity;
  int32_t param = 0;  // bucket count or truncate width
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;

  /// The spec's JSON "fields" array, as metadata files and manifest headers carry it.
  std::string FieldsJson() const;
};

/// The spec's name of a transform: "identity", "bucket[16]", "truncate[10]", "day", ...
std::string TransformName(Transform transform, int32_t param);
/// Parse a transform name (as written by TransformName); nullopt for one Basin does not know.
std::optional<Transform> ParseTransformName(std::string_view text, int32_t& param);
/// The SQL spelling of PARTITIONED BY (year, month, day, hour, bucket, truncate, identity) to a transform.
std::optional<Transform> TransformFromSql(std::string_view name);

/// The name Iceberg gives a partition field: the column's for identity, else "<column>_<transform>"
/// ("ts_day", "id_bucket", "name_trunc").
std::string PartitionFieldName(Transform transform, const std::string& column);

/// The type of a transform's result for a source column type; nullopt when the spec does not define the
/// transform for that type. year/month/hour and bucket give INTEGER, day gives DATE.
std::optional<LogicalType> TransformResultType(Transform transform, const LogicalType& source);
/// The partition value of `value` (NULL stays NULL); `value` must have the type the spec was checked for.
Value ApplyTransform(Transform transform, int32_t param, const Value& value);

/// MurmurHash3 x86 32-bit with seed 0, as the bucket transform uses it.
int32_t Murmur3Hash32(std::string_view bytes);
/// The bucket transform's hash of a value: Murmur3 of the value's hash-input bytes (spec Appendix B:
/// ints and longs as 8-byte little-endian longs, decimals as minimal big-endian unscaled bytes, ...).
int32_t BucketHash(const Value& value);

/// Whether a file whose rows all have partition value `partition` for `field` may hold rows passing
/// `filter` (a filter on the field's source column, of type `source`); true when unsure.
bool PartitionMayMatch(const PartitionField& field, const LogicalType& source, const Value& partition,
                       const TableFilter& filter);

/// The result type of each field of `spec` over `schema` (the schema must hold the source columns).
std::vector<LogicalType> PartitionTypes(const PartitionSpec& spec, const Schema& schema);
/// The Avro type (as JSON text) of a partition value of `type`, optional, for data_file.partition.
std::string PartitionAvroType(const LogicalType& type);
/// A partition value in Iceberg's single-value serialization (spec Appendix D), for manifest summaries.
std::string PartitionBound(const Value& value);
/// Order of two non-NULL partition values of one type.
bool PartitionLess(const Value& a, const Value& b);
/// A string equal for equal partition tuples and different otherwise (a map key).
std::string PartitionKey(int32_t spec_id, const std::vector<Value>& values);
/// "ts_day=2024-03-01, id_bucket=3", for the partitions metadata table.
std::string PartitionToString(const PartitionSpec& spec, const std::vector<Value>& values);

}  // namespace basin::iceberg
