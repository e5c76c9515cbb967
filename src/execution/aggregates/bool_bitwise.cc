// bool_and (every), bool_or, bit_and, bit_or, bit_xor.

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

/// Fold values with an associative operation; NULL when no row had a value.
template <class T, class Fold>
struct FoldOp {
  using Input = T;
  using State = OptionalValue<T>;
  static void Initialize(State& s) { s.Init(); }
  static void Update(State& s, T v) { s.Set(s.has ? Fold::Apply(s.value, v) : v); }
  static void Combine(const State& source, State& target) {
    if (source.has) Update(target, source.value);
  }
  static void Finalize(State& s, Vector& result, size_t row) { StoreOrNull(result, row, s.has, s.value); }
};

struct And {
  template <class T>
  static T Apply(T a, T b) {
    return a & b;
  }
};
struct Or {
  template <class T>
  static T Apply(T a, T b) {
    return a | b;
  }
};
struct Xor {
  template <class T>
  static T Apply(T a, T b) {
    return a ^ b;
  }
};

template <class Fold>
void AddBitwise(AggregateSet& set, const char* name) {
  set.Add(MakeAggregate<FoldOp<int16_t, Fold>>(name, {TypeId::kSmallInt}, TypeId::kSmallInt));
  set.Add(MakeAggregate<FoldOp<int32_t, Fold>>(name, {TypeId::kInteger}, TypeId::kInteger));
  set.Add(MakeAggregate<FoldOp<int64_t, Fold>>(name, {TypeId::kBigInt}, TypeId::kBigInt));
}

}  // namespace

void AddBoolAndBitwise(AggregateSet& set) {
  // Booleans are stored as 0 or 1, so bitwise and/or are the logical ones.
  set.Add(MakeAggregate<FoldOp<uint8_t, And>>("", {TypeId::kBoolean}, TypeId::kBoolean),
          {"bool_and", "every"});
  set.Add(MakeAggregate<FoldOp<uint8_t, Or>>("bool_or", {TypeId::kBoolean}, TypeId::kBoolean));
  AddBitwise<And>(set, "bit_and");
  AddBitwise<Or>(set, "bit_or");
  AddBitwise<Xor>(set, "bit_xor");
}

}  // namespace basin::aggregates
