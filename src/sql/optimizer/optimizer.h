#pragma once

#include "sql/planner/logical_operator.h"

namespace basin {

class ClientContext;

/// Rewrites logical plans: pushes filters down (turning cross products with equality predicates into hash
/// joins), orders inner joins by estimated size, and puts the smaller input of each join on the build side.
class Optimizer {
 public:
  explicit Optimizer(ClientContext& context) : context_(context) {}
  void Optimize(LogicalOperatorPtr& plan);

 private:
  ClientContext& context_;
};

/// Estimated number of rows an operator produces.
double EstimateCardinality(const LogicalOperator& op);

/// Distinct values of `key` when it is a plain column of a table scanned inside `input` (from the table's
/// sketch, capped by the input's estimated rows); negative when unknown.
double DistinctValues(const Expr& key, const LogicalOperator& input);

}  // namespace basin
