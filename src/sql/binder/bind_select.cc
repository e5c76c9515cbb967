#include <algorithm>
#include <functional>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

using sql::ExprKind;

Binder::Binder(ClientContext& context, Binder* parent) : context_(context), parent_(parent) {
  root_ = parent ? parent->root_ : this;
}

uint64_t Binder::NextTableIndex() {
  return root_->next_table_index_++;
}

namespace {

/// Pulls aggregates, group expressions and GROUPING() calls out of expressions computed above an aggregate.
struct AggregateExtractor {
  LogicalOperator& agg;
  void Rewrite(ExprPtr& e) {
    for (size_t g = 0; g < agg.groups.size(); g++) {
      if (e->cls != ExprClass::kConstant && e->Equals(*agg.groups[g])) {
        std::string alias = e->alias;
        e = Expr::ColumnRef({agg.table_index, g}, agg.groups[g]->type, alias);
        return;
      }
    }
    switch (e->cls) {
      case ExprClass::kAggregate: {
        size_t idx = agg.expressions.size();
        for (size_t i = 0; i < agg.expressions.size(); i++) {
          if (agg.expressions[i]->Equals(*e)) idx = i;
        }
        LogicalType t = e->type;
        if (idx == agg.expressions.size()) agg.expressions.push_back(std::move(e));
        e = Expr::ColumnRef({agg.aggregate_index, idx}, t);
        return;
      }
      case ExprClass::kColumnRef:
        if (e->depth == 0) {
          throw BinderError(sqlstate::kGroupingError,
                            "column \"" + e->alias +
                                "\" must appear in the GROUP BY clause or be used in an aggregate function");
        }
        return;
      case ExprClass::kFunction:
        if (e->name == "grouping" && !e->function) {
          std::vector<size_t> indexes;
          for (auto& c : e->children) {
            size_t found = agg.groups.size();
            for (size_t g = 0; g < agg.groups.size(); g++) {
              if (c->Equals(*agg.groups[g])) found = g;
            }
            if (found == agg.groups.size()) {
              throw BinderError(sqlstate::kGroupingError,
                                "arguments to GROUPING must be grouping expressions");
            }
            indexes.push_back(found);
          }
          agg.grouping_functions.push_back(indexes);
          e = Expr::ColumnRef({agg.grouping_index, agg.grouping_functions.size() - 1}, TypeId::kBigInt);
          return;
        }
        break;
      case ExprClass::kWindow:
        for (auto& c : e->children) Rewrite(c);
        for (auto& p : e->partition_by) Rewrite(p);
        for (auto& o : e->order_by) Rewrite(o.expr);
        if (e->aggregate && e->filter) Rewrite(e->filter);
        return;
      case ExprClass::kSubquery:
        for (auto& c : e->children) Rewrite(c);
        return;
      default:
        break;
    }
    for (auto& c : e->children) Rewrite(c);
  }
};

/// Pulls window functions out of select expressions into a window operator.
void ExtractWindows(ExprPtr& e, LogicalOperator& window) {
  if (e->cls == ExprClass::kWindow) {
    LogicalType t = e->type;
    size_t idx = window.expressions.size();
    for (size_t i = 0; i < window.expressions.size(); i++) {
      if (window.expressions[i]->Equals(*e)) idx = i;
    }
    if (idx == window.expressions.size()) window.expressions.push_back(std::move(e));
    e = Expr::ColumnRef({window.table_index, idx}, t);
    return;
  }
  for (auto& c : e->children) ExtractWindows(c, window);
}

}  // namespace

void ExtractAggregatesInto(ExprPtr& e, LogicalOperator& agg) {
  AggregateExtractor{agg}.Rewrite(e);
}
void ExtractWindowsInto(ExprPtr& e, LogicalOperator& window) {
  ExtractWindows(e, window);
}

bool IsOrdinal(const sql::ParsedExpr& e, int64_t& value) {
  if (e.kind != ExprKind::kConstant || e.constant_kind != sql::ConstantKind::kInteger) return false;
  try {
    value = std::stoll(e.text);
  } catch (...) {
    return false;
  }
  return true;
}

