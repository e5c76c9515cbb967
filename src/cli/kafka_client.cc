#include "cli/kafka_client.h"

#include <atomic>
#include <chrono>
#include <charconv>
#include <cstring>

#include "cli/args.h"

namespace basin::cli {

namespace {

/// Set by librdkafka's error callback when it gave up on every broker it knows (nothing listens there).
std::atomic<bool> all_brokers_down{false};

std::pair<std::string, std::string> SplitProperty(const std::string& text, const std::string& option) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw CommandError("option " + option + " needs KEY=VALUE, not '" + text + "'");
  return {text.substr(0, equals), text.substr(equals + 1)};
}

}  // namespace

int64_t ParseCount(const std::string& text, const std::string& what, int64_t min, int64_t max) {
  int64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n < min || n > max)
    throw CommandError(what + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                       ", not '" + text + "'");
  return n;
}

bool TakeKafkaClientOption(const std::vector<std::string>& args, size_t* i, KafkaClientOptions& options) {
  std::string value;
  bool missing = false;
  const std::string arg = args[*i];
  if (TakeValue(args, i, "--bootstrap-server", "-b", &value, &missing)) {
    if (missing || value.empty()) throw CommandError("option --bootstrap-server needs HOST:PORT");
    options.bootstrap = value;
  } else if (TakeValue(args, i, "--property", "-X", &value, &missing)) {
    if (missing) throw CommandError("option " + arg + " needs KEY=VALUE");
    options.properties.push_back(SplitProperty(value, arg));
  } else if (TakeValue(args, i, "--request-timeout", "", &value, &missing)) {
    if (missing) throw CommandError("option --request-timeout needs milliseconds");
    options.timeout_ms = static_cast<int>(ParseCount(value, "--request-timeout", 1, 3600000));
  } else {
    return false;
  }
  return true;
}

std::string KafkaClientOptionsHelp() {
  return "  -b, --bootstrap-server HOST:PORT  The server to talk to (default: 127.0.0.1:9092)\n"
         "  -X, --property KEY=VALUE         A librdkafka client setting (repeatable)\n"
         "  --request-timeout MS             How long to wait for the server to answer (default: 10000)\n";
}

rd_kafka_conf_t* NewKafkaConf(const KafkaClientOptions& options,
                              const std::vector<std::pair<std::string, std::string>>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  const auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw CommandError("client setting " + key + "=" + value + ": " + error);
    }
  };
  set("bootstrap.servers", options.bootstrap);
  set("client.id", "basin-cli");
  for (const auto& [key, value] : settings) set(key, value);
  for (const auto& [key, value] : options.properties) set(key, value);
  // Connection failures come back as errors of the calls that need the broker, worded below; librdkafka's
  // own log lines (retries, reconnects) would only repeat them.
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int error, const char*, void*) {
    if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) all_brokers_down = true;
  });
  return conf;
}

KafkaHandle NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof(error));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw CommandError(std::string("cannot start the Kafka client: ") + error);
  }
  return KafkaHandle(rk);
}

std::string UnreachableMessage(const KafkaClientOptions& options, rd_kafka_resp_err_t error) {
  return "cannot reach a Kafka server at " + options.bootstrap + " (" + rd_kafka_err2str(error) +
         "); is `basin server` running there? (--bootstrap-server names another)";
}

Metadata FetchMetadata(rd_kafka_t* rk, const KafkaClientOptions& options) {
  // Asked in short rounds, so that a refused connection (no server there) fails at once rather than after
  // the whole timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  while (true) {
    const rd_kafka_metadata_t* metadata = nullptr;
    const rd_kafka_resp_err_t error = rd_kafka_metadata(rk, 1, nullptr, &metadata, 200);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return Metadata(metadata);
    rd_kafka_poll(rk, 0);  // serves the error callback
    if (all_brokers_down || error != RD_KAFKA_RESP_ERR__TIMED_OUT || std::chrono::steady_clock::now() > deadline)
      throw CommandError(UnreachableMessage(options, all_brokers_down ? RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN : error));
  }
}

const rd_kafka_metadata_topic_t* FindTopic(const rd_kafka_metadata_t& metadata, const std::string& topic) {
  for (int i = 0; i < metadata.topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata.topics[i];
    if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR) return &t;
  }
  return nullptr;
}

Metadata RequireTopic(rd_kafka_t* rk, const KafkaClientOptions& options, const std::string& topic, bool create) {
  Metadata metadata = FetchMetadata(rk, options);
  if (FindTopic(*metadata, topic)) return metadata;
  if (create) {
    // Metadata about one topic lets the server create it (librdkafka's producers ask for that).
    rd_kafka_topic_t* handle = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* one = nullptr;
    const rd_kafka_resp_err_t error = rd_kafka_metadata(rk, 0, handle, &one, options.timeout_ms);
    rd_kafka_topic_destroy(handle);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) throw CommandError(UnreachableMessage(options, error));
    const rd_kafka_resp_err_t topic_error = one->topic_cnt == 1 ? one->topics[0].err : RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_metadata_destroy(one);
    if (topic_error != RD_KAFKA_RESP_ERR_NO_ERROR && topic_error != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART &&
        topic_error != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
      throw CommandError("topic \"" + topic + "\": " + rd_kafka_err2str(topic_error));
    metadata = FetchMetadata(rk, options);
    if (FindTopic(*metadata, topic)) return metadata;
  }
  throw CommandError("topic \"" + topic + "\" does not exist" +
                     (create ? " and the server does not create topics on demand" : "") +
                     " (create it with: basin topic create " + topic + ")");
}

}  // namespace basin::cli
