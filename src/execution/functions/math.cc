// Mathematical functions. DOUBLE versions follow PostgreSQL's float8 functions (round is rint: half to
// even); DECIMAL versions work on the scaled integers and round half away from zero, as numeric does.

#include <cmath>
#include <numeric>
#include <random>

#include "execution/cast.h"
#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

const TypeId D = TypeId::kDouble;

[[noreturn]] void ThrowFloatOverflow() {
  throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
}

double Checked(double r, double x) {
  if (std::isinf(r) && !std::isinf(x)) ThrowFloatOverflow();
  return r;
}

template <double (*kFn)(double)>
void DoubleUnary(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<double, double>(args.column(0), result, args.size(), kFn);
}

template <double (*kFn)(double, double)>
void DoubleBinary(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<double, double, double>(args.column(0), args.column(1), result, args.size(), kFn);
}

double Sqrt(double x) {
  if (x < 0) throw DataError("2201F", "cannot take square root of a negative number");
  return std::sqrt(x);
}
double Cbrt(double x) {
  return std::cbrt(x);
}
double Exp(double x) {
  double r = std::exp(x);
  if (r == 0 && std::isfinite(x))
    throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: underflow");
  return Checked(r, x);
}
double CheckLogArgument(double x) {
  if (x == 0) throw DataError("2201E", "cannot take logarithm of zero");
  if (x < 0) throw DataError("2201E", "cannot take logarithm of a negative number");
  return x;
}
double Ln(double x) {
  return std::log(CheckLogArgument(x));
}
double Log10(double x) {
  return std::log10(CheckLogArgument(x));
}
double Log2(double x) {
  return std::log2(CheckLogArgument(x));
}
double LogBase(double base, double x) {
  double d = std::log(CheckLogArgument(base));
  if (d == 0) throw DataError(sqlstate::kDivisionByZero, "division by zero");
  return std::log(CheckLogArgument(x)) / d;
}
double Power(double x, double y) {
  if (x == 0 && y < 0) throw DataError("2201F", "zero raised to a negative power is undefined");
  if (x < 0 && std::isfinite(y) && y != std::floor(y)) {
    throw DataError("2201F", "a negative number raised to a non-integer power yields a complex result");
  }
  double r = std::pow(x, y);
  if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) ThrowFloatOverflow();
  return r;
}
double Ceil(double x) {
  return std::ceil(x);
}
double Floor(double x) {
  return std::floor(x);
}
double Rint(double x) {
  return std::nearbyint(x);
}
double Trunc(double x) {
  return std::trunc(x);
}
double Degrees(double x) {
  return x * (180.0 / M_PI);
}
double Radians(double x) {
  return x * (M_PI / 180.0);
}
double CheckedTrig(double r, double x) {
  if (std::isinf(x)) throw DataError(sqlstate::kNumericValueOutOfRange, "input is out of range");
  return r;
}
double Sin(double x) {
  return CheckedTrig(std::sin(x), x);
}
double Cos(double x) {
  return CheckedTrig(std::cos(x), x);
}
double Tan(double x) {
  return CheckedTrig(std::tan(x), x);
}
double Cot(double x) {
  return 1.0 / CheckedTrig(std::tan(x), x);
}
double Asin(double x) {
  if (x < -1 || x > 1) throw DataError(sqlstate::kNumericValueOutOfRange, "input is out of range");
  return std::asin(x);
}
double Acos(double x) {
  if (x < -1 || x > 1) throw DataError(sqlstate::kNumericValueOutOfRange, "input is out of range");
  return std::acos(x);
}
double Atan(double x) {
  return std::atan(x);
}
double Atan2(double y, double x) {
  return std::atan2(y, x);
}
double Sign(double x) {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}
double Abs(double x) {
  return std::fabs(x);
}

/// round(x, n) and trunc(x, n) on doubles: half away from zero at the n-th decimal (DuckDB's extension).
template <bool kRound>
double ScaleDouble(double x, int32_t digits) {
  if (!std::isfinite(x)) return x;
  double factor = std::pow(10.0, digits);
  double scaled = x * factor;
  if (!std::isfinite(scaled)) return x;
  double r = (kRound ? std::round(scaled) : std::trunc(scaled)) / factor;
  return std::isfinite(r) ? r : x;
}

template <bool kRound>
void DoubleScaleKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<double, int32_t, double>(args.column(0), args.column(1), result, args.size(),
                                         ScaleDouble<kRound>);
}

