#pragma once

#include "vector/vector.h"

namespace basin {

/// Call f.template operator()<T>() with T the C++ type of a physical type.
template <class F>
auto DispatchOnPhysical(PhysicalType p, F&& f) {
  switch (p) {
    case PhysicalType::kBool:
      return f.template operator()<uint8_t>();
    case PhysicalType::kInt16:
      return f.template operator()<int16_t>();
    case PhysicalType::kInt32:
      return f.template operator()<int32_t>();
    case PhysicalType::kInt64:
      return f.template operator()<int64_t>();
    case PhysicalType::kInt128:
      return f.template operator()<hugeint_t>();
    case PhysicalType::kFloat:
      return f.template operator()<float>();
    case PhysicalType::kDouble:
      return f.template operator()<double>();
    case PhysicalType::kString:
      return f.template operator()<string_t>();
    case PhysicalType::kInterval:
      return f.template operator()<interval_t>();
    case PhysicalType::kList:
      return f.template operator()<list_entry_t>();
  }
  return f.template operator()<uint8_t>();
}

}  // namespace basin
