#include "catalog/catalog_store.h"

#include <sqlite3.h>

#include "catalog/sqlite_exec.h"
#include "common/exception.h"

namespace basin {

namespace {

constexpr const char* kSchemaSql = R"(
CREATE TABLE IF NOT EXISTS iceberg_tables (
  catalog_name VARCHAR(255) NOT NULL,
  table_namespace VARCHAR(255) NOT NULL,
  table_name VARCHAR(255) NOT NULL,
  metadata_location VARCHAR(1000),
  previous_metadata_location VARCHAR(1000),
  iceberg_type VARCHAR(5),
  PRIMARY KEY (catalog_name, table_namespace, table_name));
CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
  catalog_name VARCHAR(255) NOT NULL,
  namespace VARCHAR(255) NOT NULL,
  property_key VARCHAR(255),
  property_value VARCHAR(1000),
  PRIMARY KEY (catalog_name, namespace, property_key));
CREATE TABLE IF NOT EXISTS basin_views (
  schema_name TEXT NOT NULL,
  view_name TEXT NOT NULL,
  query_sql TEXT NOT NULL,
  column_aliases TEXT NOT NULL,
  PRIMARY KEY (schema_name, view_name));
CREATE TABLE IF NOT EXISTS basin_sinks (
  schema_name TEXT NOT NULL,
  sink_name TEXT NOT NULL,
  topic TEXT NOT NULL,
  table_schema TEXT NOT NULL,
  table_name TEXT NOT NULL,
  options TEXT NOT NULL,
  PRIMARY KEY (schema_name, sink_name));
CREATE TABLE IF NOT EXISTS basin_saved_queries (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, document TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS basin_charts (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, document TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS basin_dashboards (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, document TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS basin_materialized_views (
  schema_name TEXT NOT NULL,
  view_name TEXT NOT NULL,
  query_sql TEXT NOT NULL,
  topic TEXT NOT NULL,
  late_table TEXT NOT NULL,
  options TEXT NOT NULL,
  PRIMARY KEY (schema_name, view_name));
)";

/// Column aliases joined by a byte that never appears in an identifier.
constexpr char kAliasSeparator = '\x1f';

}  // namespace

CatalogStore::CatalogStore(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IOError("could not open the catalog \"" + path + "\": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  char* error = nullptr;
  // WAL: readers never block the writer; FULL sync: a commit that returned survives a power cut.
  if (sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, &error) != SQLITE_OK ||
      sqlite3_exec(db_, kSchemaSql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IOError("could not initialise the catalog \"" + path + "\": " + message);
  }
}

CatalogStore::~CatalogStore() {
  if (db_) sqlite3_close(db_);
}

int CatalogStore::Exec(const std::string& sql, const std::vector<std::string>& params,
                       std::vector<std::vector<std::string>>* rows) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteRows found;
  const int changed = SqliteExec(db_, "catalog \"" + path_ + "\"", sql, params, rows ? &found : nullptr);
  if (rows) {
    for (auto& row : found) {
      auto& out = rows->emplace_back();
      for (auto& value : row) out.push_back(value.value_or(""));
    }
  }
  return changed;
}

std::vector<std::string> CatalogStore::Schemas() {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT DISTINCT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?", {kCatalogName}, &rows);
  std::vector<std::string> names;
  for (auto& r : rows) names.push_back(r[0]);
  return names;
}

void CatalogStore::CreateSchema(const std::string& schema) {
  // Iceberg's JDBC catalog marks a namespace's existence with this property.
  Exec("INSERT OR IGNORE INTO iceberg_namespace_properties VALUES (?, ?, 'exists', 'true')", {kCatalogName, schema});
}

void CatalogStore::DropSchema(const std::string& schema) {
  Exec("DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?", {kCatalogName, schema});
}

std::vector<CatalogStore::TableRow> CatalogStore::Tables() {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = ? "
       "AND (iceberg_type IS NULL OR iceberg_type = 'TABLE')",
       {kCatalogName}, &rows);
  std::vector<TableRow> tables;
  for (auto& r : rows) tables.push_back({r[0], r[1], r[2]});
  return tables;
}

void CatalogStore::CreateTable(const std::string& schema, const std::string& name,
                               const std::string& metadata_location) {
  Exec("INSERT OR REPLACE INTO iceberg_tables VALUES (?, ?, ?, ?, NULL, 'TABLE')",
       {kCatalogName, schema, name, metadata_location});
}

void CatalogStore::DropTable(const std::string& schema, const std::string& name) {
  Exec("DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
       {kCatalogName, schema, name});
}

void CatalogStore::RenameTable(const std::string& schema, const std::string& name, const std::string& new_name) {
  Exec("UPDATE iceberg_tables SET table_name = ? WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
       {new_name, kCatalogName, schema, name});
}

bool CatalogStore::SwapTable(const std::string& schema, const std::string& name, const std::string& expected,
                             const std::string& next) {
  if (Exec("UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? "
           "WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?",
           {next, expected, kCatalogName, schema, name, expected}) == 1) {
    return true;
  }
  // No row changed: another writer moved the pointer (retry), or the table is gone (no retry helps).
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
       {kCatalogName, schema, name}, &rows);
  if (rows.empty()) {
    throw CatalogError(sqlstate::kUndefinedTable, "table \"" + name + "\" was dropped while being written");
  }
  return false;
}

