#include "sql/planner/physical_planner.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/operator/physical_hash_aggregate.h"
#include "execution/operator/physical_join.h"
#include "execution/operator/physical_modify.h"
#include "execution/operator/physical_order.h"
#include "execution/operator/physical_scan.h"
#include "execution/operator/physical_set_operation.h"
#include "execution/operator/physical_streaming.h"
#include "execution/operator/physical_window.h"
#include "sql/optimizer/optimizer.h"

namespace basin {

ExprPtr ResolveBindings(const Expr& expr, const std::vector<ColumnBinding>& bindings) {
  ExprPtr copy = expr.Copy();
  RewriteExpr(copy, [&](ExprPtr& e) {
    if (e->cls != ExprClass::kColumnRef) return;
    if (e->depth != 0) throw InternalError("unresolved correlated column " + e->ToString());
    for (size_t i = 0; i < bindings.size(); i++) {
      if (bindings[i] == e->binding) {
        std::string alias = e->alias;
        e = Expr::Reference(i, e->type);
        e->alias = alias;
        return;
      }
    }
    throw InternalError("column " + e->ToString() + " not found in its input");
  });
  // Window expressions keep frame offsets outside RewriteExpr's reach.
  if (copy->start_offset) copy->start_offset = ResolveBindings(*copy->start_offset, bindings);
  if (copy->end_offset) copy->end_offset = ResolveBindings(*copy->end_offset, bindings);
  return copy;
}

namespace {
std::vector<ExprPtr> ResolveAll(const std::vector<ExprPtr>& exprs,
                                const std::vector<ColumnBinding>& bindings) {
  std::vector<ExprPtr> result;
  for (auto& e : exprs) result.push_back(ResolveBindings(*e, bindings));
  return result;
}

std::vector<TableFilter> TableFiltersFor(const std::vector<ExprPtr>& conjuncts, const LogicalOperator& get) {
  static const std::pair<const char*, TableFilter::Op> kOps[] = {{"=", TableFilter::Op::kEqual},
                                                                 {"<", TableFilter::Op::kLess},
                                                                 {"<=", TableFilter::Op::kLessEqual},
                                                                 {">", TableFilter::Op::kGreater},
                                                                 {">=", TableFilter::Op::kGreaterEqual}};
  static const std::pair<TableFilter::Op, TableFilter::Op> kMirror[] = {
      {TableFilter::Op::kEqual, TableFilter::Op::kEqual},
      {TableFilter::Op::kLess, TableFilter::Op::kGreater},
      {TableFilter::Op::kLessEqual, TableFilter::Op::kGreaterEqual},
      {TableFilter::Op::kGreater, TableFilter::Op::kLess},
      {TableFilter::Op::kGreaterEqual, TableFilter::Op::kLessEqual}};
  std::vector<TableFilter> filters;
  std::vector<ExprPtr> parts;
  for (auto& e : conjuncts) SplitConjunction(e->Copy(), parts);
  for (auto& f : parts) {
    if (f->cls != ExprClass::kFunction || f->children.size() != 2) continue;
    auto op = std::find_if(std::begin(kOps), std::end(kOps), [&](auto& p) { return f->name == p.first; });
    if (op == std::end(kOps)) continue;
    for (int side = 0; side < 2; side++) {
      const Expr& col = *f->children[side];
      const Expr& constant = *f->children[1 - side];
      if (col.cls != ExprClass::kColumnRef || col.binding.table_index != get.table_index ||
          constant.cls != ExprClass::kConstant || col.type != constant.type ||
          col.binding.column_index >= get.table->columns.size()) {
        continue;
      }
      TableFilter tf;
      tf.column = col.binding.column_index;
      tf.op = op->second;
      if (side == 1) {
        for (auto& [from, to] : kMirror) {
          if (from == tf.op) {
            tf.op = to;
            break;
          }
        }
      }
      tf.constant = constant.value;
      filters.push_back(std::move(tf));
      break;
    }
  }
  return filters;
}

ModifyTarget TargetOf(const TableEntry& table) {
  ModifyTarget target{table.storage, table.name, {}, {}};
  for (auto& c : table.columns) {
    target.column_names.push_back(c.name);
    target.not_null.push_back(c.not_null);
  }
  return target;
}

PhysicalJoinType ToPhysical(LogicalJoinType t) {
  switch (t) {
    case LogicalJoinType::kInner:
      return PhysicalJoinType::kInner;
    case LogicalJoinType::kLeft:
      return PhysicalJoinType::kLeft;
    case LogicalJoinType::kRight:
      return PhysicalJoinType::kRight;
    case LogicalJoinType::kFull:
      return PhysicalJoinType::kFull;
    case LogicalJoinType::kSemi:
      return PhysicalJoinType::kSemi;
    case LogicalJoinType::kAnti:
      return PhysicalJoinType::kAnti;
    case LogicalJoinType::kMark:
      return PhysicalJoinType::kMark;
    case LogicalJoinType::kSingle:
      return PhysicalJoinType::kSingle;
  }
  return PhysicalJoinType::kInner;
}
}  // namespace

PhysicalOperatorPtr PhysicalPlanner::Plan(LogicalOperator& op) {
  PhysicalOperatorPtr result;
  switch (op.type) {
    case LogicalOpType::kGet: {
      std::vector<size_t> ids = op.column_ids;
      std::vector<LogicalType> types = op.types;
      if (op.emit_row_id) ids.push_back(kRowIdColumn);
      auto scan = std::make_unique<PhysicalTableScan>(op.table->storage, op.table->name, ids, types,
                                                      std::vector<TableFilter>());
      scan->estimated_rows = op.table->storage->RowCount();
      return scan;
    }
    case LogicalOpType::kValues: {
      std::vector<std::vector<ExprPtr>> rows;
      for (auto& row : op.values) rows.push_back(ResolveAll(row, {}));
      return std::make_unique<PhysicalValues>(op.types, std::move(rows));
    }
    case LogicalOpType::kChunkScan:
      return std::make_unique<PhysicalColumnData>("CHUNK_SCAN", op.types, op.chunks);
    case LogicalOpType::kFilter: {
      auto child = Plan(*op.children[0]);
      if (op.children[0]->type == LogicalOpType::kGet) {
        // Conjuncts `column op constant` also go to the scan, which may skip data they rule out; the
        // filter still applies every conjunct.
        static_cast<PhysicalTableScan&>(*child).SetFilters(TableFiltersFor(op.expressions, *op.children[0]));
      }
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<ExprPtr> parts = ResolveAll(op.expressions, bindings);
      result = std::make_unique<PhysicalFilter>(op.types, CombineConjunction(std::move(parts)));
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kProjection: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      result = std::make_unique<PhysicalProjection>(op.types, ResolveAll(op.expressions, bindings));
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kAggregate:
      return PlanAggregate(op);
    case LogicalOpType::kWindow: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      result = std::make_unique<PhysicalWindow>(op.types, ResolveAll(op.expressions, bindings));
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kTableFunction: {
      if (op.children.empty()) throw InternalError(op.function + " with outer references was not decorrelated");
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      result = std::make_unique<PhysicalTableFunction>(op.types, op.function, ResolveAll(op.expressions, bindings));
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kJoin:
      return PlanJoin(op);
    case LogicalOpType::kOrder: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      std::vector<BoundOrder> orders;
      for (auto& o : op.orders) {
        BoundOrder bo = o.Copy();
        bo.expr = ResolveBindings(*o.expr, bindings);
        orders.push_back(std::move(bo));
      }
      result = std::make_unique<PhysicalOrder>(op.types, std::move(orders));
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kLimit: {
      LogicalOperator& child_op = *op.children[0];
      if (child_op.type == LogicalOpType::kOrder && op.limit >= 0) {
        // ORDER BY ... LIMIT: a top-N sort.
        auto child = Plan(*child_op.children[0]);
        auto bindings = child_op.children[0]->GetColumnBindings();
        std::vector<BoundOrder> orders;
        for (auto& o : child_op.orders) {
          BoundOrder bo = o.Copy();
          bo.expr = ResolveBindings(*o.expr, bindings);
          orders.push_back(std::move(bo));
        }
        result = std::make_unique<PhysicalOrder>(op.types, std::move(orders), op.limit, op.offset);
        result->children.push_back(std::move(child));
        return result;
      }
      auto child = Plan(child_op);
      result = std::make_unique<PhysicalLimit>(op.types, op.limit, op.offset);
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kDistinct: {
      auto child = Plan(*op.children[0]);
      auto bindings = op.children[0]->GetColumnBindings();
      if (!op.expressions.empty()) {
        result = std::make_unique<PhysicalDistinctOn>(op.types, ResolveAll(op.expressions, bindings));
      } else {
        std::vector<ExprPtr> groups;
        for (size_t i = 0; i < op.types.size(); i++) groups.push_back(Expr::Reference(i, op.types[i]));
        result = std::make_unique<PhysicalHashAggregate>(op.types, std::move(groups), std::vector<ExprPtr>(),
                                                         std::vector<std::vector<size_t>>(),
                                                         std::vector<std::vector<size_t>>());
      }
      result->children.push_back(std::move(child));
      return result;
    }
    case LogicalOpType::kUnion: {
      result = std::make_unique<PhysicalUnionAll>(op.types);
      for (auto& c : op.children) result->children.push_back(Plan(*c));
      return result;
    }
    case LogicalOpType::kSetOp: {
      auto left = Plan(*op.children[0]);
      auto right = Plan(*op.children[1]);
      result = MakeSetOperation(op.types, op.set_op == LogicalOperator::SetOpKind::kIntersect, op.set_all,
                                std::move(left), std::move(right));
      return result;
    }
    case LogicalOpType::kRecursiveCTE: {
      auto anchor = Plan(*op.children[0]);
      auto recursive = Plan(*op.children[1]);
      return std::make_unique<PhysicalRecursiveCte>(op.types, op.set_all, op.chunks, std::move(anchor),
                                                    std::move(recursive));
    }
    case LogicalOpType::kInsert:
    case LogicalOpType::kUpdate:
    case LogicalOpType::kDelete: {
      auto kind = op.type == LogicalOpType::kInsert   ? PhysicalModify::Kind::kInsert
                  : op.type == LogicalOpType::kUpdate ? PhysicalModify::Kind::kUpdate
                                                      : PhysicalModify::Kind::kDelete;
      result = std::make_unique<PhysicalModify>(kind, TargetOf(*op.table), op.update_columns);
      result->children.push_back(Plan(*op.children[0]));
      return result;
    }
    case LogicalOpType::kMerge:
      return PlanMerge(op);
    case LogicalOpType::kExplain:
      break;
  }
  throw InternalError("cannot plan logical operator");
}

PhysicalOperatorPtr PhysicalPlanner::PlanMerge(LogicalOperator& op) {
  auto child = Plan(*op.children[0]);
  std::vector<ExprPtr> exprs = ResolveAll(op.expressions, op.children[0]->GetColumnBindings());
  std::vector<PhysicalMerge::Clause> clauses;
  for (const MergeAction& action : op.merge_actions) {
    PhysicalMerge::Clause clause{action.match, action.kind, nullptr, action.columns, {}};
    if (action.condition != SIZE_MAX) clause.condition = std::move(exprs[action.condition]);
    for (size_t i = 0; i < action.columns.size(); i++)
      clause.values.push_back(std::move(exprs[action.first_value + i]));
    clauses.push_back(std::move(clause));
  }
  // expressions[0] and [1] are plain column references: the row id and the source marker.
  auto result = std::make_unique<PhysicalMerge>(TargetOf(*op.table), exprs[0]->index, exprs[1]->index,
                                                std::move(clauses));
  result->children.push_back(std::move(child));
  return result;
}

PhysicalOperatorPtr PhysicalPlanner::PlanAggregate(LogicalOperator& op) {
  auto child = Plan(*op.children[0]);
  auto bindings = op.children[0]->GetColumnBindings();
  std::vector<ExprPtr> groups = ResolveAll(op.groups, bindings);
  std::vector<ExprPtr> aggregates;
  const Expr* ordered = nullptr;
  for (auto& a : op.expressions) {
    ExprPtr r = ResolveBindings(*a, bindings);
    if (!a->order_by.empty() && !ordered) ordered = a.get();
    aggregates.push_back(std::move(r));
  }
  if (ordered) {
    // string_agg(x ORDER BY y): feed the aggregate sorted input (it then runs on one thread, in order).
    std::vector<BoundOrder> orders;
    for (auto& o : ordered->order_by) {
      BoundOrder bo = o.Copy();
      bo.expr = ResolveBindings(*o.expr, bindings);
      orders.push_back(std::move(bo));
    }
    auto sort = std::make_unique<PhysicalOrder>(op.children[0]->types, std::move(orders));
    sort->children.push_back(std::move(child));
    child = std::move(sort);
  }
  auto agg = std::make_unique<PhysicalHashAggregate>(op.types, std::move(groups), std::move(aggregates),
                                                     op.grouping_sets, op.grouping_functions);
  agg->children.push_back(std::move(child));
  return agg;
}

PhysicalOperatorPtr PhysicalPlanner::PlanJoin(LogicalOperator& op) {
  // A semi or anti join that keeps the much smaller side hashes that side and streams the large one: the
  // physical join's probe input is then the logical right side.
  const bool flip = (op.join_type == LogicalJoinType::kSemi || op.join_type == LogicalJoinType::kAnti) &&
                    !op.conditions.empty() &&
                    EstimateCardinality(*op.children[1]) > 4 * EstimateCardinality(*op.children[0]);
  LogicalOperator& probe_op = *op.children[flip ? 1 : 0];
  LogicalOperator& build_op = *op.children[flip ? 0 : 1];
  auto pb = probe_op.GetColumnBindings();
  auto bb = build_op.GetColumnBindings();
  std::vector<JoinCondition> conditions;
  for (auto& c : op.conditions) {
    const Expr& probe_key = flip ? *c.right : *c.left;
    const Expr& build_key = flip ? *c.left : *c.right;
    conditions.push_back({ResolveBindings(probe_key, pb), ResolveBindings(build_key, bb), c.nulls_equal});
  }
  auto all = pb;
  all.insert(all.end(), bb.begin(), bb.end());
  ExprPtr residual;
  if (!op.expressions.empty()) residual = CombineConjunction(ResolveAll(op.expressions, all));
  PhysicalJoinType type = ToPhysical(op.join_type);
  if (flip)
    type =
        op.join_type == LogicalJoinType::kSemi ? PhysicalJoinType::kRightSemi : PhysicalJoinType::kRightAnti;
  auto join = std::make_unique<PhysicalJoin>(op.types, type, std::move(conditions), std::move(residual),
                                             op.mark_null_aware);
  join->children.push_back(Plan(probe_op));
  join->children.push_back(Plan(build_op));
  return join;
}

}  // namespace basin
