// Iceberg tables: loading a snapshot's live files and scanning them.

#include "lake/iceberg_table.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "lake/column_cache.h"
#include "lake/iceberg_bounds.h"
#include "lake/iceberg_internal.h"
#include "lake/iceberg_partition.h"
#include "lake/parquet_file_cache.h"
#include "lake/parquet_statistics.h"
#include "lake/puffin.h"
#include "lake/schema_evolution.h"

namespace basin::iceberg {

namespace {

namespace fs = std::filesystem;

/// Rows per morsel: row groups (122880 rows by default) are read in parts of about this size.
constexpr int64_t kRowsPerPart = 16 * static_cast<int64_t>(kVectorSize);

struct IcebergScanState : TableScanState {
  std::shared_ptr<const TableState> state;
  std::vector<size_t> column_ids;
  std::vector<TableFilter> filters;
  /// A row group is decoded once per scan (or found in the column cache) and shared by its parts.
  struct GroupLoad {
    std::once_flag once;
    std::vector<std::shared_ptr<const DecodedColumn>> columns;
  };
  /// Part `part` of `parts` of a row group left after skipping by the pushed filters: row groups are split
  /// so that small tables (a row group or two) still spread over every thread.
  struct Morsel {
    uint32_t file = 0, group = 0, part = 0, parts = 1;
    GroupLoad* load = nullptr;
  };
  std::vector<Morsel> morsels;
  std::vector<std::unique_ptr<GroupLoad>> loads;
  /// Per data file (by index in the state), the file column each filter tests (-1: none), computed once
  /// for the files the scan keeps.
  std::vector<std::vector<int64_t>> filter_columns;
};

}  // namespace

const parquet::ParquetReader& TableState::LiveFile::Reader() const {
  std::call_once(footer->once, [&] {
    footer->reader = OpenParquetFile(file.path);
    if (!file.split_offsets.empty() && footer->reader->RowGroupCount() != file.split_offsets.size()) {
      throw DataError(sqlstate::kBadCopyFileFormat,
                      "data file \"" + file.path + "\" has " + std::to_string(footer->reader->RowGroupCount()) +
                          " row groups, its manifest entry " + std::to_string(file.split_offsets.size()));
    }
  });
  return *footer->reader;
}

std::vector<int> MapColumns(const parquet::ParquetReader& reader, const Schema& schema,
                            const std::vector<size_t>& column_ids) {
  const auto& file_columns = reader.columns();
  std::vector<int> sources;
  for (size_t id : column_ids) {
    if (id == kRowIdColumn) {
      sources.push_back(kRowIdSource);
      continue;
    }
    const Field& field = schema.fields[id];
    int found = kMissingColumn;
    for (size_t c = 0; c < file_columns.size() && found < 0; c++) {
      if (file_columns[c].field_id ? *file_columns[c].field_id == field.id : file_columns[c].name == field.name) {
        found = static_cast<int>(c);
      }
    }
    sources.push_back(found);
  }
  return sources;
}

namespace {

class IcebergMorselReader : public MorselReader {
 public:
  IcebergMorselReader(const IcebergScanState& scan, size_t morsel) : scan_(scan) {
    const IcebergScanState::Morsel& m = scan.morsels[morsel];
    const uint32_t file_index = m.file, row_group = m.group;
    file_index_ = file_index;
    const TableState::LiveFile& file = scan.state->files[file_index];
    const parquet::ParquetReader& reader = file.Reader();
    const Schema& schema = scan.state->metadata.CurrentSchema();
    sources_ = MapColumns(reader, schema, scan.column_ids);
    // Files written before ALTER COLUMN TYPE hold the narrower type: widen as they are read.
    widen_.resize(sources_.size());
    for (size_t c = 0; c < sources_.size(); c++) {
      if (sources_[c] < 0) continue;
      const LogicalType& table_type = schema.fields[scan.column_ids[c]].type;
      if (reader.columns()[sources_[c]].type != table_type) {
        widen_[c] = std::make_unique<Vector>(table_type);
      }
    }
    std::vector<size_t> read_columns;
    for (int& s : sources_) {
      if (s < 0) continue;
      auto it = std::find(read_columns.begin(), read_columns.end(), static_cast<size_t>(s));
      int slot = static_cast<int>(it - read_columns.begin());
      if (it == read_columns.end()) read_columns.push_back(static_cast<size_t>(s));
      s = slot;  // now an index into the row group reader's output
    }
    // Equality deletes need their fields, whether the scan asked for them or not.
    for (const auto& del : file.equality_deletes) {
      EqualityFields& fields = equality_.emplace_back();
      fields.keys = &del->keys;
      for (int32_t id : del->field_ids) {
        const Field* field = schema.FindField(id);
        const int column = FindFieldColumn(reader, id, field ? field->name : std::string());
        const LogicalType type = field ? field->type : column >= 0 ? reader.columns()[column].type : LogicalType(TypeId::kVarchar);
        if (column < 0) {
          fields.slots.push_back(kMissingColumn);
          fields.values.push_back(std::make_unique<Vector>(Value::Null(type)));
          continue;
        }
        auto it = std::find(read_columns.begin(), read_columns.end(), static_cast<size_t>(column));
        fields.slots.push_back(static_cast<int>(it - read_columns.begin()));
        if (it == read_columns.end()) read_columns.push_back(static_cast<size_t>(column));
        fields.values.push_back(reader.columns()[column].type != type ? std::make_unique<Vector>(type) : nullptr);
      }
    }
    for (uint32_t g = 0; g < row_group; g++) position_ += reader.RowGroupRows(g);
    group_start_ = position_;
    rows_left_ = reader.RowGroupRows(row_group);
    // Pages the page index rules out are not read: the selected rows come straight from the file (a
    // partial row group is not cached); whole row groups go through the column cache.
    std::optional<parquet::RowRanges> ranges;
    if (!scan.filters.empty() && !read_columns.empty() && CanReadRowRanges(reader, read_columns)) {
      ranges = PagesMayMatch(reader, row_group, scan.filters, scan.filter_columns[file_index]);
      int64_t selected = 0;
      if (ranges) for (const auto& r : *ranges) selected += r.end - r.begin;
      if (ranges && selected == rows_left_) ranges.reset();
    }
    if (ranges && (ranges->empty() || m.part > 0)) {
      rows_left_ = 0;  // the first part reads the selected rows of the whole row group
    } else if (ranges) {
      ranged_ = reader.ReadRowGroup(row_group, read_columns, *ranges);
    } else {
      std::call_once(m.load->once, [&] { m.load->columns = LoadColumns(file, row_group, read_columns); });
      columns_ = m.load->columns;
      // This part's chunks of the row group (all of it when it is one part).
      // Parts are whole chunks: every chunk but a row group's last holds kVectorSize rows.
      const int64_t chunk_rows = static_cast<int64_t>(kVectorSize);
      const int64_t group_rows = rows_left_;
      const int64_t chunks = (group_rows + chunk_rows - 1) / chunk_rows;
      const int64_t per_part = (chunks + m.parts - 1) / m.parts;
      const int64_t first_chunk = std::min<int64_t>(chunks, m.part * per_part);
      const int64_t end_chunk = std::min<int64_t>(chunks, first_chunk + per_part);
      chunk_ = static_cast<size_t>(first_chunk);
      chunk_end_ = static_cast<size_t>(end_chunk);
      position_ = group_start_ + first_chunk * chunk_rows;
      rows_left_ = std::min<int64_t>(group_rows, end_chunk * chunk_rows) - first_chunk * chunk_rows;
    }
    deleted_ = file.deleted.get();
    if (deleted_) next_delete_ = std::lower_bound(deleted_->begin(), deleted_->end(), position_) - deleted_->begin();
  }

