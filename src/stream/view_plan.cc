#include "stream/view_plan.h"

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/function.h"
#include "lake/topic_table.h"
#include "stream/join_plan.h"
#include "stream/aggregate_states.h"
#include "stream/row_codec.h"

namespace basin::stream {

namespace {

// Table indexes of the operators added here: far above what a binder hands out.
constexpr uint64_t kInputIndex = uint64_t{1} << 40;
constexpr uint64_t kRowsIndex = kInputIndex + 1;

[[noreturn]] void Unsupported(const std::string& what) {
  throw NotImplementedError("materialized views do not support " + what + " yet");
}

/// What Check found in a plan.
struct Parts {
  LogicalOperator* scan = nullptr;
  LogicalOperator* aggregate = nullptr;
  LogicalOperator* window = nullptr;  // the TUMBLE/HOP projection
};

/// Refuse what the stream processor cannot maintain; note the scan, the aggregate and the window.
void Check(LogicalOperator& op, Parts& parts) {
  switch (op.type) {
    case LogicalOpType::kGet:
      if (parts.scan) Unsupported("reading more than one relation");
      if (!op.table->is_topic()) {
        throw NotImplementedError("a materialized view reads a topic; \"" + op.table->name +
                                  "\" is a table (continuous queries over tables are not supported yet)");
      }
      parts.scan = &op;
      return;
    case LogicalOpType::kProjection:
      if (op.window_function) parts.window = &op;
      break;
    case LogicalOpType::kFilter:
      break;
    case LogicalOpType::kAggregate:
      if (parts.aggregate) Unsupported("aggregates over aggregates");
      if (!op.grouping_sets.empty() || !op.grouping_functions.empty())
        Unsupported("GROUPING SETS, ROLLUP and CUBE");
      for (auto& e : op.expressions) AggregateStates::CheckSupported(*e);
      for (auto& g : op.groups) {
        if (!IsEncodable(g->type)) Unsupported("grouping by " + g->type.ToString() + " values");
      }
      parts.aggregate = &op;
      break;
    case LogicalOpType::kJoin:
      // The side without the topic is a lookup (join_plan.h): lake tables, subqueries over them, or constant
      // rows (HOP's window offsets), run whole each epoch.
      Check(StreamSide(op), parts);
      return;
    case LogicalOpType::kOrder:
      Unsupported("ORDER BY (order the rows when querying the view)");
    case LogicalOpType::kLimit:
      Unsupported("LIMIT and OFFSET");
    case LogicalOpType::kDistinct:
      Unsupported("DISTINCT");
    case LogicalOpType::kWindow:
      Unsupported("window functions (OVER)");
    case LogicalOpType::kUnion:
    case LogicalOpType::kSetOp:
      Unsupported("UNION, INTERSECT and EXCEPT");
    case LogicalOpType::kRecursiveCTE:
    case LogicalOpType::kMaterialize:
      Unsupported("WITH RECURSIVE and WITH queries used more than once");
    case LogicalOpType::kChunkScan:
      if (IsStreamJoinSide(op)) return;  // a join of two topics reads it (join_plan.h)
      Unsupported("queries without a topic in FROM");
    case LogicalOpType::kValues:
      Unsupported("queries without a topic in FROM");
    default:
      Unsupported("this statement");
  }
  for (auto& c : op.children) Check(*c, parts);
}

/// The operator of `plan` producing bindings of `table_index`, or null.
const LogicalOperator* FindProducer(const LogicalOperator& plan, uint64_t table_index) {
  if ((plan.type == LogicalOpType::kProjection || plan.type == LogicalOpType::kGet) &&
      plan.table_index == table_index) {
    return &plan;
  }
  for (auto& c : plan.children) {
    if (const LogicalOperator* found = FindProducer(*c, table_index)) return found;
  }
  return nullptr;
}

/// Follow `b` through projections that only pass a column on, down to the binding that computes it: a
/// scan's column or a projection's computed expression (such as TUMBLE's window_start).
ColumnBinding Resolve(const LogicalOperator& plan, ColumnBinding b) {
  for (;;) {
    const LogicalOperator* op = FindProducer(plan, b.table_index);
    if (!op || op->type != LogicalOpType::kProjection) return b;
    const Expr& e = *op->expressions[b.column_index];
    if (e.cls != ExprClass::kColumnRef) return b;
    b = e.binding;
  }
}

/// Whether a join side whose plan (`side`) holds `aggregate` gives distinct rows: a GROUP BY without aggregate
/// functions whose every group value is a column of the side (so that equal rows are the same group).
/// Throws for other aggregates below a join of two topics.
bool IsDistinctSide(const LogicalOperator& side, const LogicalOperator& aggregate) {
  if (!aggregate.expressions.empty()) {
    Unsupported("aggregates below a join of two topics (a GROUP BY without aggregates is supported)");
  }
  std::vector<bool> seen(aggregate.groups.size());
  for (const ColumnBinding& b : side.GetColumnBindings()) {
    const ColumnBinding r = Resolve(side, b);
    if (r.table_index == aggregate.table_index && r.column_index < seen.size()) seen[r.column_index] = true;
  }
  for (bool s : seen) {
    if (!s) Unsupported("a GROUP BY below a join of two topics whose group values are not all among its columns");
  }
  return true;
}

bool Contains(const LogicalOperator& plan, const LogicalOperator* op) {
  if (&plan == op) return true;
  for (auto& c : plan.children) {
    if (Contains(*c, op)) return true;
  }
  return false;
}

/// An expression of `plan`'s output that resolves to `target`, or a NULL of `type` when none does.
ExprPtr ColumnResolvingTo(const LogicalOperator& plan, ColumnBinding target, const LogicalType& type) {
  for (const ColumnBinding& b : plan.GetColumnBindings()) {
    if (Resolve(plan, b) == target) return Expr::ColumnRef(b, type);
  }
  return Expr::Constant(Value::Null(type));
}

/// The output part of the plan: the operators above the aggregate, over a scan of `rows` instead of it, with
/// the ordinal column carried to the top.
LogicalOperatorPtr RebaseOutput(const LogicalOperator& root, const ViewPlan& plan, size_t groups,
                                size_t aggregates) {
  LogicalOperatorPtr output = root.Copy();
  std::vector<LogicalOperator*> chain;
  LogicalOperatorPtr* slot = &output;
  while ((*slot)->type != LogicalOpType::kAggregate) {
    if ((*slot)->type != LogicalOpType::kProjection && (*slot)->type != LogicalOpType::kFilter) {
      Unsupported("this query over an aggregate");
    }
    chain.push_back(slot->get());
    slot = &(*slot)->children[0];
  }
  const LogicalOperator& aggregate = **slot;
  const uint64_t group_index = aggregate.table_index, value_index = aggregate.aggregate_index;
  auto rows = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  rows->table_index = kRowsIndex;
  rows->types = plan.output_row_types;
  rows->chunks = plan.output_rows;
  *slot = std::move(rows);
  for (LogicalOperator* op : chain) {
    for (ExprPtr& e : op->expressions) {
      RewriteExpr(e, [&](ExprPtr& x) {
        if (x->cls != ExprClass::kColumnRef || x->depth != 0) return;
        if (x->binding.table_index == group_index) {
          x->binding = {kRowsIndex, x->binding.column_index};
        } else if (x->binding.table_index == value_index) {
          x->binding = {kRowsIndex, groups + x->binding.column_index};
        }
      });
    }
  }
  ColumnBinding ordinal{kRowsIndex, groups + aggregates};
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if ((*it)->type != LogicalOpType::kProjection) continue;
    (*it)->expressions.push_back(Expr::ColumnRef(ordinal, TypeId::kBigInt, "ordinal"));
    ordinal = {(*it)->table_index, (*it)->expressions.size() - 1};
  }
  return output;
}

}  // namespace

