// INSERT, UPDATE and DELETE.

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"

namespace basin {

namespace {

std::shared_ptr<TableEntry> FindTable(ClientContext& context, const std::vector<std::string>& names,
                                      int64_t location) {
  auto [schema, name] = QualifiedName(names);
  auto table = context.catalog().GetTable(schema, name);
  if (!table) {
    if (context.catalog().GetView(schema, name)) {
      throw BinderError(sqlstate::kWrongObjectType, "cannot change view \"" + name + "\"", location);
    }
    throw BinderError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist", location);
  }
  return table;
}

/// Bring a value to its column's type as PostgreSQL's assignment does: 42804 naming the column when no cast
/// exists, and VARCHAR(n)'s length checked rather than truncated.
ExprPtr AssignTo(Binder& binder, ExprPtr e, const ColumnDefinition& column, int64_t location) {
  if (e->type != column.type && !CanCast(e->type, column.type)) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      "column \"" + column.name + "\" is of type " + PgTypeName(column.type) +
                          " but expression is of type " + PgTypeName(e->type),
                      location);
  }
  return binder.CastWithLength(std::move(e), column.type, /*is_explicit=*/false, location);
}

}  // namespace

LogicalOperatorPtr Binder::BindInsert(const sql::InsertStmt& stmt) {
  auto table = FindTable(context_, stmt.table, stmt.location);
  // Which table column each inserted value goes to.
  std::vector<int> targets;
  if (stmt.columns.empty()) {
    for (size_t i = 0; i < table->columns.size(); i++) targets.push_back(static_cast<int>(i));
  } else {
    for (auto& c : stmt.columns) {
      int idx = table->ColumnIndex(c);
      if (idx < 0) {
        throw BinderError(sqlstate::kUndefinedColumn,
                          "column \"" + c + "\" of relation \"" + table->name + "\" does not exist",
                          stmt.location);
      }
      if (std::find(targets.begin(), targets.end(), idx) != targets.end()) {
        throw BinderError(sqlstate::kDuplicateColumn, "column \"" + c + "\" specified more than once",
                          stmt.location);
      }
      targets.push_back(idx);
    }
  }
  auto default_of = [&](size_t column) -> ExprPtr {
    const auto& def = table->columns[column];
    if (def.default_sql.empty()) return Expr::Constant(Value::Null(def.type));
    auto parsed = sql::ParseExpression(def.default_sql);
    return AssignTo(*this, BindConstantExpression(*parsed), def, -1);
  };
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
      std::vector<ExprPtr> row(table->columns.size());
      if (!stmt.default_values) {
        const auto& given = body->values[r];
        if (given.size() > targets.size()) {
          throw BinderError(sqlstate::kSyntaxError, "INSERT has more expressions than target columns",
                            given[targets.size()]->location);
        }
        if (given.size() < targets.size() && !stmt.columns.empty()) {
          throw BinderError(sqlstate::kSyntaxError, "INSERT has more target columns than expressions",
                            stmt.location);
        }
        for (size_t i = 0; i < given.size(); i++) {
          size_t col = static_cast<size_t>(targets[i]);
          if (given[i]->kind == sql::ExprKind::kDefault) {
            row[col] = default_of(col);
            continue;
          }
          ExprPtr e = BindExpression(*given[i], ExprContext::kValues);
          if (e->HasSubquery())
            throw NotImplementedError("subqueries in INSERT ... VALUES are not supported",
                                      given[i]->location);
          row[col] = AssignTo(*this, std::move(e), table->columns[col], given[i]->location);
        }
      }
      for (size_t c = 0; c < row.size(); c++) {
        if (!row[c]) row[c] = default_of(c);
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
      size_t col = static_cast<size_t>(targets[i]);
      ExprPtr ref = Expr::ColumnRef(bindings[i], q.types[i], q.names[i]);
      row[col] = AssignTo(*this, std::move(ref), table->columns[col], stmt.location);
    }
    for (size_t c = 0; c < row.size(); c++) {
      if (!row[c]) row[c] = default_of(c);
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

namespace {
/// Scan of the target table with row ids, bound under its alias.
LogicalOperatorPtr TargetScan(Binder& binder, std::vector<BindingEntry>& bindings,
                              std::shared_ptr<TableEntry> table, const std::string& alias) {
  auto get = std::make_unique<LogicalOperator>(LogicalOpType::kGet);
  get->table_index = binder.NextTableIndex();
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
  bindings.push_back(std::move(entry));
  return get;
}
}  // namespace

LogicalOperatorPtr Binder::BindTargetRows(const std::shared_ptr<TableEntry>& table, const std::string& alias,
                                          const sql::TableRef* other, const sql::ParsedExpr* where,
                                          LogicalOperatorPtr& proj) {
  LogicalOperatorPtr plan = TargetScan(*this, bindings_, table, alias);
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

LogicalOperatorPtr Binder::BindUpdate(const sql::UpdateStmt& stmt) {
  auto table = FindTable(context_, stmt.table, stmt.location);
  LogicalOperatorPtr proj;
  LogicalOperatorPtr plan = BindTargetRows(table, stmt.alias, stmt.from.get(), stmt.where.get(), proj);
  std::vector<size_t> columns;
  for (auto& [name, value] : stmt.assignments) {
    int idx = table->ColumnIndex(name);
    if (idx < 0) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + name + "\" of relation \"" + table->name + "\" does not exist",
                        stmt.location);
    }
    if (std::find(columns.begin(), columns.end(), static_cast<size_t>(idx)) != columns.end()) {
      throw BinderError(sqlstate::kDuplicateColumn, "multiple assignments to same column \"" + name + "\"",
                        stmt.location);
    }
    columns.push_back(static_cast<size_t>(idx));
    ExprPtr e;
    if (value->kind == sql::ExprKind::kDefault) {
      const auto& def = table->columns[idx];
      e = def.default_sql.empty() ? Expr::Constant(Value::Null(def.type))
                                  : BindConstantExpression(*sql::ParseExpression(def.default_sql));
    } else {
      e = BindExpression(*value, ExprContext::kSelect);
      if (e->HasAggregate())
        throw BinderError(sqlstate::kGroupingError, "aggregate functions are not allowed in UPDATE",
                          value->location);
      if (e->HasSubquery()) PlanSubqueries(e, plan);
    }
    proj->expressions.push_back(AssignTo(*this, std::move(e), table->columns[idx], value->location));
  }
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
  auto table = FindTable(context_, stmt.table, stmt.location);
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
