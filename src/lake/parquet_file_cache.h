#pragma once

#include <memory>
#include <string>

#include "formats/parquet/parquet_reader.h"

namespace basin {

/// Open a Parquet file with its parsed footer, reusing the footer of an earlier open while the file's size
/// and modification time are unchanged, so that repeated queries over the same files do not re-parse them.
/// Thread-safe; holds at most a few hundred files (least recently used ones go). Throws as ParquetReader.
std::shared_ptr<const parquet::ParquetReader> OpenParquetFile(const std::string& path);

}  // namespace basin
