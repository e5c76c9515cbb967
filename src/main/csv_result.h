#pragma once

// A statement's rows as RFC 4180 CSV with a header line: `basin sql --format csv` prints it and `POST
// /api/v1/sql` with `"format": "csv"` streams it, line by line, so both say exactly the same.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "main/query_result.h"

namespace basin {

/// Append `field` as one CSV field, quoted (with quotes doubled) when it is empty or holds `,`, `"`, CR or
/// LF, so that the empty string reads back apart from NULL.
void AppendCsvField(std::string_view field, std::string* out);

/// Append the header line: the column names, then a newline.
void AppendCsvHeader(const std::vector<std::string>& names, std::string* out);

/// Append row `row` of `chunk` as one CSV line ending in a newline; NULL is an empty field, the empty
/// string `""`.
void AppendCsvRow(const DataChunk& chunk, size_t row, std::string* out);

}  // namespace basin
