// Numeric operators + - * / % and unary - and +, over SMALLINT, INTEGER, BIGINT, REAL, DOUBLE and DECIMAL;
// the bitwise operators & | # ~ << >> over the integer types.
// Integers are overflow-checked as PostgreSQL's int4pl and friends; DECIMALs are scaled integers whose
// result type the bind callbacks compute (and cast the arguments to).

#include <cmath>
#include <limits>
#include <type_traits>

#include "execution/cast.h"
#include "execution/functions/function_internal.h"

namespace basin {

using namespace function_internal;  // NOLINT: the helpers are this family's vocabulary

namespace {

template <class T>
[[noreturn]] void Overflow() {
  if constexpr (std::is_same_v<T, int16_t>) ThrowIntegerOutOfRange(PhysicalType::kInt16);
  if constexpr (std::is_same_v<T, int32_t>) ThrowIntegerOutOfRange(PhysicalType::kInt32);
  if constexpr (std::is_same_v<T, int64_t>) ThrowIntegerOutOfRange(PhysicalType::kInt64);
  throw DataError(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
}

/// PostgreSQL's float checks: an infinite result from finite inputs overflowed; a zero from non-zero
/// inputs of a product underflowed.
template <class T>
T CheckFloat(T r, T a, T b, bool zero_ok) {
  if (std::isinf(r) && !std::isinf(a) && !std::isinf(b)) {
    throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  }
  if (!zero_ok && r == 0 && a != 0 && b != 0) {
    throw DataError(sqlstate::kNumericValueOutOfRange, "value out of range: underflow");
  }
  return r;
}

/// One binary operator on one C++ type; `kOp` is the SQL operator's character.
template <char kOp, class T>
struct NumericOp {
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if constexpr (kOp == '+') return CheckFloat<T>(a + b, a, b, true);
      if constexpr (kOp == '-') return CheckFloat<T>(a - b, a, b, true);
      if constexpr (kOp == '*') return CheckFloat<T>(a * b, a, b, false);
      if constexpr (kOp == '/') {
        if (b == 0) ThrowDivisionByZero();
        return CheckFloat<T>(a / b, a, b, a == 0);
      }
      if constexpr (kOp == '%') {
        if (b == 0) ThrowDivisionByZero();
        return std::fmod(a, b);
      }
    } else {
      T r{};
      if constexpr (kOp == '+') {
        if (__builtin_add_overflow(a, b, &r)) Overflow<T>();
      } else if constexpr (kOp == '-') {
        if (__builtin_sub_overflow(a, b, &r)) Overflow<T>();
      } else if constexpr (kOp == '*') {
        if (__builtin_mul_overflow(a, b, &r)) Overflow<T>();
      } else if constexpr (kOp == '/') {
        if (b == 0) ThrowDivisionByZero();
        if (b == -1) {  // MIN / -1 overflows (and traps on x86): negate with a check instead
          if (__builtin_sub_overflow(T{0}, a, &r)) Overflow<T>();
        } else {
          r = static_cast<T>(a / b);  // C++ truncates toward zero, as SQL
        }
      } else if constexpr (kOp == '%') {
        if (b == 0) ThrowDivisionByZero();
        r = b == -1 ? T{0} : static_cast<T>(a % b);
      }
      return r;
    }
  }
};

template <char kOp, class T>
void NumericKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<T, T, T>(args.column(0), args.column(1), result, args.size(), NumericOp<kOp, T>{});
}

template <class T>
void NegateKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<T, T>(args.column(0), result, args.size(), [](T a) -> T {
    if constexpr (std::is_floating_point_v<T>) {
      return -a;
    } else {
      T r;
      if (__builtin_sub_overflow(T{0}, a, &r)) Overflow<T>();
      return r;
    }
  });
}

void IdentityKernel(DataChunk& args, FunctionContext&, Vector& result) {
  result.Reference(args.column(0));
}

// ---- bitwise --------------------------------------------------------------------------------------------

/// & | # (xor) << >> on one integer type, as PostgreSQL's int4and and friends. Shifts take the count modulo
/// the width, as the x86 shift PostgreSQL's C compiles to (C leaves larger counts undefined).
template <char kOp, class T>
void BitwiseKernel(DataChunk& args, FunctionContext&, Vector& result) {
  BinaryExecute<T, T, T>(args.column(0), args.column(1), result, args.size(), [](T a, T b) -> T {
    using U = std::make_unsigned_t<T>;
    // Integer promotion makes int16 shifts 32-bit; PostgreSQL's int2shl does the same, then truncates.
    constexpr int kBits = sizeof(T) < 4 ? 32 : static_cast<int>(sizeof(T) * 8);
    const int count = static_cast<int>(b) & (kBits - 1);
    if constexpr (kOp == '&') return static_cast<T>(a & b);
    if constexpr (kOp == '|') return static_cast<T>(a | b);
    if constexpr (kOp == '#') return static_cast<T>(a ^ b);
    if constexpr (kOp == '<') {
      if constexpr (sizeof(T) < 4) return static_cast<T>(static_cast<uint32_t>(a) << count);
      return static_cast<T>(static_cast<U>(a) << count);
    }
    if constexpr (kOp == '>') {
      if constexpr (sizeof(T) < 4) return static_cast<T>(static_cast<int32_t>(a) >> count);
      return static_cast<T>(a >> count);  // arithmetic shift: the sign is kept
    }
  });
}

