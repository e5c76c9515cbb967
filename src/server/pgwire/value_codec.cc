#include "server/pgwire/value_codec.h"

#include <cstring>
#include <vector>

#include "common/exception.h"
#include "types/pg_type.h"

namespace basin::pgwire {

namespace {

/// PostgreSQL's epoch (2000-01-01) in Basin's units (days and microseconds since 1970-01-01).
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86400 * 1000000;
constexpr const char* kInvalidBinary = "22P03";  // invalid_binary_representation

void PutBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--) out.push_back(static_cast<char>(v >> (8 * i)));
}

/// Reads a binary parameter; every read checks what is left.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}
  uint64_t Read(int n) {
    if (bytes_.size() - pos_ < static_cast<size_t>(n)) Fail();
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | static_cast<uint8_t>(bytes_[pos_++]);
    return v;
  }
  int16_t Int16() { return static_cast<int16_t>(Read(2)); }
  int32_t Int32() { return static_cast<int32_t>(Read(4)); }
  int64_t Int64() { return static_cast<int64_t>(Read(8)); }
  std::string_view Take(size_t n) {
    if (bytes_.size() - pos_ < n) Fail();
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void ExpectEnd() const {
    if (pos_ != bytes_.size()) Fail();
  }
  [[noreturn]] static void Fail() { throw Exception(kInvalidBinary, "incorrect binary data format"); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// ---- numeric: base-10000 digits (src/backend/utils/adt/numeric.c, numeric_send) ----

constexpr uint16_t kNumericPositive = 0x0000;
constexpr uint16_t kNumericNegative = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;

void EncodeNumeric(hugeint_t unscaled, uint8_t scale, std::string& out) {
  const bool negative = unscaled < 0;
  const std::string text = DecimalToString(negative ? -unscaled : unscaled, scale);
  const size_t dot = text.find('.');
  std::string integer = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (integer == "0") integer.clear();
  integer.insert(0, (4 - integer.size() % 4) % 4, '0');
  fraction.append((4 - fraction.size() % 4) % 4, '0');
  std::vector<int16_t> digits;
  for (size_t i = 0; i < integer.size(); i += 4) digits.push_back(static_cast<int16_t>(std::stoi(integer.substr(i, 4))));
  for (size_t i = 0; i < fraction.size(); i += 4) digits.push_back(static_cast<int16_t>(std::stoi(fraction.substr(i, 4))));
  int weight = static_cast<int>(integer.size() / 4) - 1;
  size_t first = 0;
  while (first < digits.size() && digits[first] == 0) {
    first++;
    weight--;
  }
  size_t last = digits.size();
  while (last > first && digits[last - 1] == 0) last--;
  if (first == last) weight = 0;
  PutBigEndian(out, last - first, 2);
  PutBigEndian(out, static_cast<uint16_t>(weight), 2);
  PutBigEndian(out, first == last ? kNumericPositive : negative ? kNumericNegative : kNumericPositive, 2);
  PutBigEndian(out, scale, 2);
  for (size_t i = first; i < last; i++) PutBigEndian(out, static_cast<uint16_t>(digits[i]), 2);
}

Value DecodeNumeric(BinaryReader& r) {
  const int ndigits = r.Int16();
  const int weight = r.Int16();
  const auto sign = static_cast<uint16_t>(r.Int16());
  const int dscale = r.Int16();
  if (ndigits < 0 || dscale < 0 || dscale > LogicalType::kMaxDecimalWidth ||
      (sign != kNumericPositive && sign != kNumericNegative)) {
    if (sign == kNumericNaN) throw Exception(sqlstate::kFeatureNotSupported, "NaN is not a DECIMAL value");
    BinaryReader::Fail();
  }
  // value = sum(digit[i] * 10000^(weight - i)), kept to dscale decimal places: every base-10000 group from
  // the highest (or the first fraction group) down to the last one dscale reaches.
  hugeint_t unscaled = 0;
  int significant = 0;  // decimal digits in unscaled, kept within DECIMAL(38)
  int read = 0;
  const int fraction_groups = (dscale + 3) / 4;
  for (int group = weight >= 0 ? weight : -1; group >= -fraction_groups; group--) {
    const int index = weight - group;
    int digit = 0;
    if (index >= 0 && index < ndigits) {
      digit = r.Int16();
      read++;
      if (digit < 0 || digit > 9999) BinaryReader::Fail();
    }
    // The last fraction group may hold more digits than dscale: keep its leading ones.
    const int keep = group < 0 && -group == fraction_groups ? dscale - 4 * (fraction_groups - 1) : 4;
    static constexpr int kPow10[] = {1, 10, 100, 1000, 10000};
    if (unscaled != 0 || digit != 0) {
      significant += unscaled != 0 ? keep : 4;
      if (significant > LogicalType::kMaxDecimalWidth) {
        throw Exception(sqlstate::kNumericValueOutOfRange, "numeric value out of range for DECIMAL(38)");
      }
    }
    unscaled = unscaled * kPow10[keep] + digit / kPow10[4 - keep];
  }
  for (; read < ndigits; read++) r.Int16();  // digits beyond dscale
  r.ExpectEnd();
  if (sign == kNumericNegative) unscaled = -unscaled;
  int width = 1;
  for (hugeint_t v = unscaled < 0 ? -unscaled : unscaled; v >= 10; v /= 10) width++;
  width = std::max(width, dscale + 1);
  if (width > LogicalType::kMaxDecimalWidth) {
    if (dscale >= LogicalType::kMaxDecimalWidth) BinaryReader::Fail();
    throw Exception(sqlstate::kNumericValueOutOfRange, "numeric value out of range for DECIMAL(38)");
  }
  return Value::Decimal(unscaled, static_cast<uint8_t>(width), static_cast<uint8_t>(dscale));
}

// ---- arrays (array_send / array_recv) ----

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' &&
      (s[3] | 0x20) == 'l') {
    return true;
  }
  for (char c : s) {
    if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || c == ' ' || c == '\t' || c == '\n' ||
        c == '\r' || c == '\v' || c == '\f') {
      return true;
    }
  }
  return false;
}

