#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3;

namespace basin {

/// The persistent catalog: a SQLite database (`DATA/catalog.db`) that maps names to Iceberg metadata files.
/// Its tables follow Iceberg's JDBC catalog (`iceberg_tables`, `iceberg_namespace_properties`), so Iceberg
/// tools that speak that catalog (PyIceberg's SqlCatalog, Iceberg's JdbcCatalog) can open it; views, sinks,
/// materialized views and saved objects are Basin's own (`basin_views`, `basin_sinks`,
/// `basin_materialized_views`, `basin_saved_queries`, `basin_charts`, `basin_dashboards`). Every change is a
/// SQLite transaction; thread-safe.
class CatalogStore {
 public:
  static constexpr const char* kCatalogName = "basin";

  /// Open or create the database; throws IOError naming the file when it cannot.
  explicit CatalogStore(const std::string& path);
  ~CatalogStore();
  CatalogStore(const CatalogStore&) = delete;
  CatalogStore& operator=(const CatalogStore&) = delete;

  struct TableRow {
    std::string schema, name, metadata_location;
  };
  struct ViewRow {
    std::string schema, name, sql;
    std::vector<std::string> column_aliases;
  };
  struct SinkRow {
    std::string schema, name, topic, table_schema, table_name;
    std::string options;  ///< the WITH options, a JSON object of strings
  };
  struct SavedObjectRow {
    int64_t id = 0;
    std::string name, document;
    int64_t created_ms = 0, updated_ms = 0;
  };

  struct MaterializedViewRow {
    std::string schema, name, sql, topic, late_table;
    std::string options;  ///< the WITH options, a JSON object of strings
  };

  std::vector<std::string> Schemas();
  void CreateSchema(const std::string& schema);
  void DropSchema(const std::string& schema);

  std::vector<TableRow> Tables();
  void CreateTable(const std::string& schema, const std::string& name, const std::string& metadata_location);
  void DropTable(const std::string& schema, const std::string& name);
  void RenameTable(const std::string& schema, const std::string& name, const std::string& new_name);
  /// Compare-and-swap of a table's metadata location: the commit point of an Iceberg write.
  bool SwapTable(const std::string& schema, const std::string& name, const std::string& expected,
                 const std::string& next);

  std::vector<ViewRow> Views();
  void SaveView(const ViewRow& view);
  void DropView(const std::string& schema, const std::string& name);

  std::vector<SinkRow> Sinks();
  void SaveSink(const SinkRow& sink);
  void DropSink(const std::string& schema, const std::string& name);

  /// Saved queries, charts and dashboards (catalog/saved_objects.h), each kind in its `table`
  /// (basin_saved_queries, basin_charts, basin_dashboards).
  std::vector<SavedObjectRow> SavedObjectRows(const std::string& table);
  void SaveSavedObject(const std::string& table, const SavedObjectRow& row);
  void DropSavedObject(const std::string& table, int64_t id);

  std::vector<MaterializedViewRow> MaterializedViews();
  void SaveMaterializedView(const MaterializedViewRow& view);
  void DropMaterializedView(const std::string& schema, const std::string& name);

 private:
  /// Run one statement with text parameters; returns the rows changed. `rows` (optional) receives results.
  int Exec(const std::string& sql, const std::vector<std::string>& params,
           std::vector<std::vector<std::string>>* rows = nullptr);

  std::string path_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace basin
