#pragma once

#include <set>
#include <vector>

#include "sql/planner/logical_operator.h"

namespace basin {

/// Move `filters` (and every filter inside `op`) as far down the plan as they can go: below projections and
/// group keys, into join sides, and into join conditions where they compare the two sides for equality.
LogicalOperatorPtr PushDownFilters(LogicalOperatorPtr op, std::vector<ExprPtr> filters);

/// Table indexes of the columns an expression reads at its own query level.
std::set<uint64_t> ReferencedTables(const Expr& e);

}  // namespace basin
