#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

using sql::ExprKind;
using sql::ParsedExpr;

namespace {
const char* ContextName(ExprContext where) {
  switch (where) {
    case ExprContext::kWhere:
      return "WHERE";
    case ExprContext::kGroupBy:
      return "GROUP BY";
    case ExprContext::kJoinCondition:
      return "JOIN conditions";
    case ExprContext::kValues:
      return "VALUES";
    case ExprContext::kMergeWhen:
      return "MERGE WHEN conditions";
    default:
      return "this context";
  }
}
bool AggregatesAllowed(ExprContext where) {
  return where == ExprContext::kSelect || where == ExprContext::kHaving || where == ExprContext::kOrderBy;
}
}  // namespace

ExprPtr Binder::BindFunction(const ParsedExpr& expr, ExprContext where) {
  const std::string& name = expr.function_name;
  if (!expr.arg_names.empty()) {
    throw NotImplementedError("named arguments are supported only by table functions (" + name + ")",
                              expr.location);
  }
  if (expr.window) return BindWindow(expr, where);
  if (FunctionRegistry::Get().FindAggregate(name) || (name == "count" && expr.star)) {
    return BindAggregate(expr, where);
  }
  if (expr.distinct || expr.filter || expr.star) {
    throw BinderError(sqlstate::kWrongObjectType, name + " is not an aggregate function", expr.location);
  }
  if (FunctionRegistry::Get().IsWindowFunction(name)) {
    throw BinderError(sqlstate::kWindowingError, "window function " + name + " requires an OVER clause",
                      expr.location);
  }
  std::vector<ExprPtr> args;
  for (auto& c : expr.children) args.push_back(BindExpression(*c, where));

  if (name == "coalesce" || name == "ifnull") {
    if (args.empty()) throw BinderError(sqlstate::kSyntaxError, "coalesce needs arguments", expr.location);
    std::vector<const Expr*> items;
    for (auto& a : args) items.push_back(a.get());
    LogicalType t = UnifyAll(items, expr.location, "COALESCE");
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
    auto e = std::make_unique<Expr>(ExprClass::kCoalesce);
    e->type = t;
    for (auto& a : args) e->children.push_back(CastTo(std::move(a), t, expr.location));
    return e;
  }
  if (name == "nullif") {
    if (args.size() != 2)
      throw BinderError(sqlstate::kUndefinedFunction, "nullif takes two arguments", expr.location);
    LogicalType t = args[0]->type.id() == TypeId::kNull ? args[1]->type : args[0]->type;
    auto e = std::make_unique<Expr>(ExprClass::kCase);
    e->type = t;
    e->children.push_back(BindComparison("=", args[0]->Copy(), std::move(args[1]), expr.location));
    e->children.push_back(Expr::Constant(Value::Null(t)));
    e->children.push_back(CastTo(std::move(args[0]), t, expr.location));
    return e;
  }
  if (name == "greatest" || name == "least") {
    // NULLs are ignored, as PostgreSQL does: CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a WHEN a op b ...
    if (args.empty())
      throw BinderError(sqlstate::kUndefinedFunction, name + " needs arguments", expr.location);
    std::vector<const Expr*> items;
    for (auto& a : args) items.push_back(a.get());
    LogicalType t = UnifyAll(items, expr.location, name.c_str());
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
    ExprPtr acc = CastTo(std::move(args[0]), t, expr.location);
    for (size_t i = 1; i < args.size(); i++) {
      ExprPtr b = CastTo(std::move(args[i]), t, expr.location);
      auto e = std::make_unique<Expr>(ExprClass::kCase);
      e->type = t;
      auto a_null = std::make_unique<Expr>(ExprClass::kIsNull);
      a_null->type = TypeId::kBoolean;
      a_null->children.push_back(acc->Copy());
      auto b_null = std::make_unique<Expr>(ExprClass::kIsNull);
      b_null->type = TypeId::kBoolean;
      b_null->children.push_back(b->Copy());
      e->children.push_back(std::move(a_null));
      e->children.push_back(b->Copy());
      e->children.push_back(std::move(b_null));
      e->children.push_back(acc->Copy());
      e->children.push_back(
          BindComparison(name == "greatest" ? ">=" : "<=", acc->Copy(), b->Copy(), expr.location));
      e->children.push_back(std::move(acc));
      e->children.push_back(std::move(b));
      acc = std::move(e);
    }
    return acc;
  }
  if (name == "grouping") {
    if (where != ExprContext::kSelect && where != ExprContext::kHaving && where != ExprContext::kOrderBy) {
      throw BinderError(sqlstate::kGroupingError,
                        "GROUPING is not allowed in " + std::string(ContextName(where)), expr.location);
    }
    auto e = std::make_unique<Expr>(ExprClass::kFunction);
    e->name = "grouping";
    e->type = TypeId::kBigInt;
    e->children = std::move(args);
    return e;
  }
  // String literals passed to text functions stay text; others are typed by overload resolution.
  return BindFunctionCall(name, std::move(args), expr.location);
}

