// Fuzz target for the CSV / text-format reader: any byte string must read or fail with a basin::Exception,
// never crash or hang. The first two bytes pick the format, delimiter, quote, escape, header and column
// count; what reads back in CSV (or text with the default NULL) must survive a write and a second read
// unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"

namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

basin::csv::CsvOptions PickOptions(uint8_t a, uint8_t b) {
  static const char kDelimiters[] = {',', '|', '\t', ';'};
  basin::csv::CsvOptions options;
  if (a & 1) {
    options = basin::csv::CsvOptions::TextDefaults();
    options.delimiter = kDelimiters[(a >> 1) & 3];
  } else {
    options.delimiter = kDelimiters[(a >> 1) & 3];
    options.quote = (a & 8) ? '\'' : '"';
    options.escape = (a & 16) ? '\\' : options.quote;
  }
  options.header = (a & 32) != 0;
  if (b & 1) options.null_string = (a & 1) ? "NULL" : "NA";
  return options;
}

Rows ReadAll(const std::string& data, const basin::csv::CsvOptions& options, size_t columns) {
  basin::csv::CsvReader reader(std::make_unique<std::istringstream>(data), options, "fuzz.csv");
  basin::DataChunk chunk(
      std::vector<basin::LogicalType>(columns, basin::LogicalType(basin::TypeId::kVarchar)));
  Rows rows;
  while (reader.ReadChunk(chunk)) {
    for (size_t r = 0; r < chunk.size(); ++r) {
      rows.emplace_back();
      for (size_t c = 0; c < columns; ++c) {
        const basin::Vector& v = chunk.column(c);
        rows.back().push_back(v.IsNull(r) ? std::nullopt
                                          : std::optional<std::string>(v.data<basin::string_t>()[r].str()));
      }
    }
  }
  return rows;
}

std::string WriteAll(const Rows& rows, const basin::csv::CsvOptions& options, size_t columns) {
  std::ostringstream out;
  basin::csv::CsvWriter writer(out, options, "fuzz.out");
  if (options.header) writer.WriteHeader(std::vector<std::string>(columns, "h"));
  basin::DataChunk chunk(
      std::vector<basin::LogicalType>(columns, basin::LogicalType(basin::TypeId::kVarchar)));
  for (const auto& row : rows) {
    chunk.Reset();
    for (size_t c = 0; c < columns; ++c) {
      chunk.SetValue(c, 0,
                     row[c] ? basin::Value::Varchar(*row[c])
                            : basin::Value::Null(basin::LogicalType(basin::TypeId::kVarchar)));
    }
    chunk.SetCardinality(1);
    writer.WriteChunk(chunk);
  }
  writer.Close();
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  basin::csv::CsvOptions options = PickOptions(data[0], data[1]);
  const size_t columns = 1 + (data[1] >> 1) % 4;
  std::string input(reinterpret_cast<const char*>(data + 2), size - 2);
  Rows rows;
  try {
    rows = ReadAll(input, options, columns);
  } catch (const basin::Exception&) {
    return 0;
  }
  // Text format cannot tell a value equal to a custom NULL string from NULL, as in PostgreSQL.
  const bool exact = options.format == basin::csv::CopyFormat::kCsv || options.null_string == "\\N";
  if (exact && ReadAll(WriteAll(rows, options, columns), options, columns) != rows) std::abort();
  return 0;
}
