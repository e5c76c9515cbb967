#include "execution/aggregates/list_functions.h"

#include <algorithm>

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "execution/vector_ops.h"

namespace basin {
namespace {

/// Row `row` of a possibly constant vector.
size_t RowOf(const Vector& v, size_t row) {
  return v.IsConstant() ? 0 : row;
}

std::unique_ptr<FunctionData> BindList(std::vector<ExprPtr>& args, LogicalType& return_type) {
  if (args.empty() || (args[0]->type.id() != TypeId::kList && args[0]->type.id() != TypeId::kNull)) {
    throw BinderError(sqlstate::kUndefinedFunction, "function expects an array argument, got " +
                                                        (args.empty() ? "none" : args[0]->type.ToString()));
  }
  return nullptr;
}

/// len(list), list_length, array_length(list): the element count as BIGINT (0 for an empty list).
void LengthKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i)) {
      result.SetNull(i);
    } else {
      result.data<int64_t>()[i] = static_cast<int64_t>(lists.data<list_entry_t>()[RowOf(lists, i)].length);
    }
  }
}

/// cardinality(list): the element count as INTEGER.
void CardinalityKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i)) {
      result.SetNull(i);
    } else {
      result.data<int32_t>()[i] = static_cast<int32_t>(lists.data<list_entry_t>()[RowOf(lists, i)].length);
    }
  }
}

/// array_length(list, dimension), PostgreSQL's form: NULL for an empty array or a missing dimension.
void ArrayLengthDimKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  const Vector& dims = args.column(1);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i) || dims.IsNull(i)) {
      result.SetNull(i);
      continue;
    }
    uint64_t length = lists.data<list_entry_t>()[RowOf(lists, i)].length;
    if (dims.data<int32_t>()[RowOf(dims, i)] != 1 || length == 0) {
      result.SetNull(i);
    } else {
      result.data<int32_t>()[i] = static_cast<int32_t>(length);
    }
  }
}

/// Equality of two values of possibly different types (the element type and the needle's).
bool ValuesEqual(const Value& a, const Value& b) {
  if (a.type().IsNumeric() && b.type().IsNumeric()) return a.ToDouble() == b.ToDouble();
  if (a.type() == b.type()) return a == b;
  return a.ToString() == b.ToString();
}

/// For each row, the 1-based position of the needle in the list; 0 when absent, -1 when either is NULL.
/// NULL elements never match (SQL equality).
void FindPositions(DataChunk& args, std::vector<int64_t>& positions) {
  const Vector& lists = args.column(0);
  const Vector& needles = args.column(1);
  const Vector& elements = lists.child();
  positions.assign(args.size(), -1);
  // Same physical layout and type: compare raw values; otherwise fall back to Values.
  bool same_type = elements.type() == needles.type() && elements.type().physical() != PhysicalType::kList;
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i) || needles.IsNull(i)) continue;
    const list_entry_t& entry = lists.data<list_entry_t>()[RowOf(lists, i)];
    size_t needle_row = RowOf(needles, i);
    int64_t found = 0;
    if (same_type) {
      DispatchOnPhysical(elements.type().physical(), [&]<class T>() {
        if constexpr (!std::is_same_v<T, list_entry_t>) {
          const T& needle = needles.data<T>()[needle_row];
          for (uint64_t k = 0; k < entry.length && !found; k++) {
            uint64_t e = entry.offset + k;
            if (!elements.IsNull(e) && elements.data<T>()[e] == needle) found = static_cast<int64_t>(k) + 1;
          }
        }
      });
    } else {
      Value needle = needles.GetValue(needle_row);
      for (uint64_t k = 0; k < entry.length && !found; k++) {
        Value element = elements.GetValue(entry.offset + k);
        if (!element.IsNull() && ValuesEqual(element, needle)) found = static_cast<int64_t>(k) + 1;
      }
    }
    positions[i] = found;
  }
}