  bool Next(DataChunk& out) override {
    if (rows_left_ == 0) return false;
    size_t n = static_cast<size_t>(std::min<int64_t>(rows_left_, kVectorSize));
    if (ranged_) {
      raw_.Reset();
      if (!ranged_->Next(raw_)) return false;
      n = raw_.size();
      position_ = group_start_ + ranged_->first_row();
    } else if (!columns_.empty()) {
      if (chunk_ >= chunk_end_ || chunk_ >= columns_[0]->chunks.size()) return false;
      n = columns_[0]->sizes[chunk_];
    }
    rows_left_ -= static_cast<int64_t>(n);
    // Rows removed by position deletes.
    sel_.clear();
    bool any_deleted = false;
    if (deleted_) {
      int64_t end = position_ + static_cast<int64_t>(n);
      size_t d = next_delete_;
      if (d < deleted_->size() && (*deleted_)[d] < end) {
        any_deleted = true;
        for (size_t r = 0; r < n; r++) {
          int64_t pos = position_ + static_cast<int64_t>(r);
          while (d < deleted_->size() && (*deleted_)[d] < pos) d++;
          if (d < deleted_->size() && (*deleted_)[d] == pos) continue;
          sel_.push_back(static_cast<sel_t>(r));
        }
        while (d < deleted_->size() && (*deleted_)[d] < end) d++;
      }
      next_delete_ = d;
    }
    if (!equality_.empty()) any_deleted = ApplyEqualityDeletes(n, any_deleted) || any_deleted;
    size_t count = any_deleted ? sel_.size() : n;
    for (size_t c = 0; c < sources_.size(); c++) {
      Vector& target = out.column(c);
      int source = sources_[c];
      if (source == kRowIdSource) {
        target.Reset();
        auto* ids = target.data<int64_t>();
        int64_t base = (static_cast<int64_t>(file_index_) << kPositionBits) + position_;
        for (size_t i = 0; i < count; i++) ids[i] = base + (any_deleted ? sel_[i] : static_cast<int64_t>(i));
      } else if (source == kMissingColumn) {
        target.Reset();
        target.SetConstant(true);
        target.SetNull(0);
      } else {
        const Vector* values = &ReadColumn(source);
        if (widen_[c]) {
          Widen(*values, *widen_[c], n);
          values = widen_[c].get();
        }
        if (any_deleted) {
          target.Slice(*values, sel_.data(), count);
        } else {
          target.Reference(*values);
        }
      }
    }
    out.SetCardinality(count);
    position_ += static_cast<int64_t>(n);
    chunk_++;
    return true;
  }