namespace {

/// Whether a parse tree calls a window function outside any subquery.
bool ContainsWindow(const ParsedExpr& e) {
  if (e.window) return true;
  for (const auto& c : e.children) {
    if (c && ContainsWindow(*c)) return true;
  }
  for (const auto& o : e.agg_order_by) {
    if (ContainsWindow(*o.expr)) return true;
  }
  return (e.case_operand && ContainsWindow(*e.case_operand)) ||
         (e.case_else && ContainsWindow(*e.case_else)) || (e.filter && ContainsWindow(*e.filter));
}

/// Bind a RANGE frame's `offset` PRECEDING/FOLLOWING for an ORDER BY column of type `column` as PostgreSQL's
/// in_range support functions allow: integer columns move by integers, DECIMAL and float columns by any
/// number, dates, times, timestamps and intervals by INTERVALs. An untyped literal takes the type the column
/// wants. Returns the offset as a checked, non-negative constant.
ExprPtr BindRangeOffset(ExprPtr offset, const LogicalType& column, bool is_start, ClientContext* client,
                        int64_t location) {
  if (!offset->IsFoldable()) {
    throw BinderError(sqlstate::kInvalidColumnReference, "argument of RANGE must not contain variables",
                      location);
  }
  const LogicalType& given = offset->type;
  bool untyped = given.id() == TypeId::kNull || IsStringLiteral(*offset);
  LogicalType target = given;
  bool fits;
  switch (column.id()) {
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      target = TypeId::kBigInt;
      fits = untyped || given.IsInteger();
      break;
    case TypeId::kDecimal:
      // Basin reads 1e0 as DOUBLE where PostgreSQL reads numeric, so DECIMAL columns take floats too; a few
      // digits beyond the column's scale keep the operator's truncation to that scale exact.
      if (untyped || !(given.IsInteger() || given.id() == TypeId::kDecimal)) {
        target = LogicalType::Decimal(LogicalType::kMaxDecimalWidth,
                                      static_cast<uint8_t>(std::min(column.scale() + 6, 38)));
      }
      fits = untyped || given.IsNumeric();
      break;
    case TypeId::kReal:
    case TypeId::kDouble:
      target = TypeId::kDouble;
      fits = untyped || given.IsNumeric();
      break;
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kInterval:
      target = TypeId::kInterval;
      fits = untyped || given.id() == TypeId::kInterval;
      break;
    default:
      throw BinderError(
          sqlstate::kFeatureNotSupported,
          "RANGE with offset PRECEDING/FOLLOWING is not supported for column type " + PgTypeName(column),
          location);
  }
  if (!fits) {
    throw BinderError(sqlstate::kFeatureNotSupported,
                      "RANGE with offset PRECEDING/FOLLOWING is not supported for column type " +
                          PgTypeName(column) + " and offset type " + PgTypeName(given),
                      location);
  }
  Value v = ExpressionExecutor::EvaluateScalar(*offset, client);
  if (v.IsNull()) {
    throw DataError("22004",  // null_value_not_allowed
                    std::string("frame ") + (is_start ? "starting" : "ending") + " offset must not be null");
  }
  v = CastValue(v, target);
  bool negative;
  switch (target.id()) {
    case TypeId::kBigInt:
      negative = v.GetInt64() < 0;
      break;
    case TypeId::kDouble:
      negative = !(v.GetDouble() >= 0);  // NaN too
      break;
    case TypeId::kInterval:
      // TIME moves by the interval's time part only (PostgreSQL's in_range for time ignores months and days).
      negative = column.id() == TypeId::kTime ? v.GetInterval().micros < 0 : v.GetInterval().Normalized() < 0;
      break;
    default:
      negative = target.IsInteger() ? v.GetInt64() < 0 : v.GetHugeInt() < 0;
  }
  if (negative) {
    throw DataError("22013",  // invalid_preceding_or_following_size
                    "invalid preceding or following size in window function");
  }
  return Expr::Constant(v);
}

}  // namespace

