// Date and time functions: date_part (and so EXTRACT), date_trunc, age, the current-time functions,
// make_date/make_time/make_timestamp and to_timestamp(epoch). The session time zone is UTC.

#include <chrono>
#include <cmath>
#include <string>

#include "execution/functions/datetime_internal.h"
#include "execution/functions/function_internal.h"
#include "main/client_context.h"

namespace basin {

using namespace function_internal;  // NOLINT

CivilTime CivilTime::FromTimestamp(int64_t ts) {
  CivilTime c;
  int64_t time;
  timestamp::ToParts(ts, c.days, time);
  date::ToCivil(c.days, c.year, c.month, c.day);
  c.hour = static_cast<int32_t>(time / kMicrosPerHour);
  c.minute = static_cast<int32_t>(time / kMicrosPerMinute % 60);
  c.second = static_cast<int32_t>(time / kMicrosPerSecond % 60);
  c.micros = static_cast<int32_t>(time % kMicrosPerSecond);
  return c;
}

int32_t CivilTime::DayOfYear() const {
  return days - date::FromCivil(year, 1, 1) + 1;
}

void CivilTime::IsoWeek(int32_t& iso_year, int32_t& week) const {
  // The ISO week belongs to the year of its Thursday.
  int32_t thursday = days - (date::IsoDayOfWeek(days) - 4);
  int32_t m, d;
  date::ToCivil(thursday, iso_year, m, d);
  week = (thursday - date::FromCivil(iso_year, 1, 1)) / 7 + 1;
}

namespace {

enum class Field {
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond,
  kDow,
  kIsoDow,
  kDoy,
  kWeek,
  kIsoYear,
  kQuarter,
  kDecade,
  kCentury,
  kMillennium,
  kEpoch,
  kJulian,
  kUnknown
};

Field ParseField(std::string_view text) {
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.size() > 1 && s.back() == 's' && s != "s" && s != "ms" && s != "us") s.pop_back();  // plurals
  if (s == "year" || s == "y" || s == "yr") return Field::kYear;
  if (s == "month" || s == "mon") return Field::kMonth;
  if (s == "day" || s == "d") return Field::kDay;
  if (s == "hour" || s == "h" || s == "hr") return Field::kHour;
  if (s == "minute" || s == "m" || s == "min") return Field::kMinute;
  if (s == "second" || s == "s" || s == "sec") return Field::kSecond;
  if (s == "millisecond" || s == "ms" || s == "msec") return Field::kMillisecond;
  if (s == "microsecond" || s == "us" || s == "usec") return Field::kMicrosecond;
  if (s == "dow") return Field::kDow;
  if (s == "isodow") return Field::kIsoDow;
  if (s == "doy") return Field::kDoy;
  if (s == "week" || s == "w") return Field::kWeek;
  if (s == "isoyear") return Field::kIsoYear;
  if (s == "quarter" || s == "qtr") return Field::kQuarter;
  if (s == "decade" || s == "dec") return Field::kDecade;
  if (s == "century" || s == "cent" || s == "c") return Field::kCentury;
  if (s == "millennium" || s == "mil" || s == "millennia") return Field::kMillennium;
  if (s == "epoch") return Field::kEpoch;
  if (s == "julian" || s == "j") return Field::kJulian;
  return Field::kUnknown;
}

[[noreturn]] void ThrowBadUnit(std::string_view unit, const char* type) {
  throw DataError(sqlstate::kInvalidParameterValue,
                  "unit \"" + std::string(unit) + "\" not supported for type " + type);
}

/// Parsed field of each row, re-parsed only when the text changes (it is nearly always a constant).
class FieldCache {
 public:
  Field Get(string_t text) {
    if (text.view() != last_) {
      last_ = text.str();
      field_ = ParseField(last_);
    }
    return field_;
  }
  const std::string& text() const { return last_; }

