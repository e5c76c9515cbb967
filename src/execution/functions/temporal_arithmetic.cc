// + - * / over DATE, TIME, TIMESTAMP[TZ] and INTERVAL, and the || concatenation operator, with
// PostgreSQL's result types (DATE + INTEGER is a DATE, DATE + INTERVAL a TIMESTAMP, ...).

#include <cmath>

#include "execution/cast.h"
#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

[[noreturn]] void ThrowDateOutOfRange() {
  throw DataError(sqlstate::kDatetimeFieldOverflow, "date out of range");
}
[[noreturn]] void ThrowIntervalOutOfRange() {
  throw DataError(sqlstate::kDatetimeFieldOverflow, "interval out of range");
}

bool IsInfinite(int32_t d) {
  return d == date::kInfinity || d == date::kNegativeInfinity;
}
bool IsInfinite(int64_t ts) {
  return ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity;
}

int32_t AddDays(int32_t d, int32_t n) {
  if (IsInfinite(d)) return d;
  int32_t r;
  if (__builtin_add_overflow(d, n, &r) || IsInfinite(r)) ThrowDateOutOfRange();
  return r;
}

int64_t DateToTs(int32_t d) {
  if (d == date::kInfinity) return timestamp::kInfinity;
  if (d == date::kNegativeInfinity) return timestamp::kNegativeInfinity;
  return static_cast<int64_t>(d) * kMicrosPerDay;
}

interval_t Negate(interval_t v) {
  interval_t r;
  if (__builtin_sub_overflow(0, v.months, &r.months) || __builtin_sub_overflow(0, v.days, &r.days) ||
      __builtin_sub_overflow(int64_t{0}, v.micros, &r.micros)) {
    ThrowIntervalOutOfRange();
  }
  return r;
}

interval_t AddIntervals(interval_t a, interval_t b) {
  interval_t r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) ||
      __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.micros, b.micros, &r.micros)) {
    ThrowIntervalOutOfRange();
  }
  return r;
}

/// The difference of two timestamps as days and time, as PostgreSQL's timestamp_mi (justify_hours).
interval_t TimestampDiff(int64_t a, int64_t b) {
  if (IsInfinite(a) || IsInfinite(b)) ThrowIntervalOutOfRange();
  int64_t diff;
  if (__builtin_sub_overflow(a, b, &diff)) ThrowIntervalOutOfRange();
  return interval_t{0, static_cast<int32_t>(diff / kMicrosPerDay), diff % kMicrosPerDay};
}

/// interval * factor as interval_mul: fractional months spill into 30-day days, fractional days into time.
interval_t ScaleInterval(interval_t v, double factor, bool divide) {
  if (divide && factor == 0) ThrowDivisionByZero();
  auto scale = [&](double x) { return divide ? x / factor : x * factor; };
  double months = scale(v.months);
  double days = scale(v.days);
  double micros = scale(static_cast<double>(v.micros));
  if (!std::isfinite(months) || !std::isfinite(days) || !std::isfinite(micros) ||
      std::fabs(months) > INT32_MAX || std::fabs(days) > INT32_MAX) {
    ThrowIntervalOutOfRange();
  }
  interval_t r;
  r.months = static_cast<int32_t>(std::trunc(months));
  days += (months - r.months) * 30;
  r.days = static_cast<int32_t>(std::trunc(days));
  micros += (days - r.days) * kMicrosPerDay;
  if (std::fabs(micros) > 9.2e18) ThrowIntervalOutOfRange();
  r.micros = std::llround(micros);
  return r;
}

int64_t TimeAdd(int64_t t, interval_t v) {
  int64_t r = (t + v.micros % kMicrosPerDay) % kMicrosPerDay;
  return r < 0 ? r + kMicrosPerDay : r;
}

// Kernels: one line each over BinaryExecute, named after their operand types.
template <class A, class B, class R, R (*kOp)(A, B)>
void Binary(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<A, B, R>(args.column(0), args.column(1), result, args.size(), kOp);
}

