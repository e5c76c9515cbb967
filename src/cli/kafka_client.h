#pragma once

// What the Kafka client commands (`basin topic`, `basin produce`, `basin consume`) share: their common
// options, librdkafka handles, and errors worded for the person at the terminal. librdkafka is included by
// the commands' sources and this header only.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.h"

namespace basin::cli {

/// Options every Kafka client command takes.
struct KafkaClientOptions {
  std::string bootstrap = "127.0.0.1:9092";  ///< --bootstrap-server HOST:PORT[,...]
  /// --property KEY=VALUE: librdkafka settings, applied last.
  std::vector<std::pair<std::string, std::string>> properties;
  int timeout_ms = 10000;  ///< how long to wait for the broker to answer
};

/// Match a common option at args[*i] (--bootstrap-server, --property, --request-timeout); on a match advance *i and
/// return true. Throws CommandError for a missing or malformed value.
bool TakeKafkaClientOption(const std::vector<std::string>& args, size_t* i, KafkaClientOptions& options);
/// The help lines of the common options.
std::string KafkaClientOptionsHelp();

/// An owned librdkafka client.
struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

/// Make a librdkafka configuration: the bootstrap servers, `settings`, then the user's --property values.
/// librdkafka's own log lines are dropped (its errors come back through the calls); throws CommandError
/// for a setting librdkafka refuses.
rd_kafka_conf_t* NewKafkaConf(const KafkaClientOptions& options,
                              const std::vector<std::pair<std::string, std::string>>& settings);
/// Make a client of `type` from `conf` (taken). Throws CommandError.
KafkaHandle NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf);

/// Cluster metadata of every topic, owned.
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
/// Ask the broker for every topic's metadata. Throws CommandError saying the broker cannot be reached.
Metadata FetchMetadata(rd_kafka_t* rk, const KafkaClientOptions& options);
/// The topic in `metadata`, or nullptr when the cluster has no such topic.
const rd_kafka_metadata_topic_t* FindTopic(const rd_kafka_metadata_t& metadata, const std::string& topic);
/// Find `topic`, asking the broker to create it when it has no such topic and creates topics on demand
/// (auto.create.topics.enable, as Kafka's console producer relies on). Throws CommandError when there is
/// no such topic.
Metadata RequireTopic(rd_kafka_t* rk, const KafkaClientOptions& options, const std::string& topic, bool create);

/// "cannot reach a Kafka broker at ...": the message when the broker does not answer.
std::string UnreachableMessage(const KafkaClientOptions& options, rd_kafka_resp_err_t error);

/// Parse `text` as a whole int64 in [min, max]; throws CommandError naming `what`.
int64_t ParseCount(const std::string& text, const std::string& what, int64_t min, int64_t max);

}  // namespace basin::cli
