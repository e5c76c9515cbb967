#include "main/csv_result.h"

#include "vector/vector.h"

namespace basin {

void AppendCsvField(std::string_view field, std::string* out) {
  if (!field.empty() && field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvHeader(const std::vector<std::string>& names, std::string* out) {
  for (size_t c = 0; c < names.size(); c++) {
    if (c > 0) out->push_back(',');
    AppendCsvField(names[c], out);
  }
  out->push_back('\n');
}

void AppendCsvRow(const DataChunk& chunk, size_t row, std::string* out) {
  for (size_t c = 0; c < chunk.ColumnCount(); c++) {
    if (c > 0) out->push_back(',');
    const Value value = chunk.GetValue(c, row);
    if (!value.IsNull()) AppendCsvField(value.ToString(), out);
  }
  out->push_back('\n');
}

}  // namespace basin