 private:
  std::string last_ = "\x01";
  Field field_ = Field::kUnknown;
};

int32_t FloorDiv(int32_t a, int32_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

double TimestampPart(Field f, int64_t ts, std::string_view unit) {
  if (ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity) {
    double inf = ts == timestamp::kInfinity ? HUGE_VAL : -HUGE_VAL;
    switch (f) {
      case Field::kYear:
      case Field::kIsoYear:
      case Field::kDecade:
      case Field::kCentury:
      case Field::kMillennium:
      case Field::kEpoch:
      case Field::kJulian:
        return inf;
      default:
        return std::nan("");  // callers turn NaN into NULL below
    }
  }
  CivilTime c = CivilTime::FromTimestamp(ts);
  int32_t iso_year, week;
  switch (f) {
    case Field::kYear:
      return c.year > 0 ? c.year : c.year - 1;  // there is no year 0: 1 BC is -1
    case Field::kMonth:
      return c.month;
    case Field::kDay:
      return c.day;
    case Field::kHour:
      return c.hour;
    case Field::kMinute:
      return c.minute;
    case Field::kSecond:
      return c.second + c.micros / 1e6;
    case Field::kMillisecond:
      return c.second * 1000 + c.micros / 1e3;
    case Field::kMicrosecond:
      return c.second * 1000000.0 + c.micros;
    case Field::kDow:
      return date::IsoDayOfWeek(c.days) % 7;
    case Field::kIsoDow:
      return date::IsoDayOfWeek(c.days);
    case Field::kDoy:
      return c.DayOfYear();
    case Field::kWeek:
      c.IsoWeek(iso_year, week);
      return week;
    case Field::kIsoYear:
      c.IsoWeek(iso_year, week);
      return iso_year > 0 ? iso_year : iso_year - 1;
    case Field::kQuarter:
      return (c.month - 1) / 3 + 1;
    case Field::kDecade:
      return FloorDiv(c.year, 10);
    case Field::kCentury:
      return c.year > 0 ? (c.year + 99) / 100 : -((99 - (c.year - 1)) / 100);
    case Field::kMillennium:
      return c.year > 0 ? (c.year + 999) / 1000 : -((999 - (c.year - 1)) / 1000);
    case Field::kEpoch:
      return static_cast<double>(ts) / 1e6;
    case Field::kJulian:
      return c.days + 2440588 +
             static_cast<double>(ts - static_cast<int64_t>(c.days) * kMicrosPerDay) / kMicrosPerDay;
    case Field::kUnknown:
      break;
  }
  ThrowBadUnit(unit, "timestamp");
}

/// Hour, minute, second, millisecond and microsecond of a time of day (or an interval's time part); false
/// for other fields.
bool ClockPart(Field f, int64_t t, double& out) {
  switch (f) {
    case Field::kHour:
      out = static_cast<double>(t / kMicrosPerHour);
      return true;
    case Field::kMinute:
      out = static_cast<double>(t / kMicrosPerMinute % 60);
      return true;
    case Field::kSecond:
      out = static_cast<double>(t % kMicrosPerMinute) / 1e6;
      return true;
    case Field::kMillisecond:
      out = static_cast<double>(t % kMicrosPerMinute) / 1e3;
      return true;
    case Field::kMicrosecond:
      out = static_cast<double>(t % kMicrosPerMinute);
      return true;
    default:
      return false;
  }
}

double TimePart(Field f, int64_t t, std::string_view unit) {
  double clock;
  if (ClockPart(f, t, clock)) return clock;
  if (f == Field::kEpoch) return static_cast<double>(t) / 1e6;
  ThrowBadUnit(unit, "time without time zone");
}

double IntervalPart(Field f, interval_t v, std::string_view unit) {
  double clock;
  if (ClockPart(f, v.micros, clock)) return clock;
  switch (f) {
    case Field::kYear:
      return v.months / 12;
    case Field::kMonth:
      return v.months % 12;
    case Field::kDay:
      return v.days;
    case Field::kQuarter:
      return (v.months % 12) / 3 + 1;
    case Field::kDecade:
      return v.months / 120;
    case Field::kCentury:
      return v.months / 1200;
    case Field::kMillennium:
      return v.months / 12000;
    case Field::kEpoch:
      // As PostgreSQL: a year is 365.25 days, a month 30 days.
      return (v.months / 12) * 365.25 * 86400 + (v.months % 12) * 30.0 * 86400 + v.days * 86400.0 +
             static_cast<double>(v.micros) / 1e6;
    default:
      ThrowBadUnit(unit, "interval");
  }
}

template <class T, double (*kPart)(Field, T, std::string_view)>
void DatePartKernel(DataChunk& args, FunctionContext&, Vector& result) {
  FieldCache fields;
  Arg<string_t> unit(args.column(0));
  Arg<T> value(args.column(1));
  ExecuteRowsNullable<double>(args, result, [&](size_t i, double& out) {
    Field f = fields.Get(unit[i]);
    out = kPart(f, value[i], fields.text());
    return !std::isnan(out) || f == Field::kEpoch;
  });
}

double DatePart(Field f, int32_t d, std::string_view unit) {
  if (d == date::kInfinity) return TimestampPart(f, timestamp::kInfinity, unit);
  if (d == date::kNegativeInfinity) return TimestampPart(f, timestamp::kNegativeInfinity, unit);
  switch (f) {
    case Field::kHour:
    case Field::kMinute:
    case Field::kSecond:
    case Field::kMillisecond:
    case Field::kMicrosecond:
      ThrowBadUnit(unit, "date");
    default:
      return TimestampPart(f, static_cast<int64_t>(d) * kMicrosPerDay, unit);
  }
}

/// Truncate a timestamp to the start of its unit (weeks start on Monday, as ISO).
int64_t TruncTimestamp(Field f, int64_t ts, std::string_view unit) {
  if (ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity) return ts;
  CivilTime c = CivilTime::FromTimestamp(ts);
  int64_t time = ts - static_cast<int64_t>(c.days) * kMicrosPerDay;
  auto at = [&](int32_t y, int32_t m, int32_t d) {
    return static_cast<int64_t>(date::FromCivil(y, m, d)) * kMicrosPerDay;
  };
  auto floor_year = [&](int32_t n) {
    // Decades, centuries and millennia start in years 1, 1, 1 (centuries: 2001, not 2000), as PostgreSQL.
    if (n == 10) return FloorDiv(c.year, 10) * 10;
    int32_t y = c.year > 0 ? (c.year - 1) / n * n + 1 : -((-c.year) / n * n) - n + 1;
    return y;
  };
  switch (f) {
    case Field::kMicrosecond:
      return ts;
    case Field::kMillisecond:
      return ts - (((ts % 1000) + 1000) % 1000);
    case Field::kSecond:
      return ts - (time % kMicrosPerSecond);
    case Field::kMinute:
      return ts - (time % kMicrosPerMinute);
    case Field::kHour:
      return ts - (time % kMicrosPerHour);
    case Field::kDay:
      return static_cast<int64_t>(c.days) * kMicrosPerDay;
    case Field::kWeek:
      return static_cast<int64_t>(c.days - (date::IsoDayOfWeek(c.days) - 1)) * kMicrosPerDay;
    case Field::kMonth:
      return at(c.year, c.month, 1);
    case Field::kQuarter:
      return at(c.year, (c.month - 1) / 3 * 3 + 1, 1);
    case Field::kYear:
      return at(c.year, 1, 1);
    case Field::kDecade:
      return at(floor_year(10), 1, 1);
    case Field::kCentury:
      return at(floor_year(100), 1, 1);
    case Field::kMillennium:
      return at(floor_year(1000), 1, 1);
    default:
      ThrowBadUnit(unit, "timestamp");
  }
}

int64_t TruncDate(Field f, int32_t d, std::string_view unit) {
  if (d == date::kInfinity) return timestamp::kInfinity;
  if (d == date::kNegativeInfinity) return timestamp::kNegativeInfinity;
  return TruncTimestamp(f, static_cast<int64_t>(d) * kMicrosPerDay, unit);
}

interval_t TruncInterval(Field f, interval_t v, std::string_view unit) {
  interval_t r;
  switch (f) {
    case Field::kMillennium:
      r.months = v.months / 12000 * 12000;
      return r;
    case Field::kCentury:
      r.months = v.months / 1200 * 1200;
      return r;
    case Field::kDecade:
      r.months = v.months / 120 * 120;
      return r;
    case Field::kYear:
      r.months = v.months / 12 * 12;
      return r;
    case Field::kQuarter:
      r.months = v.months / 3 * 3;
      return r;
    case Field::kMonth:
      r.months = v.months;
      return r;
    case Field::kDay:
      return {v.months, v.days, 0};
    case Field::kHour:
      return {v.months, v.days, v.micros / kMicrosPerHour * kMicrosPerHour};
    case Field::kMinute:
      return {v.months, v.days, v.micros / kMicrosPerMinute * kMicrosPerMinute};
    case Field::kSecond:
      return {v.months, v.days, v.micros / kMicrosPerSecond * kMicrosPerSecond};
    case Field::kMillisecond:
      return {v.months, v.days, v.micros / 1000 * 1000};
    case Field::kMicrosecond:
      return v;
    default:
      ThrowBadUnit(unit, "interval");
  }
}

template <class T, class R, R (*kTrunc)(Field, T, std::string_view)>
void DateTruncKernel(DataChunk& args, FunctionContext&, Vector& result) {
  FieldCache fields;
  Arg<string_t> unit(args.column(0));
  Arg<T> value(args.column(1));
  ExecuteRows<R>(args, result,
                 [&](size_t i) { return kTrunc(fields.Get(unit[i]), value[i], fields.text()); });
}

/// age(a, b): the difference in years, months, days and time, borrowing as PostgreSQL's timestamp_age.
interval_t Age(int64_t a, int64_t b) {
  if (a == timestamp::kInfinity || a == timestamp::kNegativeInfinity || b == timestamp::kInfinity ||
      b == timestamp::kNegativeInfinity) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "interval out of range");
  }
  CivilTime x = CivilTime::FromTimestamp(a), y = CivilTime::FromTimestamp(b);
  int64_t f[7] = {x.year - y.year,     x.month - y.month,   x.day - y.day,      x.hour - y.hour,
                  x.minute - y.minute, x.second - y.second, x.micros - y.micros};
  bool flip = a < b;
  if (flip) {
    for (auto& v : f) v = -v;
  }
  static constexpr int64_t kCarry[7] = {0, 12, 0, 24, 60, 60, 1000000};
  for (int i = 6; i >= 3; i--) {
    while (f[i] < 0) f[i] += kCarry[i], f[i - 1]--;
  }
  while (f[2] < 0) {
    const CivilTime& base = flip ? x : y;
    f[2] += date::DaysInMonth(base.year, base.month);
    f[1]--;
  }
  while (f[1] < 0) f[1] += 12, f[0]--;
  if (flip) {
    for (auto& v : f) v = -v;
  }
  interval_t r;
  r.months = static_cast<int32_t>(f[0] * 12 + f[1]);
  r.days = static_cast<int32_t>(f[2]);
  r.micros = f[3] * kMicrosPerHour + f[4] * kMicrosPerMinute + f[5] * kMicrosPerSecond + f[6];
  return r;
}

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t Midnight(int64_t ts) {
  return ts - (((ts % kMicrosPerDay) + kMicrosPerDay) % kMicrosPerDay);
}

