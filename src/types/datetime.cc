#include "types/datetime.h"

#include <limits>

#include "types/datetime_internal.h"

namespace basin {

using datetime_internal::AppendCivilDate;
using datetime_internal::AppendClock;
using datetime_internal::CivilFromDays;
using datetime_internal::DaysFromCivil;
using datetime_internal::EqualsIgnoreCase;
using datetime_internal::FloorDiv;
using datetime_internal::FloorMod;
using datetime_internal::Scanner;
using datetime_internal::Trim;

__int128 interval_t::Normalized() const {
  return static_cast<__int128>(months) * 30 * kMicrosPerDay + static_cast<__int128>(days) * kMicrosPerDay +
         micros;
}

namespace {

/// What a date or timestamp literal says, before it is turned into days or microseconds.
struct DateTimeFields {
  int64_t year = 0;  // astronomical: 0 is 1 BC
  int64_t month = 0;
  int64_t day = 0;
  int64_t time = 0;    // microseconds since midnight
  int64_t offset = 0;  // microseconds east of UTC
  bool has_offset = false;
  bool out_of_range = false;  // well-formed, but a field is out of range ("2023-02-29", "25:00")
};

/// "Y-M-D" (year up to 9 digits, month and day 1 or 2) or "YYYYMMDD".
bool ParseDatePart(Scanner& s, DateTimeFields& f) {
  int count = 0;
  if (!s.ReadDigits(f.year, 1, 9, &count) || s.PeekDigit()) return false;
  if (count == 8 && s.Peek() != '-') {
    f.month = f.year / 100 % 100;
    f.day = f.year % 100;
    f.year /= 10000;
    return true;
  }
  return s.Consume('-') && s.ReadDigits(f.month, 1, 2) && s.Consume('-') && s.ReadDigits(f.day, 1, 2) &&
         !s.PeekDigit();
}

/// An optional zone after the time: "Z", " UTC", "+05", "+05:30", "-0800". PostgreSQL limits offsets to
/// 15:59.
bool ParseZone(Scanner& s, DateTimeFields& f) {
  const size_t start = s.pos();
  s.SkipSpaces();
  if (s.ConsumeWord("z") || s.ConsumeWord("utc") || s.ConsumeWord("gmt")) {
    f.has_offset = true;
    return true;
  }
  const char sign = s.Peek();
  if (sign != '+' && sign != '-') {
    s.set_pos(start);
    return true;
  }
  s.Advance();
  int64_t hours = 0, minutes = 0;
  int count = 0;
  if (!s.ReadDigits(hours, 1, 2, &count)) return false;
  if (count == 2 && s.PeekDigit()) {
    if (!s.ReadDigits(minutes, 2, 2)) return false;
  } else if (s.Consume(':') && !s.ReadDigits(minutes, 2, 2)) {
    return false;
  }
  if (s.PeekDigit() || hours > 15 || minutes > 59) return false;
  f.offset = (hours * kMicrosPerHour + minutes * kMicrosPerMinute) * (sign == '-' ? -1 : 1);
  f.has_offset = true;
  return true;
}

/// Date, then optionally [ T]time and zone, then optionally " BC"/" AD".
bool ParseDateTime(std::string_view text, DateTimeFields& f) {
  Scanner s(Trim(text));
  if (!ParseDatePart(s, f)) return false;
  const size_t after_date = s.pos();
  const bool separated = s.Consume('T') || s.Consume('t') || s.SkipSpaces();
  if (separated && s.PeekDigit()) {
    if (!datetime_internal::ParseTimeOfDay(s, f.time, &f.out_of_range) || !ParseZone(s, f)) return false;
  } else {
    s.set_pos(after_date);
  }
  s.SkipSpaces();
  const bool bc = s.ConsumeWord("bc");
  if (!bc) s.ConsumeWord("ad");
  s.SkipSpaces();
  if (!s.AtEnd() || f.year == 0) return false;  // there is no year 0 in BC/AD counting
  if (bc) f.year = 1 - f.year;
  f.out_of_range = !date::IsValid(static_cast<int32_t>(f.year), static_cast<int32_t>(f.month),
                                  static_cast<int32_t>(f.day));
  return !f.out_of_range;
}

/// The special inputs "infinity", "+infinity", "-infinity" (the type's extremes) and "epoch" (0).
template <typename T>
bool ParseSpecial(std::string_view text, T& result) {
  if (EqualsIgnoreCase(text, "epoch")) {
    result = 0;
    return true;
  }
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (!EqualsIgnoreCase(text, "infinity")) return false;
  result = negative ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max();
  return true;
}

std::string FormatTimestamp(int64_t ts, bool with_zone) {
  if (ts == timestamp::kInfinity) return "infinity";
  if (ts == timestamp::kNegativeInfinity) return "-infinity";
  int32_t days;
  int64_t time;
  timestamp::ToParts(ts, days, time);
  int64_t year, month, day;
  CivilFromDays(days, year, month, day);
  std::string out;
  AppendCivilDate(out, year, month, day);
  out.push_back(' ');
  AppendClock(out, static_cast<uint64_t>(time));
  if (with_zone) out += "+00";
  if (year <= 0) out += " BC";  // PostgreSQL puts the era last, after the zone
  return out;
}

}  // namespace

namespace date {

int32_t FromCivil(int32_t year, int32_t month, int32_t day) {
  return static_cast<int32_t>(DaysFromCivil(year, month, day));
}

void ToCivil(int32_t days, int32_t& year, int32_t& month, int32_t& day) {
  int64_t y, m, d;
  CivilFromDays(days, y, m, d);
  year = static_cast<int32_t>(y);
  month = static_cast<int32_t>(m);
  day = static_cast<int32_t>(d);
}

bool IsValid(int32_t year, int32_t month, int32_t day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= datetime_internal::DaysInMonth(year, month);
}

int32_t DaysInMonth(int32_t year, int32_t month) {
  return static_cast<int32_t>(datetime_internal::DaysInMonth(year, month));
}

bool TryParse(std::string_view text, int32_t& result, bool* out_of_range) {
  text = Trim(text);
  if (ParseSpecial(text, result)) return true;
  DateTimeFields f;
  if (!ParseDateTime(text, f)) {
    if (out_of_range) *out_of_range = f.out_of_range;
    return false;
  }
  const int64_t days = DaysFromCivil(f.year, f.month, f.day);
  if (days <= kNegativeInfinity || days >= kInfinity) return false;
  result = static_cast<int32_t>(days);
  return true;
}

std::string ToString(int32_t days) {
  if (days == kInfinity) return "infinity";
  if (days == kNegativeInfinity) return "-infinity";
  int64_t year, month, day;
  CivilFromDays(days, year, month, day);
  std::string out;
  AppendCivilDate(out, year, month, day);
  if (year <= 0) out += " BC";
  return out;
}

int32_t IsoDayOfWeek(int32_t days) {
  return static_cast<int32_t>(FloorMod(static_cast<int64_t>(days) + 3, 7) + 1);  // 1970-01-01 was a Thursday
}

}  // namespace date

namespace time_of_day {

bool TryParse(std::string_view text, int64_t& result, bool* out_of_range) {
  Scanner s(Trim(text));
  int64_t micros;
  if (!datetime_internal::ParseTimeOfDay(s, micros, out_of_range) || !s.AtEnd()) return false;
  result = micros;
  return true;
}

std::string ToString(int64_t micros) {
  std::string out;
  // Out-of-range values are a bug elsewhere; print them rather than crash.
  if (micros < 0) out.push_back('-');
  AppendClock(out, micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros));
  return out;
}

}  // namespace time_of_day

