// `basin topic create|list|describe|delete`: topic administration on a running server through the Kafka
// protocol (librdkafka's Admin API), as Kafka's kafka-topics does.

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"

namespace basin::cli {

namespace {

constexpr const char* kHint = "basin topic --help";

std::string TopicHelp() {
  return "Usage: basin topic create NAME [--partitions N] [--config KEY=VALUE ...]\n"
         "       basin topic list [--all]\n"
         "       basin topic describe NAME\n"
         "       basin topic delete NAME\n"
         "\n"
         "Manage the topics of a running `basin server` through the Kafka protocol.\n"
         "\n"
         "Options:\n"
         "  --partitions N       Partitions of the new topic (default: the server's num.partitions)\n"
         "  --config KEY=VALUE   A topic config of the new topic, as Kafka names it (retention.ms,\n"
         "                       cleanup.policy, ...; repeatable)\n"
         "  --all                Also list internal topics (__consumer_offsets)\n" +
         KafkaClientOptionsHelp() + "  -h, --help           Show this help\n";
}

struct AdminDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
  void operator()(rd_kafka_DeleteTopic_t* t) const { rd_kafka_DeleteTopic_destroy(t); }
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};
template <class T>
using Owned = std::unique_ptr<T, AdminDeleter>;

/// A client for admin requests, checked to reach the server.
struct Admin {
  explicit Admin(const KafkaClientOptions& options)
      : options(options), client(NewKafkaClient(RD_KAFKA_PRODUCER, NewKafkaConf(options, {}))),
        queue(rd_kafka_queue_new(client.get())) {
    FetchMetadata(client.get(), options);  // a clear error when the server is not there
  }
  Owned<rd_kafka_AdminOptions_t> Options(rd_kafka_admin_op_t op) const {
    Owned<rd_kafka_AdminOptions_t> admin(rd_kafka_AdminOptions_new(client.get(), op));
    char error[256];
    rd_kafka_AdminOptions_set_request_timeout(admin.get(), options.timeout_ms, error, sizeof(error));
    if (op != RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS)
      rd_kafka_AdminOptions_set_operation_timeout(admin.get(), options.timeout_ms, error, sizeof(error));
    return admin;
  }
  /// The result event of the request just sent; throws when the request as a whole failed.
  Owned<rd_kafka_event_t> Await() const {
    Owned<rd_kafka_event_t> event(rd_kafka_queue_poll(queue.get(), options.timeout_ms + 1000));
    if (!event) throw CommandError(UnreachableMessage(options, RD_KAFKA_RESP_ERR__TIMED_OUT));
    if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw CommandError(rd_kafka_event_error_string(event.get()));
    return event;
  }

  const KafkaClientOptions& options;
  KafkaHandle client;
  Owned<rd_kafka_queue_t> queue;
};

void CheckTopicResult(const rd_kafka_topic_result_t* result, const std::string& topic, const char* verb) {
  const rd_kafka_resp_err_t error = rd_kafka_topic_result_error(result);
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) throw CommandError("topic \"" + topic + "\" already exists");
  if (error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) throw CommandError("topic \"" + topic + "\" does not exist");
  const char* message = rd_kafka_topic_result_error_string(result);
  throw CommandError(std::string("cannot ") + verb + " topic \"" + topic + "\": " +
                     (message != nullptr && *message != '\0' ? message : rd_kafka_err2str(error)));
}

/// Send one topic request (`send(client, admin options, queue)`) and check the topic's result in the answer
/// (`results(event, &count)`).
template <class Send, class Results>
void TopicRequest(const Admin& admin, rd_kafka_admin_op_t op, Send send, Results results, const std::string& name,
                  const char* verb) {
  auto admin_options = admin.Options(op);
  send(admin.client.get(), admin_options.get(), admin.queue.get());
  auto event = admin.Await();
  size_t count = 0;
  const rd_kafka_topic_result_t** topics = results(event.get(), &count);
  if (count != 1) throw CommandError("the server did not answer for topic \"" + name + "\"");
  CheckTopicResult(topics[0], name, verb);
}

int Create(const std::string& name, int32_t partitions, const std::vector<std::pair<std::string, std::string>>& configs,
           const KafkaClientOptions& options) {
  Admin admin(options);
  char error[512];
  Owned<rd_kafka_NewTopic_t> topic(rd_kafka_NewTopic_new(name.c_str(), partitions, -1, error, sizeof(error)));
  if (!topic) throw CommandError(error);
  for (const auto& [key, value] : configs) rd_kafka_NewTopic_set_config(topic.get(), key.c_str(), value.c_str());
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  TopicRequest(
      admin, RD_KAFKA_ADMIN_OP_CREATETOPICS,
      [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_CreateTopics(rk, topics, 1, o, q); },
      [](rd_kafka_event_t* e, size_t* n) { return rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(e), n); },
      name, "create");
  const Metadata metadata = FetchMetadata(admin.client.get(), options);
  const rd_kafka_metadata_topic_t* created = FindTopic(*metadata, name);
  std::cout << "Created topic \"" << name << "\" with " << (created ? created->partition_cnt : partitions)
            << (created && created->partition_cnt == 1 ? " partition" : " partitions") << ".\n";
  return 0;
}

int List(bool all, const KafkaClientOptions& options) {
  Admin admin(options);
  const Metadata metadata = FetchMetadata(admin.client.get(), options);
  std::vector<std::string> names;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const std::string name = metadata->topics[i].topic;
    if (all || !name.starts_with("__")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) std::cout << name << "\n";
  return 0;
}

