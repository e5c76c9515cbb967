#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/aggregates/list_functions.h"
#include "execution/function.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

ExprPtr Binder::ResolveColumn(const std::string* table, const std::string& column, int64_t location,
                              bool& found) {
  found = false;
  if (!table) {
    for (auto& [name, e] : using_columns_) {
      if (name == column) {
        found = true;
        return e->Copy();
      }
    }
  }
  ExprPtr result;
  const BindingEntry* match_entry = nullptr;
  bool table_seen = false;
  for (auto& entry : bindings_) {
    if (table && entry.alias != *table) continue;
    table_seen = true;
    for (size_t i = 0; i < entry.names.size(); i++) {
      if (entry.names[i] != column) continue;
      if (match_entry) {
        throw BinderError(sqlstate::kAmbiguousColumn, "column reference \"" + column + "\" is ambiguous",
                          location);
      }
      match_entry = &entry;
      if (entry.get) {
        auto& ids = entry.get->column_ids;
        if (std::find(ids.begin(), ids.end(), entry.binding_columns[i]) == ids.end()) {
          ids.push_back(entry.binding_columns[i]);
        }
      }
      result = Expr::ColumnRef({entry.table_index, entry.binding_columns[i]}, entry.types[i], column);
    }
  }
  if (result) {
    found = true;
    return result;
  }
  if (table && table_seen) {
    throw BinderError(sqlstate::kUndefinedColumn, "column " + *table + "." + column + " does not exist",
                      location);
  }
  if (parent_) {
    bool outer_found = false;
    ExprPtr outer = parent_->ResolveColumn(table, column, location, outer_found);
    if (outer_found) {
      outer->depth++;
      CorrelatedColumn cc{outer->binding, outer->type, column};
      if (outer->depth == 1 && std::find(correlated_.begin(), correlated_.end(), cc) == correlated_.end()) {
        correlated_.push_back(cc);
      }
      found = true;
      return outer;
    }
  }
  if (table) {
    throw BinderError(sqlstate::kUndefinedTable, "missing FROM-clause entry for table \"" + *table + "\"",
                      location);
  }
  return nullptr;
}

ExprPtr Binder::BindColumnRef(const sql::ParsedExpr& expr) {
  const auto& names = expr.names;
  const std::string* table = nullptr;
  const std::string* column = &names.back();
  if (names.size() >= 2) table = &names[names.size() - 2];
  if (names.size() > 3) {
    throw BinderError(sqlstate::kSyntaxError, "improper qualified name (too many dotted names)",
                      expr.location);
  }
  bool found = false;
  ExprPtr e = ResolveColumn(table, *column, expr.location, found);
  if (found) return e;
  for (auto& [alias, bound] : select_aliases_) {
    if (alias == *column && !table) return bound->Copy();
  }
  throw BinderError(sqlstate::kUndefinedColumn, "column \"" + *column + "\" does not exist", expr.location);
}

ExprPtr Binder::BindArrayComparison(const sql::ParsedExpr& expr, ExprContext where) {
  ExprPtr left = BindExpression(*expr.children[0], where);
  ExprPtr array = BindExpression(*expr.children[1], where);
  if (array->type.id() != TypeId::kList) {
    if (!IsUntypedLiteral(*array)) {
      throw BinderError(sqlstate::kWrongObjectType, "op ANY/ALL (array) requires array on right side",
                        expr.children[1]->location);
    }
    // '{a,b}' or NULL: an array of the left side's type.
    const LogicalType element = IsUntypedLiteral(*left) ? LogicalType(TypeId::kVarchar) : left->type;
    array = CastTo(std::move(array), LogicalType::List(element), expr.children[1]->location);
  }
  // The comparison of the left side (column 0) with one element (column 1), as the binder types it.
  auto data = std::make_unique<ArrayComparisonData>();
  data->compare = BindComparison(expr.op.empty() ? "=" : expr.op, Expr::Reference(0, left->type),
                                 Expr::Reference(1, array->type.element()), expr.location);
  const char* name = expr.subquery_kind == sql::SubqueryKind::kAll ? "array_all" : "array_any";
  auto e = std::make_unique<Expr>(ExprClass::kFunction);
  e->name = name;
  e->function = &FunctionRegistry::Get().FindScalar(name)->front();
  e->type = TypeId::kBoolean;
  e->bind_data = std::move(data);
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(array));
  return e;
}

