#pragma once

// A statement's result as one line of JSON: `basin sql --format json` prints it, `POST /api/v1/sql` answers
// with it (ARCHITECTURE.md's contract), so both say exactly the same.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "main/query_result.h"
#include "types/value.h"

namespace basin {

/// Append `text` as a JSON string literal (quotes included). Control characters are escaped and bytes that
/// are not valid UTF-8 become U+FFFD, so the output is always valid JSON whatever the data holds.
void AppendJsonString(std::string_view text, std::string* out);

/// Append one value as JSON: integers and DECIMAL as exact numbers, REAL/DOUBLE as numbers except NaN and
/// the infinities (strings: JSON has no such numbers), BOOLEAN as true/false, NULL as null, the rest as text.
void AppendJsonValue(const Value& value, std::string* out);

/// Append columns as a JSON array of `{"name": .., "type": ..}` objects.
void AppendJsonColumns(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                       std::string* out);

/// Append row `row` of `chunk` as a JSON array of its values.
void AppendJsonRow(const DataChunk& chunk, size_t row, std::string* out);

/// Append row `row` of `chunk` as a JSON object, each value under its column's name (NDJSON lines).
void AppendJsonObject(const std::vector<std::string>& names, const DataChunk& chunk, size_t row, std::string* out);
/// Every row of `result` as JSON objects, comma-separated.
void AppendJsonObjects(const QueryResult& result, std::string* out);

/// The rows result of the `--format json` contract in three parts, for writers that stream it: the head
/// (`{"columns":[..],"rows":[`), the rows (comma-separated JSON arrays, AppendJsonRow), and the tail, which
/// says whether rows were left out past a limit.
void AppendJsonRowsHead(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                        std::string* out);
void AppendJsonRowsTail(bool truncated, std::string* out);

/// Render a statement's result as the one-line JSON object of the `--format json` contract (shared with
/// `POST /api/v1/sql`), without a trailing newline. With `with_elapsed`, add "elapsed_ms". Rows past
/// `max_rows` are left out, and `"truncated":true` then says so.
std::string ResultToJson(const QueryResult& result, bool with_elapsed, size_t max_rows = SIZE_MAX);

}  // namespace basin
