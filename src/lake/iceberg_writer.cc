// Iceberg tables: a statement's writes, and the commit that publishes them as a new snapshot.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "lake/iceberg_bounds.h"
#include "lake/iceberg_internal.h"
#include "lake/iceberg_partition.h"
#include "lake/iceberg_table.h"

namespace basin::iceberg {

namespace {

namespace fs = std::filesystem;

/// Rows per data file before the writer starts another.
constexpr int64_t kRowsPerDataFile = int64_t{1} << 23;
/// Data files a writer keeps open at once (one per partition written to). Each buffers a row group, so
/// beyond this the fullest is closed: more, smaller files rather than unbounded memory.
constexpr size_t kMaxOpenDataFiles = 64;
/// Field ids the spec reserves for position delete files.
constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

void SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    throw IOError("could not flush \"" + path + "\": " + std::strerror(err));
  }
  ::close(fd);
}

/// A manifest entry for a file just written, with per-column statistics from its Parquet footer.
DataFile DescribeFile(const std::string& path, const parquet::ParquetWriter& writer, const Schema& schema,
                      const std::vector<int32_t>& field_ids, FileContent content) {
  DataFile f;
  f.content = content;
  f.path = path;
  f.record_count = writer.rows();
  f.file_size = writer.bytes_written();
  const parquet::FileMetaData& md = writer.metadata();
  for (size_t c = 0; c < field_ids.size(); c++) {
    int32_t id = field_ids[c];
    const Field* field = schema.FindField(id);
    const LogicalType* type = field ? &field->type : nullptr;
    if (field && !field->elements.empty()) {
      // A list's column chunks hold its elements: Iceberg keys their metrics by the element's field id. Only
      // the size is kept: the chunks count level entries (empty and NULL lists too), not elements, and
      // Iceberg keeps no bounds for fields inside lists.
      int64_t size = 0;
      for (const parquet::RowGroup& g : md.row_groups) {
        if (g.columns[c].meta_data) size += g.columns[c].meta_data->total_compressed_size;
      }
      f.column_sizes[field->elements.back().id] = size;
      continue;
    }
    int64_t values = 0, nulls = 0, size = 0;
    bool stats = true;
    std::string lower, upper;
    bool has_bounds = false;
    for (const parquet::RowGroup& g : md.row_groups) {
      const auto& cm = g.columns[c].meta_data;
      if (!cm) continue;
      values += cm->num_values;
      size += cm->total_compressed_size;
      if (!cm->statistics || !cm->statistics->null_count) {
        stats = false;
        continue;
      }
      nulls += *cm->statistics->null_count;
      if (type == nullptr || !cm->statistics->min_value || !cm->statistics->max_value) continue;
      std::string lo, hi;
      if (!ToIcebergBound(*type, *cm->statistics->min_value, false, lo) ||
          !ToIcebergBound(*type, *cm->statistics->max_value, true, hi)) {
        continue;
      }
      // Across row groups, bounds combine by the type's order; compare decoded values.
      if (!has_bounds) {
        lower = lo;
        upper = hi;
        has_bounds = true;
      } else {
        lower = std::min(lower, lo, [&](const std::string& a, const std::string& b) { return BoundLess(*type, a, b); });
        upper = std::max(upper, hi, [&](const std::string& a, const std::string& b) { return BoundLess(*type, a, b); });
      }
    }
    f.column_sizes[id] = size;
    f.value_counts[id] = values;
    if (stats) f.null_value_counts[id] = nulls;
    if (has_bounds && md.row_groups.size() > 0) {
      f.lower_bounds[id] = lower;
      f.upper_bounds[id] = upper;
    }
  }
  for (const parquet::RowGroup& g : md.row_groups) {
    f.split_offsets.push_back(g.file_offset ? *g.file_offset : g.columns.empty() ? 0 : g.columns[0].file_offset);
  }
  return f;
}

}  // namespace

void CheckStorableType(const std::string& column, const LogicalType& type) {
  parquet::CheckWritableType(column, type);
  CheckIcebergType(column, type);
}

