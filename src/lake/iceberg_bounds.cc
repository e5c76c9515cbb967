// Iceberg column bounds: made from Parquet statistics, compared, and tested against pushed filters.

#include "lake/iceberg_bounds.h"

#include <cstring>

#include "types/value.h"

namespace basin::iceberg {

namespace {

int64_t LittleEndianInt(const std::string& b) {
  if (b.size() == 4) {
    int32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  int64_t v = 0;
  std::memcpy(&v, b.data(), std::min<size_t>(8, b.size()));
  return v;
}

/// A decimal bound (big-endian two's complement, any length up to 8 bytes) as its unscaled value.
int64_t BigEndianInt(const std::string& b) {
  if (b.empty()) return 0;
  int64_t v = static_cast<int8_t>(b[0]);
  for (size_t i = 1; i < b.size(); i++) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

double FloatBound(const std::string& b) {
  if (b.size() == 4) {
    float f;
    std::memcpy(&f, b.data(), 4);
    return f;
  }
  double d = 0;
  std::memcpy(&d, b.data(), std::min<size_t>(8, b.size()));
  return d;
}

}  // namespace

bool ToIcebergBound(const LogicalType& type, const std::string& plain, bool upper, std::string& out) {
  switch (type.id()) {
    case TypeId::kVarchar:
    case TypeId::kBlob:
      // Bounds may be truncated, but an upper bound then needs its last byte incremented; keep it simple.
      if (plain.size() > 64) {
        if (upper) return false;
        out = plain.substr(0, 64);
        return true;
      }
      out = plain;
      return true;
    case TypeId::kDecimal: {
      if (plain.size() != 4 && plain.size() != 8) return false;  // FIXED_LEN_BYTE_ARRAY decimals: no bounds
      int64_t v = 0;
      if (plain.size() == 4) {
        int32_t v32;
        std::memcpy(&v32, plain.data(), 4);
        v = v32;
      } else {
        std::memcpy(&v, plain.data(), 8);
      }
      std::string be;
      for (int i = 7; i >= 0; i--) be.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
      // Minimal two's complement: drop leading bytes that only repeat the sign.
      size_t start = 0;
      while (start < 7 && ((be[start] == 0 && !(be[start + 1] & 0x80)) ||
                           (static_cast<uint8_t>(be[start]) == 0xFF && (be[start + 1] & 0x80)))) {
        start++;
      }
      out = be.substr(start);
      return true;
    }
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kDate:
      if (plain.size() != 4) return false;
      out = plain;
      return true;
    case TypeId::kInterval:
      return false;  // no order Iceberg knows
    case TypeId::kBoolean:
      if (plain.size() != 1) return false;
      out = plain;
      return true;
    default:
      out = plain;
      return true;
  }
}


bool BoundLess(const LogicalType& type, const std::string& a, const std::string& b) {
  switch (type.id()) {
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return a < b;  // std::string compares as unsigned bytes: UTF-8 code point order
    case TypeId::kReal:
    case TypeId::kDouble:
      return FloatBound(a) < FloatBound(b);
    case TypeId::kDecimal:
      return BigEndianInt(a) < BigEndianInt(b);
    default:
      return LittleEndianInt(a) < LittleEndianInt(b);
  }
}

bool BoundsMayMatch(const LogicalType& type, const std::string* lower, const std::string* upper,
                    int64_t null_count, int64_t value_count, const TableFilter& filter) {
  using Op = TableFilter::Op;
  if (filter.op == Op::kIsNull) return null_count != 0;
  if (filter.op == Op::kIsNotNull) return null_count < 0 || null_count < value_count;
  if (null_count >= 0 && null_count == value_count) return false;  // only NULLs: no comparison holds
  const Value& c = filter.constant;
  if (lower == nullptr || upper == nullptr || c.IsNull()) return true;
  auto check = [&](auto lo, auto hi, auto v) {
    switch (filter.op) {
      case Op::kEqual: return lo <= v && v <= hi;
      case Op::kLess: return lo < v;
      case Op::kLessEqual: return lo <= v;
      case Op::kGreater: return hi > v;
      case Op::kGreaterEqual: return hi >= v;
      default: return true;
    }
  };
  TypeId t = type.id(), ct = c.type().id();
  switch (t) {
    case TypeId::kVarchar:
      return ct != TypeId::kVarchar || check(*lower, *upper, c.GetString());
    case TypeId::kReal:
    case TypeId::kDouble:
      if (ct != TypeId::kReal && ct != TypeId::kDouble) return true;
      return check(FloatBound(*lower), FloatBound(*upper), c.GetDouble());
    case TypeId::kDecimal:
      if (ct != TypeId::kDecimal || c.type().scale() != type.scale() || lower->size() > 8 || upper->size() > 8) return true;
      return check(BigEndianInt(*lower), BigEndianInt(*upper), static_cast<int64_t>(c.GetHugeInt()));
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      if (!c.type().IsInteger()) return true;
      return check(LittleEndianInt(*lower), LittleEndianInt(*upper), c.GetInt64());
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (ct != t) return true;
      return check(LittleEndianInt(*lower), LittleEndianInt(*upper), c.GetInt64());
    default:
      return true;
  }
}

}  // namespace basin::iceberg
