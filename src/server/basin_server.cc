#include "server/basin_server.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/exception.h"
#include "common/logging.h"
#include "ingest/demo_clickstream.h"
#include "ingest/event_collector.h"
#include "ingest/sink_runner.h"
#include "stream/view_runner.h"
#include "ingest/topic_schemas.h"
#include "log/log_manager.h"
#include "log/schema_validation.h"
#include "main/database.h"
#include "server/api_routes.h"
#include "server/http/server.h"
#include "server/kafka/broker.h"
#include "server/kafka/server.h"
#include "server/pgwire/server.h"
#include "server/pgwire/users.h"
#include "workflow/engine.h"

namespace basin::server {

namespace {

/// How often the log applies flush.ms, retention, compaction and producer expiry.
constexpr std::chrono::milliseconds kLogMaintenanceInterval{1000};
/// Beside the lock: who holds the directory, for the error a second process gets.
constexpr const char* kOwnerFile = ".server.json";

std::string AdvertisedHost(const ServerConfig& config) {
  if (!config.kafka_advertised_host.empty()) return config.kafka_advertised_host;
  if (config.bind != "0.0.0.0" && config.bind != "::") return config.bind;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0') return name;
  return "localhost";
}

}  // namespace

struct BasinServer::State {
  // Destroyed in reverse, the data directory's lock last. The broker goes before the (stopped) network
  // server: its log listener, which other writers of the log call, schedules wake-ups on the server's
  // timers. The HTTP server goes before the collector its routes use.
  std::unique_ptr<Database> database;
  log::LogManager* log = nullptr;  // the database's: one LogManager per data directory
  std::unique_ptr<ingest::SinkRunner> sinks;
  std::unique_ptr<stream::ViewRunner> views;  // materialized views
  std::unique_ptr<ingest::DemoClickstream> demo;
  std::unique_ptr<workflow::WorkflowEngine> workflows;  // DAGs, their runs and history
  std::unique_ptr<ingest::EventCollector> collector;
  std::unique_ptr<http::Server> http;
  std::unique_ptr<kafka::Server> kafka;
  std::unique_ptr<kafka::Broker> broker;
  std::unique_ptr<pgwire::Server> pg;