/// Iceberg's write properties: write.parquet.compression-codec, write.parquet.page-size-bytes,
/// write.parquet.row-group-size-rows (Basin sizes row groups by rows, as DuckDB does).
parquet::ParquetWriterOptions WriterOptionsFromProperties(const std::map<std::string, std::string>& props) {
  parquet::ParquetWriterOptions options;
  auto prop = [&](const char* key) -> const std::string* {
    auto it = props.find(key);
    return it == props.end() ? nullptr : &it->second;
  };
  if (auto* codec = prop("write.parquet.compression-codec")) {
    auto parsed = parquet::CodecFromName(*codec);
    if (!parsed) throw DataError(sqlstate::kInvalidParameterValue, "unknown write.parquet.compression-codec \"" + *codec + "\"");
    options.codec = *parsed;
  }
  auto size = [&](const char* key, size_t& target) {
    if (const std::string* v = prop(key)) {
      char* end = nullptr;
      long long n = std::strtoll(v->c_str(), &end, 10);
      if (n <= 0 || *end != '\0') throw DataError(sqlstate::kInvalidParameterValue, std::string(key) + " must be a positive number");
      target = static_cast<size_t>(n);
    }
  };
  size("write.parquet.page-size-bytes", options.page_size);
  size("write.parquet.row-group-size-rows", options.row_group_size);
  return options;
}

class IcebergWriter : public TableStorage::Writer {
 public:
  IcebergWriter(IcebergTable& table, std::shared_ptr<const TableState> base)
      : table_(table), keep_alive_(table.weak_from_this().lock()), base_(std::move(base)), schema_(base_->metadata.CurrentSchema()) {
    for (const Field& f : schema_.fields) {
      names_.push_back(f.name);
      types_.push_back(f.type);
      field_ids_.push_back(f.id);
      required_.push_back(f.required);
      list_elements_.push_back(f.elements.empty() ? parquet::ListElement{}
                                                  : parquet::ListElement{f.elements[0].id, f.elements[0].required});
    }
    spec_ = base_->metadata.DefaultSpec();
    for (const PartitionField& p : spec_.fields) {
      size_t column = schema_.fields.size();
      for (size_t c = 0; c < schema_.fields.size(); c++) {
        if (schema_.fields[c].id == p.source_id) column = c;
      }
      if (column == schema_.fields.size()) {
        throw NotImplementedError("cannot write: the source column of partition field \"" + p.name + "\" is gone");
      }
      partition_sources_.push_back(column);
    }
    table_.open_writers_++;
  }

  ~IcebergWriter() override {
    table_.open_writers_--;
    // A statement that failed leaves its files behind as orphans; remove what is ours.
    if (committed_) return;
    std::error_code ec;
    for (auto& [key, file] : open_) fs::remove(file.path, ec);
    for (const DataFile& f : added_) fs::remove(f.path, ec);
    for (const std::string& path : delete_paths_) fs::remove(path, ec);
  }

  void Append(const DataChunk& chunk) override {
    if (chunk.size() == 0) return;
    // Distinct-value sketches of what is written, for the optimizer's estimates.
    hashes_.resize(chunk.size());
    for (size_t c = 0; c < chunk.ColumnCount(); c++) {
      HashVector(chunk.column(c), chunk.size(), hashes_.data(), /*combine=*/false);
      sketches_[field_ids_[c]].Add(hashes_.data(), chunk.size());
    }
    if (spec_.fields.empty()) {
      WriteRows(chunk, {});
      return;
    }
    // Each data file holds rows of one partition: group the chunk's rows by their partition tuple.
    std::map<std::string, std::pair<std::vector<Value>, std::vector<sel_t>>> groups;
    std::vector<Value> tuple(spec_.fields.size());
    for (size_t r = 0; r < chunk.size(); r++) {
      for (size_t i = 0; i < tuple.size(); i++) {
        const PartitionField& f = spec_.fields[i];
        tuple[i] = ApplyTransform(f.transform, f.param, chunk.column(partition_sources_[i]).GetValue(r));
      }
      auto& group = groups[PartitionKey(spec_.spec_id, tuple)];
      if (group.second.empty()) group.first = tuple;
      group.second.push_back(static_cast<sel_t>(r));
    }
    if (groups.size() == 1) {
      WriteRows(chunk, groups.begin()->second.first);
      return;
    }
    for (auto& [key, group] : groups) {
      DataChunk picked(types_);
      for (size_t c = 0; c < types_.size(); c++) {
        picked.column(c).Slice(chunk.column(c), group.second.data(), group.second.size());
      }
      picked.SetCardinality(group.second.size());
      DataChunk flat(types_);
      flat.Append(picked);
      WriteRows(flat, group.first);
    }
  }

