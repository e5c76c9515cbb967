// Subqueries become joins: uncorrelated ones join their result once; correlated ones are decorrelated by
// computing them for every distinct value of the outer columns they use (the "dependent join" pushed down,
// as in Neumann and Kemper's "Unnesting Arbitrary Queries") and joining on those values. No subquery is
// ever executed once per outer row.

#include <map>
#include <set>

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/function.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

namespace {

using BindingMap = std::vector<std::pair<ColumnBinding, ColumnBinding>>;  // outer binding -> D column binding

/// Rewrite references to correlated outer columns into D's columns; deeper references move one level up.
void RewriteCorrelated(ExprPtr& e, const BindingMap& map) {
  RewriteExpr(e, [&](ExprPtr& x) {
    if (x->cls != ExprClass::kColumnRef || x->depth == 0) return;
    if (x->depth == 1) {
      for (auto& [outer, inner] : map) {
        if (outer == x->binding) {
          x->binding = inner;
          x->depth = 0;
          return;
        }
      }
      throw InternalError("correlated column not found during decorrelation");
    }
    x->depth--;
  });
  if (e->cls == ExprClass::kSubquery)
    throw NotImplementedError("subqueries nested inside correlated subqueries are not supported");
}

bool HasCorrelated(const LogicalOperator& op) {
  bool found = false;
  auto check = [&](const Expr& e) {
    VisitExpr(e, [&](const Expr& x) { found |= x.cls == ExprClass::kColumnRef && x.depth > 0; });
  };
  for (auto& e : op.expressions) check(*e);
  for (auto& e : op.groups) check(*e);
  for (auto& c : op.conditions) {
    check(*c.left);
    check(*c.right);
  }
  for (auto& o : op.orders) check(*o.expr);
  for (auto& row : op.values) {
    for (auto& e : row) check(*e);
  }
  for (auto& c : op.children) found |= HasCorrelated(*c);
  return found;
}

/// The FROM part: join D in beside it, as a cross product the optimizer turns into a proper join.
std::vector<ColumnBinding> PushIntoFrom(LogicalOperatorPtr& op, LogicalOperatorPtr& d,
                                        const std::vector<LogicalType>& d_types) {
  if (HasCorrelated(*op)) {
    throw NotImplementedError(
        "this correlated subquery is not supported: outer references inside a derived table");
  }
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  join->join_type = LogicalJoinType::kInner;
  std::vector<ColumnBinding> result;
  for (size_t k = 0; k < d_types.size(); k++) result.push_back({d->table_index, k});
  join->children.push_back(std::move(op));
  join->children.push_back(std::move(d));
  op = std::move(join);
  return result;
}

/// Push the dependent join with D (distinct outer values) down through `op`. Returns the bindings D's
/// columns have in the rewritten operator's output (appended after its own columns where it projects).
std::vector<ColumnBinding> PushDependentJoin(LogicalOperatorPtr& op, LogicalOperatorPtr& d,
                                             const BindingMap& outer_to_d,
                                             const std::vector<LogicalType>& d_types, bool in_exists,
                                             Binder& binder) {
  auto rewrite_all = [&](LogicalOperator& o, const std::vector<ColumnBinding>& d_bindings) {
    BindingMap map;
    for (size_t k = 0; k < outer_to_d.size(); k++) map.emplace_back(outer_to_d[k].first, d_bindings[k]);
    for (auto& e : o.expressions) RewriteCorrelated(e, map);
    for (auto& e : o.groups) RewriteCorrelated(e, map);
    for (auto& oi : o.orders) RewriteCorrelated(oi.expr, map);
  };
  switch (op->type) {
    case LogicalOpType::kProjection: {
      auto d_bindings = PushDependentJoin(op->children[0], d, outer_to_d, d_types, in_exists, binder);
      rewrite_all(*op, d_bindings);
      std::vector<ColumnBinding> result;
      for (size_t k = 0; k < d_bindings.size(); k++) {
        op->expressions.push_back(Expr::ColumnRef(d_bindings[k], d_types[k]));
        result.push_back({op->table_index, op->expressions.size() - 1});
      }
      return result;
    }
    case LogicalOpType::kFilter:
    case LogicalOpType::kOrder:
    case LogicalOpType::kDistinct: {
      if (op->type == LogicalOpType::kDistinct && !op->expressions.empty()) {
        throw NotImplementedError("DISTINCT ON in a correlated subquery is not supported");
      }
      auto d_bindings = PushDependentJoin(op->children[0], d, outer_to_d, d_types, in_exists, binder);
      rewrite_all(*op, d_bindings);
      return d_bindings;
    }
    case LogicalOpType::kLimit: {
      if (!in_exists) throw NotImplementedError("LIMIT in a correlated subquery is not supported");
      LogicalOperatorPtr child = std::move(op->children[0]);
      op = std::move(child);  // EXISTS only asks whether a row exists: the limit changes nothing
      return PushDependentJoin(op, d, outer_to_d, d_types, in_exists, binder);
    }
    case LogicalOpType::kAggregate: {
      if (!op->grouping_sets.empty())
        throw NotImplementedError("GROUPING SETS in a correlated subquery are not supported");
      auto d_bindings = PushDependentJoin(op->children[0], d, outer_to_d, d_types, in_exists, binder);
      rewrite_all(*op, d_bindings);
      std::vector<ColumnBinding> result;
      for (size_t k = 0; k < d_bindings.size(); k++) {
        op->groups.push_back(Expr::ColumnRef(d_bindings[k], d_types[k]));
        result.push_back({op->table_index, op->groups.size() - 1});
      }
      return result;
    }
    case LogicalOpType::kWindow: {
      auto d_bindings = PushDependentJoin(op->children[0], d, outer_to_d, d_types, in_exists, binder);
      rewrite_all(*op, d_bindings);
      for (auto& w : op->expressions) {
        for (size_t k = 0; k < d_bindings.size(); k++) {
          w->partition_by.push_back(Expr::ColumnRef(d_bindings[k], d_types[k]));
        }
      }
      return d_bindings;
    }
    case LogicalOpType::kTableFunction: {
      // A table function over outer values: it runs once per row of D, which it takes as its input.
      if (!op->children.empty()) return PushIntoFrom(op, d, d_types);
      std::vector<ColumnBinding> d_bindings;
      for (size_t k = 0; k < d_types.size(); k++) d_bindings.push_back({d->table_index, k});
      op->children.push_back(std::move(d));
      rewrite_all(*op, d_bindings);
      return d_bindings;
    }
    case LogicalOpType::kJoin: {
      bool preserves_right =
          op->join_type == LogicalJoinType::kRight || op->join_type == LogicalJoinType::kFull;
      if (!HasCorrelated(*op) && (op->join_type == LogicalJoinType::kInner || preserves_right)) {
        return PushIntoFrom(op, d, d_types);
      }
      if (preserves_right) {
        throw NotImplementedError(
            "outer references in a RIGHT or FULL join inside a subquery are not supported");
      }
      // Outer references in a join (a nested subquery planned into a semi join, or ON): D joins the left
      // input, whose columns the join's predicate then reads. When the right input uses outer columns too,
      // a copy of D joins it as well, and the two copies must agree (Neumann and Kemper's rule for
      // pushing a dependent join into both sides).
      std::unique_ptr<LogicalOperator> d_right;
      uint64_t right_index = 0;
      if (HasCorrelated(*op->children[1])) {
        d_right = d->Copy();
        right_index = binder.NextTableIndex();
        d_right->table_index = right_index;
      }
      auto d_bindings = PushDependentJoin(op->children[0], d, outer_to_d, d_types, in_exists, binder);
      BindingMap map;
      for (size_t k = 0; k < outer_to_d.size(); k++) map.emplace_back(outer_to_d[k].first, d_bindings[k]);
      for (auto& e : op->expressions) RewriteCorrelated(e, map);
      for (auto& c : op->conditions) {
        RewriteCorrelated(c.left, map);
        RewriteCorrelated(c.right, map);
      }
      if (d_right) {
        BindingMap right_map;
        for (size_t k = 0; k < outer_to_d.size(); k++)
          right_map.emplace_back(outer_to_d[k].first, ColumnBinding{right_index, k});
        auto right_bindings =
            PushDependentJoin(op->children[1], d_right, right_map, d_types, in_exists, binder);
        for (size_t k = 0; k < d_bindings.size(); k++) {
          LogicalJoinCondition cond;
          cond.left = Expr::ColumnRef(d_bindings[k], d_types[k]);
          cond.right = Expr::ColumnRef(right_bindings[k], d_types[k]);
          cond.nulls_equal = true;
          op->conditions.push_back(std::move(cond));
        }
      }
      return d_bindings;
    }
    default:
      return PushIntoFrom(op, d, d_types);
  }
}

/// A copy of what restricts table `t`'s rows within `op`: its scan with the filters and semi joins that
/// apply to it alone, and none of the joins to other tables. Every row of `op` carries a value of `t`'s
/// columns that this copy also produces, so semi-joining a correlated subquery's input with it loses
/// nothing. Null when `op` hides `t` behind an operator this walk does not see through.
LogicalOperatorPtr ReducerFor(const LogicalOperator& op, uint64_t t) {
  auto produces = [&](const LogicalOperator& o) {
    for (auto& b : o.GetColumnBindings()) {
      if (b.table_index == t) return true;
    }
    return false;
  };
  auto only_t = [&](const Expr& e) {
    bool ok = !e.IsVolatile() && !e.HasSubquery();
    bool any = false;
    VisitExpr(e, [&](const Expr& x) {
      if (x.cls != ExprClass::kColumnRef) return;
      if (x.depth != 0 || x.binding.table_index != t) ok = false;
      any = true;
    });
    return ok && any;
  };
  switch (op.type) {
    case LogicalOpType::kGet:
      return op.table_index == t ? op.Copy() : nullptr;
    case LogicalOpType::kFilter: {
      auto child = ReducerFor(*op.children[0], t);
      if (!child) return nullptr;
      auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
      for (auto& e : op.expressions) {
        std::vector<ExprPtr> parts;
        SplitConjunction(e->Copy(), parts);
        for (auto& p : parts) {
          if (only_t(*p)) filter->expressions.push_back(std::move(p));
        }
      }
      if (filter->expressions.empty()) return child;
      filter->children.push_back(std::move(child));
      return filter;
    }
    case LogicalOpType::kJoin: {
      if (op.join_type == LogicalJoinType::kSemi && produces(*op.children[0])) {
        auto child = ReducerFor(*op.children[0], t);
        if (!child) return nullptr;
        bool keys_on_t = !op.conditions.empty() && op.expressions.empty();
        for (auto& c : op.conditions) keys_on_t = keys_on_t && only_t(*c.left);
        if (!keys_on_t) return child;
        auto semi = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
        semi->join_type = LogicalJoinType::kSemi;
        for (auto& c : op.conditions) semi->conditions.push_back(c.Copy());
        semi->children.push_back(std::move(child));
        semi->children.push_back(op.children[1]->Copy());
        return semi;
      }
      if (op.join_type != LogicalJoinType::kInner && op.join_type != LogicalJoinType::kLeft &&
          op.join_type != LogicalJoinType::kSemi && op.join_type != LogicalJoinType::kAnti) {
        return nullptr;
      }
      // Inner joins only remove rows; outer, semi and anti joins keep their left side's rows or fewer.
      for (size_t side = 0; side < 2; side++) {
        if (side == 1 && op.join_type != LogicalJoinType::kInner) break;
        if (produces(*op.children[side])) return ReducerFor(*op.children[side], t);
      }
      return nullptr;
    }
    default:
      return nullptr;
  }
}

bool IsCountLike(const Expr& agg) {
  return agg.name == "count" || agg.name == "count_star" || agg.name == "approx_count_distinct";
}

bool ReferencesOnlyOuter(const Expr& e) {
  bool only = true;
  VisitExpr(e, [&](const Expr& x) {
    if (x.cls == ExprClass::kColumnRef && x.depth == 0) only = false;
  });
  return only;
}

/// The value of a scalar aggregate subquery computed above the join with its aggregate: COUNTs of outer
/// values no row matched are 0, not NULL (the COUNT bug), and a HAVING that fails gives NULL.
ExprPtr InlineScalarAggregate(const LogicalOperator& agg, ExprPtr value, ExprPtr having) {
  auto fix = [&](ExprPtr& e) {
    RewriteExpr(e, [&](ExprPtr& x) {
      if (x->cls != ExprClass::kColumnRef) return;
      if (x->depth > 0) {
        x->depth--;
        return;
      }
      if (x->binding.table_index == agg.aggregate_index &&
          IsCountLike(*agg.expressions[x->binding.column_index])) {
        auto c = std::make_unique<Expr>(ExprClass::kCoalesce);
        c->type = x->type;
        c->children.push_back(std::move(x));
        c->children.push_back(Expr::Constant(CastValue(Value::BigInt(0), c->type)));
        x = std::move(c);
      }
    });
  };
  fix(value);
  if (!having) return value;
  fix(having);
  auto c = std::make_unique<Expr>(ExprClass::kCase);
  c->type = value->type;
  c->children.push_back(std::move(having));
  c->children.push_back(std::move(value));
  c->children.push_back(Expr::Constant(Value::Null(c->type)));
  return c;
}

bool HasCorrelatedExpr(const Expr& e, int* max_depth = nullptr) {
  bool found = false;
  VisitExpr(e, [&](const Expr& x) {
    if (x.cls == ExprClass::kColumnRef && x.depth > 0) {
      found = true;
      if (max_depth) *max_depth = std::max(*max_depth, x.depth);
    }
  });
  return found;
}

/// Outer references become plain references once the subquery's rows meet the outer rows in a join.
void LowerDepth(ExprPtr& e) {
  RewriteExpr(e, [](ExprPtr& x) {
    if (x->cls == ExprClass::kColumnRef && x->depth > 0) x->depth--;
  });
}

}  // namespace

