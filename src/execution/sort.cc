#include "execution/sort.h"

#include <algorithm>
#include <numeric>

#include "execution/row_operations.h"

namespace basin {

namespace {
struct PreparedKey {
  const Vector* column;
  RowComparator compare;
  bool descending;
  bool nulls_first;
};

std::vector<PreparedKey> Prepare(const std::vector<SortKey>& keys) {
  std::vector<PreparedKey> prepared;
  for (auto& k : keys) {
    prepared.push_back({k.column, GetRowComparator(k.column->type()), k.order == OrderType::kDescending,
                        k.nulls == NullsOrder::kFirst});
  }
  return prepared;
}

inline int Compare(const std::vector<PreparedKey>& keys, size_t i, size_t j) {
  for (auto& k : keys) {
    bool in = k.column->IsNull(i), jn = k.column->IsNull(j);
    if (in || jn) {
      if (in == jn) continue;
      // NULLS FIRST/LAST is independent of the direction.
      return (in == k.nulls_first) ? -1 : 1;
    }
    int c = k.compare(*k.column, i, j);
    if (c != 0) return k.descending ? -c : c;
  }
  return 0;
}
}  // namespace

std::vector<uint32_t> SortPermutation(const std::vector<SortKey>& keys, size_t count, size_t limit) {
  std::vector<uint32_t> perm(count);
  std::iota(perm.begin(), perm.end(), 0);
  auto prepared = Prepare(keys);
  auto less = [&](uint32_t a, uint32_t b) {
    int c = Compare(prepared, a, b);
    return c != 0 ? c < 0 : a < b;  // ties by position keep the sort stable
  };
  if (limit < count) {
    std::partial_sort(perm.begin(), perm.begin() + limit, perm.end(), less);
  } else {
    std::sort(perm.begin(), perm.end(), less);
  }
  return perm;
}

}  // namespace basin
