#include "sql/optimizer/filter_pushdown.h"

#include <algorithm>
#include <set>

#include "execution/function.h"

namespace basin {

namespace {

std::set<uint64_t> ProducedTables(const LogicalOperator& op) {
  std::set<uint64_t> tables;
  for (auto& b : op.GetColumnBindings()) tables.insert(b.table_index);
  return tables;
}

bool Subset(const std::set<uint64_t>& a, const std::set<uint64_t>& b) {
  for (uint64_t x : a) {
    if (!b.count(x)) return false;
  }
  return true;
}

LogicalOperatorPtr WrapFilter(LogicalOperatorPtr op, std::vector<ExprPtr> filters) {
  if (filters.empty()) return op;
  auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
  for (auto& f : filters) {
    // Derived filters can arrive more than once (pushdown runs before and after join ordering).
    bool seen = std::any_of(filter->expressions.begin(), filter->expressions.end(),
                            [&](auto& e) { return e->Equals(*f); });
    if (!seen) filter->expressions.push_back(std::move(f));
  }
  filters.clear();
  filter->children.push_back(std::move(op));
  return filter;
}

/// Whether `f` is `l = r` (or IS NOT DISTINCT FROM) with l over `left` and r over `right` (either order);
/// fills the condition oriented left-to-right.
bool AsJoinCondition(ExprPtr& f, const std::set<uint64_t>& left, const std::set<uint64_t>& right,
                     LogicalJoinCondition& cond) {
  if (f->cls != ExprClass::kFunction || f->children.size() != 2) return false;
  bool nulls_equal = f->name == "is_not_distinct_from";
  if (f->name != "=" && !nulls_equal) return false;
  auto a = ReferencedTables(*f->children[0]);
  auto b = ReferencedTables(*f->children[1]);
  if (a.empty() || b.empty()) return false;
  if (Subset(a, left) && Subset(b, right)) {
    cond = {std::move(f->children[0]), std::move(f->children[1]), nulls_equal};
    return true;
  }
  if (Subset(a, right) && Subset(b, left)) {
    cond = {std::move(f->children[1]), std::move(f->children[0]), nulls_equal};
    return true;
  }
  return false;
}

/// Replace references to a projection's (or aggregate's group) outputs by the expressions behind them.
bool Substitute(ExprPtr& e, uint64_t table_index, const std::vector<ExprPtr>& exprs) {
  bool ok = true;
  RewriteExpr(e, [&](ExprPtr& x) {
    if (x->cls == ExprClass::kColumnRef && x->depth == 0 && x->binding.table_index == table_index) {
      const Expr& source = *exprs[x->binding.column_index];
      if (source.IsVolatile() || source.HasWindow() || source.HasAggregate()) ok = false;
      x = source.Copy();
    }
  });
  return ok;
}

/// (a AND b) OR (a AND c) is a AND (b OR c): pulling out what every branch of an OR requires lets it become
/// a join condition or move down (TPC-H Q19).
void FactorOr(ExprPtr e, std::vector<ExprPtr>& out) {
  if (e->cls != ExprClass::kOr) {
    out.push_back(std::move(e));
    return;
  }
  std::vector<std::vector<ExprPtr>> branches;
  for (auto& c : e->children) {
    branches.emplace_back();
    SplitConjunction(std::move(c), branches.back());
  }
  std::vector<ExprPtr> common;
  for (size_t i = 0; i < branches[0].size();) {
    const Expr& candidate = *branches[0][i];
    bool everywhere = !candidate.IsVolatile();
    for (size_t b = 1; b < branches.size() && everywhere; b++) {
      everywhere =
          std::any_of(branches[b].begin(), branches[b].end(), [&](auto& x) { return x->Equals(candidate); });
    }
    if (!everywhere) {
      i++;
      continue;
    }
    common.push_back(std::move(branches[0][i]));
    branches[0].erase(branches[0].begin() + i);
    for (size_t b = 1; b < branches.size(); b++) {
      auto it = std::find_if(branches[b].begin(), branches[b].end(),
                             [&](auto& x) { return x->Equals(*common.back()); });
      branches[b].erase(it);
    }
  }
  bool some_branch_empty = false;
  for (auto& b : branches) some_branch_empty |= b.empty();
  for (auto& c : common) out.push_back(std::move(c));
  if (some_branch_empty) return;  // one branch is just the common part: the OR is always true given it
  // (a1 AND b1) OR (a2 AND b2) implies (a1 OR a2) when a1, a2 read one table: a redundant filter that can
  // go down to that table (TPC-H Q7's nation pairs). The full OR stays.
  std::set<uint64_t> candidates;
  for (auto& c : branches[0]) {
    auto refs = ReferencedTables(*c);
    if (refs.size() == 1) candidates.insert(*refs.begin());
  }
  for (uint64_t table : candidates) {
    auto derived = std::make_unique<Expr>(ExprClass::kOr);
    derived->type = TypeId::kBoolean;
    bool everywhere = true;
    for (auto& branch : branches) {
      std::vector<ExprPtr> parts;
      for (auto& c : branch) {
        auto refs = ReferencedTables(*c);
        if (refs.size() == 1 && *refs.begin() == table && !c->IsVolatile()) parts.push_back(c->Copy());
      }
      if (parts.empty()) {
        everywhere = false;
        break;
      }
      derived->children.push_back(CombineConjunction(std::move(parts)));
    }
    // Pushdown runs more than once: derive each filter once.
    bool known = std::any_of(out.begin(), out.end(), [&](auto& e) { return e->Equals(*derived); }) ||
                 std::any_of(branches.begin(), branches.end(), [&](auto& b) {
                   return std::any_of(b.begin(), b.end(), [&](auto& e) { return e->Equals(*derived); });
                 });
    if (everywhere && !known) out.push_back(std::move(derived));
  }
  auto rebuilt = std::make_unique<Expr>(ExprClass::kOr);
  rebuilt->type = TypeId::kBoolean;
  for (auto& b : branches) rebuilt->children.push_back(CombineConjunction(std::move(b)));
  out.push_back(std::move(rebuilt));
}

/// CAST(date_col AS TIMESTAMP) op TIMESTAMP 'yyyy-mm-dd 00:00:00' compares the dates themselves: `date +
/// interval` is a timestamp in SQL, so date ranges written that way (TPC-H's) would otherwise cast every row.
void SimplifyDateComparison(ExprPtr& f) {
  static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">="};
  if (f->cls != ExprClass::kFunction || f->children.size() != 2 ||
      std::find_if(std::begin(kOps), std::end(kOps), [&](const char* op) { return f->name == op; }) ==
          std::end(kOps)) {
    return;
  }
  for (int side = 0; side < 2; side++) {
    Expr& cast = *f->children[side];
    Expr& constant = *f->children[1 - side];
    if (cast.cls != ExprClass::kCast || cast.type.id() != TypeId::kTimestamp ||
        cast.children[0]->type.id() != TypeId::kDate || constant.cls != ExprClass::kConstant ||
        constant.type.id() != TypeId::kTimestamp || constant.value.IsNull()) {
      continue;
    }
    int64_t ts = constant.value.GetInt64();
    if (ts % kMicrosPerDay != 0) return;  // not midnight: leave it
    const auto* overloads = FunctionRegistry::Get().FindScalar(f->name);
    if (!overloads) return;
    for (auto& fn : *overloads) {
      if (fn.arguments.size() == 2 && fn.arguments[0].id() == TypeId::kDate &&
          fn.arguments[1].id() == TypeId::kDate) {
        f->children[side] = std::move(cast.children[0]);
        f->children[1 - side] = Expr::Constant(Value::Date(static_cast<int32_t>(ts / kMicrosPerDay)));
        f->function = &fn;
        return;
      }
    }
    return;
  }
}

}  // namespace

