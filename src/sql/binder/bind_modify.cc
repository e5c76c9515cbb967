// INSERT, UPDATE and DELETE.

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"
#include "sql/parser/parser.h"

namespace basin {

std::shared_ptr<TableEntry> FindTargetTable(ClientContext& context, const std::vector<std::string>& names,
                                            int64_t location, const char* statement) {
  auto [schema, name] = QualifiedName(names);
  auto table = context.catalog().GetTable(schema, name);
  if (!table) {
    if (context.catalog().GetView(schema, name)) {
      throw BinderError(sqlstate::kWrongObjectType, "cannot change view \"" + name + "\"", location);
    }
    if (auto topic = FindTopic(context, names)) {
      if (std::string_view(statement) != "INSERT") {
        throw BinderError(
            sqlstate::kWrongObjectType,
            std::string("cannot ") + statement + " topic \"" + name + "\": topics are append-only", location);
      }
      return topic;
    }
    try {
      context.catalog().CheckAvailable(schema, name);
    } catch (Exception& e) {
      throw Exception(e.sqlstate(), e.message(), location);
    }
    throw BinderError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist", location);
  }
  for (const auto& view : context.catalog().MaterializedViews()) {
    if (view->Keeps(schema, name)) {
      throw BinderError(sqlstate::kWrongObjectType,
                        std::string("cannot ") + statement + " \"" + name + "\": materialized view " +
                            view->qualified_name() + " keeps its rows there, from its query",
                        location);
    }
  }
  return table;
}

ExprPtr AssignTo(Binder& binder, ExprPtr e, const ColumnDefinition& column, int64_t location) {
  if (e->type != column.type && !CanCast(e->type, column.type)) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      "column \"" + column.name + "\" is of type " + PgTypeName(column.type) +
                          " but expression is of type " + PgTypeName(e->type),
                      location);
  }
  return binder.CastWithLength(std::move(e), column.type, /*is_explicit=*/false, location);
}

ExprPtr BindColumnDefault(Binder& binder, const ColumnDefinition& column) {
  if (column.default_sql.empty()) return Expr::Constant(Value::Null(column.type));
  auto parsed = sql::ParseExpression(column.default_sql);
  return AssignTo(binder, binder.BindConstantExpression(*parsed), column, -1);
}

std::vector<size_t> InsertTargets(const TableEntry& table, const std::vector<std::string>& columns,
                                  int64_t location) {
  std::vector<size_t> targets;
  if (columns.empty()) {
    for (size_t i = table.pseudo_columns; i < table.columns.size(); i++) targets.push_back(i);
    return targets;
  }
  for (auto& c : columns) {
    int idx = table.ColumnIndex(c);
    if (idx < 0) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + c + "\" of relation \"" + table.name + "\" does not exist", location);
    }
    if (std::find(targets.begin(), targets.end(), static_cast<size_t>(idx)) != targets.end()) {
      throw BinderError(sqlstate::kDuplicateColumn, "column \"" + c + "\" specified more than once",
                        location);
    }
    targets.push_back(static_cast<size_t>(idx));
  }
  return targets;
}

std::vector<ExprPtr> Binder::BindInsertRow(const TableEntry& table, const std::vector<size_t>& targets,
                                           bool explicit_columns,
                                           const std::vector<sql::ParsedExprPtr>& given, int64_t location) {
  if (given.size() > targets.size()) {
    throw BinderError(sqlstate::kSyntaxError, "INSERT has more expressions than target columns",
                      given[targets.size()]->location);
  }
  if (given.size() < targets.size() && explicit_columns) {
    throw BinderError(sqlstate::kSyntaxError, "INSERT has more target columns than expressions", location);
  }
  std::vector<ExprPtr> row(table.columns.size());
  for (size_t i = 0; i < given.size(); i++) {
    if (given[i]->kind == sql::ExprKind::kDefault) continue;  // filled with the default below
    row[targets[i]] = AssignTo(*this, BindExpression(*given[i], ExprContext::kValues),
                               table.columns[targets[i]], given[i]->location);
  }
  for (size_t c = 0; c < row.size(); c++) {
    if (!row[c]) row[c] = BindColumnDefault(*this, table.columns[c]);
  }
  return row;
}

