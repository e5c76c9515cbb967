#include "execution/functions/function_internal.h"

namespace basin::function_internal {

LogicalType DecimalOf(const LogicalType& t) {
  switch (t.id()) {
    case TypeId::kDecimal:
      return t;
    case TypeId::kSmallInt:
      return LogicalType::Decimal(5, 0);
    case TypeId::kInteger:
      return LogicalType::Decimal(10, 0);
    case TypeId::kBigInt:
      return LogicalType::Decimal(19, 0);
    default:
      return TypeId::kInvalid;
  }
}

void CastArgument(std::vector<ExprPtr>& args, size_t i, const LogicalType& target) {
  ExprPtr& arg = args[i];
  // A binder that casts to the width-0 DECIMAL placeholder leaves a cast that cannot run; drop it.
  while (arg->cls == ExprClass::kCast && arg->type.id() == TypeId::kDecimal && arg->type.width() == 0) {
    arg = std::move(arg->children[0]);
  }
  if (arg->type != target) arg = Expr::Cast(std::move(arg), target);
}

void ThrowIntegerOutOfRange(PhysicalType p) {
  const char* name = p == PhysicalType::kInt16   ? "smallint"
                     : p == PhysicalType::kInt32 ? "integer"
                                                 : "bigint";
  throw DataError(sqlstate::kNumericValueOutOfRange, std::string(name) + " out of range");
}

const std::string* ConstantText(const std::vector<ExprPtr>& args, size_t i) {
  if (i >= args.size() || args[i]->cls != ExprClass::kConstant || args[i]->value.IsNull()) return nullptr;
  if (args[i]->value.type().id() != TypeId::kVarchar) return nullptr;
  return &args[i]->value.GetString();
}

}  // namespace basin::function_internal