void AgeKernel(DataChunk& args, FunctionContext&, Vector& result) {
  if (args.ColumnCount() == 2) {
    BinaryExecute<int64_t, int64_t, interval_t>(args.column(0), args.column(1), result, args.size(), Age);
  } else {
    int64_t today = Midnight(NowMicros());
    UnaryExecute<int64_t, interval_t>(args.column(0), result, args.size(),
                                      [today](int64_t ts) { return Age(today, ts); });
  }
}

/// now(), current_date and friends: one constant for the whole chunk.
template <int kWhat>  // 0 timestamp, 1 date, 2 time
void CurrentKernel(DataChunk&, FunctionContext& ctx, Vector& result) {
  result.SetConstant(true);
  result.validity().SetAllValid();
  // The statement's start, as PostgreSQL: every call in a statement sees one instant, so that
  // now() = current_timestamp holds even when the clock ticks between the two calls.
  int64_t now = ctx.client && ctx.client->statement_time() ? ctx.client->statement_time() : NowMicros();
  if constexpr (kWhat == 0) result.data<int64_t>()[0] = now;
  if constexpr (kWhat == 1) result.data<int32_t>()[0] = static_cast<int32_t>(Midnight(now) / kMicrosPerDay);
  if constexpr (kWhat == 2) result.data<int64_t>()[0] = now - Midnight(now);
}

