#include "execution/sort.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>

namespace basin {
namespace {

TEST(SortTest, OrdersByKeysWithNullPlacementAndStability) {
  Vector a(TypeId::kInteger, 8), b(TypeId::kVarchar, 8);
  std::vector<std::optional<int>> av = {3, std::nullopt, 1, 3, 2, std::nullopt, 1, 3};
  std::vector<std::string> bv = {"x", "a", "z", "b", "m", "b", "y", "b"};
  for (size_t i = 0; i < av.size(); i++) {
    if (av[i]) {
      a.data<int32_t>()[i] = *av[i];
    } else {
      a.SetNull(i);
    }
    b.SetValue(i, Value::Varchar(bv[i]));
  }
  // a DESC NULLS LAST, then b ASC: ties on both keys keep input order.
  auto perm = SortPermutation(
      {{&a, OrderType::kDescending, NullsOrder::kLast}, {&b, OrderType::kAscending, NullsOrder::kLast}}, 8);
  std::vector<uint32_t> expected = {3, 7, 0, 4, 6, 2, 1, 5};
  EXPECT_EQ(perm, expected);
  auto nulls_first = SortPermutation({{&a, OrderType::kAscending, NullsOrder::kFirst}}, 8);
  EXPECT_TRUE(a.IsNull(nulls_first[0]) && a.IsNull(nulls_first[1]));
  EXPECT_EQ(nulls_first[2], 2u);  // first 1 in input order
}

TEST(SortTest, TopNMatchesAFullSortPrefix) {
  const size_t n = 20000;
  Vector v(TypeId::kDouble, n);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> d(-1e6, 1e6);
  for (size_t i = 0; i < n; i++) v.data<double>()[i] = d(rng);
  auto full = SortPermutation({{&v, OrderType::kAscending, NullsOrder::kLast}}, n);
  auto top = SortPermutation({{&v, OrderType::kAscending, NullsOrder::kLast}}, n, 100);
  for (size_t i = 1; i < n; i++) ASSERT_LE(v.data<double>()[full[i - 1]], v.data<double>()[full[i]]);
  for (size_t i = 0; i < 100; i++) EXPECT_EQ(top[i], full[i]);
}

}  // namespace
}  // namespace basin