  void Delete(const std::vector<int64_t>& row_ids) override {
    for (int64_t id : row_ids) deletes_[static_cast<uint32_t>(id >> kPositionBits)].push_back(id & kPositionMask);
  }

  void Update(const std::vector<int64_t>& row_ids, const std::vector<size_t>& column_ids,
              const DataChunk& values) override {
    // Merge-on-read: the old rows are deleted by position and rewritten, whole, with the new values.
    auto batch = std::make_unique<DataChunk>(values.Types(), std::max(values.size(), kVectorSize));
    batch->Append(values);
    for (size_t r = 0; r < row_ids.size(); r++) {
      updates_[row_ids[r]] = {update_batches_.size(), r};
    }
    update_columns_.push_back(column_ids);
    update_batches_.push_back(std::move(batch));
    Delete(row_ids);
  }

  void Commit() override {
    WriteUpdatedRows();
    CloseDataFiles();
    std::vector<DataFile> delete_files = WriteDeleteFiles();
    if (added_.empty() && delete_files.empty() && properties_.empty()) {
      committed_ = true;
      return;
    }
    table_.CommitFiles(base_, added_, delete_files, deletes_, sketches_, properties_);
    committed_ = true;
  }

  void SetCommitProperty(const std::string& key, const std::string& expected, const std::string& value) override {
    properties_.push_back({key, expected, value});
  }

  /// OPTIMIZE's use: the data files written so far, closed, for a commit made by the caller.
  std::vector<DataFile> CloseFiles() {
    CloseDataFiles();
    return added_;
  }
  void MarkCommitted() { committed_ = true; }

 private:
  /// A new file in the table's data folder (`write.data.path`, else <location>/data), created if missing:
  /// tables made by other writers may not have it yet.
  std::string NewDataPath(const char* suffix) {
    if (data_dir_.empty()) {
      auto it = base_->metadata.properties.find("write.data.path");
      data_dir_ = it != base_->metadata.properties.end() ? it->second : base_->metadata.location + "/data";
      std::error_code ec;
      fs::create_directories(data_dir_, ec);
      if (ec) throw IOError("could not create \"" + data_dir_ + "\": " + ec.message());
    }
    return data_dir_ + "/" + NewUuid() + suffix;
  }

  parquet::ParquetWriterOptions Options() const {
    parquet::ParquetWriterOptions options = WriterOptionsFromProperties(base_->metadata.properties);
    // A partitioned table's rows go to a file per partition, up to kMaxOpenDataFiles open at once: those
    // encode on the caller's thread alone.
    options.threads = spec_.fields.empty() ? threads_ : 1;
    options.required = required_;
    options.list_elements = list_elements_;
    options.created_by = "Basin (Iceberg)";
    options.key_value_metadata.push_back({"iceberg.schema", schema_.ToJson()});
    return options;
  }

