#pragma once

// A statement's result as one line of JSON: `basin sql --format json` prints it, `POST /api/v1/sql` answers
// with it (ARCHITECTURE.md's contract), so both say exactly the same.

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

/// Render a statement's result as the one-line JSON object of the `--format json` contract (shared with
/// `POST /api/v1/sql`), without a trailing newline. With `with_elapsed`, add "elapsed_ms".
std::string ResultToJson(const QueryResult& result, bool with_elapsed);

}  // namespace basin