template <class T>
void BitwiseNotKernel(DataChunk& args, FunctionContext&, Vector& result) {
  UnaryExecute<T, T>(args.column(0), result, args.size(), [](T a) -> T { return static_cast<T>(~a); });
}

template <char kOp>
void AddBitwiseOverloads(FunctionRegistry& r, const std::string& name) {
  r.AddScalar(MakeScalar(name, {TypeId::kSmallInt, TypeId::kSmallInt}, TypeId::kSmallInt,
                         BitwiseKernel<kOp, int16_t>));
  r.AddScalar(
      MakeScalar(name, {TypeId::kInteger, TypeId::kInteger}, TypeId::kInteger, BitwiseKernel<kOp, int32_t>));
  r.AddScalar(
      MakeScalar(name, {TypeId::kBigInt, TypeId::kBigInt}, TypeId::kBigInt, BitwiseKernel<kOp, int64_t>));
}

// ---- DECIMAL --------------------------------------------------------------------------------------------

/// A decimal operator over the result's storage type, with the result's width as the overflow bound.
template <char kOp, class T>
void DecimalLoop(DataChunk& args, Vector& result) {
  const T limit = static_cast<T>(Pow10(result.type().width()));
  BinaryExecute<T, T, T>(args.column(0), args.column(1), result, args.size(), [limit](T a, T b) -> T {
    T r{};
    bool overflow = false;
    if constexpr (kOp == '+') overflow = __builtin_add_overflow(a, b, &r);
    if constexpr (kOp == '-') overflow = __builtin_sub_overflow(a, b, &r);
    if constexpr (kOp == '*') overflow = __builtin_mul_overflow(a, b, &r);
    if constexpr (kOp == '%') {
      if (b == 0) ThrowDivisionByZero();
      r = b == -1 ? T{0} : a % b;
    }
    if (overflow || r >= limit || r <= -limit) {
      throw DataError(sqlstate::kNumericValueOutOfRange, "numeric field overflow");
    }
    return r;
  });
}

template <char kOp>
void DecimalKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  switch (result.type().physical()) {
    case PhysicalType::kInt64:
      return DecimalLoop<kOp, int64_t>(args, result);
    case PhysicalType::kInt128:
      return DecimalLoop<kOp, hugeint_t>(args, result);
    case PhysicalType::kDouble:  // a product whose scale does not fit falls back to DOUBLE
      return NumericKernel<kOp, double>(args, ctx, result);
    default:
      throw InternalError("decimal operator on " + result.type().ToString());
  }
}

void DecimalNegateKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  if (result.type().physical() == PhysicalType::kInt64) return NegateKernel<int64_t>(args, ctx, result);
  UnaryExecute<hugeint_t, hugeint_t>(args.column(0), result, args.size(), [](hugeint_t a) { return -a; });
}

LogicalType DecimalArgument(const std::vector<ExprPtr>& args, size_t i) {
  LogicalType t = DecimalOf(args[i]->type);
  // A placeholder cast from the binder hides the real type; look through it.
  const Expr* e = args[i].get();
  while (e->cls == ExprClass::kCast && e->type.id() == TypeId::kDecimal && e->type.width() == 0) {
    e = e->children[0].get();
    t = DecimalOf(e->type);
  }
  if (t.id() == TypeId::kInvalid) {
    throw BinderError(sqlstate::kDatatypeMismatch, "cannot use " + args[i]->type.ToString() + " as numeric");
  }
  return t;
}

/// + and -: the larger integer part plus a carry digit, the larger scale.
std::unique_ptr<FunctionData> BindDecimalAdd(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType a = DecimalArgument(args, 0), b = DecimalArgument(args, 1);
  int scale = std::max(a.scale(), b.scale());
  int digits = std::max(a.width() - a.scale(), b.width() - b.scale());
  int width = std::min(38, digits + scale + 1);
  return_type = LogicalType::Decimal(width, std::min(scale, width));
  CastArgument(args, 0, return_type);
  CastArgument(args, 1, return_type);
  return nullptr;
}

/// %: the remainder is no larger than either operand, at the larger scale.
std::unique_ptr<FunctionData> BindDecimalMod(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType a = DecimalArgument(args, 0), b = DecimalArgument(args, 1);
  int scale = std::max(a.scale(), b.scale());
  int width = std::min(38, std::max(a.width() - a.scale(), b.width() - b.scale()) + scale);
  return_type = LogicalType::Decimal(width, scale);
  CastArgument(args, 0, return_type);
  CastArgument(args, 1, return_type);
  return nullptr;
}