ExprPtr Binder::BindAggregate(const ParsedExpr& expr, ExprContext where) {
  std::string name = expr.function_name;
  if (!AggregatesAllowed(where)) {
    throw BinderError(sqlstate::kGroupingError,
                      "aggregate functions are not allowed in " + std::string(ContextName(where)),
                      expr.location);
  }
  std::vector<ExprPtr> args;
  for (auto& c : expr.children) {
    if (ContainsWindow(*c)) {
      if (expr.window)
        throw BinderError(sqlstate::kWindowingError, "window function calls cannot be nested", c->location);
      throw BinderError(sqlstate::kGroupingError,
                        "aggregate function calls cannot contain window function calls", c->location);
    }
    ExprPtr a = BindExpression(*c, ExprContext::kWhere);
    if (a->HasAggregate()) {
      throw BinderError(sqlstate::kGroupingError, "aggregate function calls cannot be nested", c->location);
    }
    args.push_back(std::move(a));
  }
  if (expr.within_group) {
    // percentile_cont(0.5) WITHIN GROUP (ORDER BY x): the ordered value becomes the last argument.
    for (auto& o : expr.agg_order_by) args.push_back(BindExpression(*o.expr, ExprContext::kWhere));
  }
  if (expr.star) {
    if (name != "count")
      throw BinderError(sqlstate::kSyntaxError, name + "(*) is not allowed", expr.location);
    name = "count_star";
    args.clear();
  }
  const auto* overloads = FunctionRegistry::Get().FindAggregate(name);
  if (!overloads)
    throw BinderError(sqlstate::kUndefinedFunction, "function " + name + " does not exist", expr.location);
  const AggregateFunction* best = nullptr;
  int best_cost = INT32_MAX;
  for (const auto& f : *overloads) {
    if (f.arguments.size() != args.size()) continue;
    int cost = 0;
    for (size_t i = 0; i < args.size() && cost >= 0; i++) {
      const LogicalType& want = f.arguments[i];
      if (want.id() == TypeId::kInvalid) continue;
      const Expr& a = *args[i];
      int c;
      if (a.type == want || (want.id() == TypeId::kDecimal && a.type.id() == TypeId::kDecimal))
        c = 0;
      else if (IsUntypedLiteral(a))
        c = 2;
      else
        c = ImplicitCastCost(a.type, want);
      cost = c < 0 ? -1 : cost + c;
    }
    if (cost >= 0 && cost < best_cost) {
      best = &f;
      best_cost = cost;
    }
  }
  if (!best) {
    std::string sig;
    for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + PgTypeName(args[i]->type);
    throw BinderError(sqlstate::kUndefinedFunction, "function " + name + "(" + sig + ") does not exist",
                      expr.location);
  }
  for (size_t i = 0; i < args.size(); i++) {
    const LogicalType& want = best->arguments[i];
    if (want.id() == TypeId::kInvalid ||
        (want.id() == TypeId::kDecimal && args[i]->type.id() == TypeId::kDecimal)) {
      if (args[i]->type.id() == TypeId::kNull) args[i] = CastTo(std::move(args[i]), TypeId::kVarchar);
      continue;
    }
    args[i] = CastTo(std::move(args[i]), want, expr.location);
  }
  auto e = std::make_unique<Expr>(ExprClass::kAggregate);
  e->name = name;
  e->aggregate = best;
  e->type = best->return_type;
  e->distinct = expr.distinct;
  if (best->bind) {
    // WITHIN GROUP (ORDER BY x DESC): ordered-set aggregates learn the direction from a trailing constant
    // TRUE that their bind callback takes out again (aggregates/quantiles.cc).
    if (expr.within_group && expr.agg_order_by.size() == 1 && expr.agg_order_by[0].descending) {
      args.push_back(Expr::Constant(Value::Boolean(true)));
    }
    try {
      e->bind_data = best->bind(args, e->type);
    } catch (Exception& ex) {
      throw Exception(ex.sqlstate(), ex.message(), expr.location);
    }
  }
  e->children = std::move(args);
  if (expr.filter) {
    e->filter =
        BindBoolean(BindExpression(*expr.filter, ExprContext::kWhere), "FILTER", expr.filter->location);
  }
  if (!expr.within_group) {
    for (auto& o : expr.agg_order_by) {
      BoundOrder bo;
      bo.expr = BindExpression(*o.expr, ExprContext::kWhere);
      bo.type = o.descending ? OrderType::kDescending : OrderType::kAscending;
      bo.nulls = o.nulls == sql::NullOrder::kFirst  ? NullsOrder::kFirst
                 : o.nulls == sql::NullOrder::kLast ? NullsOrder::kLast
                                                    : (o.descending ? NullsOrder::kFirst : NullsOrder::kLast);
      e->order_by.push_back(std::move(bo));
    }
  }
  return e;
}

