#include "sql/optimizer/optimizer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "catalog/catalog.h"
#include "sql/optimizer/filter_pushdown.h"
#include "sql/optimizer/join_order.h"
#include "vector/vector.h"

namespace basin {

double EstimateCardinality(const LogicalOperator& op) {
  auto child = [&](size_t i) { return EstimateCardinality(*op.children[i]); };
  switch (op.type) {
    case LogicalOpType::kGet: return std::max<double>(1, static_cast<double>(op.table->storage->RowCount()));
    case LogicalOpType::kValues: return std::max<double>(1, static_cast<double>(op.values.size()));
    case LogicalOpType::kChunkScan: {
      double rows = 0;
      for (auto& c : *op.chunks) rows += static_cast<double>(c->size());
      return std::max<double>(1, rows);
    }
    case LogicalOpType::kFilter: return std::max<double>(1, child(0) * std::pow(0.3, static_cast<double>(op.expressions.size())));
    case LogicalOpType::kAggregate: return op.groups.empty() ? 1 : std::max<double>(1, child(0) / 4);
    case LogicalOpType::kDistinct: return std::max<double>(1, child(0) / 2);
    case LogicalOpType::kLimit: return op.limit >= 0 ? std::min<double>(static_cast<double>(op.limit), child(0)) : child(0);
    case LogicalOpType::kJoin: {
      double l = child(0), r = child(1);
      switch (op.join_type) {
        case LogicalJoinType::kInner:
          return op.conditions.empty() ? l * r * (op.expressions.empty() ? 1 : 0.3) : std::max(l, r);
        case LogicalJoinType::kFull: return l + r;
        case LogicalJoinType::kRight: return r;
        default: return l;
      }
    }
    case LogicalOpType::kUnion: return child(0) + child(1);
    case LogicalOpType::kSetOp: return child(0);
    default: return op.children.empty() ? 1 : child(0);
  }
}

namespace {

/// Hash joins build on their right input: put the smaller input there where the join type allows.
void ChooseBuildSides(LogicalOperator& op) {
  for (auto& c : op.children) ChooseBuildSides(*c);
  if (op.type != LogicalOpType::kJoin) return;
  bool swappable = op.join_type == LogicalJoinType::kInner || op.join_type == LogicalJoinType::kLeft ||
                   op.join_type == LogicalJoinType::kRight || op.join_type == LogicalJoinType::kFull;
  if (!swappable) return;
  double l = EstimateCardinality(*op.children[0]);
  double r = EstimateCardinality(*op.children[1]);
  if (l >= r) return;
  // Column bindings, not positions, identify columns above, so swapping inputs needs no projection.
  std::swap(op.children[0], op.children[1]);
  for (auto& c : op.conditions) std::swap(c.left, c.right);
  if (op.join_type == LogicalJoinType::kLeft) {
    op.join_type = LogicalJoinType::kRight;
  } else if (op.join_type == LogicalJoinType::kRight) {
    op.join_type = LogicalJoinType::kLeft;
  }
}

void CollectReferences(const LogicalOperator& op, std::set<std::pair<uint64_t, uint64_t>>& used) {
  auto visit = [&](const Expr& e) {
    VisitExpr(e, [&](const Expr& x) {
      if (x.cls == ExprClass::kColumnRef) used.insert({x.binding.table_index, x.binding.column_index});
    });
  };
  for (auto& e : op.expressions) visit(*e);
  for (auto& e : op.groups) visit(*e);
  for (auto& c : op.conditions) {
    visit(*c.left);
    visit(*c.right);
  }
  for (auto& o : op.orders) visit(*o.expr);
  for (auto& row : op.values) {
    for (auto& e : row) visit(*e);
  }
  for (auto& c : op.children) CollectReferences(*c, used);
}

/// Scans read only the columns something above uses (subquery rewrites can drop the projection that
/// used the rest, e.g. EXISTS (SELECT * ...)). Scan bindings are table column ids, so dropping one shifts
/// no other binding.
void PruneScanColumns(LogicalOperator& op, const std::set<std::pair<uint64_t, uint64_t>>& used) {
  for (auto& c : op.children) PruneScanColumns(*c, used);
  if (op.type != LogicalOpType::kGet || op.column_ids.size() <= 1) return;
  std::vector<size_t> kept;
  for (size_t id : op.column_ids) {
    if (used.count({op.table_index, id})) kept.push_back(id);
  }
  if (kept.empty() && !op.emit_row_id) kept.push_back(op.column_ids[0]);  // a row count still needs rows
  op.column_ids = std::move(kept);
}

}  // namespace

void Optimizer::Optimize(LogicalOperatorPtr& plan) {
  // The root's own outputs are used by the client.
  if (plan->type != LogicalOpType::kGet) {
    std::set<std::pair<uint64_t, uint64_t>> used;
    CollectReferences(*plan, used);
    PruneScanColumns(*plan, used);
  }
  plan = PushDownFilters(std::move(plan), {});
  ReorderJoins(plan);
  plan = PushDownFilters(std::move(plan), {});
  ChooseBuildSides(*plan);
}

}  // namespace basin
