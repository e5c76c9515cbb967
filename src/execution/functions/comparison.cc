// = <> < <= > >= and IS [NOT] DISTINCT FROM. Operands arrive with one type (the binder casts mixed numeric
// operands to their common type), so kernels are instantiated per physical type only.

#include <cmath>

#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT

namespace {

enum CompareOp : int { kEq, kNe, kLt, kLe, kGt, kGe };

/// Equality as SQL sees it: NaN equals NaN (PostgreSQL sorts NaN above every number), and intervals
/// compare by length ('1 month' = '30 days').
template <class T>
bool Equal(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a == b || (std::isnan(a) && std::isnan(b));
  } else if constexpr (std::is_same_v<T, interval_t>) {
    return a.Normalized() == b.Normalized();
  } else {
    return a == b;
  }
}

template <class T>
bool Less(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(b) ? !std::isnan(a) : a < b;  // a NaN a fails a < b by itself
  } else {
    return a < b;
  }
}

template <int kOp, class T>
bool Compare(const T& a, const T& b) {
  if constexpr (kOp == kEq) return Equal(a, b);
  if constexpr (kOp == kNe) return !Equal(a, b);
  if constexpr (kOp == kLt) return Less(a, b);
  if constexpr (kOp == kLe) return !Less(b, a);
  if constexpr (kOp == kGt) return Less(b, a);
  if constexpr (kOp == kGe) return !Less(a, b);
}

template <int kOp, class T>
struct CompareKernel {
  static void Run(DataChunk& args, FunctionContext&, Vector& result) {
    BinaryExecute<T, T, uint8_t>(args.column(0), args.column(1), result, args.size(),
                                 [](const T& a, const T& b) -> uint8_t { return Compare<kOp, T>(a, b); });
  }
};

/// IS DISTINCT FROM (kNe) and IS NOT DISTINCT FROM (kEq): NULL is a value like any other; never NULL.
template <int kOp, class T>
struct DistinctKernel {
  static void Run(DataChunk& args, FunctionContext&, Vector& result) {
    size_t n = BeginRows(args, result);
    Arg<T> a(args.column(0)), b(args.column(1));
    uint8_t* out = result.data<uint8_t>();
    for (size_t i = 0; i < n; i++) {
      bool an = a.IsNull(i), bn = b.IsNull(i);
      bool same = an || bn ? an == bn : Equal(a[i], b[i]);
      out[i] = kOp == kEq ? same : !same;
    }
  }
};

/// Lists compare as values (PostgreSQL's array equality, where NULL elements equal each other).
template <int kOp>
void ListEqualKernel(DataChunk& args, FunctionContext&, Vector& result) {
  size_t n = BeginRows(args, result);
  uint8_t* out = result.data<uint8_t>();
  const Vector &a = args.column(0), &b = args.column(1);
  for (size_t i = 0; i < n; i++) {
    bool an = a.IsNull(i), bn = b.IsNull(i);
    if (kOp != kEq && kOp != kNe && (an || bn)) {
      SetNullRow(result, i);
      continue;
    }
    bool same = an || bn ? an == bn : a.GetValue(i) == b.GetValue(i);
    out[i] = (kOp == kEq || kOp == kLe) ? same : !same;
  }
}

template <int kOp, template <int, class> class K>
ScalarKernel KernelFor(PhysicalType p) {
  switch (p) {
    case PhysicalType::kBool:
      return K<kOp, uint8_t>::Run;
    case PhysicalType::kInt16:
      return K<kOp, int16_t>::Run;
    case PhysicalType::kInt32:
      return K<kOp, int32_t>::Run;
    case PhysicalType::kInt64:
      return K<kOp, int64_t>::Run;
    case PhysicalType::kInt128:
      return K<kOp, hugeint_t>::Run;
    case PhysicalType::kFloat:
      return K<kOp, float>::Run;
    case PhysicalType::kDouble:
      return K<kOp, double>::Run;
    case PhysicalType::kString:
      return K<kOp, string_t>::Run;
    case PhysicalType::kInterval:
      return K<kOp, interval_t>::Run;
    case PhysicalType::kList:
      break;
  }
  throw InternalError("no comparison kernel for this layout");
}