namespace timestamp {

int64_t FromParts(int32_t days, int64_t time_micros) {
  // In 128 bits so that an out-of-range day wraps (defined since C++20) instead of being undefined.
  return static_cast<int64_t>(static_cast<__int128>(days) * kMicrosPerDay + time_micros);
}

void ToParts(int64_t ts, int32_t& days, int64_t& time_micros) {
  days = static_cast<int32_t>(FloorDiv(ts, kMicrosPerDay));
  time_micros = FloorMod(ts, kMicrosPerDay);
}

bool TryParse(std::string_view text, int64_t& result, bool* has_offset, bool* out_of_range) {
  if (has_offset) *has_offset = false;
  text = Trim(text);
  if (ParseSpecial(text, result)) return true;
  DateTimeFields f;
  if (!ParseDateTime(text, f)) {
    if (out_of_range) *out_of_range = f.out_of_range;
    return false;
  }
  const __int128 ts =
      static_cast<__int128>(DaysFromCivil(f.year, f.month, f.day)) * kMicrosPerDay + f.time - f.offset;
  if (ts <= kNegativeInfinity || ts >= kInfinity) return false;
  result = static_cast<int64_t>(ts);
  if (has_offset) *has_offset = f.has_offset;
  return true;
}

std::string ToString(int64_t ts) {
  return FormatTimestamp(ts, false);
}

std::string ToStringTz(int64_t ts) {
  return FormatTimestamp(ts, true);
}

}  // namespace timestamp

}  // namespace basin
