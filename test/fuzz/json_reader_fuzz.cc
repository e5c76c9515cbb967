// Fuzz target for the JSON reader: any byte string must read or fail with a basin::Exception, never crash or
// hang. The first byte picks the format and ignore_errors; the columns are inferred from the input itself.
// What reads back must survive a write (NDJSON) and a second read unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_writer.h"

namespace {

struct Table {
  std::vector<basin::json::JsonColumn> columns;
  std::vector<std::string> rows;  // each row's values as text
};

Table ReadAll(const std::string& data, basin::json::JsonReadOptions options) {
  Table table;
  basin::json::JsonReader sampler(data, "fuzz.json", options);
  (void)sampler.Sample(table.columns, options.sample_size);
  std::vector<basin::LogicalType> types;
  for (auto& c : table.columns) {
    if (c.type.id() == basin::TypeId::kNull) c.type = basin::TypeId::kVarchar;
    types.push_back(c.type);
  }
  basin::json::JsonReader reader(data, "fuzz.json", options);
  reader.SetColumns(table.columns);
  for (basin::DataChunk chunk(types); reader.ReadChunk(chunk);) {
    for (size_t r = 0; r < chunk.size(); ++r) {
      std::string row;
      for (size_t c = 0; c < types.size(); ++c) row += chunk.GetValue(c, r).ToString() + "\x1f";
      table.rows.push_back(row);
    }
    if (table.rows.size() > 4096) break;
  }
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  basin::json::JsonReadOptions options;
  static const basin::json::JsonFormat kFormats[] = {basin::json::JsonFormat::kAuto,
                                                     basin::json::JsonFormat::kNewlineDelimited,
                                                     basin::json::JsonFormat::kArray};
  options.format = kFormats[(data[0] & 3) % 3];
  options.ignore_errors = (data[0] & 4) != 0;
  options.sample_size = 1 + (data[0] >> 3);
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  Table first;
  try {
    first = ReadAll(input, options);
  } catch (const basin::Exception&) {
    return 0;
  }
  if (first.columns.empty() || first.rows.empty() || first.rows.size() > 4096) return 0;
  // Write the rows read (with the inferred types) as NDJSON and read them back with the same columns.
  basin::json::JsonReadOptions plain;
  plain.format = basin::json::JsonFormat::kNewlineDelimited;
  std::vector<basin::LogicalType> types;
  std::vector<std::string> names;
  for (auto& c : first.columns) {
    types.push_back(c.type);
    names.push_back(c.name);
  }
  basin::json::JsonReader reader(input, "fuzz.json", options);
  reader.SetColumns(first.columns);
  std::ostringstream out;
  basin::json::JsonWriter writer(out, names, "fuzz.out");
  for (basin::DataChunk chunk(types); reader.ReadChunk(chunk);) writer.WriteChunk(chunk);
  writer.Close();
  basin::json::JsonReader again(out.str(), "fuzz.out", plain);
  again.SetColumns(first.columns);
  std::vector<std::string> rows;
  for (basin::DataChunk chunk(types); again.ReadChunk(chunk);) {
    for (size_t r = 0; r < chunk.size(); ++r) {
      std::string row;
      for (size_t c = 0; c < types.size(); ++c) row += chunk.GetValue(c, r).ToString() + "\x1f";
      rows.push_back(row);
    }
  }
  if (rows != first.rows) std::abort();
  return 0;
}
