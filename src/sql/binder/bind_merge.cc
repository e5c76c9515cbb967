// MERGE INTO: the source outer-joined with the target's rows (with row ids), under one kMerge operator that
// holds the WHEN clauses.

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

namespace {

MergeMatch ToMergeMatch(sql::MergeWhen::Match match) {
  switch (match) {
    case sql::MergeWhen::Match::kMatched:
      return MergeMatch::kMatched;
    case sql::MergeWhen::Match::kNotMatchedByTarget:
      return MergeMatch::kNotMatchedByTarget;
    case sql::MergeWhen::Match::kNotMatchedBySource:
      return MergeMatch::kNotMatchedBySource;
  }
  throw InternalError("unknown MERGE match kind");
}

/// PostgreSQL rejects a clause that can never run: one after an unconditional clause for the same rows.
void CheckReachable(const std::vector<sql::MergeWhen>& clauses) {
  bool unconditional[3] = {false, false, false};
  for (const sql::MergeWhen& when : clauses) {
    bool& seen = unconditional[static_cast<size_t>(ToMergeMatch(when.match))];
    if (seen) {
      throw BinderError(sqlstate::kSyntaxError,
                        "unreachable WHEN clause specified after unconditional WHEN clause", when.location);
    }
    seen = !when.condition;
  }
}

}  // namespace

ColumnBinding Binder::BindMergeSource(const sql::TableRef& ref, LogicalOperatorPtr& plan) {
  size_t first = bindings_.size();
  plan = BindTableRef(ref);
  if (plan->type == LogicalOpType::kGet) {
    // A table's row id is never NULL: it marks source rows without reading another column.
    plan->emit_row_id = true;
    return {plan->table_index, LogicalOperator::kRowIdIndex};
  }
  // Otherwise a projection over the source adds a TRUE column, and the source's names move onto it.
  auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = NextTableIndex();
  std::vector<std::pair<ColumnBinding, ColumnBinding>> moved;
  for (size_t b = first; b < bindings_.size(); b++) {
    BindingEntry& entry = bindings_[b];
    for (size_t i = 0; i < entry.names.size(); i++) {
      ColumnBinding old{entry.table_index, entry.binding_columns[i]};
      if (entry.get) {
        auto& ids = entry.get->column_ids;
        if (std::find(ids.begin(), ids.end(), old.column_index) == ids.end()) ids.push_back(old.column_index);
      }
      ColumnBinding now{proj->table_index, proj->expressions.size()};
      proj->expressions.push_back(Expr::ColumnRef(old, entry.types[i], entry.names[i]));
      entry.binding_columns[i] = now.column_index;
      moved.emplace_back(old, now);
    }
    entry.table_index = proj->table_index;
    entry.get = nullptr;
  }
  // USING columns of a join in the source stand for expressions over the columns just moved.
  for (auto& [name, expr] : using_columns_) {
    RewriteExpr(expr, [&](ExprPtr& e) {
      if (e->cls != ExprClass::kColumnRef) return;
      for (auto& [old, now] : moved) {
        if (e->binding == old) e->binding = now;
      }
    });
  }
  ColumnBinding marker{proj->table_index, proj->expressions.size()};
  proj->expressions.push_back(Expr::Constant(Value::Boolean(true)));
  proj->children.push_back(std::move(plan));
  plan = std::move(proj);
  return marker;
}

