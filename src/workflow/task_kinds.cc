#include "workflow/task_kinds.h"

#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "log/log_manager.h"
#include "main/database.h"
#include "sql/parser/parser.h"
#include "workflow/dag.h"
#include "common/http_client.h"

extern char** environ;

namespace basin::workflow {

namespace {

using SteadyClock = std::chrono::steady_clock;
/// A task's captured output beyond this keeps its last bytes.
constexpr size_t kMaxLog = 1 << 20;

void Append(std::string& log, std::string_view text) {
  log.append(text);
  if (log.size() > kMaxLog) log.erase(0, log.size() - kMaxLog);
}

std::string LastLine(const std::string& text) {
  const size_t end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "";
  const size_t newline = text.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end + 1 - start);
}

bool Cancelled(const TaskInput& in) {
  return in.cancel && in.cancel->load();
}

TaskOutcome Failed(std::string why) {
  return TaskOutcome{false, "", std::move(why)};
}

TaskOutcome RunShell(const TaskInput& in) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Failed("cannot make a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (const auto cwd = in.args.find("cwd"); cwd != in.args.end()) {
    posix_spawn_file_actions_addchdir_np(&actions, cwd->second.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // A group of its own, so that a timeout kills what the command started too.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string key = entry.substr(0, entry.find('='));
    if (!in.env.count(key)) env_text.push_back(entry);
  }
  for (const auto& [key, value] : in.env) env_text.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string command = in.args.at("command");
  char sh[] = "/bin/sh", dash_c[] = "-c";
  char* argv[] = {sh, dash_c, command.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    return Failed("cannot start /bin/sh: " + std::string(strerror(rc)));
  }
  if (in.on_spawn) in.on_spawn(pid);
  TaskOutcome out;
  std::string why_killed;
  bool open = true;
  char buffer[8192];
  while (open) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(in.deadline - SteadyClock::now()).count();
    if (left <= 0 || Cancelled(in)) {
      why_killed = left <= 0 ? "timed out" : "cancelled";
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
    if (n <= 0) continue;
    const ssize_t got = ::read(pipe_fds[0], buffer, sizeof(buffer));
    if (got > 0)
      Append(out.log, std::string_view(buffer, static_cast<size_t>(got)));
    else if (got == 0 || errno != EINTR)
      open = false;
  }
  if (!why_killed.empty()) ::kill(-pid, SIGKILL);  // the whole group: the shell and what it started
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!why_killed.empty()) {
    Append(out.log, "\n[basin] " + why_killed + ": killed process group " + std::to_string(pid) + "\n");
    return out;
  }
  if (!open) ::kill(-pid, SIGKILL);  // what the command left running in its group holds no task slot
  out.output = LastLine(out.log);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    out.ok = true;
  } else if (WIFEXITED(status)) {
    Append(out.log, "\n[basin] exit status " + std::to_string(WEXITSTATUS(status)) + "\n");
  } else {
    Append(out.log, "\n[basin] killed by signal " + std::to_string(WTERMSIG(status)) + "\n");
  }
  return out;
}

