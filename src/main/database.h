#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "main/prepared_statement.h"
#include "main/query_result.h"

namespace basin {

class Catalog;
class ClientContext;
class TaskScheduler;
namespace log {
class LogManager;
struct LogManagerOptions;
}  // namespace log
namespace stream {
class ViewManager;
}

/// How a database is opened.
struct DatabaseConfig {
  std::string data_dir;      // empty: in memory only; else tables persist there as Iceberg tables
  int threads = 0;           // 0: every core
  int64_t memory_limit = 0;  // bytes per query; 0: 80% of the machine's memory
  /// The topic log's broker-wide defaults (`basin server --config`); null: Kafka's defaults.
  std::shared_ptr<const log::LogManagerOptions> log_options = nullptr;
};

/// One database: its catalog, storage, topic log and worker threads. Shared by its connections (and by the
/// servers of `basin server`); thread-safe.
class Database {
 public:
  explicit Database(DatabaseConfig config = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const DatabaseConfig& config() const { return config_; }
  Catalog& catalog() { return *catalog_; }
  TaskScheduler& scheduler() { return *scheduler_; }

  /// The topics: `DATA/log/`, opened with the database and its maintenance (retention, compaction, flushes)
  /// running on a background thread until the database closes. An in-memory database keeps its topics in a
  /// private temporary directory, made at first use and removed at close. The Kafka broker and the HTTP
  /// collector share this instance with SQL.
  log::LogManager& log();
  /// The topic log if it is open: null for an in-memory database that has not used topics yet.
  log::LogManager* log_if_open();

  /// The jobs of the materialized views (state in `DATA/state/`), made at first use; a data directory's
  /// only. `basin server` runs them on a stream::ViewRunner, REFRESH MATERIALIZED VIEW on the caller.
  stream::ViewManager& views();

 private:
  void LockDataDir();
  void OpenLog(const std::filesystem::path& dir);

  DatabaseConfig config_;
  int lock_fd_ = -1;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<TaskScheduler> scheduler_;
  std::mutex log_mutex_;  // opening log_
  std::unique_ptr<log::LogManager> log_;
  std::filesystem::path temporary_log_dir_;  // in memory: removed at close
  std::mutex views_mutex_;                   // making views_
  std::unique_ptr<stream::ViewManager> views_;
};

/// A session on a database: its settings (SET) and its statements, run one at a time.
class Connection {
 public:
  explicit Connection(Database& db);
  ~Connection();

  /// Run one statement. Errors come back as an error result, never as an exception.
  std::unique_ptr<QueryResult> Query(std::string_view sql);
  /// Run one statement, its rows (if it has any) going to `stream` as they are produced, so that a large
  /// result is never held whole; the result then has the columns and the row count (streamed()). An
  /// error may come after some rows were streamed.
  std::unique_ptr<QueryResult> Query(std::string_view sql, const RowStream& stream);

  /// Run every statement of a script in order; an error ends only its own statement.
  std::vector<std::unique_ptr<QueryResult>> QueryScript(std::string_view sql);

  /// Parse one statement with parameters ($1, $2, ...) and describe it: the parameters' types
  /// (`parameter_types` declares some; TypeId::kInvalid or a missing entry leaves one to be inferred) and
  /// the columns it returns. Errors are kept in the result, never thrown.
  std::unique_ptr<PreparedStatement> Prepare(std::string_view sql,
                                             const std::vector<LogicalType>& parameter_types = {});
  /// Run a prepared statement with a value for each parameter. A VARCHAR value for a parameter whose type
  /// was not declared is read as a quoted literal would be (`id = $1` with '7' compares id with 7); other
  /// values are cast to the parameter's type. Errors come back as an error result.
  std::unique_ptr<QueryResult> Execute(const PreparedStatement& statement, std::vector<Value> parameters);
  /// Run a prepared statement, its rows going to `stream` as they are produced (as Query with a stream).
  std::unique_ptr<QueryResult> Execute(const PreparedStatement& statement, std::vector<Value> parameters,
                                       const RowStream& stream);

  /// Name the session's user (current_user; default "basin"), its client (application_name) and its id
  /// (pg_backend_pid()).
  void SetSessionInfo(std::string user, std::string application_name, int32_t process_id);

  /// Cancel the statement this connection runs now (from any thread): it ends with SQLSTATE 57014
  /// "canceling statement due to user request" at its next chunk of data.
  void Interrupt();

 private:
  std::unique_ptr<ClientContext> context_;
};

}  // namespace basin
