// Materialized views in the catalog: definitions only; their tables' snapshots and DATA/state/ record how
// far each got (src/stream/).

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "common/exception.h"

namespace basin {

bool Catalog::CreateMaterializedView(std::shared_ptr<MaterializedViewEntry> view, bool if_not_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(view->schema);
  if (schema.materialized_views.count(view->name)) {
    if (if_not_exists) return false;
    throw CatalogError(sqlstate::kDuplicateTable, "materialized view \"" + view->name + "\" already exists");
  }
  if (store_) {
    store_->SaveMaterializedView({view->schema, view->name, view->query_sql, view->topic, view->late_table,
                                  nlohmann::json(view->options).dump()});
  }
  schema.materialized_views[view->name] = std::move(view);
  return true;
}

void Catalog::DropMaterializedView(const std::string& schema_name, const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema* schema = const_cast<Schema*>(FindSchema(schema_name));
  if (!schema || !schema->materialized_views.erase(name)) {
    if (if_exists) return;
    throw CatalogError(sqlstate::kUndefinedTable, "materialized view \"" + name + "\" does not exist");
  }
  if (store_) store_->DropMaterializedView(schema_name, name);
}

std::shared_ptr<MaterializedViewEntry> Catalog::GetMaterializedView(const std::string& schema_name,
                                                                    const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Schema* schema = FindSchema(schema_name);
  if (!schema) return nullptr;
  auto it = schema->materialized_views.find(name);
  return it == schema->materialized_views.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<MaterializedViewEntry>> Catalog::MaterializedViews() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<MaterializedViewEntry>> result;
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, view] : schema.materialized_views) result.push_back(view);
  }
  return result;
}

void Catalog::CheckNoMaterializedViewKeeps(const std::string& schema_name, const std::string& table,
                                           const char* what) const {
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, view] : schema.materialized_views) {
      if (view->Keeps(schema_name, table)) {
        throw CatalogError(sqlstate::kDependentObjects,
                           std::string("cannot ") + what + " table " + table + " because materialized view " +
                               view->qualified_name() + " keeps its rows in it (DROP MATERIALIZED VIEW " +
                               view->name + " instead)");
      }
    }
  }
}

}  // namespace basin