template <class T>
void IntAbsKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<T, T>(args.column(0), result, args.size(), [](T v) -> T {
    if (v == std::numeric_limits<T>::min()) {
      ThrowIntegerOutOfRange(sizeof(T) == 2   ? PhysicalType::kInt16
                             : sizeof(T) == 4 ? PhysicalType::kInt32
                                              : PhysicalType::kInt64);
    }
    return v < 0 ? static_cast<T>(-v) : v;
  });
}

template <class T>
void IntSignKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<T, T>(args.column(0), result, args.size(), [](T v) -> T { return (v > 0) - (v < 0); });
}

void FloatAbsKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<float, float>(args.column(0), result, args.size(), [](float v) { return std::fabs(v); });
}

// ---- DECIMAL --------------------------------------------------------------------------------------------

/// Rounding modes for a decimal scaled to fewer fraction digits.
enum class Rounding { kHalfAway, kTrunc, kCeil, kFloor };

hugeint_t Divide(hugeint_t v, hugeint_t d, Rounding mode) {
  hugeint_t q = v / d, r = v % d;
  if (r == 0) return q;
  switch (mode) {
    case Rounding::kHalfAway: {
      hugeint_t mag = r < 0 ? -r : r;
      return mag >= d - mag ? q + (v < 0 ? -1 : 1) : q;
    }
    case Rounding::kTrunc:
      return q;
    case Rounding::kCeil:
      return v > 0 ? q + 1 : q;
    case Rounding::kFloor:
      return v < 0 ? q - 1 : q;
  }
  return q;
}

/// Round the argument (scale s) to `digits` fraction digits and express it at the result's scale.
hugeint_t RoundDecimal(hugeint_t v, int scale, int digits, int result_scale, Rounding mode) {
  if (digits < scale) {
    int drop = std::min(scale - digits, 38);
    v = Divide(v, Pow10(drop), mode);
    scale -= drop;
  }
  // Back to the result's scale: up after dropping digits, down only if the result keeps fewer digits.
  return result_scale >= scale ? v * Pow10(result_scale - scale)
                               : Divide(v, Pow10(scale - result_scale), mode);
}

struct DecimalRoundData : FunctionData {
  Rounding mode;
  explicit DecimalRoundData(Rounding m) : mode(m) {}
  std::unique_ptr<FunctionData> Copy() const override { return std::make_unique<DecimalRoundData>(mode); }
};

/// round/trunc/ceil/floor(decimal [, digits]).
template <class TIn, class T>
void DecimalRoundLoop(DataChunk& args, Rounding mode, Vector& result) {
  int scale = args.column(0).type().scale(), result_scale = result.type().scale();
  Arg<TIn> value(args.column(0));
  bool has_digits = args.ColumnCount() > 1;
  const hugeint_t limit = Pow10(result.type().width());
  ExecuteRows<T>(args, result, [&](size_t i) {
    int digits = has_digits ? std::clamp(Arg<int32_t>(args.column(1))[i], -38, 38) : 0;
    hugeint_t r = RoundDecimal(value[i], scale, digits, result_scale, mode);
    if (r >= limit || r <= -limit)
      throw DataError(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
    return static_cast<T>(r);
  });
}

void DecimalRoundKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  Rounding mode = static_cast<const DecimalRoundData*>(ctx.bind_data)->mode;
  bool in64 = args.column(0).type().physical() == PhysicalType::kInt64;
  if (result.type().physical() == PhysicalType::kInt64) {
    return in64 ? DecimalRoundLoop<int64_t, int64_t>(args, mode, result)
                : DecimalRoundLoop<hugeint_t, int64_t>(args, mode, result);
  }
  in64 ? DecimalRoundLoop<int64_t, hugeint_t>(args, mode, result)
       : DecimalRoundLoop<hugeint_t, hugeint_t>(args, mode, result);
}

LogicalType DecimalArg(std::vector<ExprPtr>& args) {
  LogicalType t = DecimalOf(args[0]->type);
  if (t.id() == TypeId::kInvalid) throw BinderError(sqlstate::kDatatypeMismatch, "numeric argument expected");
  CastArgument(args, 0, t);
  return t;
}

/// The result keeps the integer digits (plus one for a carry) and the requested fraction digits (when
/// constant), as numeric's round(1.25, 1) = 1.3.
template <Rounding kMode>
std::unique_ptr<FunctionData> BindDecimalRound(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType t = DecimalArg(args);
  int scale = args.size() > 1 ? t.scale() : 0;
  if (args.size() > 1 && args[1]->cls == ExprClass::kConstant && !args[1]->value.IsNull()) {
    scale = static_cast<int>(std::clamp<int64_t>(args[1]->value.GetInt64(), 0, t.scale()));
  }
  int width = std::min(38, t.width() - t.scale() + scale + 1);
  return_type = LogicalType::Decimal(width, scale);
  return std::make_unique<DecimalRoundData>(kMode);
}

