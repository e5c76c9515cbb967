// count, sum and avg.

#include <cmath>

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

// ---- count ----

void CountInitialize(uint8_t* state, const FunctionData*) {
  StateOf<int64_t>(state) = 0;
}

void CountStarUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  for (size_t i = 0; i < count; i++) StateOf<int64_t>(states[i])++;
}

/// count(x) looks at validity only, so one function serves every argument type.
void CountUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  const Vector& v = args.column(0);
  if (v.IsConstant()) {
    if (v.IsNull(0)) return;
    CountStarUpdate(args, states, count, nullptr);
    return;
  }
  for (size_t i = 0; i < count; i++) StateOf<int64_t>(states[i]) += v.validity().RowIsValid(i);
}

void CountStarSimpleUpdate(DataChunk&, uint8_t* state, size_t count, const FunctionData*) {
  StateOf<int64_t>(state) += static_cast<int64_t>(count);
}

void CountSimpleUpdate(DataChunk& args, uint8_t* state, size_t count, const FunctionData*) {
  const Vector& v = args.column(0);
  if (v.IsConstant()) {
    if (!v.IsNull(0)) StateOf<int64_t>(state) += static_cast<int64_t>(count);
    return;
  }
  int64_t valid = 0;
  for (size_t i = 0; i < count; i++) valid += v.validity().RowIsValid(i);
  StateOf<int64_t>(state) += valid;
}

void CountCombine(const uint8_t* source, uint8_t* target, const FunctionData*) {
  StateOf<int64_t>(target) += StateOf<int64_t>(source);
}

void CountSubtract(const uint8_t* source, uint8_t* target, const FunctionData*) {
  StateOf<int64_t>(target) -= StateOf<int64_t>(source);
}

void CountFinalize(uint8_t* state, Vector& result, size_t row, const FunctionData*) {
  result.data<int64_t>()[row] = StateOf<int64_t>(state);
}

AggregateFunction MakeCount(std::string name, std::vector<LogicalType> arguments) {
  AggregateFunction f;
  f.name = std::move(name);
  f.arguments = std::move(arguments);
  f.return_type = TypeId::kBigInt;
  f.state_size = sizeof(int64_t);
  f.initialize = CountInitialize;
  f.update = f.arguments.empty() ? CountStarUpdate : CountUpdate;
  f.simple_update = f.arguments.empty() ? CountStarSimpleUpdate : CountSimpleUpdate;
  f.combine = CountCombine;
  f.subtract = CountSubtract;
  f.finalize = CountFinalize;
  f.handles_nulls = f.arguments.empty();
  return f;
}

// ---- sum ----

[[noreturn]] void ThrowSumOverflow(const Vector& result) {
  if (result.type().id() == TypeId::kBigInt) {
    throw DataError(sqlstate::kNumericValueOutOfRange, "bigint out of range");
  }
  throw DataError(sqlstate::kNumericValueOutOfRange,
                  "numeric field overflow: sum does not fit in " + result.type().ToString());
}

[[noreturn]] void ThrowDecimalOverflow() {
  throw DataError(sqlstate::kNumericValueOutOfRange, "numeric field overflow: sum exceeds 38 digits");
}

/// Integer and decimal sums accumulate in 128 bits: 64-bit inputs cannot overflow that in any feasible row
/// count, and 128-bit decimal inputs are checked on every addition.
struct HugeSumState {
  hugeint_t sum;
  bool has;
};

template <class T>
struct IntegerSumOp {
  using Input = T;
  using State = HugeSumState;
  static void Initialize(State& s) { s = {0, false}; }
  static void Update(State& s, hugeint_t v) {
    if (__builtin_add_overflow(s.sum, v, &s.sum)) ThrowDecimalOverflow();
    s.has = true;
  }
  static void Combine(const State& source, State& target) {
    if (source.has) Update(target, source.sum);
  }
  /// `has` stays set: whether any value remains is for the caller to count (see AggregateFunction).
  static void Subtract(const State& source, State& target) {
    if (!source.has) return;
    if (__builtin_sub_overflow(target.sum, source.sum, &target.sum)) ThrowDecimalOverflow();
    target.has = true;
  }
  /// The result type decides the range: BIGINT for sum(int), DECIMAL(38, s) otherwise.
  static void Finalize(State& s, Vector& result, size_t row) {
    if (!s.has) {
      result.SetNull(row);
      return;
    }
    if (result.type().id() == TypeId::kBigInt) {
      if (s.sum > std::numeric_limits<int64_t>::max() || s.sum < std::numeric_limits<int64_t>::min()) {
        ThrowSumOverflow(result);
      }
      result.data<int64_t>()[row] = static_cast<int64_t>(s.sum);
      return;
    }
    static const hugeint_t kLimit = DecimalLimit38();
    if (s.sum >= kLimit || s.sum <= -kLimit) ThrowSumOverflow(result);
    StoreValue<hugeint_t>(result, row, s.sum);
  }
};