 private:
  /// The current chunk's values of the row group reader's output column `slot`.
  const Vector& ReadColumn(int slot) const {
    return ranged_ ? raw_.column(static_cast<size_t>(slot)) : *columns_[static_cast<size_t>(slot)]->chunks[chunk_];
  }

  /// Narrow sel_ (or, without position deletes, all `n` rows) to the rows no equality delete matches;
  /// true when some row was removed.
  bool ApplyEqualityDeletes(size_t n, bool positions_deleted) {
    std::vector<std::vector<const Vector*>> values(equality_.size());
    for (size_t d = 0; d < equality_.size(); d++) {
      EqualityFields& fields = equality_[d];
      for (size_t k = 0; k < fields.slots.size(); k++) {
        if (fields.slots[k] == kMissingColumn) {
          values[d].push_back(fields.values[k].get());
        } else if (fields.values[k]) {
          Widen(ReadColumn(fields.slots[k]), *fields.values[k], n);
          values[d].push_back(fields.values[k].get());
        } else {
          values[d].push_back(&ReadColumn(fields.slots[k]));
        }
      }
    }
    std::vector<sel_t> kept;
    std::string key;
    auto keep = [&](sel_t r) {
      for (size_t d = 0; d < equality_.size(); d++) {
        key.clear();
        for (const Vector* v : values[d]) AppendEqualityKey(*v, r, key);
        if (equality_[d].keys->count(key)) return;
      }
      kept.push_back(r);
    };
    if (positions_deleted) {
      for (sel_t r : sel_) keep(r);
    } else {
      for (size_t r = 0; r < n; r++) keep(static_cast<sel_t>(r));
    }
    const bool removed = kept.size() < (positions_deleted ? sel_.size() : n);
    sel_ = std::move(kept);
    return removed;
  }

  /// Where one equality-delete file's fields come from: a slot of the read columns (with a vector to widen
  /// into when the file's type is narrower) or kMissingColumn (a NULL constant in `values`).
  struct EqualityFields {
    const std::unordered_set<std::string>* keys = nullptr;
    std::vector<int> slots;
    std::vector<std::unique_ptr<Vector>> values;
  };
  std::vector<EqualityFields> equality_;

