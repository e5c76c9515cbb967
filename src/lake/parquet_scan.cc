#include "lake/parquet_scan.h"

#include "common/exception.h"
#include "lake/parquet_file_cache.h"
#include "lake/parquet_statistics.h"

namespace basin {

namespace {

/// Reads one row group of one file and shapes its chunks to the scan's columns.
class ParquetMorselReader : public MorselReader {
 public:
  ParquetMorselReader(ParquetScanState& state, const ParquetScanState::File& file, size_t row_group,
                      const std::vector<ParquetScanColumn>& columns, const VectorCast& cast)
      : state_(state), path_(file.data->path), cast_(cast) {
    std::vector<size_t> file_columns;
    for (size_t id : state.column_ids) {
      Source source;
      source.type = columns[id].type;
      const int64_t fc = file.file_column[id];
      if (fc >= 0) {
        source.chunk_column = static_cast<int64_t>(file_columns.size());
        file_columns.push_back(static_cast<size_t>(fc));
        source.cast = file.reader->columns()[static_cast<size_t>(fc)].type != source.type;
      } else {
        source.constant = Value::Null(source.type);
        for (const auto& [column, value] : file.data->constants) {
          if (column == id) source.constant = value;
        }
      }
      types_.push_back(source.type);
      sources_.push_back(std::move(source));
    }
    rows_ = file.reader->RowGroupRows(row_group);
    const std::optional<parquet::RowRanges> ranges = SelectRows(file, row_group, file_columns);
    if (!file_columns.empty()) {
      group_ = ranges ? file.reader->ReadRowGroup(row_group, file_columns, *ranges)
                      : file.reader->ReadRowGroup(row_group, file_columns);
    }
  }

  bool Next(DataChunk& out) override {
    size_t n;
    if (group_) {
      if (!group_->Next(data_)) return false;
      n = data_.size();
    } else {  // only constants: the row group's row count is all we need
      if (rows_ <= 0) return false;
      n = static_cast<size_t>(std::min<int64_t>(rows_, static_cast<int64_t>(kVectorSize)));
      rows_ -= static_cast<int64_t>(n);
    }
    if (out.ColumnCount() == 0) {
      out.Initialize(types_);
    } else {
      out.Reset();
    }
    for (size_t i = 0; i < sources_.size(); ++i) {
      const Source& s = sources_[i];
      Vector& v = out.column(i);
      if (s.chunk_column < 0) {
        v.SetValue(0, s.constant);
        v.SetConstant(true);
        v.Flatten(n);
      } else if (!s.cast) {
        v.Reference(data_.column(static_cast<size_t>(s.chunk_column)));
      } else {
        try {
          cast_(data_.column(static_cast<size_t>(s.chunk_column)), v, n);
        } catch (const Exception& e) {
          throw Exception(e.sqlstate(), e.message() + " (reading Parquet file " + path_ + ")");
        }
      }
    }
    out.SetCardinality(n);
    state_.rows_read += static_cast<int64_t>(n);
    return true;
  }

 private:
  /// The rows of the row group the page index leaves to read (nullopt: all), counting those skipped.
  std::optional<parquet::RowRanges> SelectRows(const ParquetScanState::File& file, size_t row_group,
                                               const std::vector<size_t>& file_columns) {
    if (state_.filters.empty() || !CanReadRowRanges(*file.reader, file_columns)) return std::nullopt;
    std::vector<int64_t> filter_columns;
    for (const TableFilter& f : state_.filters) filter_columns.push_back(file.file_column[f.column]);
    auto ranges = PagesMayMatch(*file.reader, row_group, state_.filters, filter_columns);
    if (!ranges) return std::nullopt;
    int64_t selected = 0;
    for (const parquet::RowRange& r : *ranges) selected += r.end - r.begin;
    state_.rows_skipped += rows_ - selected;
    if (selected == rows_) return std::nullopt;
    rows_ = selected;  // a scan of constants only still returns one row per selected row
    return ranges;
  }

