#pragma once

// Templates that turn a small "operation" struct into an AggregateFunction, so that each aggregate is a
// few lines. An operation looks like:
//
//   struct SumOp {
//     using Input = int32_t;                 // C++ type of the argument's physical type
//     struct State { ... };                  // trivially copyable bytes; owned memory behind pointers
//     static void Initialize(State& s);
//     static void Update(State& s, Input v); // called for non-NULL rows only
//     static void Combine(const State& source, State& target);
//     static void Subtract(const State& source, State& target);  // optional: Combine's inverse
//     static void Finalize(State& s, Vector& result, size_t row);  // or (..., const FunctionData* bind)
//     static void Destroy(State& s);         // optional: only for states that own memory
//     static void Serialize(const State& s, std::string& out);     // with Destroy: the state as bytes
//     static void Deserialize(std::string_view& in, State& s);     // (state_bytes.h), for views' state
//     static void UpdateMany(State& s, const Input* values, size_t count);  // optional: a run of non-NULL
//                                            // values into one state, faster than Update value by value
//   };
//
// The update loop handles constant and flat vectors and skips NULL rows once, here, for every aggregate.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/exception.h"
#include "execution/aggregates/state_bytes.h"
#include "execution/function.h"
#include "vector/vector.h"

namespace basin::aggregates {

/// The built-in aggregates before they enter the registry; tests look functions up here directly.
struct AggregateSet {
  std::vector<AggregateFunction> functions;