LogicalOperatorPtr Binder::AddAnyPredicate(LogicalOperator& join, const std::string& op,
                                           std::vector<ExprPtr> lhs, std::vector<ExprPtr> rhs,
                                           bool exact_nulls) {
  LogicalOperatorPtr maybe;
  if (exact_nulls) {
    // The rows of the subquery that compare NULL, with the same correlation predicates as `join`.
    maybe = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
    maybe->join_type = LogicalJoinType::kMark;
    maybe->mark_null_aware = false;
    for (auto& c : join.conditions) maybe->conditions.push_back(c.Copy());
    for (auto& e : join.expressions) maybe->expressions.push_back(e->Copy());
    std::vector<ExprPtr> l, r;
    for (auto& e : lhs) l.push_back(e->Copy());
    for (auto& e : rhs) r.push_back(e->Copy());
    auto is_null = std::make_unique<Expr>(ExprClass::kIsNull);
    is_null->type = TypeId::kBoolean;
    is_null->children.push_back(l.size() == 1 ? BindComparison(op, std::move(l[0]), std::move(r[0]), -1)
                                              : BindRowComparison(op, std::move(l), std::move(r), -1));
    maybe->expressions.push_back(std::move(is_null));
    join.mark_null_aware = false;
  }
  if (op != "=") {
    ExprPtr cmp = lhs.size() == 1 ? BindComparison(op, std::move(lhs[0]), std::move(rhs[0]), -1)
                                  : BindRowComparison(op, std::move(lhs), std::move(rhs), -1);
    join.expressions.push_back(std::move(cmp));
    return maybe;
  }
  // Equality is one hash condition per column: a row matches when every column does.
  for (size_t k = 0; k < lhs.size(); k++) {
    LogicalType t = UnifyTypes(*lhs[k], *rhs[k], -1, "IN");
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
    LogicalJoinCondition cond;
    cond.left = CastTo(std::move(lhs[k]), t);
    cond.right = CastTo(std::move(rhs[k]), t);
    join.conditions.push_back(std::move(cond));
  }
  return maybe;
}