void DecimalAbsKernel(DataChunk& args, FunctionContext&, Vector& result) {
  if (result.type().physical() == PhysicalType::kInt64) {
    UnaryExecute<int64_t, int64_t>(args.column(0), result, args.size(),
                                   [](int64_t v) { return v < 0 ? -v : v; });
  } else {
    UnaryExecute<hugeint_t, hugeint_t>(args.column(0), result, args.size(),
                                       [](hugeint_t v) { return v < 0 ? -v : v; });
  }
}

void DecimalSignKernel(DataChunk& args, FunctionContext&, Vector& result) {
  hugeint_t one = Pow10(result.type().scale());
  if (result.type().physical() == PhysicalType::kInt64) {
    auto o = static_cast<int64_t>(one);
    UnaryExecute<int64_t, int64_t>(args.column(0), result, args.size(), [o](int64_t v) {
      return v > 0 ? o : v < 0 ? -o : 0;
    });
  } else {
    UnaryExecute<hugeint_t, hugeint_t>(args.column(0), result, args.size(), [one](hugeint_t v) {
      return v > 0 ? one : v < 0 ? -one : 0;
    });
  }
}

std::unique_ptr<FunctionData> BindDecimalSame(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = DecimalArg(args);
  return nullptr;
}

/// sign(numeric) is -1, 0 or 1 without fraction digits, as in PostgreSQL; the width is kept so the result
/// has the argument's physical layout.
std::unique_ptr<FunctionData> BindDecimalSign(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = LogicalType::Decimal(DecimalArg(args).width(), 0);
  return nullptr;
}

// ---- integers -------------------------------------------------------------------------------------------

template <class T, bool kLcm>
void GcdKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<T, T, T>(args.column(0), args.column(1), result, args.size(), [](T a, T b) -> T {
    PhysicalType p = sizeof(T) == 4 ? PhysicalType::kInt32 : PhysicalType::kInt64;
    // |MIN| does not fit: PostgreSQL reports overflow when the answer would be it.
    using U = std::make_unsigned_t<T>;
    U ua = a < 0 ? U(0) - U(a) : U(a), ub = b < 0 ? U(0) - U(b) : U(b);
    U g = std::gcd(ua, ub);
    if constexpr (!kLcm) {
      if (g > static_cast<U>(std::numeric_limits<T>::max())) ThrowIntegerOutOfRange(p);
      return static_cast<T>(g);
    } else {
      if (ua == 0 || ub == 0) return 0;
      T r;
      U q = ua / g;
      if (q > static_cast<U>(std::numeric_limits<T>::max()) ||
          ub > static_cast<U>(std::numeric_limits<T>::max()) ||
          __builtin_mul_overflow(static_cast<T>(q), static_cast<T>(ub), &r)) {
        ThrowIntegerOutOfRange(p);
      }
      return r;
    }
  });
}

void RandomKernel(DataChunk& args, FunctionContext&, Vector& result) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  result.SetConstant(false);
  result.validity().SetAllValid();
  double* out = result.data<double>();
  size_t n = std::max<size_t>(args.size(), 1);
  for (size_t i = 0; i < n; i++) out[i] = dist(engine);
}

void PiKernel(DataChunk&, FunctionContext&, Vector& result) {
  result.SetConstant(true);
  result.validity().SetAllValid();
  result.data<double>()[0] = M_PI;
}

template <bool kNan>
void FloatClassKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<double, uint8_t>(args.column(0), result, args.size(),
                                [](double v) -> uint8_t { return kNan ? std::isnan(v) : std::isinf(v); });
}