/// Interrupts a connection's statement at the deadline (or on cancel) from a thread of its own.
class Watchdog {
 public:
  Watchdog(Connection& connection, const TaskInput& in)
      : thread_([this, &connection, &in] {
          std::unique_lock<std::mutex> lock(mutex_);
          while (!done_) {
            if (SteadyClock::now() >= in.deadline || Cancelled(in)) {
              fired_ = true;
              connection.Interrupt();
              return;
            }
            wake_.wait_for(lock, std::chrono::milliseconds(50));
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false, fired_ = false;
  std::thread thread_;
};

/// Run `script` statement by statement, stopping at the first error. The output is the last query's first
/// value (or the last statement's row count).
TaskOutcome RunSqlScript(const TaskInput& in, const std::string& script) {
  if (!in.database) return Failed("no database to run SQL on");
  Connection connection(*in.database);
  Watchdog watchdog(connection, in);
  TaskOutcome out;
  for (const sql::StatementText& statement : sql::SplitStatements(script)) {
    const auto result = connection.Query(statement.text);
    Append(out.log, std::string(statement.text) + "\n");
    if (result->HasError()) {
      Append(out.log, "ERROR " + result->error().sqlstate + ": " + result->error().message + "\n");
      if (watchdog.fired()) Append(out.log, "[basin] timed out\n");
      return out;
    }
    if (result->kind() == QueryResult::Kind::kRows) {
      out.output = result->RowCount() > 0 && result->ColumnCount() > 0 && !result->GetValue(0, 0).IsNull()
                       ? result->GetValue(0, 0).ToString()
                       : "";
      Append(out.log, "-- " + std::to_string(result->RowCount()) + " rows\n");
    } else {
      out.output = std::to_string(result->rows_affected());
      Append(out.log, "-- " + std::to_string(result->rows_affected()) + " rows affected\n");
    }
  }
  out.ok = true;
  return out;
}

std::string Quote(const std::string& text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out += c;
    if (c == quote) out += c;
  }
  return out + quote;
}

std::string QuoteTable(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return Quote(name, '"');
  return Quote(name.substr(0, dot), '"') + "." + Quote(name.substr(dot + 1), '"');
}

std::vector<std::string> Glob(const std::string& pattern) {
  glob_t matches{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) out.push_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  return out;
}

TaskOutcome RunCopy(const TaskInput& in) {
  const std::vector<std::string> files = Glob(in.args.at("from"));
  if (files.empty()) return Failed("no file matches " + in.args.at("from"));
  std::string script;
  for (const std::string& file : files) {
    std::string format =
        in.args.count("format") ? in.args.at("format") : std::filesystem::path(file).extension().string();
    if (!format.empty() && format[0] == '.') format.erase(0, 1);
    if (format == "ndjson" || format == "jsonl") format = "json";
    // CSV files have a header line unless `header: false` says otherwise.
    const bool header = format == "csv" && (!in.args.count("header") || in.args.at("header") != "false");
    script += "COPY " + QuoteTable(in.args.at("into")) + " FROM " + Quote(file, '\'') +
              (format.empty() ? "" : " (FORMAT " + format + (header ? ", HEADER" : "") + ")") + ";\n";
  }
  TaskOutcome out = RunSqlScript(in, script);
  return out;
}

/// The sum of a topic's partitions' end offsets.
int64_t TopicEnd(Database& database, const std::string& topic) {
  int64_t end = 0;
  for (const auto& p : database.log().DescribeTopic(topic).partitions) end += p.high_watermark;
  return end;
}

TaskOutcome RunWait(const TaskInput& in) {
  const auto poke = in.args.count("poke_interval") ? ParseDuration(in.args.at("poke_interval"))
                                                   : std::chrono::milliseconds(200);
  std::string first_snapshot;
  const bool table = in.args.count("table") > 0;
  if (table || in.args.count("topic")) {
    if (!in.database) return Failed("no database to watch");
  }
  if (table) first_snapshot = LatestSnapshot(*in.database, in.args.at("table"));
  TaskOutcome out;
  while (true) {
    if (in.args.count("file")) {
      const auto files = Glob(in.args.at("file"));
      if (!files.empty()) return TaskOutcome{true, files.front(), "found " + files.front() + "\n"};
    } else if (table) {
      const std::string now = LatestSnapshot(*in.database, in.args.at("table"));
      if (now != first_snapshot) return TaskOutcome{true, now, "new snapshot " + now + "\n"};
    } else {
      const int64_t want = std::stoll(in.args.at("offset"));
      const int64_t end = TopicEnd(*in.database, in.args.at("topic"));
      if (end >= want)
        return TaskOutcome{true, std::to_string(end), "topic end offset " + std::to_string(end) + "\n"};
    }
    if (Cancelled(in)) return Failed("cancelled");
    if (SteadyClock::now() + poke > in.deadline) {
      return Failed("timed out waiting for " +
                    (in.args.count("file") ? "file " + in.args.at("file")
                     : table               ? "a new snapshot of " + in.args.at("table")
                             : "topic " + in.args.at("topic") + " to reach offset " + in.args.at("offset")));
    }
    std::this_thread::sleep_for(poke);
  }
}

bool StatusMatches(int status, const std::string& expect) {
  if (expect.size() == 3 && expect[1] == 'x' && expect[2] == 'x') return status / 100 == expect[0] - '0';
  return std::to_string(status) == expect;
}

TaskOutcome RunHttp(const TaskInput& in) {
  const std::string method = in.args.count("method") ? in.args.at("method") : "POST";
  const std::string body = in.args.count("body") ? in.args.at("body") : "";
  const std::string type = in.args.count("content_type") ? in.args.at("content_type") : "application/json";
  const std::string expect = in.args.count("expect_status") ? in.args.at("expect_status") : "2xx";
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(in.deadline - SteadyClock::now());
  const HttpResponse response = HttpRequest(method, in.args.at("url"), body, type, left);
  TaskOutcome out;
  out.output = response.body.size() > 65536 ? response.body.substr(0, 65536) : response.body;
  out.log = method + " " + in.args.at("url") + " -> " + std::to_string(response.status) + "\n" + out.output;
  out.ok = StatusMatches(response.status, expect);
  if (!out.ok) Append(out.log, "\n[basin] expected status " + expect + "\n");
  return out;
}

}  // namespace

std::string LatestSnapshot(Database& database, const std::string& table) {
  const size_t dot = table.find('.');
  const std::string schema = dot == std::string::npos ? "public" : table.substr(0, dot);
  const std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
  Connection connection(database);
  const auto result =
      connection.Query("SELECT snapshot_id FROM " + Quote(schema, '"') + "." +
                       Quote(name + "$snapshots", '"') + " ORDER BY committed_at DESC LIMIT 1");
  if (result->HasError()) throw std::runtime_error(result->error().message);
  if (result->RowCount() == 0 || result->GetValue(0, 0).IsNull()) return "";
  return result->GetValue(0, 0).ToString();
}

bool KillOrphanedShell(int64_t pgid) {
  if (pgid <= 1) return false;
  std::ifstream cmdline("/proc/" + std::to_string(pgid) + "/cmdline");
  std::string argv0;
  if (!std::getline(cmdline, argv0, '\0') || argv0 != "/bin/sh") return false;
  return ::kill(static_cast<pid_t>(-pgid), SIGKILL) == 0;
}

TaskOutcome RunTaskKind(const TaskInput& in) {
  try {
    if (in.kind == "noop") return TaskOutcome{true, "", ""};
    if (in.kind == "shell") return RunShell(in);
    if (in.kind == "sql") return RunSqlScript(in, in.args.at("sql"));
    if (in.kind == "copy" || in.kind == "ingest") return RunCopy(in);
    if (in.kind == "wait") return RunWait(in);
    if (in.kind == "http") return RunHttp(in);
    return Failed("unknown task kind " + in.kind);
  } catch (const std::exception& e) {
    return Failed(e.what());
  }
}

}  // namespace basin::workflow
