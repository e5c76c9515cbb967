#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "vector/vector.h"

namespace basin::json {

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
  void WriteValue(const Vector& v, size_t row);
  void WriteString(std::string_view s);
  void Flush();
  void SetKeys(const std::vector<std::string>& names);

  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_;
  std::string name_;
  std::vector<std::string> keys_;  // `"name":`, escaped once
  std::string buffer_;
  bool array_;
  int64_t rows_ = 0;
  bool closed_ = false;
};

}  // namespace basin::json
