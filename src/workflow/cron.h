#pragma once

// Cron schedules: the five fields of Vixie cron (minute hour day-of-month month day-of-week, with lists,
// ranges, steps, names and `*`) or @hourly/@daily/@weekly/@monthly/@yearly, evaluated in an IANA time zone
// (cctz): a run's interval ends at each time the schedule fires.

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include <cctz/time_zone.h>

namespace basin::workflow {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

/// A parsed cron expression. Thread-safe (immutable).
class Cron {
 public:
  /// Parse `text`; throws std::invalid_argument saying which field is wrong and why.
  static Cron Parse(std::string_view text);

  /// The first time after `after` (strictly) that the schedule fires in `zone`. A local time skipped by a
  /// daylight-saving jump fires at the jump; one repeated fires once (its first occurrence).
  TimePoint Next(TimePoint after, const cctz::time_zone& zone) const;
  /// The last time at or before `at` that the schedule fires (the start of the interval holding `at`).
  TimePoint Previous(TimePoint at, const cctz::time_zone& zone) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = false;     // day-of-month was `*`
  bool any_weekday_ = false;
};

/// Load an IANA zone ("Asia/Seoul", "UTC"); throws std::invalid_argument for an unknown one.
cctz::time_zone LoadZone(const std::string& name);

}  // namespace basin::workflow
