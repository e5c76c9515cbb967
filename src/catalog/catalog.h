#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/provided_tables.h"
#include "catalog/saved_objects.h"
#include "lake/table_storage.h"
#include "types/logical_type.h"

namespace basin {

class CatalogStore;
class StorePointer;

struct ColumnDefinition {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;  // the DEFAULT expression as written; empty: NULL
  std::string comment;      // COMMENT ON COLUMN
};

/// A table: its columns and where its rows live.
struct TableEntry {
  std::string schema;
  std::string name;
  std::vector<ColumnDefinition> columns;
  std::shared_ptr<TableStorage> storage;
  std::string comment;  // COMMENT ON TABLE
  /// A topic read as a table (catalog/topic_entry.h) has this many leading pseudo columns (_partition,
  /// _offset, ...), left out of INSERT's default column list; topics are append-only. 0 for tables.
  size_t pseudo_columns = 0;

  bool is_topic() const { return pseudo_columns > 0; }

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

/// A sink: a topic landed continuously into a table (CREATE SINK name FROM topic INTO table). This is the
/// definition; how far the sink got is stored with the table's snapshots (lake/topic_sink.h), and the
/// server's sink runner (ingest/) does the landing.
/// What this process's sink runner last did with a sink (SHOW SINKS); thread-safe.
class SinkStatus {
 public:
  struct Snapshot {
    int64_t records = 0;         ///< landed since the process started
    int64_t commits = 0;
    int64_t last_commit_ms = 0;  ///< 0: none yet
    std::string error;           ///< why the last landing failed; empty after a success
  };
  void Landed(int64_t records, int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.records += records;
    state_.commits++;
    state_.last_commit_ms = now_ms;
    state_.error.clear();
  }
  void Failed(std::string error) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.error = std::move(error);
  }
  void Idle() {
    std::lock_guard<std::mutex> lock(mutex_);
    state_.error.clear();
  }
  Snapshot Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return state_;
  }

 private:
  mutable std::mutex mutex_;
  Snapshot state_;
};

struct SinkEntry {
  std::string schema;
  std::string name;
  std::string topic;
  std::string table_schema;
  std::string table_name;
  std::map<std::string, std::string> options;  ///< WITH (...), checked by CREATE SINK
  std::shared_ptr<SinkStatus> status = std::make_shared<SinkStatus>();

  std::string qualified_name() const { return schema + "." + name; }
};

/// A materialized view (CREATE MATERIALIZED VIEW): a continuous query over one topic whose results the
/// stream processor (src/stream/) keeps in the table of the view's name, and its late events in `late_table`
/// (same schema) when it has windows. This is the definition; how far the view got lives in its tables'
/// snapshots and in `DATA/state/`.
struct MaterializedViewEntry {
  std::string schema;
  std::string name;
  std::string query_sql;
  std::string topic;
  std::string late_table;                      ///< empty when the view has none
  std::map<std::string, std::string> options;  ///< WITH (...), checked by CREATE MATERIALIZED VIEW

  std::string qualified_name() const { return schema + "." + name; }
  /// Whether the view keeps its rows or late events in table `schema_name.table`.
  bool Keeps(const std::string& schema_name, const std::string& table) const {
    return schema_name == schema && (table == name || (!late_table.empty() && table == late_table));
  }
};

/// Every named object, by schema. Thread-safe; entries are shared so that a running query keeps what it
/// bound even if the object is dropped meanwhile.
class Catalog {
 public:
  static constexpr const char* kDefaultSchema = "public";

  /// A catalog in memory: tables are MemoryTables, gone at exit.
  Catalog();
  /// A persistent catalog in `data_dir`: names in `catalog.db` (see CatalogStore), every table an Iceberg
  /// table under `lake/<schema>/<table>/`. Loads what an earlier process left.
  explicit Catalog(const std::string& data_dir);
  ~Catalog();

  bool persistent() const { return store_ != nullptr; }
  /// Storage for a table about to be created (columns as in `table`): in memory, or a new Iceberg table
  /// folder. The name is taken only by CreateTable; DiscardStorage removes storage never registered.
  std::shared_ptr<TableStorage> NewTableStorage(const TableEntry& table, const TableLayout& layout = {});
  void DiscardStorage(const std::shared_ptr<TableStorage>& storage);

  void CreateSchema(const std::string& name, bool if_not_exists);
  void DropSchema(const std::string& name, bool if_exists, bool cascade);
  bool SchemaExists(const std::string& name) const;
  std::vector<std::string> SchemaNames() const;

