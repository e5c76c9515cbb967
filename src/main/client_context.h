#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

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
struct TableEntry;
class TaskScheduler;
struct BoundQuery;

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
  /// Microseconds since the epoch at which the current statement started (now(), current_timestamp).
  int64_t statement_time() const { return statement_time_; }

 private:
  std::unique_ptr<QueryResult> Execute(const sql::Statement& stmt, std::string_view sql);
  std::unique_ptr<QueryResult> RunQuery(BoundQuery query);
  std::unique_ptr<QueryResult> RunModify(LogicalOperatorPtr plan);
  std::unique_ptr<QueryResult> Explain(const sql::ExplainStmt& stmt, std::string_view sql);
  std::unique_ptr<QueryResult> CreateTable(const sql::CreateTableStmt& stmt);
  std::unique_ptr<QueryResult> CreateView(const sql::CreateViewStmt& stmt, std::string_view sql);
  std::unique_ptr<QueryResult> Drop(const sql::DropStmt& stmt);
  std::unique_ptr<QueryResult> Copy(const sql::CopyStmt& stmt);
  std::unique_ptr<QueryResult> Show(const sql::ShowStmt& stmt);
  std::unique_ptr<QueryResult> Describe(const sql::DescribeStmt& stmt);
  std::unique_ptr<QueryResult> Set(const sql::SetStmt& stmt);
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
  void DropMaterializedView(const std::vector<std::string>& name, bool if_exists);
  std::unique_ptr<QueryResult> ShowMaterializedViews();
  std::unique_ptr<QueryResult> RefreshMaterializedView(const sql::RefreshMaterializedViewStmt& stmt);
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
};

}  // namespace basin