/// list_contains(list, x), array_contains, list_has: whether x is an element.
void ContainsKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::vector<int64_t> positions;
  FindPositions(args, positions);
  for (size_t i = 0; i < args.size(); i++) {
    if (positions[i] < 0) {
      result.SetNull(i);
    } else {
      result.data<uint8_t>()[i] = positions[i] > 0;
    }
  }
}

/// array_position(list, x), list_position: 1-based position of the first match, NULL when absent.
void PositionKernel(DataChunk& args, FunctionContext&, Vector& result) {
  std::vector<int64_t> positions;
  FindPositions(args, positions);
  for (size_t i = 0; i < args.size(); i++) {
    if (positions[i] <= 0) {
      result.SetNull(i);
    } else {
      result.data<int32_t>()[i] = static_cast<int32_t>(positions[i]);
    }
  }
}

/// array_extract(list, i), what x[i] parses to: the i-th element (1-based), NULL when out of range.
std::unique_ptr<FunctionData> BindExtract(std::vector<ExprPtr>& args, LogicalType& return_type) {
  BindList(args, return_type);
  return_type = args[0]->type.id() == TypeId::kList ? args[0]->type.element() : LogicalType(TypeId::kNull);
  return nullptr;
}

void ExtractKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  const Vector& indexes = args.column(1);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i) || indexes.IsNull(i)) {
      result.SetNull(i);
      continue;
    }
    const list_entry_t& entry = lists.data<list_entry_t>()[RowOf(lists, i)];
    const int64_t index = indexes.data<int64_t>()[RowOf(indexes, i)];
    if (index < 1 || static_cast<uint64_t>(index) > entry.length) {
      result.SetNull(i);
      continue;
    }
    Value element = lists.child().GetValue(entry.offset + static_cast<uint64_t>(index) - 1);
    if (element.IsNull()) {
      result.SetNull(i);
    } else {
      result.SetValue(i, element);
    }
  }
}

/// array_slice(list, a, b), what x[a:b] parses to: elements a..b (1-based, inclusive), clipped to the list.
std::unique_ptr<FunctionData> BindSlice(std::vector<ExprPtr>& args, LogicalType& return_type) {
  BindList(args, return_type);
  return_type = args[0]->type.id() == TypeId::kList ? args[0]->type : LogicalType::List(TypeId::kVarchar);
  return nullptr;
}

void SliceKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  const Vector& lows = args.column(1);
  const Vector& highs = args.column(2);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i) || lows.IsNull(i) || highs.IsNull(i)) {
      result.SetNull(i);
      continue;
    }
    const list_entry_t& entry = lists.data<list_entry_t>()[RowOf(lists, i)];
    const int64_t low = std::max<int64_t>(lows.data<int64_t>()[RowOf(lows, i)], 1);
    const int64_t high =
        std::min<int64_t>(highs.data<int64_t>()[RowOf(highs, i)], static_cast<int64_t>(entry.length));
    std::vector<Value> items;
    for (int64_t k = low; k <= high; k++)
      items.push_back(lists.child().GetValue(entry.offset + static_cast<uint64_t>(k) - 1));
    result.SetValue(i, Value::List(lists.type().element(), std::move(items)));
  }
}

/// array_to_string(list, delimiter [, null_text]): the elements' text joined; NULL elements are skipped
/// unless null_text is given, as PostgreSQL.
void ToStringKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const Vector& lists = args.column(0);
  const Vector& delimiters = args.column(1);
  const Vector* null_texts = args.ColumnCount() > 2 ? &args.column(2) : nullptr;
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i) || delimiters.IsNull(i)) {
      result.SetNull(i);
      continue;
    }
    const list_entry_t& entry = lists.data<list_entry_t>()[RowOf(lists, i)];
    const std::string_view delimiter = delimiters.data<string_t>()[RowOf(delimiters, i)].view();
    const bool keep_nulls = null_texts && !null_texts->IsNull(i);
    std::string out;
    bool first = true;
    for (uint64_t k = 0; k < entry.length; k++) {
      Value element = lists.child().GetValue(entry.offset + k);
      if (element.IsNull() && !keep_nulls) continue;
      if (!first) out += delimiter;
      first = false;
      if (element.IsNull()) {
        out += null_texts->data<string_t>()[RowOf(*null_texts, i)].view();
      } else {
        out += CastValue(element, TypeId::kVarchar).GetString();
      }
    }
    result.data<string_t>()[i] = result.AddString(out);
  }
}

