#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lake/iceberg_metadata.h"
#include "types/value.h"

namespace basin::iceberg {

enum class FileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

/// A data or delete file as a manifest lists it, with the column statistics readers use to skip it.
struct DataFile {
  FileContent content = FileContent::kData;
  std::string path;  // absolute
  std::string format = "PARQUET";
  int32_t spec_id = 0;           // the partition spec the file was written with
  std::vector<Value> partition;  // one value per field of that spec (of its result type)
  int64_t record_count = 0;
  int64_t file_size = 0;
  std::map<int32_t, int64_t> column_sizes, value_counts, null_value_counts;
  /// Single-value serialization (Iceberg spec, Appendix D) of each column's bounds.
  std::map<int32_t, std::string> lower_bounds, upper_bounds;
  /// Where each row group starts (Iceberg's split offsets): also tells a scan the row group count without
  /// the file's footer. Empty when the writer did not record them.
  std::vector<int64_t> split_offsets;
  /// Equality-delete files: the field ids whose values identify the deleted rows.
  std::vector<int32_t> equality_ids;
};

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;       // data sequence number (inherited from the manifest when absent)
  int64_t file_sequence_number = 0;
  DataFile file;
};

/// What a manifest's files hold for one partition field ("field_summary"), so readers may skip it whole.
struct PartitionFieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound, upper_bound;  // single-value serialization
};

/// A manifest as the manifest list describes it.
struct ManifestFile {
  std::string path;
  int64_t length = 0;
  int32_t spec_id = 0;
  FileContent content = FileContent::kData;  // kData or deletes (kPositionDeletes stands for any delete)
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files = 0, existing_files = 0, deleted_files = 0;
  int64_t added_rows = 0, existing_rows = 0, deleted_rows = 0;
  std::vector<PartitionFieldSummary> partitions;  // one per field of the manifest's spec
};

/// Write a manifest of `entries` (all of one partition spec, `spec_id`) to `path`: Avro, with `md`'s current
/// schema and that spec in its header and a data_file.partition record typed by the spec, as the spec asks.
/// Returns the manifest-list entry describing it, partition summaries included.
ManifestFile WriteManifest(const std::string& path, const std::vector<ManifestEntry>& entries, const TableMetadata& md,
                           int32_t spec_id, FileContent content, int64_t snapshot_id, int64_t sequence_number);
/// Read a manifest's entries, inheriting snapshot id and sequence numbers from `manifest` where absent.
/// Partition tuples are read as values of `md`'s spec types; with no `md` they are skipped.
std::vector<ManifestEntry> ReadManifest(const ManifestFile& manifest, const TableMetadata* md);

void WriteManifestList(const std::string& path, const std::vector<ManifestFile>& manifests, int64_t snapshot_id,
                       std::optional<int64_t> parent_id, int64_t sequence_number);
std::vector<ManifestFile> ReadManifestList(const std::string& path);

/// Whole-file helpers that throw IOError naming the file.
std::string ReadFileBytes(const std::string& path);
/// Write `bytes` to `path` durably: a temporary file, fsync, then rename (or link when `exclusive`, which
/// fails with false when `path` exists: the commit point of a metadata version).
bool WriteFileAtomic(const std::string& path, const std::string& bytes, bool exclusive = false);

}  // namespace basin::iceberg
