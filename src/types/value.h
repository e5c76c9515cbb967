#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "types/datetime.h"
#include "types/logical_type.h"

namespace basin {

using hugeint_t = __int128;

/// One SQL value of any type, NULL included. Used for constants, for results handed to clients, and
/// wherever a single value crosses an interface; never in per-row hot loops.
class Value {
 public:
  /// An untyped NULL.
  Value() : type_(TypeId::kNull) {}

  static Value Null(const LogicalType& type);
  static Value Boolean(bool v);
  static Value SmallInt(int16_t v);
  static Value Integer(int32_t v);
  static Value BigInt(int64_t v);
  static Value Real(float v);
  static Value Double(double v);
  /// A DECIMAL(width, scale) whose unscaled integer is `unscaled`.
  static Value Decimal(hugeint_t unscaled, uint8_t width, uint8_t scale);
  static Value Varchar(std::string v);
  static Value Blob(std::string bytes);
  static Value Date(int32_t days);
  static Value Time(int64_t micros);
  static Value Timestamp(int64_t micros);
  static Value TimestampTz(int64_t micros);
  static Value Interval(interval_t v);
  static Value List(const LogicalType& element, std::vector<Value> values);

  const LogicalType& type() const { return type_; }
  bool IsNull() const { return is_null_; }

  bool GetBool() const { return i64_ != 0; }
  /// The integer payload: BOOLEAN, SMALLINT..BIGINT, DATE, TIME, TIMESTAMP[TZ], and DECIMAL(p<=18) unscaled.
  int64_t GetInt64() const { return i64_; }
  /// DECIMAL's unscaled value (any width).
  hugeint_t GetHugeInt() const { return i128_; }
  double GetDouble() const { return d_; }
  const std::string& GetString() const { return str_; }
  interval_t GetInterval() const { return iv_; }
  const std::vector<Value>& GetList() const { return list_; }

  /// Any numeric value as a double (DECIMAL scaled); for sorting and approximate uses. BOOLEAN and the
  /// temporal types give their integer payload, INTERVAL its normalised microseconds. Throws InternalError
  /// for NULL, strings and lists.
  double ToDouble() const;

  /// Text as PostgreSQL prints it ("1.50", "2024-01-02 03:04:05", BLOB as "\x0a0b"), except that
  /// booleans print "true"/"false" (as DuckDB, JSON-friendly); "NULL" for NULL; lists as "[1, 2, NULL]".
  std::string ToString() const;

  /// Same type and same value (two NULLs of one type are equal here; this is not SQL equality).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  explicit Value(LogicalType type) : type_(std::move(type)), is_null_(false) {}
  /// A non-NULL value of a type whose payload is the integer i64_.
  static Value FromInt64(TypeId id, int64_t v);

  LogicalType type_;
  bool is_null_ = true;
  int64_t i64_ = 0;
  hugeint_t i128_ = 0;
  double d_ = 0;
  interval_t iv_;
  std::string str_;
  std::vector<Value> list_;
};

/// Render a decimal's unscaled value with its scale: (12345, 2) -> "123.45".
std::string DecimalToString(hugeint_t unscaled, uint8_t scale);
std::string HugeIntToString(hugeint_t v);

}  // namespace basin
