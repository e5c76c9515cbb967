#include "main/client_context.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "common/memory_tracker.h"
#include "common/task_scheduler.h"
#include "execution/executor.h"
#include "execution/operator/physical_streaming.h"
#include "main/database.h"
#include "sql/binder/binder.h"
#include "sql/optimizer/optimizer.h"
#include "sql/parser/parser.h"
#include "sql/planner/physical_planner.h"
#include "vector/vector.h"

namespace basin {

ClientContext::ClientContext(Database& db)
    : db_(db), threads_(db.config().threads), memory_limit_(db.config().memory_limit) {}

ClientContext::~ClientContext() = default;

Catalog& ClientContext::catalog() {
  return db_.catalog();
}
TaskScheduler& ClientContext::scheduler() {
  return db_.scheduler();
}

std::unique_ptr<QueryResult> ClientContext::Query(std::string_view sql, const RowStream* stream) {
  stream_ = stream;
  auto result = RunStatement([&](std::string& tag) {
    auto stmt = sql::ParseStatement(sql);
    tag = StatementTag(*stmt);
    return StreamRest(Execute(*stmt, sql));
  });
  stream_ = nullptr;
  return result;
}

std::unique_ptr<QueryResult> ClientContext::StreamRest(std::unique_ptr<QueryResult> result) {
  if (stream_ && result->kind() == QueryResult::Kind::kRows && !result->streamed()) {
    // Rows made whole by statements that do not stream (SHOW, EXPLAIN, ...) go out the same way.
    stream_->begin(result->names(), result->types());
    for (const auto& chunk : result->chunks()) {
      if (!stream_->rows(*chunk)) break;
    }
    result->MarkStreamed(result->RowCount());
  }
  return result;
}

std::unique_ptr<QueryResult> ClientContext::RunStatement(
    const std::function<std::unique_ptr<QueryResult>(std::string& tag)>& body) {
  auto start = std::chrono::steady_clock::now();
  statement_time_ = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  // A statement run by another (ALTER TABLE's checks) is part of it: a cancel ends both.
  if (statement_depth_ == 0) interrupted_.store(false);
  std::unique_ptr<QueryResult> result;
  std::string tag;
  try {
    struct Depth {
      int& d;
      explicit Depth(int& depth) : d(++depth) {}
      ~Depth() { --d; }
    } depth(statement_depth_);
    result = body(tag);
  } catch (const Exception& e) {
    result = QueryResult::Error({e.sqlstate(), e.message(), e.position()});
  } catch (const std::bad_alloc&) {
    result = QueryResult::Error({sqlstate::kOutOfMemory, "out of memory", -1});
  } catch (const std::exception& e) {
    result = QueryResult::Error({sqlstate::kInternalError, std::string("internal error: ") + e.what(), -1});
  }
  result->set_tag(std::move(tag));
  result->set_elapsed_ms(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  return result;
}

namespace {
/// Run the CTE plans of every kMaterialize node (innermost first) into their chunks, and replace each
/// node by its query. (For EXPLAIN, `run` plans a CTE and records its plan instead of running it.)
void RunMaterializations(LogicalOperatorPtr& plan,
                         const std::function<std::vector<std::unique_ptr<DataChunk>>(LogicalOperatorPtr)>& run) {
  if (plan->type == LogicalOpType::kMaterialize) {
    for (size_t i = 1; i < plan->children.size(); i++) {
      RunMaterializations(plan->children[i], run);
      *plan->materialized[i - 1] = run(std::move(plan->children[i]));
    }
    LogicalOperatorPtr query = std::move(plan->children[0]);
    plan = std::move(query);
    RunMaterializations(plan, run);
    return;
  }
  for (auto& c : plan->children) RunMaterializations(c, run);
}
}  // namespace

int ClientContext::StatementThreads() {
  const int workers = scheduler().thread_count();
  return threads_ > 0 ? std::min(threads_, workers) : workers;
}

std::vector<std::unique_ptr<DataChunk>> ClientContext::Run(LogicalOperatorPtr plan, bool profile,
                                                           std::string* explain) {
  std::string cte_plans;
  PhysicalOperatorPtr physical = Plan(std::move(plan), profile, explain ? &cte_plans : nullptr);
  if (explain && !profile) {
    *explain = cte_plans + physical->ToString();
    return {};
  }
  PhysicalCollect collect(physical->types());
  Execute(*physical, collect, profile);
  if (explain) *explain = cte_plans + physical->ToString(0, true);
  return collect.TakeChunks();
}

int64_t ClientContext::RunStreaming(LogicalOperatorPtr plan, const std::function<bool(const DataChunk&)>& rows) {
  PhysicalOperatorPtr physical = Plan(std::move(plan), /*profile=*/false, nullptr);
  PhysicalStream stream(physical->types(), rows);
  Execute(*physical, stream, /*profile=*/false);
  return stream.rows();
}

PhysicalOperatorPtr ClientContext::Plan(LogicalOperatorPtr plan, bool profile, std::string* cte_plans) {
  RunMaterializations(plan, [&](LogicalOperatorPtr cte) {
    if (!cte_plans) return Run(std::move(cte));
    std::string text;
    auto chunks = Run(std::move(cte), profile, &text);
    *cte_plans += "MATERIALIZED CTE\n" + text;
    return chunks;
  });
  plan->ResolveTypes();
  Optimizer(*this).Optimize(plan);
  plan->ResolveTypes();
  PhysicalPlanner planner(*this);
  return planner.Plan(*plan);
}

void ClientContext::Execute(PhysicalOperator& plan, PhysicalOperator& result_sink, bool profile) {
  MemoryTracker memory(memory_limit_);
  ExecutionContext ctx;
  ctx.client = this;
  ctx.memory = &memory;
  ctx.profile = profile;
  ctx.max_threads = StatementThreads();
  ctx.interrupted = &interrupted_;
  Executor executor(ctx, scheduler());
  executor.Execute(plan, result_sink);
}

BoundQuery ClientContext::BindSelect(std::string_view sql) {
  auto stmt = sql::ParseStatement(sql);
  if (stmt->kind != sql::StatementKind::kSelect) throw InternalError("not a query: " + std::string(sql));
  Binder binder(*this);
  return binder.BindQuery(*static_cast<const sql::SelectStmt&>(*stmt).select);
}

int64_t ClientContext::RunPlan(LogicalOperatorPtr plan, int64_t statement_time,
                               const std::function<bool(const DataChunk&)>& rows) {
  statement_time_ = statement_time;
  return RunStreaming(std::move(plan), rows);
}

std::unique_ptr<QueryResult> ClientContext::RunQuery(BoundQuery query) {
  auto result = QueryResult::Rows(query.names, query.types);
  if (stream_) {
    stream_->begin(query.names, query.types);
    result->MarkStreamed(static_cast<size_t>(RunStreaming(std::move(query.plan), stream_->rows)));
    return result;
  }
  for (auto& chunk : Run(std::move(query.plan))) result->Append(std::move(chunk));
  return result;
}

std::unique_ptr<QueryResult> ClientContext::RunModify(LogicalOperatorPtr plan) {
  auto chunks = Run(std::move(plan));
  int64_t count = 0;
  for (auto& c : chunks) {
    for (size_t i = 0; i < c->size(); i++) count += c->GetValue(0, i).GetInt64();
  }
  return QueryResult::Count(count);
}

std::unique_ptr<QueryResult> ClientContext::Execute(const sql::Statement& stmt, std::string_view sql) {
  switch (stmt.kind) {
    case sql::StatementKind::kSelect: {
      Binder binder(*this);
      return RunQuery(binder.BindQuery(*static_cast<const sql::SelectStmt&>(stmt).select));
    }
    case sql::StatementKind::kInsert: {
      Binder binder(*this);
      return RunModify(binder.BindInsert(static_cast<const sql::InsertStmt&>(stmt)));
    }
    case sql::StatementKind::kUpdate: {
      Binder binder(*this);
      return RunModify(binder.BindUpdate(static_cast<const sql::UpdateStmt&>(stmt)));
    }
    case sql::StatementKind::kDelete: {
      Binder binder(*this);
      return RunModify(binder.BindDelete(static_cast<const sql::DeleteStmt&>(stmt)));
    }
    case sql::StatementKind::kMerge: {
      Binder binder(*this);
      return RunModify(binder.BindMerge(static_cast<const sql::MergeStmt&>(stmt)));
    }
    case sql::StatementKind::kCreateTable:
      return CreateTable(static_cast<const sql::CreateTableStmt&>(stmt));
    case sql::StatementKind::kCreateView:
      return CreateView(static_cast<const sql::CreateViewStmt&>(stmt), sql);
    case sql::StatementKind::kCreateSchema: {
      auto& s = static_cast<const sql::CreateSchemaStmt&>(stmt);
      catalog().CreateSchema(s.name, s.if_not_exists);
      return QueryResult::Count(0);
    }
    case sql::StatementKind::kDrop:
      return Drop(static_cast<const sql::DropStmt&>(stmt));
    case sql::StatementKind::kCopy:
      return Copy(static_cast<const sql::CopyStmt&>(stmt));
    case sql::StatementKind::kShow:
      return Show(static_cast<const sql::ShowStmt&>(stmt));
    case sql::StatementKind::kDescribe:
      return Describe(static_cast<const sql::DescribeStmt&>(stmt));
    case sql::StatementKind::kExplain:
      return Explain(static_cast<const sql::ExplainStmt&>(stmt), sql);
    case sql::StatementKind::kSet:
      return Set(static_cast<const sql::SetStmt&>(stmt));
    case sql::StatementKind::kTransaction:
      return Transaction(static_cast<const sql::TransactionStmt&>(stmt));
    case sql::StatementKind::kAlterTable:
      return AlterTable(static_cast<const sql::AlterTableStmt&>(stmt));
    case sql::StatementKind::kComment:
      return Comment(static_cast<const sql::CommentStmt&>(stmt));
    case sql::StatementKind::kMaintenance:
      return Maintenance(static_cast<const sql::MaintenanceStmt&>(stmt));
    case sql::StatementKind::kCall:
      return Call(static_cast<const sql::CallStmt&>(stmt));
    case sql::StatementKind::kCreateTopic:
      return CreateTopic(static_cast<const sql::CreateTopicStmt&>(stmt));
    case sql::StatementKind::kAlterTopic:
      return AlterTopic(static_cast<const sql::AlterTopicStmt&>(stmt));
    case sql::StatementKind::kCreateSink:
      return CreateSink(static_cast<const sql::CreateSinkStmt&>(stmt));
    case sql::StatementKind::kCreateMaterializedView:
      return CreateMaterializedView(static_cast<const sql::CreateMaterializedViewStmt&>(stmt));
    case sql::StatementKind::kRefreshMaterializedView:
      return RefreshMaterializedView(static_cast<const sql::RefreshMaterializedViewStmt&>(stmt));
    case sql::StatementKind::kAlterMaterializedView:
      return AlterMaterializedView(static_cast<const sql::AlterMaterializedViewStmt&>(stmt));
  }
  throw InternalError("unknown statement");
}

std::unique_ptr<QueryResult> ClientContext::Explain(const sql::ExplainStmt& stmt, std::string_view sql) {
  Binder binder(*this);
  LogicalOperatorPtr plan;
  switch (stmt.statement->kind) {
    case sql::StatementKind::kSelect:
      plan = binder.BindQuery(*static_cast<const sql::SelectStmt&>(*stmt.statement).select).plan;
      break;
    case sql::StatementKind::kInsert:
      plan = binder.BindInsert(static_cast<const sql::InsertStmt&>(*stmt.statement));
      break;
    case sql::StatementKind::kUpdate:
      plan = binder.BindUpdate(static_cast<const sql::UpdateStmt&>(*stmt.statement));
      break;
    case sql::StatementKind::kDelete:
      plan = binder.BindDelete(static_cast<const sql::DeleteStmt&>(*stmt.statement));
      break;
    case sql::StatementKind::kMerge:
      plan = binder.BindMerge(static_cast<const sql::MergeStmt&>(*stmt.statement));
      break;
    default:
      throw NotImplementedError("EXPLAIN supports SELECT, INSERT, UPDATE, DELETE and MERGE");
  }
  std::string text;
  auto start = std::chrono::steady_clock::now();
  Run(std::move(plan), stmt.analyze, &text);
  if (stmt.analyze) {
    char buf[64];
    std::snprintf(
        buf, sizeof(buf), "Total time: %.3f ms",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    text += buf;
  }
  auto result = QueryResult::Rows({"QUERY PLAN"}, {TypeId::kVarchar});
  auto chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{TypeId::kVarchar});
  size_t row = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (row == kVectorSize) {
      chunk->SetCardinality(row);
      result->Append(std::move(chunk));
      chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{TypeId::kVarchar});
      row = 0;
    }
    chunk->SetValue(0, row++, Value::Varchar(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  chunk->SetCardinality(row);
  result->Append(std::move(chunk));
  return result;
}

std::unique_ptr<QueryResult> ClientContext::Transaction(const sql::TransactionStmt& stmt) {
  if (stmt.txn_kind == sql::TransactionStmt::Kind::kRollback) {
    throw NotImplementedError("ROLLBACK is not supported: every statement commits on its own");
  }
  return QueryResult::Count(0);
}

}  // namespace basin
