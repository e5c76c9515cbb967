#include "server/server_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>

#include "common/exception.h"
#include "log/topic_config.h"

namespace basin::server {

namespace {

[[noreturn]] void Bad(std::string_view key, std::string_view value, const std::string& problem) {
  throw DataError(sqlstate::kInvalidParameterValue,
                  "invalid value \"" + std::string(value) + "\" for " + std::string(key) + ": " + problem);
}

template <class Int>
Int ParseInt(std::string_view key, std::string_view value, Int min, Int max) {
  Int n{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size()) Bad(key, value, "not an integer");
  if (n < min || n > max) Bad(key, value, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  return n;
}

bool ParseBool(std::string_view key, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  Bad(key, value, "must be true or false");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// One setting: its key, its description, how to set it from text and read it back.
struct Setting {
  ConfigKey key;
  std::function<void(ServerConfig&, std::string_view)> set;
  std::function<std::string(const ServerConfig&)> get;
};

template <class Int>
Setting IntSetting(const char* key, const char* description, Int ServerConfig::*field, Int min, Int max) {
  return {{key, description},
          [=](ServerConfig& c, std::string_view v) { c.*field = ParseInt<Int>(key, v, min, max); },
          [=](const ServerConfig& c) { return std::to_string(c.*field); }};
}

Setting PortSetting(const char* key, const char* description, int ServerConfig::*field) {
  return IntSetting<int>(key, description, field, 0, 65535);
}

Setting TextSetting(const char* key, const char* description, std::string ServerConfig::*field, bool allow_empty) {
  return {{key, description},
          [=](ServerConfig& c, std::string_view v) {
            if (v.empty() && !allow_empty) Bad(key, v, "must not be empty");
            c.*field = std::string(v);
          },
          [=](const ServerConfig& c) { return c.*field; }};
}

/// Call `each` with every non-blank comma-separated entry of `list`, trimmed.
void ForEachEntry(std::string_view list, const std::function<void(std::string_view)>& each) {
  for (size_t pos = 0; pos <= list.size();) {
    const size_t comma = std::min(list.find(',', pos), list.size());
    const std::string_view entry = Trim(list.substr(pos, comma - pos));
    if (!entry.empty()) each(entry);
    pos = comma + 1;
  }
}

/// "name:password,...": checked for shape here (the passwords are hashed when the server starts), and read
/// back with the passwords masked, since DescribeConfigs and the logs show the settings.
Setting UserListSetting(const char* key, const char* description, std::string ServerConfig::*field) {
  return {{key, description},
          [=](ServerConfig& c, std::string_view v) {
            ForEachEntry(v, [&](std::string_view entry) {
              if (entry.find(':') == std::string_view::npos || entry.front() == ':') {
                Bad(key, "...", "expected name:password entries separated by commas");
              }
            });
            c.*field = std::string(v);
          },
          [=](const ServerConfig& c) {
            std::string names;
            ForEachEntry(c.*field, [&](std::string_view entry) {
              names += (names.empty() ? "" : ",") + std::string(entry.substr(0, entry.find(':'))) + ":****";
            });
            return names;
          }};
}

/// A broker-wide default of a topic config: `broker_key` sets the topic config `topic_key`.
Setting TopicDefault(const char* broker_key, const char* topic_key, const char* description) {
  return {{broker_key, description},
          [=](ServerConfig& c, std::string_view v) {
            log::TopicConfig check;
            try {
              check.Set(topic_key, v);
            } catch (const std::exception& e) {
              Bad(broker_key, v, e.what());
            }
            c.topic_defaults[topic_key] = std::string(v);
          },
          [=](const ServerConfig& c) {
            if (auto it = c.topic_defaults.find(topic_key); it != c.topic_defaults.end()) return it->second;
            for (const auto& [k, v] : log::TopicConfig{}.Entries()) {
              if (k == topic_key) return v;
            }
            return std::string();
          }};
}

const std::vector<Setting>& Settings() {
  constexpr int32_t kMaxInt = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMaxLong = std::numeric_limits<int64_t>::max();
  static const std::vector<Setting> settings = {
      TextSetting("data", "data directory (catalog.db, lake/, log/, ...)", &ServerConfig::data_dir, false),
      TextSetting("bind", "address every listener binds (0.0.0.0: all)", &ServerConfig::bind, false),
      PortSetting("kafka.port", "Kafka protocol port (0: a free port)", &ServerConfig::kafka_port),
      PortSetting("http.port", "HTTP port (SQL, event collector, metrics; 0: a free port)",
                  &ServerConfig::http_port),
      PortSetting("pg.port", "PostgreSQL protocol port (0: a free port)", &ServerConfig::pg_port),
      UserListSetting("pg.users", "PostgreSQL password users, name:password,... (none: trust basin on loopback)",
                      &ServerConfig::pg_users),
      TextSetting("pg.users.file", "file of PostgreSQL users, one name:password per line",
                  &ServerConfig::pg_users_file, true),
      TextSetting("pg.ssl.cert.file", "PEM certificate for PostgreSQL TLS (with pg.ssl.key.file)",
                  &ServerConfig::pg_ssl_cert_file, true),
      TextSetting("pg.ssl.key.file", "PEM private key of pg.ssl.cert.file", &ServerConfig::pg_ssl_key_file, true),
      IntSetting<int>("pg.max.connections", "PostgreSQL sessions at most", &ServerConfig::pg_max_connections, 1,
                      100000),
      TextSetting("kafka.advertised.host", "host name Kafka clients are told to connect to",
                  &ServerConfig::kafka_advertised_host, true),
      PortSetting("kafka.advertised.port", "port Kafka clients are told to connect to (0: the bound one)",
                  &ServerConfig::kafka_advertised_port),
      IntSetting<int>("num.network.threads", "Kafka network threads (0: one per core)",
                      &ServerConfig::network_threads, 0, 1024),
      IntSetting<int64_t>("socket.request.max.bytes", "largest Kafka request accepted",
                          &ServerConfig::max_request_bytes, 1024, kMaxInt),
      IntSetting<int64_t>("connections.max.idle.ms", "idle Kafka connections are closed after this (0: never)",
                          &ServerConfig::connections_max_idle_ms, 0, kMaxLong),
      {{"auto.create.topics.enable", "create topics that clients ask metadata about"},
       [](ServerConfig& c, std::string_view v) { c.auto_create_topics = ParseBool("auto.create.topics.enable", v); },
       [](const ServerConfig& c) { return std::string(c.auto_create_topics ? "true" : "false"); }},
      {{"demo", "generate a clickstream into topic demo_clicks, landed in demo.clicks (make run)"},
       [](ServerConfig& c, std::string_view v) { c.demo = ParseBool("demo", v); },
       [](const ServerConfig& c) { return std::string(c.demo ? "true" : "false"); }},
      IntSetting<int32_t>("demo.events.per.second", "the demo clickstream's rate",
                          &ServerConfig::demo_events_per_second, 1, 1000000),
      TextSetting("workflow.dags.dir", "folder of DAG files (empty: DATA/dags)", &ServerConfig::dags_dir, true),
      IntSetting<int32_t>("workflow.workers", "workflow task attempts running at once",
                          &ServerConfig::workflow_workers, 1, 4096),
      IntSetting<int32_t>("num.partitions", "partitions of a topic created without a count",
                          &ServerConfig::num_partitions, 1, 100000),
      IntSetting<int32_t>("group.initial.rebalance.delay.ms", "how long a new group waits for more members",
                          &ServerConfig::group_initial_rebalance_delay_ms, 0, kMaxInt),
      IntSetting<int32_t>("group.min.session.timeout.ms", "shortest consumer session timeout accepted",
                          &ServerConfig::group_min_session_timeout_ms, 1, kMaxInt),
      IntSetting<int32_t>("group.max.session.timeout.ms", "longest consumer session timeout accepted",
                          &ServerConfig::group_max_session_timeout_ms, 1, kMaxInt),
      IntSetting<int32_t>("offset.metadata.max.bytes", "longest metadata string of a committed offset",
                          &ServerConfig::offset_metadata_max_bytes, 0, kMaxInt),
      IntSetting<int64_t>("producer.id.expiration.ms", "idle idempotent producers are forgotten after this",
                          &ServerConfig::producer_id_expiration_ms, 1, kMaxLong),
      TopicDefault("log.retention.ms", "retention.ms", "default retention time of a topic (-1: forever)"),
      TopicDefault("log.retention.bytes", "retention.bytes", "default size limit of a partition (-1: none)"),
      TopicDefault("log.segment.bytes", "segment.bytes", "default segment file size"),
      TopicDefault("log.roll.ms", "segment.ms", "default age at which a segment is rolled"),
      TopicDefault("log.cleanup.policy", "cleanup.policy", "default cleanup policy (delete, compact)"),
      TopicDefault("log.cleaner.delete.retention.ms", "delete.retention.ms", "how long compaction keeps tombstones"),
      TopicDefault("log.cleaner.min.compaction.lag.ms", "min.compaction.lag.ms", "records younger stay uncompacted"),
      TopicDefault("log.flush.interval.messages", "flush.messages", "fsync after this many records"),
      TopicDefault("log.flush.interval.ms", "flush.ms", "fsync data older than this"),
      TopicDefault("message.max.bytes", "max.message.bytes", "largest record batch accepted"),
      TopicDefault("log.index.interval.bytes", "index.interval.bytes", "bytes between offset index entries"),
      TopicDefault("log.message.timestamp.type", "message.timestamp.type", "CreateTime or LogAppendTime"),
      IntSetting<int64_t>("http.max.body.bytes", "largest HTTP request body (SQL, events); 413 beyond",
                          &ServerConfig::http_max_body_bytes, 1024, kMaxLong),
      IntSetting<int64_t>("collector.max.in.flight.bytes", "event bodies being collected at once; 429 beyond",
                          &ServerConfig::collector_max_in_flight_bytes, 1, kMaxLong),
      IntSetting<int64_t>("collector.min.free.disk.bytes", "free disk below which events get 503 (0: none)",
                          &ServerConfig::collector_min_free_disk_bytes, 0, kMaxLong),
  };
  return settings;
}

const Setting* FindSetting(std::string_view key) {
  for (const Setting& s : Settings()) {
    if (key == s.key.key) return &s;
  }
  return nullptr;
}

}  // namespace

void ServerConfig::Set(std::string_view key, std::string_view value) {
  const Setting* setting = FindSetting(key);
  if (setting == nullptr)
    throw DataError(sqlstate::kInvalidParameterValue, "unknown setting \"" + std::string(key) + "\"");
  setting->set(*this, value);
}

std::vector<std::pair<std::string, std::string>> ServerConfig::Entries() const {
  std::vector<std::pair<std::string, std::string>> entries;
  for (const Setting& s : Settings()) entries.emplace_back(s.key.key, s.get(*this));
  return entries;
}

const std::vector<ConfigKey>& KnownKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const Setting& s : Settings()) out.push_back(s.key);
    return out;
  }();
  return keys;
}

std::string EnvironmentName(std::string_view key) {
  std::string name = "BASIN_";
  for (char c : key) name.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return name;
}

void LoadConfigFile(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) throw IOError("cannot read config file " + path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    const size_t equals = text.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (equals == std::string_view::npos)
      throw DataError(sqlstate::kInvalidParameterValue, where + "expected key = value, not \"" + std::string(text) + "\"");
    try {
      config.Set(Trim(text.substr(0, equals)), Trim(text.substr(equals + 1)));
    } catch (const DataError& e) {
      throw DataError(sqlstate::kInvalidParameterValue, where + e.what());
    }
  }
}

void ApplyEnvironment(const std::function<const char*(const char*)>& getenv, ServerConfig& config) {
  for (const Setting& s : Settings()) {
    const std::string name = EnvironmentName(s.key.key);
    const char* value = getenv(name.c_str());
    if (value == nullptr || *value == '\0') continue;
    try {
      s.set(config, value);
    } catch (const DataError& e) {
      throw DataError(sqlstate::kInvalidParameterValue, name + ": " + e.what());
    }
  }
}

}  // namespace basin::server