BoundOrder MakeOrder(ExprPtr e, const sql::OrderByItem& o) {
  BoundOrder bo;
  bo.expr = std::move(e);
  bo.type = o.descending ? OrderType::kDescending : OrderType::kAscending;
  bo.nulls = o.nulls == sql::NullOrder::kFirst  ? NullsOrder::kFirst
             : o.nulls == sql::NullOrder::kLast ? NullsOrder::kLast
                                                : (o.descending ? NullsOrder::kFirst : NullsOrder::kLast);
  return bo;
}

/// How many times a query names a table `name` in FROM clauses, its subqueries and CTE definitions
/// included (a shadowing inner CTE of the same name also counts; that only costs a materialisation).
size_t CountTableReferences(const sql::SelectStatement& select, const std::string& name);

namespace {

size_t CountInExpr(const sql::ParsedExpr* e, const std::string& name);
size_t CountInNode(const sql::QueryNode* n, const std::string& name);

size_t CountInRef(const sql::TableRef* r, const std::string& name) {
  if (!r) return 0;
  switch (r->kind) {
    case sql::TableRef::Kind::kBaseTable:
      return r->names.size() == 1 && r->names[0] == name ? 1 : 0;
    case sql::TableRef::Kind::kSubquery:
      return r->subquery ? CountTableReferences(*r->subquery, name) : 0;
    case sql::TableRef::Kind::kJoin:
      return CountInRef(r->left.get(), name) + CountInRef(r->right.get(), name) +
             CountInExpr(r->condition.get(), name);
    case sql::TableRef::Kind::kTableFunction: {
      // TUMBLE(cte, ...) names a relation by its first argument.
      const sql::ParsedExpr& fn = *r->function;
      const bool names_it = IsWindowTableFunction(fn.function_name) && !fn.children.empty() &&
                            fn.children[0]->kind == sql::ExprKind::kColumnRef &&
                            fn.children[0]->names.size() == 1 && fn.children[0]->names[0] == name;
      return (names_it ? 1 : 0) + CountInExpr(r->function.get(), name);
    }
  }
  return 0;
}

size_t CountInWindow(const sql::WindowSpec* w, const std::string& name) {
  if (!w) return 0;
  size_t n = CountInExpr(w->frame_start.offset.get(), name) + CountInExpr(w->frame_end.offset.get(), name);
  for (auto& p : w->partition_by) n += CountInExpr(p.get(), name);
  for (auto& o : w->order_by) n += CountInExpr(o.expr.get(), name);
  return n;
}

size_t CountInExpr(const sql::ParsedExpr* e, const std::string& name) {
  if (!e) return 0;
  size_t n = CountInExpr(e->case_operand.get(), name) + CountInExpr(e->case_else.get(), name) +
             CountInExpr(e->filter.get(), name) + CountInWindow(e->window.get(), name);
  for (auto& c : e->children) n += CountInExpr(c.get(), name);
  for (auto& o : e->agg_order_by) n += CountInExpr(o.expr.get(), name);
  if (e->subquery) n += CountTableReferences(*e->subquery, name);
  return n;
}

size_t CountInNode(const sql::QueryNode* node, const std::string& name) {
  if (!node) return 0;
  size_t n = CountInRef(node->from.get(), name) + CountInExpr(node->where.get(), name) +
             CountInExpr(node->having.get(), name) + CountInExpr(node->qualify.get(), name);
  for (auto& e : node->select_list) n += CountInExpr(e.get(), name);
  for (auto& e : node->distinct_on) n += CountInExpr(e.get(), name);
  for (auto& g : node->group_by) {
    n += CountInExpr(g.expr.get(), name);
    for (auto& set : g.sets) {
      for (auto& e : set) n += CountInExpr(e.get(), name);
    }
  }
  for (auto& w : node->windows) n += CountInWindow(&w, name);
  for (auto& row : node->values) {
    for (auto& e : row) n += CountInExpr(e.get(), name);
  }
  if (node->left) n += CountTableReferences(*node->left, name);
  if (node->right) n += CountTableReferences(*node->right, name);
  return n;
}

}  // namespace

size_t CountTableReferences(const sql::SelectStatement& select, const std::string& name) {
  size_t n = CountInNode(select.body.get(), name) + CountInExpr(select.limit.get(), name) +
             CountInExpr(select.offset.get(), name);
  for (auto& cte : select.ctes) {
    if (cte.query) n += CountTableReferences(*cte.query, name);
  }
  for (auto& o : select.order_by) n += CountInExpr(o.expr.get(), name);
  return n;
}

