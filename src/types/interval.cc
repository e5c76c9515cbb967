// INTERVAL text input and output, and timestamp + interval (declared in types/datetime.h).

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/exception.h"
#include "types/datetime.h"
#include "types/datetime_internal.h"

namespace basin {

using datetime_internal::FloorDiv;
using datetime_internal::FloorMod;
using datetime_internal::Scanner;

namespace {

enum class Field { kMonths, kDays, kMicros };

/// What one of a unit adds to an interval.
struct Unit {
  Field field;
  int64_t size;  // months, days or microseconds per unit
};

/// PostgreSQL's interval unit spellings (datetime.c's deltatktbl), singular, plural and abbreviated.
bool LookupUnit(std::string_view word, Unit& unit) {
  struct Entry {
    std::string_view name;
    Unit unit;
  };
  static constexpr Entry kUnits[] = {
      {"microsecond", {Field::kMicros, 1}},
      {"microseconds", {Field::kMicros, 1}},
      {"us", {Field::kMicros, 1}},
      {"usec", {Field::kMicros, 1}},
      {"usecs", {Field::kMicros, 1}},
      {"millisecond", {Field::kMicros, 1000}},
      {"milliseconds", {Field::kMicros, 1000}},
      {"ms", {Field::kMicros, 1000}},
      {"msec", {Field::kMicros, 1000}},
      {"msecs", {Field::kMicros, 1000}},
      {"second", {Field::kMicros, kMicrosPerSecond}},
      {"seconds", {Field::kMicros, kMicrosPerSecond}},
      {"s", {Field::kMicros, kMicrosPerSecond}},
      {"sec", {Field::kMicros, kMicrosPerSecond}},
      {"secs", {Field::kMicros, kMicrosPerSecond}},
      {"minute", {Field::kMicros, kMicrosPerMinute}},
      {"minutes", {Field::kMicros, kMicrosPerMinute}},
      {"m", {Field::kMicros, kMicrosPerMinute}},
      {"min", {Field::kMicros, kMicrosPerMinute}},
      {"mins", {Field::kMicros, kMicrosPerMinute}},
      {"hour", {Field::kMicros, kMicrosPerHour}},
      {"hours", {Field::kMicros, kMicrosPerHour}},
      {"h", {Field::kMicros, kMicrosPerHour}},
      {"hr", {Field::kMicros, kMicrosPerHour}},
      {"hrs", {Field::kMicros, kMicrosPerHour}},
      {"day", {Field::kDays, 1}},
      {"days", {Field::kDays, 1}},
      {"d", {Field::kDays, 1}},
      {"week", {Field::kDays, 7}},
      {"weeks", {Field::kDays, 7}},
      {"w", {Field::kDays, 7}},
      {"month", {Field::kMonths, 1}},
      {"months", {Field::kMonths, 1}},
      {"mon", {Field::kMonths, 1}},
      {"mons", {Field::kMonths, 1}},
      {"year", {Field::kMonths, 12}},
      {"years", {Field::kMonths, 12}},
      {"y", {Field::kMonths, 12}},
      {"yr", {Field::kMonths, 12}},
      {"yrs", {Field::kMonths, 12}},
      {"decade", {Field::kMonths, 120}},
      {"decades", {Field::kMonths, 120}},
      {"century", {Field::kMonths, 1200}},
      {"centuries", {Field::kMonths, 1200}},
      {"millennium", {Field::kMonths, 12000}},
      {"millennia", {Field::kMonths, 12000}},
      {"millenniums", {Field::kMonths, 12000}},
  };
  for (const Entry& e : kUnits) {
    if (e.name == word) {
      unit = e.unit;
      return true;
    }
  }
  return false;
}

/// Running totals in 128 bits. One step adds at most ~1e18 * 1e10, and the totals are checked against
/// kLimit after every step, so they never overflow; the int32/int64 range check comes at the end.
struct Totals {
  static constexpr __int128 kLimit = static_cast<__int128>(1) << 100;
  __int128 months = 0;
  __int128 days = 0;
  __int128 micros = 0;

