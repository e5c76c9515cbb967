// The page index (parquet-format PageIndex.md): reading and validating a column chunk's ColumnIndex and
// OffsetIndex, and the pages' statistics as Basin values.
#include "common/exception.h"
#include "formats/parquet/parquet_reader_internal.h"

namespace basin::parquet {

namespace {

/// Largest page index struct Basin will read (exact string bounds of many pages can be large).
constexpr int64_t kMaxIndexBytes = int64_t{64} << 20;

/// Read the serialized struct at [offset, offset + length) into `out`; false when the chunk has none.
template <class T>
bool LoadIndex(const ParquetFile& file, const std::optional<int64_t>& offset,
               const std::optional<int32_t>& length, const char* what, T& out) {
  if (!offset || !length) return false;
  if (*offset < 4 || *length <= 0 || *length > kMaxIndexBytes ||
      static_cast<uint64_t>(*offset) > file.size() ||
      static_cast<uint64_t>(*length) > file.size() - static_cast<uint64_t>(*offset))
    Corrupt(file.path(), std::string(what) + " lies outside the file");
  std::vector<uint8_t> bytes(static_cast<size_t>(*length));
  file.Read(static_cast<uint64_t>(*offset), bytes.size(), bytes.data());
  CompactReader reader(bytes.data(), bytes.size(), file.path());
  Read(reader, out);
  return true;
}

const ColumnChunk& Chunk(const ParquetFile& file, const RowGroup& group, size_t column) {
  return group.columns[file.chunk_index[column]];
}

}  // namespace

std::optional<OffsetIndex> LoadOffsetIndex(const ParquetFile& file, const RowGroup& group, size_t column) {
  const ColumnChunk& chunk = Chunk(file, group, column);
  OffsetIndex index;
  if (!LoadIndex(file, chunk.offset_index_offset, chunk.offset_index_length, "offset index", index))
    return std::nullopt;
  const std::string& name = file.metadata.schema[file.leaf_schema_index[column]].name;
  auto bad = [&](const std::string& what) {
    Corrupt(file.path(), "offset index of \"" + name + "\": " + what);
  };
  int64_t start, size;
  ChunkRange(file, *chunk.meta_data, name, start, size);
  const auto& pages = index.page_locations;
  if (pages.empty() != (group.num_rows == 0)) bad("no pages for the row group's rows");
  int64_t next_offset = start;
  for (size_t k = 0; k < pages.size(); ++k) {
    const PageLocation& p = pages[k];
    if (k == 0 ? p.first_row_index != 0
               : p.first_row_index <= pages[k - 1].first_row_index || p.first_row_index >= group.num_rows)
      bad("page rows out of order");
    if (p.offset < next_offset || p.compressed_page_size <= 0 ||
        p.offset - start > size - p.compressed_page_size)
      bad("page outside its column chunk");
    next_offset = p.offset + p.compressed_page_size;
  }
  return index;
}

std::optional<ColumnIndex> LoadColumnIndex(const ParquetFile& file, const RowGroup& group, size_t column,
                                           size_t pages) {
  const ColumnChunk& chunk = Chunk(file, group, column);
  ColumnIndex index;
  if (!LoadIndex(file, chunk.column_index_offset, chunk.column_index_length, "column index", index))
    return std::nullopt;
  if (index.null_pages.size() != pages) {
    const std::string& name = file.metadata.schema[file.leaf_schema_index[column]].name;
    Corrupt(file.path(), "column index of \"" + name + "\" and its offset index differ in page count");
  }
  return index;
}

std::optional<std::vector<PageStatistics>> ParquetReader::PageIndex(size_t row_group, size_t column) const {
  if (row_group >= RowGroupCount() || column >= columns_.size())
    throw InternalError("Parquet row group or column index out of range");
  if (file_->levels[column].max_rep > 0) return std::nullopt;  // list pages count values, not rows
  const RowGroup& group = file_->metadata.row_groups[row_group];
  const auto offsets = LoadOffsetIndex(*file_, group, column);
  if (!offsets) return std::nullopt;
  const auto& locations = offsets->page_locations;
  const auto index = LoadColumnIndex(*file_, group, column, locations.size());
  if (!index) return std::nullopt;
  std::vector<PageStatistics> pages(locations.size());
  for (size_t k = 0; k < pages.size(); ++k) {
    PageStatistics& p = pages[k];
    p.first_row = locations[k].first_row_index;
    p.rows = (k + 1 < pages.size() ? locations[k + 1].first_row_index : group.num_rows) - p.first_row;
    p.stats.value_count = p.rows;
    if (!index->null_counts.empty()) {
      if (index->null_counts[k] < 0 || index->null_counts[k] > p.rows)
        Corrupt(path(), "column index of \"" + columns_[column].name + "\" has a NULL count out of range");
      p.stats.null_count = index->null_counts[k];
    }
    if (index->null_pages[k]) {
      p.stats.null_count = p.rows;
      continue;
    }
    p.stats.min = StatisticsBound(column, index->min_values[k], true);
    p.stats.max = StatisticsBound(column, index->max_values[k], true);
    if (!p.stats.min || !p.stats.max) p.stats.min = p.stats.max = std::nullopt;
  }
  return pages;
}

}  // namespace basin::parquet
