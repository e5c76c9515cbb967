#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace basin {

/// SQL types. kNull is the type of an untyped NULL literal until the binder gives it one.
enum class TypeId : uint8_t {
  kInvalid,
  kNull,
  kBoolean,
  kSmallInt,
  kInteger,
  kBigInt,
  kReal,
  kDouble,
  kDecimal,
  kVarchar,
  kBlob,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kList,
};

/// How a type's values are laid out in a vector.
enum class PhysicalType : uint8_t {
  kBool,      // uint8_t, 0 or 1
  kInt16,     // SMALLINT
  kInt32,     // INTEGER, DATE (days since 1970-01-01)
  kInt64,     // BIGINT, DECIMAL(p<=18), TIME, TIMESTAMP[TZ] (microseconds)
  kInt128,    // DECIMAL(p>18)
  kFloat,     // REAL
  kDouble,    // DOUBLE
  kString,    // VARCHAR, BLOB: string_t
  kInterval,  // interval_t
  kList,      // list_entry_t into a child vector
};

/// A SQL type: its id, and for DECIMAL its precision (width) and scale, for LIST its element type, for
/// VARCHAR(n) its maximum length in characters.
class LogicalType {
 public:
  LogicalType() = default;
  LogicalType(TypeId id) : id_(id) {}  // NOLINT: implicit from an id reads well at call sites.

  /// Throws BinderError (22023) unless 1 <= width <= 38 and scale <= width.
  static LogicalType Decimal(uint8_t width, uint8_t scale);
  static LogicalType List(const LogicalType& element);
  /// VARCHAR(max_length); 0 is unlimited (plain VARCHAR, TEXT).
  static LogicalType Varchar(uint32_t max_length);

  TypeId id() const { return id_; }
  uint8_t width() const { return width_; }
  uint8_t scale() const { return scale_; }
  const LogicalType& element() const { return *element_; }
  /// VARCHAR(n)'s n, 0 for no limit. A limit constrains values stored or cast to the type; it does not
  /// make a different type: operator== ignores it, and values of VARCHAR(n) are values of VARCHAR.
  uint32_t max_length() const { return max_length_; }
  PhysicalType physical() const;

  /// SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL.
  bool IsNumeric() const;
  /// SMALLINT, INTEGER, BIGINT.
  bool IsInteger() const;
  /// DATE, TIME, TIMESTAMP, TIMESTAMPTZ: points in time (INTERVAL is a duration, not one of them).
  bool IsTemporal() const;
  bool IsString() const { return id_ == TypeId::kVarchar; }

  /// Return the name as PostgreSQL prints it ("INTEGER", "DECIMAL(15,2)", "VARCHAR[]").
  std::string ToString() const;

  bool operator==(const LogicalType& other) const;
  bool operator!=(const LogicalType& other) const { return !(*this == other); }

  static constexpr uint8_t kMaxDecimalWidth = 38;
  static constexpr uint8_t kMaxInt64DecimalWidth = 18;
  /// PostgreSQL's limit on VARCHAR(n).
  static constexpr uint32_t kMaxVarcharLength = 10485760;

 private:
  TypeId id_ = TypeId::kInvalid;
  uint8_t width_ = 0;
  uint8_t scale_ = 0;
  uint32_t max_length_ = 0;
  std::shared_ptr<LogicalType> element_;
};

/// Size in bytes of one value of a physical type inside a vector.
size_t PhysicalSize(PhysicalType type);

/// Map a SQL type name with optional modifiers (as written: "int4", "numeric", "timestamp with time zone")
/// to a type. NUMERIC without modifiers is DECIMAL(18,3), as DuckDB; "int[]" is a list. Throws BinderError:
/// 42704 for unknown names, 22023 for bad modifiers.
LogicalType TypeFromName(const std::string& name, int64_t mod1 = -1, int64_t mod2 = -1);

}  // namespace basin