ExprPtr Binder::AddNullMatchJoin(LogicalOperatorPtr maybe, LogicalOperatorPtr right, LogicalOperatorPtr& plan,
                                 ExprPtr matched) {
  maybe->mark_index = NextTableIndex();
  maybe->children.push_back(std::move(plan));
  maybe->children.push_back(std::move(right));
  ExprPtr compared_null = Expr::ColumnRef({maybe->mark_index, 0}, TypeId::kBoolean);
  plan = std::move(maybe);
  // CASE WHEN matched THEN true WHEN compared_null THEN NULL ELSE false END
  auto c = std::make_unique<Expr>(ExprClass::kCase);
  c->type = TypeId::kBoolean;
  c->children.push_back(std::move(matched));
  c->children.push_back(Expr::Constant(Value::Boolean(true)));
  c->children.push_back(std::move(compared_null));
  c->children.push_back(Expr::Constant(Value::Null(TypeId::kBoolean)));
  c->children.push_back(Expr::Constant(Value::Boolean(false)));
  return c;
}

/// Decorrelate without computing the outer values first, when the subquery is a filtered FROM under a
/// projection (and, for scalar subqueries, at most an ungrouped aggregate): the correlated conjuncts of its
/// WHERE become the join's predicate (EXISTS, IN, scalar), or, for aggregates, equalities whose inner sides
/// become group keys. Returns null when the subquery has another shape (the general path handles it).
ExprPtr Binder::TrySimpleDecorrelation(Expr& sub, LogicalOperatorPtr& plan, bool as_filter, bool negate) {
  BoundSubquery& bound = *sub.subquery;
  int kind = sub.subquery_kind;
  if (kind == 3) return nullptr;  // ALL: the general path's NOT ANY rewrite
  LogicalOperator* top = bound.plan.get();
  if (kind == 1) {
    while ((top->type == LogicalOpType::kLimit && top->limit != 0 && top->offset == 0) ||
           top->type == LogicalOpType::kOrder ||
           (top->type == LogicalOpType::kDistinct && top->expressions.empty())) {
      top = top->children[0].get();
    }
  }
  if (top->type != LogicalOpType::kProjection) return nullptr;
  LogicalOperator* proj = top;
  LogicalOperator* below = proj->children[0].get();
  LogicalOperator* agg = nullptr;
  LogicalOperator* having = nullptr;
  if (kind == 0) {
    if (below->type == LogicalOpType::kFilter && below->children[0]->type == LogicalOpType::kAggregate) {
      having = below;
      below = below->children[0].get();
    }
    if (below->type == LogicalOpType::kAggregate) {
      if (!below->groups.empty() || !below->grouping_sets.empty()) return nullptr;
      agg = below;
      below = below->children[0].get();
    } else if (having) {
      return nullptr;
    }
  }
  LogicalOperator* where = below->type == LogicalOpType::kFilter ? below : nullptr;
  LogicalOperator* from = where ? where->children[0].get() : below;
  if (HasCorrelated(*from)) return nullptr;
  if (agg) {
    for (auto& a : agg->expressions) {
      if (HasCorrelatedExpr(*a)) return nullptr;
    }
  }
  if (kind == 2) {
    for (auto& e : proj->expressions) {
      if (HasCorrelatedExpr(*e)) return nullptr;
    }
  }
  // Split WHERE into plain and correlated conjuncts; only references one level out are handled here.
  std::vector<ExprPtr> plain, correlated;
  if (where) {
    for (auto& e : where->expressions) {
      int depth = 0;
      if (HasCorrelatedExpr(*e, &depth)) {
        if (depth > 1) return nullptr;
        correlated.push_back(e->Copy());
      } else {
        plain.push_back(e->Copy());
      }
    }
  }
  if (correlated.empty()) return nullptr;
  if (agg) {
    for (auto& c : correlated) {
      // Each must be inner = outer: the inner side becomes a group key, the outer side the join key.
      if (c->cls != ExprClass::kFunction || c->name != "=" || c->children.size() != 2) return nullptr;
      bool l = HasCorrelatedExpr(*c->children[0]), r = HasCorrelatedExpr(*c->children[1]);
      if (l == r) return nullptr;
      if (!ReferencesOnlyOuter(*c->children[l ? 0 : 1])) return nullptr;
    }
  }

  // The shape fits: take the pieces out of the bound plan.
  LogicalOperatorPtr right =
      std::move(where ? where->children[0] : (agg ? agg->children[0] : proj->children[0]));
  if (!plain.empty()) {
    auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
    filter->expressions = std::move(plain);
    filter->children.push_back(std::move(right));
    right = std::move(filter);
  }
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  LogicalOperatorPtr maybe;  // IN in an expression: which outer rows some subquery row compares NULL with
  ExprPtr result;
  if (agg) {
    LogicalOperatorPtr agg_op = std::move(having ? proj->children[0]->children[0] : proj->children[0]);
    // Aggregate only the groups some outer row can ask for: when every outer key comes from one table,
    // semi-join the input with what restricts that table (TPC-H Q17, Q20: a few parts out of all).
    std::set<uint64_t> outer_tables;
    for (auto& c : correlated) {
      const Expr& outer = *c->children[HasCorrelatedExpr(*c->children[0]) ? 0 : 1];
      VisitExpr(outer, [&](const Expr& x) {
        if (x.cls == ExprClass::kColumnRef) outer_tables.insert(x.binding.table_index);
      });
    }
    LogicalOperatorPtr reducer =
        outer_tables.size() == 1 ? ReducerFor(*plan, *outer_tables.begin()) : nullptr;
    if (reducer && reducer->type != LogicalOpType::kGet) {
      auto semi = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
      semi->join_type = LogicalJoinType::kSemi;
      for (auto& c : correlated) {
        bool outer_left = HasCorrelatedExpr(*c->children[0]);
        LogicalJoinCondition cond;
        cond.left = c->children[outer_left ? 1 : 0]->Copy();
        cond.right = c->children[outer_left ? 0 : 1]->Copy();
        LowerDepth(cond.right);
        semi->conditions.push_back(std::move(cond));
      }
      semi->children.push_back(std::move(right));
      semi->children.push_back(std::move(reducer));
      right = std::move(semi);
    }
    agg_op->children[0] = std::move(right);
    for (auto& c : correlated) {
      bool outer_left = HasCorrelatedExpr(*c->children[0]);
      ExprPtr inner = std::move(c->children[outer_left ? 1 : 0]);
      ExprPtr outer = std::move(c->children[outer_left ? 0 : 1]);
      LowerDepth(outer);
      agg_op->groups.push_back(std::move(inner));
      LogicalJoinCondition cond;
      cond.left = std::move(outer);
      cond.right =
          Expr::ColumnRef({agg_op->table_index, agg_op->groups.size() - 1}, agg_op->groups.back()->type);
      join->conditions.push_back(std::move(cond));
    }
    result = InlineScalarAggregate(*agg_op, std::move(proj->expressions[0]),
                                   having ? CombineConjunction(std::move(having->expressions)) : nullptr);
    join->join_type = LogicalJoinType::kLeft;
    right = std::move(agg_op);
  } else {
    for (auto& c : correlated) {
      LowerDepth(c);
      join->expressions.push_back(std::move(c));
    }
    if (kind == 0) {
      join->join_type = LogicalJoinType::kSingle;
      result = std::move(proj->expressions[0]);
      LowerDepth(result);
    } else if (kind == 2) {
      std::vector<ExprPtr> rhs;
      for (size_t k = 0; k < sub.children.size(); k++) rhs.push_back(std::move(proj->expressions[k]));
      // A correlated IN's mark is exact only with the second join: the null-aware mark join looks at NULLs
      // of every correlation group, not just the outer row's.
      maybe = AddAnyPredicate(*join, sub.subquery_op, std::move(sub.children), std::move(rhs), !as_filter);
      join->join_type = as_filter ? LogicalJoinType::kSemi : LogicalJoinType::kMark;
    } else {
      join->join_type =
          as_filter ? (negate ? LogicalJoinType::kAnti : LogicalJoinType::kSemi) : LogicalJoinType::kMark;
      join->mark_null_aware = false;
    }
    if (join->join_type == LogicalJoinType::kMark) {
      join->mark_index = NextTableIndex();
      result = Expr::ColumnRef({join->mark_index, 0}, TypeId::kBoolean);
    }
  }
  bound.plan.reset();
  LogicalOperatorPtr right_copy = maybe ? right->Copy() : nullptr;
  join->children.push_back(std::move(plan));
  join->children.push_back(std::move(right));
  plan = std::move(join);
  if (maybe) result = AddNullMatchJoin(std::move(maybe), std::move(right_copy), plan, std::move(result));
  return result;
}

