#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "common/rejected_row.h"
#include "formats/csv/csv_options.h"
#include "vector/vector.h"

namespace basin::csv {

/// Where the reader's bytes come from: a file or, for tests, fuzzing and COPY FROM STDIN, a stream.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Read up to `size` bytes into `dst`; return how many (0 only at the end). Throws IOError.
  virtual size_t Read(char* dst, size_t size) = 0;
};

/// Reads CSV or PostgreSQL text-format records into VARCHAR chunks, as COPY FROM does. Owns its source and a
/// block buffer (1 MiB, grown for longer records); one thread at a time. Line numbers are physical lines
/// (a quoted newline starts a new one), those in errors the line where the failing record starts. After an
/// exception the reader must not be used again.
class CsvReader {
 public:
  /// Open the file at `path`. Throws IOError when it cannot be opened or is a directory.
  CsvReader(const std::string& path, CsvOptions options);
  /// Read from `input`; `name` stands for the file in error messages.
  CsvReader(std::unique_ptr<std::istream> input, CsvOptions options, std::string name);
  CsvReader(std::unique_ptr<ByteSource> source, CsvOptions options, std::string name);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Name the columns, for "missing data for column \"x\"" and HEADER MATCH (else columns are numbered).
  void SetColumnNames(std::vector<std::string> names) { column_names_ = std::move(names); }

  /// Skip records with the wrong number of fields, appending them to `rejects` (which must outlive the
  /// reader), instead of throwing; and keep each row's text for RowText.
  void SetRejects(std::vector<RejectedRow>* rejects) { rejects_ = rejects; }

  /// Fill `out` (all columns VARCHAR) with up to its capacity of records, one field per column, NULL
  /// where the field is the null string. Return false, with `out` empty, once the input is exhausted.
  /// Throws DataError (22P04) for a record with the wrong number of fields or an unterminated quote; such a
  /// record ends the chunk early and throws at the next call, after the rows before it.
  [[nodiscard]] bool ReadChunk(DataChunk& out);

  /// The 1-based line where the last record read (header included) starts; 0 before the first.
  int64_t line() const { return record_line_; }
  /// The line where row `row` of the chunk last read starts, e.g. for an error casting that row's values.
  int64_t RowLine(size_t row) const { return row_lines_[row]; }
  /// The text of row `row` as written (line end excluded); only with SetRejects.
  const std::string& RowText(size_t row) const { return row_texts_[row]; }
  const std::string& name() const { return name_; }

 private:
  /// Byte span of one raw field in buf_; `plain` when it can be copied as is (no quotes, no escapes).
  struct Field {
    size_t begin;
    size_t end;
    bool plain;
    bool quoted;
  };
  enum class ScanResult { kRecord, kNeedMore, kEnd };

  ScanResult ScanCsvRecord();
  ScanResult ScanTextRecord();
  /// Keep the unfinished record at pos_ and append the next block; false at the end of the input.
  bool Refill();
  /// Copy the fields of the scanned record into row `row` of `out`; false when it was rejected.
  bool StoreRecord(DataChunk& out, size_t row);
  /// The scanned record's bytes, before any unescaping.
  std::string RecordText() const;
  /// Rewrite a non-plain field in place (quotes or escapes removed) and return its new end.
  size_t Unescape(const Field& field);
  void CheckHeader();
  [[noreturn]] void Fail(const std::string& message) const;
  std::string ColumnName(size_t column) const;

  std::unique_ptr<ByteSource> source_;
  CsvOptions options_;
  std::string name_;
  std::vector<std::string> column_names_;

  std::unique_ptr<char[]> buf_;  // capacity_ + kPadding bytes: a '\n' sentinel follows the data
  size_t capacity_ = 0;
  size_t pos_ = 0;  // start of the next record
  size_t len_ = 0;  // bytes of data in buf_
  bool eof_ = false;
  bool done_ = false;
  bool header_pending_ = false;

  void AddField(const Field& field) {
    if (field_count_ == fields_.size()) fields_.resize(fields_.size() * 2 + 16);
    fields_[field_count_++] = field;
  }

  std::vector<Field> fields_;  // the record just scanned: the first field_count_
  size_t field_count_ = 0;
  std::vector<string_t*> column_data_;  // the output columns of the current chunk
  std::vector<StringHeap*> column_heaps_;
  size_t record_end_ = 0;  // where the next record starts
  int64_t record_newlines_ = 0;
  int64_t record_line_ = 0;
  int64_t next_line_ = 1;  // where the record being scanned starts
  std::vector<int64_t> row_lines_;
  std::vector<RejectedRow>* rejects_ = nullptr;
  std::exception_ptr pending_;          // an error held back until the rows before it are returned
  std::vector<std::string> row_texts_;  // only with rejects_
  /// Bytes that end an unquoted run (delimiter, newline, quote or backslash) and a quoted run.
  std::array<bool, 256> stop_{};
  std::array<bool, 256> quoted_stop_{};
};

}  // namespace basin::csv
