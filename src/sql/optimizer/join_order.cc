#include "sql/optimizer/join_order.h"

#include <algorithm>
#include <cmath>
#include <functional>
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

bool IsColumnEquality(const Expr& p) {
  return p.cls == ExprClass::kFunction && p.name == "=" && p.children.size() == 2 &&
         p.children[0]->cls == ExprClass::kColumnRef && p.children[1]->cls == ExprClass::kColumnRef &&
         p.children[0]->depth == 0 && p.children[1]->depth == 0 && p.children[0]->type == p.children[1]->type;
}

/// Add the equalities that `a = b AND b = c` imply (`a = c`), so that the join order may join a and c
/// directly: in TPC-H Q5 customers join nations (and so the region filter) through the suppliers' nation.
/// For inner joins the implied predicates change no result. Only equalities between different inputs
/// (`input_of` a table index) are added, which pushdown turns into join keys.
void AddImpliedEqualities(std::vector<ExprPtr>& predicates, const std::function<int(uint64_t)>& input_of) {
  std::vector<const Expr*> columns;  // one per distinct binding
  std::vector<size_t> parent;
  auto id_of = [&](const Expr& c) {
    for (size_t i = 0; i < columns.size(); i++) {
      if (columns[i]->binding == c.binding) return i;
    }
    columns.push_back(&c);
    parent.push_back(parent.size());
    return columns.size() - 1;
  };
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::set<std::pair<size_t, size_t>> present;
  for (auto& p : predicates) {
    if (!IsColumnEquality(*p)) continue;
    size_t a = id_of(*p->children[0]), b = id_of(*p->children[1]);
    present.insert({std::min(a, b), std::max(a, b)});
    parent[find(a)] = find(b);
  }
  constexpr size_t kMaxClass = 6;  // a bound on the predicates added: TPC-H's classes have 2 or 3 columns
  size_t count = columns.size();
  for (size_t a = 0; a < count; a++) {
    size_t members = 0;
    for (size_t x = 0; x < count; x++) members += find(x) == find(a);
    if (members > kMaxClass) continue;
    for (size_t b = a + 1; b < count; b++) {
      if (find(a) != find(b) || present.count({a, b}) || columns[a]->type != columns[b]->type) continue;
      int input_a = input_of(columns[a]->binding.table_index);
      if (input_a < 0 || input_a == input_of(columns[b]->binding.table_index)) continue;
      auto eq = std::make_unique<Expr>(ExprClass::kFunction);
      eq->name = "=";
      eq->type = TypeId::kBoolean;
      eq->children.push_back(columns[a]->Copy());
      eq->children.push_back(columns[b]->Copy());
      predicates.push_back(std::move(eq));
    }
  }
}

/// The join of two inputs: the larger one probes, the smaller one is hashed.
LogicalOperatorPtr MakeJoin(LogicalOperatorPtr x, double x_rows, LogicalOperatorPtr y, double y_rows) {
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  join->join_type = LogicalJoinType::kInner;
  bool x_probes = x_rows >= y_rows;
  join->children.push_back(std::move(x_probes ? x : y));
  join->children.push_back(std::move(x_probes ? y : x));
  return join;
}

/// Regions of up to this many inputs are ordered exactly (dynamic programming over connected subsets,
/// 3^n splits); larger ones greedily.
constexpr size_t kMaxExactInputs = 10;

/// The cheapest bushy join tree of `nodes` without cross products, where a tree's cost is the sum of the
/// estimated rows of its joins (C_out, the measure DuckDB's join order optimizer minimises too).
/// `selectivity[i][j]` is that of the most selective equality between inputs i and j (> 1: none).
/// Returns false, leaving `nodes` untouched, when the inputs are not connected.
bool OrderExactly(std::vector<Node>& nodes, const std::vector<std::vector<double>>& selectivity) {
  size_t n = nodes.size();
  size_t full = (size_t{1} << n) - 1;
  struct Best {
    double cost = INFINITY, rows = 0;
    size_t left = 0;  // the split: left and mask ^ left; 0 for a single input
  };
  std::vector<Best> best(full + 1);
  for (size_t i = 0; i < n; i++) best[size_t{1} << i] = {0, nodes[i].rows, 0};
  for (size_t mask = 1; mask <= full; mask++) {
    if ((mask & (mask - 1)) == 0) continue;
    // Every split into two halves once: the half holding the lowest input is `left`.
    size_t low = mask & (~mask + 1);
    for (size_t left = (mask - 1) & mask; left; left = (left - 1) & mask) {
      if (!(left & low)) continue;
      size_t right = mask ^ left;
      const Best& l = best[left];
      const Best& r = best[right];
      if (l.cost == INFINITY || r.cost == INFINITY) continue;
      double sel = 2;
      for (size_t i = 0; i < n; i++) {
        if (!(left >> i & 1)) continue;
        for (size_t j = 0; j < n; j++) {
          if (right >> j & 1) sel = std::min(sel, selectivity[i][j]);
        }
      }
      if (sel > 1) continue;  // no equality between the halves: a cross product
      double rows = std::max(1.0, l.rows * r.rows * sel);
      double cost = l.cost + r.cost + rows;
      if (cost < best[mask].cost) best[mask] = {cost, rows, left};
    }
  }
  if (best[full].cost == INFINITY) return false;
  auto build = [&](auto& self, size_t mask) -> LogicalOperatorPtr {
    const Best& b = best[mask];
    if (b.left == 0) return std::move(nodes[__builtin_ctzll(mask)].plan);
    size_t right = mask ^ b.left;
    return MakeJoin(self(self, b.left), best[b.left].rows, self(self, right), best[right].rows);
  };
  Node merged;
  merged.plan = build(build, full);
  merged.rows = best[full].rows;
  nodes.clear();
  nodes.push_back(std::move(merged));
  return true;
}

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
  AddImpliedEqualities(predicates, [&](uint64_t table) { return input_of({table}); });
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
  if (nodes.size() <= kMaxExactInputs) {
    std::vector<std::vector<double>> pair_selectivity(nodes.size(), std::vector<double>(nodes.size(), 2));
    for (auto& e : edges) {
      double& sel = pair_selectivity[e.a][e.b];
      sel = std::min(sel, e.selectivity);
      pair_selectivity[e.b][e.a] = sel;
    }
    OrderExactly(nodes, pair_selectivity);
  }
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
    Node merged;
    merged.plan = MakeJoin(std::move(x.plan), x.rows, std::move(y.plan), y.rows);
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
