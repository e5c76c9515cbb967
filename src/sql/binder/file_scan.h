#pragma once

// Pieces shared by the file scans (read_csv, read_json: bind_file.cc) and COPY FROM (main/copy.cc): bad-row
// options, casting loaded text to column types with errors that say where, and the rejects table.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/rejected_row.h"
#include "vector/vector.h"

namespace basin {

class Catalog;

/// IGNORE_ERRORS, STORE_REJECTS and REJECTS_TABLE, DuckDB's names. Any of them makes a scan skip bad rows
/// and store them in the rejects table instead of failing.
struct RejectOptions {
  bool ignore_errors = false;
  std::string table = "reject_errors";

  /// Take option `name` (lower case) with its value as text ("" for a bare option: true); false when
  /// `name` is not one of these. Throws 22023 for a value that is not a boolean.
  bool Set(const std::string& name, const std::string& value);
};

/// Where the rows of the chunk just read come from, for error messages and rejects.
struct FileRows {
  const std::string& file;
  std::function<int64_t(size_t)> line;
  std::function<std::string(size_t)> text;
};

/// Cast the columns of `in` (rows read from a file) to `types`; columns of the right type are shared, not
/// copied. A value that does not cast throws its cast error followed by `(file "f", line N, column c)`, or,
/// with `rejects`, drops its row and records it there.
std::unique_ptr<DataChunk> CastFileChunk(const DataChunk& in, const std::vector<LogicalType>& types,
                                         const std::vector<std::string>& names, const FileRows& rows,
                                         std::vector<RejectedRow>* rejects);

/// Replace table `name` (schema public) with `rows`: file, line, column_name, error, raw_line.
void StoreRejects(Catalog& catalog, const std::string& name, std::vector<RejectedRow> rows);

}  // namespace basin