LogicalOperatorPtr Binder::BindInsert(const sql::InsertStmt& stmt) {
  auto table = FindTargetTable(context_, stmt.table, stmt.location, "INSERT");
  // Which table column each inserted value goes to.
  std::vector<size_t> targets = InsertTargets(*table, stmt.columns, stmt.location);
  LogicalOperatorPtr source;
  const sql::QueryNode* body = stmt.source ? stmt.source->body.get() : nullptr;
  bool plain_values = body && body->kind == sql::QueryNode::Kind::kValues && stmt.source->order_by.empty() &&
                      !stmt.source->limit && stmt.source->ctes.empty();
  if (stmt.default_values || plain_values) {
    // VALUES rows become whole table rows directly: literals cast straight to the column types.
    auto values = std::make_unique<LogicalOperator>(LogicalOpType::kValues);
    values->table_index = NextTableIndex();
    values->types = table->Types();
    size_t row_count = stmt.default_values ? 1 : body->values.size();
    for (size_t r = 1; r < row_count; r++) {
      if (body->values[r].size() != body->values[0].size()) {
        throw BinderError(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                          body->values[r].empty() ? stmt.location : body->values[r][0]->location);
      }
    }
    for (size_t r = 0; r < row_count; r++) {
      if (stmt.default_values) {
        values->values.push_back(BindInsertRow(*table, targets, false, {}, stmt.location));
        continue;
      }
      const auto& given = body->values[r];
      std::vector<ExprPtr> row = BindInsertRow(*table, targets, !stmt.columns.empty(), given, stmt.location);
      for (size_t i = 0; i < given.size(); i++) {
        if (row[targets[i]]->HasSubquery())
          throw NotImplementedError("subqueries in INSERT ... VALUES are not supported", given[i]->location);
      }
      values->values.push_back(std::move(row));
    }
    source = std::move(values);
  } else {
    BoundQuery q = BindQuery(*stmt.source);
    if (q.types.size() > targets.size()) {
      throw BinderError(sqlstate::kSyntaxError, "INSERT has more expressions than target columns",
                        stmt.location);
    }
    if (q.types.size() < targets.size() && !stmt.columns.empty()) {
      throw BinderError(sqlstate::kSyntaxError, "INSERT has more target columns than expressions",
                        stmt.location);
    }
    auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
    proj->table_index = NextTableIndex();
    auto bindings = q.plan->GetColumnBindings();
    std::vector<ExprPtr> row(table->columns.size());
    for (size_t i = 0; i < q.types.size(); i++) {
      size_t col = targets[i];
      ExprPtr ref = Expr::ColumnRef(bindings[i], q.types[i], q.names[i]);
      row[col] = AssignTo(*this, std::move(ref), table->columns[col], stmt.location);
    }
    for (size_t c = 0; c < row.size(); c++) {
      if (!row[c]) row[c] = BindColumnDefault(*this, table->columns[c]);
    }
    proj->expressions = std::move(row);
    proj->children.push_back(std::move(q.plan));
    source = std::move(proj);
  }
  if (!stmt.returning.empty()) throw NotImplementedError("RETURNING is not supported yet", stmt.location);
  auto insert = std::make_unique<LogicalOperator>(LogicalOpType::kInsert);
  insert->table = table;
  insert->table_index = NextTableIndex();
  insert->children.push_back(std::move(source));
  return insert;
}

LogicalOperatorPtr Binder::BindTargetScan(const std::shared_ptr<TableEntry>& table,
                                          const std::string& alias) {
  auto get = std::make_unique<LogicalOperator>(LogicalOpType::kGet);
  get->table_index = NextTableIndex();
  get->table = table;
  get->emit_row_id = true;
  BindingEntry entry;
  entry.alias = alias.empty() ? table->name : alias;
  entry.table_index = get->table_index;
  for (size_t i = 0; i < table->columns.size(); i++) {
    entry.names.push_back(table->columns[i].name);
    entry.types.push_back(table->columns[i].type);
    entry.binding_columns.push_back(i);
  }
  entry.hidden.assign(entry.names.size(), false);
  entry.get = get.get();
  bindings_.push_back(std::move(entry));
  return get;
}