ExprPtr Binder::BindSubqueryExpr(const sql::ParsedExpr& expr) {
  auto bound = std::make_shared<BoundSubquery>();
  Binder sub(context_, this);
  BoundQuery q = sub.BindQuery(*expr.subquery);
  auto e = std::make_unique<Expr>(ExprClass::kSubquery);
  switch (expr.subquery_kind) {
    case sql::SubqueryKind::kScalar:
      if (q.types.size() != 1) {
        throw BinderError(sqlstate::kSyntaxError, "subquery must return only one column", expr.location);
      }
      e->subquery_kind = 0;
      e->type = q.types[0].id() == TypeId::kNull ? LogicalType(TypeId::kVarchar) : q.types[0];
      break;
    case sql::SubqueryKind::kExists:
      e->subquery_kind = 1;
      e->type = TypeId::kBoolean;
      break;
    case sql::SubqueryKind::kAny:
    case sql::SubqueryKind::kAll: {
      // (a, b) IN (SELECT x, y ...): one child per element of the row, matching the subquery's columns.
      const sql::ParsedExpr& lhs = *expr.children[0];
      if (lhs.kind == sql::ExprKind::kRow) {
        e->children = BindRowElements(lhs, ExprContext::kOther);
      } else {
        e->children.push_back(BindExpression(lhs, ExprContext::kOther));
      }
      if (q.types.size() != e->children.size()) {
        throw BinderError(sqlstate::kSyntaxError,
                          std::string("subquery has too ") +
                              (q.types.size() > e->children.size() ? "many" : "few") + " columns",
                          expr.location);
      }
      e->subquery_kind = expr.subquery_kind == sql::SubqueryKind::kAny ? 2 : 3;
      e->subquery_op = expr.op.empty() ? "=" : expr.op;
      e->type = TypeId::kBoolean;
      break;
    }
    case sql::SubqueryKind::kArray: {
      // ARRAY(query): a scalar subquery of array_agg over the query's rows (in their order), and an empty
      // array rather than NULL for none.
      if (q.types.size() != 1) {
        throw BinderError(sqlstate::kSyntaxError, "subquery must return only one column", expr.location);
      }
      const LogicalType element = q.types[0].id() == TypeId::kNull ? LogicalType(TypeId::kVarchar) : q.types[0];
      auto agg = std::make_unique<LogicalOperator>(LogicalOpType::kAggregate);
      agg->table_index = sub.NextTableIndex();
      agg->aggregate_index = sub.NextTableIndex();
      agg->grouping_index = sub.NextTableIndex();
      auto collect = std::make_unique<Expr>(ExprClass::kAggregate);
      collect->name = "array_agg";
      collect->aggregate = &FunctionRegistry::Get().FindAggregate("array_agg")->front();
      collect->type = LogicalType::List(element);
      collect->children.push_back(sub.CastTo(Expr::ColumnRef(q.plan->GetColumnBindings()[0], q.types[0]), element));
      agg->expressions.push_back(std::move(collect));
      agg->children.push_back(std::move(q.plan));
      auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
      proj->table_index = sub.NextTableIndex();
      proj->expressions.push_back(Expr::ColumnRef({agg->aggregate_index, 0}, LogicalType::List(element)));
      proj->children.push_back(std::move(agg));
      q.plan = std::move(proj);
      q.types = {LogicalType::List(element)};
      e->subquery_kind = 0;
      e->type = q.types[0];
      bound->plan = std::move(q.plan);
      bound->types = q.types;
      bound->correlated = sub.correlated_;
      e->subquery = std::move(bound);
      auto array = std::make_unique<Expr>(ExprClass::kCoalesce);
      array->type = e->type;
      array->children.push_back(std::move(e));
      array->children.push_back(Expr::Constant(Value::List(element, {})));
      return array;
    }
  }
  bound->plan = std::move(q.plan);
  bound->types = q.types;
  bound->correlated = sub.correlated_;
  e->subquery = std::move(bound);
  return e;
}

}  // namespace basin
