#include "main/database.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "common/task_scheduler.h"
#include "log/log_manager.h"
#include "main/client_context.h"
#include "main/stream_engine.h"
#include "sql/parser/parser.h"
#include "stream/view_manager.h"

namespace basin {

namespace {
/// How often the topic log applies flush.ms, retention and compaction.
constexpr std::chrono::milliseconds kLogMaintenanceInterval{1000};
}  // namespace

Database::Database(DatabaseConfig config) : config_(std::move(config)) {
  if (config_.threads <= 0) config_.threads = HardwareThreads();
  if (config_.memory_limit <= 0) {
    struct sysinfo info;
    int64_t total =
        sysinfo(&info) == 0 ? static_cast<int64_t>(info.totalram) * info.mem_unit : (int64_t{8} << 30);
    config_.memory_limit = total / 10 * 8;
  }
  if (config_.data_dir.empty()) {
    catalog_ = std::make_unique<Catalog>();
  } else {
    LockDataDir();
    catalog_ = std::make_unique<Catalog>(config_.data_dir);
    OpenLog(std::filesystem::path(config_.data_dir) / "log");
  }
  scheduler_ = std::make_unique<TaskScheduler>(config_.threads);
}

Database::~Database() {
  views_.reset();  // closes the views' state stores; their engines use the catalog and the log
  log_.reset();  // stops maintenance, closes every partition
  if (!temporary_log_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temporary_log_dir_, ignored);
  }
  catalog_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Database::OpenLog(const std::filesystem::path& dir) {
  log_ = std::make_unique<log::LogManager>(
      dir, config_.log_options ? *config_.log_options : log::LogManagerOptions{});
  log_->StartMaintenance(kLogMaintenanceInterval);
}

log::LogManager& Database::log() {
  std::lock_guard lock(log_mutex_);
  if (!log_) {
    std::string pattern = (std::filesystem::temp_directory_path() / "basin-topics-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw IOError("cannot create a temporary directory for topics: " + std::string(std::strerror(errno)));
    try {
      OpenLog(pattern);
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove_all(pattern, ignored);
      throw;
    }
    temporary_log_dir_ = pattern;
  }
  return *log_;
}

log::LogManager* Database::log_if_open() {
  std::lock_guard lock(log_mutex_);
  return log_.get();
}

stream::ViewManager& Database::views() {
  std::lock_guard lock(views_mutex_);
  if (!views_) {
    if (config_.data_dir.empty()) {
      throw NotImplementedError("materialized views need a data directory (basin sql --data DIR): they keep "
                                "their rows in Iceberg tables and their state in DATA/state");
    }
    views_ = std::make_unique<stream::ViewManager>(*catalog_, log(),
                                                   (std::filesystem::path(config_.data_dir) / "state").string(),
                                                   [this] { return NewStreamEngine(*this); });
  }
  return *views_;
}

void Database::LockDataDir() {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) throw IOError("cannot create data directory \"" + config_.data_dir + "\": " + ec.message());
  std::string path = config_.data_dir + "/.lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw IOError("cannot open \"" + path + "\": " + std::strerror(errno));
  // One process owns a data directory: a second one would commit over the first one's cached state.
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw IOError("data directory \"" + config_.data_dir + "\" is in use by another Basin process");
  }
}

Connection::Connection(Database& db) : context_(std::make_unique<ClientContext>(db)) {}
Connection::~Connection() = default;

std::unique_ptr<QueryResult> Connection::Query(std::string_view sql) {
  return context_->Query(sql);
}

std::unique_ptr<QueryResult> Connection::Query(std::string_view sql, const RowStream& stream) {
  return context_->Query(sql, &stream);
}

std::unique_ptr<PreparedStatement> Connection::Prepare(std::string_view sql,
                                                      const std::vector<LogicalType>& parameter_types) {
  return context_->Prepare(sql, parameter_types);
}

std::unique_ptr<QueryResult> Connection::Execute(const PreparedStatement& statement, std::vector<Value> parameters) {
  return context_->Execute(statement, std::move(parameters));
}

std::unique_ptr<QueryResult> Connection::Execute(const PreparedStatement& statement,
                                                 std::vector<Value> parameters, const RowStream& stream) {
  return context_->Execute(statement, std::move(parameters), &stream);
}

void Connection::SetSessionInfo(std::string user, std::string application_name, int32_t process_id) {
  context_->SetSessionInfo(std::move(user), std::move(application_name), process_id);
}

void Connection::Interrupt() {
  context_->Interrupt();
}

std::vector<std::unique_ptr<QueryResult>> Connection::QueryScript(std::string_view sql) {
  std::vector<std::unique_ptr<QueryResult>> results;
  for (auto& piece : sql::SplitStatements(sql)) results.push_back(context_->Query(piece.text));
  return results;
}

}  // namespace basin