  bool Bounded() const {
    auto ok = [](__int128 v) { return v < kLimit && v > -kLimit; };
    return ok(months) && ok(days) && ok(micros);
  }
};

/// A number as written: "-1", "2.5", ".5".
struct Number {
  int sign = 1;
  int64_t whole = 0;
  double fraction = 0;  // [0, 1)
  bool has_fraction = false;
};

bool ReadNumber(Scanner& s, Number& n) {
  if (s.Consume('-')) {
    n.sign = -1;
    s.SkipSpaces();  // "1 month - 1 day": PostgreSQL lets a sign stand apart from its number
  } else if (s.Consume('+')) {
    s.SkipSpaces();
  }
  int digits = 0;
  if (!s.ReadDigits(n.whole, 0, 18, &digits) || s.PeekDigit()) return false;  // > 18 digits: out of range
  if (s.Peek() == '.' && (digits > 0 || s.PeekDigit(1))) {
    s.Advance();
    n.has_fraction = true;
    double scale = 0.1;
    for (; s.PeekDigit(); s.Advance(), scale /= 10) n.fraction += (s.Peek() - '0') * scale;
    return true;
  }
  return digits > 0;
}

/// Add `whole_days` and `fraction_days` days, the fraction spilling into microseconds as PostgreSQL does.
void AddDays(Totals& t, int sign, __int128 whole_days, double fraction_days) {
  const double floor_days = std::floor(fraction_days);
  t.days += sign * (whole_days + static_cast<__int128>(floor_days));
  t.micros += sign * static_cast<__int128>(std::llround((fraction_days - floor_days) * kMicrosPerDay));
}

void AddNumber(Totals& t, const Number& n, const Unit& unit) {
  const __int128 whole = static_cast<__int128>(n.whole) * unit.size;
  switch (unit.field) {
    case Field::kMicros:
      t.micros += n.sign * (whole + std::llround(n.fraction * static_cast<double>(unit.size)));
      break;
    case Field::kDays:
      AddDays(t, n.sign, whole, n.fraction * static_cast<double>(unit.size));
      break;
    case Field::kMonths:
      if (unit.size == 1) {  // a fraction of a month is 30 days
        t.months += n.sign * whole;
        AddDays(t, n.sign, 0, n.fraction * 30);
      } else {  // a fraction of a year rounds to whole months
        t.months += n.sign * (whole + std::llround(n.fraction * static_cast<double>(unit.size)));
      }
      break;
  }
}

/// The clock part after the hours (the cursor is on ':'): "H:MM[:SS[.f]]", or "MM:SS.f" when the second
/// field has a fraction, as PostgreSQL reads "1:30.5".
bool ParseClock(Scanner& s, int sign, int64_t first, Totals& t) {
  int64_t second_field = 0, hours = first, minutes = 0, seconds = 0, fraction = 0;
  if (!s.Consume(':') || !s.ReadDigits(second_field, 1, 2)) return false;
  if (s.Consume('.')) {
    if (!s.ReadFractionMicros(fraction)) return false;
    hours = 0;
    minutes = first;
    seconds = second_field;
  } else {
    minutes = second_field;
    if (s.Consume(':')) {
      if (!s.ReadDigits(seconds, 1, 2)) return false;
      if (s.Consume('.') && !s.ReadFractionMicros(fraction)) return false;
    }
    if (minutes > 59) return false;
  }
  if (s.PeekDigit() || seconds > 59) return false;
  t.micros +=
      sign * (static_cast<__int128>(hours) * kMicrosPerHour +
              static_cast<__int128>(minutes) * kMicrosPerMinute + seconds * kMicrosPerSecond + fraction);
  return true;
}

/// Whether the next token is a clock ("3 04:05:06": a unitless number before a clock counts days).
bool ClockFollows(Scanner s) {
  s.SkipSpaces();
  if (s.Peek() == '-' || s.Peek() == '+') s.Advance();
  int64_t ignored;
  return s.ReadDigits(ignored, 1, 18) && s.Peek() == ':';
}

/// Whether only "ago" remains.
bool LastWordIsAgo(Scanner s) {
  if (!s.ConsumeWord("ago")) return false;
  s.SkipSpaces();
  return s.AtEnd();
}

/// ISO 8601 durations: "P1Y2M3DT4H5M6.5S", "P2W"; the cursor is past 'P'.
bool ParseIso(Scanner& s, Totals& t) {
  bool in_time = false, any = false;
  while (!s.AtEnd()) {
    if (!in_time && (s.Consume('T') || s.Consume('t'))) {
      in_time = true;
      if (s.AtEnd()) return false;  // "P1DT": a time designator with no time
      continue;
    }
    Number n;
    if (!ReadNumber(s, n)) return false;
    char designator = s.Peek();
    if (designator >= 'a' && designator <= 'z') designator = static_cast<char>(designator - 'a' + 'A');
    s.Advance();
    Unit unit;
    if (!in_time && designator == 'Y')
      unit = {Field::kMonths, 12};
    else if (!in_time && designator == 'M')
      unit = {Field::kMonths, 1};
    else if (!in_time && designator == 'W')
      unit = {Field::kDays, 7};
    else if (!in_time && designator == 'D')
      unit = {Field::kDays, 1};
    else if (in_time && designator == 'H')
      unit = {Field::kMicros, kMicrosPerHour};
    else if (in_time && designator == 'M')
      unit = {Field::kMicros, kMicrosPerMinute};
    else if (in_time && designator == 'S')
      unit = {Field::kMicros, kMicrosPerSecond};
    else
      return false;
    AddNumber(t, n, unit);
    if (!t.Bounded()) return false;
    any = true;
  }
  return any;
}

/// PostgreSQL's verbose form: "[@] 1 year -2 mons 3 days 04:05:06.5 [ago]", "1-2", "3 04:05:06", "90".
bool ParseVerbose(Scanner& s, Totals& t) {
  bool any = false, ago = false;
  for (;;) {
    s.SkipSpaces();
    if (s.AtEnd()) break;
    if (ago) return false;  // "ago" ends the text
    if (any && s.ConsumeWord("ago")) {
      ago = true;
      continue;
    }
    Number n;
    if (!ReadNumber(s, n)) return false;
    if (s.Peek() == ':') {
      if (n.has_fraction || !ParseClock(s, n.sign, n.whole, t)) return false;
    } else if (s.Peek() == '-' && s.PeekDigit(1) && !n.has_fraction) {  // SQL-standard year-month "1-2"
      s.Advance();
      int64_t months;
      if (!s.ReadDigits(months, 1, 2) || s.PeekDigit() || months > 11) return false;
      t.months += n.sign * (static_cast<__int128>(n.whole) * 12 + months);
    } else {
      s.SkipSpaces();
      const size_t before_word = s.pos();
      std::string word = s.ReadWord();
      if (word == "ago") {  // "5 ago": the number has no unit
        s.set_pos(before_word);
        word.clear();
      }
      Unit unit{Field::kMicros, kMicrosPerSecond};  // a bare number last counts seconds ("90")
      if (word.empty()) {
        if (ClockFollows(s)) {
          unit = {Field::kDays, 1};
        } else if (!s.AtEnd() && !LastWordIsAgo(s)) {
          return false;  // "1 2": PostgreSQL rejects unitless numbers in the middle
        }
      } else if (!LookupUnit(word, unit)) {
        return false;
      }
      AddNumber(t, n, unit);
    }
    if (!t.Bounded()) return false;
    any = true;
  }
  if (ago) {
    t.months = -t.months;
    t.days = -t.days;
    t.micros = -t.micros;
  }
  return any;
}

bool FitsInt32(__int128 v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

bool FitsInt64(__int128 v) {
  return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
}

/// PostgreSQL's AddPostgresIntPart: a '+' marks a positive field after a negative one.
void AppendPart(std::string& out, int64_t value, const char* unit, bool& is_zero, bool& is_before) {
  if (value == 0) return;
  if (!is_zero) out.push_back(' ');
  if (is_before && value > 0) out.push_back('+');
  out += std::to_string(value);
  out.push_back(' ');
  out += unit;
  if (value != 1) out.push_back('s');
  is_before = value < 0;
  is_zero = false;
}

}  // namespace

namespace interval {

bool TryParse(std::string_view text, interval_t& result) {
  Scanner s(datetime_internal::Trim(text));
  Totals t;
  if (s.Consume('@')) s.SkipSpaces();
  const bool ok = (s.Peek() == 'P' || s.Peek() == 'p') ? (s.Advance(), ParseIso(s, t)) : ParseVerbose(s, t);
  if (!ok || !FitsInt32(t.months) || !FitsInt32(t.days) || !FitsInt64(t.micros)) return false;
  result.months = static_cast<int32_t>(t.months);
  result.days = static_cast<int32_t>(t.days);
  result.micros = static_cast<int64_t>(t.micros);
  return true;
}

std::string ToString(const interval_t& iv) {
  std::string out;
  bool is_zero = true, is_before = false;
  AppendPart(out, iv.months / 12, "year", is_zero, is_before);
  AppendPart(out, iv.months % 12, "mon", is_zero, is_before);
  AppendPart(out, iv.days, "day", is_zero, is_before);
  if (is_zero || iv.micros != 0) {
    if (!is_zero) out.push_back(' ');
    if (iv.micros < 0) {
      out.push_back('-');
    } else if (is_before) {
      out.push_back('+');
    }
    // Unsigned negation: INT64_MIN has no positive int64.
    const uint64_t magnitude = iv.micros < 0 ? 0 - static_cast<uint64_t>(iv.micros) : iv.micros;
    datetime_internal::AppendClock(out, magnitude);
  }
  return out;
}

bool TryAddToTimestamp(int64_t ts, const interval_t& iv, int64_t& result) {
  if (ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity) {
    result = ts;
    return true;
  }
  int64_t days = FloorDiv(ts, kMicrosPerDay);
  const int64_t time = FloorMod(ts, kMicrosPerDay);
  if (iv.months != 0) {
    int64_t year, month, day;
    datetime_internal::CivilFromDays(days, year, month, day);
    const int64_t total = year * 12 + (month - 1) + iv.months;
    year = FloorDiv(total, 12);
    month = FloorMod(total, 12) + 1;
    day = std::min(day, datetime_internal::DaysInMonth(year, month));  // Jan 31 + 1 month = Feb 28/29
    days = datetime_internal::DaysFromCivil(year, month, day);
  }
  const __int128 sum = (static_cast<__int128>(days) + iv.days) * kMicrosPerDay + time + iv.micros;
  if (sum <= timestamp::kNegativeInfinity || sum >= timestamp::kInfinity) return false;
  result = static_cast<int64_t>(sum);
  return true;
}

int64_t AddToTimestamp(int64_t ts, const interval_t& iv) {
  int64_t result;
  if (!TryAddToTimestamp(ts, iv, result))
    throw DataError(sqlstate::kDatetimeFieldOverflow, "timestamp out of range");
  return result;
}

}  // namespace interval

}  // namespace basin
