#include <algorithm>
#include <string>
#include <vector>

#include "cli/result_printer.h"
#include "cli/utf8.h"

namespace basin::cli {
namespace {

// Columns are never cut narrower than this, so a cut cell still shows a character and the ellipsis.
constexpr size_t kMinColumnWidth = 3;

// Show control characters as escapes: a raw newline or tab inside a cell would break the box.
std::string CellText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) {
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c == '\r') {
      out.append("\\r");
    } else {
      const char* hex = "0123456789abcdef";
      out.append("\\x").push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    }
  }
  return out;
}

// Cap every column at the widest cap that lets the whole row fit in max_width (binary search on the cap).
std::vector<size_t> FitWidths(const std::vector<size_t>& natural, size_t max_width) {
  const size_t borders = 3 * natural.size() + 1;
  const auto total = [&](size_t cap) {
    size_t sum = borders;
    for (size_t w : natural) sum += std::min(w, std::max(cap, kMinColumnWidth));
    return sum;
  };
  size_t widest = 0;
  for (size_t w : natural) widest = std::max(widest, w);
  if (max_width == 0 || total(widest) <= max_width) return natural;
  size_t low = kMinColumnWidth, high = widest;  // total(low) may still be too wide; then low it is
  while (low < high) {
    const size_t mid = (low + high + 1) / 2;
    if (total(mid) <= max_width) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  std::vector<size_t> widths;
  for (size_t w : natural) widths.push_back(std::min(w, low));
  return widths;
}

std::string Rule(const std::vector<size_t>& widths) {
  std::string line = "+";
  for (size_t w : widths) line += std::string(w + 2, '-') + "+";
  return line;
}

void WriteRow(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
              const std::vector<bool>& right_align, std::ostream& out) {
  out << '|';
  for (size_t c = 0; c < cells.size(); c++) {
    const std::string text = TruncateToWidth(cells[c], widths[c]);
    const std::string pad(widths[c] - DisplayWidth(text), ' ');
    out << ' ' << (right_align[c] ? pad + text : text + pad) << " |";
  }
  out << '\n';
}

}  // namespace

void PrintTable(const QueryResult& result, size_t max_width, std::ostream& out) {
  const size_t columns = result.ColumnCount();
  const size_t rows = result.RowCount();
  if (columns > 0) {
    std::vector<std::string> header;
    std::vector<size_t> natural;
    std::vector<bool> right_align;
    for (size_t c = 0; c < columns; c++) {
      header.push_back(CellText(result.names()[c]));
      natural.push_back(std::max<size_t>(DisplayWidth(header.back()), 1));
      right_align.push_back(result.types()[c].IsNumeric());
    }
    // All cells are rendered first: the widths depend on every row.
    std::vector<std::vector<std::string>> cells(rows, std::vector<std::string>(columns));
    for (size_t r = 0; r < rows; r++) {
      for (size_t c = 0; c < columns; c++) {
        const Value value = result.GetValue(c, r);
        cells[r][c] = value.IsNull() ? "NULL" : CellText(value.ToString());
        natural[c] = std::max(natural[c], DisplayWidth(cells[r][c]));
      }
    }
    const std::vector<size_t> widths = FitWidths(natural, max_width);
    const std::string rule = Rule(widths);
    out << rule << '\n';
    WriteRow(header, widths, std::vector<bool>(columns, false), out);
    out << rule << '\n';
    for (const auto& row : cells) WriteRow(row, widths, right_align, out);
    out << rule << '\n';
  }
  out << '(' << rows << (rows == 1 ? " row)" : " rows)") << '\n';
}

}  // namespace basin::cli