/// DECIMAL operands: cast both to their common DECIMAL, then compare the scaled integers.
template <int kOp, template <int, class> class K>
void DecimalKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  KernelFor<kOp, K>(args.column(0).type().physical())(args, ctx, result);
}

std::unique_ptr<FunctionData> BindDecimalCompare(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType a = DecimalOf(args[0]->type), b = DecimalOf(args[1]->type);
  for (size_t i = 0; i < 2; i++) {
    const Expr* e = args[i].get();
    while (e->cls == ExprClass::kCast && e->type.id() == TypeId::kDecimal && e->type.width() == 0)
      e = e->children[0].get();
    (i == 0 ? a : b) = DecimalOf(e->type);
  }
  LogicalType common = CommonSuperType(a, b);
  if (common.id() != TypeId::kDecimal)
    throw BinderError(sqlstate::kDatatypeMismatch, "cannot compare as numeric");
  CastArgument(args, 0, common);
  CastArgument(args, 1, common);
  return_type = TypeId::kBoolean;
  return nullptr;
}

std::unique_ptr<FunctionData> BindListCompare(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType common = CommonSuperType(args[0]->type, args[1]->type);
  if (common.id() != TypeId::kList) {
    throw BinderError(sqlstate::kUndefinedFunction, "operator does not exist: " + args[0]->type.ToString() +
                                                        " = " + args[1]->type.ToString());
  }
  CastArgument(args, 0, common);
  CastArgument(args, 1, common);
  return_type = TypeId::kBoolean;
  return nullptr;
}

template <int kOp, template <int, class> class K>
void AddOperator(FunctionRegistry& r, const std::string& name, bool propagates_nulls) {
  static constexpr TypeId kTypes[] = {
      TypeId::kBoolean,   TypeId::kSmallInt,    TypeId::kInteger, TypeId::kBigInt, TypeId::kReal,
      TypeId::kDouble,    TypeId::kVarchar,     TypeId::kBlob,    TypeId::kDate,   TypeId::kTime,
      TypeId::kTimestamp, TypeId::kTimestampTz, TypeId::kInterval};
  auto add = [&](ScalarFunction f) {
    f.propagates_nulls = propagates_nulls;
    r.AddScalar(std::move(f));
  };
  for (TypeId t : kTypes) {
    add(MakeScalar(name, {t, t}, TypeId::kBoolean, KernelFor<kOp, K>(LogicalType(t).physical())));
  }
  add(MakeScalar(name, {AnyDecimal(), AnyDecimal()}, TypeId::kBoolean, DecimalKernel<kOp, K>,
                 BindDecimalCompare));
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& r) {
  AddOperator<kEq, CompareKernel>(r, "=", true);
  AddOperator<kNe, CompareKernel>(r, "<>", true);
  AddOperator<kLt, CompareKernel>(r, "<", true);
  AddOperator<kLe, CompareKernel>(r, "<=", true);
  AddOperator<kGt, CompareKernel>(r, ">", true);
  AddOperator<kGe, CompareKernel>(r, ">=", true);
  AddOperator<kNe, DistinctKernel>(r, "is_distinct_from", false);
  AddOperator<kEq, DistinctKernel>(r, "is_not_distinct_from", false);
  r.AddAlias("!=", "<>");

  // Lists: equality only, any element type (the bind callback unifies them).
  auto list = [&](const char* name, ScalarKernel kernel, bool propagates_nulls) {
    ScalarFunction f =
        MakeScalar(name, {TypeId::kInvalid, TypeId::kInvalid}, TypeId::kBoolean, kernel, BindListCompare);
    f.propagates_nulls = propagates_nulls;
    r.AddScalar(std::move(f));
  };
  list("=", ListEqualKernel<kEq>, true);
  list("<>", ListEqualKernel<kNe>, true);
  list("!=", ListEqualKernel<kNe>, true);
  list("is_not_distinct_from", ListEqualKernel<kEq>, false);
  list("is_distinct_from", ListEqualKernel<kNe>, false);
}

}  // namespace basin