std::set<uint64_t> ReferencedTables(const Expr& e) {
  std::set<uint64_t> tables;
  VisitExpr(e, [&](const Expr& x) {
    if (x.cls == ExprClass::kColumnRef && x.depth == 0) tables.insert(x.binding.table_index);
  });
  return tables;
}

LogicalOperatorPtr PushDownFilters(LogicalOperatorPtr op, std::vector<ExprPtr> filters) {
  switch (op->type) {
    case LogicalOpType::kFilter: {
      std::vector<ExprPtr> parts;
      for (auto& e : op->expressions) SplitConjunction(std::move(e), parts);
      for (auto& p : parts) {
        SimplifyDateComparison(p);
        FactorOr(std::move(p), filters);
      }
      return PushDownFilters(std::move(op->children[0]), std::move(filters));
    }
    case LogicalOpType::kJoin: {
      auto left = ProducedTables(*op->children[0]);
      auto right = ProducedTables(*op->children[1]);
      std::vector<ExprPtr> left_filters, right_filters, above, residual;
      bool inner = op->join_type == LogicalJoinType::kInner;
      // The join's own ON predicate.
      std::vector<ExprPtr> on;
      for (auto& e : op->expressions) SplitConjunction(std::move(e), on);
      op->expressions.clear();
      for (auto& f : on) {
        auto refs = ReferencedTables(*f);
        LogicalJoinCondition cond;
        if (f->IsVolatile()) {
          residual.push_back(std::move(f));
        } else if (inner && Subset(refs, left) && !refs.empty()) {
          left_filters.push_back(std::move(f));
        } else if ((inner || op->join_type == LogicalJoinType::kLeft ||
                    op->join_type == LogicalJoinType::kSemi || op->join_type == LogicalJoinType::kAnti ||
                    op->join_type == LogicalJoinType::kMark || op->join_type == LogicalJoinType::kSingle) &&
                   Subset(refs, right) && !refs.empty()) {
          right_filters.push_back(std::move(f));
        } else if (AsJoinCondition(f, left, right, cond)) {
          op->conditions.push_back(std::move(cond));
        } else {
          residual.push_back(std::move(f));
        }
      }
      // Filters from above: only columns that pass through unchanged may move below the join.
      bool left_preserved =
          inner || op->join_type == LogicalJoinType::kLeft || op->join_type == LogicalJoinType::kSemi ||
          op->join_type == LogicalJoinType::kAnti || op->join_type == LogicalJoinType::kMark ||
          op->join_type == LogicalJoinType::kSingle;
      for (auto& f : filters) {
        auto refs = ReferencedTables(*f);
        LogicalJoinCondition cond;
        if (f->IsVolatile() || refs.empty()) {
          above.push_back(std::move(f));
        } else if (left_preserved && Subset(refs, left)) {
          left_filters.push_back(std::move(f));
        } else if (inner && Subset(refs, right)) {
          right_filters.push_back(std::move(f));
        } else if (inner && AsJoinCondition(f, left, right, cond)) {
          op->conditions.push_back(std::move(cond));
        } else if (inner && Subset(refs, [&] {
                     auto both = left;
                     both.insert(right.begin(), right.end());
                     return both;
                   }())) {
          residual.push_back(std::move(f));
        } else {
          above.push_back(std::move(f));
        }
      }
      op->expressions = std::move(residual);
      op->children[0] = PushDownFilters(std::move(op->children[0]), std::move(left_filters));
      op->children[1] = PushDownFilters(std::move(op->children[1]), std::move(right_filters));
      return WrapFilter(std::move(op), std::move(above));
    }
    case LogicalOpType::kProjection: {
      std::vector<ExprPtr> below, above;
      for (auto& f : filters) {
        ExprPtr copy = f->Copy();
        if (Substitute(copy, op->table_index, op->expressions)) {
          below.push_back(std::move(copy));
        } else {
          above.push_back(std::move(f));
        }
      }
      op->children[0] = PushDownFilters(std::move(op->children[0]), std::move(below));
      return WrapFilter(std::move(op), std::move(above));
    }
    case LogicalOpType::kAggregate: {
      std::vector<ExprPtr> below, above;
      for (auto& f : filters) {
        auto refs = ReferencedTables(*f);
        ExprPtr copy = f->Copy();
        if (op->grouping_sets.empty() && refs.size() == 1 && *refs.begin() == op->table_index &&
            Substitute(copy, op->table_index, op->groups)) {
          below.push_back(std::move(copy));
        } else {
          above.push_back(std::move(f));
        }
      }
      op->children[0] = PushDownFilters(std::move(op->children[0]), std::move(below));
      return WrapFilter(std::move(op), std::move(above));
    }
    case LogicalOpType::kOrder:
      op->children[0] = PushDownFilters(std::move(op->children[0]), std::move(filters));
      return op;
    case LogicalOpType::kDistinct:
      if (op->expressions.empty()) {
        op->children[0] = PushDownFilters(std::move(op->children[0]), std::move(filters));
        return op;
      }
      [[fallthrough]];
    default: {
      for (auto& c : op->children) c = PushDownFilters(std::move(c), {});
      return WrapFilter(std::move(op), std::move(filters));
    }
  }
}

}  // namespace basin
