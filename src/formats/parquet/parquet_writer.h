#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "types/logical_type.h"
#include "vector/vector.h"

namespace basin::parquet {

/// A codec by the name COPY and Iceberg's write.parquet.compression-codec give it (lower case: zstd,
/// snappy, gzip, lz4 / lz4_raw, uncompressed / none); nullopt for others.
std::optional<CompressionCodec> CodecFromName(const std::string& name);

struct ParquetWriterOptions {
  CompressionCodec codec = CompressionCodec::kZstd;
  /// Rows per row group (DuckDB's default).
  size_t row_group_size = 122880;
  /// Target size of a data page before compression.
  size_t page_size = 1 << 20;
  /// Dictionary-encode columns; a column falls back to PLAIN once its dictionary passes the limit.
  bool dictionary = true;
  size_t dictionary_size_limit = 1 << 20;
  /// Per column: REQUIRED (no definition levels; a NULL is an error) instead of OPTIONAL. Empty: all
  /// columns are optional.
  std::vector<bool> required;
  /// Written to the footer's created_by.
  std::string created_by = "Basin";
  /// Written to the footer's key_value_metadata (Iceberg keeps its schema under "iceberg.schema").
  std::vector<KeyValue> key_value_metadata;
};

class ColumnWriter;

/// A column chunk's page index, kept until Close writes it after the last row group. `column` is unset when
/// a page's bounds cannot be stated (NaN-only pages, INTERVAL columns).
struct ChunkPageIndex {
  std::optional<ColumnIndex> column;
  OffsetIndex offset;
};

/// Writes one Parquet file of a flat schema: chunks are buffered into row groups and pages, and Close()
/// writes the footer. Full row groups are encoded and written by a thread of the writer's own while the
/// caller produces the next one (two stages, so a load runs its parsing and its encoding side by side).
/// One caller thread at a time; a writer not closed leaves an incomplete file.
class ParquetWriter {
 public:
  /// Create (truncate) `path`. `field_ids` is empty or one id per column (-1: none). Throws IOError when
  /// the file cannot be created, NotImplementedError for a type Parquet cannot hold here (LIST).
  ParquetWriter(std::string path, std::vector<std::string> names, std::vector<LogicalType> types,
                std::vector<int32_t> field_ids, ParquetWriterOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  /// Append the chunk's rows (columns in schema order).
  void WriteChunk(const DataChunk& chunk);
  /// Flush the last row group and write the footer.
  void Close();

  /// Rows given to WriteChunk so far.
  int64_t rows() const { return rows_accepted_; }
  /// The file's size (once closed).
  int64_t bytes_written() const { return offset_; }
  /// The footer: row groups and their column statistics (once closed).
  const FileMetaData& metadata() const { return metadata_; }

 private:
  /// Rows of the row group being gathered: a span of a copied input chunk.
  struct Span {
    std::shared_ptr<const DataChunk> chunk;
    size_t offset, count;
  };
  /// Hand the gathered row group to the encoder thread (started on first use), once it is free.
  void SubmitRowGroup();
  void WaitIdle(std::unique_lock<std::mutex>& lock);
  void EncodeRowGroup(const std::vector<Span>& spans);
  void EncoderLoop();
  void StopEncoder();
  void FlushRowGroup();
  void WritePageIndexes();
  void WriteBytes(const std::string& bytes);

  std::string path_;
  std::vector<LogicalType> types_;
  ParquetWriterOptions options_;
  std::ofstream out_;
  int64_t offset_ = 0;
  FileMetaData metadata_;
  std::vector<std::vector<ChunkPageIndex>> page_indexes_;  // per row group, per column
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  size_t group_rows_ = 0;
  int64_t total_rows_ = 0;
  int64_t rows_accepted_ = 0;
  bool closed_ = false;

  std::vector<Span> gathering_;  // caller side
  size_t gathering_rows_ = 0;
  // Encoder thread: one row group at a time.
  std::thread encoder_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Span> job_;
  bool busy_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace basin::parquet
