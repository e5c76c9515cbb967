#pragma once

// The Parquet writer's column writers: one column's values into column chunks (pages, dictionary, statistics,
// page index), specialised by the column's physical type. Used by parquet_writer.cc.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
/// to PLAIN ones, or PLAIN pages, repetition and definition levels, page and chunk statistics and the page
/// index. Keeps its buffers from chunk to chunk. Used by one thread at a time.
class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;
  /// Append rows [offset, offset + count) of `v` (flat or constant). A NULL in a REQUIRED column or list
  /// element is a ConstraintError.
  virtual void Append(const Vector& v, size_t offset, size_t count) = 0;
  /// Flush the last page and move the chunk into `out`; the writer then starts the next chunk.
  virtual void FinishChunk(EncodedChunk& out) = 0;
};

/// A column of the file as ParquetWriter declares it.
struct ColumnSpec {
  std::string name;
  LogicalType type;
  int32_t field_id = -1;  // -1: none
  bool required = false;  // a LIST column: the list itself
  ListElement element;    // LIST columns
};

/// Return the writer of `column`; `file` names the file in errors. With `schema`, also append the column's
/// schema elements to it: one for a primitive (physical type and annotations), three for a LIST (its group,
/// the repeated group "list" and the "element"). Throws NotImplementedError (CheckWritableType).
std::unique_ptr<ColumnWriter> MakeColumnWriter(const ColumnSpec& column, const ParquetWriterOptions& options,
                                               const std::string& file, std::vector<SchemaElement>* schema);

}  // namespace basin::parquet
