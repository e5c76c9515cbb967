// Ordered-set aggregates: median, percentile_cont, percentile_disc (and DuckDB's quantile_* spellings),
// mode. Each keeps its group's values and selects from them at finalize.

#include <algorithm>
#include <cmath>

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

/// The fraction of percentile_cont(0.25) WITHIN GROUP (ORDER BY x), taken from the constant at bind time.
struct FractionData : FunctionData {
  FractionData(double f, bool null, bool desc) : fraction(f), is_null(null), descending(desc) {}
  std::unique_ptr<FunctionData> Copy() const override {
    return std::make_unique<FractionData>(fraction, is_null, descending);
  }
  bool Equals(const FunctionData& other) const override {
    auto* o = dynamic_cast<const FractionData*>(&other);
    return o && o->fraction == fraction && o->is_null == is_null && o->descending == descending;
  }
  double fraction;
  bool is_null;     // percentile_cont(NULL): every group's result is NULL
  bool descending;  // WITHIN GROUP (ORDER BY x DESC): the fraction counts from the largest value
};

/// Take the constant fraction out of the arguments, leaving the value column alone. The fraction comes
/// first for WITHIN GROUP (percentile_cont(f) ... ORDER BY x), last for quantile_cont(x, f). For
/// WITHIN GROUP (ORDER BY x DESC) the binder appends a constant TRUE after overload resolution (the
/// binder's protocol for ordered-set aggregates with a bind callback), taken out here too.
std::unique_ptr<FunctionData> BindFraction(std::vector<ExprPtr>& args) {
  bool descending = false;
  if (args.size() == 3 && args[2]->cls == ExprClass::kConstant && args[2]->type.id() == TypeId::kBoolean) {
    descending = args[2]->value.GetBool();
    args.pop_back();
  }
  if (args.size() != 2)
    throw BinderError(sqlstate::kUndefinedFunction, "percentile takes a fraction and a value");
  size_t at = args[0]->cls == ExprClass::kConstant ? 0 : 1;
  if (args[at]->cls != ExprClass::kConstant) {
    throw BinderError(sqlstate::kFeatureNotSupported, "the percentile fraction must be a constant");
  }
  const Value& v = args[at]->value;
  auto data = std::make_unique<FractionData>(0, v.IsNull(), descending);
  if (!v.IsNull()) {
    data->fraction = v.ToDouble();
    if (!(data->fraction >= 0 && data->fraction <= 1)) {
      throw DataError(sqlstate::kNumericValueOutOfRange,
                      "percentile value " + v.ToString() + " is not between 0 and 1");
    }
  }
  args.erase(args.begin() + static_cast<std::ptrdiff_t>(at));
  return data;
}

std::unique_ptr<FunctionData> BindPercentileCont(std::vector<ExprPtr>& args, LogicalType& return_type) {
  auto data = BindFraction(args);
  return_type = TypeId::kDouble;
  return data;
}

std::unique_ptr<FunctionData> BindPercentileDisc(std::vector<ExprPtr>& args, LogicalType& return_type) {
  auto data = BindFraction(args);
  return_type = args[0]->type;
  return data;
}

/// median has no fraction: it is 0.5.
double FractionOf(const FunctionData* bind, bool& is_null) {
  if (!bind) return 0.5;
  const auto* data = static_cast<const FractionData*>(bind);
  is_null = data->is_null;
  return data->fraction;
}

bool IsDescending(const FunctionData* bind) {
  return bind && static_cast<const FractionData*>(bind)->descending;
}

/// How a value of physical type T is kept: strings as owned copies.
template <class T>
using Stored = std::conditional_t<std::is_same_v<T, string_t>, std::string, T>;

/// Every non-NULL value of a group, allocated on the first one.
template <class T>
struct ValuesOp {
  using Input = T;
  struct State {
    std::vector<Stored<T>>* values;
  };
  static void Initialize(State& s) { s.values = nullptr; }
  static void Update(State& s, const T& v) {
    if (!s.values) s.values = new std::vector<Stored<T>>();
    if constexpr (std::is_same_v<T, string_t>) {
      s.values->emplace_back(v.data(), v.size());
    } else {
      s.values->push_back(v);
    }
  }
  static void Combine(const State& source, State& target) {
    if (!source.values) return;
    if (!target.values) target.values = new std::vector<Stored<T>>();
    target.values->insert(target.values->end(), source.values->begin(), source.values->end());
  }
  static void Destroy(State& s) {
    delete s.values;
    s.values = nullptr;
  }
  /// [u64 n], then n strings or the n values' bytes.
  static void Serialize(const State& s, std::string& out) {
    PutFixed<uint8_t>(out, s.values != nullptr);
    if (!s.values) return;
    PutFixed<uint64_t>(out, s.values->size());
    if constexpr (std::is_same_v<T, string_t>) {
      for (const std::string& v : *s.values) PutBytes(out, v);
    } else {
      out.append(reinterpret_cast<const char*>(s.values->data()), s.values->size() * sizeof(T));
    }
  }
  static void Deserialize(std::string_view& in, State& s) {
    if (!TakeFlag(in)) return;
    s.values = new std::vector<Stored<T>>();
    if constexpr (std::is_same_v<T, string_t>) {
      const uint64_t n = TakeCount(in, sizeof(uint32_t));
      s.values->reserve(n);
      for (uint64_t k = 0; k < n; k++) s.values->emplace_back(TakeBytes(in));
    } else {
      const uint64_t n = TakeCount(in, sizeof(T));
      s.values->resize(n);
      std::memcpy(s.values->data(), TakeRaw(in, n * sizeof(T)).data(), n * sizeof(T));
    }
  }
  static void Store(Vector& result, size_t row, const Stored<T>& v) {
    if constexpr (std::is_same_v<T, string_t>) {
      StoreValue(result, row, string_t(v));
    } else {
      StoreValue<T>(result, row, v);
    }
  }
  /// Put the k-th smallest value at position k (finalize may reorder: the state is not used again).
  static const Stored<T>& Select(std::vector<Stored<T>>& values, size_t k) {
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end(),
                     LessThan<Stored<T>>);
    return values[k];
  }
};

