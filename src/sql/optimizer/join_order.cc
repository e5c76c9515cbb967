#include "sql/optimizer/join_order.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "catalog/catalog.h"
#include "sql/optimizer/filter_pushdown.h"
#include "sql/optimizer/optimizer.h"

namespace basin {

namespace {

bool IsInnerJoin(const LogicalOperator& op) {
  return op.type == LogicalOpType::kJoin && op.join_type == LogicalJoinType::kInner;
}

/// Split a region of inner joins into its inputs and predicates.
void Collect(LogicalOperatorPtr op, std::vector<LogicalOperatorPtr>& leaves,
             std::vector<ExprPtr>& predicates) {
  if (!IsInnerJoin(*op)) {
    leaves.push_back(std::move(op));
    return;
  }
  for (auto& c : op->conditions) {
    std::vector<ExprPtr> args;
    auto eq = std::make_unique<Expr>(ExprClass::kFunction);
    // Rebuilt as comparisons for filter pushdown to turn back into conditions.
    eq->name = c.nulls_equal ? "is_not_distinct_from" : "=";
    eq->type = TypeId::kBoolean;
    eq->children.push_back(std::move(c.left));
    eq->children.push_back(std::move(c.right));
    predicates.push_back(std::move(eq));
  }
  op->conditions.clear();
  for (auto& e : op->expressions) SplitConjunction(std::move(e), predicates);
  for (auto& c : op->children) Collect(std::move(c), leaves, predicates);
}

/// Rows of the base table beneath filters: how many distinct keys a table's key column can have at most.
double BaseCardinality(const LogicalOperator& op) {
  const LogicalOperator* cur = &op;
  while (cur->type == LogicalOpType::kFilter || cur->type == LogicalOpType::kProjection)
    cur = cur->children[0].get();
  if (cur->type == LogicalOpType::kGet)
    return std::max<double>(1, static_cast<double>(cur->table->storage->RowCount()));
  return EstimateCardinality(op);
}

struct Node {
  LogicalOperatorPtr plan;
  std::set<uint64_t> tables;
  double rows;
  std::vector<double> base;  // base cardinality of every original input inside, by input index
  std::set<size_t> inputs;
};

}  // namespace

void ReorderJoins(LogicalOperatorPtr& plan) {
  if (!IsInnerJoin(*plan)) {
    for (auto& c : plan->children) ReorderJoins(c);
    return;
  }
  // The whole region first (its inner joins are not regions of their own), then each input's insides.
  std::vector<LogicalOperatorPtr> leaves;
  std::vector<ExprPtr> predicates;
  Collect(std::move(plan), leaves, predicates);
  for (auto& leaf : leaves) ReorderJoins(leaf);

  std::vector<Node> nodes;
  std::vector<std::set<uint64_t>> input_tables;
  std::vector<double> input_base;
  for (size_t i = 0; i < leaves.size(); i++) {
    Node n;
    for (auto& b : leaves[i]->GetColumnBindings()) n.tables.insert(b.table_index);
    n.rows = EstimateCardinality(*leaves[i]);
    n.inputs = {i};
    input_tables.push_back(n.tables);
    input_base.push_back(BaseCardinality(*leaves[i]));
    n.plan = std::move(leaves[i]);
    nodes.push_back(std::move(n));
  }
  // Equi-join edges between inputs, with the selectivity 1 / (rows of the smaller base table): a key
  // joined to a foreign key keeps each foreign-key row at most once.
  struct Edge {
    size_t a, b;
    double selectivity;
  };
  std::vector<Edge> edges;
  auto input_of = [&](const std::set<uint64_t>& tables) -> int {
    for (size_t i = 0; i < input_tables.size(); i++) {
      if (std::includes(input_tables[i].begin(), input_tables[i].end(), tables.begin(), tables.end()))
        return static_cast<int>(i);
    }
    return -1;
  };
  for (auto& p : predicates) {
    if (p->cls != ExprClass::kFunction || p->children.size() != 2 ||
        (p->name != "=" && p->name != "is_not_distinct_from"))
      continue;
    auto l = ReferencedTables(*p->children[0]);
    auto r = ReferencedTables(*p->children[1]);
    if (l.empty() || r.empty()) continue;
    int a = input_of(l), b = input_of(r);
    if (a < 0 || b < 0 || a == b) continue;
    // Selectivity of an equi-join: 1 / the larger number of distinct keys (from the tables' sketches);
    // without statistics, assume a key joined to a foreign key.
    double ndv_l = DistinctValues(*p->children[0], *nodes[a].plan),
           ndv_r = DistinctValues(*p->children[1], *nodes[b].plan);
    double selectivity = (ndv_l > 0 && ndv_r > 0) ? 1.0 / std::max(ndv_l, ndv_r)
                                                  : 1.0 / std::min(input_base[a], input_base[b]);
    edges.push_back({static_cast<size_t>(a), static_cast<size_t>(b), selectivity});
  }
  auto selectivity = [&](const Node& x, const Node& y) {
    double best = 2;  // > 1: not connected
    for (auto& e : edges) {
      if ((x.inputs.count(e.a) && y.inputs.count(e.b)) || (x.inputs.count(e.b) && y.inputs.count(e.a))) {
        best = std::min(best, e.selectivity);
      }
    }
    return best;
  };
  while (nodes.size() > 1) {
    size_t bi = 0, bj = 1;
    double best = INFINITY;
    bool connected = false;
    for (size_t i = 0; i < nodes.size(); i++) {
      for (size_t j = i + 1; j < nodes.size(); j++) {
        double sel = selectivity(nodes[i], nodes[j]);
        bool edge = sel <= 1;
        double rows = nodes[i].rows * nodes[j].rows * (edge ? sel : 1);
        // Connected pairs first; a cross product only when nothing else is left.
        if ((edge && !connected) || (edge == connected && rows < best)) {
          best = rows;
          bi = i;
          bj = j;
          connected = connected || edge;
        }
      }
    }
    Node& x = nodes[bi];
    Node& y = nodes[bj];
    auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
    join->join_type = LogicalJoinType::kInner;
    // The larger input probes, the smaller one is hashed.
    bool x_probes = x.rows >= y.rows;
    join->children.push_back(std::move(x_probes ? x.plan : y.plan));
    join->children.push_back(std::move(x_probes ? y.plan : x.plan));
    Node merged;
    merged.plan = std::move(join);
    merged.tables = x.tables;
    merged.tables.insert(y.tables.begin(), y.tables.end());
    merged.inputs = x.inputs;
    merged.inputs.insert(y.inputs.begin(), y.inputs.end());
    merged.rows = std::max(1.0, best);
    nodes.erase(nodes.begin() + bj);
    nodes.erase(nodes.begin() + bi);
    nodes.push_back(std::move(merged));
  }
  plan = std::move(nodes[0].plan);
  if (!predicates.empty()) {
    auto filter = std::make_unique<LogicalOperator>(LogicalOpType::kFilter);
    filter->expressions = std::move(predicates);
    filter->children.push_back(std::move(plan));
    plan = std::move(filter);
  }
}

}  // namespace basin