void Binder::PlanSubqueries(ExprPtr& expr, LogicalOperatorPtr& plan) {
  RewriteExpr(expr, [&](ExprPtr& e) {
    if (e->cls == ExprClass::kSubquery) e = PlanSubquery(*e, plan, false, false);
  });
}

void Binder::PlanFilterWithSubqueries(ExprPtr predicate, LogicalOperatorPtr& plan) {
  std::vector<ExprPtr> conjuncts;
  SplitConjunction(std::move(predicate), conjuncts);
  // Plain conjuncts filter first, so that subqueries are planned over (and decorrelated against) the rows
  // that survive them, not the whole FROM product.
  std::vector<ExprPtr> plain, with_subquery;
  for (auto& c : conjuncts) (c->HasSubquery() ? with_subquery : plain).push_back(std::move(c));
  if (!plain.empty()) {
    auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
    filter->expressions = std::move(plain);
    filter->children.push_back(std::move(plan));
    plan = std::move(filter);
  }
  std::vector<ExprPtr> remaining;
  for (auto& c : with_subquery) {
    Expr* sub = c.get();
    bool negate = false;
    if (sub->cls == ExprClass::kNot && sub->children[0]->cls == ExprClass::kSubquery) {
      sub = sub->children[0].get();
      negate = true;
    }
    // EXISTS, NOT EXISTS and IN as whole conjuncts filter rows: semi and anti joins.
    if (sub->cls == ExprClass::kSubquery &&
        (sub->subquery_kind == 1 || (sub->subquery_kind == 2 && sub->subquery_op == "=" && !negate))) {
      for (auto& lhs : sub->children) {
        if (lhs->HasSubquery()) PlanSubqueries(lhs, plan);
      }
      PlanSubquery(*sub, plan, true, negate);
      continue;
    }
    PlanSubqueries(c, plan);
    remaining.push_back(std::move(c));
  }
  if (remaining.empty()) return;
  auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
  filter->expressions = std::move(remaining);
  filter->children.push_back(std::move(plan));
  plan = std::move(filter);
}

