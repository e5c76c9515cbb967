// min, max, first (any_value, arbitrary) and last: aggregates that keep one value of their argument's type.

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

/// Keep one value, replacing it whenever Policy says the new value wins.
template <class T, class Policy>
struct KeepValueOp {
  using Input = T;
  using State = OptionalValue<T>;
  static void Initialize(State& s) { s.Init(); }
  static void Update(State& s, const T& v) {
    if (!s.has || Policy::Replaces(v, s.Get())) s.Set(v);
  }
  /// Integers of a run are folded to the run's winner first, without a branch per value (floats are
  /// left out: NaN sorts above every number).
  static void UpdateMany(State& s, const T* values,
                         size_t count) requires std::is_integral_v<T> && Policy::kCommutative {
    Update(s, FoldValues(values, count, [](T a, T b) { return Policy::Replaces(b, a) ? b : a; }));
  }
  static void Combine(const State& source, State& target) {
    if (source.has) Update(target, source.Get());
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    if (s.has) {
      StoreValue<T>(result, row, s.Get());
    } else {
      result.SetNull(row);
    }
  }
  static void Destroy(State& s) requires std::is_same_v<T, string_t> { s.Free(); }
  static void Serialize(const State& s, std::string& out) requires std::is_same_v<T, string_t> {
    PutFixed<uint8_t>(out, s.has);
    if (s.has) PutBytes(out, s.Get().view());
  }
  static void Deserialize(std::string_view& in, State& s) requires std::is_same_v<T, string_t> {
    if (TakeFlag(in)) s.Set(string_t(TakeBytes(in)));  // Set copies what is not inlined
  }
};

// kCommutative: which value wins does not depend on the order values come in.
struct MinPolicy {
  static constexpr bool kCommutative = true;
  template <class T>
  static bool Replaces(const T& v, const T& current) {
    return LessThan(v, current);
  }
};
struct MaxPolicy {
  static constexpr bool kCommutative = true;
  template <class T>
  static bool Replaces(const T& v, const T& current) {
    return LessThan(current, v);
  }
};
/// The first non-NULL value seen (after combine: the target's, which saw its rows first).
struct FirstPolicy {
  static constexpr bool kCommutative = false;
  template <class T>
  static bool Replaces(const T&, const T&) {
    return false;
  }
};
struct LastPolicy {
  static constexpr bool kCommutative = false;
  template <class T>
  static bool Replaces(const T&, const T&) {
    return true;
  }
};

/// Register KeepValueOp<T, Policy> for every type with a total order; the result has the argument's type.
template <class Policy>
void AddForEachType(AggregateSet& set, std::initializer_list<const char*> names,
                    bool order_dependent = false) {
  auto add = [&]<class T>(TypeId id) {
    AggregateFunction f = MakeAggregate<KeepValueOp<T, Policy>>("", {id}, id);
    f.order_dependent = order_dependent;
    set.Add(std::move(f), names);
  };
  ForEachOrderedType(add);
  add.template operator()<uint8_t>(TypeId::kBoolean);
  add.template operator()<string_t>(TypeId::kBlob);
  AggregateFunction f =
      MakeDecimalAggregate<KeepValueOp<hugeint_t, Policy>>("", AnyDecimal(), BindReturnArgumentType);
  f.order_dependent = order_dependent;
  set.Add(std::move(f), names);
}

}  // namespace

void AddMinMaxFirst(AggregateSet& set) {
  AddForEachType<MinPolicy>(set, {"min"});
  AddForEachType<MaxPolicy>(set, {"max"});
  AddForEachType<FirstPolicy>(set, {"first"}, /*order_dependent=*/true);
  AddForEachType<FirstPolicy>(set, {"any_value", "arbitrary"});
  AddForEachType<LastPolicy>(set, {"last"}, /*order_dependent=*/true);
}

}  // namespace basin::aggregates