ExprPtr Binder::BindConstantExpression(const sql::ParsedExpr& expr) {
  return BindExpression(expr, ExprContext::kValues);
}

int64_t Binder::BindLimitValue(const sql::ParsedExpr* expr, const char* what) {
  if (!expr) return -1;
  ExprPtr e = BindExpression(*expr, ExprContext::kOther);
  if (!e->IsFoldable()) {
    throw BinderError(sqlstate::kInvalidColumnReference,
                      std::string("argument of ") + what + " must not contain variables", expr->location);
  }
  Value v = CastValue(ExpressionExecutor::EvaluateScalar(*e, &context_), TypeId::kBigInt);
  if (v.IsNull()) return -1;
  if (v.GetInt64() < 0) {
    // invalid_row_count_in_limit_clause / invalid_row_count_in_result_offset_clause
    throw DataError(std::string(what) == "LIMIT" ? "2201W" : "2201X",
                    std::string(what) + " must not be negative");
  }
  return v.GetInt64();
}

BoundQuery Binder::BindQuery(const sql::SelectStatement& select) {
  for (auto& cte : select.ctes) {
    if (std::any_of(select.ctes.begin(), select.ctes.end(),
                    [&](const auto& other) { return &other < &cte && other.name == cte.name; })) {
      throw BinderError("42712",  // duplicate_alias
                        "WITH query name \"" + cte.name + "\" specified more than once", cte.location);
    }
    CteInfo info;
    info.cte = &cte;
    info.in_recursive_with = select.recursive;
    if (!select.recursive && CountTableReferences(select, cte.name) > 1) {
      info.materialized = std::make_shared<CteInfo::Materialized>();
      info.materialized->chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
    }
    ctes_[cte.name] = info;
  }
  if (select.recursive) {
    for (auto& cte : select.ctes) {
      const auto* body = cte.query ? cte.query->body.get() : nullptr;
      if (body && body->kind == sql::QueryNode::Kind::kSetOperation &&
          body->set_op == sql::QueryNode::SetOp::kUnion) {
        // Recursive CTEs are planned once, here, and referenced as a materialised table.
        BoundQuery q = BindRecursiveCte(cte);
        if (q.plan) recursive_plans_[cte.name] = std::make_shared<BoundQuery>(std::move(q));
      }
    }
  }
  BoundQuery q = BindQueryNode(*select.body, select);
  if (select.body->kind != sql::QueryNode::Kind::kSelect) ApplyOrderLimit(q, select);
  // CTEs computed once: their plans run before this query (ClientContext runs kMaterialize first).
  std::unique_ptr<LogicalOperator> materialize;
  for (auto& cte : select.ctes) {
    auto it = ctes_.find(cte.name);
    if (it == ctes_.end() || !it->second.materialized || !it->second.materialized->bound) continue;
    if (!materialize) {
      materialize = std::make_unique<LogicalOperator>(LogicalOpType::kMaterialize);
      materialize->children.push_back(nullptr);
    }
    materialize->children.push_back(std::move(it->second.materialized->query.plan));
    materialize->materialized.push_back(it->second.materialized->chunks);
  }
  if (materialize) {
    materialize->children[0] = std::move(q.plan);
    q.plan = std::move(materialize);
  }
  if (root_ == this &&
      std::any_of(q.types.begin(), q.types.end(), [](auto& t) { return t.id() == TypeId::kNull; })) {
    // Untyped NULL columns that nothing gave a type (SELECT NULL) come out as text, as in PostgreSQL.
    auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    proj->table_index = NextTableIndex();
    auto bindings = q.plan->GetColumnBindings();
    for (size_t i = 0; i < q.types.size(); i++) {
      ExprPtr ref = Expr::ColumnRef(bindings[i], q.types[i], q.names[i]);
      if (q.types[i].id() == TypeId::kNull) {
        ref = Expr::Cast(std::move(ref), TypeId::kVarchar);
        q.types[i] = TypeId::kVarchar;
      }
      proj->expressions.push_back(std::move(ref));
    }
    proj->children.push_back(std::move(q.plan));
    q.plan = std::move(proj);
  }
  return q;
}

