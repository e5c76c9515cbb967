#pragma once

// Pieces shared by the files that implement IcebergTable.

#include <cstdint>
#include <string>
#include <vector>

#include "lake/iceberg_metadata.h"
#include "formats/parquet/parquet_writer.h"
#include "lake/iceberg_table.h"

namespace basin::parquet {
class ParquetReader;
}

namespace basin::iceberg {

/// A row id is (index of the data file in the scanned state << kPositionBits) | position in the file.
inline constexpr int kPositionBits = 40;
inline constexpr int64_t kPositionMask = (int64_t{1} << kPositionBits) - 1;

/// For each scanned column, where its values come from in one data file: a column index, or these.
inline constexpr int kMissingColumn = -1;  // the file predates the column: its initial default (NULL)
inline constexpr int kRowIdSource = -2;

/// The file column holding each requested table column (kRowIdColumn for row ids), matched by field id
/// (by name for files written without field ids).
std::vector<int> MapColumns(const parquet::ParquetReader& reader, const Schema& schema,
                            const std::vector<size_t>& column_ids);

/// Append row `row` of `v` to an equality-delete key: values compare by their bytes in the table's
/// current type, NULL as a marker of its own.
void AppendEqualityKey(const Vector& v, size_t row, std::string& key);
/// The file column holding field `field_id` (matched by field id, else by `name`), or kMissingColumn.
int FindFieldColumn(const parquet::ParquetReader& reader, int32_t field_id, const std::string& name);
/// Read an equality-delete file's keys; its columns are widened to the types `schema` gives their fields.
std::shared_ptr<const TableState::EqualityDelete> ReadEqualityDeleteFile(const DataFile& file, const Schema& schema);

/// Fill `state`'s morsels (each file's row groups) and row count from its files.
void IndexMorsels(TableState& state);

/// Read one row group of a state's data file (deletes applied), columns as a scan would give them.
std::unique_ptr<MorselReader> OpenRowGroup(std::shared_ptr<const TableState> state, std::vector<size_t> column_ids,
                                          uint32_t file, uint32_t row_group);

/// Throw NotImplementedError naming `column` unless a column of `type` can be stored: Iceberg has a type for
/// it and the Parquet writer writes it (not lists of lists).
void CheckStorableType(const std::string& column, const LogicalType& type);

/// The Parquet writer's options from a table's properties; throws DataError for bad values.
parquet::ParquetWriterOptions WriterOptionsFromProperties(const std::map<std::string, std::string>& properties);

int64_t NewSnapshotId();
std::string NewManifestPath(const TableMetadata& md, size_t n);
/// Write `entries` as manifests of `content`, one per partition spec among them (a manifest holds files of
/// one spec), and append their list entries to `manifests`.
void AddManifests(const TableMetadata& md, const std::vector<ManifestEntry>& entries, FileContent content,
                  int64_t snapshot_id, int64_t sequence, std::vector<ManifestFile>& manifests);

}  // namespace basin::iceberg