  /// Write rows of one partition to that partition's open data file (opened now when there is none).
  void WriteRows(const DataChunk& chunk, const std::vector<Value>& partition) {
    std::string key = PartitionKey(spec_.spec_id, partition);
    auto it = open_.find(key);
    if (it == open_.end()) {
      if (open_.size() >= kMaxOpenDataFiles) {
        auto fullest = std::max_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
          return a.second.out->rows() < b.second.out->rows();
        });
        CloseDataFile(fullest->second);
        open_.erase(fullest);
      }
      OpenFile file{NewDataPath(".parquet"), partition, nullptr};
      file.out = std::make_unique<parquet::ParquetWriter>(file.path, names_, types_, field_ids_, Options());
      it = open_.emplace(key, std::move(file)).first;
    }
    it->second.out->WriteChunk(chunk);
    if (it->second.out->rows() >= kRowsPerDataFile) {
      CloseDataFile(it->second);
      open_.erase(it);
    }
  }

  struct OpenFile {
    std::string path;
    std::vector<Value> partition;
    std::unique_ptr<parquet::ParquetWriter> out;
  };

  void CloseDataFile(OpenFile& file) {
    file.out->Close();
    SyncFile(file.path);
    DataFile f = DescribeFile(file.path, *file.out, schema_, field_ids_, FileContent::kData);
    f.spec_id = spec_.spec_id;
    f.partition = file.partition;
    added_.push_back(std::move(f));
  }

  void CloseDataFiles() {
    for (auto& [key, file] : open_) CloseDataFile(file);
    open_.clear();
  }

  /// Rewrite each updated row: its current values, with the updated columns replaced.
  void WriteUpdatedRows() {
    if (updates_.empty()) return;
    std::map<std::pair<uint32_t, uint32_t>, bool> groups;  // (file, row group) holding updated rows
    for (auto& [id, where] : updates_) {
      uint32_t file = static_cast<uint32_t>(id >> kPositionBits);
      int64_t pos = id & kPositionMask, start = 0;
      const auto& reader = base_->files.at(file).Reader();
      for (uint32_t g = 0; g < reader.RowGroupCount(); g++) {
        if (pos < start + reader.RowGroupRows(g)) {
          groups[{file, g}] = true;
          break;
        }
        start += reader.RowGroupRows(g);
      }
    }
    std::vector<size_t> columns(types_.size());
    for (size_t i = 0; i < columns.size(); i++) columns[i] = i;
    columns.push_back(kRowIdColumn);
    std::vector<LogicalType> read_types = types_;
    read_types.push_back(TypeId::kBigInt);
    for (auto& [group, _] : groups) {
      auto rows = OpenRowGroup(base_, columns, group.first, group.second);
      DataChunk chunk(read_types);
      while (rows->Next(chunk)) {
        const int64_t* ids = chunk.column(types_.size()).data<int64_t>();
        std::vector<sel_t> sel;
        for (size_t r = 0; r < chunk.size(); r++) {
          if (updates_.count(ids[r])) sel.push_back(static_cast<sel_t>(r));
        }
        if (!sel.empty()) {
          DataChunk picked(types_);
          for (size_t c = 0; c < types_.size(); c++) picked.column(c).Slice(chunk.column(c), sel.data(), sel.size());
          picked.SetCardinality(sel.size());
          DataChunk row(types_);
          row.Append(picked);
          for (size_t r = 0; r < sel.size(); r++) {
            auto [batch, index] = updates_.at(ids[sel[r]]);
            const auto& updated = update_columns_[batch];
            for (size_t c = 0; c < updated.size(); c++) {
              row.column(updated[c]).SetValue(r, update_batches_[batch]->column(c).GetValue(index));
            }
          }
          Append(row);
        }
        chunk.Reset();
      }
    }
  }

  /// Position-delete files: one per partition of the data files they delete from, carrying that partition,
  /// since the spec applies a position delete file only to data files of its own spec and partition.
  std::vector<DataFile> WriteDeleteFiles() {
    std::map<std::string, std::vector<uint32_t>> by_partition;
    for (auto& [index, positions] : deletes_) {
      const DataFile& data = base_->files.at(index).file;
      by_partition[PartitionKey(data.spec_id, data.partition)].push_back(index);
    }
    std::vector<DataFile> files;
    for (auto& [key, indexes] : by_partition) files.push_back(WriteDeleteFile(indexes));
    return files;
  }

  DataFile WriteDeleteFile(const std::vector<uint32_t>& data_files) {
    std::string path = NewDataPath("-deletes.parquet");
    parquet::ParquetWriterOptions options;
    options.required = {true, true};
    options.created_by = "Basin (Iceberg)";
    parquet::ParquetWriter writer(path, {"file_path", "pos"}, {TypeId::kVarchar, TypeId::kBigInt},
                                  {kDeleteFilePathId, kDeletePosId}, options);
    // Sorted by file path, then position, as the spec requires.
    std::vector<std::pair<std::string, std::vector<int64_t>*>> files;
    for (uint32_t index : data_files) {
      std::vector<int64_t>& positions = deletes_.at(index);
      std::sort(positions.begin(), positions.end());
      positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
      files.emplace_back(base_->files.at(index).file.path, &positions);
    }
    std::sort(files.begin(), files.end());
    DataChunk chunk({TypeId::kVarchar, TypeId::kBigInt});
    for (auto& [file_path, positions] : files) {
      for (int64_t p : *positions) {
        size_t n = chunk.size();
        chunk.column(0).SetValue(n, Value::Varchar(file_path));
        chunk.column(1).SetValue(n, Value::BigInt(p));
        chunk.SetCardinality(n + 1);
        if (chunk.size() == kVectorSize) {
          writer.WriteChunk(chunk);
          chunk.Reset();
        }
      }
    }
    if (chunk.size() > 0) writer.WriteChunk(chunk);
    writer.Close();
    SyncFile(path);
    Schema delete_schema;
    delete_schema.fields = {{kDeleteFilePathId, "file_path", true, TypeId::kVarchar, "", {}},
                            {kDeletePosId, "pos", true, TypeId::kBigInt, "", {}}};
    DataFile f = DescribeFile(path, writer, delete_schema, {kDeleteFilePathId, kDeletePosId},
                              FileContent::kPositionDeletes);
    f.spec_id = base_->files.at(data_files[0]).file.spec_id;
    f.partition = base_->files.at(data_files[0]).file.partition;
    delete_paths_.push_back(path);
    return f;
  }

  IcebergTable& table_;
  std::shared_ptr<IcebergTable> keep_alive_;  // a writer may outlive every other owner of its table
  std::shared_ptr<const TableState> base_;
  Schema schema_;
  std::vector<std::string> names_;
  std::vector<LogicalType> types_;
  std::vector<int32_t> field_ids_;
  std::vector<bool> required_;
  std::vector<parquet::ListElement> list_elements_;
  PartitionSpec spec_;                     // the table's default spec: every file written uses it
  std::vector<size_t> partition_sources_;  // the column each partition field transforms
  std::map<std::string, OpenFile> open_;   // by partition key
  std::string data_dir_;
  std::vector<DataFile> added_;
  std::vector<std::string> delete_paths_;
  std::map<uint32_t, std::vector<int64_t>> deletes_;  // by index of the data file in base_
  std::map<int64_t, std::pair<size_t, size_t>> updates_;  // row id -> (batch, row in batch)
  std::vector<std::vector<size_t>> update_columns_;
  std::vector<std::unique_ptr<DataChunk>> update_batches_;
  std::map<int32_t, DistinctSketch> sketches_;  // by field id
  std::vector<CommitProperty> properties_;
  std::vector<uint64_t> hashes_;
  bool committed_ = false;
};

