#pragma once

#include <vector>

#include "execution/function.h"

namespace basin {

/// Scalar functions over LIST values: len, cardinality, array_length, list_contains, array_position,
/// array_extract and array_slice (x[i], x[a:b]), array_to_string and list_value (ARRAY[...]), with their
/// aliases. RegisterListFunctions adds them to the registry.
std::vector<ScalarFunction> ListScalarFunctions();

}  // namespace basin
