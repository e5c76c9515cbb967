#pragma once

// The settings of `basin server`, from (lowest precedence first) built-in defaults, a config file, BASIN_*
// environment variables and command-line flags. Every setting has one key, spelled as Kafka's broker
// property where Kafka has one (`num.partitions`, `log.retention.ms`); the environment variable is the key
// upper-cased with '.' as '_' and a BASIN_ prefix (`kafka.port` is BASIN_KAFKA_PORT, `data` BASIN_DATA).
//
// The config file (`--config FILE`, like Kafka's server.properties): one `key = value` per line, blank lines
// and lines starting with '#' ignored, the value taken to the end of the line with surrounding blanks
// trimmed. An unknown key or a bad value is an error naming the file and line.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace basin::server {

struct ServerConfig {
  std::string data_dir = "./basin-data";  ///< data
  std::string bind = "127.0.0.1";         ///< bind: the address every listener binds
  int kafka_port = 9092;                  ///< kafka.port; 0: a free port
  int http_port = 8080;                   ///< http.port; 0: a free port
  int pg_port = 5433;                     ///< pg.port
  /// pg.users: "name:password,..." (or SCRAM-SHA-256 verifiers for passwords); with none here or in
  /// pg.users.file, a server on loopback trusts the user basin.
  std::string pg_users;
  std::string pg_users_file;              ///< pg.users.file: one "name:password" per line
  std::string pg_ssl_cert_file;           ///< pg.ssl.cert.file: PEM certificate (chain); with the key, TLS
  std::string pg_ssl_key_file;            ///< pg.ssl.key.file: its PEM private key
  int pg_max_connections = 100;           ///< pg.max.connections
  /// kafka.advertised.host: the host Kafka clients are sent to; empty: the bind address, or this machine's
  /// host name when binding every address.
  std::string kafka_advertised_host;
  int kafka_advertised_port = 0;          ///< kafka.advertised.port; 0: the bound port
  int network_threads = 0;                      ///< num.network.threads; 0: one per core
  int64_t max_request_bytes = 100 << 20;        ///< socket.request.max.bytes
  int64_t connections_max_idle_ms = 600000;     ///< connections.max.idle.ms
  bool auto_create_topics = true;               ///< auto.create.topics.enable
  int32_t num_partitions = 1;                   ///< num.partitions
  int32_t group_initial_rebalance_delay_ms = 3000;  ///< group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;      ///< group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;   ///< group.max.session.timeout.ms
  int32_t offset_metadata_max_bytes = 4096;         ///< offset.metadata.max.bytes
  int64_t producer_id_expiration_ms = 86400000;     ///< producer.id.expiration.ms
  int64_t http_max_body_bytes = 16 << 20;           ///< http.max.body.bytes: larger bodies get 413
  int64_t collector_max_in_flight_bytes = 256 << 20;  ///< collector.max.in.flight.bytes
  int64_t collector_min_free_disk_bytes = 512 << 20;  ///< collector.min.free.disk.bytes
  bool demo = false;                                 ///< demo: generate a clickstream (make run)
  int32_t demo_events_per_second = 50;               ///< demo.events.per.second
  std::string dags_dir;                              ///< workflow.dags.dir; empty: DATA/dags
  int32_t workflow_workers = 32;                     ///< workflow.workers: task attempts at once
  /// Topic config defaults by topic config key (`retention.ms`), set through the broker keys
  /// (`log.retention.ms`).
  std::map<std::string, std::string> topic_defaults;

  /// Set `key` from its text form. Throws DataError naming the key and what is wrong.
  void Set(std::string_view key, std::string_view value);
  /// Every key with its current value, in the order of KnownKeys.
  std::vector<std::pair<std::string, std::string>> Entries() const;
};

/// A key `basin server` knows, with a one-line description (help text, docs).
struct ConfigKey {
  const char* key;
  const char* description;
};
/// Every known key.
const std::vector<ConfigKey>& KnownKeys();

/// The environment variable of `key`: "kafka.port" -> "BASIN_KAFKA_PORT".
std::string EnvironmentName(std::string_view key);

/// Apply the settings of the config file at `path`. Throws IOError when it cannot be read, DataError
/// ("FILE:LINE: ...") for a bad line.
void LoadConfigFile(const std::string& path, ServerConfig& config);
/// Apply the BASIN_* variables that `getenv` knows (std::getenv, or a map in tests). Throws DataError
/// naming the variable for a bad value.
void ApplyEnvironment(const std::function<const char*(const char*)>& getenv, ServerConfig& config);

}  // namespace basin::server
