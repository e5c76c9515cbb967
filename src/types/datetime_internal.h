#pragma once

// Helpers shared by datetime.cc and interval.cc; not part of the types module's interface.

#include <cstdint>
#include <string>
#include <string_view>

namespace basin::datetime_internal {

/// A read cursor over untrusted text. Every accessor is bounds-checked, so parsers built on it cannot read
/// past the end whatever the input.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  /// The character `ahead` places on, or '\0' past the end.
  char Peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool PeekDigit(size_t ahead = 0) const { return IsDigit(Peek(ahead)); }
  void Advance(size_t n = 1) { pos_ = pos_ + n < text_.size() ? pos_ + n : text_.size(); }
  size_t pos() const { return pos_; }
  void set_pos(size_t pos) { pos_ = pos; }

  bool Consume(char c);
  /// Consume `word` (lowercase) case-insensitively when it is not followed by another letter.
  bool ConsumeWord(std::string_view word);
  /// Skip spaces and tabs; return whether any were skipped.
  bool SkipSpaces();
  /// Read a run of letters, lowercased (empty when none).
  std::string ReadWord();
  /// Read between min_digits and max_digits digits (stopping at max_digits); false when fewer than
  /// min_digits. max_digits must be <= 18 so the value cannot overflow.
  bool ReadDigits(int64_t& value, int min_digits, int max_digits, int* count = nullptr);
  /// Read a '.'-less fraction's digits as microseconds, rounding half up at the 7th digit; digits past it
  /// are consumed and ignored. Returns 0..1000000 (1000000 after rounding up .9999995).
  bool ReadFractionMicros(int64_t& micros);

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

/// Text with leading and trailing whitespace removed.
std::string_view Trim(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view lower);

/// Floor division and modulo (the civil algorithms need them for dates before 1970).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
/// Computed from the remainder, not as a - FloorDiv(a, b) * b, which overflows near INT64_MIN.
inline int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

/// Howard Hinnant's days_from_civil / civil_from_days on 64-bit years, so any int32 date (and any
/// intermediate of month arithmetic) converts without overflow.
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);
void CivilFromDays(int64_t days, int64_t& year, int64_t& month, int64_t& day);
bool IsLeapYear(int64_t year);
int64_t DaysInMonth(int64_t year, int64_t month);

/// Parse "H[H]:MM[:SS[.ffffff]]" at the cursor: hour < 24 or exactly 24:00:00.
bool ParseTimeOfDay(Scanner& s, int64_t& micros, bool* out_of_range = nullptr);

/// Append "HH:MM:SS[.ffffff]" for a non-negative duration, fraction trimmed of trailing zeros; hours may
/// run past 24 (intervals print "100:00:00").
void AppendClock(std::string& out, uint64_t micros);
/// Append "YYYY-MM-DD" for a date, with PostgreSQL's " BC" suffix left to the caller (years <= 0 print as
/// 1 - year).
void AppendCivilDate(std::string& out, int64_t year, int64_t month, int64_t day);

}  // namespace basin::datetime_internal