LogicalOperatorPtr Binder::BindMerge(const sql::MergeStmt& stmt) {
  auto table = FindTargetTable(context_, stmt.table, stmt.location, "MERGE INTO");
  CheckReachable(stmt.clauses);
  size_t source_begin = bindings_.size();
  LogicalOperatorPtr source;
  ColumnBinding marker = BindMergeSource(*stmt.source, source);
  size_t target_entry = bindings_.size();
  LogicalOperatorPtr target = BindTargetScan(table, stmt.alias);
  uint64_t target_index = target->table_index;
  const std::string& target_alias = bindings_[target_entry].alias;
  for (size_t b = source_begin; b < target_entry; b++) {
    if (bindings_[b].alias == target_alias) {
      throw BinderError(
          "42712",  // duplicate_alias
          "name \"" + target_alias + "\" specified more than once (as the MERGE target and its source)",
          stmt.source->location);
    }
  }

  // Source rows no target row matches need the source side kept, target rows no source row matches the
  // target side.
  bool keep_source = false;
  bool keep_target = false;
  for (const sql::MergeWhen& when : stmt.clauses) {
    keep_source |= when.match == sql::MergeWhen::Match::kNotMatchedByTarget;
    keep_target |= when.match == sql::MergeWhen::Match::kNotMatchedBySource;
  }
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  join->join_type = keep_source ? (keep_target ? LogicalJoinType::kFull : LogicalJoinType::kLeft)
                                : (keep_target ? LogicalJoinType::kRight : LogicalJoinType::kInner);
  join->children.push_back(std::move(source));
  join->children.push_back(std::move(target));
  ExprPtr on = BindBoolean(BindExpression(*stmt.condition, ExprContext::kJoinCondition), "MERGE ... ON",
                           stmt.condition->location);
  if (on->HasSubquery())
    throw NotImplementedError("subqueries in MERGE ... ON are not supported", stmt.condition->location);
  join->expressions.push_back(std::move(on));
  LogicalOperatorPtr plan = std::move(join);

  auto merge = std::make_unique<LogicalOperator>(LogicalOpType::kMerge);
  merge->table = table;
  merge->table_index = NextTableIndex();
  merge->expressions.push_back(
      Expr::ColumnRef({target_index, LogicalOperator::kRowIdIndex}, TypeId::kBigInt));
  merge->expressions.push_back(Expr::ColumnRef(
      marker, marker.column_index == LogicalOperator::kRowIdIndex ? TypeId::kBigInt : TypeId::kBoolean));
  for (const sql::MergeWhen& when : stmt.clauses)
    BindMergeClause(when, *table, source_begin, target_entry, plan, *merge);
  merge->children.push_back(std::move(plan));
  return merge;
}

void Binder::BindMergeClause(const sql::MergeWhen& when, const TableEntry& table, size_t source_begin,
                             size_t target_entry, LogicalOperatorPtr& plan, LogicalOperator& merge) {
  // As in PostgreSQL, a clause for rows without a target row cannot name the target, and one for rows
  // without a source row cannot name the source. (An error ends the statement, so nothing is restored then.)
  std::vector<BindingEntry> all = bindings_;
  std::vector<std::pair<std::string, ExprPtr>> source_using;
  if (when.match == sql::MergeWhen::Match::kNotMatchedByTarget) {
    bindings_.erase(bindings_.begin() + static_cast<std::ptrdiff_t>(target_entry));
  } else if (when.match == sql::MergeWhen::Match::kNotMatchedBySource) {
    bindings_.erase(bindings_.begin() + static_cast<std::ptrdiff_t>(source_begin),
                    bindings_.begin() + static_cast<std::ptrdiff_t>(target_entry));
    source_using.swap(using_columns_);
  }

  MergeAction action;
  action.match = ToMergeMatch(when.match);
  if (when.condition) {
    ExprPtr condition = BindBoolean(BindExpression(*when.condition, ExprContext::kMergeWhen), "MERGE WHEN",
                                    when.condition->location);
    if (condition->HasSubquery()) PlanSubqueries(condition, plan);
    action.condition = merge.expressions.size();
    merge.expressions.push_back(std::move(condition));
  }
  std::vector<ExprPtr> values;
  switch (when.action) {
    case sql::MergeWhen::Action::kUpdate:
      action.kind = MergeActionKind::kUpdate;
      values = BindAssignments(table, when.assignments, "MERGE", plan, action.columns);
      break;
    case sql::MergeWhen::Action::kInsert: {
      action.kind = MergeActionKind::kInsert;
      int64_t location = when.columns.empty() ? when.action_location : when.columns_location;
      std::vector<size_t> targets = InsertTargets(table, when.columns, location);
      values = BindInsertRow(table, targets, !when.columns.empty(), when.values, location);
      for (ExprPtr& v : values) {
        if (v->HasSubquery()) PlanSubqueries(v, plan);
      }
      for (size_t c = 0; c < table.columns.size(); c++) action.columns.push_back(c);
      break;
    }
    case sql::MergeWhen::Action::kDelete:
      action.kind = MergeActionKind::kDelete;
      break;
    case sql::MergeWhen::Action::kDoNothing:
      action.kind = MergeActionKind::kDoNothing;
      break;
  }
  action.first_value = merge.expressions.size();
  for (ExprPtr& v : values) merge.expressions.push_back(std::move(v));
  merge.merge_actions.push_back(std::move(action));

  bindings_ = std::move(all);
  if (when.match == sql::MergeWhen::Match::kNotMatchedBySource) using_columns_.swap(source_using);
}

}  // namespace basin