  /// Add a table; throws CatalogError when the name is taken (unless if_not_exists, then returns false).
  bool CreateTable(std::shared_ptr<TableEntry> table, bool if_not_exists, bool or_replace = false);
  /// Give `table` new storage (NewTableStorage) and add it (CreateTable, the name must be free); when that
  /// throws, the storage is discarded.
  void CreateTableWithStorage(const std::shared_ptr<TableEntry>& table, const TableLayout& layout = {});
  void DropTable(const std::string& schema, const std::string& name, bool if_exists);
  /// Put `table` in place of the entry of its name (after ALTER TABLE changed its columns).
  void ReplaceTable(std::shared_ptr<TableEntry> table);
  /// Take an Iceberg table written elsewhere (a metadata file, or a table folder) under `schema.name`
  /// (persistent catalogs). Basin then writes new versions of it in place; DROP TABLE forgets it without
  /// deleting its files, as for any table outside the lake folder.
  void RegisterTable(const std::string& schema, const std::string& name, const std::string& path);
  /// ALTER TABLE ... RENAME TO: the table keeps its storage and folder.
  void RenameTable(const std::string& schema, const std::string& name, const std::string& new_name);
  std::shared_ptr<TableEntry> GetTable(const std::string& schema, const std::string& name) const;
  /// Throw the reason when `schema.name` is a persistent table that could not be opened (its metadata is
  /// damaged or missing); do nothing otherwise.
  void CheckAvailable(const std::string& schema, const std::string& name) const;

  bool CreateView(std::shared_ptr<ViewEntry> view, bool if_not_exists, bool or_replace);
  void DropView(const std::string& schema, const std::string& name, bool if_exists);
  std::shared_ptr<ViewEntry> GetView(const std::string& schema, const std::string& name) const;

  /// Add a sink; throws CatalogError when the name is taken (unless if_not_exists, then returns false).
  bool CreateSink(std::shared_ptr<SinkEntry> sink, bool if_not_exists);
  void DropSink(const std::string& schema, const std::string& name, bool if_exists);
  std::shared_ptr<SinkEntry> GetSink(const std::string& schema, const std::string& name) const;
  /// Every sink, sorted by schema then name.
  std::vector<std::shared_ptr<SinkEntry>> Sinks() const;
  /// The sinks writing into `schema.table`.
  std::vector<std::shared_ptr<SinkEntry>> SinksInto(const std::string& schema, const std::string& table) const;

  /// Add a materialized view (its tables exist already); throws CatalogError when the name is taken
  /// (unless if_not_exists, then returns false).
  bool CreateMaterializedView(std::shared_ptr<MaterializedViewEntry> view, bool if_not_exists);
  /// Remove the definition; the caller drops its tables and state.
  void DropMaterializedView(const std::string& schema, const std::string& name, bool if_exists);
  std::shared_ptr<MaterializedViewEntry> GetMaterializedView(const std::string& schema, const std::string& name) const;
  /// Every materialized view, sorted by schema then name.
  std::vector<std::shared_ptr<MaterializedViewEntry>> MaterializedViews() const;

  /// Tables and views of a schema (all schemas when empty), sorted by schema then name.
  std::vector<std::shared_ptr<TableEntry>> Tables(const std::string& schema = "") const;
  std::vector<std::shared_ptr<ViewEntry>> Views(const std::string& schema = "") const;

  /// Saved queries, charts and dashboards, persisted with the catalog (in memory for an in-memory one).
  SavedObjects& saved_objects() { return *saved_objects_; }
  /// Relations other modules provide (catalog/provided_tables.h).
  ProvidedTables& provided_tables() { return provided_tables_; }

 private:
  struct Schema {
    std::map<std::string, std::shared_ptr<TableEntry>> tables;
    std::map<std::string, std::shared_ptr<ViewEntry>> views;
    std::map<std::string, std::shared_ptr<SinkEntry>> sinks;
    std::map<std::string, std::shared_ptr<MaterializedViewEntry>> materialized_views;
  };
  Schema& GetSchema(const std::string& name);
  const Schema* FindSchema(const std::string& name) const;
  /// Remove a dropped table's files (persistent catalogs).
  void PurgeStorage(const TableEntry& table);
  /// Record a new table's metadata location under its name (persistent catalogs; mutex_ held).
  void RegisterStorage(const TableEntry& table);
  void RenameStorage(const TableEntry& table, const std::string& new_name);
  void Load();
  /// Throw when a sink writes into `schema.table` (mutex_ held): DROP SINK first.
  void CheckNoSinkInto(const std::string& schema, const std::string& table) const;
  /// Make the sinks into `schema.table` write into `new_name` (mutex_ held).
  void RetargetSinks(const std::string& schema, const std::string& table, const std::string& new_name);
  void SaveSink(const SinkEntry& sink);
  /// Throw when a materialized view keeps its rows in `schema.table` (mutex_ held): `what` is the refused
  /// change ("drop", "rename").
  void CheckNoMaterializedViewKeeps(const std::string& schema, const std::string& table, const char* what) const;

  mutable std::mutex mutex_;
  std::map<std::string, Schema> schemas_;
  std::string lake_dir_;
  std::unique_ptr<CatalogStore> store_;
  ProvidedTables provided_tables_;
  std::unique_ptr<SavedObjects> saved_objects_;  // after store_, which it writes to
  /// Metadata pointers of persistent tables (registered under a name or about to be), by storage.
  std::map<const TableStorage*, std::shared_ptr<StorePointer>> pointers_;
  /// Registered tables that failed to open, by "schema.name", with the reason.
  std::map<std::string, std::string> unavailable_;
};

}  // namespace basin
