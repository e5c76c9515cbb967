#include "sql/optimizer/optimizer.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "catalog/catalog.h"
#include "sql/optimizer/filter_pushdown.h"
#include "sql/optimizer/join_order.h"
#include "vector/vector.h"

namespace basin {

/// Distinct values of a join key that is a plain column of a table scanned inside `input`, from the
/// table's sketch (capped by the input's estimated rows); negative when unknown.
double DistinctValues(const Expr& key, const LogicalOperator& input) {
  const Expr* e = &key;
  while (e->cls == ExprClass::kCast) e = e->children[0].get();
  if (e->cls != ExprClass::kColumnRef) return -1;
  std::vector<const LogicalOperator*> stack{&input};
  while (!stack.empty()) {
    const LogicalOperator* op = stack.back();
    stack.pop_back();
    if (op->type == LogicalOpType::kGet && op->table_index == e->binding.table_index) {
      if (e->binding.column_index >= op->table->columns.size()) return -1;
      double ndv = op->table->storage->DistinctCount(e->binding.column_index);
      return ndv < 0 ? -1 : std::max(1.0, std::min(ndv, EstimateCardinality(input)));
    }
    for (auto& c : op->children) stack.push_back(c.get());
  }
  return -1;
}

double EstimateCardinality(const LogicalOperator& op) {
  auto child = [&](size_t i) { return EstimateCardinality(*op.children[i]); };
  switch (op.type) {
    case LogicalOpType::kGet:
      return std::max<double>(1, static_cast<double>(op.table->storage->RowCount()));
    case LogicalOpType::kValues:
      return std::max<double>(1, static_cast<double>(op.values.size()));
    case LogicalOpType::kChunkScan: {
      double rows = 0;
      for (auto& c : *op.chunks) rows += static_cast<double>(c->size());
      return std::max<double>(1, rows);
    }
    case LogicalOpType::kFilter: {
      // `column = constant` keeps 1 / (the column's distinct values) of the rows; anything else 0.3.
      double rows = child(0);
      for (auto& e : op.expressions) {
        double selectivity = 0.3;
        if (e->cls == ExprClass::kFunction && e->name == "=" && e->children.size() == 2) {
          for (int side = 0; side < 2; side++) {
            if (e->children[1 - side]->cls != ExprClass::kConstant) continue;
            double ndv = DistinctValues(*e->children[side], *op.children[0]);
            if (ndv > 0) selectivity = std::min(selectivity, 1 / ndv);
          }
        }
        rows *= selectivity;
      }
      return std::max<double>(1, rows);
    }
    case LogicalOpType::kAggregate:
      return op.groups.empty() ? 1 : std::max<double>(1, child(0) / 4);
    case LogicalOpType::kDistinct:
      return std::max<double>(1, child(0) / 2);
    case LogicalOpType::kLimit:
      return op.limit >= 0 ? std::min<double>(static_cast<double>(op.limit), child(0)) : child(0);
    case LogicalOpType::kJoin: {
      double l = child(0), r = child(1);
      switch (op.join_type) {
        case LogicalJoinType::kInner: {
          if (op.conditions.empty()) return l * r * (op.expressions.empty() ? 1 : 0.3);
          // The most selective equality decides: 1 / the larger distinct count of its two keys.
          double selectivity = -1;
          for (auto& c : op.conditions) {
            double a = DistinctValues(*c.left, *op.children[0]),
                   b = DistinctValues(*c.right, *op.children[1]);
            if (a > 0 && b > 0)
              selectivity = selectivity < 0 ? 1 / std::max(a, b) : std::min(selectivity, 1 / std::max(a, b));
          }
          return selectivity < 0 ? std::max(l, r) : std::max(1.0, l * r * selectivity);
        }
        case LogicalJoinType::kFull:
          return l + r;
        case LogicalJoinType::kRight:
          return r;
        default:
          return l;
      }
    }
    case LogicalOpType::kUnion:
      return child(0) + child(1);
    case LogicalOpType::kSetOp:
      return child(0);
    default:
      return op.children.empty() ? 1 : child(0);
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

/// The bindings `op`'s own expressions read (not its children's).
void CollectOwnReferences(const LogicalOperator& op, std::set<std::pair<uint64_t, uint64_t>>& used) {
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
}

void CollectReferences(const LogicalOperator& op, std::set<std::pair<uint64_t, uint64_t>>& used) {
  CollectOwnReferences(op, used);
  for (auto& c : op.children) CollectReferences(*c, used);
}

/// Projection outputs that nothing above reads become NULL constants of their type (positions kept), so that
/// the scans below them read only what is used: a view, a subquery or TUMBLE hands every column of its
/// source on. `whole`: the operator above consumes op's columns by position (the client, set operations,
/// DISTINCT, CTEs, DML), so op's outputs are all used. Parents come first: every reader of a binding is
/// above its producer.
void PruneProjections(LogicalOperator& op, std::set<std::pair<uint64_t, uint64_t>>& used, bool whole) {
  if (op.type == LogicalOpType::kProjection && !whole) {
    for (size_t i = 0; i < op.expressions.size(); i++) {
      ExprPtr& e = op.expressions[i];
      if (e->cls != ExprClass::kConstant && !used.count({op.table_index, i})) {
        e = Expr::Constant(Value::Null(e->type));
      }
    }
  }
  CollectOwnReferences(op, used);
  bool children_whole = true;
  switch (op.type) {
    case LogicalOpType::kProjection:
    case LogicalOpType::kAggregate:
      children_whole = false;  // they read their input by binding
      break;
    case LogicalOpType::kFilter:
    case LogicalOpType::kOrder:
    case LogicalOpType::kLimit:
    case LogicalOpType::kJoin:
    case LogicalOpType::kWindow:
      children_whole = whole;  // they hand their input's columns on
      break;
    case LogicalOpType::kDistinct:
      children_whole = whole || op.expressions.empty();  // plain DISTINCT compares every column
      break;
    default:
      break;
  }
  for (auto& c : op.children) PruneProjections(*c, used, children_whole);
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

/// A semi join whose keys come from one input of an inner join below it filters that input directly,
/// before the inner join, when its own build side is the smaller one (TPC-H Q18: the few big orders are
/// found before lineitem is joined, not after).
void PushSemiJoins(LogicalOperatorPtr& op) {
  for (auto& c : op->children) PushSemiJoins(c);
  if (op->type != LogicalOpType::kJoin || op->join_type != LogicalJoinType::kSemi) return;
  LogicalOperator& inner = *op->children[0];
  if (inner.type != LogicalOpType::kJoin || inner.join_type != LogicalJoinType::kInner) return;
  std::set<uint64_t> right_tables;
  for (auto& b : op->children[1]->GetColumnBindings()) right_tables.insert(b.table_index);
  std::set<uint64_t> needed;  // outer-side tables the semi join reads
  auto add = [&](const Expr& e) {
    for (uint64_t t : ReferencedTables(e)) {
      if (!right_tables.count(t)) needed.insert(t);
    }
  };
  for (auto& c : op->conditions) add(*c.left);
  for (auto& e : op->expressions) add(*e);
  for (size_t side = 0; side < 2; side++) {
    std::set<uint64_t> produced;
    for (auto& b : inner.children[side]->GetColumnBindings()) produced.insert(b.table_index);
    if (!std::includes(produced.begin(), produced.end(), needed.begin(), needed.end())) continue;
    if (EstimateCardinality(*op->children[1]) >= EstimateCardinality(*inner.children[side])) return;
    LogicalOperatorPtr semi = std::move(op);
    LogicalOperatorPtr join = std::move(semi->children[0]);
    semi->children[0] = std::move(join->children[side]);
    PushSemiJoins(semi);
    join->children[side] = std::move(semi);
    op = std::move(join);
    return;
  }
}

}  // namespace

void Optimizer::Optimize(LogicalOperatorPtr& plan) {
  // The root's own outputs are used by the client.
  if (plan->type != LogicalOpType::kGet) {
    std::set<std::pair<uint64_t, uint64_t>> used;
    PruneProjections(*plan, used, /*whole=*/true);
    used.clear();
    CollectReferences(*plan, used);
    PruneScanColumns(*plan, used);
  }
  plan = PushDownFilters(std::move(plan), {});
  ReorderJoins(plan);
  plan = PushDownFilters(std::move(plan), {});
  PushSemiJoins(plan);
  ChooseBuildSides(*plan);
}

}  // namespace basin
