#pragma once

#include "sql/planner/logical_operator.h"

namespace basin {

/// Reorder every region of inner joins (after filter pushdown, so that predicates sit in join conditions
/// and single-table filters above their tables) greedily: repeatedly join the two connected inputs whose
/// join is estimated smallest (Fegaras' greedy operator ordering). Predicates are gathered into a filter
/// above the region, for filter pushdown to place again.
void ReorderJoins(LogicalOperatorPtr& plan);

}  // namespace basin