void EncodeTextArray(const Value& list, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const Value& item : list.GetList()) {
    if (!first) out.push_back(',');
    first = false;
    if (item.IsNull()) {
      out += "NULL";
    } else if (item.type().id() == TypeId::kList) {
      EncodeTextArray(item, out);
    } else {
      std::string text;
      EncodeText(item, text);
      if (!NeedsQuotes(text)) {
        out += text;
        continue;
      }
      out.push_back('"');
      for (char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('"');
    }
  }
  out.push_back('}');
}

/// The dimensions of a (rectangular) list of lists, and its innermost values in order.
void Flatten(const Value& list, size_t depth, std::vector<int32_t>& dims, std::vector<const Value*>& items) {
  const auto& values = list.GetList();
  if (dims.size() <= depth) {
    dims.push_back(static_cast<int32_t>(values.size()));
  } else if (dims[depth] != static_cast<int32_t>(values.size())) {
    throw Exception(sqlstate::kInvalidParameterValue,
                    "multidimensional arrays must have array expressions with matching dimensions");
  }
  for (const Value& v : values) {
    if (v.type().id() == TypeId::kList && !v.IsNull()) {
      Flatten(v, depth + 1, dims, items);
    } else {
      items.push_back(&v);
    }
  }
}

void EncodeBinaryArray(const Value& list, std::string& out) {
  std::vector<int32_t> dims;
  std::vector<const Value*> items;
  Flatten(list, 0, dims, items);
  bool has_null = false;
  for (const Value* v : items) has_null |= v->IsNull();
  const LogicalType* element = &list.type().element();
  while (element->id() == TypeId::kList) element = &element->element();
  const bool empty = items.empty();
  PutBigEndian(out, empty ? 0 : dims.size(), 4);
  PutBigEndian(out, has_null ? 1 : 0, 4);
  PutBigEndian(out, PgTypeOid(*element), 4);
  if (empty) return;
  for (int32_t d : dims) {
    PutBigEndian(out, static_cast<uint32_t>(d), 4);
    PutBigEndian(out, 1, 4);  // lower bound
  }
  for (const Value* v : items) {
    if (v->IsNull()) {
      PutBigEndian(out, 0xFFFFFFFFu, 4);
      continue;
    }
    const size_t at = out.size();
    out.append(4, '\0');
    EncodeBinary(*v, out);
    const auto n = static_cast<uint32_t>(out.size() - at - 4);
    for (int i = 0; i < 4; i++) out[at + i] = static_cast<char>(n >> (8 * (3 - i)));
  }
}

