#include "execution/expression_executor.h"

#include <numeric>
#include <optional>

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/vector_ops.h"

namespace basin {

void PrepareResult(Vector& v, size_t count) {
  v.Reset();
  if (v.capacity() < count) v.Resize(count);
}

void ScatterVector(const Vector& src, Vector& dst, const sel_t* positions, size_t count) {
  if (dst.type().id() == TypeId::kList) {
    for (size_t i = 0; i < count; i++) dst.SetValue(positions[i], src.GetValue(i));
    return;
  }
  bool constant = src.IsConstant();
  DispatchOnPhysical(dst.type().physical(), [&]<class T>() {
    const T* s = src.template data<T>();
    T* d = dst.template data<T>();
    for (size_t i = 0; i < count; i++) d[positions[i]] = s[constant ? 0 : i];
  });
  for (size_t i = 0; i < count; i++) {
    bool valid = src.validity().RowIsValid(constant ? 0 : i);
    if (!valid || !dst.validity().AllValid()) dst.validity().Set(positions[i], valid);
  }
  if (dst.type().physical() == PhysicalType::kString) dst.AddHeapReference(src);
}

void ExpressionExecutor::Execute(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                                 Vector& result) {
  switch (expr.cls) {
    case ExprClass::kReference: {
      const Vector& col = input.column(expr.index);
      if (sel) {
        result.Slice(col, sel, count);
      } else {
        result.Reference(col);
      }
      return;
    }
    case ExprClass::kConstant: {
      Vector constant(expr.value.IsNull() ? Value::Null(expr.type) : expr.value);
      result.Reference(constant);
      return;
    }
    case ExprClass::kFunction:
      ExecuteFunction(expr, input, sel, count, result);
      return;
    case ExprClass::kCast: {
      Vector child(expr.children[0]->type, 1);
      Execute(*expr.children[0], input, sel, count, child);
      PrepareResult(result, count);
      CastVector(child, result, count, expr.try_cast);
      return;
    }
    case ExprClass::kAnd:
    case ExprClass::kOr:
      ExecuteConjunction(expr, input, sel, count, result);
      return;
    case ExprClass::kNot: {
      Vector child(TypeId::kBoolean, 1);
      Execute(*expr.children[0], input, sel, count, child);
      PrepareResult(result, count);
      UnaryExecute<uint8_t, uint8_t>(child, result, count, [](uint8_t v) -> uint8_t { return !v; });
      return;
    }
    case ExprClass::kIsNull: {
      Vector child(expr.children[0]->type, 1);
      Execute(*expr.children[0], input, sel, count, child);
      PrepareResult(result, count);
      auto* out = result.data<uint8_t>();
      bool want_null = !expr.negated;
      if (child.IsConstant()) {
        result.SetConstant(true);
        out[0] = child.IsNull(0) == want_null;
      } else {
        for (size_t i = 0; i < count; i++) out[i] = child.IsNull(i) == want_null;
      }
      return;
    }
    case ExprClass::kCase:
      ExecuteCase(expr, input, sel, count, result);
      return;
    case ExprClass::kCoalesce:
      ExecuteCoalesce(expr, input, sel, count, result);
      return;
    case ExprClass::kParameter:
      throw Exception(sqlstate::kInvalidParameterValue,
                      "no value for parameter $" + std::to_string(expr.index));
    default:
      break;
  }
  throw InternalError("cannot evaluate expression " + expr.ToString());
}

void ExpressionExecutor::ExecuteFunction(const Expr& expr, const DataChunk& input, const sel_t* sel,
                                         size_t count, Vector& result) {
  DataChunk args;
  std::vector<LogicalType> types;
  for (auto& c : expr.children) types.push_back(c->type);
  args.Initialize(types, 1);  // children size their own results (a column is only referenced)
  for (size_t i = 0; i < expr.children.size(); i++)
    Execute(*expr.children[i], input, sel, count, args.column(i));
  args.SetCardinality(count);
  PrepareResult(result, count);
  FunctionContext ctx{expr.bind_data.get(), client_};
  expr.function->kernel(args, ctx, result);
}

void ExpressionExecutor::ExecuteConjunction(const Expr& expr, const DataChunk& input, const sel_t* sel,
                                            size_t count, Vector& result) {
  bool is_and = expr.cls == ExprClass::kAnd;
  PrepareResult(result, count);
  auto* out = result.data<uint8_t>();
  // Three-valued logic: AND is FALSE if any side is FALSE, else NULL if any is NULL; OR mirrors it.
  std::vector<uint8_t> has_null(count, 0);
  std::fill(out, out + count, is_and ? 1 : 0);
  Vector child(TypeId::kBoolean, 1);
  for (auto& c : expr.children) {
    Execute(*c, input, sel, count, child);
    const auto* v = child.data<uint8_t>();
    bool constant = child.IsConstant();
    for (size_t i = 0; i < count; i++) {
      size_t k = constant ? 0 : i;
      if (child.IsNull(k)) {
        has_null[i] = 1;
      } else if (is_and) {
        out[i] &= v[k];
      } else {
        out[i] |= v[k];
      }
    }
  }
  for (size_t i = 0; i < count; i++) {
    bool decided = is_and ? out[i] == 0 : out[i] == 1;
    if (!decided && has_null[i]) result.SetNull(i);
  }
}

void ExpressionExecutor::ExecuteCase(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                                     Vector& result) {
  PrepareResult(result, count);
  // remaining: result positions not yet decided; rows: their input row numbers.
  std::vector<sel_t> remaining(count);
  std::iota(remaining.begin(), remaining.end(), 0);
  std::vector<sel_t> rows(count), matched, matched_rows, unmatched;
  Vector cond(TypeId::kBoolean, 1);
  size_t pairs = expr.children.size() / 2;
  for (size_t p = 0; p <= pairs && !remaining.empty(); p++) {
    size_t n = remaining.size();
    for (size_t i = 0; i < n; i++) rows[i] = sel ? sel[remaining[i]] : remaining[i];
    const Expr* value_expr;
    if (p < pairs) {
      Execute(*expr.children[2 * p], input, rows.data(), n, cond);
      matched.clear();
      matched_rows.clear();
      unmatched.clear();
      const auto* c = cond.data<uint8_t>();
      for (size_t i = 0; i < n; i++) {
        size_t k = cond.IsConstant() ? 0 : i;
        if (!cond.IsNull(k) && c[k]) {
          matched.push_back(remaining[i]);
          matched_rows.push_back(rows[i]);
        } else {
          unmatched.push_back(remaining[i]);
        }
      }
      value_expr = expr.children[2 * p + 1].get();
    } else {
      matched = remaining;
      matched_rows.assign(rows.begin(), rows.begin() + n);
      unmatched.clear();
      value_expr = expr.children.back().get();
    }
    if (!matched.empty()) {
      Vector value(expr.type, 1);
      Execute(*value_expr, input, matched_rows.data(), matched.size(), value);
      ScatterVector(value, result, matched.data(), matched.size());
    }
    remaining.swap(unmatched);
  }
}

void ExpressionExecutor::ExecuteCoalesce(const Expr& expr, const DataChunk& input, const sel_t* sel,
                                         size_t count, Vector& result) {
  PrepareResult(result, count);
  std::vector<sel_t> remaining(count);
  std::iota(remaining.begin(), remaining.end(), 0);
  std::vector<sel_t> rows(count), still_null;
  for (size_t c = 0; c < expr.children.size() && !remaining.empty(); c++) {
    size_t n = remaining.size();
    for (size_t i = 0; i < n; i++) rows[i] = sel ? sel[remaining[i]] : remaining[i];
    Vector value(expr.type, 1);
    Execute(*expr.children[c], input, rows.data(), n, value);
    value.Flatten(n);
    ScatterVector(value, result, remaining.data(), n);
    still_null.clear();
    for (size_t i = 0; i < n; i++) {
      if (value.IsNull(i)) still_null.push_back(remaining[i]);
    }
    remaining.swap(still_null);
  }
  for (sel_t r : remaining) result.SetNull(r);
}

namespace {

template <class T, class Op>
size_t SelectLoop(const Vector& column, T constant, const sel_t* sel, size_t count, sel_t* out, Op op) {
  const T* data = column.data<T>();
  const ValidityMask& valid = column.validity();
  size_t n = 0;
  if (valid.AllValid()) {
    for (size_t i = 0; i < count; i++) {
      sel_t row = sel ? sel[i] : static_cast<sel_t>(i);
      out[n] = row;
      n += op(data[row], constant);  // branch-free: the slot is overwritten unless the row passes
    }
  } else {
    for (size_t i = 0; i < count; i++) {
      sel_t row = sel ? sel[i] : static_cast<sel_t>(i);
      out[n] = row;
      n += valid.RowIsValid(row) && op(data[row], constant);
    }
  }
  return n;
}

template <class T>
size_t SelectCompare(const std::string& op, const Vector& column, T c, const sel_t* sel, size_t count, sel_t* out) {
  if (op == "=") return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a == b; });
  if (op == "<>") return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a != b; });
  if (op == "<") return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a < b; });
  if (op == "<=") return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a <= b; });
  if (op == ">") return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a > b; });
  return SelectLoop<T>(column, c, sel, count, out, [](T a, T b) { return a >= b; });
}