BoundQuery Binder::BindQueryNode(const sql::QueryNode& node, const sql::SelectStatement& select) {
  switch (node.kind) {
    case sql::QueryNode::Kind::kSelect:
      return BindSelectNode(node, select);
    case sql::QueryNode::Kind::kSetOperation:
      return BindSetOperation(node);
    case sql::QueryNode::Kind::kValues:
      return BindValues(node);
  }
  throw InternalError("unknown query node");
}

void Binder::ApplyOrderLimit(BoundQuery& q, const sql::SelectStatement& select) {
  if (!select.order_by.empty()) {
    auto order = std::make_unique<LogicalOperator>(LogicalOpType::kOrder);
    auto bindings = q.plan->GetColumnBindings();
    for (auto& o : select.order_by) {
      int64_t ordinal;
      size_t index = q.names.size();
      if (IsOrdinal(*o.expr, ordinal)) {
        if (ordinal < 1 || ordinal > static_cast<int64_t>(q.names.size())) {
          throw BinderError(sqlstate::kInvalidColumnReference,
                            "ORDER BY position " + std::to_string(ordinal) + " is not in select list",
                            o.expr->location);
        }
        index = static_cast<size_t>(ordinal - 1);
      } else if (o.expr->kind == ExprKind::kColumnRef && o.expr->names.size() == 1) {
        for (size_t i = 0; i < q.names.size(); i++) {
          if (q.names[i] == o.expr->names[0]) index = i;
        }
      }
      if (index == q.names.size() && o.expr->kind == ExprKind::kColumnRef && o.expr->names.size() == 1) {
        throw BinderError(sqlstate::kUndefinedColumn, "column \"" + o.expr->names[0] + "\" does not exist",
                          o.expr->location);
      }
      if (index == q.names.size()) {
        throw NotImplementedError(
            "ORDER BY on a UNION/INTERSECT/EXCEPT or VALUES result must name an output column",
            o.expr->location);
      }
      order->orders.push_back(MakeOrder(Expr::ColumnRef(bindings[index], q.types[index], q.names[index]), o));
    }
    order->children.push_back(std::move(q.plan));
    q.plan = std::move(order);
  }
  int64_t limit = BindLimitValue(select.limit.get(), "LIMIT");
  int64_t offset = BindLimitValue(select.offset.get(), "OFFSET");
  if (limit >= 0 || offset > 0) {
    auto lim = std::make_unique<LogicalOperator>(LogicalOpType::kLimit);
    lim->limit = limit;
    lim->offset = std::max<int64_t>(offset, 0);
    lim->children.push_back(std::move(q.plan));
    q.plan = std::move(lim);
  }
}

BoundQuery Binder::BindValues(const sql::QueryNode& node) {
  auto values = std::make_unique<LogicalOperator>(LogicalOpType::kValues);
  values->table_index = NextTableIndex();
  size_t width = node.values.empty() ? 0 : node.values[0].size();
  std::vector<std::vector<ExprPtr>> rows;
  for (auto& row : node.values) {
    if (row.size() != width) {
      throw BinderError(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                        row.empty() ? node.location : row[0]->location);
    }
    std::vector<ExprPtr> bound;
    for (auto& e : row) {
      ExprPtr b = BindExpression(*e, ExprContext::kValues);
      if (b->HasSubquery()) throw NotImplementedError("subqueries in VALUES are not supported", e->location);
      bound.push_back(std::move(b));
    }
    rows.push_back(std::move(bound));
  }
  BoundQuery q;
  for (size_t c = 0; c < width; c++) {
    std::vector<const Expr*> column;
    for (auto& row : rows) column.push_back(row[c].get());
    LogicalType t = UnifyAll(column, node.location, "VALUES");
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
    for (auto& row : rows) row[c] = CastTo(std::move(row[c]), t, node.location);
    q.types.push_back(t);
    q.names.push_back("column" + std::to_string(c + 1));
  }
  values->values = std::move(rows);
  values->types = q.types;
  q.plan = std::move(values);
  return q;
}

