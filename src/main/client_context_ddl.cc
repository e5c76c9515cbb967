// CREATE, DROP, SHOW and DESCRIBE.

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "lake/iceberg_partition.h"
#include "main/client_context.h"
#include "main/client_context_internal.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"
#include "sql/parser/parser.h"
#include "vector/vector.h"

namespace basin {

namespace {

bool TimeTransform(iceberg::Transform t) {
  using T = iceberg::Transform;
  return t == T::kYear || t == T::kMonth || t == T::kDay || t == T::kHour;
}

/// PARTITIONED BY resolved against the new table's columns, checked as Iceberg checks a partition spec.
std::vector<PartitionColumn> BindPartitioning(const std::vector<sql::PartitionDef>& defs, const TableEntry& table) {
  using iceberg::Transform;
  std::vector<PartitionColumn> out;
  struct Seen {
    Transform transform;
    std::string name;
    size_t column;
  };
  std::vector<Seen> seen;
  for (const sql::PartitionDef& def : defs) {
    int column = table.ColumnIndex(def.column);
    if (column < 0) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + def.column + "\" named in PARTITIONED BY does not exist", def.location);
    }
    auto transform = iceberg::TransformFromSql(def.transform);
    if (!transform) {
      throw BinderError(sqlstate::kUndefinedFunction,
                        "unknown partition transform \"" + def.transform +
                            "\" (identity, year, month, day, hour, bucket, truncate)",
                        def.location);
    }
    const LogicalType& type = table.columns[static_cast<size_t>(column)].type;
    if (!iceberg::TransformResultType(*transform, type)) {
      throw BinderError(sqlstate::kDatatypeMismatch,
                        "partition transform " + def.transform + " does not apply to column \"" + def.column +
                            "\" of type " + type.ToString(),
                        def.location);
    }
    bool sized = *transform == Transform::kBucket || *transform == Transform::kTruncate;
    if (sized && (def.param <= 0 || def.param > INT32_MAX)) {
      throw BinderError(sqlstate::kInvalidParameterValue,
                        def.transform + " needs a positive number, not " + std::to_string(def.param), def.location);
    }
    std::string name = iceberg::PartitionFieldName(*transform, table.columns[static_cast<size_t>(column)].name);
    for (const Seen& other : seen) {
      // Iceberg allows one time transform per column: day(ts) already implies month(ts) and year(ts).
      bool redundant = other.column == static_cast<size_t>(column) &&
                       (other.transform == *transform || (TimeTransform(other.transform) && TimeTransform(*transform)));
      if (redundant || other.name == name) {
        throw BinderError(sqlstate::kDuplicateColumn,
                          "partition field \"" + name + "\" is redundant with \"" + other.name + "\"", def.location);
      }
    }
    if (*transform != Transform::kIdentity && table.ColumnIndex(name) >= 0) {
      throw BinderError(sqlstate::kDuplicateColumn,
                        "partition field name \"" + name + "\" is also the name of a column", def.location);
    }
    seen.push_back({*transform, name, static_cast<size_t>(column)});
    std::string canonical = sized ? (*transform == Transform::kBucket ? "bucket" : "truncate")
                                  : iceberg::TransformName(*transform, 0);
    out.push_back({canonical, static_cast<int32_t>(def.param), static_cast<size_t>(column)});
  }
  return out;
}