/// The topic's configs set on it (not the defaults).
std::vector<std::pair<std::string, std::string>> Overrides(Admin& admin, const std::string& name) {
  Owned<rd_kafka_ConfigResource_t> resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  auto admin_options = admin.Options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_DescribeConfigs(admin.client.get(), resources, 1, admin_options.get(), admin.queue.get());
  auto event = admin.Await();
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event.get()), &count);
  std::vector<std::pair<std::string, std::string>> overrides;
  if (count != 1 || rd_kafka_ConfigResource_error(described[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) return overrides;
  size_t entries = 0;
  const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(described[0], &entries);
  for (size_t i = 0; i < entries; ++i) {
    if (rd_kafka_ConfigEntry_source(configs[i]) != RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) continue;
    const char* value = rd_kafka_ConfigEntry_value(configs[i]);
    overrides.emplace_back(rd_kafka_ConfigEntry_name(configs[i]), value ? value : "");
  }
  return overrides;
}

int Describe(const std::string& name, const KafkaClientOptions& options) {
  Admin admin(options);
  const Metadata metadata = RequireTopic(admin.client.get(), options, name, false);
  const rd_kafka_metadata_topic_t& topic = *FindTopic(*metadata, name);
  std::cout << "Topic: " << name << "\tPartitionCount: " << topic.partition_cnt << "\tConfigs: ";
  const auto overrides = Overrides(admin, name);
  for (size_t i = 0; i < overrides.size(); ++i) {
    std::cout << (i ? "," : "") << overrides[i].first << "=" << overrides[i].second;
  }
  std::cout << "\n";
  std::vector<const rd_kafka_metadata_partition_t*> partitions;
  for (int i = 0; i < topic.partition_cnt; ++i) partitions.push_back(&topic.partitions[i]);
  std::sort(partitions.begin(), partitions.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (const rd_kafka_metadata_partition_t* p : partitions) {
    int64_t low = -1, high = -1;
    const rd_kafka_resp_err_t error =
        rd_kafka_query_watermark_offsets(admin.client.get(), name.c_str(), p->id, &low, &high, options.timeout_ms);
    std::cout << "\tPartition: " << p->id << "\tLeader: " << p->leader;
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cout << "\tStartOffset: " << low << "\tEndOffset: " << high;
    } else {
      std::cout << "\tOffsets: " << rd_kafka_err2str(error);
    }
    std::cout << "\n";
  }
  return 0;
}

int Delete(const std::string& name, const KafkaClientOptions& options) {
  Admin admin(options);
  Owned<rd_kafka_DeleteTopic_t> topic(rd_kafka_DeleteTopic_new(name.c_str()));
  rd_kafka_DeleteTopic_t* topics[] = {topic.get()};
  TopicRequest(
      admin, RD_KAFKA_ADMIN_OP_DELETETOPICS,
      [&](rd_kafka_t* rk, rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_DeleteTopics(rk, topics, 1, o, q); },
      [](rd_kafka_event_t* e, size_t* n) { return rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(e), n); },
      name, "delete");
  std::cout << "Deleted topic \"" << name << "\".\n";
  return 0;
}

}  // namespace

int RunTopicCommand(const std::vector<std::string>& args) {
  KafkaClientOptions options;
  std::vector<std::string> positional;
  int32_t partitions = -1;
  bool all = false;
  std::vector<std::pair<std::string, std::string>> configs;
  const auto take = [&](size_t& i) {
    const std::string arg = args[i];
    std::string value;
    bool missing = false;
    if (TakeKafkaClientOption(args, &i, options)) return;
    if (arg == "--all") {
      all = true;
    } else if (TakeValue(args, &i, "--partitions", "", &value, &missing)) {
      if (missing) throw CommandError("option --partitions needs a number");
      partitions = static_cast<int32_t>(ParseCount(value, "--partitions", 1, 100000));
    } else if (TakeValue(args, &i, "--config", "", &value, &missing)) {
      const size_t equals = value.find('=');
      if (missing || equals == std::string::npos || equals == 0) throw CommandError("option --config needs KEY=VALUE");
      configs.emplace_back(value.substr(0, equals), value.substr(equals + 1));
    } else if (arg.rfind('-', 0) == 0 && arg != "-") {
      throw CommandError("unknown option '" + arg + "'");
    } else {
      positional.push_back(arg);
    }
  };
  const auto validate = [&] {
    const std::string action = positional.empty() ? "" : positional[0];
    const bool named = action == "create" || action == "describe" || action == "delete";
    if (action.empty()) throw CommandError("give a subcommand: create, list, describe or delete");
    if (!named && action != "list") throw CommandError("unknown subcommand '" + action + "'");
    if (positional.size() != (named ? 2u : 1u))
      throw CommandError(named ? "topic " + action + " needs one topic name" : "topic list takes no names");
    if (action != "create" && (partitions != -1 || !configs.empty()))
      throw CommandError("--partitions and --config go with topic create");
  };
  if (const std::optional<int> status = ParseCommandArgs(args, TopicHelp(), kHint, take, validate)) return *status;
  const std::string& action = positional[0];
  return RunCommand("topic " + action, [&] {
    if (action == "create") return Create(positional[1], partitions, configs, options);
    if (action == "list") return List(all, options);
    if (action == "describe") return Describe(positional[1], options);
    return Delete(positional[1], options);
  });
}

}  // namespace basin::cli