std::vector<CatalogStore::ViewRow> CatalogStore::Views() {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT schema_name, view_name, query_sql, column_aliases FROM basin_views", {}, &rows);
  std::vector<ViewRow> views;
  for (auto& r : rows) {
    ViewRow v{r[0], r[1], r[2], {}};
    size_t start = 0;
    while (!r[3].empty() && start <= r[3].size()) {
      size_t end = r[3].find(kAliasSeparator, start);
      if (end == std::string::npos) end = r[3].size();
      v.column_aliases.push_back(r[3].substr(start, end - start));
      start = end + 1;
    }
    views.push_back(std::move(v));
  }
  return views;
}

void CatalogStore::SaveView(const ViewRow& view) {
  std::string aliases;
  for (size_t i = 0; i < view.column_aliases.size(); i++) {
    if (i) aliases += kAliasSeparator;
    aliases += view.column_aliases[i];
  }
  Exec("INSERT OR REPLACE INTO basin_views VALUES (?, ?, ?, ?)", {view.schema, view.name, view.sql, aliases});
}

void CatalogStore::DropView(const std::string& schema, const std::string& name) {
  Exec("DELETE FROM basin_views WHERE schema_name = ? AND view_name = ?", {schema, name});
}

std::vector<CatalogStore::SinkRow> CatalogStore::Sinks() {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT schema_name, sink_name, topic, table_schema, table_name, options FROM basin_sinks", {}, &rows);
  std::vector<SinkRow> sinks;
  for (auto& r : rows) sinks.push_back({r[0], r[1], r[2], r[3], r[4], r[5]});
  return sinks;
}

void CatalogStore::SaveSink(const SinkRow& sink) {
  Exec("INSERT OR REPLACE INTO basin_sinks VALUES (?, ?, ?, ?, ?, ?)",
       {sink.schema, sink.name, sink.topic, sink.table_schema, sink.table_name, sink.options});
}

void CatalogStore::DropSink(const std::string& schema, const std::string& name) {
  Exec("DELETE FROM basin_sinks WHERE schema_name = ? AND sink_name = ?", {schema, name});
}

// The table name comes from SavedObjects' fixed list, never from a request.
std::vector<CatalogStore::SavedObjectRow> CatalogStore::SavedObjectRows(const std::string& table) {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT id, name, document, created_at_ms, updated_at_ms FROM " + table + " ORDER BY id", {}, &rows);
  std::vector<SavedObjectRow> objects;
  for (auto& r : rows) {
    objects.push_back({std::stoll(r[0]), std::move(r[1]), std::move(r[2]), std::stoll(r[3]), std::stoll(r[4])});
  }
  return objects;
}

void CatalogStore::SaveSavedObject(const std::string& table, const SavedObjectRow& row) {
  Exec("INSERT OR REPLACE INTO " + table + " VALUES (?, ?, ?, ?, ?)",
       {std::to_string(row.id), row.name, row.document, std::to_string(row.created_ms),
        std::to_string(row.updated_ms)});
}

void CatalogStore::DropSavedObject(const std::string& table, int64_t id) {
  Exec("DELETE FROM " + table + " WHERE id = ?", {std::to_string(id)});
}

std::vector<CatalogStore::MaterializedViewRow> CatalogStore::MaterializedViews() {
  std::vector<std::vector<std::string>> rows;
  Exec("SELECT schema_name, view_name, query_sql, topic, late_table, options FROM basin_materialized_views", {},
       &rows);
  std::vector<MaterializedViewRow> views;
  for (auto& r : rows) views.push_back({r[0], r[1], r[2], r[3], r[4], r[5]});
  return views;
}

void CatalogStore::SaveMaterializedView(const MaterializedViewRow& view) {
  Exec("INSERT OR REPLACE INTO basin_materialized_views VALUES (?, ?, ?, ?, ?, ?)",
       {view.schema, view.name, view.sql, view.topic, view.late_table, view.options});
}

void CatalogStore::DropMaterializedView(const std::string& schema, const std::string& name) {
  Exec("DELETE FROM basin_materialized_views WHERE schema_name = ? AND view_name = ?", {schema, name});
}

}  // namespace basin