BoundQuery Binder::BindSetOperation(const sql::QueryNode& node) {
  auto bind_side = [&](const sql::SelectStatement& s) {
    Binder side(context_, parent_);
    side.root_ = root_;
    for (Binder* b = this; b; b = b->parent_) {
      for (auto& [name, info] : b->ctes_) {
        if (!side.ctes_.count(name)) side.ctes_[name] = info;
      }
      for (auto& [name, plan] : b->recursive_plans_) {
        if (!side.recursive_plans_.count(name)) side.recursive_plans_[name] = plan;
      }
    }
    BoundQuery q = side.BindQuery(s);
    for (auto& c : side.correlated_) {
      if (std::find(correlated_.begin(), correlated_.end(), c) == correlated_.end()) correlated_.push_back(c);
    }
    return q;
  };
  BoundQuery left = bind_side(*node.left);
  BoundQuery right = bind_side(*node.right);
  if (left.types.size() != right.types.size()) {
    const char* op = node.set_op == sql::QueryNode::SetOp::kUnion
                         ? "UNION"
                         : (node.set_op == sql::QueryNode::SetOp::kIntersect ? "INTERSECT" : "EXCEPT");
    throw BinderError(sqlstate::kSyntaxError,
                      std::string("each ") + op + " query must have the same number of columns",
                      node.location);
  }
  // An untyped string literal column (SELECT 'abc') takes the other side's type, as PostgreSQL's unknown
  // literals: it is cast now, so that a literal that does not fit fails here (22P02).
  auto untyped_literal = [](BoundQuery& q, size_t i) -> ExprPtr* {
    LogicalOperator* top = q.plan.get();
    if (top->type != LogicalOpType::kProjection || i >= top->expressions.size()) return nullptr;
    ExprPtr& e = top->expressions[i];
    return IsStringLiteral(*e) ? &e : nullptr;
  };
  std::vector<LogicalType> types;
  for (size_t i = 0; i < left.types.size(); i++) {
    LogicalType t =
        left.types[i] == right.types[i] ? left.types[i] : CommonSuperType(left.types[i], right.types[i]);
    if (left.types[i].id() == TypeId::kNull) t = right.types[i];
    if (right.types[i].id() == TypeId::kNull) t = left.types[i];
    ExprPtr* left_literal = untyped_literal(left, i);
    ExprPtr* right_literal = untyped_literal(right, i);
    auto type_literal = [&](ExprPtr& literal, LogicalType& literal_type, const LogicalType& other) {
      ExprPtr typed = CastTo(literal->Copy(), other, node.location);  // 22P02 when it is no `other`
      t = other;
      if (other.id() == TypeId::kDecimal) {
        // PostgreSQL's numeric keeps every digit written: widen the column to fit the literal.
        sql::ParsedExpr number;
        number.kind = sql::ExprKind::kConstant;
        number.constant_kind = sql::ConstantKind::kNumeric;
        number.text = literal->value.ToString();
        ExprPtr exact;
        try {
          exact = BindConstant(number);
        } catch (Exception&) {
        }
        LogicalType wide = exact ? CommonSuperType(other, exact->type) : LogicalType(TypeId::kInvalid);
        if (exact && exact->type.id() == TypeId::kDecimal && wide.id() == TypeId::kDecimal) {
          typed = std::move(exact);
          t = wide;
        }
      }
      literal = std::move(typed);
      literal_type = literal->type;
    };
    if (left_literal && !right_literal && right.types[i].id() != TypeId::kNull) {
      type_literal(*left_literal, left.types[i], right.types[i]);
    } else if (right_literal && !left_literal && left.types[i].id() != TypeId::kNull) {
      type_literal(*right_literal, right.types[i], left.types[i]);
    }
    if (t.id() == TypeId::kInvalid) {
      throw BinderError(sqlstate::kDatatypeMismatch,
                        "UNION types " + PgTypeName(left.types[i]) + " and " + PgTypeName(right.types[i]) +
                            " cannot be matched",
                        node.location);
    }
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
    types.push_back(t);
  }
  auto cast_side = [&](BoundQuery& q) {
    auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    proj->table_index = NextTableIndex();
    auto bindings = q.plan->GetColumnBindings();
    for (size_t i = 0; i < types.size(); i++) {
      proj->expressions.push_back(CastTo(Expr::ColumnRef(bindings[i], q.types[i], q.names[i]), types[i]));
    }
    proj->children.push_back(std::move(q.plan));
    return proj;
  };
  auto op = std::make_unique<LogicalOperator>(
      node.set_op == sql::QueryNode::SetOp::kUnion ? LogicalOpType::kUnion : LogicalOpType::kSetOp);
  op->table_index = NextTableIndex();
  op->set_op = node.set_op == sql::QueryNode::SetOp::kUnion       ? LogicalOperator::SetOpKind::kUnion
               : node.set_op == sql::QueryNode::SetOp::kIntersect ? LogicalOperator::SetOpKind::kIntersect
                                                                  : LogicalOperator::SetOpKind::kExcept;
  op->set_all = node.set_all;
  op->children.push_back(cast_side(left));
  op->children.push_back(cast_side(right));
  op->types = types;
  BoundQuery q;
  q.names = left.names;
  q.types = types;
  if (op->type == LogicalOpType::kUnion && !node.set_all) {
    auto distinct = std::make_unique<LogicalOperator>(LogicalOpType::kDistinct);
    distinct->children.push_back(std::move(op));
    q.plan = std::move(distinct);
  } else {
    q.plan = std::move(op);
  }
  return q;
}