const char* ViewKindName(ViewKind kind) {
  switch (kind) {
    case ViewKind::kAppend:
      return "append";
    case ViewKind::kWindowed:
      return "windowed";
    case ViewKind::kChangelog:
      return "changelog";
  }
  return "?";
}

ViewPlan ViewPlan::Analyze(BoundQuery query) {
  ViewPlan plan;
  plan.names = query.names;
  plan.types = query.types;
  for (const LogicalType& t : plan.types) {
    if (!IsEncodable(t)) Unsupported("columns of type " + t.ToString());
  }
  plan.join = ExtractStreamJoin(query.plan);
  if (plan.join) {
    for (StreamJoin::Side& side : plan.join->sides) {
      Parts side_parts;
      Check(*side.plan, side_parts);
      if (side_parts.aggregate) side.distinct = IsDistinctSide(*side.plan, *side_parts.aggregate);
    }
  }
  Parts parts;
  Check(*query.plan, parts);
  if (!parts.scan && !plan.join) Unsupported("queries without a topic in FROM");
  plan.topic = plan.join ? plan.join->sides[0].topic : parts.scan->table->name;
  if (!parts.aggregate) {
    plan.kind = ViewKind::kAppend;
    plan.input = std::move(query.plan);
    return plan;
  }

  LogicalOperator& aggregate = *parts.aggregate;
  const LogicalOperator& below = *aggregate.children[0];
  // Windowed when it groups by the windows of a TUMBLE or HOP below it.
  int start_group = -1, end_group = -1;
  if (parts.window && Contains(below, parts.window)) {
    const uint64_t window_index = parts.window->table_index;
    const size_t n = parts.window->expressions.size();
    for (size_t g = 0; g < aggregate.groups.size(); g++) {
      const Expr& e = *aggregate.groups[g];
      if (e.cls != ExprClass::kColumnRef) continue;
      const ColumnBinding b = Resolve(below, e.binding);
      if (b == ColumnBinding{window_index, n - 2}) start_group = static_cast<int>(g);
      if (b == ColumnBinding{window_index, n - 1}) end_group = static_cast<int>(g);
    }
    if ((start_group < 0) != (end_group < 0)) {
      throw NotImplementedError(
          "a materialized view over windows groups by both window_start and window_end, or "
          "by neither");
    }
  }
  plan.kind = end_group >= 0 ? ViewKind::kWindowed : ViewKind::kChangelog;
  if (plan.join && plan.kind == ViewKind::kWindowed) Unsupported("windowed aggregates over a join of two topics");

  auto input = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  input->table_index = kInputIndex;
  for (auto& g : aggregate.groups) {
    plan.group_types.push_back(g->type);
    input->expressions.push_back(g->Copy());
  }
  for (auto& a : aggregate.expressions) {
    AggregateInput in;
    in.first_arg = input->expressions.size();
    in.arg_count = a->children.size();
    for (auto& c : a->children) input->expressions.push_back(c->Copy());
    if (a->filter) {
      in.filter = static_cast<int>(input->expressions.size());
      input->expressions.push_back(a->filter->Copy());
    }
    plan.aggregate_inputs.push_back(in);
    plan.aggregates.push_back(a->Copy());
  }
  if (plan.kind == ViewKind::kWindowed) {
    plan.window = parts.window->window_function;
    plan.window_start_group = static_cast<size_t>(start_group);
    plan.window_end_group = static_cast<size_t>(end_group);
    plan.time_type = plan.group_types[plan.window_end_group];
    const uint64_t scan = parts.scan->table_index;
    plan.partition_column = input->expressions.size();
    input->expressions.push_back(ColumnResolvingTo(below, {scan, kTopicPartitionColumn}, TypeId::kInteger));
    plan.offset_column = input->expressions.size();
    input->expressions.push_back(ColumnResolvingTo(below, {scan, kTopicOffsetColumn}, TypeId::kBigInt));
    plan.time_column = input->expressions.size();
    input->expressions.push_back(ColumnResolvingTo(below, plan.window->time, plan.time_type));
  }
  input->children.push_back(below.Copy());
  plan.input = std::move(input);

  plan.output_row_types = plan.group_types;
  for (auto& a : aggregate.expressions) plan.output_row_types.push_back(a->type);
  plan.output_row_types.push_back(TypeId::kBigInt);
  plan.output_rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  plan.output = RebaseOutput(*query.plan, plan, aggregate.groups.size(), aggregate.expressions.size());
  return plan;
}

LogicalOperatorPtr ReadingFrom(const LogicalOperator& plan, const std::shared_ptr<TableEntry>& source) {
  LogicalOperatorPtr copy = plan.Copy();
  std::vector<LogicalOperator*> pending{copy.get()};
  while (!pending.empty()) {
    LogicalOperator* op = pending.back();
    pending.pop_back();
    if (op->type == LogicalOpType::kGet && op->table->is_topic()) op->table = source;
    for (auto& c : op->children) pending.push_back(c.get());
  }
  return copy;
}

}  // namespace basin::stream
