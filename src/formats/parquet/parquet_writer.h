#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "types/logical_type.h"
#include "vector/vector.h"

namespace basin::parquet {

/// A codec by the name COPY and Iceberg's write.parquet.compression-codec give it (lower case: zstd,
/// snappy, gzip, lz4 / lz4_raw, uncompressed / none); nullopt for others.
std::optional<CompressionCodec> CodecFromName(const std::string& name);

/// A LIST column's element as the file declares it: its field id (Iceberg's element-id) and repetition.
struct ListElement {
  int32_t field_id = -1;  // -1: none
  bool required = false;  // REQUIRED (a NULL element is an error) instead of OPTIONAL
};

struct ParquetWriterOptions {
  CompressionCodec codec = CompressionCodec::kZstd;
  /// Rows per row group (DuckDB's default).
  size_t row_group_size = 122880;
  /// Target size of a data page before compression.
  size_t page_size = 1 << 20;
  /// Dictionary-encode columns. A column chunk falls back to PLAIN once its dictionary page would pass
  /// `dictionary_size_limit` bytes or its dictionary `dictionary_value_limit` values (0: a tenth of
  /// row_group_size, as DuckDB limits it: many distinct values compress better PLAIN than as indices). Pages
  /// written before the fallback keep the dictionary, except that a chunk with too many values before its
  /// first page is all PLAIN.
  bool dictionary = true;
  size_t dictionary_size_limit = 1 << 20;
  size_t dictionary_value_limit = 0;
  /// Per column: REQUIRED (no definition levels; a NULL is an error) instead of OPTIONAL. Empty: all
  /// columns are optional.
  std::vector<bool> required;
  /// Per column, read for LIST columns: the element's field id and repetition. Empty: elements have no
  /// field id and are optional.
  std::vector<ListElement> list_elements;
  /// Written to the footer's created_by.
  std::string created_by = "Basin";
  /// Written to the footer's key_value_metadata (Iceberg keeps its schema under "iceberg.schema").
  std::vector<KeyValue> key_value_metadata;
  /// Threads that encode: 1 encodes each chunk's rows on the caller's thread as they arrive. N > 1 gathers
  /// row groups and encodes their columns, a few row groups at a time, on N - 1 threads of the writer's own
  /// (started with the first full row group, kept until Close) and on the caller's while it waits.
  int threads = 1;
};

/// A column chunk's page index, kept until Close writes it after the last row group. `column` is unset when
/// a page's bounds cannot be stated (NaN-only pages, INTERVAL columns).
struct ChunkPageIndex {
  std::optional<ColumnIndex> column;
  OffsetIndex offset;
};

class ColumnWriter;
struct EncodedChunk;

/// Throw NotImplementedError naming `column` when the writer cannot write a column of `type`: lists of lists
/// (the reader does not read them back yet). Every other Basin type, and lists of them, can be written.
void CheckWritableType(const std::string& column, const LogicalType& type);

/// Writes one Parquet file whose columns are primitives or LISTs of primitives (the 3-level encoding of
/// parquet-format's LogicalTypes.md: `<optional|required> group name (LIST) { repeated group list {
/// <optional|required> element } }`): rows are encoded into row groups of column chunks and pages
/// (options.threads says on how many threads), and Close() writes the page indexes and the footer. One
/// caller thread at a time; a writer not closed leaves an incomplete file.
class ParquetWriter {
 public:
  /// Create (truncate) `path`. `field_ids` is empty or one id per column (-1: none; a LIST column's is its
  /// group's). Throws IOError when the file cannot be created, NotImplementedError (CheckWritableType) for
  /// a type the writer cannot write.
  ParquetWriter(std::string path, std::vector<std::string> names, std::vector<LogicalType> types,
                std::vector<int32_t> field_ids, ParquetWriterOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  /// Append the chunk's rows (columns in schema order). With threads > 1 the writer keeps a copy until the
  /// rows are encoded. A NULL in a REQUIRED column (or list element) is a ConstraintError that leaves none of
  /// the rows written.
  void WriteChunk(const DataChunk& chunk);
  /// Append a chunk that the writer may keep, unchanged, until its rows are encoded (no copy).
  void WriteChunk(std::shared_ptr<const DataChunk> chunk);
  /// Encode the last row group and write the page indexes and the footer.
  void Close();

  /// Rows given to WriteChunk so far.
  int64_t rows() const { return rows_accepted_; }
  /// The file's size (once closed).
  int64_t bytes_written() const { return offset_; }
  /// The footer: row groups and their column statistics (once closed).
  const FileMetaData& metadata() const { return metadata_; }

 private:
  class Pipeline;  // threads > 1 (parquet_writer.cc)

  std::vector<std::unique_ptr<ColumnWriter>> MakeColumnWriters() const;
  /// Throw for a chunk the file cannot take (after Close, wrong columns, a NULL in a REQUIRED column or list
  /// element).
  void CheckChunk(const DataChunk& chunk) const;
  /// threads == 1: encode the rows now, finishing row groups as they fill.
  void EncodeRows(const DataChunk& chunk);
  void FinishRowGroup();
  /// Write an encoded row group of `rows` rows at the end of the file.
  void WriteRowGroup(std::vector<EncodedChunk>& chunks, size_t rows);
  void WritePageIndexes();
  void WriteBytes(std::string_view bytes);

  std::string path_;
  std::vector<std::string> names_;
  std::vector<LogicalType> types_;
  ParquetWriterOptions options_;
  std::ofstream out_;
  int64_t offset_ = 0;
  FileMetaData metadata_;
  std::vector<std::vector<ChunkPageIndex>> page_indexes_;  // per row group, per column
  int64_t rows_accepted_ = 0;
  bool closed_ = false;
  // threads == 1: the columns' writers and the row group they are filling.
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<EncodedChunk> encoded_;
  size_t group_rows_ = 0;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace basin::parquet
