#pragma once

#include <cstdint>
#include <vector>

#include "execution/expression.h"
#include "vector/vector.h"

namespace basin {

/// One sort key: a column of a materialised collection, its direction and where its NULLs go.
struct SortKey {
  const Vector* column;
  OrderType order = OrderType::kAscending;
  NullsOrder nulls = NullsOrder::kLast;
};

/// Row numbers [0, count) in key order (stable). With `limit` < count, only the first `limit` positions are
/// guaranteed sorted (a top-N sort).
std::vector<uint32_t> SortPermutation(const std::vector<SortKey>& keys, size_t count,
                                      size_t limit = SIZE_MAX);


}  // namespace basin
