#include "types/datetime_internal.h"

#include <cstdio>

#include "types/datetime.h"

namespace basin::datetime_internal {

bool Scanner::Consume(char c) {
  if (Peek() != c) return false;
  Advance();
  return true;
}

bool Scanner::ConsumeWord(std::string_view word) {
  for (size_t i = 0; i < word.size(); i++) {
    char c = Peek(i);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  if (IsAlpha(Peek(word.size()))) return false;
  Advance(word.size());
  return true;
}

bool Scanner::SkipSpaces() {
  size_t start = pos_;
  while (Peek() == ' ' || Peek() == '\t') Advance();
  return pos_ != start;
}

std::string Scanner::ReadWord() {
  std::string word;
  while (IsAlpha(Peek())) {
    char c = Peek();
    word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    Advance();
  }
  return word;
}

bool Scanner::ReadDigits(int64_t& value, int min_digits, int max_digits, int* count) {
  int n = 0;
  value = 0;
  while (n < max_digits && PeekDigit()) {
    value = value * 10 + (Peek() - '0');
    Advance();
    n++;
  }
  if (count) *count = n;
  return n >= min_digits;
}

bool Scanner::ReadFractionMicros(int64_t& micros) {
  if (!PeekDigit()) return false;
  micros = 0;
  int n = 0;
  for (; n < 6 && PeekDigit(); n++, Advance()) micros = micros * 10 + (Peek() - '0');
  for (; n < 6; n++) micros *= 10;
  if (PeekDigit() && Peek() >= '5') micros++;  // PostgreSQL rounds to the microsecond
  while (PeekDigit()) Advance();
  return true;
}

std::string_view Trim(std::string_view text) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// https://howardhinnant.github.io/date_algorithms.html (eras of 400 years, March-based years).
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2;
  const int64_t era = FloorDiv(year, 400);
  const int64_t yoe = year - era * 400;                                               // [0, 399]
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                          // [0, 146096]
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int64_t& year, int64_t& month, int64_t& day) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;                                    // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2);
}

bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int64_t DaysInMonth(int64_t year, int64_t month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool ParseTimeOfDay(Scanner& s, int64_t& micros, bool* out_of_range) {
  int64_t hour, minute, second = 0, fraction = 0;
  if (!s.ReadDigits(hour, 1, 2) || !s.Consume(':') || !s.ReadDigits(minute, 2, 2)) return false;
  if (s.Consume(':')) {
    if (!s.ReadDigits(second, 2, 2)) return false;
    if (s.Consume('.') && !s.ReadFractionMicros(fraction)) return false;
  }
  if (s.PeekDigit()) return false;
  micros = hour * kMicrosPerHour + minute * kMicrosPerMinute + second * kMicrosPerSecond + fraction;
  // 24:00:00 is allowed, as PostgreSQL allows it; nothing later.
  if (hour > 24 || minute > 59 || second > 59 || micros > kMicrosPerDay) {
    if (out_of_range) *out_of_range = true;
    return false;
  }
  return true;
}

void AppendClock(std::string& out, uint64_t micros) {
  const uint64_t hours = micros / kMicrosPerHour;
  const uint64_t minutes = micros / kMicrosPerMinute % 60;
  const uint64_t seconds = micros / kMicrosPerSecond % 60;
  uint64_t fraction = micros % kMicrosPerSecond;
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%02llu:%02llu:%02llu", static_cast<unsigned long long>(hours),
                        static_cast<unsigned long long>(minutes), static_cast<unsigned long long>(seconds));
  out.append(buf, static_cast<size_t>(n));
  if (fraction == 0) return;
  int digits = 6;
  while (fraction % 10 == 0) {
    fraction /= 10;
    digits--;
  }
  n = std::snprintf(buf, sizeof(buf), ".%0*llu", digits, static_cast<unsigned long long>(fraction));
  out.append(buf, static_cast<size_t>(n));
}

void AppendCivilDate(std::string& out, int64_t year, int64_t month, int64_t day) {
  char buf[48];
  const long long printed_year = year > 0 ? year : 1 - year;
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld", printed_year, static_cast<long long>(month),
                        static_cast<long long>(day));
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace basin::datetime_internal
