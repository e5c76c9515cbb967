#pragma once

// Values of every type the Parquet writer writes, for round trips: each row's value follows from the row
// number, so a reader checks what it gets without keeping what was written.

#include <cstdint>
#include <string>
#include <vector>

#include "types/datetime.h"
#include "types/logical_type.h"
#include "types/value.h"

namespace basin::test {

/// Every primitive Basin type, DECIMAL in each of its three Parquet layouts.
inline std::vector<LogicalType> AllTypes() {
  return {TypeId::kBoolean,
          TypeId::kSmallInt,
          TypeId::kInteger,
          TypeId::kBigInt,
          TypeId::kReal,
          TypeId::kDouble,
          LogicalType::Decimal(9, 2),
          LogicalType::Decimal(18, 4),
          LogicalType::Decimal(38, 10),
          TypeId::kVarchar,
          TypeId::kBlob,
          TypeId::kDate,
          TypeId::kTime,
          TypeId::kTimestamp,
          TypeId::kTimestampTz,
          TypeId::kInterval};
}

/// The value of column `c` (of type `t`) in row `i`: every 7th row (shifted per column) is NULL. INTERVALs
/// hold whole milliseconds, as Parquet's do.
inline Value Expected(const LogicalType& t, size_t c, int64_t i) {
  if ((i + static_cast<int64_t>(c)) % 7 == 0) return Value::Null(t);
  switch (t.id()) {
    case TypeId::kBoolean:
      return Value::Boolean(i % 3 == 0);
    case TypeId::kSmallInt:
      return Value::SmallInt(static_cast<int16_t>((i * 7) % 30000 - 15000));
    case TypeId::kInteger:
      return Value::Integer(static_cast<int32_t>(i * 2654435761LL));
    case TypeId::kBigInt:
      return Value::BigInt(i * 1000000007LL - 5000000000LL);
    case TypeId::kReal:
      return Value::Real(static_cast<float>(i) * 0.5f - 100.0f);
    case TypeId::kDouble:
      return Value::Double(static_cast<double>(i) * 1.25 - 7.0);
    case TypeId::kDecimal: {
      hugeint_t v = i * 101 - 5000;
      if (t.width() > 18) v = v * static_cast<hugeint_t>(1000000000000000000LL) * 1000 + i;
      return Value::Decimal(v, t.width(), t.scale());
    }
    case TypeId::kVarchar:
      return Value::Varchar(i % 5 == 0 ? "a longer string value number " + std::to_string(i)
                                       : "s" + std::to_string(i % 300));
    case TypeId::kBlob:
      return Value::Blob(std::string("\0\x01\xff", 3) + std::to_string(i % 50));
    case TypeId::kDate:
      return Value::Date(static_cast<int32_t>(i - 5000));
    case TypeId::kTime:
      return Value::Time((i * 1000003) % kMicrosPerDay);
    case TypeId::kTimestamp:
      return Value::Timestamp(i * 1000003LL - 1000000000000LL);
    case TypeId::kTimestampTz:
      return Value::TimestampTz(i * 999983LL + 1700000000000000LL);
    case TypeId::kInterval:
      return Value::Interval(
          interval_t{static_cast<int32_t>(i % 13), -static_cast<int32_t>(i % 40), i * 1000});
    default:
      return Value::Null(t);
  }
}

}  // namespace basin::test
