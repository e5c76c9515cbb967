#include "slt_format.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/md5.h"

namespace basin::slt {
namespace {

// C's (int64_t) cast, but defined for NaN and out-of-range values.
int64_t TruncateToInt64(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Read text the way SQLite turns text into a number: the longest numeric prefix, 0 when there is none.
int64_t TextToInt64(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(begin, &end, 10);
  if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE) {
    return TruncateToInt64(std::strtod(begin, nullptr));
  }
  return n;
}

double TextToDouble(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

std::string FormatInteger(const Value& value) {
  const LogicalType& type = value.type();
  switch (type.id()) {
    case TypeId::kBoolean:
      return value.GetBool() ? "1" : "0";
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      return std::to_string(value.GetInt64());
    case TypeId::kDecimal: {
      hugeint_t divisor = 1;
      for (int i = 0; i < type.scale(); i++) divisor *= 10;
      return HugeIntToString(value.GetHugeInt() / divisor);  // C++ division truncates toward zero
    }
    case TypeId::kReal:
    case TypeId::kDouble:
      return std::to_string(TruncateToInt64(value.GetDouble()));
    default:
      return std::to_string(TextToInt64(value.ToString()));
  }
}

std::string FormatReal(const Value& value) {
  double d;
  if (value.type().IsNumeric()) {
    d = value.ToDouble();
  } else if (value.type().id() == TypeId::kBoolean) {
    d = value.GetBool() ? 1 : 0;
  } else {
    d = TextToDouble(value.ToString());
  }
  char buffer[512];  // %.3f of 1e308 is 313 characters
  std::snprintf(buffer, sizeof(buffer), "%.3f", d);
  return buffer;
}

}  // namespace

std::string MaskNonPrintable(std::string text) {
  for (char& c : text) {
    if (c < ' ' || c > '~') c = '@';  // char may be signed: bytes >= 0x80 are negative and masked too
  }
  return text;
}

std::string FormatValue(const Value& value, char type) {
  if (value.IsNull()) return "NULL";
  switch (type) {
    case 'I':
      return FormatInteger(value);
    case 'R':
      return FormatReal(value);
    default: {
      std::string text = value.ToString();
      return text.empty() ? "(empty)" : MaskNonPrintable(std::move(text));
    }
  }
}

void SortValues(SortMode mode, size_t columns, std::vector<std::string>* values) {
  if (mode == SortMode::kValueSort || (mode == SortMode::kRowSort && columns == 1)) {
    std::sort(values->begin(), values->end());
    return;
  }
  if (mode != SortMode::kRowSort || columns == 0 || values->size() % columns != 0) return;
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < values->size(); i += columns) {
    rows.emplace_back(values->begin() + i, values->begin() + i + columns);
  }
  std::sort(rows.begin(), rows.end());  // lexicographic by column, as SQLite's runner compares rows
  values->clear();
  for (auto& row : rows) {
    for (auto& value : row) values->push_back(std::move(value));
  }
}

std::string HashValues(const std::vector<std::string>& values) {
  Md5 md5;
  for (const std::string& value : values) {
    md5.Update(value);
    md5.Update("\n");
  }
  return md5.HexDigest();
}

}  // namespace basin::slt
