// The persistent side of the catalog: names in catalog.db, tables as Iceberg tables under lake/.

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "common/exception.h"
#include "lake/iceberg_table.h"
#include "lake/memory_table.h"

namespace basin {

namespace fs = std::filesystem;

/// A table's metadata location: kept in memory (this process owns the data directory) and swapped in
/// catalog.db by compare-and-swap once the table is registered under its name.
class StorePointer : public iceberg::MetadataPointer {
 public:
  StorePointer(CatalogStore& store, std::string location) : store_(store), location_(std::move(location)) {}

  std::string Load() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return location_;
  }
  bool Swap(const std::string& expected, const std::string& next) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (location_ != expected) return false;
    if (registered_ && !store_.SwapTable(schema_, name_, expected, next)) return false;
    location_ = next;
    return true;
  }
  void Register(const std::string& schema, const std::string& name, bool create) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (create) store_.CreateTable(schema, name, location_);
    schema_ = schema;
    name_ = name;
    registered_ = true;
  }
  void Rename(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    store_.RenameTable(schema_, name_, name);
    name_ = name;
  }

 private:
  CatalogStore& store_;
  std::mutex mutex_;
  std::string location_;
  std::string schema_, name_;
  bool registered_ = false;
};

namespace {

std::shared_ptr<TableEntry> EntryFor(const std::string& schema, const std::string& name,
                                     std::shared_ptr<iceberg::IcebergTable> storage) {
  auto entry = std::make_shared<TableEntry>();
  entry->schema = schema;
  entry->name = name;
  auto state = storage->MetadataState();
  auto comment = state->metadata.properties.find("comment");
  if (comment != state->metadata.properties.end()) entry->comment = comment->second;
  for (const iceberg::Field& f : state->metadata.CurrentSchema().fields) {
    ColumnDefinition col;
    col.name = f.name;
    col.type = f.type;
    col.not_null = f.required;
    col.comment = f.doc;
    auto def = state->metadata.properties.find("basin.column-default." + std::to_string(f.id));
    if (def != state->metadata.properties.end()) col.default_sql = def->second;
    entry->columns.push_back(std::move(col));
  }
  entry->storage = std::move(storage);
  return entry;
}

/// Table folders are named after the table, made unique when an old folder is in the way.
std::string NewTableFolder(const std::string& lake_dir, const std::string& schema, const std::string& name) {
  fs::path base = fs::path(lake_dir) / schema / name;
  if (!fs::exists(base)) return base.string();
  for (int i = 1;; i++) {
    fs::path p = base.string() + "-" + std::to_string(i);
    if (!fs::exists(p)) return p.string();
  }
}

}  // namespace

Catalog::Catalog(const std::string& data_dir) {
  lake_dir_ = (fs::path(data_dir) / "lake").string();
  std::error_code ec;
  fs::create_directories(lake_dir_, ec);
  if (ec) throw IOError("could not create \"" + lake_dir_ + "\": " + ec.message());
  store_ = std::make_unique<CatalogStore>((fs::path(data_dir) / "catalog.db").string());
  store_->CreateSchema(kDefaultSchema);
  saved_objects_ = std::make_unique<SavedObjects>(store_.get());
  Load();
}

Catalog::~Catalog() = default;

void Catalog::CheckAvailable(const std::string& schema, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = unavailable_.find(schema + "." + name);
  if (it != unavailable_.end()) {
    throw CatalogError(sqlstate::kDataCorrupted, "table \"" + name + "\" is unavailable: " + it->second +
                                                     " (DROP TABLE removes it from the catalog)");
  }
}

