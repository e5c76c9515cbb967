#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/value.h"

namespace basin {

class DataChunk;

/// Where a statement's rows go when they are streamed rather than collected (Connection::Query with a
/// stream): `begin` gets the columns first, then `rows` each chunk in order, one at a time (on the
/// executor's threads, never two at once); `rows` returning false stops the statement without error.
struct RowStream {
  std::function<void(const std::vector<std::string>& names, const std::vector<LogicalType>& types)> begin;
  std::function<bool(const DataChunk& chunk)> rows;
  /// COPY ... FROM STDIN / TO STDOUT, whose data the client carries (unset: this client cannot). The
  /// engine calls `copy_begin` with the number of columns before the data; COPY FROM then reads the input
  /// with `copy_read` (up to `size` bytes into `dst`, 0 at the end; throws when the client abandons the
  /// copy), COPY TO hands its output to `copy_write` piece by piece. Called on the statement's thread.
  std::function<void(size_t columns, bool from)> copy_begin;
  std::function<size_t(char* dst, size_t size)> copy_read;
  std::function<void(std::string_view bytes)> copy_write;
};

/// What a statement ended with, as a client sees it.
struct ErrorInfo {
  std::string sqlstate;
  std::string message;
  int64_t position = -1;  // byte offset into the statement's text, -1 when none
};

/// The outcome of one statement: an error, rows (a query), or a count of rows affected (everything else).
/// Rows are fully materialised column-wise in chunks; GetValue is for clients, not for hot loops.
class QueryResult {
 public:
  enum class Kind { kError, kRows, kCount };

  static std::unique_ptr<QueryResult> Error(ErrorInfo error);
  static std::unique_ptr<QueryResult> Count(int64_t rows_affected);
  static std::unique_ptr<QueryResult> Rows(std::vector<std::string> names, std::vector<LogicalType> types);
  ~QueryResult();

  Kind kind() const { return kind_; }
  bool HasError() const { return kind_ == Kind::kError; }
  const ErrorInfo& error() const { return *error_; }
  int64_t rows_affected() const { return rows_affected_; }

  const std::vector<std::string>& names() const { return names_; }
  const std::vector<LogicalType>& types() const { return types_; }
  size_t ColumnCount() const { return names_.size(); }
  size_t RowCount() const { return row_count_; }
  Value GetValue(size_t column, size_t row) const;
  const std::vector<std::unique_ptr<DataChunk>>& chunks() const { return chunks_; }
  void Append(std::unique_ptr<DataChunk> chunk);

  /// The statement's command tag as PostgreSQL names it ("SELECT", "INSERT", "CREATE TABLE", "BEGIN"), set
  /// whenever the statement parsed (errors included); the protocol edge adds the counts ("INSERT 0 3").
  const std::string& tag() const { return tag_; }
  void set_tag(std::string tag) { tag_ = std::move(tag); }

  /// Wall time the statement took, in milliseconds.
  /// Rows handed to a RowStream instead of kept (RowCount() counts them, GetValue has none).
  bool streamed() const { return streamed_; }
  void MarkStreamed(size_t rows);

  double elapsed_ms() const { return elapsed_ms_; }
  void set_elapsed_ms(double ms) { elapsed_ms_ = ms; }

 private:
  Kind kind_ = Kind::kCount;
  std::optional<ErrorInfo> error_;
  int64_t rows_affected_ = 0;
  std::vector<std::string> names_;
  std::vector<LogicalType> types_;
  std::vector<std::unique_ptr<DataChunk>> chunks_;
  std::vector<size_t> chunk_starts_;
  size_t row_count_ = 0;
  bool streamed_ = false;
  double elapsed_ms_ = 0;
  std::string tag_;
};

}  // namespace basin
