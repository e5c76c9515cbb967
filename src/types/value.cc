#include "types/value.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "common/exception.h"

namespace basin {

namespace {

/// Print a float or double as PostgreSQL 12+ does (extra_float_digits = 1): the shortest text that reads
/// back to the same value, fixed-point for decimal exponents in [-4, 15) (REAL: [-4, 6)), else "1e+20".
std::string FormatFloating(double v, bool is_real) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const auto res =
      is_real ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v), std::chars_format::scientific)
              : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-1.2345e+02"
  const size_t e = sci.find('e');
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  if (exponent < -4 || exponent >= (is_real ? 6 : 15)) return std::string(sci);

  const bool negative = sci[0] == '-';
  std::string digits;
  for (char c : sci.substr(negative ? 1 : 0, e - (negative ? 1 : 0))) {
    if (c != '.') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  if (exponent < 0) {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else {
    const size_t integer_digits = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= integer_digits) {
      out += digits + std::string(integer_digits - digits.size(), '0');
    } else {
      out += digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
    }
  }
  return out;
}

/// PostgreSQL's bytea hex output.
std::string FormatBlob(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

unsigned __int128 Magnitude(hugeint_t v) {
  // Negate in unsigned arithmetic: the most negative int128 has no positive counterpart.
  return v < 0 ? 0 - static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
}

std::string UnsignedToString(unsigned __int128 v) {
  char buf[48];
  char* p = buf + sizeof(buf);
  do {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  return std::string(p, buf + sizeof(buf));
}

}  // namespace

std::string HugeIntToString(hugeint_t v) {
  return (v < 0 ? "-" : "") + UnsignedToString(Magnitude(v));
}

std::string DecimalToString(hugeint_t unscaled, uint8_t scale) {
  std::string digits = UnsignedToString(Magnitude(unscaled));
  if (scale > 0) {
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');  // -5, 2 -> "0.05"
    digits.insert(digits.size() - scale, 1, '.');
  }
  return (unscaled < 0 ? "-" : "") + digits;
}

Value Value::FromInt64(TypeId id, int64_t i) {
  Value v(id);
  v.i64_ = i;
  return v;
}

Value Value::Null(const LogicalType& type) {
  Value v;
  v.type_ = type;
  return v;
}

Value Value::Boolean(bool b) {
  return FromInt64(TypeId::kBoolean, b ? 1 : 0);
}

Value Value::SmallInt(int16_t i) {
  return FromInt64(TypeId::kSmallInt, i);
}

Value Value::Integer(int32_t i) {
  return FromInt64(TypeId::kInteger, i);
}

Value Value::BigInt(int64_t i) {
  return FromInt64(TypeId::kBigInt, i);
}

Value Value::Real(float f) {
  Value v(TypeId::kReal);
  v.d_ = f;
  return v;
}

Value Value::Double(double d) {
  Value v(TypeId::kDouble);
  v.d_ = d;
  return v;
}

Value Value::Decimal(hugeint_t unscaled, uint8_t width, uint8_t scale) {
  Value v(LogicalType::Decimal(width, scale));
  v.i128_ = unscaled;
  if (width <= LogicalType::kMaxInt64DecimalWidth) v.i64_ = static_cast<int64_t>(unscaled);
  return v;
}

Value Value::Varchar(std::string s) {
  Value v(TypeId::kVarchar);
  v.str_ = std::move(s);
  return v;
}

Value Value::Blob(std::string bytes) {
  Value v(TypeId::kBlob);
  v.str_ = std::move(bytes);
  return v;
}

Value Value::Date(int32_t days) {
  return FromInt64(TypeId::kDate, days);
}

Value Value::Time(int64_t micros) {
  return FromInt64(TypeId::kTime, micros);
}

Value Value::Timestamp(int64_t micros) {
  return FromInt64(TypeId::kTimestamp, micros);
}

Value Value::TimestampTz(int64_t micros) {
  return FromInt64(TypeId::kTimestampTz, micros);
}

Value Value::Interval(interval_t iv) {
  Value v(TypeId::kInterval);
  v.iv_ = iv;
  return v;
}

Value Value::List(const LogicalType& element, std::vector<Value> values) {
  Value v(LogicalType::List(element));
  v.list_ = std::move(values);
  return v;
}

double Value::ToDouble() const {
  if (is_null_) throw InternalError("ToDouble of a NULL value");
  switch (type_.id()) {
    case TypeId::kReal:
    case TypeId::kDouble:
      return d_;
    case TypeId::kDecimal:
      return static_cast<double>(i128_) / std::pow(10.0, type_.scale());
    case TypeId::kBoolean:
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return static_cast<double>(i64_);
    case TypeId::kInterval:
      return static_cast<double>(iv_.Normalized());
    default:
      throw InternalError("ToDouble of a " + type_.ToString() + " value");
  }
}

std::string Value::ToString() const {
  if (is_null_) return "NULL";
  switch (type_.id()) {
    case TypeId::kBoolean:
      return i64_ ? "true" : "false";
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      return std::to_string(i64_);
    case TypeId::kReal:
      return FormatFloating(d_, true);
    case TypeId::kDouble:
      return FormatFloating(d_, false);
    case TypeId::kDecimal:
      return DecimalToString(i128_, type_.scale());
    case TypeId::kVarchar:
      return str_;
    case TypeId::kBlob:
      return FormatBlob(str_);
    case TypeId::kDate:
      return date::ToString(static_cast<int32_t>(i64_));
    case TypeId::kTime:
      return time_of_day::ToString(i64_);
    case TypeId::kTimestamp:
      return timestamp::ToString(i64_);
    case TypeId::kTimestampTz:
      return timestamp::ToStringTz(i64_);
    case TypeId::kInterval:
      return interval::ToString(iv_);
    case TypeId::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list_.size(); i++) {
        if (i > 0) out += ", ";
        out += list_[i].ToString();
      }
      return out + "]";
    }
    case TypeId::kNull:
    case TypeId::kInvalid:
      break;
  }
  return "NULL";
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_ || is_null_ != other.is_null_) return false;
  if (is_null_) return true;
  switch (type_.id()) {
    case TypeId::kReal:
    case TypeId::kDouble:
      return d_ == other.d_ || (std::isnan(d_) && std::isnan(other.d_));  // one NaN, as PostgreSQL sorts it
    case TypeId::kDecimal:
      return i128_ == other.i128_;
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return str_ == other.str_;
    case TypeId::kInterval:
      return iv_ == other.iv_;  // field-wise: '1 mon' and '30 days' print differently
    case TypeId::kList:
      return list_ == other.list_;
    default:
      return i64_ == other.i64_;
  }
}

}  // namespace basin