/// list_value(a, b, ...), what ARRAY[a, b, ...] binds to: the elements meet at their common type.
std::unique_ptr<FunctionData> BindListValue(std::vector<ExprPtr>& args, LogicalType& return_type) {
  if (args.empty()) throw BinderError("42P18", "cannot determine type of empty array");
  LogicalType element = TypeId::kNull;
  for (const auto& a : args) {
    LogicalType next = CommonSuperType(element, a->type);
    if (next.id() == TypeId::kInvalid) {
      throw BinderError(sqlstate::kDatatypeMismatch, "ARRAY types " + PgTypeName(element) + " and " +
                                                         PgTypeName(a->type) + " cannot be matched");
    }
    element = next;
  }
  if (element.id() == TypeId::kNull) element = TypeId::kVarchar;  // ARRAY[NULL] is text[]
  for (auto& a : args) {
    if (a->type != element) a = Expr::Cast(std::move(a), element);
  }
  return_type = LogicalType::List(element);
  return nullptr;
}

void ListValueKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const LogicalType& element = result.type().element();
  for (size_t i = 0; i < args.size(); i++) {
    std::vector<Value> items;
    items.reserve(args.ColumnCount());
    for (size_t c = 0; c < args.ColumnCount(); c++) items.push_back(args.column(c).GetValue(i));
    result.SetValue(i, Value::List(element, std::move(items)));
  }
}

/// x op ANY (array) / x op ALL (array), as PostgreSQL: ANY is true when some comparison is, else NULL when
/// some is NULL, else false (false for an empty array); ALL the reverse. A NULL array gives NULL.
template <bool kAll>
void ArrayComparisonKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  const Expr& compare = *static_cast<const ArrayComparisonData*>(ctx.bind_data)->compare;
  const Vector& needles = args.column(0);
  const Vector& lists = args.column(1);
  const Vector& elements = lists.child();
  ExpressionExecutor executor(ctx.client);
  for (size_t i = 0; i < args.size(); i++) {
    if (lists.IsNull(i)) {
      result.SetNull(i);
      continue;
    }
    const list_entry_t& entry = lists.data<list_entry_t>()[RowOf(lists, i)];
    bool decided = false;
    bool saw_null = false;
    for (uint64_t begin = 0; begin < entry.length && !decided; begin += kVectorSize) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kVectorSize, entry.length - begin));
      DataChunk pair(std::vector<LogicalType>{needles.type(), elements.type()});
      const Value needle = needles.GetValue(RowOf(needles, i));
      for (size_t k = 0; k < n; k++) {
        pair.SetValue(0, k, needle);
        pair.SetValue(1, k, elements.GetValue(entry.offset + begin + k));
      }
      pair.SetCardinality(n);
      Vector outcome(LogicalType(TypeId::kBoolean));
      executor.Execute(compare, pair, outcome);
      for (size_t k = 0; k < n && !decided; k++) {
        if (outcome.IsNull(k)) {
          saw_null = true;
        } else if ((outcome.data<uint8_t>()[outcome.IsConstant() ? 0 : k] != 0) != kAll) {
          decided = true;
        }
      }
    }
    if (decided) {
      result.data<uint8_t>()[i] = !kAll;
    } else if (saw_null) {
      result.SetNull(i);
    } else {
      result.data<uint8_t>()[i] = kAll;
    }
  }
}

