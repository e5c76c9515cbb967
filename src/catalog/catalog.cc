#include "catalog/catalog.h"

#include "catalog/catalog_store.h"
#include "common/exception.h"
#include "lake/iceberg_table.h"

namespace basin {

std::vector<LogicalType> TableEntry::Types() const {
  std::vector<LogicalType> types;
  for (auto& c : columns) types.push_back(c.type);
  return types;
}

int TableEntry::ColumnIndex(const std::string& column) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

Catalog::Catalog() : saved_objects_(std::make_unique<SavedObjects>(nullptr)) {
  schemas_[kDefaultSchema];
}

Catalog::Schema& Catalog::GetSchema(const std::string& name) {
  auto it = schemas_.find(name);
  if (it == schemas_.end()) {
    throw CatalogError(sqlstate::kUndefinedSchema, "schema \"" + name + "\" does not exist");
  }
  return it->second;
}

const Catalog::Schema* Catalog::FindSchema(const std::string& name) const {
  auto it = schemas_.find(name);
  return it == schemas_.end() ? nullptr : &it->second;
}

void Catalog::CreateSchema(const std::string& name, bool if_not_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (schemas_.count(name)) {
    if (if_not_exists) return;
    throw CatalogError(sqlstate::kDuplicateSchema, "schema \"" + name + "\" already exists");
  }
  if (store_) store_->CreateSchema(name);
  schemas_[name];
}

void Catalog::DropSchema(const std::string& name, bool if_exists, bool cascade) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = schemas_.find(name);
  if (it == schemas_.end()) {
    if (if_exists) return;
    throw CatalogError(sqlstate::kUndefinedSchema, "schema \"" + name + "\" does not exist");
  }
  if (!it->second.materialized_views.empty()) {
    throw CatalogError(sqlstate::kDependentObjects, "cannot drop schema " + name + ": materialized view " +
                                                        it->second.materialized_views.begin()->second->qualified_name() +
                                                        " is in it (DROP MATERIALIZED VIEW it first)");
  }
  if (!cascade && (!it->second.tables.empty() || !it->second.views.empty() || !it->second.sinks.empty())) {
    throw CatalogError(
        sqlstate::kDependentObjects,
        "cannot drop schema " + name + " because other objects depend on it (use DROP ... CASCADE)");
  }
  for (auto& [table_name, _] : it->second.tables) {
    for (auto& [other, schema] : schemas_) {
      if (other == name) continue;
      for (auto& [_, sink] : schema.sinks) {
        if (sink->table_schema == name && sink->table_name == table_name) {
          throw CatalogError(sqlstate::kDependentObjects, "cannot drop schema " + name + ": sink " +
                                                              sink->qualified_name() + " writes into " + name +
                                                              "." + table_name + " (DROP SINK it first)");
        }
      }
    }
  }
  if (store_) {
    for (auto& [sink_name, _] : it->second.sinks) store_->DropSink(name, sink_name);
    for (auto& [table_name, table] : it->second.tables) {
      store_->DropTable(name, table_name);
      PurgeStorage(*table);
    }
    for (auto& [view_name, _] : it->second.views) store_->DropView(name, view_name);
    store_->DropSchema(name);
  }
  schemas_.erase(it);
}

bool Catalog::SchemaExists(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return schemas_.count(name) > 0;
}

std::vector<std::string> Catalog::SchemaNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (auto& [name, _] : schemas_) names.push_back(name);
  return names;
}

bool Catalog::CreateTable(std::shared_ptr<TableEntry> table, bool if_not_exists, bool or_replace) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(table->schema);
  auto broken = unavailable_.find(table->schema + "." + table->name);
  if (broken != unavailable_.end()) {
    if (if_not_exists) return false;
    throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + table->name + "\" already exists (unavailable: " +
                                                      broken->second + "; DROP TABLE removes it)");
  }
  if (schema.tables.count(table->name) || schema.views.count(table->name)) {
    if (if_not_exists) return false;
    if (!or_replace || schema.views.count(table->name)) {
      throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + table->name + "\" already exists");
    }
  }
  if (store_) {
    auto old = schema.tables.find(table->name);
    if (old != schema.tables.end()) {
      store_->DropTable(table->schema, table->name);
      PurgeStorage(*old->second);
    }
    RegisterStorage(*table);
  }
  schema.tables[table->name] = std::move(table);
  return true;
}