int32_t DatePlusInt(int32_t d, int32_t n) {
  return AddDays(d, n);
}
int32_t IntPlusDate(int32_t n, int32_t d) {
  return AddDays(d, n);
}
int32_t DateMinusInt(int32_t d, int32_t n) {
  if (n == INT32_MIN) ThrowDateOutOfRange();
  return AddDays(d, -n);
}
int32_t DateMinusDate(int32_t a, int32_t b) {
  if (IsInfinite(a) || IsInfinite(b)) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite dates");
  }
  return a - b;  // both within int32 and of the same sign range: fits
}
int64_t DatePlusInterval(int32_t d, interval_t v) {
  return interval::AddToTimestamp(DateToTs(d), v);
}
int64_t IntervalPlusDate(interval_t v, int32_t d) {
  return interval::AddToTimestamp(DateToTs(d), v);
}
int64_t DateMinusInterval(int32_t d, interval_t v) {
  return interval::AddToTimestamp(DateToTs(d), Negate(v));
}
int64_t DatePlusTime(int32_t d, int64_t t) {
  int64_t ts = DateToTs(d);
  return IsInfinite(ts) ? ts : ts + t;
}
int64_t TimePlusDate(int64_t t, int32_t d) {
  return DatePlusTime(d, t);
}
int64_t TsPlusInterval(int64_t ts, interval_t v) {
  return interval::AddToTimestamp(ts, v);
}
int64_t IntervalPlusTs(interval_t v, int64_t ts) {
  return interval::AddToTimestamp(ts, v);
}
int64_t TsMinusInterval(int64_t ts, interval_t v) {
  return interval::AddToTimestamp(ts, Negate(v));
}
interval_t TsMinusTs(int64_t a, int64_t b) {
  return TimestampDiff(a, b);
}
interval_t IntervalPlusInterval(interval_t a, interval_t b) {
  return AddIntervals(a, b);
}
interval_t IntervalMinusInterval(interval_t a, interval_t b) {
  return AddIntervals(a, Negate(b));
}
interval_t IntervalTimesDouble(interval_t v, double f) {
  return ScaleInterval(v, f, false);
}
interval_t DoubleTimesInterval(double f, interval_t v) {
  return ScaleInterval(v, f, false);
}
interval_t IntervalDivDouble(interval_t v, double f) {
  return ScaleInterval(v, f, true);
}
int64_t TimePlusInterval(int64_t t, interval_t v) {
  return TimeAdd(t, v);
}
int64_t IntervalPlusTime(interval_t v, int64_t t) {
  return TimeAdd(t, v);
}
int64_t TimeMinusInterval(int64_t t, interval_t v) {
  return TimeAdd(t, Negate(v));
}
interval_t TimeMinusTime(int64_t a, int64_t b) {
  return interval_t{0, 0, a - b};
}

void IntervalNegateKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<interval_t, interval_t>(args.column(0), result, args.size(), Negate);
}

// ---- || -------------------------------------------------------------------------------------------------

void ConcatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::string buffer;
  BinaryExecute<string_t, string_t, string_t>(args.column(0), args.column(1), result, args.size(),
                                              [&](string_t a, string_t b) {
                                                buffer.assign(a.data(), a.size());
                                                buffer.append(b.data(), b.size());
                                                return result.AddString(buffer);
                                              });
}

/// text || anything: the other side is cast to text, as PostgreSQL's anynonarray || text.
std::unique_ptr<FunctionData> BindConcatAny(std::vector<ExprPtr>& args, LogicalType& return_type) {
  for (size_t i = 0; i < args.size(); i++) {
    if (args[i]->type.id() == TypeId::kList) {
      throw BinderError(sqlstate::kUndefinedFunction, "operator does not exist: " + args[0]->type.ToString() +
                                                          " || " + args[1]->type.ToString());
    }
    CastArgument(args, i, TypeId::kVarchar);
  }
  return_type = TypeId::kVarchar;
  return nullptr;
}

}  // namespace

