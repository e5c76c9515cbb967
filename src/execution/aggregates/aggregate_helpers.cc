#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {

std::unique_ptr<FunctionData> BindReturnArgumentType(std::vector<ExprPtr>& args, LogicalType& return_type) {
  if (!args.empty()) return_type = args.back()->type;
  return nullptr;
}

namespace {

template <class T>
void ConvertToDouble(const Vector& v, size_t n, double divisor, std::vector<double>& out) {
  const T* data = v.data<T>();
  out.resize(n);
  // Rows that are NULL hold garbage; converting them is harmless and keeps the loop branch-free.
  if (divisor == 1.0) {
    for (size_t i = 0; i < n; i++) out[i] = static_cast<double>(data[i]);
  } else {
    for (size_t i = 0; i < n; i++) out[i] = static_cast<double>(data[i]) / divisor;
  }
}

}  // namespace

const double* ReadAsDouble(const Vector& v, size_t count, std::vector<double>& scratch) {
  size_t n = v.IsConstant() ? 1 : count;
  const LogicalType& type = v.type();
  double divisor = type.id() == TypeId::kDecimal ? PowerOfTen(type.scale()) : 1.0;
  switch (type.physical()) {
    case PhysicalType::kDouble:
      return v.data<double>();
    case PhysicalType::kFloat:
      ConvertToDouble<float>(v, n, divisor, scratch);
      break;
    case PhysicalType::kBool:
      ConvertToDouble<uint8_t>(v, n, divisor, scratch);
      break;
    case PhysicalType::kInt16:
      ConvertToDouble<int16_t>(v, n, divisor, scratch);
      break;
    case PhysicalType::kInt32:
      ConvertToDouble<int32_t>(v, n, divisor, scratch);
      break;
    case PhysicalType::kInt64:
      ConvertToDouble<int64_t>(v, n, divisor, scratch);
      break;
    case PhysicalType::kInt128:
      ConvertToDouble<hugeint_t>(v, n, divisor, scratch);
      break;
    default:
      throw InternalError("numeric aggregate over a " + type.ToString() + " argument");
  }
  return scratch.data();
}

std::vector<LogicalType> NumericTypes() {
  return {TypeId::kSmallInt, TypeId::kInteger, TypeId::kBigInt, TypeId::kReal, TypeId::kDouble, AnyDecimal()};
}

AggregateSet BuiltinAggregates() {
  AggregateSet set;
  AddCountSumAvg(set);
  AddMinMaxFirst(set);
  AddBoolAndBitwise(set);
  AddStatistics(set);
  AddStringAndArrayAgg(set);
  AddApproxCountDistinct(set);
  AddQuantiles(set);
  return set;
}

}  // namespace basin::aggregates

namespace basin::aggregates {

void ThrowCorruptState(const char* what) {
  throw DataError(sqlstate::kDataCorrupted, std::string("aggregate state: its bytes ") + what);
}

}  // namespace basin::aggregates