void Catalog::CreateTableWithStorage(const std::shared_ptr<TableEntry>& table, const TableLayout& layout) {
  table->storage = NewTableStorage(*table, layout);
  try {
    CreateTable(table, /*if_not_exists=*/false);
  } catch (...) {
    DiscardStorage(table->storage);
    throw;
  }
}

void Catalog::DropTable(const std::string& schema_name, const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema* schema = const_cast<Schema*>(FindSchema(schema_name));
  auto it = schema ? schema->tables.find(name) : std::map<std::string, std::shared_ptr<TableEntry>>::iterator();
  if (store_ && unavailable_.erase(schema_name + "." + name)) {
    store_->DropTable(schema_name, name);  // its files stay: they may be worth saving
    return;
  }
  if (!schema || it == schema->tables.end()) {
    if (if_exists) return;
    if (schema && schema->views.count(name)) {
      throw CatalogError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a table (use DROP VIEW)");
    }
    throw CatalogError(sqlstate::kUndefinedTable, "table \"" + name + "\" does not exist");
  }
  CheckNoSinkInto(schema_name, name);
  CheckNoMaterializedViewKeeps(schema_name, name, "drop");
  if (store_) {
    store_->DropTable(schema_name, name);
    PurgeStorage(*it->second);
  }
  schema->tables.erase(it);
}

void Catalog::ReplaceTable(std::shared_ptr<TableEntry> table) {
  std::lock_guard<std::mutex> lock(mutex_);
  GetSchema(table->schema).tables[table->name] = std::move(table);
}

void Catalog::RenameTable(const std::string& schema_name, const std::string& name, const std::string& new_name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(schema_name);
  auto it = schema.tables.find(name);
  if (it == schema.tables.end()) throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
  if (schema.tables.count(new_name) || schema.views.count(new_name)) {
    throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + new_name + "\" already exists");
  }
  CheckNoMaterializedViewKeeps(schema_name, name, "rename");
  auto entry = std::make_shared<TableEntry>(*it->second);
  entry->name = new_name;
  if (store_) RenameStorage(*entry, new_name);
  RetargetSinks(schema_name, name, new_name);
  schema.tables.erase(it);
  schema.tables[new_name] = std::move(entry);
}

std::shared_ptr<TableEntry> Catalog::GetTable(const std::string& schema_name, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Schema* schema = FindSchema(schema_name);
  if (!schema) return nullptr;
  auto it = schema->tables.find(name);
  return it == schema->tables.end() ? nullptr : it->second;
}

bool Catalog::CreateView(std::shared_ptr<ViewEntry> view, bool if_not_exists, bool or_replace) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(view->schema);
  if (schema.tables.count(view->name)) {
    if (if_not_exists) return false;
    throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + view->name + "\" already exists");
  }
  if (schema.views.count(view->name) && !or_replace) {
    if (if_not_exists) return false;
    throw CatalogError(sqlstate::kDuplicateTable, "view \"" + view->name + "\" already exists");
  }
  if (store_) store_->SaveView({view->schema, view->name, view->query_sql, view->column_aliases});
  schema.views[view->name] = std::move(view);
  return true;
}

void Catalog::DropView(const std::string& schema_name, const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema* schema = const_cast<Schema*>(FindSchema(schema_name));
  if (!schema || !schema->views.erase(name)) {
    if (if_exists) return;
    if (schema && schema->tables.count(name)) {
      throw CatalogError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a view (use DROP TABLE)");
    }
    throw CatalogError(sqlstate::kUndefinedTable, "view \"" + name + "\" does not exist");
  }
  if (store_) store_->DropView(schema_name, name);
}

std::shared_ptr<ViewEntry> Catalog::GetView(const std::string& schema_name, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Schema* schema = FindSchema(schema_name);
  if (!schema) return nullptr;
  auto it = schema->views.find(name);
  return it == schema->views.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<TableEntry>> Catalog::Tables(const std::string& schema_name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<TableEntry>> result;
  for (auto& [name, schema] : schemas_) {
    if (!schema_name.empty() && name != schema_name) continue;
    for (auto& [_, t] : schema.tables) result.push_back(t);
  }
  return result;
}

std::vector<std::shared_ptr<ViewEntry>> Catalog::Views(const std::string& schema_name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<ViewEntry>> result;
  for (auto& [name, schema] : schemas_) {
    if (!schema_name.empty() && name != schema_name) continue;
    for (auto& [_, v] : schema.views) result.push_back(v);
  }
  return result;
}

}  // namespace basin
