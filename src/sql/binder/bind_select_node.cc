#include <algorithm>

#include "common/exception.h"
#include "execution/function.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

using sql::ExprKind;

namespace {

std::string DeriveName(const sql::ParsedExpr& e) {
  if (!e.alias.empty()) return e.alias;
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return e.names.back();
    case ExprKind::kFunction:
      return e.function_name;
    case ExprKind::kFieldAccess:
      return e.names[0];
    case ExprKind::kCast:
      return e.children[0]->kind == ExprKind::kConstant ? e.type_name.name : DeriveName(*e.children[0]);
    case ExprKind::kCase:
      return "case";
    case ExprKind::kSubquery:
      if (e.subquery_kind == sql::SubqueryKind::kExists) return "exists";
      return "?column?";
    default:
      return "?column?";
  }
}

std::vector<std::vector<size_t>> Cross(const std::vector<std::vector<size_t>>& a,
                                       const std::vector<std::vector<size_t>>& b) {
  std::vector<std::vector<size_t>> result;
  for (auto& x : a) {
    for (auto& y : b) {
      auto s = x;
      for (size_t v : y) {
        if (std::find(s.begin(), s.end(), v) == s.end()) s.push_back(v);
      }
      std::sort(s.begin(), s.end());
      result.push_back(std::move(s));
    }
  }
  return result;
}

}  // namespace

