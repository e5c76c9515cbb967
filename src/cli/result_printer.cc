#include "cli/result_printer.h"

#include <cstdio>

#include "cli/utf8.h"
#include "main/csv_result.h"
#include "vector/vector.h"
#include "main/json_result.h"

namespace basin::cli {
namespace {

// Lines longer than this are shown as a window around the error position.
constexpr size_t kMaxErrorLineWidth = 120;

std::string FormatTime(double ms) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "Time: %.3f ms", ms);
  return buffer;
}

// Move a byte offset forward to the start of a UTF-8 character.
size_t CharBoundary(std::string_view text, size_t pos) {
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) pos++;
  return pos;
}

}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return std::nullopt;
}

std::string FormatError(const ErrorInfo& error, std::string_view statement) {
  std::string text = "Error: " + error.message + " (SQLSTATE " + error.sqlstate + ")\n";
  if (error.position < 0 || static_cast<size_t>(error.position) > statement.size()) return text;
  // Lines count from the statement's first non-blank character: the text after a previous ';' usually
  // starts with the newline that ended it.
  const size_t start = std::min(statement.find_first_not_of(" \t\r\n"), statement.size());
  const size_t end = statement.find_last_not_of(" \t\r\n") + 1;
  const size_t pos = std::max(static_cast<size_t>(error.position), start);
  const bool multi_line =
      statement.substr(start, end > start ? end - start : 0).find('\n') != std::string::npos;
  size_t line_start = start;
  size_t line_number = 1;
  for (size_t i = start; i < pos; i++) {
    if (statement[i] == '\n') line_start = i + 1, line_number++;
  }
  size_t line_end = statement.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = statement.size();
  std::string line(statement.substr(line_start, line_end - line_start));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // Tabs become spaces so the caret lines up whatever the terminal's tab stops.
  for (char& c : line) {
    if (c == '\t') c = ' ';
  }
  size_t column = std::min(pos - line_start, line.size());
  if (DisplayWidth(line) > kMaxErrorLineWidth) {
    const size_t from =
        column > kMaxErrorLineWidth / 2 ? CharBoundary(line, column - kMaxErrorLineWidth / 2) : 0;
    std::string window = line.substr(from);
    column -= from;
    if (from > 0) window = "..." + window, column += 3;
    line = TruncateToWidth(window, kMaxErrorLineWidth);
  }
  const std::string prefix = multi_line ? "LINE " + std::to_string(line_number) + ": " : "";
  text += prefix + line + "\n";
  text += std::string(prefix.size() + DisplayWidth(std::string_view(line).substr(0, column)), ' ') + "^\n";
  return text;
}

void PrintCsv(const QueryResult& result, std::ostream& out) {
  std::string text;
  AppendCsvHeader(result.names(), &text);
  for (const auto& chunk : result.chunks()) {
    for (size_t r = 0; r < chunk->size(); r++) AppendCsvRow(*chunk, r, &text);
    out << text;
    text.clear();
  }
  out << text;
}

void PrintResult(const QueryResult& result, std::string_view statement, const PrintOptions& options,
                 std::ostream& out, std::ostream& err) {
  if (options.format == OutputFormat::kJson) {
    out << ResultToJson(result, options.timer) << '\n';
    out.flush();
    return;
  }
  switch (result.kind()) {
    case QueryResult::Kind::kError:
      out.flush();  // keep stdout and stderr in statement order on a terminal
      err << FormatError(result.error(), statement);
      break;
    case QueryResult::Kind::kCount:
      // CSV output stays pure data, so statements without rows print nothing there.
      if (options.format == OutputFormat::kTable) {
        const int64_t n = result.rows_affected();
        out << "OK, " << n << (n == 1 ? " row" : " rows") << " affected\n";
      }
      break;
    case QueryResult::Kind::kRows:
      if (options.format == OutputFormat::kCsv) {
        PrintCsv(result, out);
      } else {
        PrintTable(result, options.max_width, out);
      }
      break;
  }
  if (options.timer) {
    // In CSV the time goes to stderr so that stdout stays loadable as CSV.
    (options.format == OutputFormat::kCsv ? err : out) << FormatTime(result.elapsed_ms()) << '\n';
  }
  out.flush();
}

}  // namespace basin::cli
