#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "main/prepared_statement.h"
#include "main/query_result.h"
#include "types/value.h"
#include "sql/parser/ast.h"
#include "sql/planner/logical_operator.h"

namespace basin {

class Catalog;
class Database;
class DataChunk;
class PhysicalOperator;
using PhysicalOperatorPtr = std::unique_ptr<PhysicalOperator>;
struct MaterializedViewEntry;
struct TableEntry;
class TaskScheduler;
struct BoundQuery;
namespace stream {
struct ViewPlan;
}

/// A session: its settings and the statements it runs, one at a time. Owned by a Connection.
class ClientContext {
 public:
  explicit ClientContext(Database& db);
  ~ClientContext();

  Catalog& catalog();
  TaskScheduler& scheduler();
  Database& database() { return db_; }

  /// Run one statement; errors become an error result. With `stream`, rows go there as they are made
  /// (Connection::Query).
  std::unique_ptr<QueryResult> Query(std::string_view sql, const RowStream* stream = nullptr);
  /// Parse and describe one statement to run later with parameter values (client_context_prepared.cc);
  /// errors are kept in the PreparedStatement.
  std::unique_ptr<PreparedStatement> Prepare(std::string_view sql, const std::vector<LogicalType>& declared);
  /// Run a prepared statement with a value for each of its parameters; errors become an error result.
  /// With `stream`, rows go there as they are made.
  std::unique_ptr<QueryResult> Execute(const PreparedStatement& statement, std::vector<Value> values,
                                       const RowStream* stream = nullptr);
  /// Cancel the statement running now: it ends with 57014 at its next chunk. Thread-safe; a statement
  /// that starts later is not affected.
  void Interrupt() { interrupted_.store(true); }
  /// Whether the running statement was cancelled (for kernels that wait, such as pg_sleep).
  bool interrupted() const { return interrupted_.load(std::memory_order_relaxed); }
  /// The parameters of the statement being bound, or null when it has none.
  StatementParameters* parameters() { return parameters_; }
  /// The value of a constant expression written in SQL (subqueries allowed): `SELECT <expression>` run in
  /// this session. Errors are thrown.
  Value EvaluateConstant(const std::string& expression_sql);

  /// Bind a SELECT (the stream processor's queries). Errors are thrown.
  BoundQuery BindSelect(std::string_view sql);
  /// Run a bound plan as a statement that started at `statement_time` (microseconds since the epoch), its
  /// rows handed to `rows` as they are made (the stream processor's epochs). Errors are thrown.
  int64_t RunPlan(LogicalOperatorPtr plan, int64_t statement_time, const std::function<bool(const DataChunk&)>& rows);

  /// Session settings (SET name = value), with defaults from the database's config.
  int threads() const { return threads_; }
  /// Threads a statement may use: SET threads, at most the database's workers (all of them when unset).
  int StatementThreads();
  int64_t memory_limit() const { return memory_limit_; }
  /// The value of a setting as SHOW and current_setting() give it (client_context_settings.cc); throws
  /// 42704 for an unknown name.
  std::string GetSetting(const std::string& name);
  /// Every setting with its value, as SHOW ALL and pg_settings list them.
  std::vector<std::pair<std::string, std::string>> Settings();
  /// Who the session is for (current_user), the name its client gave (application_name) and the id a
  /// server gave it (pg_backend_pid()).
  const std::string& user() const { return user_; }
  int32_t process_id() const { return process_id_; }
  void SetSessionInfo(std::string user, std::string application_name, int32_t process_id) {
    user_ = std::move(user);
    application_name_ = std::move(application_name);
    process_id_ = process_id;
  }
  /// Microseconds since the epoch at which the current statement started (now(), current_timestamp).
  int64_t statement_time() const { return statement_time_; }
  /// SHOW MATERIALIZED VIEWS, also the rows of the system table basin_stream_jobs.
  std::unique_ptr<QueryResult> ShowMaterializedViews();

