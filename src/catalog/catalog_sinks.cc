// Sinks in the catalog: definitions only; the table's snapshots record how far each sink got.

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "common/exception.h"

namespace basin {

bool Catalog::CreateSink(std::shared_ptr<SinkEntry> sink, bool if_not_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(sink->schema);
  if (schema.sinks.count(sink->name)) {
    if (if_not_exists) return false;
    throw CatalogError(sqlstate::kDuplicateObject, "sink \"" + sink->name + "\" already exists");
  }
  SaveSink(*sink);
  schema.sinks[sink->name] = std::move(sink);
  return true;
}

void Catalog::DropSink(const std::string& schema_name, const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mutex_);
  Schema* schema = const_cast<Schema*>(FindSchema(schema_name));
  if (!schema || !schema->sinks.erase(name)) {
    if (if_exists) return;
    throw CatalogError(sqlstate::kUndefinedObject, "sink \"" + name + "\" does not exist");
  }
  if (store_) store_->DropSink(schema_name, name);
}

std::shared_ptr<SinkEntry> Catalog::GetSink(const std::string& schema_name, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Schema* schema = FindSchema(schema_name);
  if (!schema) return nullptr;
  auto it = schema->sinks.find(name);
  return it == schema->sinks.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<SinkEntry>> Catalog::Sinks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<SinkEntry>> result;
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, sink] : schema.sinks) result.push_back(sink);
  }
  return result;
}

std::vector<std::shared_ptr<SinkEntry>> Catalog::SinksInto(const std::string& schema_name,
                                                           const std::string& table) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<SinkEntry>> result;
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, sink] : schema.sinks) {
      if (sink->table_schema == schema_name && sink->table_name == table) result.push_back(sink);
    }
  }
  return result;
}

void Catalog::CheckNoSinkInto(const std::string& schema_name, const std::string& table) const {
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, sink] : schema.sinks) {
      if (sink->table_schema == schema_name && sink->table_name == table) {
        throw CatalogError(sqlstate::kDependentObjects, "cannot drop table " + table + " because sink " +
                                                            sink->qualified_name() +
                                                            " writes into it (DROP SINK it first)");
      }
    }
  }
}

void Catalog::RetargetSinks(const std::string& schema_name, const std::string& table, const std::string& new_name) {
  for (auto& [_, schema] : schemas_) {
    for (auto& [_, sink] : schema.sinks) {
      if (sink->table_schema != schema_name || sink->table_name != table) continue;
      // Entries are shared with running statements: replace rather than change in place.
      auto moved = std::make_shared<SinkEntry>(*sink);
      moved->table_name = new_name;
      SaveSink(*moved);
      sink = std::move(moved);
    }
  }
}

void Catalog::SaveSink(const SinkEntry& sink) {
  if (!store_) return;
  store_->SaveSink({sink.schema, sink.name, sink.topic, sink.table_schema, sink.table_name,
                    nlohmann::json(sink.options).dump()});
}

}  // namespace basin