void Binder::ApplyWindowSpec(const sql::WindowSpec& spec, Expr& w, ExprContext where) {
  if (!spec.base_name.empty()) {
    // OVER w, OVER (w ORDER BY ...), WINDOW w2 AS (w ...): the named window's clauses come first, and a
    // refinement may only add what it lacks, as PostgreSQL.
    const sql::WindowSpec* base = nullptr;
    if (windows_) {
      for (const auto& named : *windows_) {
        if (named.name == spec.base_name) base = &named;
        if (&named == &spec) break;  // a WINDOW entry sees only the entries before it
      }
    }
    if (!base || base == &spec) {
      throw BinderError(sqlstate::kUndefinedObject, "window \"" + spec.base_name + "\" does not exist",
                        spec.location);
    }
    const bool refines = !spec.partition_by.empty() || !spec.order_by.empty() || spec.has_frame;
    if (!spec.partition_by.empty()) {
      throw BinderError(sqlstate::kWindowingError,
                        "cannot override PARTITION BY clause of window \"" + spec.base_name + "\"",
                        spec.location);
    }
    if (!spec.order_by.empty() && !base->order_by.empty()) {
      throw BinderError(sqlstate::kWindowingError,
                        "cannot override ORDER BY clause of window \"" + spec.base_name + "\"",
                        spec.location);
    }
    if (refines && base->has_frame) {
      throw BinderError(sqlstate::kWindowingError,
                        "cannot copy window \"" + spec.base_name + "\" because it has a frame clause",
                        spec.location);
    }
    ApplyWindowSpec(*base, w, where);
  }
  for (auto& p : spec.partition_by) w.partition_by.push_back(BindExpression(*p, where));
  for (auto& o : spec.order_by) {
    BoundOrder bo;
    bo.expr = BindExpression(*o.expr, where);
    bo.type = o.descending ? OrderType::kDescending : OrderType::kAscending;
    bo.nulls = o.nulls == sql::NullOrder::kFirst  ? NullsOrder::kFirst
               : o.nulls == sql::NullOrder::kLast ? NullsOrder::kLast
                                                  : (o.descending ? NullsOrder::kFirst : NullsOrder::kLast);
    w.order_by.push_back(std::move(bo));
  }
  if (spec.has_frame) {
    if (spec.frame_mode == sql::FrameMode::kGroups) {
      throw NotImplementedError("GROUPS frames are not supported", spec.location);
    }
    w.has_frame = true;
    w.frame_rows = spec.frame_mode == sql::FrameMode::kRows;
    auto convert = [&](const sql::FrameBound& b, WindowBoundary& kind, ExprPtr& offset) {
      switch (b.kind) {
        case sql::FrameBoundKind::kUnboundedPreceding:
          kind = WindowBoundary::kUnboundedPreceding;
          break;
        case sql::FrameBoundKind::kPreceding:
          kind = WindowBoundary::kPreceding;
          break;
        case sql::FrameBoundKind::kCurrentRow:
          kind = WindowBoundary::kCurrentRow;
          break;
        case sql::FrameBoundKind::kFollowing:
          kind = WindowBoundary::kFollowing;
          break;
        case sql::FrameBoundKind::kUnboundedFollowing:
          kind = WindowBoundary::kUnboundedFollowing;
          break;
      }
      if (b.offset) offset = BindExpression(*b.offset, ExprContext::kWhere);
    };
    convert(spec.frame_start, w.frame_start, w.start_offset);
    convert(spec.frame_end, w.frame_end, w.end_offset);
    // PostgreSQL's checks (gram.y): a frame may not end before it starts.
    const char* bad_frame = nullptr;
    if (w.frame_start == WindowBoundary::kUnboundedFollowing) {
      bad_frame = "frame start cannot be UNBOUNDED FOLLOWING";
    } else if (w.frame_end == WindowBoundary::kUnboundedPreceding) {
      bad_frame = "frame end cannot be UNBOUNDED PRECEDING";
    } else if (w.frame_start == WindowBoundary::kCurrentRow && w.frame_end == WindowBoundary::kPreceding) {
      bad_frame = "frame starting from current row cannot have preceding rows";
    } else if (w.frame_start == WindowBoundary::kFollowing &&
               (w.frame_end == WindowBoundary::kPreceding || w.frame_end == WindowBoundary::kCurrentRow)) {
      bad_frame = "frame starting from following row cannot have preceding rows";
    }
    if (bad_frame) throw BinderError(sqlstate::kWindowingError, bad_frame, spec.location);
    if (!w.frame_rows && (w.start_offset || w.end_offset)) {
      if (w.order_by.size() != 1) {
        throw BinderError(sqlstate::kWindowingError,
                          "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
                          spec.location);
      }
      const LogicalType& column = w.order_by[0].expr->type;
      auto location = [](const sql::FrameBound& b) { return b.offset ? b.offset->location : int64_t{-1}; };
      if (w.start_offset) {
        w.start_offset =
            BindRangeOffset(std::move(w.start_offset), column, true, &context_, location(spec.frame_start));
      }
      if (w.end_offset) {
        w.end_offset =
            BindRangeOffset(std::move(w.end_offset), column, false, &context_, location(spec.frame_end));
      }
    }
  }
}