  /// The decoded columns of the row group: from the cache, or decoded now (all of the missing ones in one
  /// pass over the row group) and cached.
  static std::vector<std::shared_ptr<const DecodedColumn>> LoadColumns(const TableState::LiveFile& file,
                                                                        uint32_t row_group,
                                                                        const std::vector<size_t>& read_columns) {
    ColumnCache& cache = ColumnCache::Instance();
    std::vector<std::shared_ptr<const DecodedColumn>> columns;
    auto key = [&](size_t c) {
      return file.file.path + "#" + std::to_string(row_group) + "#" + std::to_string(c);
    };
    columns.resize(read_columns.size());
    std::vector<size_t> missing, missing_slots;
    for (size_t i = 0; i < read_columns.size(); i++) {
      columns[i] = cache.Get(key(read_columns[i]));
      if (!columns[i]) {
        missing.push_back(read_columns[i]);
        missing_slots.push_back(i);
      }
    }
    if (missing.empty()) return columns;
    std::vector<std::shared_ptr<DecodedColumn>> decoded(missing.size());
    for (auto& d : decoded) d = std::make_shared<DecodedColumn>();
    auto rows = file.Reader().ReadRowGroup(row_group, missing);
    for (;;) {
      DataChunk chunk;
      if (!rows->Next(chunk)) break;
      for (size_t i = 0; i < missing.size(); i++) {
        auto v = std::make_unique<Vector>(chunk.column(i).type());
        v->Reference(chunk.column(i));
        decoded[i]->bytes += v->SizeInBytes(chunk.size());
        decoded[i]->chunks.push_back(std::move(v));
        decoded[i]->sizes.push_back(chunk.size());
      }
    }
    for (size_t i = 0; i < missing.size(); i++) {
      cache.Put(key(missing[i]), decoded[i], decoded[i]->bytes);
      columns[missing_slots[i]] = std::move(decoded[i]);
    }
    return columns;
  }