const char* MirrorComparison(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op.c_str();
}

}  // namespace

bool ExpressionExecutor::SelectComparison(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                                          sel_t* out, size_t& selected) {
  // column op constant on integers and dates: compare in place and write the selection directly, without
  // a boolean vector in between (the most common filter).
  if (expr.cls != ExprClass::kFunction || expr.children.size() != 2) return false;
  const std::string& name = expr.name;
  if (name != "=" && name != "<>" && name != "<" && name != "<=" && name != ">" && name != ">=") return false;
  const Expr* column = expr.children[0].get();
  const Expr* constant = expr.children[1].get();
  std::string op = name;
  if (column->cls == ExprClass::kConstant) {
    std::swap(column, constant);
    op = MirrorComparison(name);
  }
  if (column->cls != ExprClass::kReference || constant->cls != ExprClass::kConstant || constant->value.IsNull() ||
      column->type != constant->type) {
    return false;
  }
  const Vector& v = input.column(column->index);
  if (v.IsConstant()) return false;
  switch (column->type.id()) {
    case TypeId::kInteger:
    case TypeId::kDate:
      selected = SelectCompare<int32_t>(op, v, static_cast<int32_t>(constant->value.GetInt64()), sel, count, out);
      return true;
    case TypeId::kBigInt:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      selected = SelectCompare<int64_t>(op, v, constant->value.GetInt64(), sel, count, out);
      return true;
    case TypeId::kDecimal:
      if (column->type.physical() != PhysicalType::kInt64) return false;
      selected = SelectCompare<int64_t>(op, v, static_cast<int64_t>(constant->value.GetHugeInt()), sel, count, out);
      return true;
    default: return false;
  }
}