int32_t MakeDate(int32_t y, int32_t m, int32_t d) {
  if (!date::IsValid(y < 0 ? y + 1 : y, m, d) || y == 0) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "date field value out of range: " + std::to_string(y) +
                                                          "-" + std::to_string(m) + "-" + std::to_string(d));
  }
  return date::FromCivil(y < 0 ? y + 1 : y, m, d);  // negative years are BC: -1 is 1 BC, year 0 here
}

int64_t MakeTime(int64_t h, int64_t mi, double sec) {
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || !(sec >= 0 && sec <= 60) || (h == 24 && (mi > 0 || sec > 0))) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "time field value out of range: " + std::to_string(h) +
                                                          ":" + std::to_string(mi) + ":" +
                                                          std::to_string(sec));
  }
  return h * kMicrosPerHour + mi * kMicrosPerMinute + std::llround(sec * 1e6);
}

void MakeDateKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<int32_t> y(args.column(0)), m(args.column(1)), d(args.column(2));
  ExecuteRows<int32_t>(args, result, [&](size_t i) { return MakeDate(y[i], m[i], d[i]); });
}

void MakeTimeKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<int32_t> h(args.column(0)), mi(args.column(1));
  Arg<double> s(args.column(2));
  ExecuteRows<int64_t>(args, result, [&](size_t i) { return MakeTime(h[i], mi[i], s[i]); });
}

void MakeTimestampKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<int32_t> y(args.column(0)), mo(args.column(1)), d(args.column(2)), h(args.column(3)),
      mi(args.column(4));
  Arg<double> s(args.column(5));
  ExecuteRows<int64_t>(args, result, [&](size_t i) {
    return timestamp::FromParts(MakeDate(y[i], mo[i], d[i]), MakeTime(h[i], mi[i], s[i]));
  });
}

void ToTimestampEpochKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<double, int64_t>(args.column(0), result, args.size(), [](double seconds) -> int64_t {
    if (std::isnan(seconds)) {
      throw DataError(sqlstate::kDatetimeFieldOverflow, "timestamp cannot be NaN");
    }
    if (std::isinf(seconds)) return seconds > 0 ? timestamp::kInfinity : timestamp::kNegativeInfinity;
    double micros = std::nearbyint(seconds * 1e6);
    if (std::fabs(micros) >= 9.2e18) {
      throw DataError(sqlstate::kDatetimeFieldOverflow,
                      "timestamp out of range: \"" + std::to_string(seconds) + "\"");
    }
    return static_cast<int64_t>(micros);
  });
}

/// date_bin(stride, source, origin): `source` floored to a whole number of strides counted from `origin`, as
/// PostgreSQL 14 computes it (a day is 24 hours; strides with months vary in length and are refused).
int64_t DateBin(const interval_t& stride, int64_t source, int64_t origin) {
  if (stride.months != 0) {
    throw NotImplementedError("timestamps cannot be binned into intervals containing months or years");
  }
  const __int128 width = static_cast<__int128>(stride.days) * kMicrosPerDay + stride.micros;
  if (width <= 0) throw DataError(sqlstate::kInvalidParameterValue, "stride must be greater than zero");
  if (source == timestamp::kInfinity || source == timestamp::kNegativeInfinity) return source;
  const __int128 diff = static_cast<__int128>(source) - origin;
  __int128 delta = diff - diff % width;
  if (diff < 0 && diff % width != 0) delta -= width;
  const __int128 result = origin + delta;
  if (result <= timestamp::kNegativeInfinity || result >= timestamp::kInfinity) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
  }
  return static_cast<int64_t>(result);
}

