#include "types/logical_type.h"

#include <string_view>

#include "common/exception.h"
#include "types/datetime.h"
#include "types/string_type.h"

namespace basin {

LogicalType LogicalType::Decimal(uint8_t width, uint8_t scale) {
  if (width < 1 || width > kMaxDecimalWidth) {
    throw BinderError(sqlstate::kInvalidParameterValue, "NUMERIC precision " + std::to_string(width) +
                                                            " must be between 1 and " +
                                                            std::to_string(kMaxDecimalWidth));
  }
  if (scale > width) {
    throw BinderError(sqlstate::kInvalidParameterValue, "NUMERIC scale " + std::to_string(scale) +
                                                            " must be between 0 and precision " +
                                                            std::to_string(width));
  }
  LogicalType type(TypeId::kDecimal);
  type.width_ = width;
  type.scale_ = scale;
  return type;
}

LogicalType LogicalType::List(const LogicalType& element) {
  LogicalType type(TypeId::kList);
  type.element_ = std::make_shared<LogicalType>(element);
  return type;
}

LogicalType LogicalType::Varchar(uint32_t max_length) {
  LogicalType type(TypeId::kVarchar);
  type.max_length_ = max_length;
  return type;
}

PhysicalType LogicalType::physical() const {
  switch (id_) {
    case TypeId::kBoolean:
      return PhysicalType::kBool;
    case TypeId::kSmallInt:
      return PhysicalType::kInt16;
    case TypeId::kNull:  // an all-NULL vector still needs a layout; DuckDB uses int32 for SQLNULL too
    case TypeId::kInteger:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kBigInt:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return PhysicalType::kInt64;
    case TypeId::kDecimal:
      return width_ <= kMaxInt64DecimalWidth ? PhysicalType::kInt64 : PhysicalType::kInt128;
    case TypeId::kReal:
      return PhysicalType::kFloat;
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return PhysicalType::kString;
    case TypeId::kInterval:
      return PhysicalType::kInterval;
    case TypeId::kList:
      return PhysicalType::kList;
    case TypeId::kInvalid:
      break;
  }
  throw InternalError("physical() of an invalid type");
}

bool LogicalType::IsNumeric() const {
  return IsInteger() || id_ == TypeId::kReal || id_ == TypeId::kDouble || id_ == TypeId::kDecimal;
}

bool LogicalType::IsInteger() const {
  return id_ == TypeId::kSmallInt || id_ == TypeId::kInteger || id_ == TypeId::kBigInt;
}

bool LogicalType::IsTemporal() const {
  return id_ == TypeId::kDate || id_ == TypeId::kTime || id_ == TypeId::kTimestamp ||
         id_ == TypeId::kTimestampTz;
}

std::string LogicalType::ToString() const {
  switch (id_) {
    case TypeId::kInvalid:
      return "INVALID";
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kSmallInt:
      return "SMALLINT";
    case TypeId::kInteger:
      return "INTEGER";
    case TypeId::kBigInt:
      return "BIGINT";
    case TypeId::kReal:
      return "REAL";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(width_) + "," + std::to_string(scale_) + ")";
    case TypeId::kVarchar:
      return max_length_ ? "VARCHAR(" + std::to_string(max_length_) + ")" : "VARCHAR";
    case TypeId::kBlob:
      return "BLOB";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kTime:
      return "TIME";
    case TypeId::kTimestamp:
      return "TIMESTAMP";
    case TypeId::kTimestampTz:
      return "TIMESTAMPTZ";
    case TypeId::kInterval:
      return "INTERVAL";
    case TypeId::kList:
      return (element_ ? element_->ToString() : "INVALID") + "[]";
  }
  return "INVALID";
}

bool LogicalType::operator==(const LogicalType& other) const {
  if (id_ != other.id_) return false;
  if (id_ == TypeId::kDecimal) return width_ == other.width_ && scale_ == other.scale_;
  if (id_ == TypeId::kList) {
    if (!element_ || !other.element_) return element_ == other.element_;
    return *element_ == *other.element_;
  }
  return true;
}

size_t PhysicalSize(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBool:
      return 1;
    case PhysicalType::kInt16:
      return 2;
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
      return 8;
    case PhysicalType::kInt128:
      return 16;
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kString:
      return sizeof(string_t);
    case PhysicalType::kInterval:
      return sizeof(interval_t);
    case PhysicalType::kList:
      return 16;  // list_entry_t (vector/vector.h): offset and length, 8 bytes each
  }
  throw InternalError("PhysicalSize of an unknown physical type");
}

}  // namespace basin