BoundQuery Binder::BindSelectNode(const sql::QueryNode& node, const sql::SelectStatement& select) {
  for (size_t i = 0; i < node.windows.size(); i++) {
    for (size_t j = 0; j < i; j++) {
      if (node.windows[j].name == node.windows[i].name) {
        throw BinderError(sqlstate::kWindowingError,
                          "window \"" + node.windows[i].name + "\" is already defined",
                          node.windows[i].location);
      }
    }
  }
  windows_ = &node.windows;
  // FROM
  LogicalOperatorPtr plan;
  if (node.from) {
    plan = BindTableRef(*node.from);
  } else {
    plan = std::make_unique<LogicalOperator>(LogicalOpType::kValues);
    plan->table_index = NextTableIndex();
    plan->values.emplace_back();
  }
  // WHERE
  if (node.where) {
    ExprPtr pred =
        BindBoolean(BindExpression(*node.where, ExprContext::kWhere), "WHERE", node.where->location);
    PlanFilterWithSubqueries(std::move(pred), plan);
  }

  // Select list, with * expanded.
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  const bool keep_composite_fields = keep_composite_fields_;
  keep_composite_fields_ = false;
  std::vector<std::pair<std::string, ExprPtr>> composite_fields;
  set_returning_allowed_ = true;
  for (auto& item : node.select_list) {
    if (item->kind == ExprKind::kStar) {
      const std::string* qualifier = item->names.empty() ? nullptr : &item->names.back();
      bool any = false;
      if (!qualifier) {
        for (auto& [name, e] : using_columns_) {
          exprs.push_back(e->Copy());
          names.push_back(name);
          any = true;
        }
      }
      for (auto& entry : bindings_) {
        if (qualifier && entry.alias != *qualifier) continue;
        for (size_t i = 0; i < entry.names.size(); i++) {
          if (!qualifier && entry.hidden[i]) continue;
          if (!qualifier &&
              std::any_of(using_columns_.begin(), using_columns_.end(),
                          [&](auto& u) { return u.first == entry.names[i]; }) &&
              !entry.hidden[i]) {
            continue;  // shown once, first, as the merged USING column
          }
          if (entry.get) {
            auto& ids = entry.get->column_ids;
            if (std::find(ids.begin(), ids.end(), entry.binding_columns[i]) == ids.end()) {
              ids.push_back(entry.binding_columns[i]);
            }
          }
          exprs.push_back(
              Expr::ColumnRef({entry.table_index, entry.binding_columns[i]}, entry.types[i], entry.names[i]));
          names.push_back(entry.names[i]);
          any = true;
        }
      }
      if (qualifier && !any) {
        throw BinderError(sqlstate::kUndefinedTable,
                          "missing FROM-clause entry for table \"" + *qualifier + "\"", item->location);
      }
      if (!qualifier && !any) {
        throw BinderError(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                          item->location);
      }
      continue;
    }
    exprs.push_back(BindExpression(*item, ExprContext::kSelect));
    names.push_back(DeriveName(*item));
    if (keep_composite_fields) {
      for (auto& f : CompositeFields(*item, names.back())) composite_fields.push_back(std::move(f));
    }
  }
  set_returning_allowed_ = false;
  // A FROM subquery's composite columns pass their fields on, after the others (hidden from `*`).
  for (auto& [name, e] : composite_fields) {
    exprs.push_back(std::move(e));
    names.push_back(name);
  }
  size_t visible = exprs.size();

  // GROUP BY: ordinals and select-list aliases first, then expressions over FROM.
  auto agg = std::make_unique<LogicalOperator>(LogicalOpType::kAggregate);
  bool has_sets = false;
  std::vector<std::vector<size_t>> sets{{}};
  auto bind_group = [&](const sql::ParsedExpr& g) -> size_t {
    int64_t ordinal;
    ExprPtr e;
    if (IsOrdinal(g, ordinal)) {
      if (ordinal < 1 || ordinal > static_cast<int64_t>(visible)) {
        throw BinderError(sqlstate::kInvalidColumnReference,
                          "GROUP BY position " + std::to_string(ordinal) + " is not in select list",
                          g.location);
      }
      e = exprs[ordinal - 1]->Copy();
    } else {
      bool found = false;
      if (g.kind == ExprKind::kColumnRef && g.names.size() == 1) {
        ResolveColumn(nullptr, g.names[0], g.location, found);
        if (!found) {
          for (size_t i = 0; i < visible; i++) {
            if (names[i] == g.names[0]) {
              e = exprs[i]->Copy();
              found = true;
              break;
            }
          }
        }
      }
      if (!e) e = BindExpression(g, ExprContext::kGroupBy);
    }
    if (e->HasAggregate())
      throw BinderError(sqlstate::kGroupingError, "aggregate functions are not allowed in GROUP BY",
                        g.location);
    for (size_t i = 0; i < agg->groups.size(); i++) {
      if (agg->groups[i]->Equals(*e)) return i;
    }
    agg->groups.push_back(std::move(e));
    return agg->groups.size() - 1;
  };
  if (node.group_by_all) {
    for (size_t i = 0; i < visible; i++) {
      if (exprs[i]->HasAggregate() || exprs[i]->HasWindow()) continue;
      agg->groups.push_back(exprs[i]->Copy());
    }
    std::vector<size_t> all(agg->groups.size());
    for (size_t i = 0; i < all.size(); i++) all[i] = i;
    sets = {all};
  }
  for (auto& element : node.group_by) {
    std::vector<std::vector<size_t>> element_sets;
    switch (element.kind) {
      case sql::GroupingElement::Kind::kExpr:
        element_sets = {{bind_group(*element.expr)}};
        break;
      case sql::GroupingElement::Kind::kEmpty:
        element_sets = {{}};
        has_sets = true;
        break;
      case sql::GroupingElement::Kind::kRollup: {
        has_sets = true;
        std::vector<std::vector<size_t>> items;
        for (auto& group : element.sets) {
          std::vector<size_t> ids;
          for (auto& e : group) ids.push_back(bind_group(*e));
          items.push_back(ids);
        }
        for (size_t n = items.size() + 1; n-- > 0;) {
          std::vector<size_t> s;
          for (size_t k = 0; k < n; k++) s.insert(s.end(), items[k].begin(), items[k].end());
          element_sets.push_back(s);
        }
        break;
      }
      case sql::GroupingElement::Kind::kCube: {
        has_sets = true;
        std::vector<std::vector<size_t>> items;
        for (auto& group : element.sets) {
          std::vector<size_t> ids;
          for (auto& e : group) ids.push_back(bind_group(*e));
          items.push_back(ids);
        }
        if (items.size() > 12)
          throw BinderError(sqlstate::kProgramLimitExceeded, "CUBE is limited to 12 elements", node.location);
        for (size_t mask = (size_t{1} << items.size()); mask-- > 0;) {
          std::vector<size_t> s;
          for (size_t k = 0; k < items.size(); k++) {
            if (mask & (size_t{1} << k)) s.insert(s.end(), items[k].begin(), items[k].end());
          }
          element_sets.push_back(s);
        }
        break;
      }
      case sql::GroupingElement::Kind::kGroupingSets:
        has_sets = true;
        for (auto& set : element.sets) {
          std::vector<size_t> ids;
          for (auto& e : set) ids.push_back(bind_group(*e));
          element_sets.push_back(ids);
        }
        break;
    }
    sets = Cross(sets, element_sets);
  }

  // HAVING and ORDER BY, bound before aggregates are pulled out so that they match select expressions.
  ExprPtr having;
  if (node.having) {
    having = BindBoolean(BindExpression(*node.having, ExprContext::kHaving), "HAVING", node.having->location);
  }
  std::vector<BoundOrder> orders;
  std::vector<size_t> order_columns;
  select_aliases_.clear();
  for (size_t i = 0; i < visible; i++) select_aliases_.emplace_back(names[i], exprs[i].get());
  auto bind_order_item = [&](const sql::OrderByItem& o) -> size_t {
    int64_t ordinal;
    if (IsOrdinal(*o.expr, ordinal)) {
      if (ordinal < 1 || ordinal > static_cast<int64_t>(visible)) {
        throw BinderError(sqlstate::kInvalidColumnReference,
                          "ORDER BY position " + std::to_string(ordinal) + " is not in select list",
                          o.expr->location);
      }
      return static_cast<size_t>(ordinal - 1);
    }
    if (o.expr->kind == ExprKind::kColumnRef && o.expr->names.size() == 1) {
      for (size_t i = 0; i < visible; i++) {
        if (names[i] == o.expr->names[0]) return i;  // output column names win in ORDER BY, as in PostgreSQL
      }
    }
    ExprPtr e = BindExpression(*o.expr, ExprContext::kOrderBy);
    for (size_t i = 0; i < exprs.size(); i++) {
      if (exprs[i]->Equals(*e)) return i;
    }
    if (node.distinct && node.distinct_on.empty()) {
      throw BinderError(sqlstate::kInvalidColumnReference,
                        "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                        o.expr->location);
    }
    exprs.push_back(std::move(e));
    names.push_back("__order");
    return exprs.size() - 1;
  };
  std::vector<size_t> distinct_on_columns;
  for (auto& d : node.distinct_on) {
    sql::OrderByItem item;
    item.expr = std::unique_ptr<sql::ParsedExpr>(const_cast<sql::ParsedExpr*>(d.get()));
    size_t column = bind_order_item(item);
    item.expr.release();
    distinct_on_columns.push_back(column);
  }
  for (auto& o : select.order_by) order_columns.push_back(bind_order_item(o));
  select_aliases_.clear();
  if (!distinct_on_columns.empty()) {
    // As PostgreSQL: ORDER BY must start with DISTINCT ON keys until every key has appeared, or "the first
    // row of each group" would depend on an order the user did not ask for.
    std::vector<size_t> pending = distinct_on_columns;
    for (size_t k = 0; k < order_columns.size() && !pending.empty(); k++) {
      if (std::find(distinct_on_columns.begin(), distinct_on_columns.end(), order_columns[k]) ==
          distinct_on_columns.end()) {
        throw BinderError(sqlstate::kInvalidColumnReference,
                          "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
                          select.order_by[k].expr->location);
      }
      pending.erase(std::remove(pending.begin(), pending.end(), order_columns[k]), pending.end());
    }
  }

  // Aggregation.
  bool aggregating = !agg->groups.empty() || !node.group_by.empty() || node.group_by_all || having;
  for (auto& e : exprs) aggregating |= e->HasAggregate();
  if (aggregating && !set_returning_calls_.empty()) {
    throw NotImplementedError("set-returning functions in a select list with GROUP BY or aggregates",
                              node.location);
  }
  if (aggregating) {
    agg->table_index = NextTableIndex();
    agg->aggregate_index = NextTableIndex();
    agg->grouping_index = NextTableIndex();
    if (has_sets) agg->grouping_sets = sets;
    for (auto& g : agg->groups) {
      if (g->HasSubquery())
        throw NotImplementedError("subqueries in GROUP BY are not supported", node.location);
    }
    for (auto& e : exprs) ExtractAggregatesInto(e, *agg);
    if (having) ExtractAggregatesInto(having, *agg);
    for (auto& a : agg->expressions) {
      if (a->HasSubquery())
        throw NotImplementedError("subqueries inside aggregates are not supported", node.location);
    }
    agg->children.push_back(std::move(plan));
    plan = std::move(agg);
    if (having) PlanFilterWithSubqueries(std::move(having), plan);
  }

  // Windows.
  bool windowing = false;
  for (auto& e : exprs) windowing |= e->HasWindow();
  if (windowing) {
    auto window = std::make_unique<LogicalOperator>(LogicalOpType::kWindow);
    window->table_index = NextTableIndex();
    for (auto& e : exprs) ExtractWindowsInto(e, *window);
    window->children.push_back(std::move(plan));
    plan = std::move(window);
  }

  // Subqueries in the select list become joins below the projection.
  for (auto& e : exprs) {
    if (e->HasSubquery()) PlanSubqueries(e, plan);
  }
  PlanSetReturningCalls(plan);
  auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = NextTableIndex();
  std::vector<LogicalType> types;
  for (auto& e : exprs) types.push_back(e->type);
  proj->expressions = std::move(exprs);
  proj->children.push_back(std::move(plan));
  uint64_t proj_index = proj->table_index;
  plan = std::move(proj);
  if (node.distinct && node.distinct_on.empty()) {
    auto distinct = std::make_unique<LogicalOperator>(LogicalOpType::kDistinct);
    distinct->children.push_back(std::move(plan));
    plan = std::move(distinct);
  }
  auto ref = [&](size_t i) { return Expr::ColumnRef({proj_index, i}, types[i], names[i]); };
  if (!distinct_on_columns.empty()) {
    // DISTINCT ON: sort by the keys (then the ORDER BY), keep each key's first row.
    auto order = std::make_unique<LogicalOperator>(LogicalOpType::kOrder);
    sql::OrderByItem asc;
    for (size_t c : distinct_on_columns) order->orders.push_back(MakeOrder(ref(c), asc));
    for (size_t k = 0; k < order_columns.size(); k++)
      order->orders.push_back(MakeOrder(ref(order_columns[k]), select.order_by[k]));
    order->children.push_back(std::move(plan));
    auto distinct = std::make_unique<LogicalOperator>(LogicalOpType::kDistinct);
    for (size_t c : distinct_on_columns) distinct->expressions.push_back(ref(c));
    distinct->children.push_back(std::move(order));
    plan = std::move(distinct);
    if (!order_columns.empty()) {
      auto reorder = std::make_unique<LogicalOperator>(LogicalOpType::kOrder);
      for (size_t k = 0; k < order_columns.size(); k++)
        reorder->orders.push_back(MakeOrder(ref(order_columns[k]), select.order_by[k]));
      reorder->children.push_back(std::move(plan));
      plan = std::move(reorder);
    }
  } else if (!order_columns.empty()) {
    auto order = std::make_unique<LogicalOperator>(LogicalOpType::kOrder);
    for (size_t k = 0; k < order_columns.size(); k++)
      order->orders.push_back(MakeOrder(ref(order_columns[k]), select.order_by[k]));
    order->children.push_back(std::move(plan));
    plan = std::move(order);
  }
  int64_t limit = BindLimitValue(select.limit.get(), "LIMIT");
  int64_t offset = BindLimitValue(select.offset.get(), "OFFSET");
  if (limit >= 0 || offset > 0) {
    auto lim = std::make_unique<LogicalOperator>(LogicalOpType::kLimit);
    lim->limit = limit;
    lim->offset = std::max<int64_t>(offset, 0);
    lim->children.push_back(std::move(plan));
    plan = std::move(lim);
  }
  BoundQuery q;
  if (types.size() > visible) {
    // Drop the columns added only for ORDER BY.
    auto final_proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    final_proj->table_index = NextTableIndex();
    for (size_t i = 0; i < visible; i++) final_proj->expressions.push_back(ref(i));
    final_proj->children.push_back(std::move(plan));
    plan = std::move(final_proj);
  }
  names.resize(visible);
  types.resize(visible);
  q.plan = std::move(plan);
  q.names = std::move(names);
  q.types = std::move(types);
  q.composite_fields = composite_fields.size();
  return q;
}

}  // namespace basin
