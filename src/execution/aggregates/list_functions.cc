#include "execution/aggregates/list_functions.h"

#include "common/exception.h"
#include "execution/vector_ops.h"

namespace basin {
namespace {

/// Row `row` of a possibly constant vector.
size_t RowOf(const Vector& v, size_t row) { return v.IsConstant() ? 0 : row; }

std::unique_ptr<FunctionData> BindList(std::vector<ExprPtr>& args, LogicalType& return_type) {
  if (args.empty() || (args[0]->type.id() != TypeId::kList && args[0]->type.id() != TypeId::kNull)) {
    throw BinderError(sqlstate::kUndefinedFunction,
                      "function expects an array argument, got " + (args.empty() ? "none" : args[0]->type.ToString()));
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
  return functions;
}

}  // namespace basin
