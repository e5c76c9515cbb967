#pragma once

// Helpers shared by the scalar function families: argument readers that hide constant vs flat vectors, row
// loops for functions of any arity, and registration shorthands. Not part of execution's interface.

#include <string>
#include <utility>
#include <vector>

#include "common/exception.h"
#include "execution/function.h"
#include "execution/vector_ops.h"

namespace basin::function_internal {

/// Row i of an argument vector, constant (every row reads row 0) or flat.
template <class T>
class Arg {
 public:
  explicit Arg(const Vector& v) : data_(v.data<T>()), validity_(&v.validity()), constant_(v.IsConstant()) {}
  const T& operator[](size_t i) const { return data_[constant_ ? 0 : i]; }
  bool IsNull(size_t i) const { return !validity_->RowIsValid(constant_ ? 0 : i); }

 private:
  const T* data_;
  const ValidityMask* validity_;
  bool constant_;
};

/// Mark a result row NULL (works whether or not the validity bits exist yet).
inline void SetNullRow(Vector& v, size_t row) {
  if (v.validity().AllValid()) v.validity().Initialize(std::max(v.capacity(), kVectorSize));
  v.SetNull(row);
}

/// Prepare `result` for a row loop: constant when every argument is; return how many rows to compute.
inline size_t BeginRows(const DataChunk& args, Vector& result) {
  bool constant = true;
  for (size_t c = 0; c < args.ColumnCount(); c++) constant = constant && args.column(c).IsConstant();
  result.SetConstant(constant && args.ColumnCount() > 0);
  result.validity().SetAllValid();
  return result.IsConstant() ? 1 : args.size();
}

inline bool AnyNull(const DataChunk& args, size_t row) {
  for (size_t c = 0; c < args.ColumnCount(); c++) {
    if (args.column(c).IsNull(row)) return true;
  }
  return false;
}

/// out[i] = f(i) for every row without a NULL argument (others NULL); read arguments through Arg<T>.
template <class R, class F>
void ExecuteRows(DataChunk& args, Vector& result, F&& f) {
  size_t n = BeginRows(args, result);
  R* out = result.data<R>();
  for (size_t i = 0; i < n; i++) {
    if (AnyNull(args, i)) {
      SetNullRow(result, i);
    } else {
      out[i] = f(i);
    }
  }
}

/// As ExecuteRows, but f(i, out[i]) returns false to make the row NULL.
template <class R, class F>
void ExecuteRowsNullable(DataChunk& args, Vector& result, F&& f) {
  size_t n = BeginRows(args, result);
  R* out = result.data<R>();
  for (size_t i = 0; i < n; i++) {
    if (AnyNull(args, i) || !f(i, out[i])) SetNullRow(result, i);
  }
}

/// Build a scalar function overload.
inline ScalarFunction MakeScalar(std::string name, std::vector<LogicalType> args, LogicalType ret,
                                 ScalarKernel kernel, ScalarBind bind = nullptr) {
  ScalarFunction f;
  f.name = std::move(name);
  f.arguments = std::move(args);
  f.return_type = std::move(ret);
  f.kernel = kernel;
  f.bind = bind;
  return f;
}

/// A DECIMAL parameter of width 0 stands for "any DECIMAL": the function's bind callback fixes the types.
inline LogicalType AnyDecimal() {
  return LogicalType(TypeId::kDecimal);
}

/// The DECIMAL type that holds every value of an integer or decimal type (kInvalid for other types).
LogicalType DecimalOf(const LogicalType& t);

/// Make argument `i` of type `target`, inserting a cast unless it already is (unwrapping a cast to a width-0
/// DECIMAL placeholder that a binder may have inserted).
void CastArgument(std::vector<ExprPtr>& args, size_t i, const LogicalType& target);

[[noreturn]] inline void ThrowDivisionByZero() {
  throw DataError(sqlstate::kDivisionByZero, "division by zero");
}

/// The name of a type in "X out of range" messages: "smallint", "integer", "bigint".
[[noreturn]] void ThrowIntegerOutOfRange(PhysicalType p);

/// A bind-time copyable payload for functions whose state is one value (a compiled matcher, a format).
template <class T>
struct BoundValue : FunctionData {
  explicit BoundValue(T v) : value(std::move(v)) {}
  std::unique_ptr<FunctionData> Copy() const override { return std::make_unique<BoundValue<T>>(value); }
  T value;
};

/// Constant text of argument i at bind time, when it is a non-NULL constant.
const std::string* ConstantText(const std::vector<ExprPtr>& args, size_t i);

}  // namespace basin::function_internal

namespace basin {
/// DATE/TIME/TIMESTAMP/INTERVAL operators and || (temporal_arithmetic.cc), part of the arithmetic family.
void RegisterTemporalArithmetic(FunctionRegistry& r);
}  // namespace basin