ExprPtr Binder::PlanSubquery(Expr& sub, LogicalOperatorPtr& plan, bool as_filter, bool negate) {
  BoundSubquery& bound = *sub.subquery;
  if (!bound.plan) throw InternalError("subquery planned twice");
  if (!bound.correlated.empty()) {
    if (ExprPtr simple = TrySimpleDecorrelation(sub, plan, as_filter, negate)) return simple;
    if (!bound.plan) return nullptr;  // a semi or anti join: nothing to compute in the expression
  }
  LogicalOperatorPtr sp = std::move(bound.plan);
  int kind = sub.subquery_kind;  // 0 scalar, 1 exists, 2 any, 3 all
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  LogicalOperatorPtr maybe;  // see AddNullMatchJoin
  ExprPtr result;

  // ALL is NOT ANY with the negated comparison: x > ALL(S) = NOT (x <= ANY(S)).
  std::string op = sub.subquery_op;
  if (kind == 3) {
    static const std::map<std::string, std::string> negated = {{"=", "<>"}, {"<>", "="}, {"<", ">="},
                                                               {"<=", ">"}, {">", "<="}, {">=", "<"}};
    op = negated.at(op);
  }

  // Scalar aggregates (no GROUP BY) keep their projection above the join, so that an empty group still
  // counts 0: the COUNT bug.
  LogicalOperator* inlined_projection = nullptr;
  ExprPtr having;
  if (kind == 0 && !bound.correlated.empty() && sp->type == LogicalOpType::kProjection) {
    LogicalOperator* below = sp->children[0].get();
    if (below->type == LogicalOpType::kFilter && below->children[0]->type == LogicalOpType::kAggregate &&
        below->children[0]->groups.empty() && below->children[0]->grouping_sets.empty()) {
      having = CombineConjunction(std::move(below->expressions));
      below = below->children[0].get();
    }
    if (below->type == LogicalOpType::kAggregate && below->groups.empty() && below->grouping_sets.empty()) {
      inlined_projection = sp.get();
    }
  }

  std::vector<ColumnBinding> sp_bindings;
  if (bound.correlated.empty()) {
    if (kind == 1) {
      auto limit = std::make_unique<LogicalOperator>(LogicalOpType::kLimit);
      limit->limit = 1;
      limit->children.push_back(std::move(sp));
      sp = std::move(limit);
    }
  } else {
    // D: the distinct values of the outer columns the subquery uses.
    auto d = std::make_unique<LogicalOperator>(LogicalOpType::kAggregate);
    d->table_index = NextTableIndex();
    d->aggregate_index = NextTableIndex();
    d->grouping_index = NextTableIndex();
    BindingMap outer_to_d;
    for (size_t k = 0; k < bound.correlated.size(); k++) {
      auto& c = bound.correlated[k];
      d->groups.push_back(Expr::ColumnRef(c.binding, c.type, c.name));
      outer_to_d.emplace_back(c.binding, ColumnBinding{d->table_index, k});
    }
    d->children.push_back(plan->Copy());
    LogicalOperatorPtr target = inlined_projection ? std::move(sp->children[0]) : std::move(sp);
    if (inlined_projection && having)
      target = std::move(target->children[0]);  // (the HAVING filter, kept aside)
    std::vector<LogicalType> d_types;
    for (auto& g : d->groups) d_types.push_back(g->type);
    auto d_bindings = PushDependentJoin(target, d, outer_to_d, d_types, kind == 1, *this);
    for (size_t k = 0; k < bound.correlated.size(); k++) {
      LogicalJoinCondition cond;
      cond.left =
          Expr::ColumnRef(bound.correlated[k].binding, bound.correlated[k].type, bound.correlated[k].name);
      cond.right = Expr::ColumnRef(d_bindings[k], d_types[k]);
      cond.nulls_equal = true;
      join->conditions.push_back(std::move(cond));
    }
    if (inlined_projection) {
      // Join the aggregate (one row per outer value), then compute the projection above the join.
      ExprPtr value = InlineScalarAggregate(*target, std::move(sp->expressions[0]), std::move(having));
      join->join_type = LogicalJoinType::kLeft;
      join->children.push_back(std::move(plan));
      join->children.push_back(std::move(target));
      plan = std::move(join);
      return value;
    }
    sp = std::move(target);
  }

  sp_bindings = sp->GetColumnBindings();
  ColumnBinding first = sp_bindings[0];
  LogicalType first_type = kind == 1 ? LogicalType(TypeId::kBoolean) : bound.types[0];
  switch (kind) {
    case 0:
      join->join_type = LogicalJoinType::kSingle;
      result = Expr::ColumnRef(first, first_type);
      break;
    case 1:
      if (as_filter) {
        join->join_type = negate ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
      } else {
        join->join_type = LogicalJoinType::kMark;
        join->mark_null_aware = false;
      }
      break;
    case 2:
    case 3: {
      std::vector<ExprPtr> rhs;
      for (size_t k = 0; k < sub.children.size(); k++)
        rhs.push_back(Expr::ColumnRef(sp_bindings[k], bound.types[k]));
      // The null-aware mark join is exact for one column compared with = and no correlation; rows, other
      // comparisons and correlated subqueries take a second join for the rows that compare NULL.
      const bool exact_nulls =
          !as_filter && (sub.children.size() > 1 || op != "=" || !bound.correlated.empty());
      join->mark_null_aware = true;
      maybe = AddAnyPredicate(*join, op, std::move(sub.children), std::move(rhs), exact_nulls);
      join->join_type = as_filter ? LogicalJoinType::kSemi : LogicalJoinType::kMark;
      break;
    }
  }
  if (join->join_type == LogicalJoinType::kMark) {
    join->mark_index = NextTableIndex();
    result = Expr::ColumnRef({join->mark_index, 0}, TypeId::kBoolean);
  }
  LogicalOperatorPtr sp_copy = maybe ? sp->Copy() : nullptr;
  join->children.push_back(std::move(plan));
  join->children.push_back(std::move(sp));
  plan = std::move(join);
  if (maybe) result = AddNullMatchJoin(std::move(maybe), std::move(sp_copy), plan, std::move(result));
  if (kind == 3 && result) {
    auto n = std::make_unique<Expr>(ExprClass::kNot);
    n->type = TypeId::kBoolean;
    n->children.push_back(std::move(result));
    result = std::move(n);
  }
  return result;
}

}  // namespace basin
