#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "types/value.h"
#include "vector/vector.h"

namespace basin {

/// A conjunct the engine pushes into a scan: `column op constant`. Storage may use it to skip data
/// (zone maps, Parquet statistics); the engine still applies every filter itself, so skipping is optional.
struct TableFilter {
  enum class Op { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual, kIsNull, kIsNotNull };
  size_t column = 0;  // index into the table's columns
  Op op = Op::kEqual;
  Value constant;
};

/// Pseudo column id that asks a scan for each row's id (for DELETE and UPDATE).
inline constexpr size_t kRowIdColumn = SIZE_MAX;

/// A scan's snapshot and settings; created by TableStorage::InitScan, shared by the threads of the scan.
class TableScanState {
 public:
  virtual ~TableScanState() = default;
};

/// Reads one morsel a chunk at a time (a Parquet row group is many chunks); used by one thread.
class MorselReader {
 public:
  virtual ~MorselReader() = default;
  /// Fill `out` (columns as the scan asked) with the morsel's next rows, at most kVectorSize, possibly none
  /// (when filters or deletes removed them all); false when the morsel has no more chunks.
  [[nodiscard]] virtual bool Next(DataChunk& out) = 0;
};

/// Where a table's rows live. The in-memory table implements it now; Iceberg tables implement it in the lake
/// issue. Reads see the table as of InitScan (a snapshot); writes become visible at Commit, all at once.
class TableStorage {
 public:
  virtual ~TableStorage() = default;

  /// Start a scan of `column_ids` (kRowIdColumn gives row ids as BIGINT) over the current snapshot.
  virtual std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                                   const std::vector<TableFilter>& filters) = 0;
  /// Number of morsels in the scan's snapshot: independent units that threads may claim.
  virtual size_t MorselCount(const TableScanState& state) const = 0;
  /// Open morsel `morsel` of the scan. Threads open different morsels of one scan concurrently.
  virtual std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) = 0;

  /// Statement-level write set: rows appended, deleted and updated, published atomically by Commit.
  class Writer {
   public:
    virtual ~Writer() = default;
    virtual void Append(const DataChunk& chunk) = 0;
    virtual void Delete(const std::vector<int64_t>& row_ids) = 0;
    /// Set `column_ids` of rows `row_ids` to the rows of `values` (one row per row id).
    virtual void Update(const std::vector<int64_t>& row_ids, const std::vector<size_t>& column_ids,
                        const DataChunk& values) = 0;
    virtual void Commit() = 0;
  };
  virtual std::unique_ptr<Writer> BeginWrite() = 0;

  /// Rows currently visible (estimate used by the optimizer; exact for the in-memory table).
  virtual int64_t RowCount() const = 0;
  /// Estimated number of distinct values of a column (for the optimizer); negative when unknown.
  virtual double DistinctCount(size_t column) const { return -1; }
  virtual int64_t SizeInBytes() const = 0;
};

}  // namespace basin
