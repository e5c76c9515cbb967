#include "stream/join_bounds.h"

#include <set>

#include "catalog/catalog.h"
#include "lake/topic_table.h"
#include "sql/optimizer/filter_pushdown.h"

namespace basin::stream {

namespace {

/// The topic column that binding `b` of `side` reads, passed on unchanged by projections and group keys;
/// null when it is computed. The topic's table goes to `topic`.
const TopicTable* TopicColumn(const LogicalOperator& side, ColumnBinding b, std::string& name) {
  for (;;) {
    const LogicalOperator* op = BindingProducer(side, b.table_index);
    if (!op) return nullptr;
    if (op->type == LogicalOpType::kGet) {
      const auto* topic = op->table ? dynamic_cast<const TopicTable*>(op->table->storage.get()) : nullptr;
      if (!topic || b.column_index >= op->table->columns.size()) return nullptr;
      name = op->table->columns[b.column_index].name;
      return topic;
    }
    const auto& list = op->type == LogicalOpType::kAggregate ? op->groups : op->expressions;
    if (b.column_index >= list.size()) return nullptr;  // an aggregate's value
    const Expr& e = *list[b.column_index];
    if (e.cls != ExprClass::kColumnRef || e.depth != 0) return nullptr;
    b = e.binding;
  }
}

/// A column of `side`'s output reading its topic's column `name`, or a NULL of `type` when none does.
ExprPtr TopicColumnRef(const LogicalOperator& side, const std::string& name, const LogicalType& type) {
  const std::vector<ColumnBinding> bindings = side.GetColumnBindings();
  for (size_t i = 0; i < bindings.size(); i++) {
    std::string read;
    if (TopicColumn(side, bindings[i], read) && read == name && side.types[i] == type)
      return Expr::ColumnRef(bindings[i], type);
  }
  return Expr::Constant(Value::Null(type));
}

/// The topic column `name` of `side`'s output: a column passing it on, else (when `side` is its topic's scan
/// under filters) a column the scan is made to read (noted in `added`), else a NULL of `type`.
ExprPtr LateColumn(LogicalOperator& side, const std::string& name, const LogicalType& type,
                   std::set<std::pair<uint64_t, uint64_t>>& added) {
  ExprPtr found = TopicColumnRef(side, name, type);
  LogicalOperator* scan = &side;
  while (scan->type == LogicalOpType::kFilter) scan = scan->children[0].get();
  if (found->cls == ExprClass::kColumnRef || scan->type != LogicalOpType::kGet || !scan->table ||
      !scan->table->is_topic())
    return found;
  for (size_t c = 0; c < scan->table->columns.size(); c++) {
    if (scan->table->columns[c].name != name || scan->table->columns[c].type != type) continue;
    scan->column_ids.push_back(c);
    added.insert({scan->table_index, c});
    side.ResolveTypes();
    return Expr::ColumnRef({scan->table_index, c}, type);
  }
  return found;
}

/// `upper` (<, <= or = its other operand) as one of an interval join's bounds, when it is a column of one
/// side's output reading the column its topic declares its watermark for, and `bound` an expression over the
/// other side's row alone: the bound goes to that side's `bounds`.
struct Derivation {
  const LogicalOperator& join;
  StreamJoin& out;
  std::array<std::set<uint64_t>, 2> tables;  // the table indexes of each side's output
  std::array<ExprPtr, 2> time;               // each side's event time, once a bound uses it
  std::array<std::vector<ExprPtr>, 2> bounds;

  void Add(const Expr& upper, const Expr& bound, bool strict) {
    if (upper.cls != ExprClass::kColumnRef || upper.depth != 0 || bound.IsVolatile() ||
        upper.type != bound.type || upper.type.physical() != PhysicalType::kInt64)
      return;
    for (size_t o = 0; o < 2; o++) {
      if (!tables[o].count(upper.binding.table_index)) continue;
      const std::set<uint64_t> refs = ReferencedTables(bound);
      const size_t s = 1 - o;
      if (refs.empty()) return;
      for (uint64_t t : refs) {
        if (!tables[s].count(t)) return;
      }
      std::string name;
      const LogicalOperator& side = *join.children[o];
      const TopicTable* topic = TopicColumn(side, upper.binding, name);
      if (!topic || topic->schema().watermark_column != name) return;
      StreamJoin::Side& timed = out.sides[o];
      if (!time[o]) {
        time[o] = upper.Copy();
        timed.timed = true;
        timed.time_column = name;
        timed.time_type = upper.type;
      }
      if (upper.type != timed.time_type) return;
      bounds[s].push_back(bound.Copy());
      out.sides[s].expiry.push_back(strict);
      return;
    }
  }

  void AddConjunct(const Expr& e) {
    if (e.cls != ExprClass::kFunction || e.children.size() != 2) return;
    const Expr& l = *e.children[0];
    const Expr& r = *e.children[1];
    if (e.name == "<=" || e.name == "<") Add(l, r, e.name == "<");
    if (e.name == ">=" || e.name == ">") Add(r, l, e.name == ">");
    if (e.name == "=") {
      Add(l, r, false);
      Add(r, l, false);
    }
  }
};

}  // namespace

ExtraColumns ExtraSideColumns(LogicalOperator& join_op, StreamJoin& join) {
  Derivation d{join_op, join, {}, {}, {}};
  if (join.window_end_key < 0) {
    for (size_t s = 0; s < 2; s++) {
      for (const ColumnBinding& b : join_op.children[s]->GetColumnBindings())
        d.tables[s].insert(b.table_index);
    }
    for (const ExprPtr& e : join_op.expressions) d.AddConjunct(*e);
    for (const LogicalJoinCondition& c : join_op.conditions) {
      if (c.nulls_equal) continue;
      d.Add(*c.left, *c.right, false);
      d.Add(*c.right, *c.left, false);
    }
  }
  ExtraColumns out;
  if (!join.CanBeLate()) return out;
  if (join.window_end_key >= 0) {
    join.late_time_type = join_op.conditions[static_cast<size_t>(join.window_end_key)].left->type;
  } else {
    join.late_time_type = (join.sides[0].timed ? join.sides[0] : join.sides[1]).time_type;
  }
  for (size_t s = 0; s < 2; s++) {
    StreamJoin::Side& side = join.sides[s];
    LogicalOperator& child = *join_op.children[s];
    std::vector<ExprPtr>& extra = out.columns[s];
    side.late_columns = true;
    extra.push_back(LateColumn(child, "_partition", TypeId::kInteger, out.scan_only));
    extra.push_back(LateColumn(child, "_offset", TypeId::kBigInt, out.scan_only));
    if (side.timed) {
      extra.push_back(std::move(d.time[s]));
    } else {
      const std::string& name = join.window_end_key >= 0 ? side.window_time_column : side.time_column;
      extra.push_back(TopicColumnRef(child, name, join.late_time_type));
    }
    for (ExprPtr& b : d.bounds[s]) extra.push_back(std::move(b));
  }
  return out;
}

}  // namespace basin::stream
