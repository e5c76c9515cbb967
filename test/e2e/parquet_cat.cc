// A small tool for the Parquet end-to-end test: reads a Parquet file with Basin's reader and prints it as
// CSV, or rewrites it with Basin's writer.
//
//   parquet_cat FILE                      print a header line and the rows as CSV (NULL: empty, unquoted;
//                                         VARCHAR and BLOB always quoted)
//   parquet_cat --copy IN OUT CODEC       read IN, write OUT (small row groups and pages) with CODEC
//                                         (uncompressed, snappy, gzip, zstd, lz4_raw)

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace {

using basin::parquet::ParquetReader;

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// Call `fn(chunk)` for every chunk of the file.
template <class F>
void ForEachChunk(const ParquetReader& reader, F&& fn) {
  std::vector<size_t> ids;
  for (size_t c = 0; c < reader.columns().size(); ++c) ids.push_back(c);
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    auto scan = reader.ReadRowGroup(g, ids);
    basin::DataChunk chunk;
    while (scan->Next(chunk)) fn(chunk);
  }
}

void PrintCsv(const std::string& path) {
  ParquetReader reader(path);
  const auto names = reader.Names();
  for (size_t c = 0; c < names.size(); ++c) std::cout << (c ? "," : "") << Quote(names[c]);
  std::cout << "\n";
  ForEachChunk(reader, [&](const basin::DataChunk& chunk) {
    for (size_t r = 0; r < chunk.size(); ++r) {
      for (size_t c = 0; c < chunk.ColumnCount(); ++c) {
        if (c) std::cout << ",";
        const basin::Value v = chunk.GetValue(c, r);
        if (v.IsNull()) continue;
        const auto id = v.type().id();
        if (id == basin::TypeId::kVarchar) {
          std::cout << Quote(v.GetString());
        } else {
          std::cout << Quote(v.ToString());
        }
      }
      std::cout << "\n";
    }
  });
}

basin::parquet::CompressionCodec ParseCodec(const std::string& name) {
  using basin::parquet::CompressionCodec;
  if (name == "uncompressed") return CompressionCodec::kUncompressed;
  if (name == "snappy") return CompressionCodec::kSnappy;
  if (name == "gzip") return CompressionCodec::kGzip;
  if (name == "zstd") return CompressionCodec::kZstd;
  if (name == "lz4_raw") return CompressionCodec::kLz4Raw;
  throw basin::InternalError("unknown codec " + name);
}

void Copy(const std::string& in, const std::string& out, const std::string& codec) {
  ParquetReader reader(in);
  basin::parquet::ParquetWriterOptions options;
  options.codec = ParseCodec(codec);
  options.row_group_size = 30000;
  options.page_size = 64 * 1024;
  options.dictionary_size_limit = 64 * 1024;
  std::vector<int32_t> field_ids;
  for (size_t c = 0; c < reader.columns().size(); ++c) field_ids.push_back(static_cast<int32_t>(c + 1));
  basin::parquet::ParquetWriter writer(out, reader.Names(), reader.Types(), field_ids, options);
  ForEachChunk(reader, [&](const basin::DataChunk& chunk) { writer.WriteChunk(chunk); });
  writer.Close();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1) {
      PrintCsv(args[0]);
    } else if (args.size() == 4 && args[0] == "--copy") {
      Copy(args[1], args[2], args[3]);
    } else {
      std::cerr << "usage: parquet_cat FILE | parquet_cat --copy IN OUT CODEC\n";
      return 2;
    }
  } catch (const basin::Exception& e) {
    std::cerr << "parquet_cat: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