void AddDouble(FunctionRegistry& r, const char* name, ScalarKernel k) {
  r.AddScalar(MakeScalar(name, {D}, D, k));
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  const TypeId S = TypeId::kSmallInt, I = TypeId::kInteger, BI = TypeId::kBigInt, F = TypeId::kReal;
  r.AddScalar(MakeScalar("abs", {S}, S, IntAbsKernel<int16_t>));
  r.AddScalar(MakeScalar("abs", {I}, I, IntAbsKernel<int32_t>));
  r.AddScalar(MakeScalar("abs", {BI}, BI, IntAbsKernel<int64_t>));
  r.AddScalar(MakeScalar("abs", {F}, F, FloatAbsKernel));
  AddDouble(r, "abs", DoubleUnary<Abs>);
  r.AddScalar(MakeScalar("abs", {AnyDecimal()}, AnyDecimal(), DecimalAbsKernel, BindDecimalSame));
  r.AddScalar(MakeScalar("sign", {I}, I, IntSignKernel<int32_t>));
  r.AddScalar(MakeScalar("sign", {BI}, BI, IntSignKernel<int64_t>));
  AddDouble(r, "sign", DoubleUnary<Sign>);
  r.AddScalar(MakeScalar("sign", {AnyDecimal()}, AnyDecimal(), DecimalSignKernel, BindDecimalSign));

  AddDouble(r, "ceil", DoubleUnary<Ceil>);
  AddDouble(r, "floor", DoubleUnary<Floor>);
  AddDouble(r, "round", DoubleUnary<Rint>);
  AddDouble(r, "trunc", DoubleUnary<Trunc>);
  r.AddScalar(MakeScalar("round", {D, I}, D, DoubleScaleKernel<true>));
  r.AddScalar(MakeScalar("trunc", {D, I}, D, DoubleScaleKernel<false>));
  auto decimal_round = [&](const char* name, ScalarBind bind, bool with_digits) {
    r.AddScalar(MakeScalar(name, {AnyDecimal()}, AnyDecimal(), DecimalRoundKernel, bind));
    if (with_digits) r.AddScalar(MakeScalar(name, {AnyDecimal(), I}, AnyDecimal(), DecimalRoundKernel, bind));
  };
  decimal_round("round", BindDecimalRound<Rounding::kHalfAway>, true);
  decimal_round("trunc", BindDecimalRound<Rounding::kTrunc>, true);
  decimal_round("ceil", BindDecimalRound<Rounding::kCeil>, false);
  decimal_round("floor", BindDecimalRound<Rounding::kFloor>, false);
  r.AddAlias("ceiling", "ceil");
  r.AddAlias("truncate", "trunc");

  AddDouble(r, "sqrt", DoubleUnary<Sqrt>);
  AddDouble(r, "cbrt", DoubleUnary<Cbrt>);
  AddDouble(r, "exp", DoubleUnary<Exp>);
  AddDouble(r, "ln", DoubleUnary<Ln>);
  AddDouble(r, "log", DoubleUnary<Log10>);
  AddDouble(r, "log10", DoubleUnary<Log10>);
  AddDouble(r, "log2", DoubleUnary<Log2>);
  r.AddScalar(MakeScalar("log", {D, D}, D, DoubleBinary<LogBase>));
  r.AddScalar(MakeScalar("power", {D, D}, D, DoubleBinary<Power>));
  r.AddAlias("pow", "power");
  r.AddAlias("^", "power");
  AddDouble(r, "degrees", DoubleUnary<Degrees>);
  AddDouble(r, "radians", DoubleUnary<Radians>);
  AddDouble(r, "sin", DoubleUnary<Sin>);
  AddDouble(r, "cos", DoubleUnary<Cos>);
  AddDouble(r, "tan", DoubleUnary<Tan>);
  AddDouble(r, "cot", DoubleUnary<Cot>);
  AddDouble(r, "asin", DoubleUnary<Asin>);
  AddDouble(r, "acos", DoubleUnary<Acos>);
  AddDouble(r, "atan", DoubleUnary<Atan>);
  r.AddScalar(MakeScalar("atan2", {D, D}, D, DoubleBinary<Atan2>));
  r.AddScalar(MakeScalar("pi", {}, D, PiKernel));
  ScalarFunction random = MakeScalar("random", {}, D, RandomKernel);
  random.volatile_ = true;
  r.AddScalar(random);
  r.AddScalar(MakeScalar("gcd", {I, I}, I, GcdKernel<int32_t, false>));
  r.AddScalar(MakeScalar("gcd", {BI, BI}, BI, GcdKernel<int64_t, false>));
  r.AddScalar(MakeScalar("lcm", {I, I}, I, GcdKernel<int32_t, true>));
  r.AddScalar(MakeScalar("lcm", {BI, BI}, BI, GcdKernel<int64_t, true>));
  r.AddScalar(MakeScalar("isnan", {D}, TypeId::kBoolean, FloatClassKernel<true>));
  r.AddScalar(MakeScalar("isinf", {D}, TypeId::kBoolean, FloatClassKernel<false>));
}

}  // namespace basin
