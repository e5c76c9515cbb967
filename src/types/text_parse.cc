// Text to number, boolean and bytea conversions, written to accept exactly what PostgreSQL's input
// functions accept (int4in, numeric_in, float8in, boolin, byteain).

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "types/text_parse.h"

namespace basin {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower[i]) return false;
  }
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

hugeint_t Pow10(int exponent) {
  static const auto kTable = [] {
    std::array<hugeint_t, 39> t{};
    t[0] = 1;
    for (size_t i = 1; i < t.size(); i++) t[i] = t[i - 1] * 10;
    return t;
  }();
  return kTable[exponent];
}

ParseStatus ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  std::string_view s = TrimSpaces(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return ParseStatus::kInvalid;
  // Accumulate negatively so that the minimum of each type parses without overflow.
  __int128 value = 0;
  bool range = false;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '_' && i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) continue;
    if (c < '0' || c > '9') return ParseStatus::kInvalid;
    if (!range) {
      value = value * 10 + (c - '0');
      if (value > static_cast<__int128>(INT64_MAX) + 1) range = true;
    }
  }
  if (negative) value = -value;
  if (range || value < min || value > max) return ParseStatus::kOutOfRange;
  out = static_cast<int64_t>(value);
  return ParseStatus::kOk;
}

ParseStatus ParseDecimal(std::string_view text, uint8_t width, uint8_t scale, hugeint_t& out) {
  std::string_view s = TrimSpaces(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Significant digits without leading zeros, and how many of them stand before the decimal point.
  std::string digits;
  int64_t point = 0;
  bool seen_digit = false, seen_point = false;
  size_t i = 0;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (digits.empty() && c == '0') {
        if (seen_point) point--;
        continue;
      }
      digits.push_back(c);
      if (!seen_point) point++;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return ParseStatus::kInvalid;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return ParseStatus::kInvalid;
    int64_t exponent = 0;
    if (ParseInteger(s.substr(i + 1), -1000000, 1000000, exponent) != ParseStatus::kOk) {
      return ParseStatus::kInvalid;
    }
    point += exponent;
  }
  if (digits.empty()) {
    out = 0;
    return ParseStatus::kOk;
  }
  // The unscaled value is the first point + scale digits; the next digit decides the rounding.
  int64_t keep = point + scale;
  if (keep > width) return ParseStatus::kOutOfRange;
  hugeint_t value = 0;
  for (int64_t k = 0; k < keep; k++) {
    value = value * 10 + (k < static_cast<int64_t>(digits.size()) ? digits[k] - '0' : 0);
  }
  if (keep >= 0 && keep < static_cast<int64_t>(digits.size()) && digits[keep] >= '5') value++;
  if (value >= Pow10(width)) return ParseStatus::kOutOfRange;  // 9.99 rounded up to 10.0
  out = negative ? -value : value;
  return ParseStatus::kOk;
}

ParseStatus ParseDouble(std::string_view text, double& out) {
  std::string_view s = TrimSpaces(text);
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsNoCase(body, "infinity") || EqualsNoCase(body, "inf")) {
    out = negative ? -HUGE_VAL : HUGE_VAL;
    return ParseStatus::kOk;
  }
  if (EqualsNoCase(body, "nan")) {
    out = std::nan("");
    return ParseStatus::kOk;
  }
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) {
    return ParseStatus::kInvalid;
  }
  double v = 0;
  auto res = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (res.ptr != body.data() + body.size()) return ParseStatus::kInvalid;
  if (res.ec == std::errc::result_out_of_range) return ParseStatus::kOutOfRange;
  if (res.ec != std::errc()) return ParseStatus::kInvalid;
  out = negative ? -v : v;
  return ParseStatus::kOk;
}

bool ParseBoolean(std::string_view text, bool& out) {
  std::string_view s = TrimSpaces(text);
  if (s.empty()) return false;
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto prefix_of = [&](std::string_view word) { return word.substr(0, lower.size()) == lower; };
  // As boolin: any prefix of true/false/yes/no, and "on"/"off" need at least two letters.
  if (lower == "1" || prefix_of("true") || prefix_of("yes") || (lower.size() >= 2 && lower == "on")) {
    out = true;
    return true;
  }
  if (lower == "0" || prefix_of("false") || prefix_of("no") || (lower.size() >= 2 && prefix_of("off"))) {
    out = false;
    return true;
  }
  return false;
}

bool ParseBlob(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() >= 2 && text[0] == '\\' && (text[1] == 'x' || text[1] == 'X')) {
    for (size_t i = 2; i < text.size();) {
      if (IsSpace(text[i])) {
        i++;
        continue;
      }
      if (i + 1 >= text.size()) return false;
      int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return true;
  }
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i++;
    } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' && text[i + 2] >= '0' &&
               text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(
          static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace basin
