#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "main/query_result.h"

namespace basin::cli {

/// How the CLI writes results (`--format`, `.mode`).
enum class OutputFormat { kTable, kCsv, kJson };

/// Map "table", "csv" or "json" to a format; nullopt for anything else.
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  bool timer = false;
  /// Table format: fit rows into this many columns, cutting wide cells with "…"; 0 never cuts (not a tty).
  size_t max_width = 0;
};

/// Write one statement's outcome. Rows and counts go to `out`; errors go to `err` in table and csv format
/// and to `out` in json format, whose contract is one JSON line per statement on stdout.
void PrintResult(const QueryResult& result, std::string_view statement, const PrintOptions& options,
                 std::ostream& out, std::ostream& err);

/// Render an error as `Error: <message> (SQLSTATE xxxxx)`, followed, when the error has a position, by the
/// statement's line at that position and a caret under it (with a psql-style `LINE n:` prefix when the
/// statement spans several lines). `statement` is the text the position counts bytes in.
std::string FormatError(const ErrorInfo& error, std::string_view statement);

/// Write rows as RFC 4180 CSV with a header line; NULL is an empty field, the empty string `""`.
void PrintCsv(const QueryResult& result, std::ostream& out);

/// Write rows as a bordered table with a "(N rows)" footer; see PrintOptions::max_width.
void PrintTable(const QueryResult& result, size_t max_width, std::ostream& out);

}  // namespace basin::cli
