#include "workflow/cron.h"

#include <cctz/civil_time.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace basin::workflow {

namespace {

struct Field {
  const char* name;
  int low, high;
  std::array<const char*, 12> names;  // spelled values from `low` on ("JAN" is 1, "SUN" is 0)
};
constexpr Field kFields[] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void Fail(const Field& field, std::string_view part, const std::string& why) {
  throw std::invalid_argument("cron " + std::string(field.name) + " field \"" + std::string(part) +
                              "\": " + why);
}

int ParseValue(const Field& field, std::string_view text, std::string_view part) {
  const std::string upper = Upper(text);
  for (size_t i = 0; i < field.names.size() && field.names[i]; ++i) {
    if (upper == field.names[i]) return field.low + static_cast<int>(i);
  }
  if (text.empty() || text.size() > 4) Fail(field, part, "expected a number");
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') Fail(field, part, "expected a number, not \"" + std::string(text) + "\"");
    value = value * 10 + (c - '0');
  }
  if (value < field.low || value > field.high) {
    Fail(field, part,
         std::to_string(value) + " is outside " + std::to_string(field.low) + "-" +
             std::to_string(field.high));
  }
  return value;
}

/// The values one field allows: comma-separated `*`, `N`, `N-M`, each with an optional `/step`.
std::vector<bool> ParseField(const Field& field, std::string_view text, bool& star) {
  std::vector<bool> allowed(field.high + 1, false);
  star = text == "*";
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view part =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    std::string_view range = part;
    int step = 1;
    if (const size_t slash = part.find('/'); slash != part.npos) {
      range = part.substr(0, slash);
      step = ParseValue(Field{field.name, 1, 1000, {}}, part.substr(slash + 1), part);
    }
    int low = field.low, high = field.high;
    if (range != "*") {
      const size_t dash = range.find('-');
      low = ParseValue(field, range.substr(0, dash), part);
      high = dash == range.npos ? (step > 1 ? field.high : low)
                                : ParseValue(field, range.substr(dash + 1), part);
      if (high < low) Fail(field, part, "the range runs backwards");
    }
    for (int v = low; v <= high; v += step) allowed[v] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return allowed;
}

template <size_t N>
void Fill(std::bitset<N>& bits, const std::vector<bool>& allowed) {
  for (size_t i = 0; i < allowed.size() && i < N; ++i) bits[i] = allowed[i];
}

using Seconds = std::chrono::time_point<Clock, std::chrono::seconds>;

Seconds ToAbsolute(const cctz::civil_minute& minute, const cctz::time_zone& zone) {
  const cctz::time_zone::civil_lookup found = zone.lookup(cctz::civil_second(minute));
  return found.kind == cctz::time_zone::civil_lookup::SKIPPED ? found.trans : found.pre;
}

int Weekday(const cctz::civil_day& day) {  // 0 = Sunday
  return (static_cast<int>(cctz::get_weekday(day)) + 1) % 7;
}

/// Enough steps to cross any valid expression's gap (29 February of a leap year that is a Monday).
constexpr int kMaxSteps = 200'000;

}  // namespace

Cron Cron::Parse(std::string_view text) {
  static const std::pair<const char*, const char*> kMacros[] = {
      {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
      {"@weekly", "0 0 * * 0"},  {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
      {"@annually", "0 0 1 1 *"}};
  Cron cron;
  cron.text_ = std::string(text);
  std::string expanded(text);
  if (!text.empty() && text[0] == '@') {
    expanded.clear();
    for (const auto& [macro, fields] : kMacros) {
      if (text == macro) expanded = fields;
    }
    if (expanded.empty()) {
      throw std::invalid_argument("unknown cron macro \"" + std::string(text) +
                                  "\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
    }
  }
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < expanded.size()) {
    while (i < expanded.size() && std::isspace(static_cast<unsigned char>(expanded[i]))) ++i;
    size_t j = i;
    while (j < expanded.size() && !std::isspace(static_cast<unsigned char>(expanded[j]))) ++j;
    if (j > i) parts.push_back(expanded.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 5) {
    throw std::invalid_argument(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week), \"" +
        std::string(text) + "\" has " + std::to_string(parts.size()));
  }
  bool star = false;
  Fill(cron.minutes_, ParseField(kFields[0], parts[0], star));
  Fill(cron.hours_, ParseField(kFields[1], parts[1], star));
  Fill(cron.days_, ParseField(kFields[2], parts[2], cron.any_day_));
  Fill(cron.months_, ParseField(kFields[3], parts[3], star));
  std::vector<bool> weekdays = ParseField(kFields[4], parts[4], cron.any_weekday_);
  if (weekdays[7]) weekdays[0] = true;  // 7 is Sunday too
  Fill(cron.weekdays_, weekdays);
  return cron;
}

namespace {
/// Vixie cron: when both day fields are restricted, either may match.
bool DayMatches(const std::bitset<32>& days, const std::bitset<7>& weekdays, bool any_day, bool any_weekday,
                const cctz::civil_minute& m) {
  const bool by_day = days[m.day()];
  const bool by_weekday = weekdays[Weekday(cctz::civil_day(m))];
  if (any_day) return by_weekday;
  if (any_weekday) return by_day;
  return by_day || by_weekday;
}
}  // namespace

TimePoint Cron::Next(TimePoint after, const cctz::time_zone& zone) const {
  const Seconds floor = std::chrono::floor<std::chrono::seconds>(after);
  cctz::civil_minute m = cctz::civil_minute(cctz::convert(floor, zone)) + 1;
  for (int step = 0; step < kMaxSteps; ++step) {
    if (!months_[m.month()]) {
      m = cctz::civil_minute(cctz::civil_month(m) + 1);
    } else if (!DayMatches(days_, weekdays_, any_day_, any_weekday_, m)) {
      m = cctz::civil_minute(cctz::civil_day(m) + 1);
    } else if (!hours_[m.hour()]) {
      m = cctz::civil_minute(cctz::civil_hour(m) + 1);
    } else if (!minutes_[m.minute()]) {
      m += 1;
    } else {
      const TimePoint fire = ToAbsolute(m, zone);
      if (fire > after) return fire;
      m += 1;  // the second pass of a repeated hour
    }
  }
  throw std::invalid_argument("cron expression \"" + text_ + "\" never fires");
}

TimePoint Cron::Previous(TimePoint at, const cctz::time_zone& zone) const {
  const Seconds floor = std::chrono::floor<std::chrono::seconds>(at);
  cctz::civil_minute m = cctz::civil_minute(cctz::convert(floor, zone));
  for (int step = 0; step < kMaxSteps; ++step) {
    if (!months_[m.month()]) {
      m = cctz::civil_minute(cctz::civil_month(m)) - 1;
    } else if (!DayMatches(days_, weekdays_, any_day_, any_weekday_, m)) {
      m = cctz::civil_minute(cctz::civil_day(m)) - 1;
    } else if (!hours_[m.hour()]) {
      m = cctz::civil_minute(cctz::civil_hour(m)) - 1;
    } else if (!minutes_[m.minute()]) {
      m -= 1;
    } else {
      const TimePoint fire = ToAbsolute(m, zone);
      if (fire <= at) return fire;
      m -= 1;
    }
  }
  throw std::invalid_argument("cron expression \"" + text_ + "\" never fires");
}

cctz::time_zone LoadZone(const std::string& name) {
  cctz::time_zone zone;
  if (name.empty() || name == "UTC") return cctz::utc_time_zone();
  if (!cctz::load_time_zone(name, &zone)) throw std::invalid_argument("unknown time zone \"" + name + "\"");
  return zone;
}

}  // namespace basin::workflow
