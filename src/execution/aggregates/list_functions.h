#pragma once

#include <vector>

#include "execution/function.h"

namespace basin {

/// Scalar functions over LIST values: len, cardinality, array_length, list_contains, array_position
/// (with their aliases). RegisterListFunctions adds them to the registry.
std::vector<ScalarFunction> ListScalarFunctions();

}  // namespace basin
