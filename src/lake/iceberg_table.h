#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "lake/iceberg_manifest.h"
#include "lake/iceberg_metadata.h"
#include "common/exception.h"
#include "lake/table_storage.h"
#include "vector/vector_hash.h"

namespace basin::parquet {
class ParquetReader;
}

namespace basin::iceberg {

/// Where a table's current metadata file is recorded (the catalog). A commit swaps it atomically; a writer
/// that lost the race sees false, reloads, and retries on the new version.
class MetadataPointer {
 public:
  virtual ~MetadataPointer() = default;
  virtual std::string Load() = 0;
  virtual bool Swap(const std::string& expected, const std::string& next) = 0;
};

/// A pointer that never moves: scans of a table by path (iceberg_scan), which Basin does not write.
class FixedPointer : public MetadataPointer {
 public:
  explicit FixedPointer(std::string location) : location_(std::move(location)) {}
  std::string Load() override { return location_; }
  bool Swap(const std::string&, const std::string&) override {
    throw NotImplementedError("a table read by path (iceberg_scan) is read-only; register it to write to it");
  }

 private:
  std::string location_;
};

/// The current metadata file of a table given by path: a metadata file itself, or a table folder (its
/// metadata/version-hint.text, else the highest metadata/v<N>.metadata.json). Throws IOError naming the path.
std::string ResolveMetadataLocation(const std::string& path);

/// A snapshot summary entry a commit sets if the entry's committed value is still `expected`
/// (TableStorage::Writer::SetCommitProperty).
struct CommitProperty {
  std::string key;
  std::string expected;
  std::string value;
};

/// Summary keys starting with this are Basin's own state (a sink's offsets): each commit carries them from
/// its parent snapshot, so the current snapshot always holds them.
inline constexpr const char* kCarriedSummaryPrefix = "basin.";

/// The committed value of a carried summary key as of `md`'s current snapshot: that snapshot's, else the
/// nearest ancestor's that has it (commits by other engines do not carry it); "" when none has it.
std::string CommittedProperty(const TableMetadata& md, const std::string& key);

/// A column as CREATE TABLE gives it.
struct NewColumn {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;  // DEFAULT as written; empty: none
};

/// The live files of one snapshot, ready to scan: data files with the positions deleted from each.
struct TableState {
  std::string metadata_location;
  TableMetadata metadata;
  /// A data file's footer, parsed on first use and shared by the states that list the file.
  struct Footer {
    std::once_flag once;
    std::shared_ptr<const parquet::ParquetReader> reader;
  };
  /// An equality-delete file's rows: a data row it applies to is deleted when its values of `field_ids`
  /// equal one of `keys` (NULL equal to NULL), as EqualityKey encodes them.
  struct EqualityDelete {
    std::vector<int32_t> field_ids;
    std::unordered_set<std::string> keys;
  };
  struct LiveFile {
    DataFile file;
    int64_t sequence_number = 0;
    std::shared_ptr<Footer> footer;
    std::shared_ptr<const std::vector<int64_t>> deleted;  // sorted positions; null: none
    /// Equality deletes of a later sequence number in the file's partition (or unpartitioned).
    std::vector<std::shared_ptr<const EqualityDelete>> equality_deletes;
    int64_t DeletedCount() const { return deleted ? static_cast<int64_t>(deleted->size()) : 0; }
    /// The file's footer: scans prune files by partition and manifest bounds before they need it.
    const parquet::ParquetReader& Reader() const;
  };
  std::vector<LiveFile> files;
  /// Delete files in force (position and equality), with their sequence numbers (OPTIMIZE retires them).
  std::vector<std::pair<DataFile, int64_t>> delete_files;
  std::vector<ManifestFile> manifests;  // the snapshot's manifest list
  /// Parsed manifests and position-delete files by path, carried to the next state (files never change).
  std::map<std::string, std::shared_ptr<const std::vector<ManifestEntry>>> manifest_entries;
  using DeleteRows = std::map<std::string, std::vector<int64_t>>;  // positions by data file path
  std::map<std::string, std::shared_ptr<const DeleteRows>> delete_rows;
  std::map<std::string, std::shared_ptr<const EqualityDelete>> equality_rows;
  /// Morsel m is row group morsels[m].second of files[morsels[m].first].
  std::vector<std::pair<uint32_t, uint32_t>> morsels;
  int64_t row_count = 0;
  /// False for the state a table is opened with: metadata only, files read on first use.
  bool files_loaded = true;
  /// Distinct-value sketches by field id, from the snapshot's statistics file (for the optimizer).
  std::map<int32_t, DistinctSketch> distinct;
};

/// An Iceberg (format version 2) table of Parquet files in a folder: `metadata/` holds versioned metadata
/// files, manifest lists and manifests, `data/` the data and position-delete files. Scans read the snapshot
/// current when they start; a statement's writes become a new snapshot at Commit, atomically.
class IcebergTable : public TableStorage, public std::enable_shared_from_this<IcebergTable> {
 public:
  /// Create the table's first version in `location` (an empty or absent folder), partitioned and keyed as
  /// `layout` says (checked by the caller); returns its metadata file, which the caller records in the catalog.
  static std::string Create(const std::string& location, const std::vector<NewColumn>& columns,
                            const TableLayout& layout = {});
  /// Open the table the pointer names; metadata is read now, data files when scanned.
  explicit IcebergTable(std::shared_ptr<MetadataPointer> pointer);
  ~IcebergTable() override;