std::unique_ptr<TableStorage::Writer> IcebergTable::BeginWrite() {
  return std::make_unique<IcebergWriter>(*this, State());
}

int64_t IcebergTable::Optimize() {
  auto base = State();
  // Nothing to compact: no deletes and at most one file per partition.
  std::set<std::string> partitions;
  for (const auto& f : base->files) partitions.insert(PartitionKey(f.file.spec_id, f.file.partition));
  if (base->files.size() <= partitions.size() && base->delete_files.empty()) return 0;
  std::vector<uint32_t> all(base->files.size());
  for (uint32_t i = 0; i < all.size(); i++) all[i] = i;
  // Rows appended meanwhile (a sink's commits) stay as they are; a delete made meanwhile would be lost on
  // the rewritten rows, so it is a conflict.
  std::set<std::string> paths, deletes;
  for (const auto& f : base->files) paths.insert(f.file.path);
  for (const auto& [f, seq] : base->delete_files) deletes.insert(f.path);
  return RewriteFiles(base, all, /*retire_deletes=*/true, [&](const TableState& current) {
    size_t live = 0;
    for (const auto& f : current.files) live += paths.count(f.file.path);
    bool same_deletes = current.delete_files.size() == deletes.size();
    for (const auto& [f, seq] : current.delete_files) same_deletes = same_deletes && deletes.count(f.path);
    if (live != paths.size() || !same_deletes) {
      throw Exception(sqlstate::kSerializationFailure, "the table's rows were changed while OPTIMIZE ran; run it again");
    }
  });
}

