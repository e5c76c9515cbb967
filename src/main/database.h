#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "main/query_result.h"

namespace basin {

class Catalog;
class ClientContext;
class TaskScheduler;

/// How a database is opened.
struct DatabaseConfig {
  std::string data_dir;      // empty: in memory only; else tables persist there as Iceberg tables
  int threads = 0;           // 0: every core
  int64_t memory_limit = 0;  // bytes per query; 0: 80% of the machine's memory
};

/// One database: its catalog, storage and worker threads. Shared by its connections; thread-safe.
class Database {
 public:
  explicit Database(DatabaseConfig config = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const DatabaseConfig& config() const { return config_; }
  Catalog& catalog() { return *catalog_; }
  TaskScheduler& scheduler() { return *scheduler_; }

 private:
  void LockDataDir();

  DatabaseConfig config_;
  int lock_fd_ = -1;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<TaskScheduler> scheduler_;
};

/// A session on a database: its settings (SET) and its statements, run one at a time.
class Connection {
 public:
  explicit Connection(Database& db);
  ~Connection();

  /// Run one statement. Errors come back as an error result, never as an exception.
  std::unique_ptr<QueryResult> Query(std::string_view sql);

  /// Run every statement of a script in order; an error ends only its own statement.
  std::vector<std::unique_ptr<QueryResult>> QueryScript(std::string_view sql);

 private:
  std::unique_ptr<ClientContext> context_;
};

}  // namespace basin