  struct Source {
    LogicalType type;
    int64_t chunk_column = -1;  // column of data_, or -1 for a constant
    bool cast = false;
    Value constant;
  };

  ParquetScanState& state_;
  const std::string& path_;
  const VectorCast& cast_;
  std::vector<Source> sources_;
  std::vector<LogicalType> types_;
  std::unique_ptr<parquet::RowGroupReader> group_;
  DataChunk data_;
  int64_t rows_ = 0;
};

}  // namespace

ParquetFilesTable::ParquetFilesTable(std::vector<ParquetDataFile> files,
                                     std::vector<ParquetScanColumn> columns, VectorCast cast,
                                     int64_t estimated_rows)
    : files_(std::move(files)),
      columns_(std::move(columns)),
      cast_(std::move(cast)),
      estimated_rows_(estimated_rows) {}

void ParquetFilesTable::MatchFile(ParquetScanState::File& file) const {
  file.file_column.assign(columns_.size(), ParquetScanState::kMissing);
  for (const auto& [column, value] : file.data->constants)
    file.file_column.at(column) = ParquetScanState::kConstant;
  const auto& file_columns = file.reader->columns();
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (file.file_column[c] == ParquetScanState::kConstant) continue;
    for (size_t f = 0; f < file_columns.size(); ++f) {
      const bool match = columns_[c].field_id ? file_columns[f].field_id == columns_[c].field_id
                                              : file_columns[f].name == columns_[c].name;
      if (match) {
        file.file_column[c] = static_cast<int64_t>(f);
        break;
      }
    }
  }
}

std::unique_ptr<TableScanState> ParquetFilesTable::InitScan(const std::vector<size_t>& column_ids,
                                                            const std::vector<TableFilter>& filters) {
  auto state = std::make_unique<ParquetScanState>();
  state->column_ids = column_ids;
  state->filters = filters;
  for (size_t id : column_ids) {
    if (id >= columns_.size()) throw NotImplementedError("Parquet files are read-only: no row ids to scan");
  }
  for (const ParquetDataFile& data : files_) {
    // Partition constants rule files out before they are opened.
    bool keep = true;
    for (const TableFilter& f : filters) {
      for (const auto& [column, value] : data.constants)
        keep &= column != f.column || ConstantMayMatch(value, f);
    }
    if (!keep) continue;
    ParquetScanState::File file;
    file.data = &data;
    file.reader = OpenParquetFile(data.path);
    MatchFile(file);
    for (const TableFilter& f : filters) {
      if (file.file_column[f.column] == ParquetScanState::kMissing)
        keep &= ConstantMayMatch(Value::Null(columns_[f.column].type), f);
    }
    if (!keep) continue;
    for (size_t g = 0; g < file.reader->RowGroupCount(); ++g) {
      bool group_kept = file.reader->RowGroupRows(g) > 0;
      for (const TableFilter& f : filters) {
        const int64_t fc = file.file_column[f.column];
        group_kept = group_kept && (fc < 0 || RowGroupMayMatch(*file.reader, g, static_cast<size_t>(fc), f));
      }
      if (group_kept) state->morsels.push_back({state->files.size(), g});
    }
    state->files.push_back(std::move(file));
  }
  return state;
}

size_t ParquetFilesTable::MorselCount(const TableScanState& state) const {
  return static_cast<const ParquetScanState&>(state).morsels.size();
}

std::unique_ptr<MorselReader> ParquetFilesTable::OpenMorsel(TableScanState& state_base, size_t morsel) {
  auto& state = static_cast<ParquetScanState&>(state_base);
  const ParquetScanState::Morsel& m = state.morsels.at(morsel);
  return std::make_unique<ParquetMorselReader>(state, state.files[m.file], m.row_group, columns_, cast_);
}

std::unique_ptr<TableStorage::Writer> ParquetFilesTable::BeginWrite() {
  throw NotImplementedError("Parquet files read with read_parquet cannot be modified");
}

}  // namespace basin