int64_t IcebergTable::CompactSmallFiles(int64_t small_file_bytes, size_t min_files) {
  auto base = State();
  // Files without deletes only: their rows are all live, so rewriting them changes nothing but the layout.
  std::map<std::string, std::vector<uint32_t>> by_partition;
  for (uint32_t i = 0; i < base->files.size(); i++) {
    const auto& f = base->files[i];
    if (f.file.file_size >= small_file_bytes || f.deleted || !f.equality_deletes.empty()) continue;
    by_partition[PartitionKey(f.file.spec_id, f.file.partition)].push_back(i);
  }
  std::vector<uint32_t> chosen;
  for (auto& [_, files] : by_partition) {
    if (files.size() >= min_files) chosen.insert(chosen.end(), files.begin(), files.end());
  }
  if (chosen.empty()) return 0;
  std::set<std::string> paths;
  for (uint32_t i : chosen) paths.insert(base->files[i].file.path);
  return RewriteFiles(base, chosen, /*retire_deletes=*/false, [&](const TableState& current) {
    // A commit made meanwhile may have deleted rows of the files rewritten: those deletes would not apply
    // to the new file. Give up; the next round starts from the newer version.
    size_t still_clean = 0;
    for (const auto& live : current.files) {
      if (paths.count(live.file.path) && !live.deleted && live.equality_deletes.empty()) still_clean++;
    }
    if (still_clean != paths.size()) {
      throw Exception(sqlstate::kSerializationFailure, "the table changed while its small files were compacted");
    }
  });
}

int64_t IcebergTable::RewriteFiles(const std::shared_ptr<const TableState>& base, const std::vector<uint32_t>& files,
                                   bool retire_deletes, const std::function<void(const TableState&)>& validate) {
  IcebergWriter writer(*this, base);
  std::vector<size_t> columns(base->metadata.CurrentSchema().fields.size());
  std::vector<LogicalType> types;
  for (size_t i = 0; i < columns.size(); i++) {
    columns[i] = i;
    types.push_back(base->metadata.CurrentSchema().fields[i].type);
  }
  const std::set<uint32_t> chosen(files.begin(), files.end());
  for (auto [file, group] : base->morsels) {
    if (!chosen.count(file)) continue;
    auto rows = OpenRowGroup(base, columns, file, group);
    DataChunk chunk(types);
    while (rows->Next(chunk)) {
      writer.Append(chunk);
      chunk.Reset();
    }
  }
  std::vector<DataFile> added = writer.CloseFiles();
  Commit([&](TableMetadata& md, const TableState& current, int attempt) {
    validate(current);
    int64_t snapshot_id = NewSnapshotId();
    int64_t sequence = md.last_sequence_number + 1;
    std::vector<ManifestEntry> added_entries, retired, kept;
    for (const DataFile& f : added) added_entries.push_back({EntryStatus::kAdded, snapshot_id, sequence, sequence, f});
    std::set<std::string> rewritten;
    for (uint32_t i : files) rewritten.insert(base->files[i].file.path);
    int64_t rows = 0;
    for (const auto& live : current.files) {
      if (rewritten.count(live.file.path)) {
        retired.push_back({EntryStatus::kDeleted, snapshot_id, live.sequence_number, live.sequence_number, live.file});
      } else {
        kept.push_back({EntryStatus::kExisting, snapshot_id, live.sequence_number, live.sequence_number, live.file});
        rows += live.file.record_count - live.DeletedCount();
      }
    }
    std::vector<ManifestEntry> deletes;
    for (const auto& [file, seq] : current.delete_files) {
      deletes.push_back({retire_deletes ? EntryStatus::kDeleted : EntryStatus::kExisting, snapshot_id, seq, seq, file});
    }
    std::vector<ManifestFile> manifests;
    AddManifests(md, added_entries, FileContent::kData, snapshot_id, sequence, manifests);
    AddManifests(md, retired, FileContent::kData, snapshot_id, sequence, manifests);
    AddManifests(md, kept, FileContent::kData, snapshot_id, sequence, manifests);
    AddManifests(md, deletes, FileContent::kPositionDeletes, snapshot_id, sequence, manifests);
    for (const DataFile& f : added) rows += f.record_count;
    AddSnapshot(md, manifests,
                {{"operation", "replace"},
                 {"added-data-files", std::to_string(added.size())},
                 {"deleted-data-files", std::to_string(retired.size())},
                 {"removed-delete-files", std::to_string(retire_deletes ? current.delete_files.size() : 0)},
                 {"total-records", std::to_string(rows)}},
                attempt, snapshot_id);
  });
  writer.MarkCommitted();
  return static_cast<int64_t>(added.size());
}

}  // namespace basin::iceberg