  const IcebergScanState& scan_;
  uint32_t file_index_ = 0;
  std::vector<int> sources_;
  std::vector<std::unique_ptr<Vector>> widen_;  // per scanned column: set when the file's type is narrower
  std::vector<std::shared_ptr<const DecodedColumn>> columns_;  // by read slot
  size_t chunk_ = 0;
  size_t chunk_end_ = SIZE_MAX;  // this part's chunks are [chunk_, chunk_end_)
  std::unique_ptr<parquet::RowGroupReader> ranged_;  // set when only some pages are read
  DataChunk raw_;
  int64_t group_start_ = 0;  // position of the row group's first row in the file
  int64_t rows_left_ = 0;
  int64_t position_ = 0;  // of the next row within the data file
  const std::vector<int64_t>* deleted_ = nullptr;
  size_t next_delete_ = 0;
  std::vector<sel_t> sel_;
};

/// Positions deleted from each data file by the position-delete files that apply to it.
/// The rows of a position-delete file: positions by data file path.
std::shared_ptr<const TableState::DeleteRows> ReadDeleteFile(const std::string& path) {
  auto out = std::make_shared<TableState::DeleteRows>();
  parquet::ParquetReader reader(path);
  int path_col = -1, pos_col = -1;
  for (size_t c = 0; c < reader.columns().size(); c++) {
    const auto& col = reader.columns()[c];
    if (col.name == "file_path") path_col = static_cast<int>(c);
    if (col.name == "pos") pos_col = static_cast<int>(c);
  }
  if (path_col < 0 || pos_col < 0) {
    throw DataError(sqlstate::kBadCopyFileFormat, "position delete file \"" + path + "\" lacks file_path or pos");
  }
  for (size_t g = 0; g < reader.RowGroupCount(); g++) {
    auto rows = reader.ReadRowGroup(g, {static_cast<size_t>(path_col), static_cast<size_t>(pos_col)});
    DataChunk chunk;
    std::vector<int64_t>* target = nullptr;
    std::string last_path;
    while (rows->Next(chunk)) {
      chunk.column(0).Flatten(chunk.size());
      chunk.column(1).Flatten(chunk.size());
      const string_t* paths = chunk.column(0).data<string_t>();
      const int64_t* positions = chunk.column(1).data<int64_t>();
      for (size_t r = 0; r < chunk.size(); r++) {
        if (chunk.column(0).IsNull(r) || chunk.column(1).IsNull(r)) continue;
        if (target == nullptr || paths[r].view() != last_path) {
          last_path = std::string(paths[r].view());
          target = &(*out)[last_path];
        }
        target->push_back(positions[r]);
      }
      chunk.Reset();
    }
  }
  return out;
}

/// Positions deleted from each data file by the position-delete files that apply to it. Delete files are
/// immutable: those the previous state read are reused, so a commit costs what it added.
std::map<std::string, std::vector<int64_t>> ReadPositionDeletes(const std::vector<ManifestEntry>& delete_files,
                                                                const std::map<std::string, int64_t>& data_seq,
                                                                const TableState* previous, TableState& state) {
  std::map<std::string, std::vector<int64_t>> deleted;
  for (const ManifestEntry& e : delete_files) {
    if (e.file.content == FileContent::kEqualityDeletes) continue;  // see EqualityDeletesFor
    std::shared_ptr<const TableState::DeleteRows> rows;
    if (previous) {
      auto it = previous->delete_rows.find(e.file.path);
      if (it != previous->delete_rows.end()) rows = it->second;
    }
    if (!rows) rows = ReadDeleteFile(e.file.path);
    state.delete_rows[e.file.path] = rows;
    for (const auto& [path, positions] : *rows) {
      auto seq = data_seq.find(path);
      // A delete applies to data files of its own or an earlier sequence number.
      if (seq == data_seq.end() || seq->second > e.sequence_number) continue;
      auto& target = deleted[path];
      target.insert(target.end(), positions.begin(), positions.end());
    }
  }
  for (auto& [path, positions] : deleted) {
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  }
  return deleted;
}

/// The equality-delete files that apply to each data file (by index in `data`): those of a later sequence
/// number, in the data file's partition or unpartitioned. Files the previous state read are reused.
std::vector<std::vector<std::shared_ptr<const TableState::EqualityDelete>>> EqualityDeletesFor(
    const std::vector<ManifestEntry>& delete_files, const std::vector<ManifestEntry>& data, const TableState* previous,
    TableState& state) {
  std::vector<std::vector<std::shared_ptr<const TableState::EqualityDelete>>> out(data.size());
  for (const ManifestEntry& e : delete_files) {
    if (e.file.content != FileContent::kEqualityDeletes) continue;
    std::shared_ptr<const TableState::EqualityDelete> rows;
    if (previous) {
      auto it = previous->equality_rows.find(e.file.path);
      if (it != previous->equality_rows.end()) rows = it->second;
    }
    if (!rows) rows = ReadEqualityDeleteFile(e.file, state.metadata.CurrentSchema());
    state.equality_rows[e.file.path] = rows;
    const bool global = state.metadata.FindSpec(e.file.spec_id).fields.empty();
    for (size_t d = 0; d < data.size(); d++) {
      const DataFile& f = data[d].file;
      if (data[d].sequence_number >= e.sequence_number) continue;
      if (!global && (f.spec_id != e.file.spec_id || f.partition != e.file.partition)) continue;
      out[d].push_back(rows);
    }
  }
  return out;
}

/// Distinct-value sketches of the snapshot's statistics, or of the newest statistics file (deletes since
/// then only lower the true counts, so the estimate stays an upper bound).
void LoadDistinct(TableState& state) {
  const auto& md = state.metadata;
  const StatisticsFile* stats = md.FindStatistics(*md.current_snapshot_id);
  if (stats == nullptr && !md.statistics.empty()) stats = &md.statistics.back();
  if (stats == nullptr) return;
  try {
    for (const PuffinBlob& blob : ReadPuffin(stats->path)) {
      DistinctSketch sketch;
      if (blob.type == "basin-hll-v1" && blob.fields.size() == 1 && sketch.Deserialize(blob.data)) {
        state.distinct[blob.fields[0]] = sketch;
      }
    }
  } catch (const Exception&) {
    // Statistics only guide the optimizer: a missing or damaged file must not make the table unreadable.
  }
}

/// Whether a data file may hold rows passing all `filters`, judged by its manifest entry alone.
bool FileMayMatch(const TableMetadata& md, const DataFile& file, const std::vector<TableFilter>& filters) {
  const auto& fields = md.CurrentSchema().fields;
  const PartitionSpec& spec = md.FindSpec(file.spec_id);
  auto find = [](const auto& map, int32_t id) { auto it = map.find(id); return it == map.end() ? nullptr : &it->second; };
  for (const TableFilter& filter : filters) {
    if (filter.column >= fields.size()) continue;
    const Field& field = fields[filter.column];
    for (size_t i = 0; i < spec.fields.size() && i < file.partition.size(); i++) {
      if (spec.fields[i].source_id == field.id && !PartitionMayMatch(spec.fields[i], field.type, file.partition[i], filter)) {
        return false;
      }
    }
    const int64_t* nulls = find(file.null_value_counts, field.id);
    const int64_t* values = find(file.value_counts, field.id);
    if (!BoundsMayMatch(field.type, find(file.lower_bounds, field.id), find(file.upper_bounds, field.id),
                        nulls ? *nulls : -1, values ? *values : -1, filter)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ResolveMetadataLocation(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::absolute(path).lexically_normal().string();
  fs::path metadata = fs::path(path) / "metadata";
  if (!fs::is_directory(metadata, ec)) {
    throw IOError("\"" + path + "\" is neither an Iceberg metadata file nor a table folder with metadata/");
  }
  // The file-system catalog's convention: version-hint.text holds N (some writers put it beside metadata/).
  for (const fs::path& hint : {metadata / "version-hint.text", fs::path(path) / "version-hint.text"}) {
    std::ifstream in(hint);
    int64_t version = 0;
    if (in >> version) {
      fs::path file = metadata / ("v" + std::to_string(version) + ".metadata.json");
      if (fs::is_regular_file(file, ec)) return fs::absolute(file).lexically_normal().string();
    }
  }
  int64_t best = -1;
  fs::path best_file;
  for (const auto& entry : fs::directory_iterator(metadata, ec)) {
    std::string name = entry.path().filename().string();
    // v<N>.metadata.json, or <N>-<uuid>.metadata.json as catalog-managed tables name them.
    if (name.size() < 15 || name.compare(name.size() - 14, 14, ".metadata.json") != 0) continue;
    int64_t n = std::strtoll(name.c_str() + (name[0] == 'v' ? 1 : 0), nullptr, 10);
    if (n > best) {
      best = n;
      best_file = entry.path();
    }
  }
  if (best < 0) throw IOError("no metadata file in \"" + metadata.string() + "\"");
  return fs::absolute(best_file).lexically_normal().string();
}

std::string IcebergTable::Create(const std::string& location, const std::vector<NewColumn>& columns,
                                 const TableLayout& layout) {
  std::error_code ec;
  fs::create_directories(fs::path(location) / "metadata", ec);
  if (!ec) fs::create_directories(fs::path(location) / "data", ec);
  if (ec) throw IOError("could not create table folder \"" + location + "\": " + ec.message());
  TableMetadata md;
  md.table_uuid = NewUuid();
  md.location = fs::absolute(location).lexically_normal().string();
  md.last_updated_ms = NowMillis();
  Schema schema;
  for (const NewColumn& c : columns) {
    CheckStorableType(c.name, c.type);
    int32_t id = static_cast<int32_t>(schema.fields.size() + 1);
    schema.fields.push_back({id, c.name, c.not_null, c.type, "", {}});
    if (!c.default_sql.empty()) md.properties["basin.column-default." + std::to_string(id)] = c.default_sql;
  }
  // The columns take ids 1..n, then list elements the ids after them, as Iceberg numbers nested fields.
  md.last_column_id = static_cast<int32_t>(columns.size());
  for (Field& f : schema.fields) AssignElementIds(f, md.last_column_id);
  for (size_t c : layout.primary_key) schema.identifier_field_ids.push_back(schema.fields.at(c).id);
  PartitionSpec& spec = md.specs.at(0);
  for (const PartitionColumn& p : layout.partitioning) {
    auto transform = TransformFromSql(p.transform);
    if (!transform) throw InternalError("unknown partition transform " + p.transform);
    const Field& source = schema.fields.at(p.column);
    spec.fields.push_back({source.id, ++md.last_partition_id, PartitionFieldName(*transform, source.name), *transform,
                           p.param});
  }
  md.schemas.push_back(std::move(schema));
  md.properties["write.format.default"] = "parquet";
  md.properties["write.parquet.compression-codec"] = "zstd";
  std::string path = md.location + "/metadata/v1.metadata.json";
  if (!WriteFileAtomic(path, md.ToJson(), /*exclusive=*/true)) {
    throw CatalogError(sqlstate::kDuplicateTable, "a table already exists in \"" + md.location + "\"");
  }
  WriteFileAtomic(md.location + "/metadata/version-hint.text", "1");
  return path;
}

IcebergTable::IcebergTable(std::shared_ptr<MetadataPointer> pointer) : pointer_(std::move(pointer)) {
  // Only the metadata file now (the schema, for the catalog): manifests and delete files are read when the
  // table is first used, so opening a database with many tables costs little.
  std::string location = pointer_->Load();
  auto state = std::make_shared<TableState>();
  state->metadata_location = location;
  state->metadata = ParseTableMetadata(ReadFileBytes(location), location);
  state->files_loaded = false;
  state_ = std::move(state);
}

IcebergTable::~IcebergTable() = default;

std::shared_ptr<const TableState> IcebergTable::LoadState(const std::string& location,
                                                          const TableState* previous) const {
  return BuildState(location, ParseTableMetadata(ReadFileBytes(location), location), previous);
}

std::shared_ptr<const TableState> IcebergTable::BuildState(const std::string& location, TableMetadata metadata,
                                                           const TableState* previous) {
  auto state = std::make_shared<TableState>();
  state->metadata_location = location;
  state->metadata = std::move(metadata);
  const Snapshot* snapshot = state->metadata.CurrentSnapshot();
  if (snapshot == nullptr) return state;
  state->manifests = ReadManifestList(snapshot->manifest_list);
  std::vector<ManifestEntry> data, deletes;
  for (const ManifestFile& m : state->manifests) {
    // Manifests are immutable: those the previous state read are reused, so a commit costs what it added.
    std::shared_ptr<const std::vector<ManifestEntry>> entries;
    if (previous) {
      auto it = previous->manifest_entries.find(m.path);
      if (it != previous->manifest_entries.end()) entries = it->second;
    }
    if (!entries) entries = std::make_shared<const std::vector<ManifestEntry>>(ReadManifest(m, &state->metadata));
    state->manifest_entries[m.path] = entries;
    for (const ManifestEntry& e : *entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      (e.file.content == FileContent::kData ? data : deletes).push_back(e);
    }
  }
  // Oldest first, so that a scan returns rows in the order they were written.
  std::stable_sort(data.begin(), data.end(),
                   [](const ManifestEntry& a, const ManifestEntry& b) { return a.sequence_number < b.sequence_number; });
  std::map<std::string, int64_t> data_seq;
  for (const ManifestEntry& e : data) data_seq[e.file.path] = e.sequence_number;
  auto deleted = ReadPositionDeletes(deletes, data_seq, previous, *state);
  auto equality = EqualityDeletesFor(deletes, data, previous, *state);
  for (const ManifestEntry& e : deletes) state->delete_files.emplace_back(e.file, e.sequence_number);
  std::map<std::string, const TableState::LiveFile*> known;
  if (previous) {
    for (const auto& f : previous->files) known[f.file.path] = &f;
  }
  for (size_t i = 0; i < data.size(); i++) {
    ManifestEntry& e = data[i];
    TableState::LiveFile live;
    live.equality_deletes = std::move(equality[i]);
    auto it = known.find(e.file.path);
    live.footer = it != known.end() ? it->second->footer : std::make_shared<TableState::Footer>();
    auto d = deleted.find(e.file.path);
    if (d != deleted.end()) live.deleted = std::make_shared<const std::vector<int64_t>>(std::move(d->second));
    live.sequence_number = e.sequence_number;
    live.file = std::move(e.file);
    state->files.push_back(std::move(live));
  }
  LoadDistinct(*state);
  IndexMorsels(*state);
  return state;
}

void IndexMorsels(TableState& state) {
  for (uint32_t f = 0; f < state.files.size(); f++) {
    const auto& live = state.files[f];
    state.row_count += live.file.record_count - live.DeletedCount();
    // Row groups by the manifest's split offsets when the writer recorded them (no footer read), else
    // by the footer.
    size_t groups = live.file.split_offsets.empty() ? live.Reader().RowGroupCount() : live.file.split_offsets.size();
    for (uint32_t g = 0; g < groups; g++) state.morsels.emplace_back(f, g);
  }
}

std::shared_ptr<const TableState> IcebergTable::State() const {
  std::string location = pointer_->Load();
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_->metadata_location != location) {
    state_ = LoadState(location, state_->files_loaded ? state_.get() : nullptr);
  } else if (!state_->files_loaded) {
    state_ = BuildState(location, state_->metadata, nullptr);
  }
  return state_;
}

std::shared_ptr<const TableState> IcebergTable::MetadataState() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

std::shared_ptr<const TableState> IcebergTable::StateAt(int64_t snapshot_id) {
  auto current = State();
  if (current->metadata.current_snapshot_id == snapshot_id) return current;
  if (current->metadata.FindSnapshot(snapshot_id) == nullptr) {
    throw CatalogError(sqlstate::kUndefinedObject, "the table has no snapshot " + std::to_string(snapshot_id));
  }
  // An earlier version: the current metadata with that snapshot made current, loaded like any other.
  TableMetadata md = current->metadata;
  md.current_snapshot_id = snapshot_id;
  return BuildState(current->metadata_location, std::move(md), current.get());
}

std::unique_ptr<TableScanState> IcebergTable::InitScan(const std::vector<size_t>& column_ids,
                                                       const std::vector<TableFilter>& filters) {
  return InitScanAt(State(), column_ids, filters);
}

std::unique_ptr<TableScanState> IcebergTable::InitScanAt(std::shared_ptr<const TableState> state,
                                                         const std::vector<size_t>& column_ids,
                                                         const std::vector<TableFilter>& filters) {
  auto scan = std::make_unique<IcebergScanState>();
  scan->column_ids = column_ids;
  scan->filters = filters;
  const Schema& schema = state->metadata.CurrentSchema();
  // Whole files first, by their partition and the bounds in their manifest entry; then row groups, by
  // Parquet statistics.
  std::vector<bool> file_may_match(state->files.size());
  scan->filter_columns.resize(state->files.size());
  for (size_t f = 0; f < state->files.size(); f++) {
    file_may_match[f] = FileMayMatch(state->metadata, state->files[f].file, filters);
    if (!file_may_match[f] || filters.empty()) continue;
    for (const TableFilter& filter : filters) {
      scan->filter_columns[f].push_back(
          filter.column < schema.fields.size() ? MapColumns(state->files[f].Reader(), schema, {filter.column})[0] : -1);
    }
  }
  for (const auto& [f, g] : state->morsels) {
    bool keep = file_may_match[f];
    const TableState::LiveFile& live = state->files[f];
    for (size_t i = 0; i < filters.size() && keep; i++) {
      int64_t source = scan->filter_columns[f][i];
      if (source >= 0) keep = RowGroupMayMatch(live.Reader(), g, static_cast<size_t>(source), filters[i]);
    }
    if (!keep) continue;
    scan->loads.push_back(std::make_unique<IcebergScanState::GroupLoad>());
    const int64_t rows = live.Reader().RowGroupRows(g);
    const uint32_t parts = static_cast<uint32_t>(std::max<int64_t>(1, (rows + kRowsPerPart - 1) / kRowsPerPart));
    for (uint32_t p = 0; p < parts; p++) scan->morsels.push_back({f, g, p, parts, scan->loads.back().get()});
  }
  scan->state = std::move(state);
  return scan;
}

size_t IcebergTable::MorselCount(const TableScanState& state) const {
  return static_cast<const IcebergScanState&>(state).morsels.size();
}

std::unique_ptr<MorselReader> OpenRowGroup(std::shared_ptr<const TableState> state, std::vector<size_t> column_ids,
                                          uint32_t file, uint32_t row_group) {
  // The reader refers to its scan state: keep both alive together.
  struct Owned : MorselReader {
    IcebergScanState scan;
    std::unique_ptr<IcebergMorselReader> reader;
    bool Next(DataChunk& out) override { return reader->Next(out); }
  };
  auto owned = std::make_unique<Owned>();
  owned->scan.state = std::move(state);
  owned->scan.column_ids = std::move(column_ids);
  owned->scan.loads.push_back(std::make_unique<IcebergScanState::GroupLoad>());
  owned->scan.morsels = {{file, row_group, 0, 1, owned->scan.loads.back().get()}};
  owned->reader = std::make_unique<IcebergMorselReader>(owned->scan, 0);
  return owned;
}

std::unique_ptr<MorselReader> IcebergTable::OpenMorsel(TableScanState& state, size_t morsel) {
  return std::make_unique<IcebergMorselReader>(static_cast<IcebergScanState&>(state), morsel);
}

int64_t IcebergTable::RowCount() const {
  return State()->row_count;
}

double IcebergTable::DistinctCount(size_t column) const {
  auto state = State();
  const auto& fields = state->metadata.CurrentSchema().fields;
  if (column >= fields.size()) return -1;
  auto it = state->distinct.find(fields[column].id);
  return it == state->distinct.end() ? -1 : it->second.Estimate();
}

int64_t IcebergTable::SizeInBytes() const {
  auto state = State();
  int64_t bytes = 0;
  for (const auto& f : state->files) bytes += f.file.file_size;
  return bytes;
}

}  // namespace basin::iceberg
