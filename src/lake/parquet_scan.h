#pragma once

// A scan over a list of Parquet data files: read_parquet's storage, and the data-file reader of Iceberg
// tables.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/parquet/parquet_reader.h"
#include "lake/table_storage.h"

namespace basin {

/// A column of the scan's schema.
struct ParquetScanColumn {
  std::string name;
  LogicalType type;
  /// When set, a file's column is found by its Parquet field_id (Iceberg), else by name.
  std::optional<int32_t> field_id;
};

/// One data file, with the scan columns it holds as constants instead of data: hive partition folders,
/// Iceberg identity partitions, the file name. A scan column neither constant nor in the file reads NULL.
struct ParquetDataFile {
  std::string path;
  std::vector<std::pair<size_t, Value>> constants;  // scan column index, value of the column's type
};

/// Casts `count` values of `source` into `result`, a vector of another type. The engine supplies it (casts
/// live above the lake layer); used when a file's column is narrower than the scan's.
using VectorCast = std::function<void(const Vector& source, Vector& result, size_t count)>;

/// Settings and snapshot of one scan: the morsels, (file, row group) pairs that survived skipping by
/// partition constants and by column-chunk statistics. Shared by the threads of the scan.
class ParquetScanState : public TableScanState {
 public:
  struct File {
    const ParquetDataFile* data = nullptr;
    std::shared_ptr<const parquet::ParquetReader> reader;
    /// Per scan column: its column in the file, kConstant or kMissing.
    std::vector<int64_t> file_column;
  };
  static constexpr int64_t kConstant = -1;
  static constexpr int64_t kMissing = -2;
  struct Morsel {
    size_t file = 0;
    size_t row_group = 0;
  };

  std::vector<size_t> column_ids;
  std::vector<TableFilter> filters;
  std::vector<File> files;
  std::vector<Morsel> morsels;
  /// Rows decoded, and rows passed over by the page index, so far (for tests and EXPLAIN ANALYZE).
  std::atomic<int64_t> rows_read{0};
  std::atomic<int64_t> rows_skipped{0};
};

/// Read-only storage over Parquet files. Immutable after construction; scans run on any threads.
class ParquetFilesTable : public TableStorage {
 public:
  /// `estimated_rows` feeds the optimizer (files are not opened to count them).
  ParquetFilesTable(std::vector<ParquetDataFile> files, std::vector<ParquetScanColumn> columns,
                    VectorCast cast, int64_t estimated_rows);

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override;
  size_t MorselCount(const TableScanState& state) const override;
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override;
  std::unique_ptr<Writer> BeginWrite() override;
  int64_t RowCount() const override { return estimated_rows_; }
  int64_t SizeInBytes() const override { return 0; }

  const std::vector<ParquetScanColumn>& columns() const { return columns_; }

 private:
  /// Find each scan column in `file`: a constant, a column of the file, or missing.
  void MatchFile(ParquetScanState::File& file) const;

  std::vector<ParquetDataFile> files_;
  std::vector<ParquetScanColumn> columns_;
  VectorCast cast_;
  int64_t estimated_rows_;
};

}  // namespace basin
