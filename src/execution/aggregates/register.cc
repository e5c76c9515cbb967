#include "execution/aggregates/aggregate_helpers.h"
#include "execution/aggregates/list_functions.h"

// Kept apart from the functions themselves so unit tests can use them without linking the registry.

namespace basin {

void RegisterAggregateFunctions(FunctionRegistry& r) {
  for (auto& f : aggregates::BuiltinAggregates().functions) r.AddAggregate(std::move(f));
}

void RegisterListFunctions(FunctionRegistry& r) {
  for (auto& f : ListScalarFunctions()) r.AddScalar(std::move(f));
}

}  // namespace basin
