// Iceberg partition transforms, and what a file's partition value says about the rows a filter wants.

#include "lake/iceberg_partition.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "lake/iceberg_metadata.h"

namespace basin::iceberg {

namespace {

constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000 * 1000;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// Year and month (1-12) of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
void CivilFromDays(int64_t days, int64_t& year, int64_t& month) {
  days += 719468;
  int64_t era = FloorDiv(days, 146097);
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

/// Days since the epoch of a DATE or a timestamp (timestamps floor, so 1969-12-31 23:00 is day -1).
int64_t EpochDays(const Value& v) {
  return v.type().id() == TypeId::kDate ? v.GetInt64() : FloorDiv(v.GetInt64(), kMicrosPerDay);
}

std::string LittleEndian(int64_t v, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; i++) out[i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF);
  return out;
}

/// A decimal's unscaled value as the fewest big-endian two's-complement bytes that hold it.
std::string MinimalBigEndian(hugeint_t v) {
  std::string be;
  for (int i = 15; i >= 0; i--)
    be.push_back(static_cast<char>((static_cast<unsigned __int128>(v) >> (8 * i)) & 0xFF));
  size_t start = 0;
  while (start < 15 && ((be[start] == 0 && !(be[start + 1] & 0x80)) ||
                        (static_cast<uint8_t>(be[start]) == 0xFF && (be[start + 1] & 0x80)))) {
    start++;
  }
  return be.substr(start);
}

/// The first `width` code points of UTF-8 text (continuation bytes are 10xxxxxx).
std::string TruncateUtf8(const std::string& s, int32_t width) {
  int32_t points = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80 && points++ == width) return s.substr(0, i);
  }
  return s;
}

Value IntegerOfType(const LogicalType& type, int64_t v) {
  switch (type.id()) {
    case TypeId::kSmallInt:
      return Value::SmallInt(static_cast<int16_t>(v));
    case TypeId::kInteger:
      return Value::Integer(static_cast<int32_t>(v));
    default:
      return Value::BigInt(v);
  }
}

bool Textual(TypeId t) {
  return t == TypeId::kVarchar || t == TypeId::kBlob;
}

/// -1, 0 or 1; partition values and constants compare by their payload (integers of any width alike).
int Compare(const Value& a, const Value& b) {
  if (Textual(a.type().id()))
    return a.GetString() < b.GetString() ? -1 : (b.GetString() < a.GetString() ? 1 : 0);
  if (a.type().id() == TypeId::kReal || a.type().id() == TypeId::kDouble) {
    return a.GetDouble() < b.GetDouble() ? -1 : (b.GetDouble() < a.GetDouble() ? 1 : 0);
  }
  return a.GetInt64() < b.GetInt64() ? -1 : (b.GetInt64() < a.GetInt64() ? 1 : 0);
}

/// The filter's constant as a value of the source column's type, or nullopt when the two types differ in a
/// way the transforms cannot follow (then the file is kept).
std::optional<Value> SourceConstant(const LogicalType& source, const Value& c) {
  if (c.IsNull()) return std::nullopt;
  if (source.IsInteger())
    return c.type().IsInteger() ? std::optional<Value>(IntegerOfType(source, c.GetInt64())) : std::nullopt;
  if (c.type().id() != source.id()) return std::nullopt;
  if (source.id() == TypeId::kDecimal && c.type().scale() != source.scale()) return std::nullopt;
  return c;
}

}  // namespace

std::string PartitionSpec::FieldsJson() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const PartitionField& f : fields) {
    out.push_back({{"name", f.name},
                   {"transform", TransformName(f.transform, f.param)},
                   {"source-id", f.source_id},
                   {"field-id", f.field_id}});
  }
  return out.dump();
}

std::string TransformName(Transform transform, int32_t param) {
  switch (transform) {
    case Transform::kIdentity:
      return "identity";
    case Transform::kBucket:
      return "bucket[" + std::to_string(param) + "]";
    case Transform::kTruncate:
      return "truncate[" + std::to_string(param) + "]";
    case Transform::kYear:
      return "year";
    case Transform::kMonth:
      return "month";
    case Transform::kDay:
      return "day";
    case Transform::kHour:
      return "hour";
    case Transform::kVoid:
      return "void";
  }
  return "void";
}

std::optional<Transform> ParseTransformName(std::string_view text, int32_t& param) {
  param = 0;
  for (auto [name, t] :
       {std::pair{"bucket[", Transform::kBucket}, std::pair{"truncate[", Transform::kTruncate}}) {
    std::string_view prefix = name;
    if (text.substr(0, prefix.size()) == prefix && text.size() > prefix.size() + 1 && text.back() == ']') {
      std::string digits(text.substr(prefix.size(), text.size() - prefix.size() - 1));
      if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
        return std::nullopt;
      param = std::stoi(digits);
      return param > 0 ? std::optional<Transform>(t) : std::nullopt;
    }
  }
  for (Transform t : {Transform::kIdentity, Transform::kYear, Transform::kMonth, Transform::kDay,
                      Transform::kHour, Transform::kVoid}) {
    if (text == TransformName(t, 0)) return t;
  }
  return std::nullopt;
}