/// array_cat(a, b): a's elements then b's; a NULL array counts as empty unless both are NULL.
void ConcatKernel(DataChunk& args, FunctionContext&, Vector& result) {
  const LogicalType& element = result.type().element();
  for (size_t i = 0; i < args.size(); i++) {
    const Value a = args.column(0).GetValue(i), b = args.column(1).GetValue(i);
    if (a.IsNull() && b.IsNull()) {
      result.SetNull(i);
      continue;
    }
    std::vector<Value> items;
    for (const Value* side : {&a, &b}) {
      if (!side->IsNull()) items.insert(items.end(), side->GetList().begin(), side->GetList().end());
    }
    result.SetValue(i, Value::List(element, std::move(items)));
  }
}

std::unique_ptr<FunctionData> BindConcat(std::vector<ExprPtr>& args, LogicalType& return_type) {
  BindList(args, return_type);
  return_type = args[0]->type.id() == TypeId::kList ? args[0]->type : args[1]->type;
  return nullptr;
}

ScalarFunction Make(const char* name, std::vector<LogicalType> arguments, LogicalType return_type,
                    ScalarKernel kernel) {
  ScalarFunction f;
  f.name = name;
  f.arguments = std::move(arguments);
  f.return_type = std::move(return_type);
  f.kernel = kernel;
  f.bind = BindList;
  return f;
}

}  // namespace

std::vector<ScalarFunction> ListScalarFunctions() {
  std::vector<ScalarFunction> functions;
  const LogicalType any = TypeId::kInvalid;
  for (const char* name : {"len", "list_length", "array_length"}) {
    functions.push_back(Make(name, {any}, TypeId::kBigInt, LengthKernel));
  }
  functions.push_back(Make("cardinality", {any}, TypeId::kInteger, CardinalityKernel));
  functions.push_back(Make("array_length", {any, TypeId::kInteger}, TypeId::kInteger, ArrayLengthDimKernel));
  for (const char* name : {"list_contains", "array_contains", "list_has"}) {
    functions.push_back(Make(name, {any, any}, TypeId::kBoolean, ContainsKernel));
  }
  for (const char* name : {"array_position", "list_position"}) {
    functions.push_back(Make(name, {any, any}, TypeId::kInteger, PositionKernel));
  }
  for (const char* name : {"array_extract", "list_extract", "list_element"}) {
    ScalarFunction f = Make(name, {any, TypeId::kBigInt}, any, ExtractKernel);
    f.bind = BindExtract;
    functions.push_back(std::move(f));
  }
  for (const char* name : {"array_slice", "list_slice"}) {
    ScalarFunction f = Make(name, {any, TypeId::kBigInt, TypeId::kBigInt}, any, SliceKernel);
    f.bind = BindSlice;
    functions.push_back(std::move(f));
  }
  functions.push_back(Make("array_to_string", {any, TypeId::kVarchar}, TypeId::kVarchar, ToStringKernel));
  ScalarFunction with_nulls =
      Make("array_to_string", {any, TypeId::kVarchar, TypeId::kVarchar}, TypeId::kVarchar, ToStringKernel);
  with_nulls.propagates_nulls = false;  // a NULL null_text means "skip NULLs", not a NULL result
  functions.push_back(std::move(with_nulls));
  for (const char* name : {"array_cat", "list_concat"}) {
    ScalarFunction f = Make(name, {any, any}, any, ConcatKernel);
    f.bind = BindConcat;
    f.propagates_nulls = false;
    functions.push_back(std::move(f));
  }
  for (bool all : {false, true}) {
    ScalarFunction f;
    f.name = all ? "array_all" : "array_any";
    f.arguments = {any, any};
    f.return_type = TypeId::kBoolean;
    f.kernel = all ? ArrayComparisonKernel<true> : ArrayComparisonKernel<false>;
    f.propagates_nulls = false;  // NULL = ANY ('{}') is false
    functions.push_back(std::move(f));
  }
  for (const char* name : {"list_value", "list_pack"}) {
    ScalarFunction f = Make(name, {}, any, ListValueKernel);
    f.has_varargs = true;
    f.varargs = any;
    f.propagates_nulls = false;  // NULL elements are elements
    f.bind = BindListValue;
    functions.push_back(std::move(f));
  }
  return functions;
}

}  // namespace basin
