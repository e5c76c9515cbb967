#pragma once

#include <string>
#include <vector>

#include "slt_parser.h"
#include "types/value.h"

namespace basin::slt {

/// Render a value as sqllogictest prints it for a column of type letter `type`: I an integer (reals
/// truncated toward zero, text read like C's atoi), R with three decimals, anything else as text. NULL is
/// "NULL", the empty string "(empty)", and every byte outside ' '..'~' becomes '@' (SQLite's runner does
/// the same, so results stay one line and ASCII).
std::string FormatValue(const Value& value, char type);

/// Map bytes outside ' '..'~' to '@', as FormatValue does; applied to expected values too, so a test file
/// may spell non-ASCII text as it reads.
std::string MaskNonPrintable(std::string text);

/// Put values (row-major, `columns` per row) in the order `mode` asks for: rows compared column by column
/// as strings (rowsort), or every value on its own (valuesort).
void SortValues(SortMode mode, size_t columns, std::vector<std::string>* values);

/// Return the MD5 over every value followed by '\n', as in "N values hashing to <md5>".
std::string HashValues(const std::vector<std::string>& values);

}  // namespace basin::slt
