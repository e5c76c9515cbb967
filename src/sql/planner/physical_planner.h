#pragma once

#include <vector>

#include "execution/physical_operator.h"
#include "sql/planner/logical_operator.h"

namespace basin {

class ClientContext;

/// Turns an optimized logical plan into physical operators, resolving column bindings to positions.
class PhysicalPlanner {
 public:
  explicit PhysicalPlanner(ClientContext& context) : context_(context) {}
  PhysicalOperatorPtr Plan(LogicalOperator& op);

 private:
  PhysicalOperatorPtr PlanJoin(LogicalOperator& op);
  PhysicalOperatorPtr PlanAggregate(LogicalOperator& op);
  PhysicalOperatorPtr PlanMerge(LogicalOperator& op);

  ClientContext& context_;
};

/// Copy `expr` with every column reference replaced by its position in `bindings`.
ExprPtr ResolveBindings(const Expr& expr, const std::vector<ColumnBinding>& bindings);

}  // namespace basin