std::optional<Transform> TransformFromSql(std::string_view name) {
  // Spark spells the time transforms in the plural too, and date/date_hour for day/hour.
  static const std::pair<const char*, Transform> kNames[] = {
      {"identity", Transform::kIdentity}, {"bucket", Transform::kBucket}, {"truncate", Transform::kTruncate},
      {"year", Transform::kYear},         {"years", Transform::kYear},    {"month", Transform::kMonth},
      {"months", Transform::kMonth},      {"day", Transform::kDay},       {"days", Transform::kDay},
      {"date", Transform::kDay},          {"hour", Transform::kHour},     {"hours", Transform::kHour},
      {"date_hour", Transform::kHour}};
  for (auto& [n, t] : kNames) {
    if (name == n) return t;
  }
  return std::nullopt;
}

std::string PartitionFieldName(Transform transform, const std::string& column) {
  switch (transform) {
    case Transform::kIdentity:
      return column;
    case Transform::kBucket:
      return column + "_bucket";
    case Transform::kTruncate:
      return column + "_trunc";
    case Transform::kVoid:
      return column + "_null";
    default:
      return column + "_" + TransformName(transform, 0);
  }
}

std::optional<LogicalType> TransformResultType(Transform transform, const LogicalType& source) {
  TypeId t = source.id();
  bool timestamp = t == TypeId::kTimestamp || t == TypeId::kTimestampTz;
  switch (transform) {
    case Transform::kIdentity:
      if (source.IsInteger() || timestamp || Textual(t) || t == TypeId::kBoolean || t == TypeId::kReal ||
          t == TypeId::kDouble || t == TypeId::kDate || t == TypeId::kTime) {
        return source;
      }
      return std::nullopt;
    case Transform::kBucket:
      if (source.IsInteger() || timestamp || Textual(t) || t == TypeId::kDecimal || t == TypeId::kDate ||
          t == TypeId::kTime) {
        return LogicalType(TypeId::kInteger);
      }
      return std::nullopt;
    case Transform::kTruncate:
      return source.IsInteger() || Textual(t) ? std::optional<LogicalType>(source) : std::nullopt;
    case Transform::kYear:
    case Transform::kMonth:
      return timestamp || t == TypeId::kDate ? std::optional<LogicalType>(TypeId::kInteger) : std::nullopt;
    case Transform::kDay:
      return timestamp || t == TypeId::kDate ? std::optional<LogicalType>(TypeId::kDate) : std::nullopt;
    case Transform::kHour:
      return timestamp ? std::optional<LogicalType>(TypeId::kInteger) : std::nullopt;
    case Transform::kVoid:
      return source;
  }
  return std::nullopt;
}

Value ApplyTransform(Transform transform, int32_t param, const Value& v) {
  if (v.IsNull()) {
    auto type = TransformResultType(transform, v.type());
    return Value::Null(type ? *type : v.type());
  }
  switch (transform) {
    case Transform::kIdentity:
      return v;
    case Transform::kVoid:
      return Value::Null(v.type());
    case Transform::kBucket:
      return Value::Integer(static_cast<int32_t>((BucketHash(v) & 0x7FFFFFFF) % param));
    case Transform::kTruncate:
      if (v.type().id() == TypeId::kVarchar) return Value::Varchar(TruncateUtf8(v.GetString(), param));
      if (v.type().id() == TypeId::kBlob)
        return Value::Blob(v.GetString().substr(0, static_cast<size_t>(param)));
      return IntegerOfType(v.type(), v.GetInt64() - (((v.GetInt64() % param) + param) % param));
    case Transform::kYear:
    case Transform::kMonth: {
      int64_t year = 0, month = 0;
      CivilFromDays(EpochDays(v), year, month);
      int64_t r = transform == Transform::kYear ? year - 1970 : (year - 1970) * 12 + month - 1;
      return Value::Integer(static_cast<int32_t>(r));
    }
    case Transform::kDay:
      return Value::Date(static_cast<int32_t>(EpochDays(v)));
    case Transform::kHour:
      return Value::Integer(static_cast<int32_t>(FloorDiv(v.GetInt64(), kMicrosPerHour)));
  }
  return v;
}