Value DecodeBinaryArray(BinaryReader& r, uint32_t oid) {
  const PgTypeInfo* info = FindPgType(oid);
  const int32_t ndim = r.Int32();
  r.Int32();  // has-null flag: the lengths say it
  const auto element_oid = static_cast<uint32_t>(r.Int32());
  if (ndim < 0 || ndim > 6 || (info && element_oid != info->element)) BinaryReader::Fail();
  LogicalType element = TypeFromPgOid(element_oid);
  if (element.id() == TypeId::kInvalid) element = TypeId::kVarchar;
  if (ndim == 0) {
    r.ExpectEnd();
    return Value::List(element, {});
  }
  std::vector<int32_t> dims(static_cast<size_t>(ndim));
  int64_t total = 1;
  for (auto& d : dims) {
    d = r.Int32();
    r.Int32();  // lower bound: Basin's lists start at 1
    if (d < 0) BinaryReader::Fail();
    total *= d;
    if (total > (int64_t{1} << 27)) BinaryReader::Fail();
  }
  std::vector<Value> items;
  for (int64_t i = 0; i < total; i++) {
    const int32_t length = r.Int32();
    if (length == -1) {
      items.push_back(Value::Null(element));
    } else if (length < 0) {
      BinaryReader::Fail();
    } else {
      items.push_back(DecodeBinary(r.Take(static_cast<size_t>(length)), element_oid));
    }
  }
  r.ExpectEnd();
  // Fold the innermost dimension first: {{1,2},{3,4}} is a list of two lists.
  LogicalType type = element;
  for (size_t d = dims.size(); d-- > 1;) {
    std::vector<Value> folded;
    const auto n = static_cast<size_t>(dims[d]);
    for (size_t i = 0; i < items.size(); i += n) {
      folded.push_back(Value::List(type, std::vector<Value>(items.begin() + static_cast<ptrdiff_t>(i),
                                                            items.begin() + static_cast<ptrdiff_t>(i + n))));
    }
    type = LogicalType::List(type);
    items = std::move(folded);
  }
  return Value::List(type, std::move(items));
}

}  // namespace

void EncodeText(const Value& value, std::string& out) {
  switch (value.type().id()) {
    case TypeId::kBoolean:
      out.push_back(value.GetBool() ? 't' : 'f');
      return;
    case TypeId::kList:
      EncodeTextArray(value, out);
      return;
    case TypeId::kVarchar:
      out += value.GetString();
      return;
    default:
      out += value.ToString();
      return;
  }
}

void EncodeBinary(const Value& value, std::string& out) {
  switch (value.type().id()) {
    case TypeId::kBoolean:
      out.push_back(value.GetBool() ? 1 : 0);
      return;
    case TypeId::kSmallInt:
      PutBigEndian(out, static_cast<uint64_t>(value.GetInt64()), 2);
      return;
    case TypeId::kInteger:
      PutBigEndian(out, static_cast<uint64_t>(value.GetInt64()), 4);
      return;
    case TypeId::kBigInt:
    case TypeId::kTime:
      PutBigEndian(out, static_cast<uint64_t>(value.GetInt64()), 8);
      return;
    case TypeId::kReal: {
      const auto f = static_cast<float>(value.GetDouble());
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      PutBigEndian(out, bits, 4);
      return;
    }
    case TypeId::kDouble: {
      const double d = value.GetDouble();
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      PutBigEndian(out, bits, 8);
      return;
    }
    case TypeId::kDecimal:
      EncodeNumeric(value.GetHugeInt(), value.type().scale(), out);
      return;
    case TypeId::kVarchar:
    case TypeId::kBlob:
      out += value.GetString();
      return;
    case TypeId::kDate: {
      const auto days = static_cast<int32_t>(value.GetInt64());
      const bool infinite = days == date::kInfinity || days == date::kNegativeInfinity;
      PutBigEndian(out, static_cast<uint32_t>(infinite ? days : days - kPgEpochDays), 4);
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      const int64_t ts = value.GetInt64();
      const bool infinite = ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity;
      PutBigEndian(out, static_cast<uint64_t>(infinite ? ts : ts - kPgEpochMicros), 8);
      return;
    }
    case TypeId::kInterval: {
      const interval_t iv = value.GetInterval();
      PutBigEndian(out, static_cast<uint64_t>(iv.micros), 8);
      PutBigEndian(out, static_cast<uint32_t>(iv.days), 4);
      PutBigEndian(out, static_cast<uint32_t>(iv.months), 4);
      return;
    }
    case TypeId::kList:
      EncodeBinaryArray(value, out);
      return;
    case TypeId::kInvalid:
    case TypeId::kNull:
      break;
  }
  out += value.ToString();
}