struct DoubleSumOp {
  using Input = double;
  struct State {
    double sum;
    bool has;
  };
  static void Initialize(State& s) { s = {0, false}; }
  static void Update(State& s, double v) {
    s.sum += v;
    s.has = true;
  }
  static void Combine(const State& source, State& target) {
    if (source.has) Update(target, source.sum);
  }
  static void Subtract(const State& source, State& target) {
    if (!source.has) return;
    target.sum -= source.sum;
    target.has = true;
  }
  static void Finalize(State& s, Vector& result, size_t row) { StoreOrNull(result, row, s.has, s.sum); }
};

/// Interval fields summed apart (PostgreSQL keeps months, days and time separate) in wider integers,
/// checked against the interval's range at the end.
struct IntervalSum {
  int64_t months;
  int64_t days;
  hugeint_t micros;
  int64_t count;

  void Init() { *this = {0, 0, 0, 0}; }
  void Add(const interval_t& v) {
    months += v.months;
    days += v.days;
    micros += v.micros;
    count++;
  }
  void Add(const IntervalSum& o) {
    months += o.months;
    days += o.days;
    micros += o.micros;
    count += o.count;
  }
  void Remove(const IntervalSum& o) {
    months -= o.months;
    days -= o.days;
    micros -= o.micros;
    count -= o.count;
  }
};

[[noreturn]] void ThrowIntervalOverflow() {
  throw DataError(sqlstate::kDatetimeFieldOverflow, "interval out of range");
}

struct IntervalSumOp {
  using Input = interval_t;
  using State = IntervalSum;
  static void Initialize(State& s) { s.Init(); }
  static void Update(State& s, const interval_t& v) { s.Add(v); }
  static void Combine(const State& source, State& target) { target.Add(source); }
  static void Subtract(const State& source, State& target) { target.Remove(source); }
  static void Finalize(State& s, Vector& result, size_t row) {
    if (s.count == 0) {
      result.SetNull(row);
      return;
    }
    if (s.months > INT32_MAX || s.months < INT32_MIN || s.days > INT32_MAX || s.days < INT32_MIN ||
        s.micros > INT64_MAX || s.micros < INT64_MIN) {
      ThrowIntervalOverflow();
    }
    result.data<interval_t>()[row] = {static_cast<int32_t>(s.months), static_cast<int32_t>(s.days),
                                      static_cast<int64_t>(s.micros)};
  }
};

// ---- avg ----

template <class T>
struct IntegerAvgOp {
  using Input = T;
  struct State {
    hugeint_t sum;
    int64_t count;
  };
  static void Initialize(State& s) { s = {0, 0}; }
  static void Update(State& s, hugeint_t v) {
    if (__builtin_add_overflow(s.sum, v, &s.sum)) ThrowDecimalOverflow();
    s.count++;
  }
  static void Combine(const State& source, State& target) {
    if (__builtin_add_overflow(target.sum, source.sum, &target.sum)) ThrowDecimalOverflow();
    target.count += source.count;
  }
  static void Subtract(const State& source, State& target) {
    if (__builtin_sub_overflow(target.sum, source.sum, &target.sum)) ThrowDecimalOverflow();
    target.count -= source.count;
  }
  /// Divide exactly in integers first, so the only rounding is the final one to double.
  static long double Quotient(const State& s) {
    hugeint_t q = s.sum / s.count, r = s.sum % s.count;
    return static_cast<long double>(q) + static_cast<long double>(r) / s.count;
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    if (s.count == 0) {
      result.SetNull(row);
    } else {
      result.data<double>()[row] = static_cast<double>(Quotient(s));
    }
  }
};

/// The argument's scale, captured at bind time for avg(DECIMAL), whose DOUBLE result type has none.
struct ScaleData : FunctionData {
  explicit ScaleData(uint8_t s) : scale(s) {}
  std::unique_ptr<FunctionData> Copy() const override { return std::make_unique<ScaleData>(scale); }
  uint8_t scale;
};

std::unique_ptr<FunctionData> BindDecimalAvg(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = TypeId::kDouble;
  return std::make_unique<ScaleData>(args.back()->type.scale());
}

struct DecimalAvgOp : IntegerAvgOp<hugeint_t> {
  static void Finalize(State& s, Vector& result, size_t row, const FunctionData* bind) {
    if (s.count == 0) {
      result.SetNull(row);
      return;
    }
    int scale = bind ? static_cast<const ScaleData*>(bind)->scale : 0;
    result.data<double>()[row] = static_cast<double>(Quotient(s) / std::pow(10.0L, scale));
  }
};