void RegisterTemporalArithmetic(FunctionRegistry& r) {
  const TypeId D = TypeId::kDate, I = TypeId::kInteger, IV = TypeId::kInterval, T = TypeId::kTime,
               TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz, F = TypeId::kDouble;
  r.AddScalar(MakeScalar("+", {D, I}, D, Binary<int32_t, int32_t, int32_t, DatePlusInt>));
  r.AddScalar(MakeScalar("+", {I, D}, D, Binary<int32_t, int32_t, int32_t, IntPlusDate>));
  r.AddScalar(MakeScalar("-", {D, I}, D, Binary<int32_t, int32_t, int32_t, DateMinusInt>));
  r.AddScalar(MakeScalar("-", {D, D}, I, Binary<int32_t, int32_t, int32_t, DateMinusDate>));
  r.AddScalar(MakeScalar("+", {D, IV}, TS, Binary<int32_t, interval_t, int64_t, DatePlusInterval>));
  r.AddScalar(MakeScalar("+", {IV, D}, TS, Binary<interval_t, int32_t, int64_t, IntervalPlusDate>));
  r.AddScalar(MakeScalar("-", {D, IV}, TS, Binary<int32_t, interval_t, int64_t, DateMinusInterval>));
  r.AddScalar(MakeScalar("+", {D, T}, TS, Binary<int32_t, int64_t, int64_t, DatePlusTime>));
  r.AddScalar(MakeScalar("+", {T, D}, TS, Binary<int64_t, int32_t, int64_t, TimePlusDate>));
  for (TypeId ts : {TS, TZ}) {
    r.AddScalar(MakeScalar("+", {ts, IV}, ts, Binary<int64_t, interval_t, int64_t, TsPlusInterval>));
    r.AddScalar(MakeScalar("+", {IV, ts}, ts, Binary<interval_t, int64_t, int64_t, IntervalPlusTs>));
    r.AddScalar(MakeScalar("-", {ts, IV}, ts, Binary<int64_t, interval_t, int64_t, TsMinusInterval>));
    r.AddScalar(MakeScalar("-", {ts, ts}, IV, Binary<int64_t, int64_t, interval_t, TsMinusTs>));
  }
  r.AddScalar(
      MakeScalar("+", {IV, IV}, IV, Binary<interval_t, interval_t, interval_t, IntervalPlusInterval>));
  r.AddScalar(
      MakeScalar("-", {IV, IV}, IV, Binary<interval_t, interval_t, interval_t, IntervalMinusInterval>));
  r.AddScalar(MakeScalar("-", {IV}, IV, IntervalNegateKernel));
  r.AddScalar(MakeScalar("*", {IV, F}, IV, Binary<interval_t, double, interval_t, IntervalTimesDouble>));
  r.AddScalar(MakeScalar("*", {F, IV}, IV, Binary<double, interval_t, interval_t, DoubleTimesInterval>));
  r.AddScalar(MakeScalar("/", {IV, F}, IV, Binary<interval_t, double, interval_t, IntervalDivDouble>));
  r.AddScalar(MakeScalar("+", {T, IV}, T, Binary<int64_t, interval_t, int64_t, TimePlusInterval>));
  r.AddScalar(MakeScalar("+", {IV, T}, T, Binary<interval_t, int64_t, int64_t, IntervalPlusTime>));
  r.AddScalar(MakeScalar("-", {T, IV}, T, Binary<int64_t, interval_t, int64_t, TimeMinusInterval>));
  r.AddScalar(MakeScalar("-", {T, T}, IV, Binary<int64_t, int64_t, interval_t, TimeMinusTime>));

  r.AddScalar(MakeScalar("||", {TypeId::kVarchar, TypeId::kVarchar}, TypeId::kVarchar, ConcatKernel));
  r.AddScalar(MakeScalar("||", {TypeId::kBlob, TypeId::kBlob}, TypeId::kBlob, ConcatKernel));
  r.AddScalar(
      MakeScalar("||", {TypeId::kVarchar, TypeId::kInvalid}, TypeId::kVarchar, ConcatKernel, BindConcatAny));
  r.AddScalar(
      MakeScalar("||", {TypeId::kInvalid, TypeId::kVarchar}, TypeId::kVarchar, ConcatKernel, BindConcatAny));
}

}  // namespace basin
