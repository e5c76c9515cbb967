#pragma once

// Casts between SQL types (CAST, ::, TRY_CAST and the binder's implicit casts), and the text conversions
// they are built from, shared with functions, the parser (numeric literals) and the loaders.

#include <cstdint>
#include <string>
#include <string_view>

#include "types/logical_type.h"
#include "types/value.h"
#include "vector/vector.h"

namespace basin {

/// Cast rows [0, count) of `source` into `result`, whose type is the target type. A constant source gives a
/// constant result. Failures throw DataError with PostgreSQL's SQLSTATE and message, or, with `try_cast`,
/// make the row NULL.
void CastVector(const Vector& source, Vector& result, size_t count, bool try_cast);

/// Cast one value (NULL stays NULL, retyped). Throws DataError on failure unless `try_cast`, which gives
/// NULL.
Value CastValue(const Value& v, const LogicalType& target, bool try_cast = false);

/// Cast one value; false (and `result` untouched) when the cast fails.
[[nodiscard]] bool TryCastValue(const Value& v, const LogicalType& target, Value& result);

/// Whether an explicit CAST(from AS to) exists at all (whatever the values), as PostgreSQL's pg_cast.
bool CanCast(const LogicalType& from, const LogicalType& to);

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

/// The PostgreSQL name of a type in error messages ("integer", "double precision", "numeric").
std::string PgTypeName(const LogicalType& type);

}  // namespace basin
