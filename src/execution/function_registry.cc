// The function catalog and the implicit-cast rules overload resolution is built on.

#include <algorithm>
#include <array>
#include <string_view>

#include "common/exception.h"
#include "execution/function.h"

namespace basin {

const FunctionRegistry& FunctionRegistry::Get() {
  static const FunctionRegistry registry;  // thread-safe initialisation; read-only afterwards
  return registry;
}

FunctionRegistry::FunctionRegistry() {
  RegisterArithmeticFunctions(*this);
  RegisterComparisonFunctions(*this);
  RegisterStringFunctions(*this);
  RegisterMathFunctions(*this);
  RegisterDateTimeFunctions(*this);
  RegisterAggregateFunctions(*this);
  RegisterListFunctions(*this);
  RegisterPgCatalogFunctions(*this);
}

void FunctionRegistry::AddScalar(ScalarFunction f) {
  std::string name = f.name;
  scalars_[name].push_back(std::move(f));
}

void FunctionRegistry::AddAggregate(AggregateFunction f) {
  std::string name = f.name;
  aggregates_[name].push_back(std::move(f));
}

void FunctionRegistry::AddAlias(const std::string& alias, const std::string& name) {
  if (auto it = scalars_.find(name); it != scalars_.end()) {
    auto& overloads = scalars_[alias];
    for (ScalarFunction f : it->second) {
      f.name = alias;
      overloads.push_back(std::move(f));
    }
  }
  if (auto it = aggregates_.find(name); it != aggregates_.end()) {
    auto& overloads = aggregates_[alias];
    for (AggregateFunction f : it->second) {
      f.name = alias;
      overloads.push_back(std::move(f));
    }
  }
}

const std::vector<ScalarFunction>* FunctionRegistry::FindScalar(const std::string& name) const {
  auto it = scalars_.find(name);
  return it == scalars_.end() ? nullptr : &it->second;
}

const std::vector<AggregateFunction>* FunctionRegistry::FindAggregate(const std::string& name) const {
  auto it = aggregates_.find(name);
  return it == aggregates_.end() ? nullptr : &it->second;
}

bool FunctionRegistry::IsWindowFunction(const std::string& name) const {
  static constexpr std::array<std::string_view, 11> kWindowOnly = {
      "row_number", "rank", "dense_rank",  "percent_rank", "cume_dist", "ntile",
      "lag",        "lead", "first_value", "last_value",   "nth_value"};
  return std::find(kWindowOnly.begin(), kWindowOnly.end(), name) != kWindowOnly.end();
}

namespace {

/// Position in the numeric widening order SMALLINT < INTEGER < BIGINT < DECIMAL < REAL < DOUBLE; 0 if none.
int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kSmallInt:
      return 1;
    case TypeId::kInteger:
      return 2;
    case TypeId::kBigInt:
      return 3;
    case TypeId::kDecimal:
      return 4;
    case TypeId::kReal:
      return 5;
    case TypeId::kDouble:
      return 6;
    default:
      return 0;
  }
}

/// Digits before the decimal point that a type needs (integers and decimals).
int IntegerDigits(const LogicalType& t) {
  switch (t.id()) {
    case TypeId::kSmallInt:
      return 5;
    case TypeId::kInteger:
      return 10;
    case TypeId::kBigInt:
      return 19;
    case TypeId::kDecimal:
      return t.width() - t.scale();
    default:
      return 0;
  }
}

}  // namespace

int ImplicitCastCost(const LogicalType& from, const LogicalType& to) {
  if (from == to) return 0;
  if (to.id() == TypeId::kInvalid) return 10;  // "any type" parameter: the last resort
  if (from.id() == TypeId::kNull) return 1;
  const bool any_decimal = to.id() == TypeId::kDecimal && to.width() == 0;  // placeholder parameter
  int from_rank = NumericRank(from.id()), to_rank = NumericRank(to.id());
  if (from_rank && to_rank) {
    if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal) {
      if (any_decimal) return 0;
      // Widening only: no integer digit and no fraction digit may be lost.
      return IntegerDigits(to) >= IntegerDigits(from) && to.scale() >= from.scale() ? 1 : -1;
    }
    if (from_rank > to_rank) return -1;
    if (to.id() == TypeId::kDecimal && !any_decimal && IntegerDigits(to) < IntegerDigits(from)) return -1;
    return to_rank - from_rank;
  }
  switch (from.id()) {
    case TypeId::kDate:
      if (to.id() == TypeId::kTimestamp) return 1;
      if (to.id() == TypeId::kTimestampTz) return 2;
      return -1;
    case TypeId::kTimestamp:
      return to.id() == TypeId::kTimestampTz ? 1 : -1;
    case TypeId::kList: {
      if (to.id() != TypeId::kList) return -1;
      return ImplicitCastCost(from.element(), to.element());
    }
    default:
      return -1;
  }
}

LogicalType CommonSuperType(const LogicalType& a, const LogicalType& b) {
  if (a.id() == TypeId::kNull) return b;
  if (b.id() == TypeId::kNull) return a;
  if (a == b) return a;
  int ra = NumericRank(a.id()), rb = NumericRank(b.id());
  if (ra && rb) {
    if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return TypeId::kDouble;
    if (a.id() == TypeId::kReal || b.id() == TypeId::kReal) {
      // REAL holds integers (approximately, as PostgreSQL); with a DECIMAL the wider DOUBLE.
      return a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal ? TypeId::kDouble : TypeId::kReal;
    }
    if (a.id() == TypeId::kDecimal || b.id() == TypeId::kDecimal) {
      int scale =
          std::max(a.id() == TypeId::kDecimal ? a.scale() : 0, b.id() == TypeId::kDecimal ? b.scale() : 0);
      int digits = std::max(IntegerDigits(a), IntegerDigits(b));
      int width = std::min<int>(LogicalType::kMaxDecimalWidth, digits + scale);
      return LogicalType::Decimal(static_cast<uint8_t>(width), static_cast<uint8_t>(std::min(scale, width)));
    }
    return ra > rb ? a : b;
  }
  auto is = [&](TypeId x, TypeId y) { return (a.id() == x && b.id() == y) || (a.id() == y && b.id() == x); };
  if (is(TypeId::kDate, TypeId::kTimestamp)) return TypeId::kTimestamp;
  if (is(TypeId::kDate, TypeId::kTimestampTz) || is(TypeId::kTimestamp, TypeId::kTimestampTz)) {
    return TypeId::kTimestampTz;
  }
  if (a.id() == TypeId::kList && b.id() == TypeId::kList) {
    LogicalType element = CommonSuperType(a.element(), b.element());
    if (element.id() == TypeId::kInvalid) return TypeId::kInvalid;
    return LogicalType::List(element);
  }
  return TypeId::kInvalid;
}

}  // namespace basin
