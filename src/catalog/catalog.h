#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lake/table_storage.h"
#include "types/logical_type.h"

namespace basin {

struct ColumnDefinition {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;  // the DEFAULT expression as written; empty: NULL
};

/// A table: its columns and where its rows live.
struct TableEntry {
  std::string schema;
  std::string name;
  std::vector<ColumnDefinition> columns;
  std::shared_ptr<TableStorage> storage;

  std::vector<LogicalType> Types() const;
  /// Index of a column by name, or -1.
  int ColumnIndex(const std::string& column) const;
};

/// A view: its query text, re-bound whenever it is used.
struct ViewEntry {
  std::string schema;
  std::string name;
  std::string query_sql;
  std::vector<std::string> column_aliases;
};

/// Every named object, by schema. Thread-safe; entries are shared so that a running query keeps what it
/// bound even if the object is dropped meanwhile.
class Catalog {
 public:
  static constexpr const char* kDefaultSchema = "public";

  Catalog();

  void CreateSchema(const std::string& name, bool if_not_exists);
  void DropSchema(const std::string& name, bool if_exists, bool cascade);
  bool SchemaExists(const std::string& name) const;
  std::vector<std::string> SchemaNames() const;

  /// Add a table; throws CatalogError when the name is taken (unless if_not_exists, then returns false).
  bool CreateTable(std::shared_ptr<TableEntry> table, bool if_not_exists, bool or_replace = false);
  void DropTable(const std::string& schema, const std::string& name, bool if_exists);
  std::shared_ptr<TableEntry> GetTable(const std::string& schema, const std::string& name) const;

  bool CreateView(std::shared_ptr<ViewEntry> view, bool if_not_exists, bool or_replace);
  void DropView(const std::string& schema, const std::string& name, bool if_exists);
  std::shared_ptr<ViewEntry> GetView(const std::string& schema, const std::string& name) const;

  /// Tables and views of a schema (all schemas when empty), sorted by schema then name.
  std::vector<std::shared_ptr<TableEntry>> Tables(const std::string& schema = "") const;
  std::vector<std::shared_ptr<ViewEntry>> Views(const std::string& schema = "") const;

 private:
  struct Schema {
    std::map<std::string, std::shared_ptr<TableEntry>> tables;
    std::map<std::string, std::shared_ptr<ViewEntry>> views;
  };
  Schema& GetSchema(const std::string& name);
  const Schema* FindSchema(const std::string& name) const;

  mutable std::mutex mutex_;
  std::map<std::string, Schema> schemas_;
};

}  // namespace basin