Value DecodeBinary(std::string_view bytes, uint32_t oid) {
  BinaryReader r(bytes);
  Value v;
  switch (oid) {
    case pg_oid::kBool: v = Value::Boolean(r.Read(1) != 0); break;
    case pg_oid::kInt2: v = Value::SmallInt(r.Int16()); break;
    case pg_oid::kInt4: v = Value::Integer(r.Int32()); break;
    case pg_oid::kInt8: v = Value::BigInt(r.Int64()); break;
    case pg_oid::kOid: v = Value::BigInt(static_cast<uint32_t>(r.Int32())); break;
    case pg_oid::kFloat4: {
      const auto bits = static_cast<uint32_t>(r.Read(4));
      float f;
      std::memcpy(&f, &bits, 4);
      v = Value::Real(f);
      break;
    }
    case pg_oid::kFloat8: {
      const uint64_t bits = r.Read(8);
      double d;
      std::memcpy(&d, &bits, 8);
      v = Value::Double(d);
      break;
    }
    case pg_oid::kNumeric: return DecodeNumeric(r);
    case pg_oid::kBytea: return Value::Blob(std::string(bytes));
    case pg_oid::kDate: {
      const int32_t days = r.Int32();
      const bool infinite = days == date::kInfinity || days == date::kNegativeInfinity;
      if (!infinite && (days > date::kInfinity - kPgEpochDays)) BinaryReader::Fail();
      v = Value::Date(infinite ? days : days + kPgEpochDays);
      break;
    }
    case pg_oid::kTime: v = Value::Time(r.Int64()); break;
    case pg_oid::kTimestamp:
    case pg_oid::kTimestampTz: {
      const int64_t ts = r.Int64();
      const bool infinite = ts == timestamp::kInfinity || ts == timestamp::kNegativeInfinity;
      if (!infinite && ts > timestamp::kInfinity - kPgEpochMicros) BinaryReader::Fail();
      const int64_t micros = infinite ? ts : ts + kPgEpochMicros;
      v = oid == pg_oid::kTimestamp ? Value::Timestamp(micros) : Value::TimestampTz(micros);
      break;
    }
    case pg_oid::kInterval: {
      interval_t iv;
      iv.micros = r.Int64();
      iv.days = r.Int32();
      iv.months = r.Int32();
      v = Value::Interval(iv);
      break;
    }
    default: {
      const PgTypeInfo* info = FindPgType(oid);
      if (info && info->element != 0) return DecodeBinaryArray(r, oid);
      // text, varchar, name, json, unknown and the rest: the binary form is the text.
      if (!IsValidUtf8(bytes)) throw Exception("22021", "invalid byte sequence for encoding \"UTF8\"");
      return Value::Varchar(std::string(bytes));
    }
  }
  r.ExpectEnd();
  return v;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points beyond U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

int64_t CharacterPosition(std::string_view text, size_t offset) {
  int64_t position = 1;
  for (size_t i = 0; i < offset && i < text.size(); i++) {
    if ((static_cast<uint8_t>(text[i]) & 0xC0) != 0x80) position++;
  }
  // A fault at a continuation byte counts with its character.
  return position > 1 && offset < text.size() && (static_cast<uint8_t>(text[offset]) & 0xC0) == 0x80
             ? position - 1
             : position;
}

}  // namespace basin::pgwire
