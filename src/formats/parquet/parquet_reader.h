#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "types/logical_type.h"
#include "types/value.h"
#include "vector/vector.h"

namespace basin::parquet {

/// A column of a Parquet file as Basin sees it.
struct ParquetColumn {
  std::string name;
  LogicalType type;
  std::optional<int32_t> field_id;
  /// REQUIRED in the file (never NULL).
  bool required = false;
};

/// A column chunk's statistics as Basin values. A member is unset when the file lacks it or when it cannot be
/// trusted (an unknown sort order, the deprecated signed min/max of strings, NaN bounds).
struct ColumnStatistics {
  std::optional<Value> min;
  std::optional<Value> max;
  std::optional<int64_t> null_count;
  int64_t value_count = 0;  // NULLs included
};

/// Rows [begin, end) of a row group.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;
};
/// Sorted, disjoint row ranges.
using RowRanges = std::vector<RowRange>;

/// One data page of a column chunk as its page index describes it.
struct PageStatistics {
  int64_t first_row = 0;
  int64_t rows = 0;
  ColumnStatistics stats;
};

class ColumnReader;
class ParquetFile;

/// Reads the rows of one row group, a chunk at a time, for a chosen set of columns. Owns the decoded
/// pages; lives independently of the ParquetReader that made it, so row groups can be read in parallel
/// (one thread per RowGroupReader).
class RowGroupReader {
 public:
  ~RowGroupReader();
  /// Fill `out` (one column per chosen column, initialised here if empty) with the next rows, up to
  /// kVectorSize; false when the row group is exhausted. Throws DataError naming the file on corrupt data.
  [[nodiscard]] bool Next(DataChunk& out);
  /// The row (within the row group) of the first row Next returned last.
  int64_t first_row() const { return first_row_; }
  /// Data pages decoded so far, over all columns (pages skipped by the page index are not).
  int64_t pages_read() const;

 private:
  friend class ParquetReader;
  RowGroupReader(std::shared_ptr<const ParquetFile> file, RowRanges ranges,
                 std::vector<std::unique_ptr<ColumnReader>> columns, std::vector<LogicalType> types);

  std::shared_ptr<const ParquetFile> file_;
  /// The rows to return; a chunk never spans two ranges. Rows between ranges are skipped.
  RowRanges ranges_;
  size_t range_ = 0;
  int64_t row_ = 0;  // the next row of the row group to return or skip
  int64_t first_row_ = 0;
  std::vector<std::unique_ptr<ColumnReader>> columns_;
  std::vector<LogicalType> types_;
};

/// Opens a Parquet file and reads its footer: the schema mapped to Basin types, and the row groups. Flat
/// schemas only for now (a nested column is NotImplementedError). Corrupt or truncated files throw
/// DataError (or IOError when the file cannot be read) naming the file.
class ParquetReader {
 public:
  explicit ParquetReader(std::string path);
  ~ParquetReader();

  const std::vector<ParquetColumn>& columns() const { return columns_; }
  std::vector<std::string> Names() const;
  std::vector<LogicalType> Types() const;
  size_t RowGroupCount() const;
  int64_t RowGroupRows(size_t row_group) const;
  int64_t RowCount() const;
  const FileMetaData& metadata() const;
  const std::string& path() const;

  /// Statistics of column `column`'s chunk in `row_group` (none for LIST columns).
  ColumnStatistics ChunkStatistics(size_t row_group, size_t column) const;
  /// Decode one statistics bound of column `column` (plain-encoded, as in Statistics.min_value), or nullopt
  /// when it is malformed or the column's order does not allow it: `type_order` says the bound follows the
  /// column's logical sort order (min_value/max_value, page indexes) rather than the deprecated signed one.
  std::optional<Value> StatisticsBound(size_t column, const std::string& bytes, bool type_order) const;

  /// Start reading `row_group`, columns `column_ids` (indexes into columns(), in output order).
  [[nodiscard]] std::unique_ptr<RowGroupReader> ReadRowGroup(size_t row_group,
                                                             const std::vector<size_t>& column_ids) const;
  /// Read only the rows of `ranges` (any order; clamped to the row group). Whole pages outside them are
  /// skipped without being read where the column has an offset index, and rows of partly covered pages are
  /// dropped, so the columns stay row-aligned. Flat columns only (a LIST column is InternalError).
  [[nodiscard]] std::unique_ptr<RowGroupReader> ReadRowGroup(size_t row_group,
                                                             const std::vector<size_t>& column_ids,
                                                             RowRanges ranges) const;

  /// The page index of column `column`'s chunk in `row_group` (parquet-format PageIndex.md): each data
  /// page's rows and statistics. nullopt when the file has none for the chunk, or for LIST columns. Throws
  /// DataError naming the file when the index is corrupt.
  std::optional<std::vector<PageStatistics>> PageIndex(size_t row_group, size_t column) const;

 private:
  std::shared_ptr<const ParquetFile> file_;
  std::vector<ParquetColumn> columns_;
};

}  // namespace basin::parquet
