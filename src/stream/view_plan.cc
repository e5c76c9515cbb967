#include "stream/view_plan.h"

#include <strings.h>
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "lake/iceberg_table.h"
#include "lake/topic_table.h"
#include "stream/aggregate_states.h"
#include "stream/join_plan.h"
#include "stream/row_codec.h"

namespace basin::stream {

namespace {

// Table indexes of the operators added here: far above what a binder hands out.
constexpr uint64_t kInputIndex = uint64_t{1} << 40;
constexpr uint64_t kRowsIndex = kInputIndex + 1;
// A stage's chunk scan, and the projection that tops a stage's plan: + the stage's number.
constexpr uint64_t kStageIndex = kInputIndex + 64;
constexpr uint64_t kStageTopIndex = kInputIndex + 128;
constexpr size_t kMaxStages = 64;
// The chunk scan of a window-local plan's records side (ViewPlan::RecordsSide).
constexpr uint64_t kRecordsIndex = kInputIndex + 192;

[[noreturn]] void Unsupported(const std::string& what) {
  throw NotImplementedError("materialized views do not support " + what + " yet");
}

/// What Check found in a plan.
struct Parts {
  LogicalOperator* scan = nullptr;
  LogicalOperator* aggregate = nullptr;
  LogicalOperator* window = nullptr;  // the TUMBLE/HOP projection
  LogicalOperator* rank = nullptr;    // row_number() OVER (...), for top-N
  LogicalOperator* stage = nullptr;   // the chunk scan of the one stage read (ViewPlan::stages)
};

/// SESSION's projection: the plan below the three window operators it binds to (bind_session_window.cc).
LogicalOperator* SessionSource(const LogicalOperator& session) {
  LogicalOperator* op = session.children[0].get();
  for (int i = 0; i < 3; i++) {
    if (op->type != LogicalOpType::kWindow) throw InternalError("SESSION binds to three window operators");
    op = op->children[0].get();
  }
  return op;
}

/// In `plan` (a copy), SESSION's projection made a session of each row: window_start = the time, window_end =
/// the time + gap, over the source itself.
void CutSessions(LogicalOperator& plan, uint64_t session_index) {
  if (plan.type == LogicalOpType::kProjection && plan.table_index == session_index) {
    const WindowTableFunction& w = *plan.window_function;
    LogicalOperatorPtr source = SessionSource(plan)->Copy();
    plan.children[0] = std::move(source);
    const size_t n = plan.expressions.size();
    const LogicalType& type = plan.expressions[n - 2]->type;
    plan.expressions[n - 2] = Expr::ColumnRef(w.time, type, "window_start");
    plan.expressions[n - 1] = w.event_end->Copy();
    return;
  }
  for (auto& c : plan.children) CutSessions(*c, session_index);
}

/// Refuse aggregates whose value depends on the order of their rows (string_agg, array_agg, first, last)
/// over a join: its rows come in an order its build's threads decide, not the same when an epoch runs
/// again after a crash. (Over a topic they come in offset order, partition by partition, epoch by epoch.)
void CheckOrderFree(const LogicalOperator& aggregate) {
  for (const auto& e : aggregate.expressions) {
    if (e->aggregate->order_dependent) Unsupported(e->aggregate->name + "() over a join");
  }
}

/// Refuse what the stream processor cannot maintain; note the scan, the aggregate and the window.
void Check(LogicalOperator& op, Parts& parts) {
  switch (op.type) {
    case LogicalOpType::kGet:
      if (parts.scan) Unsupported("reading more than one relation");
      if (!op.table->is_topic() && !std::dynamic_pointer_cast<iceberg::IcebergTable>(op.table->storage)) {
        throw NotImplementedError("a materialized view reads a topic or a lake table; \"" + op.table->name +
                                  "\" is neither");
      }
      parts.scan = &op;
      return;
    case LogicalOpType::kProjection:
      if (op.window_function) parts.window = &op;
      if (op.window_function && op.window_function->name == "session") {
        Check(*SessionSource(op), parts);  // past the window operators that number sessions in batch
        return;
      }
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
      if (parts.aggregate) CheckOrderFree(*parts.aggregate);
      Check(StreamSide(op), parts);
      return;
    case LogicalOpType::kOrder:
      Unsupported("ORDER BY (order the rows when querying the view)");
    case LogicalOpType::kLimit:
      Unsupported("LIMIT and OFFSET");
    case LogicalOpType::kDistinct:
      Unsupported("DISTINCT");
    case LogicalOpType::kWindow:
      if (parts.rank || op.expressions.size() != 1 || op.expressions[0]->name != "row_number" ||
          op.expressions[0]->order_by.empty()) {
        Unsupported(
            "window functions (OVER) but row_number() OVER (PARTITION BY ... ORDER BY ...) for top-N");
      }
      parts.rank = &op;
      break;
    case LogicalOpType::kUnion:
    case LogicalOpType::kSetOp:
      Unsupported("UNION, INTERSECT and EXCEPT");
    case LogicalOpType::kRecursiveCTE:
    case LogicalOpType::kMaterialize:
      Unsupported("WITH RECURSIVE and WITH queries used more than once");
    case LogicalOpType::kChunkScan:
      if (IsStreamJoinSide(op)) return;  // a join of two topics reads it (join_plan.h)
      if (IsStageScan(op)) {
        if (parts.stage) Unsupported("joining the results of two aggregates but window by window");
        parts.stage = &op;
        return;
      }
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

/// Whether a join side whose plan (`side`) holds `aggregate` gives distinct rows: a GROUP BY without
/// aggregate functions whose every group value is a column of the side (so that equal rows are the same
/// group). Throws for other aggregates below a join of two topics.
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
    if (!s)
      Unsupported("a GROUP BY below a join of two topics whose group values are not all among its columns");
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

/// Whether `op` aggregates a topic's rows (an aggregate over lake tables only is a lookup's).
bool AggregatesTopic(const LogicalOperator& op) {
  return op.type == LogicalOpType::kAggregate && ReadsTopic(op);
}

bool HasTopicAggregate(const LogicalOperator& op) {
  if (AggregatesTopic(op)) return true;
  for (auto& c : op.children) {
    if (HasTopicAggregate(*c)) return true;
  }
  return false;
}

/// Whether `plan` needs stages: an aggregate or row_number() over an aggregate of a topic, or a topic read
/// twice (joined with itself, or with an aggregate of itself).
bool NeedsStages(const LogicalOperator& plan) {
  std::function<bool(const LogicalOperator&)> nested = [&](const LogicalOperator& op) {
    if (AggregatesTopic(op) || op.type == LogicalOpType::kWindow) {
      for (auto& c : op.children) {
        if (HasTopicAggregate(*c)) return true;
      }
    }
    for (auto& c : op.children) {
      if (nested(*c)) return true;
    }
    return false;
  };
  if (nested(plan)) return true;
  std::map<std::string, int> reads;
  std::function<bool(const LogicalOperator&)> twice = [&](const LogicalOperator& op) {
    if (op.type == LogicalOpType::kGet && op.table->is_topic() && ++reads[op.table->name] > 1) return true;
    for (auto& c : op.children) {
      if (twice(*c)) return true;
    }
    return false;
  };
  return twice(plan);
}

/// Cut every lowest aggregate of a topic below the root (with the projections and filters right above it,
/// HAVING and the select list of its subquery) out of `slot`'s tree into a stage of its own, leaving a chunk
/// scan of the stage's rows; `rebound` maps the subtree's columns to the scan's.
void CutStages(LogicalOperatorPtr& slot, bool root, std::vector<ViewPlan::Stage>& stages,
               std::map<std::pair<uint64_t, uint64_t>, ColumnBinding>& rebound) {
  LogicalOperator* x = slot.get();
  while ((x->type == LogicalOpType::kProjection && !x->window_function) || x->type == LogicalOpType::kFilter)
    x = x->children[0].get();
  if (root || !AggregatesTopic(*x) || HasTopicAggregate(*x->children[0])) {
    for (auto& c : x->children) CutStages(c, false, stages, rebound);
    return;
  }
  if (stages.size() == kMaxStages) Unsupported("more than " + std::to_string(kMaxStages) + " aggregates");
  const size_t k = stages.size();
  LogicalOperatorPtr sub = std::move(slot);
  sub->ResolveTypes();
  const std::vector<ColumnBinding> bindings = sub->GetColumnBindings();
  ViewPlan::Stage stage;
  BoundQuery query;
  auto top = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  top->table_index = kStageTopIndex + k;
  for (size_t c = 0; c < bindings.size(); c++) {
    std::string time_column;
    ExprPtr column = Expr::ColumnRef(bindings[c], sub->types[c]);
    if (stage.window_end_column < 0 && IsWindowEnd(*sub, *column, time_column))
      stage.window_end_column = static_cast<int>(c);
    top->expressions.push_back(std::move(column));
    query.names.push_back("_" + std::to_string(c));
    query.types.push_back(sub->types[c]);
    rebound[{bindings[c].table_index, bindings[c].column_index}] = {kStageIndex + k, c};
  }
  top->children.push_back(std::move(sub));
  query.plan = std::move(top);
  stage.plan = std::make_shared<ViewPlan>(ViewPlan::Analyze(std::move(query)));
  if (stage.plan->kind != ViewKind::kWindowed) stage.window_end_column = -1;  // windows kept as changes
  stage.rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  auto scan = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  scan->table_index = kStageIndex + k;
  scan->types = stage.plan->types;
  scan->chunks = stage.rows;
  slot = std::move(scan);
  stages.push_back(std::move(stage));
}

/// Whether `op` gives the rows of each window from the stages' rows of that window alone, so that it can
/// run over the windows an epoch closed as a batch query: every stage is windowed (its windows emitted once,
/// when closed), every aggregate and window function groups by a window end, every join of two stages'
/// rows matches window ends, a lake table is joined only as a lookup. `ends` gathers the columns holding a
/// window end; `stages_below` says whether `op` reads a stage.
bool WindowLocal(const LogicalOperator& op, const std::vector<ViewPlan::Stage>& stages,
                 std::set<std::pair<uint64_t, uint64_t>>& ends, bool& stages_below,
                 const LogicalOperator* records_join = nullptr) {
  auto is_end = [&](const Expr& e) {
    return e.cls == ExprClass::kColumnRef && e.depth == 0 &&
           ends.count({e.binding.table_index, e.binding.column_index});
  };
  std::vector<bool> below(op.children.size(), false);
  for (size_t c = 0; c < op.children.size(); c++) {
    bool b = false;
    if (!WindowLocal(*op.children[c], stages, ends, b, records_join)) return false;
    below[c] = b;
    stages_below = stages_below || b;
  }
  switch (op.type) {
    case LogicalOpType::kChunkScan: {
      if (op.table_index == kRecordsIndex) {
        stages_below = true;  // bounded by the windows it meets (RecordsSide)
        return true;
      }
      if (!IsStageScan(op)) return false;
      const ViewPlan::Stage& stage = stages.at(op.table_index - kStageIndex);
      if (stage.window_end_column < 0) return false;
      ends.insert({op.table_index, static_cast<uint64_t>(stage.window_end_column)});
      stages_below = true;
      return true;
    }
    case LogicalOpType::kGet:
      return !op.table->is_topic();
    case LogicalOpType::kValues:
    case LogicalOpType::kFilter:
      return true;
    case LogicalOpType::kProjection:
      if (op.window_function) return false;
      for (size_t i = 0; i < op.expressions.size(); i++) {
        if (is_end(*op.expressions[i])) ends.insert({op.table_index, i});
      }
      return true;
    case LogicalOpType::kAggregate: {
      if (!op.grouping_sets.empty()) return false;
      bool grouped = !stages_below;
      for (size_t g = 0; g < op.groups.size(); g++) {
        if (!is_end(*op.groups[g])) continue;
        grouped = true;
        ends.insert({op.table_index, g});
      }
      return grouped;
    }
    case LogicalOpType::kWindow:
      for (const ExprPtr& e : op.expressions) {
        bool partitioned = !stages_below;
        for (const ExprPtr& p : e->partition_by) partitioned = partitioned || is_end(*p);
        if (!partitioned) return false;
      }
      return true;
    case LogicalOpType::kJoin: {
      if (&op == records_join) return true;  // its time bounds were checked (CutRecordsSide)
      if (below[0] && below[1]) {
        for (const LogicalJoinCondition& c : op.conditions) {
          if (!c.nulls_equal && is_end(*c.left) && is_end(*c.right)) return true;
        }
        // ON ... before the optimizer makes keys of it: an equality of a window end of each side.
        const std::vector<ColumnBinding> left = op.children[0]->GetColumnBindings();
        auto from_left = [&](const Expr& e) {
          return std::find(left.begin(), left.end(), e.binding) != left.end();
        };
        std::vector<ExprPtr> conjuncts;
        if (!op.expressions.empty()) SplitConjunction(op.expressions[0]->Copy(), conjuncts);
        for (const ExprPtr& c : conjuncts) {
          if (c->cls == ExprClass::kFunction && c->name == "=" && c->children.size() == 2 &&
              is_end(*c->children[0]) && is_end(*c->children[1]) &&
              from_left(*c->children[0]) != from_left(*c->children[1])) {
            return true;
          }
        }
        return false;
      }
      // A lookup: the table's side must not keep rows without a stage's.
      if (below[1]) return op.join_type == LogicalJoinType::kInner || op.join_type == LogicalJoinType::kRight;
      return op.join_type != LogicalJoinType::kRight && op.join_type != LogicalJoinType::kFull;
    }
    default:
      return false;
  }
}

bool HasStageScan(const LogicalOperator& op) {
  if (IsStageScan(op)) return true;
  for (auto& c : op.children) {
    if (HasStageScan(*c)) return true;
  }
  return false;
}

/// The side of a join in `slot`'s tree that reads the topic while the other reads only stages; its join
/// goes to `join`. Null when there is none.
LogicalOperatorPtr* FindRecordsSide(LogicalOperatorPtr& slot, LogicalOperator*& join) {
  LogicalOperator& op = *slot;
  if (op.type == LogicalOpType::kJoin) {
    for (size_t s = 0; s < 2; s++) {
      const LogicalOperator& side = *op.children[s];
      const LogicalOperator& other = *op.children[1 - s];
      if (ReadsTopic(side) && !HasStageScan(side) && HasStageScan(other) && !ReadsTopic(other)) {
        join = &op;
        return &op.children[s];
      }
    }
  }
  for (auto& c : op.children) {
    if (LogicalOperatorPtr* found = FindRecordsSide(c, join)) return found;
  }
  return nullptr;
}

/// A constant interval as microseconds; false unless it is one without months.
bool ConstantMicros(const Expr& e, int64_t& micros) {
  if (!e.IsFoldable() || e.type.id() != TypeId::kInterval) return false;
  const Value v = ExpressionExecutor::EvaluateScalar(e, nullptr);
  if (v.IsNull()) return false;
  const interval_t i = v.GetInterval();
  if (i.months != 0) return false;
  micros = i.days * int64_t{86'400'000'000} + i.micros;
  return true;
}

/// `e` as a window end plus a constant (`end`, `end + INTERVAL`, `end - INTERVAL`): the constant.
bool WindowEndPlus(const Expr& e, const std::set<std::pair<uint64_t, uint64_t>>& ends, int64_t& offset) {
  auto is_end = [&](const Expr& x) {
    return x.cls == ExprClass::kColumnRef && x.depth == 0 &&
           ends.count({x.binding.table_index, x.binding.column_index});
  };
  if (is_end(e)) {
    offset = 0;
    return true;
  }
  if (e.cls != ExprClass::kFunction || e.children.size() != 2 || (e.name != "+" && e.name != "-"))
    return false;
  int64_t micros = 0;
  if (is_end(*e.children[0]) && ConstantMicros(*e.children[1], micros)) {
    offset = e.name == "+" ? micros : -micros;
    return true;
  }
  if (e.name == "+" && is_end(*e.children[1]) && ConstantMicros(*e.children[0], micros)) {
    offset = micros;
    return true;
  }
  return false;
}

/// Every condition of `op`'s filters and join residuals, split at AND.
void Conjuncts(const LogicalOperator& op, std::vector<ExprPtr>& out) {
  if (op.type == LogicalOpType::kFilter) {
    for (const ExprPtr& e : op.expressions) SplitConjunction(e->Copy(), out);
  } else if (op.type == LogicalOpType::kJoin && !op.expressions.empty()) {
    SplitConjunction(op.expressions[0]->Copy(), out);
  }
  for (auto& c : op.children) Conjuncts(*c, out);
}

/// A window-local plan reading the topic beside its stages (Nexmark q7): cut the topic's side out into a
/// records side, bounded in time by the windows its rows can meet; throws what makes it unsupported.
std::shared_ptr<ViewPlan::RecordsSide> CutRecordsSide(LogicalOperatorPtr& root, const ViewPlan& plan) {
  const char* shape =
      "joining a topic with an aggregate of its records but with windows (an inner join of the records with "
      "a windowed aggregate whose conditions bound the records' event time by the window's end: "
      "ts BETWEEN window_end - INTERVAL '10' SECOND AND window_end)";
  LogicalOperator* join = nullptr;
  LogicalOperatorPtr* slot = FindRecordsSide(root, join);
  const ViewPlan* windowed = plan.Windowed();
  if (!slot || !windowed || windowed->session() || join->join_type != LogicalJoinType::kInner) Unsupported(shape);
  LogicalOperatorPtr side = std::move(*slot);
  side->ResolveTypes();
  const std::vector<ColumnBinding> bindings = side->GetColumnBindings();
  const LogicalOperator* scan = FindTopicScan(*side);
  const std::string& time_name = windowed->window->time_column;
  size_t time_column = SIZE_MAX;
  for (size_t c = 0; c < scan->table->columns.size(); c++) {
    if (strcasecmp(scan->table->columns[c].name.c_str(), time_name.c_str()) == 0) time_column = c;
  }
  int time_out = -1;
  for (size_t i = 0; i < bindings.size() && time_out < 0; i++) {
    if (Resolve(*side, bindings[i]) == ColumnBinding{scan->table_index, time_column})
      time_out = static_cast<int>(i);
  }
  if (time_out < 0) Unsupported(shape);

  auto records = std::make_shared<ViewPlan::RecordsSide>();
  records->time_type = windowed->time_type;
  records->step = windowed->window->slide;
  auto project = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  project->table_index = kRecordsIndex;
  std::map<std::pair<uint64_t, uint64_t>, ColumnBinding> rebound;
  for (size_t i = 0; i < bindings.size(); i++) {
    if (!IsEncodable(side->types[i]))
      Unsupported("joining records with " + side->types[i].ToString() + " values");
    project->expressions.push_back(Expr::ColumnRef(bindings[i], side->types[i]));
    records->types.push_back(side->types[i]);
    rebound[{bindings[i].table_index, bindings[i].column_index}] = {kRecordsIndex, i};
  }
  project->expressions.push_back(
      ColumnResolvingTo(*side, {scan->table_index, kTopicPartitionColumn}, TypeId::kInteger));
  project->expressions.push_back(
      ColumnResolvingTo(*side, {scan->table_index, kTopicOffsetColumn}, TypeId::kBigInt));
  project->expressions.push_back(Expr::ColumnRef(bindings[time_out], side->types[time_out]));
  project->children.push_back(std::move(side));
  records->plan = std::move(project);
  records->rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  auto chunks = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  chunks->table_index = kRecordsIndex;
  chunks->types = records->types;
  chunks->chunks = records->rows;
  *slot = std::move(chunks);
  RebindColumns(*root, rebound);

  std::set<std::pair<uint64_t, uint64_t>> ends;
  bool stages_below = false;
  if (!WindowLocal(*root, plan.stages, ends, stages_below, join)) Unsupported(shape);
  // The bounds: time >= end + a (a record meets windows ending up to -a after it) and time <= end + b
  // (b <= 0: a window's records are all there when it closes).
  const ColumnBinding time{kRecordsIndex, static_cast<uint64_t>(time_out)};
  bool lower = false, upper = false;
  std::vector<ExprPtr> conjuncts;
  Conjuncts(*root, conjuncts);
  for (const ExprPtr& c : conjuncts) {
    if (c->cls != ExprClass::kFunction || c->children.size() != 2) continue;
    std::string op = c->name;
    const Expr* t = c->children[0].get();
    const Expr* other = c->children[1].get();
    if (!(t->cls == ExprClass::kColumnRef && t->binding == time)) {
      std::swap(t, other);
      op = op == ">=" ? "<=" : op == "<=" ? ">=" : op == ">" ? "<" : op == "<" ? ">" : op;
    }
    int64_t offset = 0;
    if (!(t->cls == ExprClass::kColumnRef && t->depth == 0 && t->binding == time) ||
        !WindowEndPlus(*other, ends, offset))
      continue;
    if (op == ">=" || op == ">") {  // end <= time - offset: windows ending at most -offset after it
      if (!lower || -offset < records->far) records->far = -offset;
      lower = true;
    } else if (op == "<=" || op == "<") {  // end >= time - offset
      if (!upper || -offset > records->near) records->near = -offset;
      upper = true;
    }
  }
  if (!lower || !upper || records->near < 0 || records->far < records->near) Unsupported(shape);
  return records;
}

}  // namespace

namespace {

/// Fill `plan` (kTopN) from `root`, whose row_number() is `rank`.
void AnalyzeTopN(ViewPlan& plan, const LogicalOperator& root, const LogicalOperator& rank) {
  // Only projections and one filter on the rank above it: the filter keeps the top N of each partition,
  // whose rows are then all the state needs.
  const ColumnBinding rn{rank.table_index, 0};
  std::vector<const LogicalOperator*> chain;
  for (const LogicalOperator* op = &root; op != &rank; op = op->children[0].get()) {
    if (op->type != LogicalOpType::kProjection && op->type != LogicalOpType::kFilter)
      Unsupported("this query over row_number()");
    chain.push_back(op);
  }
  const char* shape =
      "row_number() but filtered by one condition rn = 1, rn <= N or rn < N (top-N per group)";
  for (const LogicalOperator* op : chain) {
    if (op->type != LogicalOpType::kFilter) continue;
    if (plan.top_n != 0 || op->expressions.size() != 1) Unsupported(shape);
    const Expr& e = *op->expressions[0];
    if (e.cls != ExprClass::kFunction || e.children.size() != 2 ||
        e.children[0]->cls != ExprClass::kColumnRef || Resolve(root, e.children[0]->binding) != rn ||
        !e.children[1]->IsFoldable()) {
      Unsupported(shape);
    }
    const Value v = ExpressionExecutor::EvaluateScalar(*e.children[1], nullptr);
    if (v.IsNull() || v.type().id() != TypeId::kBigInt) Unsupported(shape);
    const int64_t n = v.GetInt64();
    plan.top_n = e.name == "=" && n == 1 ? 1 : e.name == "<=" ? n : e.name == "<" ? n - 1 : 0;
    if (plan.top_n <= 0) Unsupported(shape);
  }
  if (plan.top_n == 0) Unsupported(shape);
  constexpr int64_t kMaxTopN = 10000;
  if (plan.top_n > kMaxTopN)
    Unsupported("top-N of more than " + std::to_string(kMaxTopN) + " rows per group");
  plan.kind = ViewKind::kTopN;

  // The input: the rows ranked, then their partition's values.
  const LogicalOperator& below = *rank.children[0];
  const std::vector<ColumnBinding> row = below.GetColumnBindings();
  LogicalOperatorPtr rows = below.Copy();
  rows->ResolveTypes();
  auto input = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  input->table_index = kInputIndex;
  for (size_t c = 0; c < row.size(); c++) {
    if (!IsEncodable(rows->types[c]))
      Unsupported("ranking rows with " + rows->types[c].ToString() + " values");
    input->expressions.push_back(Expr::ColumnRef(row[c], rows->types[c]));
    plan.output_row_types.push_back(rows->types[c]);
  }
  plan.row_width = row.size();
  for (const ExprPtr& p : rank.expressions[0]->partition_by) {
    if (!IsEncodable(p->type)) Unsupported("partitioning by " + p->type.ToString() + " values");
    plan.key_types.push_back(p->type);
    input->expressions.push_back(p->Copy());
  }
  input->children.push_back(std::move(rows));
  plan.input = std::move(input);

  // The output: the plan from the rank up, over the candidates with their ordinal carried to the top.
  plan.output_row_types.push_back(TypeId::kBigInt);
  plan.output_rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  LogicalOperatorPtr output = root.Copy();
  LogicalOperator* op = output.get();
  std::vector<LogicalOperator*> above;
  while (op->type != LogicalOpType::kWindow) {
    above.push_back(op);
    op = op->children[0].get();
  }
  auto scan = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  scan->table_index = kRowsIndex;
  scan->types = plan.output_row_types;
  scan->chunks = plan.output_rows;
  op->children[0] = std::move(scan);
  above.push_back(op);
  auto rebind = [&](ExprPtr& e) {
    RewriteExpr(e, [&](ExprPtr& x) {
      if (x->cls != ExprClass::kColumnRef || x->depth != 0) return;
      for (size_t c = 0; c < row.size(); c++) {
        if (x->binding == row[c]) x->binding = {kRowsIndex, c};
      }
    });
  };
  for (LogicalOperator* o : above) {
    for (ExprPtr& e : o->expressions) {
      rebind(e);
      for (ExprPtr& p : e->partition_by) rebind(p);
      for (BoundOrder& order : e->order_by) rebind(order.expr);
    }
  }
  ColumnBinding ordinal{kRowsIndex, row.size()};
  for (auto it = above.rbegin(); it != above.rend(); ++it) {
    if ((*it)->type != LogicalOpType::kProjection) continue;
    (*it)->expressions.push_back(Expr::ColumnRef(ordinal, TypeId::kBigInt, "ordinal"));
    ordinal = {(*it)->table_index, (*it)->expressions.size() - 1};
  }
  plan.output = std::move(output);
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
    case ViewKind::kTopN:
      return "top_n";
  }
  return "?";
}

const ViewPlan* ViewPlan::Windowed() const {
  if (kind == ViewKind::kWindowed) return this;
  for (const Stage& stage : stages) {
    if (stage.plan->kind == ViewKind::kWindowed) return stage.plan.get();
  }
  return nullptr;
}

const StreamJoin* ViewPlan::TopicJoin() const {
  if (join) return join.get();
  for (const Stage& stage : stages) {
    if (stage.plan->join) return stage.plan->join.get();
  }
  return nullptr;
}

const std::vector<std::string>& LateColumnNames() {
  static const std::vector<std::string> names{"_partition",   "_offset",    "event_time",
                                              "window_start", "window_end", "watermark"};
  return names;
}

std::vector<LogicalType> LateColumnTypes(const LogicalType& time) {
  return {TypeId::kInteger, TypeId::kBigInt, time, time, time, time};
}

bool IsStageScan(const LogicalOperator& op) {
  return op.type == LogicalOpType::kChunkScan && op.table_index >= kStageIndex &&
         op.table_index < kStageIndex + kMaxStages;
}

ViewPlan ViewPlan::Analyze(BoundQuery query) {
  ViewPlan plan;
  plan.names = query.names;
  plan.types = query.types;
  for (const LogicalType& t : plan.types) {
    if (!IsEncodable(t)) Unsupported("columns of type " + t.ToString());
  }
  if (NeedsStages(*query.plan)) {
    std::map<std::pair<uint64_t, uint64_t>, ColumnBinding> rebound;
    CutStages(query.plan, /*root=*/true, plan.stages, rebound);
    RebindColumns(*query.plan, rebound);
  }
  if (!plan.stages.empty()) {
    // One epoch's records feed every stage: they read the same topics.
    auto join_topic = [](const ViewPlan& p) { return p.join ? p.join->sides[1].topic : std::string(); };
    const ViewPlan& first = *plan.stages[0].plan;
    for (const Stage& stage : plan.stages) {
      if (stage.plan->topic != first.topic || join_topic(*stage.plan) != join_topic(first))
        Unsupported("aggregates over different topics in one view");
    }
    plan.topic = first.topic;
    if (ReadsTopic(*query.plan)) {
      if (first.join) Unsupported("joining a topic with an aggregate of a join of two topics");
      plan.records = CutRecordsSide(query.plan, plan);
      plan.kind = ViewKind::kAppend;
      plan.window_local = true;
      plan.input = std::move(query.plan);
      return plan;
    }
    std::set<std::pair<uint64_t, uint64_t>> ends;
    bool stages_below = false;
    if (WindowLocal(*query.plan, plan.stages, ends, stages_below)) {
      plan.kind = ViewKind::kAppend;
      plan.window_local = true;
      plan.input = std::move(query.plan);
      return plan;
    }
    if (plan.stages.size() > 1) {
      Unsupported(
          "joining aggregates but window by window (their TUMBLE or HOP windows, ON a.window_end = "
          "b.window_end)");
    }
    plan.retracting = first.kind != ViewKind::kWindowed;
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
  if (!parts.scan && !plan.join && !parts.stage) Unsupported("queries without a topic in FROM");
  if (parts.scan && parts.scan->table->is_topic()) plan.topic = parts.scan->table->name;
  if (parts.scan && !parts.scan->table->is_topic()) {
    plan.table_source = parts.scan->table;
    // Each epoch reads the table's new rows in place of every scan of it: it must be read once.
    size_t reads = 0;
    std::function<void(const LogicalOperator&)> count = [&](const LogicalOperator& op) {
      if (op.type == LogicalOpType::kGet && op.table->schema == plan.table_source->schema &&
          op.table->name == plan.table_source->name)
        reads++;
      for (auto& c : op.children) count(*c);
    };
    count(*query.plan);
    if (reads > 1) Unsupported("reading a view's lake table more than once");
  }
  if (plan.retracting) {
    // A retracted row must meet what it met when it was added: a lookup reads the table as it is now.
    std::function<void(const LogicalOperator&)> lookups = [&](const LogicalOperator& op) {
      if (op.type == LogicalOpType::kJoin) Unsupported("joining lake tables with the rows of an aggregate that change");
      for (auto& c : op.children) lookups(*c);
    };
    lookups(*query.plan);
  }
  if (plan.join) plan.topic = plan.join->sides[0].topic;
  if (parts.rank) {
    if (plan.join) Unsupported("row_number() over a join of two topics");
    if (plan.retracting) Unsupported("row_number() over the rows of an aggregate, which change");
    if (parts.aggregate || parts.window) Unsupported("row_number() with aggregates or windows");
    AnalyzeTopN(plan, *query.plan, *parts.rank);
    return plan;
  }
  const bool session = parts.window && parts.window->window_function->name == "session";
  if (session && plan.join) Unsupported("SESSION windows over a join of two topics");
  if (!parts.aggregate) {
    if (session) Unsupported("SESSION windows but in GROUP BY window_start, window_end");
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
      if (b == Resolve(below, {window_index, n - 2})) start_group = static_cast<int>(g);
      if (b == Resolve(below, {window_index, n - 1})) end_group = static_cast<int>(g);
    }
    if ((start_group < 0) != (end_group < 0)) {
      throw NotImplementedError(
          "a materialized view over windows groups by both window_start and window_end, or "
          "by neither");
    }
  }
  plan.kind = end_group >= 0 ? ViewKind::kWindowed : ViewKind::kChangelog;
  if (plan.join && plan.kind == ViewKind::kWindowed)
    Unsupported("windowed aggregates over a join of two topics");
  if (session && plan.kind != ViewKind::kWindowed)
    Unsupported("SESSION windows but in GROUP BY window_start, window_end");
  if (session) {
    // A session's key columns must be grouped by: rows of different keys never share a session.
    for (const ColumnBinding& key : parts.window->window_function->keys) {
      int found = -1;
      for (size_t g = 0; g < aggregate.groups.size(); g++) {
        const Expr& e = *aggregate.groups[g];
        if (e.cls == ExprClass::kColumnRef && Resolve(below, e.binding) == Resolve(below, key))
          found = static_cast<int>(g);
      }
      if (found < 0) Unsupported("SESSION windows whose key columns are not in GROUP BY");
      plan.session_key_groups.push_back(static_cast<size_t>(found));
    }
  }

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
    if (plan.retracting) AggregateStates::CheckRetractable(*a);
    plan.aggregates.push_back(a->Copy());
  }
  if (plan.kind == ViewKind::kWindowed) {
    plan.window = parts.window->window_function;
    plan.window_start_group = static_cast<size_t>(start_group);
    plan.window_end_group = static_cast<size_t>(end_group);
    plan.time_type = plan.group_types[plan.window_end_group];
    const uint64_t scan = parts.scan->table_index;
    // (A lake table has no _partition and _offset: its late rows name none.)
    plan.partition_column = input->expressions.size();
    input->expressions.push_back(
        plan.table_source ? Expr::Constant(Value::Null(TypeId::kInteger))
                          : ColumnResolvingTo(below, {scan, kTopicPartitionColumn}, TypeId::kInteger));
    plan.offset_column = input->expressions.size();
    input->expressions.push_back(plan.table_source
                                     ? Expr::Constant(Value::Null(TypeId::kBigInt))
                                     : ColumnResolvingTo(below, {scan, kTopicOffsetColumn}, TypeId::kBigInt));
    plan.time_column = input->expressions.size();
    input->expressions.push_back(ColumnResolvingTo(below, plan.window->time, plan.time_type));
  }
  input->children.push_back(below.Copy());
  if (session) CutSessions(*input, parts.window->table_index);
  plan.input = std::move(input);

  plan.output_row_types = plan.group_types;
  for (auto& a : aggregate.expressions) plan.output_row_types.push_back(a->type);
  plan.output_row_types.push_back(TypeId::kBigInt);
  plan.output_rows = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  plan.output = RebaseOutput(*query.plan, plan, aggregate.groups.size(), aggregate.expressions.size());
  return plan;
}

LogicalOperatorPtr ReadingFrom(const LogicalOperator& plan, const std::shared_ptr<TableEntry>& source,
                               const TableEntry* table_source) {
  auto is_source = [&](const TableEntry& t) {
    if (!table_source) return t.is_topic();
    return t.schema == table_source->schema && t.name == table_source->name;
  };
  LogicalOperatorPtr copy = plan.Copy();
  std::vector<LogicalOperator*> pending{copy.get()};
  while (!pending.empty()) {
    LogicalOperator* op = pending.back();
    pending.pop_back();
    if (op->type == LogicalOpType::kGet && is_source(*op->table)) op->table = source;
    for (auto& c : op->children) pending.push_back(c.get());
  }
  return copy;
}

}  // namespace basin::stream
