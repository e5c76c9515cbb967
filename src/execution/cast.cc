#include "execution/cast.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include "common/exception.h"
#include "execution/vector_ops.h"
#include "types/datetime.h"

namespace basin {

namespace {

void SetNullRow(Vector& v, size_t row) {
  if (v.validity().AllValid()) v.validity().Initialize(std::max(v.capacity(), kVectorSize));
  v.SetNull(row);
}

[[noreturn]] void ThrowOutOfRange(const LogicalType& t) {
  switch (t.id()) {
    case TypeId::kSmallInt:
      throw DataError(sqlstate::kNumericValueOutOfRange, "smallint out of range");
    case TypeId::kInteger:
      throw DataError(sqlstate::kNumericValueOutOfRange, "integer out of range");
    case TypeId::kBigInt:
      throw DataError(sqlstate::kNumericValueOutOfRange, "bigint out of range");
    case TypeId::kDecimal:
      throw DataError(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
    default:
      throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
}

/// A well-formed date/time text with an impossible field ("2023-02-29"): PostgreSQL's 22008.
[[noreturn]] void ThrowFieldOutOfRange(std::string_view text) {
  throw DataError(sqlstate::kDatetimeFieldOverflow,
                  "date/time field value out of range: \"" + std::string(text) + "\"");
}

[[noreturn]] void ThrowInvalidInput(const LogicalType& t, std::string_view text) {
  const char* state = t.IsTemporal() || t.id() == TypeId::kInterval ? sqlstate::kInvalidDatetimeFormat
                                                                    : sqlstate::kInvalidTextRepresentation;
  throw DataError(state,
                  "invalid input syntax for type " + PgTypeName(t) + ": \"" + std::string(text) + "\"");
}

/// The rows to convert and what to do when a row fails.
struct CastState {
  const Vector& source;
  Vector& result;
  size_t count;  // 1 for a constant source
  bool try_cast;
};

/// byteain's errors: the hex format's are 22023 and name the bad digit; the escape format's are 22P02.
[[noreturn]] void ThrowInvalidBlob(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\\' && (text[1] == 'x' || text[1] == 'X')) {
    for (size_t i = 2; i < text.size(); i++) {
      const char c = text[i];
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        throw DataError(sqlstate::kInvalidParameterValue,
                        "invalid hexadecimal digit: \"" + std::string(1, c) + "\"");
      }
    }
    throw DataError(sqlstate::kInvalidParameterValue, "invalid hexadecimal data: odd number of digits");
  }
  ThrowInvalidInput(LogicalType(TypeId::kBlob), text);
}

/// out[i] = op(in[i]) for valid rows; a DataError from op ends the statement, or under TRY_CAST nulls the
/// row.
template <class S, class D, class Op>
void CastLoop(CastState& st, Op&& op) {
  const S* in = st.source.template data<S>();
  D* out = st.result.template data<D>();
  const ValidityMask& valid = st.source.validity();
  if (!st.try_cast) {
    if (valid.AllValid()) {
      for (size_t i = 0; i < st.count; i++) out[i] = op(in[i]);
      return;
    }
    for (size_t i = 0; i < st.count; i++) {
      if (valid.RowIsValid(i)) out[i] = op(in[i]);
    }
    return;
  }
  for (size_t i = 0; i < st.count; i++) {
    if (!valid.RowIsValid(i)) continue;
    try {
      out[i] = op(in[i]);
    } catch (const DataError&) {
      SetNullRow(st.result, i);
    }
  }
}

// ---- numeric <-> numeric --------------------------------------------------------------------------------

template <class T>
constexpr bool kIsFloat = std::is_same_v<T, float> || std::is_same_v<T, double>;
template <class T>
constexpr bool kIsNumber =
    kIsFloat<T> || std::is_same_v<T, hugeint_t> || std::is_same_v<T, uint8_t> || std::is_same_v<T, int16_t> ||
    std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

/// v / d rounded half away from zero (d > 0).
hugeint_t RoundDiv(hugeint_t v, hugeint_t d) {
  hugeint_t q = v / d, r = v % d;
  hugeint_t mag = r < 0 ? -r : r;
  if (mag >= d - mag) q += v < 0 ? -1 : 1;
  return q;
}

hugeint_t Rescale(hugeint_t v, int from_scale, int to_scale, const LogicalType& to) {
  if (to_scale >= from_scale) {
    hugeint_t out;
    if (__builtin_mul_overflow(v, Pow10(to_scale - from_scale), &out)) ThrowOutOfRange(to);
    return out;
  }
  return RoundDiv(v, Pow10(from_scale - to_scale));
}

/// Float to DECIMAL as PostgreSQL: through the float's shortest decimal text (15 or 6 digits), so that
/// 1.005::float8::numeric(10,2) is 1.01 as the user wrote it, not the binary value's 1.00.
hugeint_t FloatToDecimal(double v, bool is_real, const LogicalType& to) {
  if (!std::isfinite(v)) ThrowOutOfRange(to);
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), is_real ? "%.6g" : "%.15g", v);
  hugeint_t out = 0;
  if (ParseDecimal(std::string_view(buf, n), to.width(), to.scale(), out) != ParseStatus::kOk)
    ThrowOutOfRange(to);
  return out;
}