int32_t Murmur3Hash32(std::string_view bytes) {
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  uint32_t h = 0;
  size_t blocks = bytes.size() / 4;
  for (size_t i = 0; i < blocks; i++) {
    uint32_t k;
    std::memcpy(&k, bytes.data() + 4 * i, 4);  // little-endian blocks, as the reference implementation
    k = rotl(k * c1, 15) * c2;
    h = rotl(h ^ k, 13) * 5 + 0xe6546b64;
  }
  uint32_t k = 0;
  const auto* tail = reinterpret_cast<const uint8_t*>(bytes.data() + 4 * blocks);
  switch (bytes.size() & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= rotl(k * c1, 15) * c2;
  }
  h ^= static_cast<uint32_t>(bytes.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

int32_t BucketHash(const Value& v) {
  switch (v.type().id()) {
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return Murmur3Hash32(v.GetString());
    case TypeId::kDecimal:
      return Murmur3Hash32(MinimalBigEndian(v.GetHugeInt()));
    default:
      return Murmur3Hash32(LittleEndian(v.GetInt64(), 8));  // ints, dates, times, timestamps as longs
  }
}

bool PartitionMayMatch(const PartitionField& field, const LogicalType& source, const Value& partition,
                       const TableFilter& filter) {
  using Op = TableFilter::Op;
  if (field.transform == Transform::kVoid) return true;
  // Every transform maps NULL, and only NULL, to NULL: a NULL partition holds only NULL sources.
  if (filter.op == Op::kIsNull) return partition.IsNull();
  if (filter.op == Op::kIsNotNull) return !partition.IsNull();
  if (partition.IsNull()) return false;  // no comparison holds for NULL
  std::optional<Value> c = SourceConstant(source, filter.constant);
  if (!c) return true;
  if (field.transform == Transform::kBucket) {
    return filter.op != Op::kEqual ||
           Compare(partition, ApplyTransform(Transform::kBucket, field.param, *c)) == 0;
  }
  // Identity is exact; truncate and the time transforms are monotonic (v <= c implies T(v) <= T(c)), so
  // a range on the source becomes the same range, inclusive, on the partition value.
  bool exact = field.transform == Transform::kIdentity;
  int cmp = Compare(partition, ApplyTransform(field.transform, field.param, *c));
  switch (filter.op) {
    case Op::kEqual:
      return cmp == 0;
    case Op::kNotEqual:
      return !exact || cmp != 0;
    case Op::kLess:
      return exact ? cmp < 0 : cmp <= 0;
    case Op::kLessEqual:
      return cmp <= 0;
    case Op::kGreater:
      return exact ? cmp > 0 : cmp >= 0;
    case Op::kGreaterEqual:
      return cmp >= 0;
    default:
      return true;
  }
}

std::vector<LogicalType> PartitionTypes(const PartitionSpec& spec, const Schema& schema) {
  std::vector<LogicalType> types;
  for (const PartitionField& f : spec.fields) {
    const Field* source = nullptr;
    for (const Field& c : schema.fields) {
      if (c.id == f.source_id) source = &c;
    }
    auto type = source ? TransformResultType(f.transform, source->type) : std::nullopt;
    if (!type) {
      throw NotImplementedError("partition field \"" + f.name + "\" (" + TransformName(f.transform, f.param) +
                                ") has no source column Basin can read");
    }
    types.push_back(*type);
  }
  return types;
}

std::string PartitionAvroType(const LogicalType& type) {
  std::string t;
  switch (type.id()) {
    case TypeId::kBoolean:
      t = R"("boolean")";
      break;
    case TypeId::kSmallInt:
    case TypeId::kInteger:
      t = R"("int")";
      break;
    case TypeId::kBigInt:
      t = R"("long")";
      break;
    case TypeId::kReal:
      t = R"("float")";
      break;
    case TypeId::kDouble:
      t = R"("double")";
      break;
    case TypeId::kDate:
      t = R"({"type":"int","logicalType":"date"})";
      break;
    case TypeId::kTime:
      t = R"({"type":"long","logicalType":"time-micros"})";
      break;
    case TypeId::kTimestamp:
      t = R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":false})";
      break;
    case TypeId::kTimestampTz:
      t = R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true})";
      break;
    case TypeId::kBlob:
      t = R"("bytes")";
      break;
    default:
      t = R"("string")";
      break;
  }
  return R"(["null",)" + t + "]";
}

std::string PartitionBound(const Value& v) {
  switch (v.type().id()) {
    case TypeId::kBoolean:
      return std::string(1, v.GetBool() ? '\1' : '\0');
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kDate:
      return LittleEndian(v.GetInt64(), 4);
    case TypeId::kReal: {
      float f = static_cast<float>(v.GetDouble());
      return std::string(reinterpret_cast<const char*>(&f), 4);
    }
    case TypeId::kDouble: {
      double d = v.GetDouble();
      return std::string(reinterpret_cast<const char*>(&d), 8);
    }
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return v.GetString();
    default:
      return LittleEndian(v.GetInt64(), 8);
  }
}

bool PartitionLess(const Value& a, const Value& b) {
  return Compare(a, b) < 0;
}

std::string PartitionKey(int32_t spec_id, const std::vector<Value>& values) {
  std::string key = std::to_string(spec_id);
  for (const Value& v : values) {
    if (v.IsNull()) {
      key += "|N";
    } else {
      std::string text = Textual(v.type().id()) ? v.GetString() : v.ToString();
      key += "|" + std::to_string(text.size()) + ":" + text;  // length-prefixed: no separator is ambiguous
    }
  }
  return key;
}

std::string PartitionToString(const PartitionSpec& spec, const std::vector<Value>& values) {
  std::string out;
  for (size_t i = 0; i < spec.fields.size() && i < values.size(); i++) {
    out += (i ? ", " : "") + spec.fields[i].name + "=" + (values[i].IsNull() ? "null" : values[i].ToString());
  }
  return out;
}

}  // namespace basin::iceberg
