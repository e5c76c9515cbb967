#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
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

/// A partition field as PARTITIONED BY declares it: a transform ("identity", "year", "month", "day", "hour",
/// "bucket", "truncate") of a column, with the bucket count or truncate width as `param`.
struct PartitionColumn {
  std::string transform;
  int32_t param = 0;
  size_t column = 0;  // index into the table's columns
};

/// What CREATE TABLE declares beyond the columns. Storage without a use for it (the in-memory table)
/// ignores it; Iceberg tables record both in their metadata.
struct TableLayout {
  std::vector<PartitionColumn> partitioning;
  std::vector<size_t> primary_key;  // column indexes; the columns are NOT NULL
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

/// A change to a table's columns (ALTER TABLE, COMMENT ON COLUMN).
struct SchemaChange {
  enum class Kind { kAddColumn, kDropColumn, kRenameColumn, kSetType, kSetNotNull, kSetDefault, kSetComment };
  Kind kind = Kind::kAddColumn;
  size_t column = 0;      // the column changed (all but kAddColumn)
  std::string name;       // kAddColumn, kRenameColumn: the (new) name
  LogicalType type;       // kAddColumn, kSetType
  bool not_null = false;  // kAddColumn, kSetNotNull
  std::string text;       // kAddColumn, kSetDefault: the DEFAULT as written (empty: none); kSetComment
  Value fill;             // kAddColumn: the value rows already in the table take (NULL or the default)
};

/// Rows describing a table's history or files (Iceberg's metadata tables: snapshots, history, files, ...).
struct MetadataRows {
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::vector<std::vector<Value>> rows;
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
    /// Record `key = value` with this commit (an Iceberg snapshot's summary, carried to later snapshots),
    /// provided the key's committed value is still `expected` ("" when never set); otherwise Commit throws
    /// a serialization failure (40001) and publishes nothing. Exactly-once sinks keep their offsets so.
    /// Storage without snapshots refuses it.
    virtual void SetCommitProperty(const std::string& key, const std::string& expected, const std::string& value);
    /// Threads the writer may use for work of its own, such as encoding Parquet files (the statement's
    /// thread count); 1 unless set.
    void SetThreads(int threads) { threads_ = threads; }

   protected:
    int threads_ = 1;
  };
  virtual std::unique_ptr<Writer> BeginWrite() = 0;

  /// Rows currently visible (estimate used by the optimizer; exact for the in-memory table).
  virtual int64_t RowCount() const = 0;
  /// Estimated number of distinct values of a column (for the optimizer); negative when unknown.
  virtual double DistinctCount(size_t column) const { return -1; }
  virtual int64_t SizeInBytes() const = 0;

  /// Change the columns. Storage that knows columns by id (Iceberg) changes metadata only; the in-memory
  /// table rewrites its rows. Returns false when rows already stored read NULL for an added column
  /// instead of `fill` (the caller then writes the fill itself).
  virtual bool AlterSchema(const SchemaChange& change);

  // History and maintenance. Storage without them (the in-memory table) throws NotImplementedError, except
  // that maintenance with nothing to do returns 0.
  /// The table as of a snapshot id or a time (microseconds since the epoch), read-only.
  virtual std::shared_ptr<TableStorage> AsOf(std::optional<int64_t> snapshot_id, std::optional<int64_t> time_us);
  /// A metadata table by name ("snapshots", "history", "files", "manifests", "partitions", "properties");
  /// nullopt when there is none of that name.
  virtual std::optional<MetadataRows> Metadata(const std::string& name);
  /// A table procedure: "optimize" (compact files, fold deletes in), "vacuum" (expire old snapshots and
  /// remove files nothing references), "rollback_to_snapshot" (args: snapshot id). Returns a count
  /// (files written or removed) for the statement's result.
  virtual int64_t Execute(const std::string& procedure, const std::vector<Value>& args);
  /// Table properties (Iceberg's; "comment" holds COMMENT ON TABLE).
  virtual void SetProperties(const std::map<std::string, std::string>& properties);
  virtual std::map<std::string, std::string> Properties() const { return {}; }
};

}  // namespace basin
