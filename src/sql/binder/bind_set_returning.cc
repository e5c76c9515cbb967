// Set-returning functions in a select list and fields of composite values, as PostgreSQL's:
// `SELECT unnest(a) FROM t` gives one row per element of each row's array, and
// `(information_schema._pg_expandarray(a)).n` the 1-based position of each element (x is the element).
// Each distinct call becomes a kTableFunction over the FROM rows, below the projection, whose columns the
// select list reads. Basin has no composite type: a composite (the bare _pg_expandarray call) shows as
// PostgreSQL's record text `(x,n)`, and a FROM subquery passes its fields on as hidden columns named
// `column.field`, which `(alias.column).field` reads.
#include <algorithm>

#include "common/exception.h"
#include "sql/binder/binder.h"

namespace basin {

using sql::ExprKind;
using sql::ParsedExpr;

namespace {
// The fields of _pg_expandarray's result, in column order.
const std::vector<std::string> kExpandArrayFields = {"x", "n"};
}  // namespace

bool Binder::IsSetReturningCall(const ParsedExpr& e) {
  return e.kind == ExprKind::kFunction && !e.window &&
         (e.function_name == "unnest" || e.function_name == "_pg_expandarray");
}

ExprPtr Binder::BindSetReturningCall(const ParsedExpr& call, const std::string* field) {
  const std::string& name = call.function_name;
  if (!set_returning_allowed_) {
    throw NotImplementedError("set-returning function " + name + " is supported only in a select list or FROM",
                              call.location);
  }
  if (call.children.size() != 1) {
    throw BinderError(sqlstate::kUndefinedFunction, name + " takes one array", call.location);
  }
  // The argument is bound as the select list's other items are, over the FROM rows.
  set_returning_allowed_ = false;
  ExprPtr arg = BindExpression(*call.children[0], ExprContext::kOther);
  set_returning_allowed_ = true;
  if (arg->type.id() != TypeId::kList) {
    throw BinderError(sqlstate::kUndefinedFunction, name + " takes an array, not " + arg->type.ToString(),
                      call.location);
  }
  if (arg->HasAggregate() || arg->HasWindow() || arg->HasSubquery()) {
    throw NotImplementedError("arguments of set-returning function " + name +
                                  " with aggregates, windows or subqueries are not supported",
                              call.location);
  }
  // The same call (the getPrimaryKeys query reads .n and .x of one) is one expansion. Different calls run in
  // lockstep in PostgreSQL, which stacking them would not give: refused.
  const std::string key = name + "(" + arg->ToString() + ")";
  auto found = std::find(set_returning_keys_.begin(), set_returning_keys_.end(), key);
  if (found == set_returning_keys_.end() && !set_returning_keys_.empty()) {
    throw NotImplementedError("more than one distinct set-returning function call in a select list",
                              call.location);
  }
  if (found == set_returning_keys_.end()) {
    auto op = std::make_unique<LogicalOperator>(LogicalOpType::kTableFunction);
    op->table_index = NextTableIndex();
    op->function = name;
    op->expressions.push_back(std::move(arg));
    set_returning_calls_.push_back(std::move(op));
    set_returning_keys_.push_back(key);
    found = set_returning_keys_.end() - 1;
  }
  const LogicalOperator& op = *set_returning_calls_[found - set_returning_keys_.begin()];
  const LogicalType element = op.expressions[0]->type.element();
  auto column = [&](size_t i) {
    return i == 0 ? Expr::ColumnRef({op.table_index, 0}, element, kExpandArrayFields[0])
                  : Expr::ColumnRef({op.table_index, 1}, TypeId::kInteger, kExpandArrayFields[1]);
  };
  if (name == "unnest") {
    if (field) {
      throw BinderError(sqlstate::kWrongObjectType,
                        "column notation ." + *field + " applied to type " + element.ToString() +
                            ", which is not a composite type",
                        call.location);
    }
    return Expr::ColumnRef({op.table_index, 0}, element, name);
  }
  if (field) {
    auto f = std::find(kExpandArrayFields.begin(), kExpandArrayFields.end(), *field);
    if (f == kExpandArrayFields.end()) {
      throw BinderError(sqlstate::kUndefinedColumn, "could not identify column \"" + *field + "\" in record data type",
                        call.location);
    }
    return column(f - kExpandArrayFields.begin());
  }
  // The record itself: its text, as PostgreSQL prints it (a NULL field is empty).
  std::vector<ExprPtr> parts;
  parts.push_back(Expr::Constant(Value::Varchar("(")));
  parts.push_back(Expr::Cast(column(0), TypeId::kVarchar));
  parts.push_back(Expr::Constant(Value::Varchar(",")));
  parts.push_back(Expr::Cast(column(1), TypeId::kVarchar));
  parts.push_back(Expr::Constant(Value::Varchar(")")));
  return BindFunctionCall("concat", std::move(parts), call.location);
}

std::vector<std::pair<std::string, ExprPtr>> Binder::CompositeFields(const ParsedExpr& item,
                                                                      const std::string& name) {
  std::vector<std::pair<std::string, ExprPtr>> fields;
  if (!IsSetReturningCall(item) || item.function_name != "_pg_expandarray") return fields;
  for (const std::string& f : kExpandArrayFields) {
    fields.emplace_back(name + "." + f, BindSetReturningCall(item, &f));
  }
  return fields;
}

ExprPtr Binder::BindFieldAccess(const ParsedExpr& expr, ExprContext where) {
  const ParsedExpr& base = *expr.children[0];
  const std::string& field = expr.names[0];
  if (IsSetReturningCall(base)) return BindSetReturningCall(base, &field);
  if (base.kind == ExprKind::kColumnRef && !base.names.empty()) {
    // A composite column of a FROM subquery: its fields are hidden columns named "column.field".
    const std::string* table = base.names.size() >= 2 ? &base.names[base.names.size() - 2] : nullptr;
    const std::string column = base.names.back() + "." + field;
    bool present = false;
    for (const Binder* b = this; b && !present; b = b->parent_) {
      for (const BindingEntry& entry : b->bindings_) {
        if (table && entry.alias != *table) continue;
        present |= std::find(entry.names.begin(), entry.names.end(), column) != entry.names.end();
      }
    }
    bool found = false;
    if (present) {
      ExprPtr e = ResolveColumn(table, column, expr.location, found);
      if (found) return e;
    }
  }
  ExprPtr value = BindExpression(base, where);
  throw BinderError(sqlstate::kWrongObjectType,
                    "column notation ." + field + " applied to type " + value->type.ToString() +
                        ", which is not a composite type",
                    expr.location);
}

void Binder::PlanSetReturningCalls(LogicalOperatorPtr& plan) {
  for (auto& op : set_returning_calls_) {
    op->children.push_back(std::move(plan));
    plan = std::move(op);
  }
  set_returning_calls_.clear();
  set_returning_keys_.clear();
}

}  // namespace basin