namespace {

/// The one input column `expr` reads, if it reads exactly one and is deterministic (no volatile function,
/// nothing but references, constants and operators on them).
bool SingleColumn(const Expr& expr, std::optional<size_t>& column) {
  switch (expr.cls) {
    case ExprClass::kReference:
      if (column && *column != expr.index) return false;
      column = expr.index;
      return true;
    case ExprClass::kConstant:
      return true;
    case ExprClass::kFunction:
      if (expr.function == nullptr || expr.function->volatile_) return false;
      break;
    case ExprClass::kCast:
    case ExprClass::kAnd:
    case ExprClass::kOr:
    case ExprClass::kNot:
    case ExprClass::kIsNull:
    case ExprClass::kCase:
    case ExprClass::kInList:
    case ExprClass::kCoalesce:
      break;
    default:
      return false;
  }
  for (const auto& child : expr.children) {
    if (!SingleColumn(*child, column)) return false;
  }
  return true;
}

}  // namespace

bool ExpressionExecutor::SelectDictionary(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                                          sel_t* out, size_t& selected) {
  std::optional<size_t> column;
  if (!SingleColumn(expr, column) || !column || *column >= input.ColumnCount()) return false;
  const Vector& v = input.column(*column);
  const DictionaryCodes* dictionary = v.dictionary();
  // Worth it when the entries are few next to the rows; NULL rows have no entry.
  if (!dictionary || v.IsConstant() || !v.validity().AllValid() || dictionary->size * 4 > count) return false;
  DataChunk entries;
  entries.Initialize(input.Types(), 1);
  for (size_t c = 0; c < input.ColumnCount(); c++) {
    entries.column(c).Reference(c == *column ? *dictionary->values : input.column(c));
  }
  entries.SetCardinality(dictionary->size);
  Vector result(TypeId::kBoolean, std::max(dictionary->size, kVectorSize));
  Execute(expr, entries, nullptr, dictionary->size, result);
  std::vector<uint8_t> pass(dictionary->size);
  for (size_t e = 0; e < dictionary->size; e++) {
    const size_t row = result.IsConstant() ? 0 : e;
    pass[e] = !result.IsNull(row) && result.data<uint8_t>()[row];
  }
  const uint32_t* codes = dictionary->codes.get();
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    const sel_t row = sel ? sel[i] : static_cast<sel_t>(i);
    out[n] = row;
    n += pass[codes[row]];
  }
  selected = n;
  return true;
}

size_t ExpressionExecutor::Select(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                                  sel_t* out) {
  if (expr.cls == ExprClass::kAnd) {
    // Narrow the selection one conjunct at a time: later conjuncts see only rows that passed.
    std::vector<sel_t> current(count);
    for (size_t i = 0; i < count; i++) current[i] = sel ? sel[i] : static_cast<sel_t>(i);
    size_t n = count;
    std::vector<sel_t> next(count);
    for (auto& c : expr.children) {
      n = Select(*c, input, current.data(), n, next.data());
      current.swap(next);
      if (n == 0) break;
    }
    std::copy(current.begin(), current.begin() + n, out);
    return n;
  }
  size_t selected;
  if (SelectComparison(expr, input, sel, count, out, selected)) return selected;
  if (SelectDictionary(expr, input, sel, count, out, selected)) return selected;
  Vector result(TypeId::kBoolean, 1);
  Execute(expr, input, sel, count, result);
  const auto* v = result.data<uint8_t>();
  size_t n = 0;
  if (result.IsConstant()) {
    if (result.IsNull(0) || !v[0]) return 0;
    for (size_t i = 0; i < count; i++) out[i] = sel ? sel[i] : static_cast<sel_t>(i);
    return count;
  }
  const ValidityMask& valid = result.validity();
  for (size_t i = 0; i < count; i++) {
    if (v[i] && valid.RowIsValid(i)) out[n++] = sel ? sel[i] : static_cast<sel_t>(i);
  }
  return n;
}

Value ExpressionExecutor::EvaluateScalar(const Expr& expr, ClientContext* client) {
  DataChunk empty;
  empty.SetCardinality(1);
  ExpressionExecutor executor(client);
  Vector result(expr.type, 1);
  executor.Execute(expr, empty, nullptr, 1, result);
  return result.GetValue(0);
}

}  // namespace basin
