#pragma once

// Saved queries, charts and dashboards: what people keep from the web UI and the REST API. Each is a name
// (unique per kind), an id, timestamps and a JSON document whose shape depends on the kind.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace basin {

class CatalogStore;

enum class SavedObjectKind { kQuery, kChart, kDashboard };

/// "query", "chart", "dashboard".
std::string_view SavedObjectKindName(SavedObjectKind kind);

/// One saved object.
struct SavedObject {
  int64_t id = 0;
  std::string name;
  /// A JSON object, serialized. A query has "sql"; a chart "sql" and "type" (line, bar, area, pie, scatter,
  /// number, table) with optional "x", "y" (an array of column names) and "series"; a dashboard "charts",
  /// an array of {"chart_id", "w", "h"} in layout order. Other members are kept as they are.
  std::string document;
  int64_t created_ms = 0;  ///< milliseconds since the epoch
  int64_t updated_ms = 0;
};

/// Every saved object, kept in memory and, for a persistent catalog, written through to `catalog.db`
/// (`basin_saved_queries`, `basin_charts`, `basin_dashboards`) before a change returns. Ids grow per kind
/// and are never reused while the process runs. Errors are thrown as basin::Exception: a bad name or
/// document 22023, an unknown id 42704, a name taken 42710. Thread-safe.
class SavedObjects {
 public:
  /// Load what `store` holds; null keeps everything in memory.
  explicit SavedObjects(CatalogStore* store);

  SavedObject Create(SavedObjectKind kind, const std::string& name, const std::string& document);
  SavedObject Get(SavedObjectKind kind, int64_t id) const;
  /// Every object of `kind`, by id.
  std::vector<SavedObject> List(SavedObjectKind kind) const;
  /// Replace the name and document of object `id`.
  SavedObject Update(SavedObjectKind kind, int64_t id, const std::string& name, const std::string& document);
  void Delete(SavedObjectKind kind, int64_t id);

 private:
  struct Objects {
    std::map<int64_t, SavedObject> by_id;
    int64_t next_id = 1;
  };
  const Objects& Of(SavedObjectKind kind) const { return objects_[static_cast<size_t>(kind)]; }
  Objects& Of(SavedObjectKind kind) { return objects_[static_cast<size_t>(kind)]; }
  /// Object `id` of `kind`; throws 42704 when there is none (mutex_ held).
  const SavedObject& Find(SavedObjectKind kind, int64_t id) const;
  /// Throw 42710 when another object of `kind` than `id` is called `name` (mutex_ held).
  void CheckNameFree(SavedObjectKind kind, const std::string& name, int64_t id) const;
  /// Write `object` through to the store (mutex_ held).
  void Persist(SavedObjectKind kind, const SavedObject& object);

  CatalogStore* store_;
  mutable std::mutex mutex_;
  Objects objects_[3];
};

}  // namespace basin
