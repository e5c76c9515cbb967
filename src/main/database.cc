#include "main/database.h"

#include <sys/sysinfo.h>

#include "catalog/catalog.h"
#include "common/task_scheduler.h"
#include "main/client_context.h"
#include "sql/parser/parser.h"

namespace basin {

Database::Database(DatabaseConfig config) : config_(std::move(config)) {
  if (config_.threads <= 0) config_.threads = HardwareThreads();
  if (config_.memory_limit <= 0) {
    struct sysinfo info;
    int64_t total =
        sysinfo(&info) == 0 ? static_cast<int64_t>(info.totalram) * info.mem_unit : (int64_t{8} << 30);
    config_.memory_limit = total / 10 * 8;
  }
  catalog_ = std::make_unique<Catalog>();
  scheduler_ = std::make_unique<TaskScheduler>(config_.threads);
}

Database::~Database() = default;

Connection::Connection(Database& db) : context_(std::make_unique<ClientContext>(db)) {}
Connection::~Connection() = default;

std::unique_ptr<QueryResult> Connection::Query(std::string_view sql) {
  return context_->Query(sql);
}

std::vector<std::unique_ptr<QueryResult>> Connection::QueryScript(std::string_view sql) {
  std::vector<std::unique_ptr<QueryResult>> results;
  for (auto& piece : sql::SplitStatements(sql)) results.push_back(context_->Query(piece.text));
  return results;
}

}  // namespace basin
