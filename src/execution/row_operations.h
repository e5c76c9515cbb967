#pragma once

// Column-at-a-time helpers that hash tables, joins and sorts share: hashing rows, comparing rows of two
// vectors, gathering rows.

#include <cstdint>
#include <vector>

#include "vector/vector.h"
#include "vector/vector_hash.h"

namespace basin {

/// For each pair k: keep it when row left_rows[k] of `left` equals row right_rows[k] of `right`
/// (NULL equals NULL when nulls_equal, else never). Compacts the pair arrays; returns the number kept.
/// Pairs that fail are appended to `failed` (as indexes into the original pair arrays) when given.
size_t MatchRows(const Vector& left, sel_t* left_rows, const Vector& right, uint32_t* right_rows,
                 size_t count, bool nulls_equal);

/// Compare row i of a with row j of b (same type): <0, 0, >0. NULLs compare equal to each other and
/// greater than any value (callers apply NULLS FIRST/LAST themselves).
int CompareRows(const Vector& a, size_t i, const Vector& b, size_t j);

/// Three-way comparison of one vector's rows, specialised by type once (sort comparators call it per pair).
using RowComparator = int (*)(const Vector& v, size_t i, size_t j);
RowComparator GetRowComparator(const LogicalType& type);


/// Append row `row` of `source` at position `at` of `target`, growing it as needed.
void AppendRow(const Vector& source, size_t row, Vector& target, size_t at);

}  // namespace basin