/// The declared primary key as column indexes: PRIMARY KEY (a, b) or a column's PRIMARY KEY.
std::vector<size_t> BindPrimaryKey(const sql::CreateTableStmt& stmt, const TableEntry& table) {
  std::vector<size_t> key;
  for (const std::string& name : stmt.primary_key) {
    int column = table.ColumnIndex(name);
    if (column < 0) throw BinderError(sqlstate::kUndefinedColumn, "column \"" + name + "\" named in key does not exist");
    if (std::find(key.begin(), key.end(), static_cast<size_t>(column)) != key.end()) {
      throw BinderError(sqlstate::kDuplicateColumn, "column \"" + name + "\" appears twice in primary key constraint");
    }
    key.push_back(static_cast<size_t>(column));
  }
  for (size_t c = 0; c < stmt.columns.size(); c++) {
    if (stmt.columns[c].primary_key) key.push_back(c);
  }
  return key;
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::CreateTable(const sql::CreateTableStmt& stmt) {
  auto [schema, name] = QualifiedName(stmt.name);
  auto table = std::make_shared<TableEntry>();
  table->schema = schema;
  table->name = name;
  if (stmt.as_select) {
    if (catalog().GetTable(schema, name) && stmt.if_not_exists) return QueryResult::Count(0);
    Binder binder(*this);
    BoundQuery q = binder.BindQuery(*stmt.as_select);
    for (size_t i = 0; i < q.names.size(); i++) {
      ColumnDefinition col;
      col.name = i < stmt.as_column_names.size() ? stmt.as_column_names[i] : q.names[i];
      col.type = q.types[i];
      for (auto& other : table->columns) {
        if (other.name == col.name) {
          throw CatalogError(sqlstate::kDuplicateColumn,
                             "column \"" + col.name + "\" specified more than once");
        }
      }
      table->columns.push_back(col);
    }
    TableLayout layout{BindPartitioning(stmt.partitioned_by, *table), {}};
    auto chunks = Run(std::move(q.plan));
    table->storage = catalog().NewTableStorage(*table, layout);
    // The rows are written before the table becomes visible, so nobody sees it half-filled.
    int64_t count = 0;
    try {
      auto writer = table->storage->BeginWrite();
      writer->SetThreads(StatementThreads());
      for (auto& c : chunks) {
        writer->Append(*c);
        count += static_cast<int64_t>(c->size());
      }
      writer->Commit();
      writer.reset();
      if (!catalog().CreateTable(table, stmt.if_not_exists, stmt.or_replace)) catalog().DiscardStorage(table->storage);
    } catch (...) {
      catalog().DiscardStorage(table->storage);
      throw;
    }
    return QueryResult::Count(count);
  }
  for (auto& def : stmt.columns) {
    for (auto& other : table->columns) {
      if (other.name == def.name) {
        throw CatalogError(sqlstate::kDuplicateColumn,
                           "column \"" + def.name + "\" specified more than once");
      }
    }
    ColumnDefinition col;
    col.name = def.name;
    col.type = Binder::BindTypeName(def.type);
    col.not_null =
        def.not_null || def.primary_key ||
        std::find(stmt.primary_key.begin(), stmt.primary_key.end(), def.name) != stmt.primary_key.end();
    if (def.default_value) {
      // Keep the DEFAULT as text; check now that it binds without columns.
      col.default_sql = def.default_sql;
      Binder binder(*this);
      binder.BindConstantExpression(*def.default_value);
    }
    table->columns.push_back(col);
  }
  TableLayout layout{BindPartitioning(stmt.partitioned_by, *table), BindPrimaryKey(stmt, *table)};
  if (catalog().GetTable(schema, name) && stmt.if_not_exists) return QueryResult::Count(0);
  table->storage = catalog().NewTableStorage(*table, layout);
  try {
    if (!catalog().CreateTable(table, stmt.if_not_exists, stmt.or_replace)) catalog().DiscardStorage(table->storage);
  } catch (...) {
    catalog().DiscardStorage(table->storage);
    throw;
  }
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::CreateView(const sql::CreateViewStmt& stmt,
                                                       std::string_view sql) {
  auto [schema, name] = QualifiedName(stmt.name);
  Binder binder(*this);
  BoundQuery q = binder.BindQuery(*stmt.query);  // the view must bind now
  if (stmt.column_aliases.size() > q.names.size()) {
    throw BinderError(sqlstate::kSyntaxError, "CREATE VIEW specifies more column names than columns");
  }
  auto view = std::make_shared<ViewEntry>();
  view->schema = schema;
  view->name = name;
  view->query_sql = stmt.query_text;
  view->column_aliases = stmt.column_aliases;
  catalog().CreateView(view, stmt.if_not_exists, stmt.or_replace);
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::Drop(const sql::DropStmt& stmt) {
  for (auto& names : stmt.names) {
    switch (stmt.object_kind) {
      case sql::DropStmt::ObjectKind::kTable: {
        auto [schema, name] = QualifiedName(names);
        catalog().DropTable(schema, name, stmt.if_exists);
        break;
      }
      case sql::DropStmt::ObjectKind::kView: {
        auto [schema, name] = QualifiedName(names);
        catalog().DropView(schema, name, stmt.if_exists);
        break;
      }
      case sql::DropStmt::ObjectKind::kTopic:
        DropTopic(names.back(), stmt.if_exists);
        break;
      case sql::DropStmt::ObjectKind::kSink: {
        auto [schema, name] = QualifiedName(names);
        catalog().DropSink(schema, name, stmt.if_exists);
        break;
      }
      case sql::DropStmt::ObjectKind::kMaterializedView:
        DropMaterializedView(names, stmt.if_exists, "materialized view");
        break;
      case sql::DropStmt::ObjectKind::kStream:
        DropMaterializedView(names, stmt.if_exists, "stream");
        break;
      case sql::DropStmt::ObjectKind::kAlert:
        DropMaterializedView(names, stmt.if_exists, "alert");
        break;
      case sql::DropStmt::ObjectKind::kSchema:
        if (names.back() == Catalog::kDefaultSchema) {
          throw CatalogError(sqlstate::kDependentObjects, "cannot drop the default schema \"public\"");
        }
        catalog().DropSchema(names.back(), stmt.if_exists, stmt.cascade);
        break;
    }
  }
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::Show(const sql::ShowStmt& stmt) {
  if (stmt.what == "topics") return ShowTopics();
  if (stmt.what == "sinks") return ShowSinks();
  if (stmt.what == "materialized views") return ShowMaterializedViews();
  if (stmt.what == "alerts") return ShowAlerts();
  if (stmt.what == "tables") {
    RowsBuilder rows({"schema", "name", "type", "comment"},
                     {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar});
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> all;
    for (auto& t : catalog().Tables(stmt.schema)) all.emplace_back(t->schema, t->name, "table", t->comment);
    for (auto& v : catalog().Views(stmt.schema)) all.emplace_back(v->schema, v->name, "view", "");
    std::sort(all.begin(), all.end());
    for (auto& [s, n, k, c] : all) {
      rows.Add({Value::Varchar(s), Value::Varchar(n), Value::Varchar(k), c.empty() ? Value() : Value::Varchar(c)});
    }
    return rows.Finish();
  }
  return ShowSetting(stmt.what);
}

std::unique_ptr<QueryResult> ClientContext::Describe(const sql::DescribeStmt& stmt) {
  RowsBuilder rows({"column_name", "column_type", "null", "default", "comment"},
                   {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar});
  if (stmt.query) {
    Binder binder(*this);
    BoundQuery q = binder.BindQuery(*stmt.query);
    for (size_t i = 0; i < q.names.size(); i++) {
      rows.Add({Value::Varchar(q.names[i]), Value::Varchar(q.types[i].ToString()), Value::Varchar("YES"),
                Value(), Value()});
    }
    return rows.Finish();
  }
  auto [schema, name] = QualifiedName(stmt.table);
  auto table = catalog().GetTable(schema, name);
  if (!table && !catalog().GetView(schema, name)) table = FindTopic(*this, stmt.table);
  if (table) {
    for (auto& c : table->columns) {
      rows.Add({Value::Varchar(c.name), Value::Varchar(c.type.ToString()),
                Value::Varchar(c.not_null ? "NO" : "YES"),
                c.default_sql.empty() ? Value() : Value::Varchar(c.default_sql),
                c.comment.empty() ? Value() : Value::Varchar(c.comment)});
    }
    return rows.Finish();
  }
  if (catalog().GetView(schema, name)) {
    sql::TableRef ref;
    ref.names = stmt.table;
    auto select = std::make_unique<sql::SelectStatement>();
    select->body = std::make_unique<sql::QueryNode>();
    auto star = sql::ParsedExpr::Make(sql::ExprKind::kStar, -1);
    select->body->select_list.push_back(std::move(star));
    select->body->from = std::make_unique<sql::TableRef>(std::move(ref));
    Binder binder(*this);
    BoundQuery q = binder.BindQuery(*select);
    for (size_t i = 0; i < q.names.size(); i++) {
      rows.Add({Value::Varchar(q.names[i]), Value::Varchar(q.types[i].ToString()), Value::Varchar("YES"),
                Value(), Value()});
    }
    return rows.Finish();
  }
  throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
}

}  // namespace basin
