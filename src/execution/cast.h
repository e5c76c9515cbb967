#pragma once

// Casts between SQL types (CAST, ::, TRY_CAST and the binder's implicit casts). The text conversions they
// are built from (ParseDecimal, ParseDouble, ...) are in types/text_parse.h.

#include <cstdint>
#include <string>
#include <string_view>

#include "types/logical_type.h"
#include "types/text_parse.h"
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

/// The PostgreSQL name of a type in error messages ("integer", "double precision", "numeric").
std::string PgTypeName(const LogicalType& type);

}  // namespace basin
