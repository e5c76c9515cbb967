#include "catalog/saved_objects.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "catalog/catalog_store.h"
#include "common/exception.h"

namespace basin {

namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr const char* kChartTypes[] = {"line", "bar", "area", "pie", "scatter", "number", "table"};

/// The catalog.db table of each kind, in SavedObjectKind's order.
constexpr const char* kTables[] = {"basin_saved_queries", "basin_charts", "basin_dashboards"};
constexpr SavedObjectKind kKinds[] = {SavedObjectKind::kQuery, SavedObjectKind::kChart,
                                      SavedObjectKind::kDashboard};

[[noreturn]] void Invalid(SavedObjectKind kind, const std::string& why) {
  throw DataError(sqlstate::kInvalidParameterValue,
                  "invalid " + std::string(SavedObjectKindName(kind)) + ": " + why);
}

void CheckName(SavedObjectKind kind, const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    Invalid(kind, "a name of 1 to " + std::to_string(kMaxNameBytes) + " bytes is required");
  }
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    Invalid(kind, "the name holds control characters");
  }
}

void RequireString(SavedObjectKind kind, const nlohmann::json& document, const char* member) {
  const auto it = document.find(member);
  if (it == document.end() || !it->is_string() || it->get<std::string>().empty()) {
    Invalid(kind, std::string("\"") + member + "\" must be a non-empty string");
  }
}

/// Check what `kind` requires of its document and return it in its compact form.
std::string CheckDocument(SavedObjectKind kind, const std::string& text) {
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) Invalid(kind, "the document must be a JSON object");
  switch (kind) {
    case SavedObjectKind::kQuery:
      RequireString(kind, document, "sql");
      break;
    case SavedObjectKind::kChart: {
      RequireString(kind, document, "sql");
      RequireString(kind, document, "type");
      const std::string type = document["type"].get<std::string>();
      if (std::find(std::begin(kChartTypes), std::end(kChartTypes), type) == std::end(kChartTypes)) {
        Invalid(kind,
                "\"type\" must be one of line, bar, area, pie, scatter, number, table, not \"" + type + "\"");
      }
      if (document.contains("y") && !document["y"].is_array())
        Invalid(kind, "\"y\" must be an array of column names");
      break;
    }
    case SavedObjectKind::kDashboard: {
      const auto charts = document.find("charts");
      if (charts == document.end() || !charts->is_array()) Invalid(kind, "\"charts\" must be an array");
      for (const nlohmann::json& item : *charts) {
        if (!item.is_object() || !item.contains("chart_id") || !item["chart_id"].is_number_integer()) {
          Invalid(kind, "each of \"charts\" must be an object with an integer \"chart_id\"");
        }
      }
      break;
    }
  }
  return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view SavedObjectKindName(SavedObjectKind kind) {
  switch (kind) {
    case SavedObjectKind::kQuery:
      return "query";
    case SavedObjectKind::kChart:
      return "chart";
    case SavedObjectKind::kDashboard:
      return "dashboard";
  }
  return "object";
}

SavedObjects::SavedObjects(CatalogStore* store) : store_(store) {
  if (!store_) return;
  for (SavedObjectKind kind : kKinds) {
    Objects& objects = Of(kind);
    for (CatalogStore::SavedObjectRow& row : store_->SavedObjectRows(kTables[static_cast<size_t>(kind)])) {
      objects.next_id = std::max(objects.next_id, row.id + 1);
      objects.by_id[row.id] = {row.id, std::move(row.name), std::move(row.document), row.created_ms,
                               row.updated_ms};
    }
  }
}

SavedObject SavedObjects::Create(SavedObjectKind kind, const std::string& name, const std::string& document) {
  CheckName(kind, name);
  std::string compact = CheckDocument(kind, document);
  std::lock_guard<std::mutex> lock(mutex_);
  CheckNameFree(kind, name, 0);
  Objects& objects = Of(kind);
  const int64_t now = NowMs();
  SavedObject object{objects.next_id, name, std::move(compact), now, now};
  Persist(kind, object);
  objects.next_id++;
  return objects.by_id[object.id] = std::move(object);
}

SavedObject SavedObjects::Get(SavedObjectKind kind, int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return Find(kind, id);
}

std::vector<SavedObject> SavedObjects::List(SavedObjectKind kind) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SavedObject> list;
  for (const auto& [id, object] : Of(kind).by_id) list.push_back(object);
  return list;
}

SavedObject SavedObjects::Update(SavedObjectKind kind, int64_t id, const std::string& name,
                                 const std::string& document) {
  CheckName(kind, name);
  std::string compact = CheckDocument(kind, document);
  std::lock_guard<std::mutex> lock(mutex_);
  SavedObject object = Find(kind, id);
  CheckNameFree(kind, name, id);
  object.name = name;
  object.document = std::move(compact);
  object.updated_ms = std::max(NowMs(), object.created_ms);
  Persist(kind, object);
  return Of(kind).by_id[id] = std::move(object);
}

void SavedObjects::Delete(SavedObjectKind kind, int64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Find(kind, id);
  if (store_) store_->DropSavedObject(kTables[static_cast<size_t>(kind)], id);
  Of(kind).by_id.erase(id);
}

const SavedObject& SavedObjects::Find(SavedObjectKind kind, int64_t id) const {
  const Objects& objects = Of(kind);
  const auto it = objects.by_id.find(id);
  if (it == objects.by_id.end()) {
    throw CatalogError(sqlstate::kUndefinedObject,
                       std::string(SavedObjectKindName(kind)) + " " + std::to_string(id) + " does not exist");
  }
  return it->second;
}

void SavedObjects::CheckNameFree(SavedObjectKind kind, const std::string& name, int64_t id) const {
  for (const auto& [other_id, object] : Of(kind).by_id) {
    if (other_id != id && object.name == name) {
      throw CatalogError(sqlstate::kDuplicateObject, "a " + std::string(SavedObjectKindName(kind)) +
                                                         " named \"" + name + "\" exists already (id " +
                                                         std::to_string(other_id) + ")");
    }
  }
}

void SavedObjects::Persist(SavedObjectKind kind, const SavedObject& object) {
  if (!store_) return;
  store_->SaveSavedObject(kTables[static_cast<size_t>(kind)],
                          {object.id, object.name, object.document, object.created_ms, object.updated_ms});
}

}  // namespace basin
