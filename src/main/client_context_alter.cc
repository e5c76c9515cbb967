// ALTER TABLE, COMMENT ON, OPTIMIZE and VACUUM.

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "lake/schema_evolution.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"

namespace basin {

namespace {

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

size_t ColumnOf(const TableEntry& table, const std::string& column) {
  int i = table.ColumnIndex(column);
  if (i < 0) {
    throw CatalogError(sqlstate::kUndefinedColumn,
                       "column " + Quoted(column) + " of relation " + Quoted(table.name) + " does not exist");
  }
  return static_cast<size_t>(i);
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::QueryOrThrow(const std::string& sql) {
  auto result = Query(sql);
  if (result->HasError()) throw Exception(result->error().sqlstate, result->error().message);
  return result;
}

Value ClientContext::EvaluateConstant(const std::string& expression_sql) {
  auto result = QueryOrThrow("SELECT " + expression_sql);
  if (result->RowCount() != 1 || result->ColumnCount() != 1) {
    throw DataError(sqlstate::kCardinalityViolation, "expected one value from " + expression_sql);
  }
  return result->GetValue(0, 0);
}

std::unique_ptr<QueryResult> ClientContext::AlterTable(const sql::AlterTableStmt& stmt) {
  auto [schema, name] = QualifiedName(stmt.table);
  auto table = catalog().GetTable(schema, name);
  if (!table) {
    if (stmt.if_exists) return QueryResult::Count(0);
    throw CatalogError(sqlstate::kUndefinedTable, "relation " + Quoted(name) + " does not exist");
  }
  const std::string qualified = Quoted(schema) + "." + Quoted(name);
  using A = sql::AlterTableStmt::Action;
  auto entry = std::make_shared<TableEntry>(*table);
  SchemaChange change;
  switch (stmt.action) {
    case A::kAddColumn: {
      const sql::ColumnDef& def = stmt.column;
      if (table->ColumnIndex(def.name) >= 0) {
        if (stmt.if_object_exists) return QueryResult::Count(0);
        throw CatalogError(sqlstate::kDuplicateColumn,
                           "column " + Quoted(def.name) + " of relation " + Quoted(name) + " already exists");
      }
      ColumnDefinition col;
      col.name = def.name;
      col.type = Binder::BindTypeName(def.type);
      col.not_null = def.not_null || def.primary_key;
      col.default_sql = def.default_sql;
      Value fill = Value::Null(col.type);
      if (def.default_value) {
        Binder binder(*this);
        fill = ExpressionExecutor::EvaluateScalar(*binder.CastTo(binder.BindConstantExpression(*def.default_value), col.type), this);
      }
      const bool has_rows = table->storage->RowCount() > 0;
      if (col.not_null && fill.IsNull() && has_rows) {
        throw Exception(sqlstate::kNotNullViolation, "column " + Quoted(col.name) + " of relation " + Quoted(name) + " contains null values");
      }
      change = {SchemaChange::Kind::kAddColumn, 0, col.name, col.type, col.not_null && !has_rows, col.default_sql, fill};
      bool filled = table->storage->AlterSchema(change);
      entry->columns.push_back(col);
      entry->columns.back().not_null = change.not_null;
      catalog().ReplaceTable(entry);
      if (!filled && !fill.IsNull() && has_rows) {
        // Storage whose old rows read NULL for a new column: write the default into them.
        QueryOrThrow("UPDATE " + qualified + " SET " + Quoted(col.name) + " = DEFAULT");
      }
      if (col.not_null && !change.not_null) {
        table->storage->AlterSchema({SchemaChange::Kind::kSetNotNull, entry->columns.size() - 1, "", {}, true, "", {}});
        auto with_constraint = std::make_shared<TableEntry>(*entry);
        with_constraint->columns.back().not_null = true;
        catalog().ReplaceTable(with_constraint);
      }
      return QueryResult::Count(0);
    }
    case A::kDropColumn: {
      int i = table->ColumnIndex(stmt.column_name);
      if (i < 0 && stmt.if_object_exists) return QueryResult::Count(0);
      size_t c = ColumnOf(*table, stmt.column_name);
      if (table->columns.size() == 1) {
        throw NotImplementedError("cannot drop the only column of table " + Quoted(name));
      }
      change.kind = SchemaChange::Kind::kDropColumn;
      change.column = c;
      entry->columns.erase(entry->columns.begin() + static_cast<std::ptrdiff_t>(c));
      break;
    }
    case A::kRenameColumn: {
      size_t c = ColumnOf(*table, stmt.column_name);
      if (table->ColumnIndex(stmt.new_name) >= 0) {
        throw CatalogError(sqlstate::kDuplicateColumn,
                           "column " + Quoted(stmt.new_name) + " of relation " + Quoted(name) + " already exists");
      }
      change.kind = SchemaChange::Kind::kRenameColumn;
      change.column = c;
      change.name = stmt.new_name;
      entry->columns[c].name = stmt.new_name;
      break;
    }
    case A::kRenameTable:
      catalog().RenameTable(schema, name, stmt.new_name);
      return QueryResult::Count(0);
    case A::kSetType: {
      size_t c = ColumnOf(*table, stmt.column_name);
      LogicalType type = Binder::BindTypeName(stmt.type);
      if (!IsWidening(table->columns[c].type, type)) {
        throw NotImplementedError("column " + Quoted(stmt.column_name) + " cannot change from " +
                                  table->columns[c].type.ToString() + " to " + type.ToString() +
                                  ": only widening is supported (int to bigint, real to double, a wider "
                                  "decimal, a longer varchar), which keeps old data files readable");
      }
      change.kind = SchemaChange::Kind::kSetType;
      change.column = c;
      change.type = type;
      entry->columns[c].type = type;
      break;
    }
    case A::kSetNotNull:
    case A::kDropNotNull: {
      size_t c = ColumnOf(*table, stmt.column_name);
      bool not_null = stmt.action == A::kSetNotNull;
      if (not_null && EvaluateConstant("(SELECT count(*) FROM " + qualified + " WHERE " + Quoted(stmt.column_name) +
                                       " IS NULL)").GetInt64() > 0) {
        throw Exception(sqlstate::kNotNullViolation,
                        "column " + Quoted(stmt.column_name) + " of relation " + Quoted(name) + " contains null values");
      }
      change.kind = SchemaChange::Kind::kSetNotNull;
      change.column = c;
      change.not_null = not_null;
      entry->columns[c].not_null = not_null;
      break;
    }
    case A::kSetDefault:
    case A::kDropDefault: {
      size_t c = ColumnOf(*table, stmt.column_name);
      change.kind = SchemaChange::Kind::kSetDefault;
      change.column = c;
      if (stmt.action == A::kSetDefault) {
        Binder binder(*this);
        binder.CastTo(binder.BindConstantExpression(*stmt.default_value), table->columns[c].type);  // must bind
        change.text = stmt.default_sql;
      }
      entry->columns[c].default_sql = change.text;
      break;
    }
    case A::kSetProperties: {
      std::map<std::string, std::string> properties(stmt.properties.begin(), stmt.properties.end());
      table->storage->SetProperties(properties);
      return QueryResult::Count(0);
    }
    case A::kExecute: {
      std::vector<Value> args;
      for (const std::string& a : stmt.argument_sql) args.push_back(EvaluateConstant(a));
      return QueryResult::Count(table->storage->Execute(stmt.procedure, args));
    }
  }
  table->storage->AlterSchema(change);
  catalog().ReplaceTable(entry);
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::Comment(const sql::CommentStmt& stmt) {
  std::vector<std::string> table_name = stmt.target;
  std::string column;
  if (stmt.on_column) {
    column = table_name.back();
    table_name.pop_back();
  }
  auto [schema, name] = QualifiedName(table_name);
  auto table = catalog().GetTable(schema, name);
  if (!table) throw CatalogError(sqlstate::kUndefinedTable, "relation " + Quoted(name) + " does not exist");
  auto entry = std::make_shared<TableEntry>(*table);
  if (stmt.on_column) {
    size_t c = ColumnOf(*table, column);
    if (catalog().persistent()) {
      table->storage->AlterSchema({SchemaChange::Kind::kSetComment, c, "", {}, false, stmt.comment, {}});
    }
    entry->columns[c].comment = stmt.comment;
  } else {
    if (catalog().persistent()) table->storage->SetProperties({{"comment", stmt.comment}});
    entry->comment = stmt.comment;
  }
  catalog().ReplaceTable(entry);
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::Call(const sql::CallStmt& stmt) {
  // Arguments by name (Spark's `table => 'db.t'`) or by position, evaluated as constant expressions.
  auto argument = [&](const char* name, size_t position, bool required) -> std::optional<Value> {
    for (auto& [n, sql] : stmt.arguments) {
      if (n == name) return EvaluateConstant(sql);
    }
    if (position < stmt.arguments.size() && stmt.arguments[position].first.empty()) {
      return EvaluateConstant(stmt.arguments[position].second);
    }
    if (required) {
      throw BinderError(sqlstate::kUndefinedFunction, "procedure " + stmt.procedure + " needs argument " + name);
    }
    return std::nullopt;
  };
  auto table_name = [&]() {
    Value v = *argument("table", 0, true);
    std::vector<std::string> parts;
    std::string text = v.ToString();
    for (size_t start = 0, dot; start <= text.size(); start = dot + 1) {
      dot = std::min(text.find('.', start), text.size());
      parts.push_back(text.substr(start, dot - start));
    }
    return QualifiedName(parts);
  };
  const std::string& p = stmt.procedure;
  if (p == "register_table") {
    auto [schema, name] = table_name();
    catalog().RegisterTable(schema, name, argument("metadata_file", 1, true)->ToString());
    return QueryResult::Count(0);
  }
  static const std::pair<const char*, const char*> kProcedures[] = {
      {"rollback_to_snapshot", "rollback_to_snapshot"}, {"expire_snapshots", "expire_snapshots"},
      {"remove_orphan_files", "remove_orphan_files"},   {"rewrite_data_files", "optimize"}};
  for (auto& [name, procedure] : kProcedures) {
    if (p != name) continue;
    auto [schema, table] = table_name();
    auto entry = catalog().GetTable(schema, table);
    if (!entry) throw CatalogError(sqlstate::kUndefinedTable, "relation " + Quoted(table) + " does not exist");
    std::vector<Value> args;
    if (auto v = argument(p == "rollback_to_snapshot" ? "snapshot_id" : "older_than", 1, false)) args.push_back(*v);
    return QueryResult::Count(entry->storage->Execute(procedure, args));
  }
  throw BinderError(sqlstate::kUndefinedFunction,
                    "procedure " + p + " does not exist (register_table, rollback_to_snapshot, expire_snapshots, "
                    "remove_orphan_files, rewrite_data_files)");
}

std::unique_ptr<QueryResult> ClientContext::Maintenance(const sql::MaintenanceStmt& stmt) {
  const char* procedure = stmt.maintenance == sql::MaintenanceStmt::Kind::kOptimize ? "optimize" : "vacuum";
  std::vector<std::shared_ptr<TableEntry>> tables;
  if (stmt.table.empty()) {
    tables = catalog().Tables();
  } else {
    auto [schema, name] = QualifiedName(stmt.table);
    auto table = catalog().GetTable(schema, name);
    if (!table) throw CatalogError(sqlstate::kUndefinedTable, "relation " + Quoted(name) + " does not exist");
    tables.push_back(table);
  }
  int64_t count = 0;
  for (auto& t : tables) count += t->storage->Execute(procedure, {});
  return QueryResult::Count(count);
}

}  // namespace basin