 private:
  std::unique_ptr<QueryResult> Execute(const sql::Statement& stmt, std::string_view sql);
  /// Run `body` as one statement: its start time, its cancellation, its errors caught into a result, its
  /// tag (`body` sets it once the statement parsed) and its elapsed time.
  std::unique_ptr<QueryResult> RunStatement(const std::function<std::unique_ptr<QueryResult>(std::string& tag)>& body);
  /// Bind `stmt` without running it (SHOW and DESCRIBE are run): its parameters' types and its columns.
  void DescribeStatement(const sql::Statement& stmt, std::string_view sql, const std::vector<LogicalType>& declared,
                         PreparedStatement& prepared);
  std::unique_ptr<QueryResult> RunQuery(BoundQuery query);
  /// With a stream set, hand it the rows of a result that did not stream (SHOW, EXPLAIN, ...).
  std::unique_ptr<QueryResult> StreamRest(std::unique_ptr<QueryResult> result);
  std::unique_ptr<QueryResult> RunModify(LogicalOperatorPtr plan);
  std::unique_ptr<QueryResult> Explain(const sql::ExplainStmt& stmt, std::string_view sql);
  std::unique_ptr<QueryResult> CreateTable(const sql::CreateTableStmt& stmt);
  std::unique_ptr<QueryResult> CreateView(const sql::CreateViewStmt& stmt, std::string_view sql);
  std::unique_ptr<QueryResult> Drop(const sql::DropStmt& stmt);
  std::unique_ptr<QueryResult> Copy(const sql::CopyStmt& stmt);
  std::unique_ptr<QueryResult> Show(const sql::ShowStmt& stmt);
  std::unique_ptr<QueryResult> Describe(const sql::DescribeStmt& stmt);
  std::unique_ptr<QueryResult> Set(const sql::SetStmt& stmt);
  std::unique_ptr<QueryResult> ShowSetting(const std::string& name);
  std::unique_ptr<QueryResult> Transaction(const sql::TransactionStmt& stmt);
  // client_context_alter.cc
  std::unique_ptr<QueryResult> AlterTable(const sql::AlterTableStmt& stmt);
  std::unique_ptr<QueryResult> Comment(const sql::CommentStmt& stmt);
  std::unique_ptr<QueryResult> Maintenance(const sql::MaintenanceStmt& stmt);
  std::unique_ptr<QueryResult> Call(const sql::CallStmt& stmt);
  // client_context_topics.cc
  std::unique_ptr<QueryResult> CreateTopic(const sql::CreateTopicStmt& stmt);
  std::unique_ptr<QueryResult> AlterTopic(const sql::AlterTopicStmt& stmt);
  void DropTopic(const std::string& name, bool if_exists);
  std::unique_ptr<QueryResult> ShowTopics();
  // client_context_sinks.cc
  std::unique_ptr<QueryResult> CreateSink(const sql::CreateSinkStmt& stmt);
  std::unique_ptr<QueryResult> ShowSinks();
  // client_context_views.cc
  std::unique_ptr<QueryResult> CreateMaterializedView(const sql::CreateMaterializedViewStmt& stmt);
  /// DROP MATERIALIZED VIEW, STREAM or ALERT (`what`: which the statement said).
  void DropMaterializedView(const std::vector<std::string>& name, bool if_exists, const std::string& what);
  std::unique_ptr<QueryResult> ShowAlerts();
  /// CREATE STREAM: refuse what cannot be appended to a topic, a missing key column, a taken topic name.
  void CheckStreamable(const MaterializedViewEntry& view, const stream::ViewPlan& plan);
  /// CREATE STREAM: its topic, of the query's columns.
  void CreateStreamTopic(const MaterializedViewEntry& view,
                         const std::vector<std::pair<std::string, LogicalType>>& columns);
  std::unique_ptr<QueryResult> RefreshMaterializedView(const sql::RefreshMaterializedViewStmt& stmt);
  /// REFRESH SINK: land what the sink's topic holds now, on this thread; the records landed.
  std::unique_ptr<QueryResult> RefreshSink(const std::vector<std::string>& name);
  std::unique_ptr<QueryResult> AlterMaterializedView(const sql::AlterMaterializedViewStmt& stmt);
  /// The materialized view `names` names; throws 42P01 when there is none.
  std::shared_ptr<MaterializedViewEntry> ExistingMaterializedView(const std::vector<std::string>& names);
  /// COPY topic FROM 'events.json': each JSON value of the file one record, through the topic's schema.
  std::unique_ptr<QueryResult> CopyIntoTopic(const sql::CopyStmt& stmt,
                                             const std::shared_ptr<TableEntry>& topic);
  /// Run a statement of this session; an error result is thrown.
  std::unique_ptr<QueryResult> QueryOrThrow(const std::string& sql);

  /// Optimize, plan and run a logical plan, collecting its output.
  std::vector<std::unique_ptr<class DataChunk>> Run(LogicalOperatorPtr plan, bool profile = false,
                                                    std::string* explain = nullptr);
  /// Optimize, plan and run a logical plan, handing its output to `rows` as it is made; returns the rows.
  int64_t RunStreaming(LogicalOperatorPtr plan, const std::function<bool(const class DataChunk&)>& rows);
  /// Run materialized CTEs, then optimize and plan. `cte_plans` (optional) receives the CTEs' plans.
  PhysicalOperatorPtr Plan(LogicalOperatorPtr plan, bool profile, std::string* cte_plans);
  /// Run a physical plan into `result_sink` on this session's threads and memory limit.
  void Execute(PhysicalOperator& plan, PhysicalOperator& result_sink, bool profile);

  Database& db_;
  const RowStream* stream_ = nullptr;  // the current statement's, if it streams
  int threads_;
  int64_t memory_limit_;
  int64_t statement_time_ = 0;
  std::atomic<bool> interrupted_{false};
  std::map<std::string, std::string> settings_;  // PostgreSQL settings SET to a value kept as given
  std::string user_ = "basin";
  std::string application_name_;
  int32_t process_id_ = 0;
  int statement_depth_ = 0;  // statements running now: one, or more when one runs others
  StatementParameters* parameters_ = nullptr;
};

/// PostgreSQL's command tag of a statement: "SELECT", "INSERT", "CREATE TABLE", "DROP VIEW", "BEGIN", ...
std::string StatementTag(const sql::Statement& stmt);

}  // namespace basin