void Catalog::Load() {
  for (const std::string& s : store_->Schemas()) schemas_[s];
  for (const auto& row : store_->Tables()) {
    try {
      auto pointer = std::make_shared<StorePointer>(*store_, row.metadata_location);
      pointer->Register(row.schema, row.name, /*create=*/false);
      auto storage = std::make_shared<iceberg::IcebergTable>(pointer);
      pointers_[storage.get()] = pointer;
      schemas_[row.schema].tables[row.name] = EntryFor(row.schema, row.name, std::move(storage));
    } catch (const Exception& e) {
      // One unreadable table must not keep the others away; its files stay untouched, statements naming it
      // get the reason, and DROP TABLE can still remove it.
      std::cerr << "warning: table " << row.schema << "." << row.name << " is unavailable: " << e.what() << "\n";
      unavailable_[row.schema + "." + row.name] = e.what();
      schemas_[row.schema];
    }
  }
  for (const auto& row : store_->Views()) {
    auto view = std::make_shared<ViewEntry>();
    view->schema = row.schema;
    view->name = row.name;
    view->query_sql = row.sql;
    view->column_aliases = row.column_aliases;
    schemas_[row.schema].views[row.name] = std::move(view);
  }
  for (const auto& row : store_->Sinks()) {
    auto sink = std::make_shared<SinkEntry>();
    sink->schema = row.schema;
    sink->name = row.name;
    sink->topic = row.topic;
    sink->table_schema = row.table_schema;
    sink->table_name = row.table_name;
    try {
      sink->options = nlohmann::json::parse(row.options).get<std::map<std::string, std::string>>();
    } catch (const std::exception& e) {
      std::cerr << "warning: sink " << row.schema << "." << row.name << " has unreadable options: " << e.what() << "\n";
    }
    schemas_[row.schema].sinks[row.name] = std::move(sink);
  }
  for (const auto& row : store_->MaterializedViews()) {
    auto view = std::make_shared<MaterializedViewEntry>();
    view->schema = row.schema;
    view->name = row.name;
    view->query_sql = row.sql;
    view->topic = row.topic;
    view->late_table = row.late_table;
    try {
      view->options = nlohmann::json::parse(row.options).get<std::map<std::string, std::string>>();
    } catch (const std::exception& e) {
      std::cerr << "warning: materialized view " << row.schema << "." << row.name
                << " has unreadable options: " << e.what() << "\n";
    }
    schemas_[row.schema].materialized_views[row.name] = std::move(view);
  }
}

std::shared_ptr<TableStorage> Catalog::NewTableStorage(const TableEntry& table, const TableLayout& layout) {
  // In memory, partitioning has nothing to lay out and a primary key is its NOT NULL columns.
  if (!store_) return std::make_shared<MemoryTable>(table.Types());
  std::vector<iceberg::NewColumn> columns;
  for (const auto& c : table.columns) columns.push_back({c.name, c.type, c.not_null, c.default_sql});
  std::lock_guard<std::mutex> lock(mutex_);
  std::string location = iceberg::IcebergTable::Create(NewTableFolder(lake_dir_, table.schema, table.name), columns, layout);
  auto pointer = std::make_shared<StorePointer>(*store_, location);
  auto storage = std::make_shared<iceberg::IcebergTable>(pointer);
  pointers_[storage.get()] = pointer;
  return storage;
}

void Catalog::RegisterStorage(const TableEntry& table) {
  auto pointer = pointers_.find(table.storage.get());
  if (pointer == pointers_.end()) throw InternalError("table storage was not made by this catalog");
  pointer->second->Register(table.schema, table.name, /*create=*/true);
}

void Catalog::RenameStorage(const TableEntry& table, const std::string& new_name) {
  auto pointer = pointers_.find(table.storage.get());
  if (pointer != pointers_.end()) pointer->second->Rename(new_name);
}

void Catalog::DiscardStorage(const std::shared_ptr<TableStorage>& storage) {
  if (!store_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  TableEntry entry;
  entry.storage = storage;
  PurgeStorage(entry);
}

void Catalog::PurgeStorage(const TableEntry& table) {  // mutex_ held
  pointers_.erase(table.storage.get());
  auto* iceberg = dynamic_cast<iceberg::IcebergTable*>(table.storage.get());
  if (!iceberg) return;
  // Only the lake's own folders: a registered table's files belong to whoever wrote them.
  fs::path location = fs::weakly_canonical(iceberg->MetadataState()->metadata.location);
  fs::path lake = fs::weakly_canonical(lake_dir_);
  auto rel = location.lexically_relative(lake);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) return;
  std::error_code ec;
  fs::remove_all(location, ec);
}

void Catalog::RegisterTable(const std::string& schema_name, const std::string& name, const std::string& path) {
  if (!store_) {
    throw NotImplementedError("register_table needs a data directory (basin sql --data DIR); "
                              "iceberg_scan('path') reads a table without one");
  }
  std::string location = iceberg::ResolveMetadataLocation(path);
  auto pointer = std::make_shared<StorePointer>(*store_, location);
  auto storage = std::make_shared<iceberg::IcebergTable>(pointer);  // reads and checks the metadata
  std::lock_guard<std::mutex> lock(mutex_);
  Schema& schema = GetSchema(schema_name);
  if (schema.tables.count(name) || schema.views.count(name)) {
    throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
  }
  pointer->Register(schema_name, name, /*create=*/true);
  pointers_[storage.get()] = pointer;
  schema.tables[name] = EntryFor(schema_name, name, std::move(storage));
}

}  // namespace basin