  /// The current snapshot's state (reloaded when another writer moved the pointer).
  std::shared_ptr<const TableState> State() const;
  /// The current state as far as it is loaded: its metadata always, its files only once the table was used
  /// (for what the schema and properties alone answer, without reading manifests).
  std::shared_ptr<const TableState> MetadataState() const;
  /// The state as of a snapshot id (time travel); throws CatalogError when the table never had it.
  std::shared_ptr<const TableState> StateAt(int64_t snapshot_id);

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override;
  size_t MorselCount(const TableScanState& state) const override;
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override;
  std::unique_ptr<Writer> BeginWrite() override;
  int64_t RowCount() const override;
  double DistinctCount(size_t column) const override;
  int64_t SizeInBytes() const override;

  bool AlterSchema(const SchemaChange& change) override;
  std::shared_ptr<TableStorage> AsOf(std::optional<int64_t> snapshot_id, std::optional<int64_t> time_us) override;
  std::optional<MetadataRows> Metadata(const std::string& name) override;
  int64_t Execute(const std::string& procedure, const std::vector<Value>& args) override;
  void SetProperties(const std::map<std::string, std::string>& properties) override;
  std::map<std::string, std::string> Properties() const override;

  /// Background compaction: in each partition holding at least `min_files` data files smaller than
  /// `small_file_bytes` (and without deletes), rewrite those into one file, as one "replace" commit. Returns
  /// the files written (0: nothing to do). Throws a serialization failure (40001) when a concurrent commit
  /// deleted rows of the chosen files; nothing is published then.
  int64_t CompactSmallFiles(int64_t small_file_bytes, size_t min_files);

  /// The rows appended after snapshot `from` (exclusive; none: from the table's first) up to snapshot `to`
  /// (inclusive), as Iceberg's incremental append scan: the data files each "append" snapshot between added
  /// ("replace" snapshots, compactions, move rows and add none). Throws DataError (55000) naming the snapshot
  /// when one between deleted or overwrote rows, and CatalogError when `from` is not an ancestor of `to`
  /// (expired, or the table was rolled back).
  std::shared_ptr<TableStorage> AppendsBetween(std::optional<int64_t> from, int64_t to);

  /// A scan of an earlier snapshot (FOR VERSION AS OF).
  std::unique_ptr<TableScanState> InitScanAt(std::shared_ptr<const TableState> state,
                                             const std::vector<size_t>& column_ids,
                                             const std::vector<TableFilter>& filters = {});

 private:
  friend class IcebergWriter;
  /// Write the next metadata version: the current one with `change` applied (it may write manifests and
  /// throw to give up), then swap the catalog's pointer; on a lost race, retry on the newer version.
  void Commit(const std::function<void(TableMetadata& md, const TableState& current, int attempt)>& change);
  /// Add a snapshot of `manifests` (written with `snapshot_id` and the next sequence number) and make it current.
  static Snapshot AddSnapshot(TableMetadata& md, const std::vector<ManifestFile>& manifests,
                              std::map<std::string, std::string> summary, int attempt, int64_t snapshot_id);
  /// Publish data files and position-delete files (deleting `deleted` positions of `base`'s files) as a
  /// new snapshot; retries on a newer version when another writer committed first.
  void CommitFiles(const std::shared_ptr<const TableState>& base, const std::vector<DataFile>& added,
                   const std::vector<DataFile>& delete_files, const std::map<uint32_t, std::vector<int64_t>>& deleted,
                   const std::map<int32_t, DistinctSketch>& sketches, const std::vector<CommitProperty>& properties);
  std::shared_ptr<const TableState> LoadState(const std::string& location, const TableState* previous) const;
  /// The live files of `metadata`'s current snapshot; footers already parsed in `previous` are reused.
  static std::shared_ptr<const TableState> BuildState(const std::string& location, TableMetadata metadata,
                                                      const TableState* previous);

  /// OPTIMIZE: rewrite every live row into new files, replacing all current data and delete files.
  int64_t Optimize();
  /// Rewrite the rows of `files` (indexes into base->files) into new files, in one commit that retires
  /// them (and every delete file, with `retire_deletes`); `validate` checks the version committed onto and
  /// throws to give up.
  int64_t RewriteFiles(const std::shared_ptr<const TableState>& base, const std::vector<uint32_t>& files,
                       bool retire_deletes, const std::function<void(const TableState&)>& validate);
  /// VACUUM: expire snapshots older than `max_age_ms` (keeping `min_keep` and the current one), then remove
  /// the files no remaining snapshot references.
  int64_t Vacuum(int64_t max_age_ms, int64_t min_keep);
  void RollbackTo(int64_t snapshot_id);

  std::shared_ptr<MetadataPointer> pointer_;
  /// Writers of this table not yet finished: VACUUM must not take their files for orphans.
  std::atomic<int> open_writers_{0};
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const TableState> state_;
};

}  // namespace basin::iceberg
