// `basin dag list|trigger|backfill|runs|logs|pause|unpause|clear`: the workflows of a data directory. When a
// `basin server` holds the directory (DATA/.server.json names it) or --server names one, through its REST
// API; else on the directory itself, with the engine in this process (trigger and backfill then run their
// runs to the end here).

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "main/database.h"
#include "server/workflow_json.h"
#include "workflow/engine.h"
#include "common/http_client.h"

namespace basin::cli {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;
constexpr const char* kHint = "basin dag --help";

std::string DagHelp() {
  return "Usage: basin dag list\n"
         "       basin dag trigger NAME [--param KEY=VALUE ...] [--logical-date DATE] [--wait]\n"
         "       basin dag backfill NAME --start DATE --end DATE [--wait]\n"
         "       basin dag runs NAME [--limit N]\n"
         "       basin dag logs NAME RUN_ID [TASK]\n"
         "       basin dag pause NAME | unpause NAME\n"
         "       basin dag clear NAME RUN_ID TASK\n"
         "\n"
         "The workflows (DAG files in DATA/dags) of a data directory: through the `basin server` that holds "
         "it,\n"
         "or on the directory itself when none does (then trigger and backfill run to the end here).\n"
         "\n"
         "Options:\n"
         "  --data DIR           Data directory (default: $BASIN_DATA, else ./basin-data)\n"
         "  --server URL         A server's HTTP address (default: the one holding --data)\n"
         "  --param KEY=VALUE    A run parameter, overriding the DAG's (repeatable)\n"
         "  --logical-date DATE  The run's logical date (default: now)\n"
         "  --start, --end DATE  The backfill's range: runs for the intervals starting in it\n"
         "  --wait               Wait for the runs to finish; exit 1 if one failed\n"
         "  --limit N            Runs to list (default 20)\n"
         "  -h, --help           Show this help\n";
}

/// The HTTP address of the live server holding `data_dir`, or "".
std::string ServerOf(const std::string& data_dir) {
  std::ifstream in(fs::path(data_dir) / ".server.json");
  if (!in) return "";
  try {
    const Json owner = Json::parse(in);
    const int64_t pid = owner.at("pid").get<int64_t>();
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return "";
    return "http://" + owner.at("listeners").at("http").get<std::string>();
  } catch (const std::exception&) {
    return "";
  }
}

/// One request to the server; its JSON, or a CommandError with the server's message.
Json Call(const std::string& server, const std::string& method, const std::string& path,
          const Json& body = nullptr) {
  HttpResponse response;
  try {
    response = HttpRequest(method, server + path, body.is_null() ? "" : body.dump(),
                                     "application/json", std::chrono::seconds(30));
  } catch (const std::exception& e) {
    throw CommandError("cannot reach the server at " + server + ": " + e.what());
  }
  Json json = Json::parse(response.body, nullptr, false);
  if (response.status >= 400) {
    throw CommandError(json.is_object() && json.contains("error")
                           ? json["error"].value("message", response.body)
                           : response.body);
  }
  return json;
}

std::string Text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.is_null() ? "-" : value.dump();
}

void PrintDags(const Json& list) {
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(18) << "SCHEDULE" << std::setw(8) << "PAUSED"
            << std::setw(27) << "NEXT RUN"
            << "TASKS\n";
  for (const Json& dag : list["dags"]) {
    const std::string schedule =
        dag["on_table"].is_string() ? "on " + dag["on_table"].get<std::string>() : Text(dag["schedule"]);
    std::cout << std::setw(24) << Text(dag["name"]) << std::setw(18) << schedule << std::setw(8)
              << (dag["paused"].get<bool>() ? "yes" : "no") << std::setw(27) << Text(dag["next_run"])
              << dag["tasks"].size() << "\n";
  }
  for (const Json& error : list["errors"]) std::cerr << "error: " << Text(error["message"]) << "\n";
}

void PrintRuns(const Json& list) {
  std::cout << std::left << std::setw(8) << "RUN" << std::setw(10) << "STATE" << std::setw(11) << "TYPE"
            << std::setw(27) << "LOGICAL DATE" << std::setw(27) << "END"
            << "TASKS\n";
  for (const Json& run : list["runs"]) {
    std::string tasks;
    for (const auto& [task, state] : run["task_states"].items())
      tasks += (tasks.empty() ? "" : " ") + task + "=" + Text(state);
    std::cout << std::setw(8) << run["run_id"].get<int64_t>() << std::setw(10) << Text(run["state"])
              << std::setw(11) << Text(run["run_type"]) << std::setw(27) << Text(run["logical_date"])
              << std::setw(27) << (Text(run["end"]).empty() ? "-" : Text(run["end"])) << tasks << "\n";
  }
}

