// Fuzz target for the Parquet reader: any byte string, taken as a Parquet file, must read or fail with a
// basin::Exception, never crash, hang or read out of bounds. Every column of every row group is decoded, and
// the page index parsed and used to read some rows only.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader reads files (with pread), so the input goes to a per-process scratch file.
  static const std::string path = "/tmp/basin_parquet_fuzz_" + std::to_string(::getpid()) + ".parquet";
  static const struct Cleanup {
    ~Cleanup() { std::remove(path.c_str()); }
  } cleanup;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    basin::parquet::ParquetReader reader(path);
    std::vector<size_t> ids;
    for (size_t c = 0; c < reader.columns().size(); ++c) ids.push_back(c);
    for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
      auto scan = reader.ReadRowGroup(g, ids);
      basin::DataChunk chunk;
      while (scan->Next(chunk)) {
        for (size_t c = 0; c < chunk.ColumnCount(); ++c)
          for (size_t r = 0; r < chunk.size(); ++r) (void)chunk.GetValue(c, r);
      }
    }
    std::vector<size_t> flat;
    for (size_t c = 0; c < reader.columns().size(); ++c) {
      if (reader.columns()[c].type.id() != basin::TypeId::kList) flat.push_back(c);
    }
    for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
      for (size_t c : flat) (void)reader.PageIndex(g, c);
      const int64_t rows = reader.RowGroupRows(g);
      auto scan = reader.ReadRowGroup(g, flat, {{rows / 3, rows / 2}, {rows - 1, rows}});
      basin::DataChunk chunk;
      while (scan->Next(chunk)) {
      }
    }
  } catch (const basin::Exception&) {
  }
  return 0;
}
