#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/parquet_writer.h"
#include "vector/vector.h"

namespace basin {

/// COPY ... TO 'dir' (FORMAT parquet, PARTITION_BY (a, b)): write the rows as hive-partitioned files
/// `dir/a=<value>/b=<value>/data_0.parquet`, the partition columns left out of the files (their values are in
/// the folder names, as Hive, Spark and DuckDB write them). Returns the rows written.
int64_t WriteHivePartitionedParquet(const std::string& dir, const std::vector<std::string>& partition_by,
                                    const std::vector<std::string>& names,
                                    const std::vector<LogicalType>& types,
                                    const std::vector<std::unique_ptr<DataChunk>>& chunks,
                                    const parquet::ParquetWriterOptions& options);

}  // namespace basin