void PrintLogs(const Json& logs) {
  for (const Json& a : logs["attempts"]) {
    std::cout << "=== " << Text(a["task"]) << " try " << a["try_number"].get<int>() << ": "
              << Text(a["state"]) << " (" << Text(a["start"]) << " .. " << Text(a["end"]) << ")\n"
              << Text(a["log"]);
    if (!Text(a["log"]).empty() && Text(a["log"]).back() != '\n') std::cout << "\n";
  }
}

struct Options {
  std::string data_dir, server, logical_date, start, end;
  std::map<std::string, std::string> params;
  bool wait = false;
  int limit = 20;
  std::vector<std::string> positional;
};

/// Wait for `ids` to finish through the server; whether all succeeded.
bool WaitOverHttp(const std::string& server, const std::string& dag, const std::vector<int64_t>& ids) {
  bool ok = true;
  for (int64_t id : ids) {
    std::string state;
    while (true) {
      state = Text(Call(server, "GET", "/api/v1/dags/" + dag + "/runs/" + std::to_string(id))["state"]);
      if (state != "queued" && state != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::cout << "run " << id << ": " << state << "\n";
    ok = ok && state == "success";
  }
  return ok;
}

int RunOverHttp(const Options& o, const std::string& server) {
  const std::string& action = o.positional[0];
  const std::string dag = o.positional.size() > 1 ? o.positional[1] : "";
  const std::string base = "/api/v1/dags/" + dag;
  if (action == "list") {
    PrintDags(Call(server, "GET", "/api/v1/dags"));
  } else if (action == "trigger") {
    Json body = {{"params", o.params}};
    if (!o.logical_date.empty()) body["logical_date"] = o.logical_date;
    const int64_t id = Call(server, "POST", base + "/runs", body)["run_id"];
    std::cout << "run " << id << " of " << dag << " started\n";
    if (o.wait) return WaitOverHttp(server, dag, {id}) ? 0 : 1;
  } else if (action == "backfill") {
    const std::vector<int64_t> ids =
        Call(server, "POST", base + "/backfill", {{"start", o.start}, {"end", o.end}})["run_ids"];
    std::cout << ids.size() << " runs of " << dag << " queued\n";
    if (o.wait) return WaitOverHttp(server, dag, ids) ? 0 : 1;
  } else if (action == "runs") {
    PrintRuns(Call(server, "GET", base + "/runs?limit=" + std::to_string(o.limit)));
  } else if (action == "logs") {
    const std::string run = base + "/runs/" + o.positional[2];
    if (o.positional.size() > 3) {
      PrintLogs(Call(server, "GET", run + "/tasks/" + o.positional[3] + "/logs"));
    } else {
      for (const Json& task : Call(server, "GET", run)["tasks"]) {
        PrintLogs(Call(server, "GET", run + "/tasks/" + Text(task["task"]) + "/logs"));
      }
    }
  } else if (action == "pause" || action == "unpause") {
    Call(server, "POST", base + "/" + action);
    std::cout << dag << (action == "pause" ? " paused\n" : " unpaused\n");
  } else if (action == "clear") {
    Call(server, "POST", base + "/runs/" + o.positional[2] + "/tasks/" + o.positional[3] + "/clear");
    std::cout << "cleared " << o.positional[3] << " of run " << o.positional[2] << " and what follows it\n";
  }
  return 0;
}

int64_t RunIdOf(const std::string& text) {
  try {
    size_t used = 0;
    const int64_t id = std::stoll(text, &used);
    if (used == text.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw CommandError("a run id is a positive integer, not \"" + text + "\"");
}

int RunOnDirectory(const Options& o) {
  const std::string& action = o.positional[0];
  const std::string dag = o.positional.size() > 1 ? o.positional[1] : "";
  std::unique_ptr<Database> database;
  try {
    database = std::make_unique<Database>(DatabaseConfig{.data_dir = o.data_dir});
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }
  workflow::EngineOptions options;
  options.dags_dir = (fs::path(o.data_dir) / "dags").string();
  options.store_path = (fs::path(o.data_dir) / "catalog.db").string();
  options.watch = false;
  workflow::WorkflowEngine engine(database.get(), options);
  engine.Load();
  auto check_dag = [&] {
    if (!engine.GetDag(dag)) throw CommandError("no DAG named \"" + dag + "\" in " + options.dags_dir);
  };
  auto run_to_end = [&](const std::vector<int64_t>& ids) {
    bool ok = true;
    for (int64_t id : ids) {
      const std::string state = engine.WaitRun(id, std::chrono::steady_clock::time_point::max());
      std::cout << "run " << id << ": " << state << "\n";
      ok = ok && state == "success";
    }
    return ok ? 0 : 1;
  };
  try {
    if (action == "list") {
      PrintDags(server::DagListJson(engine));
    } else if (action == "trigger") {
      check_dag();
      const auto& zone = engine.GetDag(dag)->dag->zone;
      std::optional<workflow::TimePoint> logical;
      if (!o.logical_date.empty()) logical = workflow::ParseTime(o.logical_date, zone);
      engine.Start();
      const int64_t id = engine.Trigger(dag, o.params, logical);
      std::cout << "run " << id << " of " << dag << " started\n";
      return run_to_end({id});
    } else if (action == "backfill") {
      check_dag();
      const auto& zone = engine.GetDag(dag)->dag->zone;
      const auto from = workflow::ParseTime(o.start, zone), to = workflow::ParseTime(o.end, zone);
      engine.Start();
      const std::vector<int64_t> ids = engine.Backfill(dag, from, to);
      std::cout << ids.size() << " runs of " << dag << " queued\n";
      return run_to_end(ids);
    } else if (action == "runs") {
      check_dag();
      PrintRuns(server::RunListJson(engine, dag, o.limit));
    } else if (action == "logs") {
      const std::optional<workflow::RunDetail> run = engine.GetRun(RunIdOf(o.positional[2]));
      if (!run || run->run.dag != dag)
        throw CommandError("DAG \"" + dag + "\" has no run " + o.positional[2]);
      PrintLogs(
          server::TaskLogsJson(engine, run->run.run_id, o.positional.size() > 3 ? o.positional[3] : ""));
    } else if (action == "pause" || action == "unpause") {
      check_dag();
      engine.Pause(dag, action == "pause");
      std::cout << dag << (action == "pause" ? " paused\n" : " unpaused\n");
    } else if (action == "clear") {
      // Cleared here, run by the next server (or trigger) on the directory.
      engine.Clear(RunIdOf(o.positional[2]), o.positional[3]);
      std::cout << "cleared " << o.positional[3] << " of run " << o.positional[2] << " and what follows it\n";
    }
  } catch (const std::invalid_argument& e) {
    throw CommandError(e.what());
  }
  return 0;
}

}  // namespace

int RunDagCommand(const std::vector<std::string>& args) {
  Options o;
  const char* env = std::getenv("BASIN_DATA");
  o.data_dir = env && *env ? env : "./basin-data";
  const auto take = [&](size_t& i) {
    const std::string arg = args[i];
    std::string value;
    bool missing = false;
    auto need = [&](const char* what) {
      if (missing) throw CommandError(std::string("option ") + what + " needs a value");
    };
    if (TakeValue(args, &i, "--data", "", &value, &missing)) {
      need("--data");
      o.data_dir = value;
    } else if (TakeValue(args, &i, "--server", "", &value, &missing)) {
      need("--server");
      o.server = value.starts_with("http://") ? value : "http://" + value;
    } else if (TakeValue(args, &i, "--param", "", &value, &missing)) {
      const size_t equals = value.find('=');
      if (missing || equals == std::string::npos || equals == 0)
        throw CommandError("option --param needs KEY=VALUE");
      o.params[value.substr(0, equals)] = value.substr(equals + 1);
    } else if (TakeValue(args, &i, "--logical-date", "", &value, &missing)) {
      need("--logical-date");
      o.logical_date = value;
    } else if (TakeValue(args, &i, "--start", "", &value, &missing)) {
      need("--start");
      o.start = value;
    } else if (TakeValue(args, &i, "--end", "", &value, &missing)) {
      need("--end");
      o.end = value;
    } else if (TakeValue(args, &i, "--limit", "", &value, &missing)) {
      need("--limit");
      o.limit = std::max(1, std::atoi(value.c_str()));
    } else if (arg == "--wait") {
      o.wait = true;
    } else if (arg.rfind('-', 0) == 0) {
      throw CommandError("unknown option '" + arg + "'");
    } else {
      o.positional.push_back(arg);
    }
  };
  const auto validate = [&] {
    static const std::map<std::string, std::pair<size_t, size_t>> kArity = {
        {"list", {1, 1}}, {"trigger", {2, 2}}, {"backfill", {2, 2}}, {"runs", {2, 2}},
        {"logs", {3, 4}}, {"pause", {2, 2}},   {"unpause", {2, 2}},  {"clear", {4, 4}}};
    if (o.positional.empty())
      throw CommandError("give a subcommand: list, trigger, backfill, runs, logs, pause, unpause or clear");
    const auto found = kArity.find(o.positional[0]);
    if (found == kArity.end()) throw CommandError("unknown subcommand '" + o.positional[0] + "'");
    if (o.positional.size() < found->second.first || o.positional.size() > found->second.second) {
      throw CommandError("wrong arguments for dag " + o.positional[0] + " (see basin dag --help)");
    }
    if (o.positional[0] == "backfill" && (o.start.empty() || o.end.empty()))
      throw CommandError("dag backfill needs --start and --end");
  };
  if (const std::optional<int> status = ParseCommandArgs(args, DagHelp(), kHint, take, validate))
    return *status;
  return RunCommand("dag " + o.positional[0], [&] {
    const std::string server = o.server.empty() ? ServerOf(o.data_dir) : o.server;
    return server.empty() ? RunOnDirectory(o) : RunOverHttp(o, server);
  });
}

}  // namespace basin::cli