void DateBinKernel(DataChunk& args, FunctionContext&, Vector& result) {
  Arg<interval_t> stride(args.column(0));
  Arg<int64_t> source(args.column(1)), origin(args.column(2));
  ExecuteRows<int64_t>(args, result, [&](size_t i) { return DateBin(stride[i], source[i], origin[i]); });
}

}  // namespace

void RegisterDateTimeFunctions(FunctionRegistry& r) {
  const TypeId V = TypeId::kVarchar, D = TypeId::kDate, T = TypeId::kTime, TS = TypeId::kTimestamp,
               TZ = TypeId::kTimestampTz, IV = TypeId::kInterval, F = TypeId::kDouble, I = TypeId::kInteger;
  r.AddScalar(MakeScalar("date_part", {V, D}, F, DatePartKernel<int32_t, DatePart>));
  r.AddScalar(MakeScalar("date_part", {V, TS}, F, DatePartKernel<int64_t, TimestampPart>));
  r.AddScalar(MakeScalar("date_part", {V, TZ}, F, DatePartKernel<int64_t, TimestampPart>));
  r.AddScalar(MakeScalar("date_part", {V, T}, F, DatePartKernel<int64_t, TimePart>));
  r.AddScalar(MakeScalar("date_part", {V, IV}, F, DatePartKernel<interval_t, IntervalPart>));
  // PostgreSQL has no date overload: a date goes to timestamptz, its category's preferred type.
  r.AddScalar(MakeScalar("date_trunc", {V, D}, TZ, DateTruncKernel<int32_t, int64_t, TruncDate>));
  r.AddScalar(MakeScalar("date_trunc", {V, TS}, TS, DateTruncKernel<int64_t, int64_t, TruncTimestamp>));
  r.AddScalar(MakeScalar("date_trunc", {V, TZ}, TZ, DateTruncKernel<int64_t, int64_t, TruncTimestamp>));
  r.AddScalar(MakeScalar("date_trunc", {V, IV}, IV, DateTruncKernel<interval_t, interval_t, TruncInterval>));
  r.AddScalar(MakeScalar("date_bin", {IV, TS, TS}, TS, DateBinKernel));
  r.AddScalar(MakeScalar("date_bin", {IV, TZ, TZ}, TZ, DateBinKernel));
  r.AddScalar(MakeScalar("age", {TS, TS}, IV, AgeKernel));
  r.AddScalar(MakeScalar("age", {TS}, IV, AgeKernel));
  r.AddScalar(MakeScalar("age", {TZ, TZ}, IV, AgeKernel));
  r.AddScalar(MakeScalar("age", {TZ}, IV, AgeKernel));

  auto current = [&](const char* name, TypeId type, ScalarKernel kernel) {
    ScalarFunction f = MakeScalar(name, {}, type, kernel);
    f.volatile_ = true;
    r.AddScalar(f);
  };
  for (const char* name : {"now", "current_timestamp", "transaction_timestamp", "statement_timestamp"}) {
    current(name, TZ, CurrentKernel<0>);
  }
  current("localtimestamp", TS, CurrentKernel<0>);
  current("current_date", D, CurrentKernel<1>);
  current("current_time", T, CurrentKernel<2>);
  current("localtime", T, CurrentKernel<2>);

  r.AddScalar(MakeScalar("make_date", {I, I, I}, D, MakeDateKernel));
  r.AddScalar(MakeScalar("make_time", {I, I, F}, T, MakeTimeKernel));
  r.AddScalar(MakeScalar("make_timestamp", {I, I, I, I, I, F}, TS, MakeTimestampKernel));
  r.AddScalar(MakeScalar("to_timestamp", {F}, TZ, ToTimestampEpochKernel));
  RegisterDateTimeFormatFunctions(r);
  RegisterNumericFormatFunctions(r);
}

}  // namespace basin
