#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "types/logical_type.h"
#include "vector/vector.h"

namespace basin {

/// A file COPY TO writes: rows in, then Close.
class CopyFileWriter {
 public:
  virtual ~CopyFileWriter() = default;
  virtual void Write(const DataChunk& rows) = 0;
  /// Write rows that nobody changes any more: a writer that encodes them later may keep them instead of a
  /// copy.
  virtual void WriteShared(std::shared_ptr<const DataChunk> rows) { Write(*rows); }
  virtual void Close() = 0;
};
/// Makes the writer of one file of a format, with its COPY options bound.
using CopyFileWriterFactory = std::function<std::unique_ptr<CopyFileWriter>(
    const std::string& path, const std::vector<std::string>& names, const std::vector<LogicalType>& types)>;

/// COPY ... TO 'dir' (FORMAT ..., PARTITION_BY (a, b)): write the rows as hive-partitioned files
/// `dir/a=<value>/b=<value>/data_0<extension>`, the partition columns left out of the files (their values are
/// in the folder names, as Hive, Spark and DuckDB write them). Returns the rows written.
int64_t WriteHivePartitioned(const std::string& dir, const std::vector<std::string>& partition_by,
                             const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                             const std::vector<std::unique_ptr<DataChunk>>& chunks, const std::string& extension,
                             const CopyFileWriterFactory& make_writer);

}  // namespace basin