LogicalOperatorPtr Binder::BindTargetRows(const std::shared_ptr<TableEntry>& table, const std::string& alias,
                                          const sql::TableRef* other, const sql::ParsedExpr* where,
                                          LogicalOperatorPtr& proj) {
  LogicalOperatorPtr plan = BindTargetScan(table, alias);
  uint64_t target_index = plan->table_index;
  if (other) {
    auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
    join->children.push_back(std::move(plan));
    join->children.push_back(BindTableRef(*other));
    plan = std::move(join);
  }
  if (where) {
    PlanFilterWithSubqueries(
        BindBoolean(BindExpression(*where, ExprContext::kWhere), "WHERE", where->location), plan);
  }
  proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = NextTableIndex();
  proj->expressions.push_back(Expr::ColumnRef({target_index, LogicalOperator::kRowIdIndex}, TypeId::kBigInt));
  return plan;
}

std::vector<ExprPtr> Binder::BindAssignments(const TableEntry& table,
                                             const std::vector<sql::Assignment>& assignments,
                                             const char* statement, LogicalOperatorPtr& plan,
                                             std::vector<size_t>& columns) {
  std::vector<ExprPtr> values;
  for (const sql::Assignment& a : assignments) {
    int idx = table.ColumnIndex(a.column);
    if (idx < 0) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + a.column + "\" of relation \"" + table.name + "\" does not exist",
                        a.location);
    }
    if (std::find(columns.begin(), columns.end(), static_cast<size_t>(idx)) != columns.end()) {
      throw BinderError(sqlstate::kDuplicateColumn,
                        "multiple assignments to same column \"" + a.column + "\"", a.location);
    }
    columns.push_back(static_cast<size_t>(idx));
    const ColumnDefinition& column = table.columns[idx];
    if (a.value->kind == sql::ExprKind::kDefault) {
      values.push_back(BindColumnDefault(*this, column));
      continue;
    }
    ExprPtr e = BindExpression(*a.value, ExprContext::kSelect);
    if (e->HasAggregate()) {
      throw BinderError(sqlstate::kGroupingError,
                        std::string("aggregate functions are not allowed in ") + statement,
                        a.value->location);
    }
    if (e->HasSubquery()) PlanSubqueries(e, plan);
    values.push_back(AssignTo(*this, std::move(e), column, a.value->location));
  }
  return values;
}

LogicalOperatorPtr Binder::BindUpdate(const sql::UpdateStmt& stmt) {
  auto table = FindTargetTable(context_, stmt.table, stmt.location, "UPDATE");
  LogicalOperatorPtr proj;
  LogicalOperatorPtr plan = BindTargetRows(table, stmt.alias, stmt.from.get(), stmt.where.get(), proj);
  std::vector<size_t> columns;
  for (ExprPtr& value : BindAssignments(*table, stmt.assignments, "UPDATE", plan, columns))
    proj->expressions.push_back(std::move(value));
  proj->children.push_back(std::move(plan));
  if (!stmt.returning.empty()) throw NotImplementedError("RETURNING is not supported yet", stmt.location);
  auto update = std::make_unique<LogicalOperator>(LogicalOpType::kUpdate);
  update->table = table;
  update->table_index = NextTableIndex();
  update->update_columns = std::move(columns);
  update->children.push_back(std::move(proj));
  return update;
}

LogicalOperatorPtr Binder::BindDelete(const sql::DeleteStmt& stmt) {
  auto table = FindTargetTable(context_, stmt.table, stmt.location, "DELETE");
  LogicalOperatorPtr proj;
  LogicalOperatorPtr plan =
      BindTargetRows(table, stmt.alias, stmt.using_clause.get(), stmt.where.get(), proj);
  proj->children.push_back(std::move(plan));
  if (!stmt.returning.empty()) throw NotImplementedError("RETURNING is not supported yet", stmt.location);
  auto del = std::make_unique<LogicalOperator>(LogicalOpType::kDelete);
  del->table = table;
  del->table_index = NextTableIndex();
  del->children.push_back(std::move(proj));
  return del;
}

}  // namespace basin