ExprPtr Binder::BindWindow(const ParsedExpr& expr, ExprContext where) {
  if (where != ExprContext::kSelect && where != ExprContext::kOrderBy) {
    throw BinderError(sqlstate::kWindowingError,
                      "window functions are not allowed in " + std::string(ContextName(where)),
                      expr.location);
  }
  const std::string& name = expr.function_name;
  ExprPtr w;
  if (FunctionRegistry::Get().IsWindowFunction(name)) {
    w = std::make_unique<Expr>(ExprClass::kWindow);
    w->name = name;
    for (auto& c : expr.children) w->children.push_back(BindExpression(*c, ExprContext::kSelect));
    if (name == "row_number" || name == "rank" || name == "dense_rank" || name == "ntile") {
      w->type = TypeId::kBigInt;
      if (name == "ntile") {
        if (w->children.size() != 1)
          throw BinderError(sqlstate::kUndefinedFunction, "ntile takes one argument", expr.location);
        w->children[0] = CastTo(std::move(w->children[0]), TypeId::kBigInt, expr.location);
      }
    } else if (name == "percent_rank" || name == "cume_dist") {
      w->type = TypeId::kDouble;
    } else {
      if (w->children.empty())
        throw BinderError(sqlstate::kUndefinedFunction, name + " needs an argument", expr.location);
      w->type = w->children[0]->type;
      if (w->type.id() == TypeId::kNull) w->type = TypeId::kVarchar;
      if (w->children.size() > 1)
        w->children[1] = CastTo(std::move(w->children[1]), TypeId::kBigInt, expr.location);
      if (w->children.size() > 2) w->children[2] = CastTo(std::move(w->children[2]), w->type, expr.location);
    }
  } else {
    // Bound as an aggregate (the same overload rules), then turned into a window expression.
    ExprPtr agg = BindAggregate(expr, ExprContext::kSelect);
    if (agg->distinct)
      throw NotImplementedError("DISTINCT is not implemented for window functions", expr.location);
    if (!agg->order_by.empty()) {
      throw NotImplementedError("aggregate ORDER BY is not implemented for window functions", expr.location);
    }
    w = std::move(agg);
    w->cls = ExprClass::kWindow;
  }
  const sql::WindowSpec* spec = expr.window.get();
  w->ignore_nulls = expr.ignore_nulls;
  ApplyWindowSpec(*spec, *w, ExprContext::kSelect);
  return w;
}

}  // namespace basin
