#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "lake/table_storage.h"
#include "vector/vector_hash.h"

namespace basin {

/// A table held in memory as immutable segments of up to kVectorSize rows. Writers build new segments and
/// swap them in under a lock at commit, so scans keep reading the snapshot they started with.
class MemoryTable : public TableStorage {
 public:
  explicit MemoryTable(std::vector<LogicalType> types) : types_(std::move(types)) {}

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override;
  size_t MorselCount(const TableScanState& state) const override;
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override;
  /// Read segment `morsel` of the scan into `out`; false when it holds no rows (all deleted or skipped).
  bool ScanSegment(TableScanState& state, size_t morsel, DataChunk& out) const;
  std::unique_ptr<Writer> BeginWrite() override;
  int64_t RowCount() const override;
  double DistinctCount(size_t column) const override;
  int64_t SizeInBytes() const override;
  bool AlterSchema(const SchemaChange& change) override;

  /// Smallest and largest value of a column in a segment, for skipping segments a filter rules out.
  /// Kept for integer-like layouts (integers, dates, timestamps, DECIMAL(p<=18)) and floats.
  struct ZoneMap {
    bool valid = false;
    bool is_float = false;
    int64_t min = 0, max = 0;
    double fmin = 0, fmax = 0;
  };

  /// A string column of few distinct values, stored as one-byte codes into a small dictionary
  /// (code kNullCode is NULL): 1 byte a row instead of 16 plus the string bytes.
  struct DictColumn {
    static constexpr uint8_t kNullCode = 255;
    std::vector<uint8_t> codes;
    Vector dictionary{TypeId::kVarchar, 1};
  };

  struct Segment {
    /// The rows; a dictionary-encoded column holds an empty placeholder here.
    std::shared_ptr<const DataChunk> data;
    std::shared_ptr<const std::vector<std::shared_ptr<const DictColumn>>> dicts;  // per column; null: none
    std::shared_ptr<const std::vector<uint8_t>> deleted;                          // null: nothing deleted
    size_t deleted_count = 0;
    std::shared_ptr<const std::vector<ZoneMap>> zones;  // per column
  };

  /// Compute a segment's zone maps (on commit, for segments that changed).
  static std::shared_ptr<const std::vector<ZoneMap>> ComputeZones(const DataChunk& data);
  /// Build a stored segment from rows: zone maps, and dictionary encoding of string columns that allow it.
  static Segment MakeSegment(std::shared_ptr<DataChunk> rows);
  /// The segment's rows as a plain, writable chunk (dictionary columns decoded).
  static std::shared_ptr<DataChunk> Materialize(const Segment& segment,
                                                const std::vector<LogicalType>& types);

 private:
  friend class MemoryTableWriter;

  std::vector<LogicalType> types_;
  mutable std::mutex mutex_;
  std::vector<Segment> segments_;
  std::vector<DistinctSketch> distinct_;  // per column, over every value ever appended
};

}  // namespace basin
