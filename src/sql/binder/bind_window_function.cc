// Window table functions: TUMBLE(source, time column, size), HOP(source, time column, slide, size) and
// SESSION(source, time column, gap [, key column ...]) in FROM. They return the source's columns plus
// window_start and window_end, of the time column's type: the same query text runs as a batch query here and
// as a continuous one in the stream processor. SESSION's windows are built in bind_session_window.cc.

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

namespace {

/// HOP puts each row in size / slide windows: a bound on what one row may become.
constexpr int64_t kMaxWindowsPerRow = 1000;

std::string Micros(int64_t micros) {
  return interval::ToString(interval_t{0, 0, micros});
}

}  // namespace

bool IsWindowTableFunction(const std::string& name) {
  return name == "tumble" || name == "hop" || name == "session";
}

LogicalOperatorPtr Binder::BindWindowTableFunction(const sql::TableRef& ref) {
  const sql::ParsedExpr& fn = *ref.function;
  const bool hop = fn.function_name == "hop", session = fn.function_name == "session";
  const std::string upper = hop ? "HOP" : session ? "SESSION" : "TUMBLE";
  const bool arity = session ? fn.children.size() >= 3 : fn.children.size() == (hop ? 4u : 3u);
  if (!arity || fn.distinct || fn.star) {
    throw BinderError(sqlstate::kUndefinedFunction,
                      upper + (hop       ? " takes (source, time column, slide, size)"
                               : session ? " takes (source, time column, gap [, key column ...])"
                                         : " takes (source, time column, size)"),
                      fn.location);
  }
  for (const std::string& arg_name : fn.arg_names) {
    if (!arg_name.empty()) {
      throw BinderError(sqlstate::kSyntaxError, upper + " takes no named arguments", fn.location);
    }
  }
  const sql::ParsedExpr& source = *fn.children[0];
  if (source.kind != sql::ExprKind::kColumnRef || source.names.size() > 2) {
    throw BinderError(sqlstate::kSyntaxError,
                      "the first argument of " + upper + " is the name of a table, view or topic",
                      source.location);
  }
  const sql::ParsedExpr& time = *fn.children[1];
  if (time.kind != sql::ExprKind::kColumnRef || time.names.size() != 1) {
    throw BinderError(sqlstate::kSyntaxError,
                      "the second argument of " + upper + " is a column of its source", time.location);
  }

  // The sizes: constant intervals of a fixed length.
  auto duration = [&](const sql::ParsedExpr& arg, const char* what) -> int64_t {
    ExprPtr e = BindExpression(arg, ExprContext::kOther);
    if (!e->IsFoldable()) {
      throw BinderError(sqlstate::kFeatureNotSupported, upper + "'s " + what + " must be a constant",
                        arg.location);
    }
    if (e->type.id() != TypeId::kInterval && !IsUntypedLiteral(*e)) {
      throw BinderError(sqlstate::kDatatypeMismatch,
                        upper + "'s " + what + " must be an INTERVAL, not " + e->type.ToString(),
                        arg.location);
    }
    Value v =
        ExpressionExecutor::EvaluateScalar(*CastTo(std::move(e), TypeId::kInterval, arg.location), &context_);
    if (v.IsNull()) {
      throw BinderError(sqlstate::kInvalidParameterValue, upper + "'s " + what + " must not be NULL",
                        arg.location);
    }
    const interval_t iv = v.GetInterval();
    if (iv.months != 0) {
      throw BinderError(sqlstate::kFeatureNotSupported,
                        upper + "'s " + what + " cannot contain months or years (they vary in length)",
                        arg.location);
    }
    const __int128 micros = static_cast<__int128>(iv.days) * kMicrosPerDay + iv.micros;
    if (micros <= 0 || micros > INT64_MAX / 2) {
      throw BinderError(sqlstate::kInvalidParameterValue,
                        upper + "'s " + what + " must be positive, not " + interval::ToString(iv),
                        arg.location);
    }
    return static_cast<int64_t>(micros);
  };
  const int64_t size = session ? duration(*fn.children[2], "gap") : duration(*fn.children.back(), "size");
  const int64_t slide = hop ? duration(*fn.children[2], "slide") : size;
  if (size % slide != 0) {
    throw BinderError(
        sqlstate::kInvalidParameterValue,
        "HOP's size (" + Micros(size) + ") must be a multiple of its slide (" + Micros(slide) + ")",
        fn.children.back()->location);
  }
  if (size / slide > kMaxWindowsPerRow) {
    throw BinderError(sqlstate::kProgramLimitExceeded,
                      "HOP's size is " + std::to_string(size / slide) + " slides: at most " +
                          std::to_string(kMaxWindowsPerRow) + " windows per row are supported",
                      fn.children.back()->location);
  }

  // The source, bound as a FROM item of its own under a name no query can write, so that it never collides
  // with another item's; the function's result takes the source's name (or the alias) instead.
  sql::TableRef source_ref;
  source_ref.names = source.names;
  source_ref.alias = upper + " source";
  source_ref.location = source.location;
  const size_t before = bindings_.size();
  LogicalOperatorPtr plan = BindBaseTable(source_ref);
  if (bindings_.size() != before + 1) throw InternalError("a FROM item makes one binding");
  BindingEntry src = std::move(bindings_.back());
  bindings_.pop_back();

  int time_index = -1;
  for (size_t i = 0; i < src.names.size(); i++) {
    if (src.names[i] == time.names[0]) time_index = static_cast<int>(i);
  }
  if (time_index < 0) {
    throw BinderError(sqlstate::kUndefinedColumn,
                      "column \"" + time.names[0] + "\" does not exist in \"" + source.names.back() + "\"",
                      time.location);
  }
  const LogicalType time_type = src.types[time_index];
  if (time_type.id() != TypeId::kTimestamp && time_type.id() != TypeId::kTimestampTz) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      upper + "'s time column \"" + time.names[0] + "\" is " + time_type.ToString() +
                          ", not TIMESTAMP or TIMESTAMPTZ",
                      time.location);
  }

  auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = NextTableIndex();
  for (size_t i = 0; i < src.names.size(); i++) {
    const ColumnBinding column{src.table_index, src.binding_columns[i]};
    if (src.get) {
      auto& ids = src.get->column_ids;
      if (std::find(ids.begin(), ids.end(), column.column_index) == ids.end())
        ids.push_back(column.column_index);
    }
    proj->expressions.push_back(Expr::ColumnRef(column, src.types[i], src.names[i]));
  }
  const ColumnBinding time_binding{src.table_index, src.binding_columns[time_index]};
  auto window = std::make_shared<WindowTableFunction>();
  window->name = fn.function_name;
  window->size = size;
  window->slide = session ? 0 : slide;
  window->time = time_binding;
  window->time_column = time.names[0];
  if (session) {
    auto [start, end] = BindSessionWindows(fn, src, time_index, plan, *window);
    proj->expressions.push_back(std::move(start));
    proj->expressions.push_back(std::move(end));
  } else {
    auto [start, end] = BindFixedWindows(fn, time_binding, time_type, size, slide, plan);
    proj->expressions.push_back(std::move(start));
    proj->expressions.push_back(std::move(end));
  }
  proj->children.push_back(std::move(plan));
  proj->window_function = std::move(window);

  BindingEntry entry;
  entry.alias = ref.alias.empty() ? source.names.back() : ref.alias;
  entry.table_index = proj->table_index;
  entry.names = src.names;
  entry.types = src.types;
  entry.names.push_back("window_start");
  entry.names.push_back("window_end");
  entry.types.push_back(time_type);
  entry.types.push_back(time_type);
  for (size_t i = 0; i < entry.names.size(); i++) entry.binding_columns.push_back(i);
  AddBinding(std::move(entry), &ref, ref.location);
  return proj;
}

