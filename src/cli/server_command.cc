// `basin server`: configuration from defaults, a config file, BASIN_* variables and flags; then serve until
// SIGTERM or SIGINT.

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "common/logging.h"
#include "server/basin_server.h"
#include "server/server_config.h"

namespace basin::cli {

namespace {

constexpr const char* kHint = "basin server --help";

std::string ServerHelp() {
  std::string help =
      "Usage: basin server [--data DIR] [--config FILE] [--kafka-port N] [--http-port N] [--pg-port N]\n"
      "                    [--bind ADDR] [--demo] [--set KEY=VALUE ...]\n"
      "\n"
      "Serve the data directory over the network until SIGTERM or SIGINT (Ctrl-C): the Kafka protocol,\n"
      "the PostgreSQL protocol (psql -h 127.0.0.1 -p 5433 -U basin basin) and HTTP (POST /api/v1/sql,\n"
      "POST /api/v1/topics/TOPIC/events, GET /metrics, GET /healthz). Each bound address is printed on a\n"
      "line of its own (\"kafka listening on 127.0.0.1:9092\", \"pg listening on 127.0.0.1:5433\", \"http\n"
      "listening on 127.0.0.1:8080\"); log lines go to stderr. On SIGTERM or\n"
      "SIGINT the server stops accepting, answers the requests in flight, flushes the log to disk and\n"
      "exits with status 0.\n"
      "\n"
      "Options:\n"
      "  --data DIR        Data directory (default: $BASIN_DATA, else ./basin-data); one process at a time\n"
      "  --config FILE     Settings file (default: $BASIN_CONFIG): 'key = value' lines, '#' comments\n"
      "  --kafka-port N    Kafka protocol port (default 9092; 0 picks a free port)\n"
      "  --http-port N     HTTP port (default 8080; 0 picks a free port)\n"
      "  --pg-port N       PostgreSQL protocol port (default 5433; 0 picks a free port)\n"
      "  --bind ADDR       Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)\n"
      "  --demo            Generate a clickstream into topic demo_clicks, landed in table demo.clicks\n"
      "  --set KEY=VALUE   Any setting below (repeatable)\n"
      "  -h, --help        Show this help\n"
      "\n"
      "Settings, lowest precedence first: defaults, the config file, environment variables (BASIN_ and the\n"
      "key upper-cased with '_' for '.', e.g. BASIN_KAFKA_PORT), then flags. Keys:\n";
  for (const server::ConfigKey& k : server::KnownKeys()) {
    std::string key = "  " + std::string(k.key);
    key.resize(std::max<size_t>(key.size() + 1, 38), ' ');
    help += key + k.description + "\n";
  }
  return help;
}

}  // namespace

int RunServerCommand(const std::vector<std::string>& args) {
  std::optional<std::string> config_file;
  if (const char* env = std::getenv("BASIN_CONFIG"); env != nullptr && *env != '\0') config_file = env;
  std::vector<std::pair<std::string, std::string>> flags;  // settings from the command line, in order
  const auto take = [&](size_t& i) {
    static const std::pair<const char*, const char*> kFlags[] = {
        {"--data", "data"}, {"--kafka-port", "kafka.port"}, {"--http-port", "http.port"},
        {"--pg-port", "pg.port"}, {"--bind", "bind"}};
    const std::string arg = args[i];
    if (arg == "--demo") {
      flags.emplace_back("demo", "true");
      return;
    }
    std::string value;
    bool missing = false;
    if (TakeValue(args, &i, "--config", "", &value, &missing)) {
      if (missing) throw CommandError("option --config needs a file");
      config_file = value;
      return;
    }
    if (TakeValue(args, &i, "--set", "", &value, &missing)) {
      const size_t equals = value.find('=');
      if (missing || equals == std::string::npos || equals == 0) throw CommandError("option --set needs KEY=VALUE");
      flags.emplace_back(value.substr(0, equals), value.substr(equals + 1));
      return;
    }
    for (const auto& [flag, key] : kFlags) {
      if (!TakeValue(args, &i, flag, "", &value, &missing)) continue;
      if (missing) throw CommandError("option " + arg + " needs a value");
      flags.emplace_back(key, value);
      return;
    }
    throw CommandError((arg.rfind('-', 0) == 0 ? "unknown option '" : "unexpected argument '") + arg + "'");
  };
  // Flags are checked here (a usage error); the file and the environment when they are read.
  const auto validate = [&] {
    server::ServerConfig check;
    try {
      for (const auto& [key, value] : flags) check.Set(key, value);
    } catch (const std::exception& e) {
      throw CommandError(e.what());
    }
  };
  if (const std::optional<int> status = ParseCommandArgs(args, ServerHelp(), kHint, take, validate)) return *status;

  server::ServerConfig config;
  try {
    if (config_file) server::LoadConfigFile(*config_file, config);
    server::ApplyEnvironment([](const char* name) { return std::getenv(name); }, config);
    for (const auto& [key, value] : flags) config.Set(key, value);
  } catch (const std::exception& e) {
    std::cerr << "basin server: " << e.what() << "\n";
    return 1;
  }

  // Every thread the server starts inherits this mask, so that SIGTERM and SIGINT reach sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::BasinServer server(config);
  try {
    server.Start();
  } catch (const std::exception& e) {
    std::cerr << "basin server: " << e.what() << "\n";
    return 1;
  }
  for (const server::Listener& l : server.listeners()) std::cout << l.protocol << " listening on " << l.address() << "\n";
  std::cout.flush();
  int received = 0;
  sigwait(&signals, &received);
  LogLine(LogLevel::kInfo, std::string("server: received ") + (received == SIGINT ? "SIGINT" : "SIGTERM"));
  server.Stop();
  return 0;
}

}  // namespace basin::cli
