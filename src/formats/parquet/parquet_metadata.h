#pragma once

// The Parquet metadata structures Basin reads and writes, as parquet-format's parquet.thrift defines them
// (field ids there), serialised with the Thrift compact protocol. Unknown fields are skipped on read.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/parquet/thrift_compact.h"

namespace basin::parquet {

/// Physical types.
enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

/// parquet.thrift's LogicalType union (named as Arrow names it, apart from Basin's LogicalType): which member
/// is set, with the parameters of the members Basin uses. Members Basin does not interpret read as kOther.
struct LogicalTypeAnnotation {
  enum class Kind : uint8_t { kNone, kString, kList, kDecimal, kDate, kTime, kTimestamp, kInteger, kOther };
  Kind kind = Kind::kNone;
  int32_t scale = 0;                  // DECIMAL
  int32_t precision = 0;              // DECIMAL
  bool is_adjusted_to_utc = false;    // TIME, TIMESTAMP
  TimeUnit unit = TimeUnit::kMicros;  // TIME, TIMESTAMP
  int8_t bit_width = 0;               // INTEGER
  bool is_signed = true;              // INTEGER
};

struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  LogicalTypeAnnotation logical_type;
};

struct Statistics {
  std::optional<std::string> max;  // deprecated signed-order max
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct ColumnMetaData {
  Type type = Type::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  // Where the chunk's page index lies in the file (parquet-format PageIndex.md).
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  /// Whether column_orders (all TYPE_ORDER) is written: min_value/max_value then follow the logical order.
  bool type_defined_column_orders = false;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
  std::optional<Statistics> statistics;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

enum class BoundaryOrder : int32_t { kUnordered = 0, kAscending = 1, kDescending = 2 };

/// Page index: per data page of a column chunk, its bounds (PLAIN-encoded as Statistics.min_value) and
/// NULL count. A page of NULLs only has null_pages set and empty bounds.
struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::vector<int64_t> null_counts;  // optional in the format: empty when absent
};

/// Page index: where a data page lies. compressed_page_size includes the page header.
struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;
  int64_t first_row_index = 0;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
};

void Write(CompactWriter& w, const FileMetaData& v);
void Write(CompactWriter& w, const PageHeader& v);
/// Read a struct; throws DataError naming the file when it is corrupt or lacks a required field.
void Read(CompactReader& r, FileMetaData& v);
void Read(CompactReader& r, PageHeader& v);
void Write(CompactWriter& w, const ColumnIndex& v);
void Write(CompactWriter& w, const OffsetIndex& v);
/// Read a page index struct; throws DataError when a required field is missing or the lists disagree.
void Read(CompactReader& r, ColumnIndex& v);
void Read(CompactReader& r, OffsetIndex& v);

}  // namespace basin::parquet
