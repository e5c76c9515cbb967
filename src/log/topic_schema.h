#pragma once

// What a topic declares about its records (CREATE TOPIC clicks (user_id BIGINT, ts TIMESTAMP, ...) WITH
// (key = 'user_id', timestamp = 'ts')), kept in the topic's `basin.*` configs so that it persists with the
// topic and every layer reads the same thing: SQL scans and INSERT, the validator of produced events, the
// broker and the stream processor. The log stores these keys and never interprets them.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "types/logical_type.h"

namespace basin::log {

struct TopicConfig;

/// The config keys of a topic's schema.
inline constexpr const char* kSchemaConfig = "basin.schema";  ///< the columns: [{"name", "type", "not_null"}]
inline constexpr const char* kKeyConfig = "basin.key";        ///< the column whose value is each record's key
inline constexpr const char* kTimestampConfig = "basin.timestamp";  ///< the column giving each record's time
inline constexpr const char* kFormatConfig = "basin.format";        ///< the values' format: json
inline constexpr const char* kWatermarkColumnConfig = "basin.watermark.column";  ///< WATERMARK FOR <column>
inline constexpr const char* kWatermarkConfig = "basin.watermark.expression";    ///< ... AS <SQL expression>

struct TopicColumn {
  std::string name;
  LogicalType type;
  bool not_null = false;
};

/// A topic's declared record shape. Without columns the values are opaque bytes.
struct TopicSchema {
  std::vector<TopicColumn> columns;
  std::string key_column;        ///< empty: records get no key from their values
  std::string timestamp_column;  ///< empty: records are stamped when written
  std::string format = "json";
  std::string watermark_column;
  std::string watermark_expression;  ///< as written, e.g. "ts - INTERVAL '5' SECOND"

  bool has_columns() const { return !columns.empty(); }
  /// Index of a column by name, or -1.
  int ColumnIndex(std::string_view name) const;

  /// Read the schema from a topic's configs. Throws DataError when `basin.schema` is malformed.
  static TopicSchema FromConfig(const TopicConfig& config);
  /// Every `basin.*` key that holds this schema, with its value ("" for an unset one, which callers pass
  /// on as a removal when altering a topic).
  std::map<std::string, std::string> ToConfig() const;
  /// The columns as SQL: "user_id BIGINT NOT NULL, url VARCHAR".
  std::string ColumnsSql() const;
};

/// Parse a type as LogicalType::ToString writes it ("DECIMAL(12,2)", "VARCHAR(20)", "INTEGER[]"). Throws
/// DataError.
LogicalType ParseTypeText(std::string_view text);

}  // namespace basin::log
