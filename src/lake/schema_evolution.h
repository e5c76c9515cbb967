#pragma once

#include "types/logical_type.h"
#include "vector/vector.h"

namespace basin {

/// Whether values of `from` may be kept under `to` without rewriting them as text: Iceberg's type
/// promotions (int to long, float to double, a decimal to a wider precision of the same scale), plus
/// SMALLINT to INTEGER/BIGINT and VARCHAR(n) to a longer or unlimited VARCHAR.
bool IsWidening(const LogicalType& from, const LogicalType& to);

/// `out` = `in` (of a type that IsWidening to out's type), for `count` rows. Old data files and the rows of
/// in-memory tables are read through it after ALTER COLUMN TYPE.
void Widen(const Vector& in, Vector& out, size_t count);

}  // namespace basin
