#pragma once

// The Parquet writer's column writers: one column's values into column chunks (pages, dictionary, statistics,
// page index), specialised by the column's physical type. Used by parquet_writer.cc.

#include <cstdint>
#include <memory>
#include <string>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_writer.h"
#include "types/logical_type.h"
#include "vector/vector.h"

namespace basin::parquet {

/// A column chunk as a ColumnWriter encoded it: its bytes (the dictionary page, if any, then the data pages)
/// and its metadata, with offsets counted from the chunk's first byte until Place() moves them into the file.
struct EncodedChunk {
  std::string dictionary_page;
  std::string data_pages;
  ColumnMetaData meta;
  ChunkPageIndex index;

  /// Make the offsets absolute for the chunk written at file offset `base`.
  void Place(int64_t base);
};

/// Encodes one column into column chunks, one row group after another: dictionary-encoded pages falling back
/// to PLAIN ones, or PLAIN pages, definition levels, page and chunk statistics and the page index. Keeps its
/// buffers from chunk to chunk. Used by one thread at a time.
class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;
  /// Append rows [offset, offset + count) of `v` (flat or constant). A NULL in a REQUIRED column is a
  /// ConstraintError.
  virtual void Append(const Vector& v, size_t offset, size_t count) = 0;
  /// Flush the last page and move the chunk into `out`; the writer then starts the next chunk.
  virtual void FinishChunk(EncodedChunk& out) = 0;
};

/// Describe a column of `type` in `element` (physical type and annotations; `element.name` names the column)
/// and return its writer; `file` names the file in errors. Throws NotImplementedError for a type Parquet
/// cannot hold here (LIST).
std::unique_ptr<ColumnWriter> MakeColumnWriter(const LogicalType& type, SchemaElement& element, bool required,
                                               const ParquetWriterOptions& options, const std::string& file);

}  // namespace basin::parquet