/// percentile_cont and median: interpolate between the two values around fraction * (n - 1).
struct PercentileContOp : ValuesOp<double> {
  static void Finalize(State& s, Vector& result, size_t row, const FunctionData* bind) {
    bool is_null = false;
    double fraction = FractionOf(bind, is_null);
    if (!s.values || s.values->empty() || is_null) {
      result.SetNull(row);
      return;
    }
    // Interpolation is symmetric: position f from the top is position 1 - f from the bottom.
    if (IsDescending(bind)) fraction = 1 - fraction;
    auto& values = *s.values;
    double position = fraction * static_cast<double>(values.size() - 1);
    auto lower = static_cast<size_t>(std::floor(position));
    double low = Select(values, lower);
    double out = low;
    if (position > static_cast<double>(lower)) {
      // After nth_element every later element is >= low; the next one up is their minimum.
      double high = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lower) + 1, values.end(),
                                      LessThan<double>);
      out = low + (position - static_cast<double>(lower)) * (high - low);
    }
    result.data<double>()[row] = out;
  }
};

/// percentile_disc: the first value whose position in the ordering reaches the fraction.
template <class T>
struct PercentileDiscOp : ValuesOp<T> {
  using State = typename ValuesOp<T>::State;
  static void Finalize(State& s, Vector& result, size_t row, const FunctionData* bind) {
    bool is_null = false;
    double fraction = FractionOf(bind, is_null);
    if (!s.values || s.values->empty() || is_null) {
      result.SetNull(row);
      return;
    }
    size_t n = s.values->size();
    auto k =
        std::min(static_cast<size_t>(std::max(0.0, std::ceil(fraction * static_cast<double>(n)) - 1)), n - 1);
    if (IsDescending(bind)) k = n - 1 - k;  // the k-th largest
    ValuesOp<T>::Store(result, row, ValuesOp<T>::Select(*s.values, k));
  }
};

/// mode: the most frequent value; among equally frequent ones the smallest, as PostgreSQL's sorted scan.
template <class T>
struct ModeOp : ValuesOp<T> {
  using State = typename ValuesOp<T>::State;
  static void Finalize(State& s, Vector& result, size_t row) {
    if (!s.values || s.values->empty()) {
      result.SetNull(row);
      return;
    }
    auto& values = *s.values;
    std::sort(values.begin(), values.end(), LessThan<Stored<T>>);
    size_t best = 0, best_run = 0;
    for (size_t start = 0; start < values.size();) {
      size_t end = start + 1;
      while (end < values.size() && !LessThan(values[start], values[end])) end++;
      if (end - start > best_run) {
        best = start;
        best_run = end - start;
      }
      start = end;
    }
    ValuesOp<T>::Store(result, row, values[best]);
  }
};

/// Register an ordered-set op for every type with a total order. `fraction_position` places the constant
/// fraction argument: 0 first (WITHIN GROUP form), 1 last (quantile_disc(x, f)), -1 none (mode).
template <template <class> class Op>
void AddForEachType(AggregateSet& set, const char* name, int fraction_position) {
  auto make = [&](AggregateFunction f) {
    if (fraction_position == 0) f.arguments.insert(f.arguments.begin(), TypeId::kDouble);
    if (fraction_position == 1) f.arguments.push_back(TypeId::kDouble);
    if (fraction_position >= 0) f.bind = BindPercentileDisc;
    set.Add(std::move(f), {name});
  };
  auto add = [&]<class T>(TypeId id) { make(MakeAggregate<Op<T>>(name, {id}, id)); };
  ForEachOrderedType(add);
  make(MakeDecimalAggregate<Op<hugeint_t>>(name, AnyDecimal(), BindReturnArgumentType));
}

}  // namespace

void AddQuantiles(AggregateSet& set) {
  AddDoubleAggregate<PercentileContOp>(set, {"median"}, TypeId::kDouble);
  // Both spellings with the fraction first (WITHIN GROUP) and quantile_cont(x, f) with it last.
  for (const LogicalType& t : NumericTypes()) {
    for (int position : {0, 1}) {
      AggregateFunction f = MakeAggregate<PercentileContOp>("", {t}, TypeId::kDouble);
      UseDoubleUpdate<PercentileContOp>(f);
      f.bind = BindPercentileCont;
      f.arguments.insert(position == 0 ? f.arguments.begin() : f.arguments.end(), TypeId::kDouble);
      set.Add(std::move(f), {position == 0 ? "percentile_cont" : "quantile_cont"});
    }
  }
  AddForEachType<PercentileDiscOp>(set, "percentile_disc", 0);
  AddForEachType<PercentileDiscOp>(set, "quantile_disc", 1);
  AddForEachType<ModeOp>(set, "mode", -1);
}

}  // namespace basin::aggregates
