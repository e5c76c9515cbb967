#pragma once

// Text to number, boolean and bytea, accepting exactly what PostgreSQL's input functions accept (int4in,
// numeric_in, float8in, boolin, byteain): the pieces casts are built from, shared with the parser (numeric
// literals), the loaders and the JSON field reader. Never throw.

#include <cstdint>
#include <string>
#include <string_view>

#include "types/value.h"

namespace basin {

/// 10^exponent for 0 <= exponent <= 38.
hugeint_t Pow10(int exponent);

/// Outcome of parsing text as a number.
enum class ParseStatus : uint8_t { kOk, kInvalid, kOutOfRange };

/// Parse an integer (surrounding whitespace allowed, no fraction) within [min, max].
[[nodiscard]] ParseStatus ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t& out);
/// Parse a decimal number ("-1.25", "1e3", ".5") exactly, digit by digit, into the unscaled value of
/// DECIMAL(width, scale), rounding half away from zero; kOutOfRange when it needs more than width digits.
[[nodiscard]] ParseStatus ParseDecimal(std::string_view text, uint8_t width, uint8_t scale, hugeint_t& out);
/// Parse a double as PostgreSQL's float8in: "1.5", "1e-3", "NaN", "Infinity", "-inf".
[[nodiscard]] ParseStatus ParseDouble(std::string_view text, double& out);
/// Parse a boolean: t/true/yes/on/1 and f/false/no/off/0 (case-insensitive, unique prefixes of the words).
[[nodiscard]] bool ParseBoolean(std::string_view text, bool& out);
/// Parse bytea input: hex format ("\x0a0b") or escape format ("ab\\000c").
[[nodiscard]] bool ParseBlob(std::string_view text, std::string& out);

}  // namespace basin
