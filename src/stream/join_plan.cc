#include "stream/join_plan.h"

#include <map>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/expression.h"
#include "sql/optimizer/filter_pushdown.h"
#include "stream/join_bounds.h"

namespace basin::stream {

namespace {

// Table indexes of the join's sides: far above what a binder hands out (view_plan.cc uses 2^40 + ...).
constexpr uint64_t kSideIndex = (uint64_t{1} << 40) + 16;

[[noreturn]] void Unsupported(const std::string& what) {
  throw NotImplementedError("materialized views do not support " + what + " yet");
}

size_t TopicScans(const LogicalOperator& plan) {
  size_t n = plan.type == LogicalOpType::kGet && plan.table && plan.table->is_topic() ? 1 : 0;
  for (const auto& c : plan.children) n += TopicScans(*c);
  return n;
}

/// The join of two topics in `slot`'s tree (the first found, walking down), or null.
LogicalOperatorPtr* FindTopicJoin(LogicalOperatorPtr& slot) {
  LogicalOperator& op = *slot;
  if (op.type == LogicalOpType::kJoin && ReadsTopic(*op.children[0]) && ReadsTopic(*op.children[1])) return &slot;
  for (auto& c : op.children) {
    if (LogicalOperatorPtr* found = FindTopicJoin(c)) return found;
  }
  return nullptr;
}

}  // namespace

bool ReadsTopic(const LogicalOperator& plan) {
  return FindTopicScan(plan) != nullptr;
}

const LogicalOperator* FindTopicScan(const LogicalOperator& plan) {
  if (plan.type == LogicalOpType::kGet && plan.table && plan.table->is_topic()) return &plan;
  for (const auto& c : plan.children) {
    if (const LogicalOperator* found = FindTopicScan(*c)) return found;
  }
  return nullptr;
}

void RebindColumns(LogicalOperator& plan, const std::map<std::pair<uint64_t, uint64_t>, ColumnBinding>& map) {
  auto rebind = [&](ExprPtr& e) {
    RewriteExpr(e, [&](ExprPtr& x) {
      if (x->cls != ExprClass::kColumnRef || x->depth != 0) return;
      auto it = map.find({x->binding.table_index, x->binding.column_index});
      if (it != map.end()) x->binding = it->second;
    });
  };
  for (auto& e : plan.expressions) rebind(e);
  for (auto& g : plan.groups) rebind(g);
  for (auto& o : plan.orders) rebind(o.expr);
  for (auto& c : plan.conditions) {
    rebind(c.left);
    rebind(c.right);
  }
  for (auto& c : plan.children) RebindColumns(*c, map);
}

LogicalOperator& StreamSide(LogicalOperator& join) {
  const bool right = ReadsTopic(*join.children[1]);
  // Neither side: the caller's checks find what is wrong below the left side (a table where a topic belongs).
  if (!right) {
    if (join.join_type == LogicalJoinType::kRight || join.join_type == LogicalJoinType::kFull) {
      throw NotImplementedError(
          "materialized views do not support RIGHT or FULL joins of a topic with a table (rows of the table "
          "without a record would change with every record); join the table to the topic with JOIN or "
          "LEFT JOIN");
    }
    return *join.children[0];
  }
  if (join.join_type != LogicalJoinType::kInner && join.join_type != LogicalJoinType::kRight) {
    throw NotImplementedError(
        "materialized views do not support this join of a table with a topic (the table's rows would be "
        "kept without a record); join the table to the topic with JOIN or LEFT JOIN");
  }
  return *join.children[1];
}

const LogicalOperator* BindingProducer(const LogicalOperator& plan, uint64_t table_index) {
  const bool produces = ((plan.type == LogicalOpType::kProjection || plan.type == LogicalOpType::kGet) &&
                         plan.table_index == table_index) ||
                        (plan.type == LogicalOpType::kAggregate && plan.table_index == table_index);
  if (produces) return &plan;
  for (const auto& c : plan.children) {
    if (const LogicalOperator* found = BindingProducer(*c, table_index)) return found;
  }
  return nullptr;
}

void StreamJoin::KeepAll() {
  window_end_key = -1;
  for (Side& side : sides) {
    side.timed = false;
    side.expiry.clear();
  }
}

bool IsWindowEnd(const LogicalOperator& plan, const Expr& key, std::string& time_column) {
  const Expr* e = &key;
  while (e->cls == ExprClass::kColumnRef && e->depth == 0) {
    const LogicalOperator* op = BindingProducer(plan, e->binding.table_index);
    if (!op || op->type == LogicalOpType::kGet) return false;
    const size_t c = e->binding.column_index;
    if (op->type == LogicalOpType::kAggregate) {
      if (c >= op->groups.size()) return false;
      e = op->groups[c].get();
      continue;
    }
    if (op->window_function && c + 1 == op->expressions.size()) {
      time_column = op->window_function->time_column;
      return true;
    }
    if (c >= op->expressions.size()) return false;
    e = op->expressions[c].get();
  }
  return false;
}

bool IsStreamJoinSide(const LogicalOperator& op) {
  return op.type == LogicalOpType::kChunkScan && (op.table_index == kSideIndex || op.table_index == kSideIndex + 1);
}

std::shared_ptr<StreamJoin> ExtractStreamJoin(LogicalOperatorPtr& plan) {
  if (!FindTopicJoin(plan)) return nullptr;
  // The optimizer's filter pushdown first: a side's filters then run before its rows are kept, and WHERE
  // equalities of a comma join become the join's keys (else every stored row would meet every new one).
  plan = PushDownFilters(std::move(plan), {});
  LogicalOperatorPtr* slot = FindTopicJoin(plan);
  LogicalOperator& join = **slot;
  if (join.join_type != LogicalJoinType::kInner) Unsupported("outer, semi and anti joins of two topics");
  if (TopicScans(*plan) != 2) Unsupported("joins of more than two topics, or a topic read twice");
  auto out = std::make_shared<StreamJoin>();
  for (size_t k = 0; k < join.conditions.size() && out->window_end_key < 0; k++) {
    std::string left_time, right_time;
    if (IsWindowEnd(*join.children[0], *join.conditions[k].left, left_time) &&
        IsWindowEnd(*join.children[1], *join.conditions[k].right, right_time)) {
      out->window_end_key = static_cast<int>(k);
      out->sides[0].window_time_column = left_time;
      out->sides[1].window_time_column = right_time;
    }
  }
  // Columns after the keys: the late table's, an interval join's bounds (join_bounds.h).
  for (auto& c : join.children) c->ResolveTypes();
  ExtraColumns extra = ExtraSideColumns(join, *out);
  std::map<std::pair<uint64_t, uint64_t>, ColumnBinding> rebound;
  for (size_t s = 0; s < 2; s++) {
    StreamJoin::Side& side = out->sides[s];
    LogicalOperatorPtr child = std::move(join.children[s]);
    child->ResolveTypes();
    const std::vector<ColumnBinding> bindings = child->GetColumnBindings();
    const uint64_t index = kSideIndex + s;
    auto project = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    project->table_index = index;
    for (size_t i = 0; i < bindings.size(); i++) {
      if (extra.scan_only.count({bindings[i].table_index, bindings[i].column_index})) continue;
      rebound[{bindings[i].table_index, bindings[i].column_index}] = {index, side.types.size()};
      project->expressions.push_back(Expr::ColumnRef(bindings[i], child->types[i]));
      side.types.push_back(child->types[i]);
    }
    for (const LogicalJoinCondition& c : join.conditions) {
      if (c.nulls_equal) Unsupported("joins of two topics on IS NOT DISTINCT FROM");
      project->expressions.push_back((s == 0 ? c.left : c.right)->Copy());
      side.keys++;
    }
    for (ExprPtr& e : extra.columns[s]) project->expressions.push_back(std::move(e));
    project->children.push_back(std::move(child));
    side.plan = std::move(project);
    side.rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
    auto scan = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
    scan->table_index = index;
    scan->types = side.types;
    scan->chunks = side.rows;
    join.children[s] = std::move(scan);
  }
  for (StreamJoin::Side& side : out->sides) side.topic = FindTopicScan(*side.plan)->table->name;
  if (out->sides[0].topic == out->sides[1].topic) Unsupported("joins of a topic with itself");
  RebindColumns(*plan, rebound);
  return out;
}

}  // namespace basin::stream
