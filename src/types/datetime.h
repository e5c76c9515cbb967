#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace basin {

/// INTERVAL: months, days and microseconds kept apart, as PostgreSQL does (a month has no fixed length).
struct interval_t {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;

  bool operator==(const interval_t& o) const = default;
  /// Order by the normalised length (30-day months, 24-hour days), as PostgreSQL compares intervals.
  __int128 Normalized() const;
  bool operator<(const interval_t& o) const { return Normalized() < o.Normalized(); }
};

inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

/// DATE: days since 1970-01-01 (proleptic Gregorian). Year 0 is 1 BC, as PostgreSQL counts.
namespace date {
/// 'infinity' and '-infinity', as PostgreSQL stores them: the extremes of the range.
inline constexpr int32_t kInfinity = std::numeric_limits<int32_t>::max();
inline constexpr int32_t kNegativeInfinity = std::numeric_limits<int32_t>::min();

int32_t FromCivil(int32_t year, int32_t month, int32_t day);
void ToCivil(int32_t days, int32_t& year, int32_t& month, int32_t& day);
bool IsValid(int32_t year, int32_t month, int32_t day);
int32_t DaysInMonth(int32_t year, int32_t month);
/// Parse "YYYY-MM-DD" (and "YYYYMMDD", "YYYY-MM-DD BC", "infinity"); a time after the date is ignored, as
/// PostgreSQL does. False when the text is not a date; never throws. `out_of_range` (if given) tells a
/// well-formed date with an impossible field ("2023-02-29", PostgreSQL's 22008) from malformed text (22007).
bool TryParse(std::string_view text, int32_t& result, bool* out_of_range = nullptr);
std::string ToString(int32_t days);
/// ISO day of week, Monday = 1 ... Sunday = 7.
int32_t IsoDayOfWeek(int32_t days);
}  // namespace date

/// TIME: microseconds since midnight.
namespace time_of_day {
/// Parse "HH:MM[:SS[.ffffff]]" (24:00:00 allowed); false when the text is not a time, with `out_of_range`
/// as date::TryParse's.
bool TryParse(std::string_view text, int64_t& result, bool* out_of_range = nullptr);
std::string ToString(int64_t micros);
}  // namespace time_of_day

/// TIMESTAMP and TIMESTAMPTZ: microseconds since 1970-01-01 00:00:00 (UTC for TIMESTAMPTZ).
namespace timestamp {
inline constexpr int64_t kInfinity = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kNegativeInfinity = std::numeric_limits<int64_t>::min();

int64_t FromParts(int32_t days, int64_t time_micros);
void ToParts(int64_t ts, int32_t& days, int64_t& time_micros);
/// Parse "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+HH[:MM]]"; a bare date is midnight. The offset, if any, is
/// applied (the result is UTC) and reported through has_offset. Also "... BC", "infinity", "epoch".
/// `out_of_range` as date::TryParse's.
bool TryParse(std::string_view text, int64_t& result, bool* has_offset = nullptr,
              bool* out_of_range = nullptr);
std::string ToString(int64_t ts);
/// As PostgreSQL prints TIMESTAMPTZ in the UTC session time zone: "2024-01-02 03:04:05+00".
std::string ToStringTz(int64_t ts);
}  // namespace timestamp

namespace interval {
/// Parse PostgreSQL interval text: "1 day 02:00:00", "3 months", "1 year 2 mons", "-5 minutes", "P1D",
/// "@ 1 day ago", "1-2" (year-month). False when malformed or out of range; never throws.
bool TryParse(std::string_view text, interval_t& result);
/// Print as PostgreSQL does with IntervalStyle 'postgres': "1 year 2 mons 3 days 04:05:06.5".
std::string ToString(const interval_t& iv);
/// Add an interval to a timestamp (months first, clamping the day to the month's end, then days, then
/// microseconds, as PostgreSQL). Infinite timestamps stay infinite. False when the result is out of range.
[[nodiscard]] bool TryAddToTimestamp(int64_t ts, const interval_t& iv, int64_t& result);
/// As TryAddToTimestamp; throws DataError (22008) when the result is out of range.
int64_t AddToTimestamp(int64_t ts, const interval_t& iv);
}  // namespace interval

}  // namespace basin