void ApplyCteColumnAliases(const sql::CommonTableExpr& cte, std::vector<std::string>& names) {
  if (cte.column_aliases.size() > names.size()) {
    throw BinderError(sqlstate::kInvalidColumnReference,
                      "WITH query \"" + cte.name + "\" has " + std::to_string(names.size()) +
                          " columns available but " + std::to_string(cte.column_aliases.size()) +
                          " columns specified",
                      cte.location);
  }
  for (size_t i = 0; i < cte.column_aliases.size(); i++) names[i] = cte.column_aliases[i];
}

BoundQuery Binder::BindRecursiveCte(const sql::CommonTableExpr& cte) {
  const sql::QueryNode& body = *cte.query->body;
  // The anchor cannot see the CTE itself; the recursive part sees the working table.
  Binder anchor_binder(context_, parent_);
  anchor_binder.root_ = root_;
  for (auto& [name, info] : ctes_) {
    if (name != cte.name) anchor_binder.ctes_[name] = info;
  }
  BoundQuery anchor = anchor_binder.BindQuery(*body.left);
  std::vector<std::string> names = anchor.names;
  ApplyCteColumnAliases(cte, names);
  for (auto& t : anchor.types) {
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
  }
  Binder rec_binder(context_, parent_);
  rec_binder.root_ = root_;
  for (auto& [name, info] : ctes_) rec_binder.ctes_[name] = info;
  CteInfo working;
  working.cte = &cte;
  working.recursive_ref = true;
  working.working_chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  working.types = anchor.types;
  working.names = names;
  rec_binder.ctes_[cte.name] = working;
  BoundQuery rec = rec_binder.BindQuery(*body.right);
  std::function<bool(const LogicalOperator&)> reads_working = [&](const LogicalOperator& op) {
    if (op.type == LogicalOpType::kChunkScan && op.chunks == working.working_chunks) return true;
    for (auto& c : op.children) {
      if (reads_working(*c)) return true;
    }
    return false;
  };
  if (!reads_working(*rec.plan)) return BoundQuery{};  // not recursive after all: an ordinary CTE
  if (rec.types.size() != anchor.types.size()) {
    throw BinderError(sqlstate::kSyntaxError, "each UNION query must have the same number of columns",
                      body.location);
  }
  auto cast_side = [&](BoundQuery& q) {
    auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    proj->table_index = NextTableIndex();
    auto bindings = q.plan->GetColumnBindings();
    for (size_t i = 0; i < anchor.types.size(); i++) {
      proj->expressions.push_back(CastTo(Expr::ColumnRef(bindings[i], q.types[i]), anchor.types[i]));
    }
    proj->children.push_back(std::move(q.plan));
    return proj;
  };
  auto op = std::make_unique<LogicalOperator>(LogicalOpType::kRecursiveCTE);
  op->table_index = NextTableIndex();
  op->set_all = body.set_all;
  op->chunks = working.working_chunks;
  op->types = anchor.types;
  op->children.push_back(cast_side(anchor));
  op->children.push_back(cast_side(rec));
  BoundQuery q;
  q.names = names;
  q.types = anchor.types;
  q.plan = std::move(op);
  return q;
}

}  // namespace basin
