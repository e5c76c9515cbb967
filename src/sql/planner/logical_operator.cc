#include "sql/planner/logical_operator.h"

#include "catalog/catalog.h"
#include "common/exception.h"
#include "vector/vector.h"

namespace basin {

std::vector<ColumnBinding> LogicalOperator::GetColumnBindings() const {
  std::vector<ColumnBinding> result;
  switch (type) {
    case LogicalOpType::kGet:
      for (size_t c : column_ids) result.push_back({table_index, c});
      if (emit_row_id) result.push_back({table_index, kRowIdIndex});
      return result;
    case LogicalOpType::kProjection:
      for (size_t i = 0; i < expressions.size(); i++) result.push_back({table_index, i});
      return result;
    case LogicalOpType::kValues:
      for (size_t i = 0; i < (values.empty() ? types.size() : values[0].size()); i++)
        result.push_back({table_index, i});
      return result;
    case LogicalOpType::kChunkScan:
    case LogicalOpType::kUnion:
    case LogicalOpType::kSetOp:
    case LogicalOpType::kRecursiveCTE:
      for (size_t i = 0; i < types.size(); i++) result.push_back({table_index, i});
      return result;
    case LogicalOpType::kAggregate:
      for (size_t i = 0; i < groups.size(); i++) result.push_back({table_index, i});
      for (size_t i = 0; i < expressions.size(); i++) result.push_back({aggregate_index, i});
      for (size_t i = 0; i < grouping_functions.size(); i++) result.push_back({grouping_index, i});
      return result;
    case LogicalOpType::kWindow:
      result = children[0]->GetColumnBindings();
      for (size_t i = 0; i < expressions.size(); i++) result.push_back({table_index, i});
      return result;
    case LogicalOpType::kTableFunction:
      if (!children.empty()) result = children[0]->GetColumnBindings();
      result.push_back({table_index, 0});
      if (function == "_pg_expandarray") result.push_back({table_index, 1});
      return result;
    case LogicalOpType::kJoin: {
      result = children[0]->GetColumnBindings();
      if (join_type == LogicalJoinType::kSemi || join_type == LogicalJoinType::kAnti) return result;
      if (join_type == LogicalJoinType::kMark) {
        result.push_back({mark_index, 0});
        return result;
      }
      auto right = children[1]->GetColumnBindings();
      result.insert(result.end(), right.begin(), right.end());
      return result;
    }
    case LogicalOpType::kFilter:
    case LogicalOpType::kOrder:
    case LogicalOpType::kLimit:
    case LogicalOpType::kDistinct:
      return children[0]->GetColumnBindings();
    case LogicalOpType::kInsert:
    case LogicalOpType::kUpdate:
    case LogicalOpType::kDelete:
    case LogicalOpType::kMerge:
    case LogicalOpType::kExplain:
      return {{table_index, 0}};
  }
  return result;
}

void LogicalOperator::ResolveTypes() {
  for (auto& c : children) c->ResolveTypes();
  switch (type) {
    case LogicalOpType::kGet:
      types.clear();
      for (size_t c : column_ids) types.push_back(table->columns[c].type);
      if (emit_row_id) types.push_back(TypeId::kBigInt);
      return;
    case LogicalOpType::kValues:
    case LogicalOpType::kChunkScan:
    case LogicalOpType::kUnion:
    case LogicalOpType::kSetOp:
    case LogicalOpType::kRecursiveCTE:
      return;  // set by the binder
    case LogicalOpType::kProjection:
      types.clear();
      for (auto& e : expressions) types.push_back(e->type);
      return;
    case LogicalOpType::kAggregate:
      types.clear();
      for (auto& g : groups) types.push_back(g->type);
      for (auto& e : expressions) types.push_back(e->type);
      for (size_t i = 0; i < grouping_functions.size(); i++) types.push_back(TypeId::kBigInt);
      return;
    case LogicalOpType::kWindow:
      types = children[0]->types;
      for (auto& e : expressions) types.push_back(e->type);
      return;
    case LogicalOpType::kTableFunction:
      types = children.empty() ? std::vector<LogicalType>{} : children[0]->types;
      // generate_series and range give their arguments' type, unnest its list's elements, and
      // _pg_expandarray its list's elements (x) with their 1-based positions (n).
      if (function == "unnest" || function == "_pg_expandarray") {
        types.push_back(expressions[0]->type.element());
        if (function == "_pg_expandarray") types.push_back(TypeId::kInteger);
      } else {
        types.push_back(expressions[0]->type);
      }
      return;
    case LogicalOpType::kJoin:
      types = children[0]->types;
      if (join_type == LogicalJoinType::kSemi || join_type == LogicalJoinType::kAnti) return;
      if (join_type == LogicalJoinType::kMark) {
        types.push_back(TypeId::kBoolean);
        return;
      }
      types.insert(types.end(), children[1]->types.begin(), children[1]->types.end());
      return;
    case LogicalOpType::kFilter:
    case LogicalOpType::kOrder:
    case LogicalOpType::kLimit:
    case LogicalOpType::kDistinct:
      types = children[0]->types;
      return;
    case LogicalOpType::kInsert:
    case LogicalOpType::kUpdate:
    case LogicalOpType::kDelete:
    case LogicalOpType::kMerge:
      types = {TypeId::kBigInt};
      return;
    case LogicalOpType::kExplain:
      types = {TypeId::kVarchar};
      return;
  }
}

LogicalOperatorPtr LogicalOperator::Copy() const {
  auto op = std::make_unique<LogicalOperator>(type);
  for (auto& c : children) op->children.push_back(c->Copy());
  for (auto& e : expressions) op->expressions.push_back(e->Copy());
  op->types = types;
  op->table_index = table_index;
  op->aggregate_index = aggregate_index;
  op->grouping_index = grouping_index;
  op->table = table;
  op->column_ids = column_ids;
  op->emit_row_id = emit_row_id;
  for (auto& row : values) {
    std::vector<ExprPtr> r;
    for (auto& e : row) r.push_back(e->Copy());
    op->values.push_back(std::move(r));
  }
  op->chunks = chunks;
  op->cte_index = cte_index;
  for (auto& g : groups) op->groups.push_back(g->Copy());
  op->grouping_sets = grouping_sets;
  op->grouping_functions = grouping_functions;
  op->join_type = join_type;
  for (auto& c : conditions) op->conditions.push_back(c.Copy());
  op->mark_null_aware = mark_null_aware;
  op->mark_index = mark_index;
  for (auto& o : orders) op->orders.push_back(o.Copy());
  op->limit = limit;
  op->offset = offset;
  op->set_op = set_op;
  op->set_all = set_all;
  op->update_columns = update_columns;
  op->merge_actions = merge_actions;
  op->analyze = analyze;
  op->function = function;
  op->materialized = materialized;
  op->window_function = window_function;
  return op;
}

std::string LogicalOperator::ToString(int indent) const {
  static const char* names[] = {"GET",       "VALUES", "CHUNK_SCAN", "FILTER",        "PROJECTION",
                                "AGGREGATE", "WINDOW", "JOIN",       "ORDER",         "LIMIT",
                                "DISTINCT",  "UNION",  "SET_OP",     "RECURSIVE_CTE", "INSERT",
                                "UPDATE",    "DELETE", "MERGE",      "EXPLAIN",       "MATERIALIZE",
                                "TABLE_FUNCTION"};
  std::string s(indent * 2, ' ');
  s += names[static_cast<int>(type)];
  if (type == LogicalOpType::kGet) s += " " + table->name;
  for (auto& e : expressions) s += " " + e->ToString();
  s += "\n";
  for (auto& c : children) s += c->ToString(indent + 1);
  return s;
}

}  // namespace basin