std::pair<ExprPtr, ExprPtr> Binder::BindFixedWindows(const sql::ParsedExpr& fn, ColumnBinding time_binding,
                                                     const LogicalType& time_type, int64_t size,
                                                     int64_t slide, LogicalOperatorPtr& plan) {
  const bool hop = fn.function_name == "hop";
  const sql::ParsedExpr& time = *fn.children[1];
  auto interval_constant = [](int64_t micros) {
    return Expr::Constant(Value::Interval(interval_t{0, 0, micros}));
  };
  const Value epoch = time_type.id() == TypeId::kTimestamp ? Value::Timestamp(0) : Value::TimestampTz(0);
  // window_start: the time floored to a slide since the epoch, minus k slides for HOP's k-th window of the
  // row (k < size / slide, from a cross join with the offsets); window_end: start + size.
  std::vector<ExprPtr> bin;
  bin.push_back(interval_constant(slide));
  bin.push_back(Expr::ColumnRef(time_binding, time_type, time.names[0]));
  bin.push_back(Expr::Constant(epoch));
  ExprPtr start = BindFunctionCall("date_bin", std::move(bin), fn.location);
  if (hop) {
    auto offsets = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
    auto chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{TypeId::kInterval});
    for (int64_t k = 0; k < size / slide; k++)
      chunk->SetValue(0, k, Value::Interval(interval_t{0, 0, k * slide}));
    chunk->SetCardinality(static_cast<size_t>(size / slide));
    offsets->push_back(std::move(chunk));
    LogicalOperatorPtr scan = ChunkScan(offsets, {TypeId::kInterval});
    const ColumnBinding offset{scan->table_index, 0};
    auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
    join->join_type = LogicalJoinType::kInner;
    join->children.push_back(std::move(plan));
    join->children.push_back(std::move(scan));
    plan = std::move(join);
    std::vector<ExprPtr> minus;
    minus.push_back(std::move(start));
    minus.push_back(Expr::ColumnRef(offset, TypeId::kInterval, "offset"));
    start = BindFunctionCall("-", std::move(minus), fn.location);
  }
  std::vector<ExprPtr> plus;
  plus.push_back(start->Copy());
  plus.push_back(interval_constant(size));
  ExprPtr end = BindFunctionCall("+", std::move(plus), fn.location);
  start->alias = "window_start";
  end->alias = "window_end";
  return {std::move(start), std::move(end)};
}

}  // namespace basin