struct DoubleAvgOp {
  using Input = double;
  struct State {
    double sum;
    int64_t count;
  };
  static void Initialize(State& s) { s = {0, 0}; }
  static void Update(State& s, double v) {
    s.sum += v;
    s.count++;
  }
  static void Combine(const State& source, State& target) {
    target.sum += source.sum;
    target.count += source.count;
  }
  static void Subtract(const State& source, State& target) {
    target.sum -= source.sum;
    target.count -= source.count;
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    StoreOrNull(result, row, s.count > 0, s.sum / static_cast<double>(s.count));
  }
};

/// Round to whole microseconds' worth of a unit, as PostgreSQL's TSROUND does.
double RoundToMicros(double v) {
  return std::rint(v * 1e6) / 1e6;
}

/// avg(INTERVAL): divide the summed fields by the count, cascading fractional months into days (30 per
/// month) and fractional days into time, as PostgreSQL's interval_div does.
struct IntervalAvgOp : IntervalSumOp {
  static void Finalize(State& s, Vector& result, size_t row) {
    if (s.count == 0) {
      result.SetNull(row);
      return;
    }
    double n = static_cast<double>(s.count);
    double months = static_cast<double>(s.months) / n;
    double days = static_cast<double>(s.days) / n;
    interval_t r;
    r.months = static_cast<int32_t>(months);
    r.days = static_cast<int32_t>(days);
    double month_remainder_days = RoundToMicros((months - r.months) * 30);
    double sec_remainder = RoundToMicros(
        (days - r.days + month_remainder_days - static_cast<int32_t>(month_remainder_days)) * 86400);
    if (std::fabs(sec_remainder) >= 86400) {
      int32_t whole = static_cast<int32_t>(sec_remainder / 86400);
      r.days += whole;
      sec_remainder -= whole * 86400.0;
    }
    r.days += static_cast<int32_t>(month_remainder_days);
    r.micros = static_cast<int64_t>(std::rint(static_cast<double>(s.micros) / n + sec_remainder * 1e6));
    result.data<interval_t>()[row] = r;
  }
};

std::unique_ptr<FunctionData> BindDecimalSum(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = LogicalType::Decimal(LogicalType::kMaxDecimalWidth, args.back()->type.scale());
  return nullptr;
}

}  // namespace

void AddCountSumAvg(AggregateSet& set) {
  set.Add(MakeCount("count_star", {}));
  set.Add(MakeCount("count", {TypeId::kInvalid}));

  // sum: PostgreSQL widens int to bigint and bigint to numeric.
  set.Add(MakeAggregate<IntegerSumOp<int16_t>>("sum", {TypeId::kSmallInt}, TypeId::kBigInt));
  set.Add(MakeAggregate<IntegerSumOp<int32_t>>("sum", {TypeId::kInteger}, TypeId::kBigInt));
  set.Add(MakeAggregate<IntegerSumOp<int64_t>>("sum", {TypeId::kBigInt}, LogicalType::Decimal(38, 0)));
  set.Add(MakeDecimalAggregate<IntegerSumOp<hugeint_t>>("sum", LogicalType::Decimal(38, 0), BindDecimalSum));
  set.Add(MakeAggregate<DoubleSumOp, float>("sum", {TypeId::kReal}, TypeId::kDouble));
  set.Add(MakeAggregate<DoubleSumOp>("sum", {TypeId::kDouble}, TypeId::kDouble));
  set.Add(MakeAggregate<IntervalSumOp>("sum", {TypeId::kInterval}, TypeId::kInterval));

  for (const char* name : {"avg", "mean"}) {
    set.Add(MakeAggregate<IntegerAvgOp<int16_t>>(name, {TypeId::kSmallInt}, TypeId::kDouble));
    set.Add(MakeAggregate<IntegerAvgOp<int32_t>>(name, {TypeId::kInteger}, TypeId::kDouble));
    set.Add(MakeAggregate<IntegerAvgOp<int64_t>>(name, {TypeId::kBigInt}, TypeId::kDouble));
    set.Add(MakeDecimalAggregate<DecimalAvgOp>(name, TypeId::kDouble, BindDecimalAvg));
    set.Add(MakeAggregate<DoubleAvgOp, float>(name, {TypeId::kReal}, TypeId::kDouble));
    set.Add(MakeAggregate<DoubleAvgOp>(name, {TypeId::kDouble}, TypeId::kDouble));
    set.Add(MakeAggregate<IntervalAvgOp>(name, {TypeId::kInterval}, TypeId::kInterval));
  }
}

}  // namespace basin::aggregates
