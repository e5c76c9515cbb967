// SESSION(source, time column, gap [, key column ...]): a session is a run of a key's rows, in time order,
// each within `gap` of the one before; window_start is its first time, window_end its last time + gap (as
// Flink's session windows: [first, last + gap)). A batch query numbers the sessions with window operators:
//
//   lag(ts)   OVER (PARTITION BY keys ORDER BY ts)                          the previous row's time
//   count(*)  FILTER (WHERE ts - lag > gap or no lag) OVER (... ORDER BY ts)  the session's number (peers
//                                                                           share it: RANGE frame)
//   min(ts), max(ts) OVER (PARTITION BY keys, number)                       its bounds
//
// A row whose time is NULL gets NULL windows (as TUMBLE gives). A continuous query merges sessions in its
// state instead (src/stream/session_windows.h).

#include "common/exception.h"
#include "execution/function.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

namespace {

/// An aggregate over a window, by name and exact argument types (or an any-type overload).
ExprPtr WindowAggregate(const std::string& name, std::vector<ExprPtr> args, const LogicalType& type) {
  const auto* overloads = FunctionRegistry::Get().FindAggregate(name);
  const AggregateFunction* found = nullptr;
  for (size_t i = 0; overloads && i < overloads->size() && !found; i++) {
    const AggregateFunction& f = (*overloads)[i];
    bool fits = f.arguments.size() == args.size();
    for (size_t a = 0; fits && a < args.size(); a++) {
      fits = f.arguments[a].id() == TypeId::kInvalid || f.arguments[a] == args[a]->type;
    }
    if (fits) found = &f;
  }
  if (!found) throw InternalError("SESSION: no aggregate " + name + " for " + type.ToString());
  auto e = std::make_unique<Expr>(ExprClass::kWindow);
  e->name = name;
  e->aggregate = found;
  e->type = found->return_type;
  if (found->bind) e->bind_data = found->bind(args, e->type);
  e->children = std::move(args);
  return e;
}

}  // namespace

std::pair<ExprPtr, ExprPtr> Binder::BindSessionWindows(const sql::ParsedExpr& fn, const BindingEntry& src,
                                                       size_t time_index, LogicalOperatorPtr& plan,
                                                       WindowTableFunction& window) {
  const LogicalType time_type = src.types[time_index];
  auto time = [&] { return Expr::ColumnRef(window.time, time_type, src.names[time_index]); };
  auto gap = [&] { return Expr::Constant(Value::Interval(interval_t{0, 0, window.size})); };

  // The keys: columns of the source, named.
  std::vector<ExprPtr> keys;
  for (size_t k = 3; k < fn.children.size(); k++) {
    const sql::ParsedExpr& key = *fn.children[k];
    if (key.kind != sql::ExprKind::kColumnRef || key.names.size() != 1) {
      throw BinderError(sqlstate::kSyntaxError, "SESSION's arguments after the gap are columns of its source",
                        key.location);
    }
    size_t found = src.names.size();
    for (size_t i = 0; i < src.names.size(); i++) {
      if (src.names[i] == key.names[0]) found = i;
    }
    if (found == src.names.size()) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + key.names[0] + "\" does not exist in SESSION's source", key.location);
    }
    const ColumnBinding b{src.table_index, src.binding_columns[found]};
    window.keys.push_back(b);
    keys.push_back(Expr::ColumnRef(b, src.types[found], src.names[found]));
  }
  auto partitioned = [&](ExprPtr w, bool ordered) {
    for (const ExprPtr& k : keys) w->partition_by.push_back(k->Copy());
    if (ordered) {
      BoundOrder order;
      order.expr = time();
      w->order_by.push_back(std::move(order));
    }
    return w;
  };
  auto window_op = [&](std::vector<ExprPtr> expressions) {
    auto op = std::make_unique<LogicalOperator>(LogicalOpType::kWindow);
    op->table_index = NextTableIndex();
    op->expressions = std::move(expressions);
    op->children.push_back(std::move(plan));
    plan = std::move(op);
    return plan->table_index;
  };

  // The previous row's time.
  auto lag = std::make_unique<Expr>(ExprClass::kWindow);
  lag->name = "lag";
  lag->type = time_type;
  lag->children.push_back(time());
  std::vector<ExprPtr> first;
  first.push_back(partitioned(std::move(lag), true));
  const uint64_t lag_index = window_op(std::move(first));

  // The session's number: the rows so far that start one (no previous row within the gap).
  std::vector<ExprPtr> diff;
  diff.push_back(time());
  diff.push_back(Expr::ColumnRef({lag_index, 0}, time_type, "lag"));
  ExprPtr within =
      BindComparison("<=", BindFunctionCall("-", std::move(diff), fn.location), gap(), fn.location);
  auto coalesce = std::make_unique<Expr>(ExprClass::kCoalesce);
  coalesce->type = TypeId::kBoolean;
  coalesce->children.push_back(std::move(within));
  coalesce->children.push_back(Expr::Constant(Value::Boolean(false)));
  auto starts = std::make_unique<Expr>(ExprClass::kNot);
  starts->type = TypeId::kBoolean;
  starts->children.push_back(std::move(coalesce));
  ExprPtr number = WindowAggregate("count_star", {}, TypeId::kBigInt);
  number->filter = std::move(starts);
  std::vector<ExprPtr> second;
  second.push_back(partitioned(std::move(number), true));
  const uint64_t number_index = window_op(std::move(second));

  // Its bounds.
  std::vector<ExprPtr> bounds;
  for (const char* name : {"min", "max"}) {
    std::vector<ExprPtr> args;
    args.push_back(time());
    ExprPtr w = partitioned(WindowAggregate(name, std::move(args), time_type), false);
    w->partition_by.push_back(Expr::ColumnRef({number_index, 0}, TypeId::kBigInt, "session"));
    bounds.push_back(std::move(w));
  }
  const uint64_t bounds_index = window_op(std::move(bounds));

  auto plus_gap = [&](ExprPtr t) {
    std::vector<ExprPtr> plus;
    plus.push_back(std::move(t));
    plus.push_back(gap());
    return BindFunctionCall("+", std::move(plus), fn.location);
  };
  window.event_end = plus_gap(time());
  ExprPtr start = Expr::ColumnRef({bounds_index, 0}, time_type);
  ExprPtr end = plus_gap(Expr::ColumnRef({bounds_index, 1}, time_type));
  start->alias = "window_start";
  end->alias = "window_end";
  return {std::move(start), std::move(end)};
}

}  // namespace basin
