// Prepared statements (PostgreSQL's extended protocol): parse and describe once, run with parameter values.

#include "catalog/catalog.h"
#include "common/exception.h"
#include "main/client_context.h"
#include "main/prepared_statement.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"

namespace basin {

PreparedStatement::PreparedStatement() = default;
PreparedStatement::~PreparedStatement() = default;

namespace {

/// Sets ClientContext's parameters for one binding and clears them after.
class ParameterScope {
 public:
  ParameterScope(StatementParameters*& slot, StatementParameters& params) : slot_(slot) { slot_ = &params; }
  ~ParameterScope() { slot_ = nullptr; }
  ParameterScope(const ParameterScope&) = delete;
  ParameterScope& operator=(const ParameterScope&) = delete;

 private:
  StatementParameters*& slot_;
};

bool IsDataModification(sql::StatementKind kind) {
  using K = sql::StatementKind;
  return kind == K::kInsert || kind == K::kUpdate || kind == K::kDelete || kind == K::kMerge;
}

}  // namespace

std::unique_ptr<PreparedStatement> ClientContext::Prepare(std::string_view sql,
                                                          const std::vector<LogicalType>& declared) {
  auto prepared = std::make_unique<PreparedStatement>();
  prepared->sql_ = std::string(sql);
  std::unique_ptr<QueryResult> outcome = RunStatement([&](std::string& tag) {
    const auto pieces = sql::SplitStatements(sql);
    if (pieces.empty()) return QueryResult::Count(0);
    if (pieces.size() > 1) {
      throw ParserError("cannot insert multiple commands into a prepared statement",
                        static_cast<int64_t>(pieces[1].offset));
    }
    std::shared_ptr<const sql::Statement> stmt = sql::ParseStatement(sql);
    tag = StatementTag(*stmt);
    prepared->tag_ = tag;
    DescribeStatement(*stmt, sql, declared, *prepared);
    prepared->statement_ = std::move(stmt);
    return QueryResult::Count(0);
  });
  if (outcome->HasError()) prepared->error_ = outcome->error();
  // Parameters declared beyond those the statement uses are kept (PostgreSQL describes them all).
  auto& types = prepared->parameter_types_;
  if (types.size() < declared.size()) types.resize(declared.size(), TypeId::kInvalid);
  prepared->declared_.resize(types.size(), false);
  for (size_t i = 0; i < types.size(); i++) {
    if (i < declared.size() && declared[i].id() != TypeId::kInvalid) {
      types[i] = declared[i];
      prepared->declared_[i] = true;
    } else if (types[i].id() == TypeId::kInvalid || types[i].id() == TypeId::kNull) {
      types[i] = TypeId::kVarchar;  // as PostgreSQL's unknown parameters become text
    }
  }
  for (auto& t : prepared->types_) {
    if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
  }
  return prepared;
}

void ClientContext::DescribeStatement(const sql::Statement& stmt, std::string_view sql,
                                      const std::vector<LogicalType>& declared, PreparedStatement& prepared) {
  using K = sql::StatementKind;
  StatementParameters params;
  params.types.assign(static_cast<size_t>(stmt.parameter_count), TypeId::kInvalid);
  params.declared.assign(params.types.size(), false);
  for (size_t i = 0; i < declared.size() && i < params.types.size(); i++) {
    if (declared[i].id() != TypeId::kInvalid) {
      params.types[i] = declared[i];
      params.declared[i] = true;
    }
  }
  auto bind = [&]() {
    ParameterScope scope(parameters_, params);
    Binder binder(*this);
    switch (stmt.kind) {
      case K::kSelect: {
        BoundQuery q = binder.BindQuery(*static_cast<const sql::SelectStmt&>(stmt).select);
        prepared.returns_rows_ = true;
        prepared.names_ = std::move(q.names);
        prepared.types_ = std::move(q.types);
        break;
      }
      case K::kInsert: (void)binder.BindInsert(static_cast<const sql::InsertStmt&>(stmt)); break;
      case K::kUpdate: (void)binder.BindUpdate(static_cast<const sql::UpdateStmt&>(stmt)); break;
      case K::kDelete: (void)binder.BindDelete(static_cast<const sql::DeleteStmt&>(stmt)); break;
      case K::kMerge: (void)binder.BindMerge(static_cast<const sql::MergeStmt&>(stmt)); break;
      default: break;
    }
  };
  if (stmt.kind == K::kSelect || IsDataModification(stmt.kind)) {
    try {
      bind();
    } catch (const Exception&) {
      // Where a placeholder cannot stand (a table function's arguments must be constants), describe the
      // statement with NULL for the parameters not typed yet; if that fails too, the error is the first one.
      if (stmt.parameter_count == 0) throw;
      std::exception_ptr first = std::current_exception();
      params.has_values = true;
      params.values.assign(params.types.size(), Value());
      try {
        bind();
      } catch (const Exception&) {
        std::rethrow_exception(first);
      }
    }
  } else if (stmt.kind == K::kExplain) {
    prepared.returns_rows_ = true;
    prepared.names_ = {"QUERY PLAN"};
    prepared.types_ = {TypeId::kVarchar};
  } else if ((stmt.kind == K::kShow || stmt.kind == K::kDescribe) && stmt.parameter_count == 0) {
    // Their columns are known by running them; they only read.
    auto result = Execute(stmt, sql);
    prepared.returns_rows_ = true;
    prepared.names_ = result->names();
    prepared.types_ = result->types();
  }
  prepared.parameter_types_ = params.types;
}

std::unique_ptr<QueryResult> ClientContext::Execute(const PreparedStatement& statement,
                                                    std::vector<Value> values, const RowStream* stream) {
  if (statement.HasError()) return QueryResult::Error(statement.error());
  if (statement.empty()) return QueryResult::Count(0);
  stream_ = stream;
  auto result = RunStatement([&](std::string& tag) {
    tag = statement.tag_;
    StatementParameters params;
    params.types = statement.parameter_types_;
    params.declared = statement.declared_;
    params.values = std::move(values);
    params.has_values = true;
    ParameterScope scope(parameters_, params);
    return StreamRest(Execute(*statement.statement_, statement.sql_));
  });
  stream_ = nullptr;
  return result;
}

std::string StatementTag(const sql::Statement& stmt) {
  using K = sql::StatementKind;
  switch (stmt.kind) {
    case K::kSelect: return "SELECT";
    case K::kInsert: return "INSERT";
    case K::kUpdate: return "UPDATE";
    case K::kDelete: return "DELETE";
    case K::kMerge: return "MERGE";
    case K::kCreateTable:
      // PostgreSQL counts the rows of CREATE TABLE ... AS as a SELECT.
      return static_cast<const sql::CreateTableStmt&>(stmt).as_select ? "SELECT" : "CREATE TABLE";
    case K::kCreateView: return "CREATE VIEW";
    case K::kCreateSchema: return "CREATE SCHEMA";
    case K::kDrop:
      switch (static_cast<const sql::DropStmt&>(stmt).object_kind) {
        case sql::DropStmt::ObjectKind::kTable: return "DROP TABLE";
        case sql::DropStmt::ObjectKind::kView: return "DROP VIEW";
        case sql::DropStmt::ObjectKind::kSchema: return "DROP SCHEMA";
        case sql::DropStmt::ObjectKind::kTopic: return "DROP TOPIC";
        case sql::DropStmt::ObjectKind::kSink: return "DROP SINK";
      }
      return "DROP";
    case K::kCopy: return "COPY";
    case K::kShow: return "SHOW";
    case K::kDescribe: return "DESCRIBE";
    case K::kExplain: return "EXPLAIN";
    case K::kSet: return static_cast<const sql::SetStmt&>(stmt).reset ? "RESET" : "SET";
    case K::kTransaction:
      switch (static_cast<const sql::TransactionStmt&>(stmt).txn_kind) {
        case sql::TransactionStmt::Kind::kBegin: return "BEGIN";
        case sql::TransactionStmt::Kind::kCommit: return "COMMIT";
        case sql::TransactionStmt::Kind::kRollback: return "ROLLBACK";
      }
      return "BEGIN";
    case K::kAlterTable: return "ALTER TABLE";
    case K::kComment: return "COMMENT";
    case K::kMaintenance:
      return static_cast<const sql::MaintenanceStmt&>(stmt).maintenance == sql::MaintenanceStmt::Kind::kVacuum
                 ? "VACUUM"
                 : "OPTIMIZE";
    case K::kCall: return "CALL";
    case K::kCreateTopic: return "CREATE TOPIC";
    case K::kAlterTopic: return "ALTER TOPIC";
    case K::kCreateSink: return "CREATE SINK";
  }
  return "";
}

}  // namespace basin
