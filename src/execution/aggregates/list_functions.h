#pragma once

#include <vector>

#include "execution/function.h"

namespace basin {

/// Scalar functions over LIST values: len, cardinality, array_length, list_contains, array_position,
/// array_extract and array_slice (x[i], x[a:b]), array_to_string and list_value (ARRAY[...]), with their
/// aliases. RegisterListFunctions adds them to the registry.
std::vector<ScalarFunction> ListScalarFunctions();

/// The bind data of `x op ANY (array)` and `x op ALL (array)` (functions "array_any" and "array_all",
/// arguments x and the array): the comparison of x (kReference 0) with one element (kReference 1), bound
/// by the binder with the casts the pair needs.
struct ArrayComparisonData : FunctionData {
  ExprPtr compare;
  std::unique_ptr<FunctionData> Copy() const override {
    auto copy = std::make_unique<ArrayComparisonData>();
    copy->compare = compare->Copy();
    return copy;
  }
  bool Equals(const FunctionData& other) const override {
    auto* o = dynamic_cast<const ArrayComparisonData*>(&other);
    return o && compare->Equals(*o->compare);
  }
};

}  // namespace basin