  void Add(AggregateFunction f) { functions.push_back(std::move(f)); }
  /// Register `f` under every name in `names` (aliases are plain copies, so lookups need no alias table).
  void Add(AggregateFunction f, std::initializer_list<const char*> names) {
    for (const char* n : names) {
      f.name = n;
      functions.push_back(f);
    }
  }
};

/// A DECIMAL argument of any width and scale: overloads taking it get their return type from `bind`.
inline LogicalType AnyDecimal() {
  return LogicalType(TypeId::kDecimal);
}

template <class State>
State& StateOf(uint8_t* p) {
  return *reinterpret_cast<State*>(p);
}
template <class State>
const State& StateOf(const uint8_t* p) {
  return *reinterpret_cast<const State*>(p);
}

/// 10^scale as a double, for turning unscaled decimals into numbers.
inline double PowerOfTen(int scale) {
  return std::pow(10.0, scale);
}

/// The largest unscaled value a DECIMAL(38, s) holds, plus one: 10^38.
inline hugeint_t DecimalLimit38() {
  hugeint_t v = 1;
  for (int i = 0; i < 38; i++) v *= 10;
  return v;
}

/// Write `v` into row `row` of `result`. Strings are copied into the result's heap; 128-bit values go to
/// DECIMAL results of either width (decimal states keep 128 bits whatever the input width).
template <class T>
void StoreValue(Vector& result, size_t row, const T& v) {
  if constexpr (std::is_same_v<T, string_t>) {
    result.data<string_t>()[row] = result.AddString(v.view());
  } else if constexpr (std::is_same_v<T, hugeint_t>) {
    if (result.type().physical() == PhysicalType::kInt64) {
      result.data<int64_t>()[row] = static_cast<int64_t>(v);
    } else {
      result.data<hugeint_t>()[row] = v;
    }
  } else {
    result.data<T>()[row] = v;
  }
}

/// Write `v` into row `row` when `has`, otherwise make the row NULL (an aggregate over no values).
template <class T>
void StoreOrNull(Vector& result, size_t row, bool has, const T& v) {
  if (has) {
    StoreValue<T>(result, row, v);
  } else {
    result.SetNull(row);
  }
}

/// Strict weak order used by min, max and the quantiles: NaN sorts above every number, as in PostgreSQL.
template <class T>
bool LessThan(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

/// An optional value of physical type T held in a state. Strings own a heap copy, because the vector
/// they came from is gone by the time the state is finalized.
template <class T>
struct OptionalValue {
  T value;
  bool has;

  void Init() { has = false; }
  const T& Get() const { return value; }
  void Set(const T& v) {
    value = v;
    has = true;
  }
  void Free() {}
};

template <>
struct OptionalValue<string_t> {
  string_t value;   // inlined, or pointing into `buffer`
  char* buffer;     // owned; reused while longer strings replace each other
  uint32_t capacity;
  bool has;

  void Init() {
    buffer = nullptr;
    capacity = 0;
    has = false;
  }
  const string_t& Get() const { return value; }
  void Set(const string_t& v) {
    has = true;
    if (v.IsInlined()) {
      value = v;
      return;
    }
    if (v.size() > capacity) {
      delete[] buffer;
      capacity = std::max<uint32_t>(v.size(), 2 * capacity);
      buffer = new char[capacity];
    }
    std::memcpy(buffer, v.data(), v.size());
    value = string_t(buffer, v.size());
  }
  void Free() {
    delete[] buffer;
    buffer = nullptr;
  }
};

// ---- generic callbacks built from an operation struct ----

template <class Op>
void OpInitialize(uint8_t* state, const FunctionData*) {
  Op::Initialize(StateOf<typename Op::State>(state));
}

/// The state row i folds into: `states` is one state per row (grouped), or the only state (no GROUP BY:
/// the `simple_update` path, where the loop keeps that state in registers).
template <class State>
State& StateAt(uint8_t** states, size_t i) {
  return StateOf<State>(states[i]);
}
template <class State>
State& StateAt(uint8_t* state, size_t) {
  return StateOf<State>(state);
}

/// Fold `count` (> 0) values to one with `pick`, which must be associative and commutative (min, max):
/// in 16 lanes side by side, which the compiler vectorises at -O2, then across the lanes.
template <class T, class Pick>
T FoldValues(const T* values, size_t count, Pick pick) {
  constexpr size_t kLanes = 16;
  T best = values[0];
  size_t i = 1;
  if (count >= 2 * kLanes) {
    T lanes[kLanes];
    std::copy(values, values + kLanes, lanes);
    for (i = kLanes; i + kLanes <= count; i += kLanes) {
      for (size_t k = 0; k < kLanes; k++) lanes[k] = pick(lanes[k], values[i + k]);
    }
    best = lanes[0];
    for (size_t k = 1; k < kLanes; k++) best = pick(best, lanes[k]);
  }
  for (; i < count; i++) best = pick(best, values[i]);
  return best;
}

/// Fold a column (read as physical type Input) into the states, skipping NULL rows.
template <class Op, class Input = typename Op::Input, class States>
void UnaryUpdateColumn(const Vector& v, States states, size_t count) {
  using State = typename Op::State;
  const Input* data = v.data<Input>();
  if (v.IsConstant()) {
    if (v.IsNull(0)) return;
    for (size_t i = 0; i < count; i++) Op::Update(StateAt<State>(states, i), data[0]);
  } else if (v.validity().AllValid()) {
    if constexpr (requires(State & s) { Op::UpdateMany(s, data, count); }) {
      if constexpr (std::is_same_v<States, uint8_t*>) {
        if (count > 0) Op::UpdateMany(StateOf<State>(states), data, count);
        return;
      }
    }
    for (size_t i = 0; i < count; i++) Op::Update(StateAt<State>(states, i), data[i]);
  } else {
    for (size_t i = 0; i < count; i++) {
      if (v.validity().RowIsValid(i)) Op::Update(StateAt<State>(states, i), data[i]);
    }
  }
}

template <class Op, class Input = typename Op::Input, class States>
void OpUpdate(DataChunk& args, States states, size_t count, const FunctionData*) {
  // The last column holds the values: ordered-set aggregates may still carry their constant first.
  UnaryUpdateColumn<Op, Input>(args.column(args.ColumnCount() - 1), states, count);
}

/// Update for a DECIMAL argument of either width: the state is 128-bit, the input read as it is stored.
template <class Op, class States>
void DecimalUpdate(DataChunk& args, States states, size_t count, const FunctionData* bind) {
  const Vector& v = args.column(args.ColumnCount() - 1);
  if (v.type().physical() == PhysicalType::kInt64) {
    UnaryUpdateColumn<Op, int64_t>(v, states, count);
  } else {
    UnaryUpdateColumn<Op, hugeint_t>(v, states, count);
  }
}

template <class Op>
void OpCombine(const uint8_t* source, uint8_t* target, const FunctionData*) {
  Op::Combine(StateOf<typename Op::State>(source), StateOf<typename Op::State>(target));
}

template <class Op>
void OpSubtract(const uint8_t* source, uint8_t* target, const FunctionData*) {
  Op::Subtract(StateOf<typename Op::State>(source), StateOf<typename Op::State>(target));
}

template <class Op>
void OpFinalize(uint8_t* state, Vector& result, size_t row, const FunctionData* bind) {
  auto& s = StateOf<typename Op::State>(state);
  if constexpr (requires { Op::Finalize(s, result, row, bind); }) {
    Op::Finalize(s, result, row, bind);
  } else {
    Op::Finalize(s, result, row);
  }
}

template <class Op>
void OpDestroy(uint8_t* state) {
  Op::Destroy(StateOf<typename Op::State>(state));
}

template <class Op>
void OpSerialize(const uint8_t* state, std::string& out, const FunctionData*) {
  Op::Serialize(StateOf<typename Op::State>(state), out);
}

template <class Op>
void OpDeserialize(std::string_view& in, uint8_t* state, const FunctionData*) {
  Op::Deserialize(in, StateOf<typename Op::State>(state));
}

/// Build an aggregate whose update is written by hand (several arguments, or NULLs handled itself), with
/// Initialize, Combine, Finalize and Destroy taken from Op.
template <class Op>
AggregateFunction MakeAggregateWithUpdate(std::string name, std::vector<LogicalType> arguments,
                                          LogicalType return_type,
                                          decltype(AggregateFunction::update) update) {
  AggregateFunction f;
  f.name = std::move(name);
  f.arguments = std::move(arguments);
  f.return_type = std::move(return_type);
  f.state_size = sizeof(typename Op::State);
  f.initialize = OpInitialize<Op>;
  f.update = update;
  f.combine = OpCombine<Op>;
  if constexpr (requires(const typename Op::State& s, typename Op::State& t) { Op::Subtract(s, t); }) {
    f.subtract = OpSubtract<Op>;
  }
  f.finalize = OpFinalize<Op>;
  if constexpr (requires(typename Op::State & s) { Op::Destroy(s); }) f.destroy = OpDestroy<Op>;
  if constexpr (requires(const typename Op::State& s, std::string& out) { Op::Serialize(s, out); }) {
    f.serialize = OpSerialize<Op>;
    f.deserialize = OpDeserialize<Op>;
  }
  return f;
}

/// Build an aggregate from an operation struct (see the top of this file).
template <class Op, class Input = typename Op::Input>
AggregateFunction MakeAggregate(std::string name, std::vector<LogicalType> arguments,
                                LogicalType return_type) {
  AggregateFunction f = MakeAggregateWithUpdate<Op>(std::move(name), std::move(arguments),
                                                    std::move(return_type), OpUpdate<Op, Input>);
  f.simple_update = OpUpdate<Op, Input>;
  return f;
}

/// Build an aggregate over DECIMAL of any width from an operation on 128-bit values; `bind` sets the
/// return type from the argument's scale.
template <class Op>
AggregateFunction MakeDecimalAggregate(std::string name, LogicalType return_type,
                                       decltype(AggregateFunction::bind) bind) {
  AggregateFunction f = MakeAggregate<Op, hugeint_t>(std::move(name), {AnyDecimal()}, std::move(return_type));
  f.update = DecimalUpdate<Op>;
  f.simple_update = DecimalUpdate<Op>;
  f.bind = bind;
  return f;
}

/// Call add.template operator()<T>(id) for each ordered type (numbers, VARCHAR, temporal types, INTERVAL)
/// with T its physical C++ type, so one instantiation serves all types that share a layout. DECIMAL is
/// left to MakeDecimalAggregate; BOOLEAN and BLOB to callers that want them.
template <class F>
void ForEachOrderedType(F&& add) {
  add.template operator()<int16_t>(TypeId::kSmallInt);
  add.template operator()<int32_t>(TypeId::kInteger);
  add.template operator()<int64_t>(TypeId::kBigInt);
  add.template operator()<float>(TypeId::kReal);
  add.template operator()<double>(TypeId::kDouble);
  add.template operator()<string_t>(TypeId::kVarchar);
  add.template operator()<int32_t>(TypeId::kDate);
  add.template operator()<int64_t>(TypeId::kTime);
  add.template operator()<int64_t>(TypeId::kTimestamp);
  add.template operator()<int64_t>(TypeId::kTimestampTz);
  add.template operator()<interval_t>(TypeId::kInterval);
}

/// Bind for aggregates that return their argument's type (min(DECIMAL(10,2)) is DECIMAL(10,2)).
std::unique_ptr<FunctionData> BindReturnArgumentType(std::vector<ExprPtr>& args, LogicalType& return_type);

// ---- numeric arguments read as doubles (statistics, avg of floats, quantiles) ----

/// The values of a numeric vector as doubles (DECIMAL scaled): the vector's own data when it is DOUBLE,
/// otherwise converted into `scratch`. A constant vector yields one value.
const double* ReadAsDouble(const Vector& v, size_t count, std::vector<double>& scratch);

/// The numeric types that statistics accept; each reads as double.
std::vector<LogicalType> NumericTypes();

/// Update for an operation whose Input is double, whatever the numeric argument type.
template <class Op, class States>
void DoubleUpdate(DataChunk& args, States states, size_t count, const FunctionData*) {
  using State = typename Op::State;
  const Vector& v = args.column(args.ColumnCount() - 1);
  std::vector<double> scratch;
  const double* data = ReadAsDouble(v, count, scratch);
  bool constant = v.IsConstant();
  if (constant && v.IsNull(0)) return;
  const ValidityMask& valid = v.validity();
  for (size_t i = 0; i < count; i++) {
    if (constant || valid.RowIsValid(i)) Op::Update(StateAt<State>(states, i), data[constant ? 0 : i]);
  }
}

/// Make `f` fold its argument as double (see DoubleUpdate).
template <class Op>
void UseDoubleUpdate(AggregateFunction& f) {
  f.update = DoubleUpdate<Op>;
  f.simple_update = DoubleUpdate<Op>;
}

/// Register `Op` (Input double) under `names` for every numeric argument type, returning `return_type`.
template <class Op>
void AddDoubleAggregate(AggregateSet& set, std::initializer_list<const char*> names,
                        LogicalType return_type) {
  for (const LogicalType& t : NumericTypes()) {
    AggregateFunction f = MakeAggregate<Op>("", {t}, return_type);
    UseDoubleUpdate<Op>(f);
    set.Add(std::move(f), names);
  }
}

// Family registration, one per file.
void AddCountSumAvg(AggregateSet& set);
void AddMinMaxFirst(AggregateSet& set);
void AddBoolAndBitwise(AggregateSet& set);
void AddStatistics(AggregateSet& set);
void AddStringAndArrayAgg(AggregateSet& set);
void AddApproxCountDistinct(AggregateSet& set);
void AddQuantiles(AggregateSet& set);

/// Every built-in aggregate, aliases included.
AggregateSet BuiltinAggregates();

}  // namespace basin::aggregates
