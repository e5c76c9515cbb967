#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "vector/vector.h"

namespace basin::json {

/// Append `s` to `out` as a JSON string: quoted, with `"`, `\` and control characters escaped.
void AppendJsonString(std::string& out, std::string_view s);
/// Append row `row` of `v` to `out` as a JSON value, with JsonWriter's conventions.
void AppendJsonValue(std::string& out, const Vector& v, size_t row);

/// Encodes rows as JSON objects, keys the given names, values with JsonWriter's conventions: the rows of
/// JSON files, and the values of records written to topics.
class JsonObjectEncoder {
 public:
  explicit JsonObjectEncoder(const std::vector<std::string>& names);
  /// Append row `row` of columns [first_column, first_column + names) of `chunk` to `out` as one object.
  void Append(std::string& out, const DataChunk& chunk, size_t row, size_t first_column = 0) const;

 private:
  std::vector<std::string> keys_;  // `"name":`, escaped once
};

/// Writes rows as newline-delimited JSON, one object per row, with DuckDB's conventions: numbers and
/// booleans as JSON literals, NULL as null, lists as arrays, everything else (dates, timestamps, intervals,
/// blobs) as strings in its text form. Non-finite doubles are written as the strings "NaN", "Infinity",
/// "-Infinity", which read back into DOUBLE. Buffers about 1 MiB; one thread at a time; call Close() to
/// learn of write errors.
class JsonWriter {
 public:
  /// Create or truncate the file at `path`; `names` are the keys. With `array`, write one JSON array of the
  /// objects instead (DuckDB's ARRAY option). Throws IOError.
  JsonWriter(const std::string& path, const std::vector<std::string>& names, bool array = false);
  /// Write to `output`, which must outlive the writer; `name` stands for it in error messages.
  JsonWriter(std::ostream& output, const std::vector<std::string>& names, std::string name,
             bool array = false);
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void WriteChunk(const DataChunk& chunk);
  /// Flush and close. Throws IOError when a write fails.
  void Close();

 private:
  void Flush();

  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_;
  std::string name_;
  JsonObjectEncoder encoder_;
  std::string buffer_;
  bool array_;
  int64_t rows_ = 0;
  bool closed_ = false;
};

}  // namespace basin::json
