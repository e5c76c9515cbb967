#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/rejected_row.h"
#include "vector/vector.h"

namespace basin::json {

/// How records are laid out: one object per line (NDJSON), or one top-level array of objects.
enum class JsonFormat : uint8_t { kAuto, kNewlineDelimited, kArray };

/// Parse 'auto', 'newline_delimited' (also 'nd', 'ndjson', 'jsonl') or 'array'. Throws 22023 otherwise.
JsonFormat ParseJsonFormat(std::string_view text);

struct JsonReadOptions {
  JsonFormat format = JsonFormat::kAuto;
  /// Records sampled to infer the columns (DuckDB's default).
  size_t sample_size = 20480;
  /// Skip bad records and collect them in rejects() instead of throwing.
  bool ignore_errors = false;
};

struct JsonColumn {
  std::string name;
  LogicalType type;
};

/// Reads JSON records into chunks. Holds the whole input (with simdjson's padding) so that record texts
/// stay addressable; one thread at a time. Top-level values must be objects; keys become columns, keys a
/// column list does not name are ignored and missing keys are NULL. Errors are 22P04 for malformed JSON
/// and 22P02 for values that do not fit their column, each ending in `(file "x", line N[, column "c"])`,
/// N the line where the record starts.
class JsonReader {
 public:
  /// Read the file at `path`. Throws IOError when it cannot be read.
  JsonReader(const std::string& path, JsonReadOptions options);
  /// Read `data`; `name` stands for the file in error messages.
  JsonReader(std::string_view data, std::string name, JsonReadOptions options);
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  /// Widen `columns` with the first `limit` records of the input: keys not seen yet are appended, types
  /// widened (BIGINT to DOUBLE, DATE to TIMESTAMP, anything mixed to VARCHAR; objects and arrays are
  /// VARCHAR holding their JSON text). A column with only nulls so far has type kNull. Returns the number of
  /// records read. Does not move the ReadChunk position. Malformed records throw unless ignore_errors.
  size_t Sample(std::vector<JsonColumn>& columns, size_t limit);

  /// The columns ReadChunk fills, by key. Each type must satisfy IsNativeType; read others as VARCHAR and
  /// cast.
  void SetColumns(const std::vector<JsonColumn>& columns);
  /// Whether ReadChunk converts to `type` itself: BOOLEAN, BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP[TZ].
  static bool IsNativeType(const LogicalType& type);

  /// Fill `out` (columns as SetColumns) with up to its capacity of records. Return false, `out` empty, at
  /// the end. A bad record ends the chunk early and throws at the next call, after the rows before it.
  [[nodiscard]] bool ReadChunk(DataChunk& out);
  /// The line where row `row` of the last chunk starts, and its text as written.
  int64_t RowLine(size_t row) const;
  std::string_view RowText(size_t row) const;
  const std::string& name() const;

  /// Records skipped with ignore_errors, in input order.
  std::vector<RejectedRow>& rejects();

 private:
  void ReadRecords(DataChunk& out, size_t capacity, size_t& row);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::json