/// *: widths and scales add; the arguments keep their scales but share the result's storage.
std::unique_ptr<FunctionData> BindDecimalMul(std::vector<ExprPtr>& args, LogicalType& return_type) {
  LogicalType a = DecimalArgument(args, 0), b = DecimalArgument(args, 1);
  int scale = a.scale() + b.scale();
  if (scale > LogicalType::kMaxDecimalWidth) {
    return_type = TypeId::kDouble;
    CastArgument(args, 0, TypeId::kDouble);
    CastArgument(args, 1, TypeId::kDouble);
    return nullptr;
  }
  int width = std::min(38, a.width() + b.width());
  return_type = LogicalType::Decimal(width, scale);
  CastArgument(args, 0, LogicalType::Decimal(width, a.scale()));
  CastArgument(args, 1, LogicalType::Decimal(width, b.scale()));
  return nullptr;
}

/// /: computed in DOUBLE (PostgreSQL's numeric division picks a scale per value, which a fixed type cannot).
std::unique_ptr<FunctionData> BindDecimalDiv(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = TypeId::kDouble;
  CastArgument(args, 0, TypeId::kDouble);
  CastArgument(args, 1, TypeId::kDouble);
  return nullptr;
}

std::unique_ptr<FunctionData> BindDecimalUnary(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = DecimalArgument(args, 0);
  CastArgument(args, 0, return_type);
  return nullptr;
}

template <char kOp>
void AddNumericOverloads(FunctionRegistry& r, const std::string& name) {
  r.AddScalar(MakeScalar(name, {TypeId::kSmallInt, TypeId::kSmallInt}, TypeId::kSmallInt,
                         NumericKernel<kOp, int16_t>));
  r.AddScalar(
      MakeScalar(name, {TypeId::kInteger, TypeId::kInteger}, TypeId::kInteger, NumericKernel<kOp, int32_t>));
  r.AddScalar(
      MakeScalar(name, {TypeId::kBigInt, TypeId::kBigInt}, TypeId::kBigInt, NumericKernel<kOp, int64_t>));
  if constexpr (kOp != '%') {
    r.AddScalar(MakeScalar(name, {TypeId::kReal, TypeId::kReal}, TypeId::kReal, NumericKernel<kOp, float>));
    r.AddScalar(
        MakeScalar(name, {TypeId::kDouble, TypeId::kDouble}, TypeId::kDouble, NumericKernel<kOp, double>));
  }
  ScalarBind bind = kOp == '*' ? BindDecimalMul : kOp == '%' ? BindDecimalMod : BindDecimalAdd;
  if constexpr (kOp == '/') {
    r.AddScalar(MakeScalar(name, {AnyDecimal(), AnyDecimal()}, TypeId::kDouble, NumericKernel<'/', double>,
                           BindDecimalDiv));
  } else {
    r.AddScalar(MakeScalar(name, {AnyDecimal(), AnyDecimal()}, AnyDecimal(), DecimalKernel<kOp>, bind));
  }
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  AddNumericOverloads<'+'>(r, "+");
  AddNumericOverloads<'-'>(r, "-");
  AddNumericOverloads<'*'>(r, "*");
  AddNumericOverloads<'/'>(r, "/");
  AddNumericOverloads<'%'>(r, "%");

  // Unary minus and plus share the binary operators' names, told apart by arity.
  r.AddScalar(MakeScalar("-", {TypeId::kSmallInt}, TypeId::kSmallInt, NegateKernel<int16_t>));
  r.AddScalar(MakeScalar("-", {TypeId::kInteger}, TypeId::kInteger, NegateKernel<int32_t>));
  r.AddScalar(MakeScalar("-", {TypeId::kBigInt}, TypeId::kBigInt, NegateKernel<int64_t>));
  r.AddScalar(MakeScalar("-", {TypeId::kReal}, TypeId::kReal, NegateKernel<float>));
  r.AddScalar(MakeScalar("-", {TypeId::kDouble}, TypeId::kDouble, NegateKernel<double>));
  r.AddScalar(MakeScalar("-", {AnyDecimal()}, AnyDecimal(), DecimalNegateKernel, BindDecimalUnary));
  for (TypeId t : {TypeId::kSmallInt, TypeId::kInteger, TypeId::kBigInt, TypeId::kReal, TypeId::kDouble}) {
    r.AddScalar(MakeScalar("+", {t}, t, IdentityKernel));
  }
  r.AddScalar(MakeScalar("+", {AnyDecimal()}, AnyDecimal(), IdentityKernel, BindDecimalUnary));
  r.AddAlias("mod", "%");

  AddBitwiseOverloads<'&'>(r, "&");
  AddBitwiseOverloads<'|'>(r, "|");
  AddBitwiseOverloads<'#'>(r, "#");
  AddBitwiseOverloads<'<'>(r, "<<");
  AddBitwiseOverloads<'>'>(r, ">>");
  r.AddScalar(MakeScalar("~", {TypeId::kSmallInt}, TypeId::kSmallInt, BitwiseNotKernel<int16_t>));
  r.AddScalar(MakeScalar("~", {TypeId::kInteger}, TypeId::kInteger, BitwiseNotKernel<int32_t>));
  r.AddScalar(MakeScalar("~", {TypeId::kBigInt}, TypeId::kBigInt, BitwiseNotKernel<int64_t>));

  RegisterTemporalArithmetic(r);
}

}  // namespace basin
