#pragma once

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "formats/csv/csv_options.h"
#include "vector/vector.h"

namespace basin::csv {

/// Writes VARCHAR chunks as CSV or PostgreSQL text format, as COPY TO does. Buffers about 1 MiB before
/// each write; one thread at a time. Call Close() to learn of write errors: the destructor flushes and
/// closes too, but silently.
class CsvWriter {
 public:
  /// Create or truncate the file at `path`. Throws IOError.
  CsvWriter(const std::string& path, CsvOptions options);
  /// Write to `output`, which must outlive the writer; `name` stands for it in error messages.
  CsvWriter(std::ostream& output, CsvOptions options, std::string name);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Write the column names as one record, quoted or escaped like data.
  void WriteHeader(const std::vector<std::string>& names);
  /// Write every row of `chunk`, whose columns are VARCHAR (the engine casts values to text first).
  /// NULL is written as the null string; a value that would read back differently is quoted (CSV) or
  /// escaped (text), following PostgreSQL's CopyAttributeOutCSV / CopyAttributeOutText.
  void WriteChunk(const DataChunk& chunk);
  /// Flush and close. Throws IOError when a write fails.
  void Close();

  int64_t rows_written() const { return rows_written_; }

 private:
  void WriteField(std::string_view value, bool single_column);
  void WriteCsvField(std::string_view value);
  void WriteTextField(std::string_view value);
  void Init();
  void FlushBuffer();
  void WriteBytes(const char* data, size_t size);

  CsvOptions options_;
  std::string name_;
  int fd_ = -1;                     // the file, or
  std::ostream* stream_ = nullptr;  // the caller's stream
  bool closed_ = false;
  std::string buffer_;
  int64_t rows_written_ = 0;
  /// Bytes that force quoting (CSV) or need a backslash (text).
  std::array<bool, 256> special_{};
};

}  // namespace basin::csv