  /// Stop the listeners that were started, PostgreSQL first (idle sessions end, running statements
  /// finish), HTTP next (no new request; those in flight finish, events appended and statements run), then
  /// Kafka (parked fetches answered at once, in-flight requests answered and sent). Also on the way out of
  /// a Start that failed halfway.
  void StopListeners() {
    if (pg) pg->Stop();
    if (http) http->Stop();
    if (broker) broker->BeginShutdown();
    if (kafka) kafka->Stop();
  }
  ~State() { StopListeners(); }
};

BasinServer::BasinServer(ServerConfig config) : config_(std::move(config)) {}

BasinServer::~BasinServer() { Stop(); }

void BasinServer::Start() {
  if (state_) return;
  auto state = std::make_unique<State>();
  // The topics' broker-wide defaults go to the database, which owns DATA/log (SQL reads the same topics).
  auto log_options = std::make_shared<log::LogManagerOptions>();
  log_options->defaults = log::ResolveTopicConfig(log::TopicConfig{}, config_.topic_defaults);
  log_options->producer_id_expiration_ms = config_.producer_id_expiration_ms;
  try {
    state->database =
        std::make_unique<Database>(DatabaseConfig{.data_dir = config_.data_dir, .log_options = log_options});
  } catch (const IOError& e) {
    const std::string owner = DescribeOwner(config_.data_dir);
    throw IOError(std::string(e.what()) + (owner.empty() ? "" : " (" + owner + ")"));
  }
  state->log = &state->database->log();
  state->sinks = std::make_unique<ingest::SinkRunner>(*state->database);
  state->sinks->Start();
  state->views = std::make_unique<stream::ViewRunner>(state->database->views());
  state->views->Start();
  workflow::EngineOptions workflow_options;
  workflow_options.dags_dir =
      config_.dags_dir.empty() ? (std::filesystem::path(config_.data_dir) / "dags").string() : config_.dags_dir;
  const std::string dags_dir = workflow_options.dags_dir;
  workflow_options.store_path = (std::filesystem::path(config_.data_dir) / "catalog.db").string();
  workflow_options.workers = config_.workflow_workers;
  state->workflows = std::make_unique<workflow::WorkflowEngine>(state->database.get(), std::move(workflow_options));
  if (config_.demo) {
    state->demo = std::make_unique<ingest::DemoClickstream>(*state->database, config_.demo_events_per_second,
                                                            dags_dir);
    state->demo->Start();
  }
  state->workflows->Start();  // after the demo, which may add its DAG file

  StartKafka(*state);
  StartPostgres(*state);  // should it or HTTP fail, ~State stops those started
  StartHttp(*state);
  listeners_ = {{"kafka", config_.bind, state->kafka->port()},
                {"pg", config_.bind, state->pg->port()},
                {"http", config_.bind, state->http->port()}};
  state_ = std::move(state);

  nlohmann::json owner = {{"pid", static_cast<int64_t>(getpid())}, {"listeners", nlohmann::json::object()}};
  std::ostringstream addresses;
  for (const Listener& l : listeners_) {
    owner["listeners"][l.protocol] = l.address();
    addresses << " " << l.protocol << "=" << l.address();
  }
  std::ofstream(std::filesystem::path(config_.data_dir) / kOwnerFile) << owner.dump() << "\n";
  LogLine(LogLevel::kInfo, "server: started pid=" + std::to_string(getpid()) + " data=" + config_.data_dir +
                               addresses.str());
}

void BasinServer::StartKafka(State& state) const {
  kafka::BrokerOptions broker_options;
  broker_options.advertised_host = AdvertisedHost(config_);
  broker_options.advertised_port = config_.kafka_advertised_port;
  broker_options.auto_create_topics = config_.auto_create_topics;
  broker_options.default_partitions = config_.num_partitions;
  broker_options.groups.initial_rebalance_delay_ms = config_.group_initial_rebalance_delay_ms;
  broker_options.groups.min_session_timeout_ms = config_.group_min_session_timeout_ms;
  broker_options.groups.max_session_timeout_ms = config_.group_max_session_timeout_ms;
  broker_options.max_offset_metadata_bytes = static_cast<size_t>(config_.offset_metadata_max_bytes);
  broker_options.broker_configs = config_.Entries();
  // Topics with a schema keep the records that fit and send the others to "<topic>.dlq", as SQL and the
  // HTTP collector do.
  log::LogManager& topics = *state.log;
  broker_options.schema_append = [&topics](const std::string& topic, int32_t partition, std::string_view records,
                                           const log::AppendOptions& options) {
    return log::AppendValidated(topics, topic, partition, records, options).append;
  };
  state.broker = std::make_unique<kafka::Broker>(*state.log, std::move(broker_options));

  kafka::ServerOptions kafka_options;
  kafka_options.host = config_.bind;
  kafka_options.port = static_cast<uint16_t>(config_.kafka_port);
  kafka_options.threads = config_.network_threads;
  kafka_options.max_frame_bytes = static_cast<size_t>(config_.max_request_bytes);
  kafka_options.connections_max_idle = std::chrono::milliseconds(config_.connections_max_idle_ms);
  kafka_options.log = [](std::string_view line) { LogLine(LogLevel::kWarning, "kafka: " + std::string(line)); };
  state.kafka = std::make_unique<kafka::Server>(*state.broker, std::move(kafka_options));
  state.broker->Attach(*state.kafka);
  state.kafka->Start();
}

void BasinServer::StartPostgres(State& state) const {
  pgwire::ServerOptions options;
  options.host = config_.bind;
  options.port = static_cast<uint16_t>(config_.pg_port);
  options.max_message_bytes = static_cast<size_t>(config_.max_request_bytes);
  options.max_connections = static_cast<size_t>(config_.pg_max_connections);
  pgwire::ParseUserList(config_.pg_users, options.users);
  if (!config_.pg_users_file.empty()) pgwire::LoadUserFile(config_.pg_users_file, options.users);
  options.tls_cert_file = config_.pg_ssl_cert_file;
  options.tls_key_file = config_.pg_ssl_key_file;
  options.log = [](std::string_view line) { LogLine(LogLevel::kWarning, "pg: " + std::string(line)); };
  state.pg = std::make_unique<pgwire::Server>(*state.database, std::move(options));
  state.pg->Start();
}

void BasinServer::StartHttp(State& state) const {
  ingest::CollectorOptions collector_options;
  collector_options.log_dir = std::filesystem::path(config_.data_dir) / "log";
  collector_options.auto_create_topics = config_.auto_create_topics;
  collector_options.auto_create_partitions = config_.num_partitions;
  collector_options.max_in_flight_bytes = static_cast<size_t>(config_.collector_max_in_flight_bytes);
  collector_options.min_free_disk_bytes = static_cast<uint64_t>(config_.collector_min_free_disk_bytes);
  // Events that do not fit a schema'd topic go to "<topic>.dlq", as Kafka produce and SQL send them.
  ingest::UseTopicSchemas(*state.log, collector_options);
  state.collector = std::make_unique<ingest::EventCollector>(*state.log, std::move(collector_options));

  http::ServerOptions options;
  options.host = config_.bind;
  options.port = static_cast<uint16_t>(config_.http_port);
  options.max_body_bytes = static_cast<size_t>(config_.http_max_body_bytes);
  options.log = [](std::string_view line) { LogLine(LogLevel::kWarning, "http: " + std::string(line)); };
  state.http = std::make_unique<http::Server>(std::move(options));
  AddApiRoutes(state.http->router(), *state.database, *state.collector, *state.workflows,
               static_cast<size_t>(config_.http_max_body_bytes));
  state.http->Start();
}

void BasinServer::Stop() {
  if (!state_) return;
  LogLine(LogLevel::kInfo, "server: stopping");
  state_->StopListeners();
  state_->pg.reset();
  state_->http.reset();
  state_->collector.reset();
  state_->broker.reset();
  state_->kafka.reset();
  if (state_->demo) state_->demo->Stop();
  state_->workflows->Stop();  // running attempts are cut short and retried at the next start
  state_->views->Stop();
  state_->sinks->Stop();  // after the listeners: what clients wrote last is landed too
  state_->log->Flush();
  state_->log = nullptr;
  std::error_code ignored;
  std::filesystem::remove(std::filesystem::path(config_.data_dir) / kOwnerFile, ignored);
  state_.reset();
  listeners_.clear();
  LogLine(LogLevel::kInfo, "server: stopped data=" + config_.data_dir);
}

std::string BasinServer::DescribeOwner(const std::string& data_dir) {
  std::ifstream in(std::filesystem::path(data_dir) / kOwnerFile);
  if (!in) return "";
  try {
    const nlohmann::json owner = nlohmann::json::parse(in);
    const int64_t pid = owner.at("pid").get<int64_t>();
    // A file left by a server that was killed names a process that is gone (or another one).
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return "";
    std::string text = "basin server, pid " + std::to_string(pid);
    for (const auto& [protocol, address] : owner.at("listeners").items()) {
      text += ", " + protocol + " on " + address.get<std::string>();
    }
    return text;
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace basin::server