double DecimalToDouble(hugeint_t v, int scale) {
  constexpr hugeint_t kExact = hugeint_t{1} << 53;
  if (v > -kExact && v < kExact && scale <= 22) {
    static constexpr double kPow[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(v) / kPow[scale];  // one correctly rounded division of exact operands
  }
  return std::strtod(DecimalToString(v, scale).c_str(), nullptr);
}

/// Round a float to an integer type as float8 -> int4 does: rint (half to even), then range check.
template <class D>
D FloatToInteger(double v, const LogicalType& to) {
  if constexpr (std::is_same_v<D, uint8_t>) {
    return v != 0;
  } else {
    double r = std::nearbyint(v);
    constexpr double kMin = static_cast<double>(std::numeric_limits<D>::min());
    if (!(r >= kMin && r < -kMin)) ThrowOutOfRange(to);  // NaN fails both comparisons
    return static_cast<D>(r);
  }
}

template <class D>
D IntegerToInteger(hugeint_t v, const LogicalType& to) {
  if constexpr (std::is_same_v<D, uint8_t>) {
    return v != 0;
  } else if constexpr (std::is_same_v<D, hugeint_t>) {
    return v;
  } else {
    if (v < std::numeric_limits<D>::min() || v > std::numeric_limits<D>::max()) ThrowOutOfRange(to);
    return static_cast<D>(v);
  }
}

template <class D>
D NarrowFloat(double v) {
  D r = static_cast<D>(v);
  if (std::isinf(r) && !std::isinf(v)) {
    throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
  if (r == 0 && v != 0) throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: underflow");
  return r;
}

/// One source and one target physical type; the logical types (DECIMAL scales, BOOLEAN) decide the rest.
template <class S, class D>
void CastNumeric(CastState& st) {
  const LogicalType& from = st.source.type();
  const LogicalType& to = st.result.type();
  const bool from_dec = from.id() == TypeId::kDecimal, to_dec = to.id() == TypeId::kDecimal;
  const int from_scale = from_dec ? from.scale() : 0;
  const hugeint_t limit = to_dec ? Pow10(to.width()) : 0;
  if constexpr (kIsFloat<S>) {
    if constexpr (kIsFloat<D>) {
      CastLoop<S, D>(st, [](S v) { return NarrowFloat<D>(v); });
    } else if (to_dec) {
      constexpr bool kReal = std::is_same_v<S, float>;
      CastLoop<S, D>(st, [&](S v) { return static_cast<D>(FloatToDecimal(v, kReal, to)); });
    } else {
      CastLoop<S, D>(st, [&](S v) { return FloatToInteger<D>(v, to); });
    }
  } else if constexpr (kIsFloat<D>) {
    if (from_dec) {
      CastLoop<S, D>(st, [&](S v) { return NarrowFloat<D>(DecimalToDouble(v, from_scale)); });
    } else {
      CastLoop<S, D>(st, [](S v) { return static_cast<D>(v); });
    }
  } else if (to_dec) {
    // Widening to at least as many integer digits cannot overflow: no checks, one multiply at most (the
    // binder widens every decimal operand of arithmetic this way, so this is the hot case).
    const int to_scale = to.scale();
    const int from_int_digits =
        from_dec ? from.width() - from_scale : (sizeof(S) <= 2 ? 5 : (sizeof(S) <= 4 ? 10 : 19));
    if (to_scale >= from_scale && to.width() - to_scale >= from_int_digits) {
      if (to_scale == from_scale) {
        CastLoop<S, D>(st, [](S v) { return static_cast<D>(v); });
      } else {
        const D factor = static_cast<D>(Pow10(to_scale - from_scale));
        CastLoop<S, D>(st, [factor](S v) { return static_cast<D>(static_cast<D>(v) * factor); });
      }
      return;
    }
    CastLoop<S, D>(st, [&](S v) {
      hugeint_t r = Rescale(v, from_scale, to.scale(), to);
      if (r >= limit || r <= -limit) ThrowOutOfRange(to);
      return static_cast<D>(r);
    });
  } else if (from_dec) {
    hugeint_t divisor = Pow10(from_scale);
    CastLoop<S, D>(st, [&](S v) { return IntegerToInteger<D>(RoundDiv(v, divisor), to); });
  } else {
    CastLoop<S, D>(st, [&](S v) { return IntegerToInteger<D>(v, to); });
  }
}

void CastBetweenNumbers(CastState& st) {
  DispatchOnPhysical(st.source.type().physical(), [&]<class S>() {
    DispatchOnPhysical(st.result.type().physical(), [&]<class D>() {
      if constexpr (kIsNumber<S> && kIsNumber<D>) {
        CastNumeric<S, D>(st);
      } else {
        throw InternalError("numeric cast on a non-numeric layout");
      }
    });
  });
}

// ---- to and from text -----------------------------------------------------------------------------------

std::string FormatRow(const Vector& v, size_t row) {
  const LogicalType& t = v.type();
  switch (t.id()) {
    case TypeId::kBoolean:
      return v.data<uint8_t>()[row] ? "true" : "false";
    case TypeId::kSmallInt:
      return std::to_string(v.data<int16_t>()[row]);
    case TypeId::kInteger:
      return std::to_string(v.data<int32_t>()[row]);
    case TypeId::kBigInt:
      return std::to_string(v.data<int64_t>()[row]);
    case TypeId::kDecimal:
      return DecimalToString(
          t.physical() == PhysicalType::kInt64 ? v.data<int64_t>()[row] : v.data<hugeint_t>()[row],
          t.scale());
    case TypeId::kDate:
      return date::ToString(v.data<int32_t>()[row]);
    case TypeId::kTime:
      return time_of_day::ToString(v.data<int64_t>()[row]);
    case TypeId::kTimestamp:
      return timestamp::ToString(v.data<int64_t>()[row]);
    case TypeId::kTimestampTz:
      return timestamp::ToStringTz(v.data<int64_t>()[row]);
    case TypeId::kInterval:
      return interval::ToString(v.data<interval_t>()[row]);
    default:
      return v.GetValue(row).ToString();  // floats, blobs, lists: one formatter, Value's
  }
}

void CastToText(CastState& st) {
  string_t* out = st.result.data<string_t>();
  for (size_t i = 0; i < st.count; i++) {
    if (st.source.validity().RowIsValid(i)) out[i] = st.result.AddString(FormatRow(st.source, i));
  }
}

/// Split list text "[1, 2, 'a b']" or "{1,2}" into its element texts; NULL elements come back as nullopt.
bool SplitListText(std::string_view text, std::vector<std::optional<std::string>>& items) {
  size_t b = text.find_first_not_of(" \t\n\r");
  size_t e = text.find_last_not_of(" \t\n\r");
  if (b == std::string_view::npos || e - b < 1) return false;
  char open = text[b], close = text[e];
  if (!((open == '[' && close == ']') || (open == '{' && close == '}'))) return false;
  std::string_view body = text.substr(b + 1, e - b - 1);
  if (body.find_first_not_of(" \t\n\r") == std::string_view::npos) return true;
  std::string cur;
  bool quoted = false, was_quoted = false;
  int depth = 0;
  char quote = 0;
  auto flush = [&] {
    size_t s = cur.find_first_not_of(" \t\n\r"), t = cur.find_last_not_of(" \t\n\r");
    std::string item = s == std::string::npos ? "" : cur.substr(s, t - s + 1);
    if (!was_quoted && (item == "NULL" || item == "null")) {
      items.emplace_back(std::nullopt);
    } else {
      items.emplace_back(std::move(item));
    }
    cur.clear();
    was_quoted = false;
  };
  for (char c : body) {
    if (quoted) {
      if (c == quote) {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' || c == '\'') {
      quoted = was_quoted = true;
      quote = c;
    } else if (c == '[' || c == '{') {
      depth++;
      cur.push_back(c);
    } else if (c == ']' || c == '}') {
      depth--;
      cur.push_back(c);
    } else if (c == ',' && depth == 0) {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  if (quoted) return false;
  flush();
  return true;
}

/// Parse one text as the target type; throws DataError with PostgreSQL's message when it is not one.
void ParseRow(std::string_view text, Vector& result, size_t row) {
  const LogicalType& t = result.type();
  auto check = [&](ParseStatus s) {
    if (s == ParseStatus::kInvalid) ThrowInvalidInput(t, text);
    if (s == ParseStatus::kOutOfRange) {
      if (t.id() == TypeId::kDecimal) ThrowOutOfRange(t);
      std::string quoted = "\"" + std::string(text) + "\"";
      if (t.IsInteger()) quoted = "value " + quoted;
      throw DataError(sqlstate::kNumericValueOutOfRange,
                      quoted + " is out of range for type " + PgTypeName(t));
    }
  };
  switch (t.id()) {
    case TypeId::kBoolean: {
      bool b;
      if (!ParseBoolean(text, b)) ThrowInvalidInput(t, text);
      result.data<uint8_t>()[row] = b;
      return;
    }
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt: {
      int64_t v = 0;
      int64_t max = t.id() == TypeId::kSmallInt  ? INT16_MAX
                    : t.id() == TypeId::kInteger ? INT32_MAX
                                                 : INT64_MAX;
      check(ParseInteger(text, -max - 1, max, v));
      if (t.id() == TypeId::kSmallInt) result.data<int16_t>()[row] = static_cast<int16_t>(v);
      if (t.id() == TypeId::kInteger) result.data<int32_t>()[row] = static_cast<int32_t>(v);
      if (t.id() == TypeId::kBigInt) result.data<int64_t>()[row] = v;
      return;
    }
    case TypeId::kDecimal: {
      hugeint_t v = 0;
      check(ParseDecimal(text, t.width(), t.scale(), v));
      if (t.physical() == PhysicalType::kInt64) {
        result.data<int64_t>()[row] = static_cast<int64_t>(v);
      } else {
        result.data<hugeint_t>()[row] = v;
      }
      return;
    }
    case TypeId::kReal:
    case TypeId::kDouble: {
      double v = 0;
      check(ParseDouble(text, v));
      if (t.id() == TypeId::kDouble) {
        result.data<double>()[row] = v;
      } else {
        float f = static_cast<float>(v);
        if (std::isinf(f) && !std::isinf(v)) check(ParseStatus::kOutOfRange);
        result.data<float>()[row] = f;
      }
      return;
    }
    case TypeId::kDate: {
      int32_t d;
      bool out_of_range = false;
      if (!date::TryParse(text, d, &out_of_range)) {
        if (out_of_range) ThrowFieldOutOfRange(text);
        ThrowInvalidInput(t, text);
      }
      result.data<int32_t>()[row] = d;
      return;
    }
    case TypeId::kTime: {
      int64_t v;
      bool out_of_range = false;
      if (!time_of_day::TryParse(text, v, &out_of_range)) {
        if (out_of_range) ThrowFieldOutOfRange(text);
        // '2024-01-02 10:00'::time takes the time of a full timestamp, as PostgreSQL.
        int32_t days;
        if (!timestamp::TryParse(text, v, nullptr, &out_of_range)) {
          if (out_of_range) ThrowFieldOutOfRange(text);
          ThrowInvalidInput(t, text);
        }
        timestamp::ToParts(v, days, v);
      }
      result.data<int64_t>()[row] = v;
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t v;
      bool out_of_range = false;
      if (!timestamp::TryParse(text, v, nullptr, &out_of_range)) {
        if (out_of_range) ThrowFieldOutOfRange(text);
        ThrowInvalidInput(t, text);
      }
      result.data<int64_t>()[row] = v;
      return;
    }
    case TypeId::kInterval: {
      interval_t v;
      if (!interval::TryParse(text, v)) ThrowInvalidInput(t, text);
      result.data<interval_t>()[row] = v;
      return;
    }
    case TypeId::kBlob: {
      std::string bytes;
      if (!ParseBlob(text, bytes)) ThrowInvalidBlob(text);
      result.data<string_t>()[row] = result.AddString(bytes);
      return;
    }
    case TypeId::kList: {
      std::vector<std::optional<std::string>> items;
      if (!SplitListText(text, items)) {
        throw DataError(sqlstate::kInvalidTextRepresentation,
                        "malformed array literal: \"" + std::string(text) + "\"");
      }
      std::vector<Value> values;
      for (auto& item : items) {
        values.push_back(item ? CastValue(Value::Varchar(*item), t.element()) : Value::Null(t.element()));
      }
      result.SetValue(row, Value::List(t.element(), std::move(values)));
      return;
    }
    default:
      break;
  }
  throw InternalError("no cast from text to " + t.ToString());
}

void CastFromText(CastState& st) {
  const string_t* in = st.source.data<string_t>();
  for (size_t i = 0; i < st.count; i++) {
    if (!st.source.validity().RowIsValid(i)) continue;
    try {
      ParseRow(in[i].view(), st.result, i);
    } catch (const DataError&) {
      if (!st.try_cast) throw;
      SetNullRow(st.result, i);
    }
  }
}

// ---- dates and times ------------------------------------------------------------------------------------

int64_t DateToTimestamp(int32_t d) {
  if (d == date::kInfinity) return timestamp::kInfinity;
  if (d == date::kNegativeInfinity) return timestamp::kNegativeInfinity;
  int64_t out;
  if (__builtin_mul_overflow(static_cast<int64_t>(d), kMicrosPerDay, &out) || out == timestamp::kInfinity ||
      out == timestamp::kNegativeInfinity) {
    throw DataError(sqlstate::kDatetimeFieldOverflow, "date out of range for timestamp");
  }
  return out;
}

int32_t TimestampToDate(int64_t ts) {
  if (ts == timestamp::kInfinity) return date::kInfinity;
  if (ts == timestamp::kNegativeInfinity) return date::kNegativeInfinity;
  int32_t days;
  int64_t micros;
  timestamp::ToParts(ts, days, micros);
  return days;
}

int64_t TimestampToTime(int64_t ts) {
  int32_t days;
  int64_t micros;
  timestamp::ToParts(ts, days, micros);
  return micros;
}

/// DATE, TIME, TIMESTAMP[TZ] and INTERVAL among themselves; false when the pair has no cast.
bool CastTemporal(CastState& st) {
  TypeId from = st.source.type().id(), to = st.result.type().id();
  bool from_ts = from == TypeId::kTimestamp || from == TypeId::kTimestampTz;
  bool to_ts = to == TypeId::kTimestamp || to == TypeId::kTimestampTz;
  if (from == TypeId::kDate && to_ts) {
    CastLoop<int32_t, int64_t>(st, DateToTimestamp);
  } else if (from_ts && to == TypeId::kDate) {
    CastLoop<int64_t, int32_t>(st, TimestampToDate);
  } else if (from_ts && to_ts) {
    CastLoop<int64_t, int64_t>(st, [](int64_t v) { return v; });  // the session time zone is UTC
  } else if (from_ts && to == TypeId::kTime) {
    CastLoop<int64_t, int64_t>(st, TimestampToTime);
  } else if (from == TypeId::kTime && to == TypeId::kInterval) {
    CastLoop<int64_t, interval_t>(st, [](int64_t v) { return interval_t{0, 0, v}; });
  } else if (from == TypeId::kInterval && to == TypeId::kTime) {
    CastLoop<interval_t, int64_t>(st, [](interval_t v) {
      int64_t m = v.micros % kMicrosPerDay;
      return m < 0 ? m + kMicrosPerDay : m;
    });
  } else {
    return false;
  }
  return true;
}

void CastListToList(CastState& st) {
  const LogicalType& element = st.result.type().element();
  for (size_t i = 0; i < st.count; i++) {
    if (!st.source.validity().RowIsValid(i)) continue;
    try {
      std::vector<Value> items;
      Value list = st.source.GetValue(i);
      for (const Value& item : list.GetList()) items.push_back(CastValue(item, element));
      st.result.SetValue(i, Value::List(element, std::move(items)));
    } catch (const DataError&) {
      if (!st.try_cast) throw;
      SetNullRow(st.result, i);
    }
  }
}

bool IsNumberType(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
    case TypeId::kReal:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string PgTypeName(const LogicalType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kSmallInt:
      return "smallint";
    case TypeId::kInteger:
      return "integer";
    case TypeId::kBigInt:
      return "bigint";
    case TypeId::kReal:
      return "real";
    case TypeId::kDouble:
      return "double precision";
    case TypeId::kDecimal:
      return "numeric";
    case TypeId::kVarchar:
      return "character varying";
    case TypeId::kBlob:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return "time";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestampTz:
      return "timestamp with time zone";
    case TypeId::kInterval:
      return "interval";
    default:
      return type.ToString();
  }
}

bool CanCast(const LogicalType& from, const LogicalType& to) {
  TypeId f = from.id(), t = to.id();
  if (f == t && f != TypeId::kList) return true;
  if (f == TypeId::kNull || f == TypeId::kVarchar || t == TypeId::kVarchar) return true;
  if (IsNumberType(f) && IsNumberType(t)) {
    // PostgreSQL casts booleans to and from integers only.
    return (f != TypeId::kBoolean && t != TypeId::kBoolean) || from.IsInteger() || to.IsInteger();
  }
  bool from_ts = f == TypeId::kTimestamp || f == TypeId::kTimestampTz;
  bool to_ts = t == TypeId::kTimestamp || t == TypeId::kTimestampTz;
  if (f == TypeId::kDate && to_ts) return true;
  if (from_ts && (to_ts || t == TypeId::kDate || t == TypeId::kTime)) return true;
  if ((f == TypeId::kTime && t == TypeId::kInterval) || (f == TypeId::kInterval && t == TypeId::kTime))
    return true;
  if (f == TypeId::kList && t == TypeId::kList) return CanCast(from.element(), to.element());
  return false;
}

void CastVector(const Vector& source, Vector& result, size_t count, bool try_cast) {
  const LogicalType& from = source.type();
  const LogicalType& to = result.type();
  CastState st{source, result, source.IsConstant() ? size_t{1} : count, try_cast};
  result.SetConstant(source.IsConstant());
  result.validity() = source.validity();
  if (from.id() == TypeId::kNull) {
    result.validity().Initialize(std::max(result.capacity(), kVectorSize));
    for (size_t i = 0; i < st.count; i++) result.SetNull(i);
    return;
  }
  if (from == to && from.id() != TypeId::kList) {
    std::memcpy(result.raw_data(), source.data<uint8_t>(), PhysicalSize(from.physical()) * st.count);
    if (from.physical() == PhysicalType::kString) result.AddHeapReference(source);
    return;
  }
  if (to.id() == TypeId::kVarchar) {
    if (from.id() == TypeId::kVarchar) return;  // unreachable: equal types
    CastToText(st);
  } else if (from.id() == TypeId::kVarchar) {
    CastFromText(st);
  } else if (IsNumberType(from.id()) && IsNumberType(to.id())) {
    CastBetweenNumbers(st);
  } else if (from.id() == TypeId::kList && to.id() == TypeId::kList) {
    CastListToList(st);
  } else if (!CastTemporal(st)) {
    throw BinderError("42846",  // cannot_coerce
                      "cannot cast type " + PgTypeName(from) + " to " + PgTypeName(to));
  }
}

bool TryCastValue(const Value& v, const LogicalType& target, Value& result) {
  if (v.IsNull()) {
    result = Value::Null(target);
    return true;
  }
  Vector source(v);
  Vector out(target, 1);
  CastVector(source, out, 1, /*try_cast=*/true);
  if (out.IsNull(0)) return false;
  result = out.GetValue(0);
  return true;
}

Value CastValue(const Value& v, const LogicalType& target, bool try_cast) {
  if (v.IsNull()) return Value::Null(target);
  if (v.type() == target) return v;
  Vector source(v);
  Vector out(target, 1);
  CastVector(source, out, 1, try_cast);
  return out.GetValue(0);
}

}  // namespace basin
