// The broker's data and topic APIs: Produce, ListOffsets, Metadata, CreateTopics, DeleteTopics,
// InitProducerId, DescribeConfigs. Fetch is in broker_fetch.cc, the group APIs in broker_groups.cc.

#include "server/kafka/broker.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <set>

#include "common/exception.h"
#include "common/logging.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "server/kafka/broker_internal.h"
#include "server/kafka/server.h"

namespace basin::kafka {

namespace internal {

Failure CurrentFailure() {
  try {
    throw;
  } catch (const log::LogError& e) {
    return {static_cast<ErrorCode>(e.code()), e.what()};
  } catch (const DataError& e) {
    return {ErrorCode::kCorruptMessage, e.what()};
  } catch (const IOError& e) {
    LogLine(LogLevel::kError, std::string("kafka broker: storage failure: ") + e.what());
    return {ErrorCode::kKafkaStorageError, e.what()};
  } catch (const std::exception& e) {
    LogLine(LogLevel::kError, std::string("kafka broker: unexpected failure: ") + e.what());
    return {ErrorCode::kUnknownServerError, e.what()};
  }
}

}  // namespace internal

using internal::CurrentFailure;
using internal::EachPartition;
using internal::Failure;

namespace {

/// DescribeConfigs' config_source values.
constexpr int8_t kDynamicTopicConfig = 1;
constexpr int8_t kStaticBrokerConfig = 4;
constexpr int8_t kDefaultConfig = 5;
/// DescribeConfigs' config_type values (v3+).
constexpr int8_t kTypeString = 2, kTypeInt = 3, kTypeLong = 5, kTypeList = 7;

int8_t TopicConfigType(const std::string& key) {
  if (key == "cleanup.policy") return kTypeList;
  if (key == "max.message.bytes" || key == "index.interval.bytes") return kTypeInt;
  if (key.ends_with(".ms") || key.ends_with(".bytes") || key == "flush.messages") return kTypeLong;
  return kTypeString;
}

/// CreateTopics' and DescribeConfigs' view of a topic config entry: an override or a default.
int8_t ConfigSource(const log::TopicInfo& info, const std::string& key) {
  return info.overrides.contains(key) ? kDynamicTopicConfig : kDefaultConfig;
}

void SetFailure(const Failure& f, ErrorCode& code, std::optional<std::string>& message) {
  code = f.code;
  message = f.message;
}

}  // namespace

Broker::Broker(log::LogManager& log, BrokerOptions options)
    : log_(log),
      options_(std::move(options)),
      groups_(options_.groups),
      waiters_(std::make_shared<internal::FetchWaiters>()) {
  log_.SetAppendListener([waiters = waiters_](const std::string& topic, int32_t partition) {
    waiters->OnAppend(topic, partition);
  });
}

Broker::~Broker() {
  log_.SetAppendListener(nullptr);
  waiters_->Close();  // an append that raced the line above wakes no one
}

void Broker::Attach(Server& server) {
  Attach([&server](std::chrono::milliseconds delay, std::function<void()> fn) { server.RunAfter(delay, std::move(fn)); },
         [&server] { return server.port(); });
}

void Broker::Attach(RunAfterFn run_after, std::function<uint16_t()> port) {
  run_after_ = std::move(run_after);
  port_ = std::move(port);
  waiters_->Start([this](const std::shared_ptr<internal::ParkedFetch>& fetch) {
    run_after_(std::chrono::milliseconds(0), [this, fetch] {
      fetch->wake_pending.store(false);
      Complete(fetch, false);
    });
  });
}

uint64_t Broker::duplicates_suppressed() const { return duplicates_.load(std::memory_order_relaxed); }

MetadataResponse::Broker Broker::Self() const {
  const int32_t port = options_.advertised_port > 0 ? options_.advertised_port : (port_ ? port_() : 0);
  return {options_.node_id, options_.advertised_host, port, std::nullopt};
}

// --- Produce ------------------------------------------------------------------------------------------

void Broker::Produce(const RequestContext& ctx, ProduceRequest request, Reply<ProduceResponse> reply) {
  ProduceResponse response;
  const bool valid_acks = request.acks == 0 || request.acks == 1 || request.acks == -1;
  std::optional<std::string> failure;  // the first, for acks=0
  EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
    result.index = p.index;
    try {
      if (!valid_acks)
        throw log::LogError(static_cast<log::ErrorCode>(ErrorCode::kInvalidRequiredAcks),
                            "acks must be -1 (all), 0 or 1, not " + std::to_string(request.acks));
      if (topic == log::kConsumerOffsetsTopic)
        throw log::LogError(log::ErrorCode::kInvalidTopic, "topic " + topic + " is internal: clients cannot produce to it");
      const log::AppendResult appended = Append(topic, p.index, p.records ? p.records->view() : std::string_view());
      result.base_offset = appended.base_offset;
      result.log_append_time_ms = appended.log_append_time;
      result.log_start_offset = appended.log_start_offset;
    } catch (...) {
      const Failure f = CurrentFailure();
      SetFailure(f, result.error_code, result.error_message);
      if (!failure) failure = "produce to " + topic + "-" + std::to_string(p.index) + " failed: " + f.message;
    }
  });
  // acks=0 has no response to carry an error: Kafka closes the connection, so the client refreshes its
  // metadata and notices.
  if (request.acks == 0 && failure) {
    reply.CloseConnection(*failure);
    return;
  }
  reply(std::move(response));
}

log::AppendResult Broker::Append(const std::string& topic, int32_t index, std::string_view records) {
  const std::shared_ptr<log::Partition> partition = log_.GetPartition(topic, index);
  log::AppendResult result;
  if (options_.schema_append && !partition->config().schema().empty()) {
    result = options_.schema_append(topic, index, records, log::AppendOptions{});
  } else {
    result = partition->Append(records);
  }
  if (result.duplicate) duplicates_.fetch_add(1, std::memory_order_relaxed);
  return result;
}

// --- ListOffsets --------------------------------------------------------------------------------------

void Broker::ListOffsets(const RequestContext& ctx, ListOffsetsRequest request, Reply<ListOffsetsResponse> reply) {
  ListOffsetsResponse response;
  EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
    result.partition_index = p.partition_index;
    try {
      const std::optional<log::OffsetAndTimestamp> found =
          log_.GetPartition(topic, p.partition_index)->OffsetForTimestamp(p.timestamp);
      if (found) {
        result.offset = found->offset;
        result.timestamp = found->timestamp;
        result.leader_epoch = 0;  // every batch is written in epoch 0: one broker, never a new leader
        // v0 answers with a list of offsets before the timestamp; the one found is the list.
        if (ctx.api_version == 0) result.old_style_offsets = {found->offset};
      }
    } catch (...) {
      result.error_code = CurrentFailure().code;
    }
  });
  reply(std::move(response));
}

// --- Metadata -----------------------------------------------------------------------------------------

void Broker::Metadata(const RequestContext& ctx, MetadataRequest request, Reply<MetadataResponse> reply) {
  MetadataResponse response;
  response.brokers.push_back(Self());
  response.cluster_id = options_.cluster_id;
  response.controller_id = options_.node_id;
  // (name, or nullopt for a topic id that names no topic)
  std::vector<std::pair<std::optional<std::string>, Uuid>> wanted;
  if (!request.topics) {
    for (std::string& name : log_.ListTopics(true)) wanted.emplace_back(std::move(name), Uuid{});
  } else {
    for (const MetadataRequest::Topic& t : *request.topics) {
      if (t.name) {
        wanted.emplace_back(*t.name, t.topic_id);
        continue;
      }
      std::optional<std::string> named;
      for (const std::string& name : log_.ListTopics(true)) {
        const std::optional<log::TopicInfo> info = log_.FindTopic(name);
        if (info && info->id == t.topic_id.bytes) named = name;
      }
      wanted.emplace_back(std::move(named), t.topic_id);
    }
  }
  for (const auto& [name, id] : wanted) {
    MetadataResponse::Topic& out = response.topics.emplace_back();
    out.topic_id = id;
    if (!name) {
      out.error_code = ErrorCode::kUnknownTopicId;
      continue;
    }
    out.name = *name;
    std::optional<log::TopicInfo> info = log_.FindTopic(*name);
    if (!info && request.allow_auto_topic_creation && options_.auto_create_topics) {
      try {
        info = log_.CreateTopic(*name, options_.default_partitions);
        LogLine(LogLevel::kInfo, "kafka broker: auto-created topic=" + *name + " partitions=" +
                                     std::to_string(options_.default_partitions) + " client=" + ctx.client_id);
      } catch (const log::LogError& e) {
        if (e.code() != log::ErrorCode::kTopicAlreadyExists) {
          out.error_code = static_cast<ErrorCode>(e.code());
          continue;
        }
        info = log_.FindTopic(*name);  // created meanwhile by another request
      }
    }
    if (!info) {
      out.error_code = ErrorCode::kUnknownTopicOrPartition;
      continue;
    }
    std::copy(info->id.begin(), info->id.end(), out.topic_id.bytes.begin());
    out.is_internal = info->internal;
    for (int32_t i = 0; i < info->partitions; ++i) {
      out.partitions.push_back({ErrorCode::kNone, i, options_.node_id, 0, {options_.node_id}, {options_.node_id}, {}});
    }
  }
  reply(std::move(response));
}

// --- CreateTopics / DeleteTopics ----------------------------------------------------------------------

namespace {

/// The partition count a CreateTopics entry asks for (a count, or explicit assignments to this broker).
int32_t RequestedPartitions(const CreateTopicsRequest::Topic& t, int32_t default_partitions, int32_t node_id) {
  const auto invalid = [](ErrorCode code, const std::string& message) {
    return log::LogError(static_cast<log::ErrorCode>(code), message);
  };
  if (t.assignments.empty()) {
    if (t.replication_factor == 0 || t.replication_factor < -1 || t.replication_factor > 1)
      throw invalid(ErrorCode::kInvalidReplicationFactor,
                    "replication factor " + std::to_string(t.replication_factor) +
                        " is not possible: this server is a cluster of one broker (use 1 or -1)");
    return t.num_partitions == -1 ? default_partitions : t.num_partitions;
  }
  if (t.num_partitions != -1 || t.replication_factor != -1)
    throw invalid(ErrorCode::kInvalidRequest, "give either a partition count and replication factor or assignments");
  std::set<int32_t> indexes;
  for (const auto& a : t.assignments) {
    if (a.broker_ids != std::vector<int32_t>{node_id})
      throw invalid(ErrorCode::kInvalidReplicaAssignment,
                    "partition " + std::to_string(a.partition_index) + " must be assigned to broker " +
                        std::to_string(node_id) + " alone");
    indexes.insert(a.partition_index);
  }
  if (indexes.size() != t.assignments.size() || *indexes.begin() != 0 ||
      *indexes.rbegin() != static_cast<int32_t>(indexes.size()) - 1)
    throw invalid(ErrorCode::kInvalidReplicaAssignment, "assigned partitions must be numbered 0 to n-1, each once");
  return static_cast<int32_t>(t.assignments.size());
}

}  // namespace

void Broker::CreateTopics(const RequestContext& ctx, CreateTopicsRequest request, Reply<CreateTopicsResponse> reply) {
  CreateTopicsResponse response;
  std::map<std::string, int> mentions;
  for (const auto& t : request.topics) ++mentions[t.name];
  for (const auto& t : request.topics) {
    CreateTopicsResponse::Topic& out = response.topics.emplace_back();
    out.name = t.name;
    try {
      if (mentions[t.name] > 1)
        throw log::LogError(static_cast<log::ErrorCode>(ErrorCode::kInvalidRequest),
                            "topic " + t.name + " is named more than once in the request");
      const int32_t partitions = RequestedPartitions(t, options_.default_partitions, options_.node_id);
      std::map<std::string, std::string> configs;
      for (const auto& c : t.configs) {
        if (c.value) configs[c.name] = *c.value;
      }
      log::TopicInfo info;
      if (request.validate_only) {
        log::LogManager::ValidateTopicName(t.name);
        if (log_.FindTopic(t.name))
          throw log::LogError(log::ErrorCode::kTopicAlreadyExists, "topic " + t.name + " already exists");
        if (partitions <= 0)
          throw log::LogError(log::ErrorCode::kInvalidPartitions,
                              "a topic needs at least 1 partition, not " + std::to_string(partitions));
        info.name = t.name;
        info.partitions = partitions;
        info.overrides = configs;
        info.config = log::ResolveTopicConfig(log::TopicConfig{}, configs);
      } else {
        info = log_.CreateTopic(t.name, partitions, configs);
        LogLine(LogLevel::kInfo, "kafka broker: created topic=" + t.name + " partitions=" + std::to_string(partitions) +
                                     " client=" + ctx.client_id);
      }
      std::copy(info.id.begin(), info.id.end(), out.topic_id.bytes.begin());
      out.num_partitions = info.partitions;
      out.replication_factor = 1;
      out.configs.emplace();
      for (auto& [key, value] : info.config.Entries()) {
        out.configs->push_back({key, value, false, ConfigSource(info, key), false});
      }
    } catch (...) {
      SetFailure(CurrentFailure(), out.error_code, out.error_message);
    }
  }
  reply(std::move(response));
}

void Broker::DeleteTopics(const RequestContext& ctx, DeleteTopicsRequest request, Reply<DeleteTopicsResponse> reply) {
  DeleteTopicsResponse response;
  for (const auto& t : request.topics) {
    DeleteTopicsResponse::Result& out = response.responses.emplace_back();
    out.topic_id = t.topic_id;
    try {
      std::optional<log::TopicInfo> info;
      if (t.name) {
        info = log_.FindTopic(*t.name);
        out.name = *t.name;
      } else {
        for (const std::string& name : log_.ListTopics(true)) {
          std::optional<log::TopicInfo> candidate = log_.FindTopic(name);
          if (candidate && candidate->id == t.topic_id.bytes) info = std::move(candidate);
        }
        if (!info)
          throw log::LogError(static_cast<log::ErrorCode>(ErrorCode::kUnknownTopicId), "no topic has this id");
      }
      if (!info) throw log::LogError(log::ErrorCode::kUnknownTopicOrPartition, "topic " + out.name + " does not exist");
      out.name = info->name;
      std::copy(info->id.begin(), info->id.end(), out.topic_id.bytes.begin());
      log_.DeleteTopic(info->name);
      LogLine(LogLevel::kInfo, "kafka broker: deleted topic=" + info->name + " client=" + ctx.client_id);
    } catch (...) {
      SetFailure(CurrentFailure(), out.error_code, out.error_message);
    }
  }
  reply(std::move(response));
}

// --- InitProducerId -----------------------------------------------------------------------------------

void Broker::InitProducerId(const RequestContext& ctx, InitProducerIdRequest request,
                            Reply<InitProducerIdResponse> reply) {
  InitProducerIdResponse response;
  if (request.transactional_id) {
    // Transactions need a transaction coordinator, which this broker does not have.
    response.error_code = ErrorCode::kInvalidRequest;
    reply(std::move(response));
    return;
  }
  // An idempotent producer asking to bump its epoch (KIP-360) gets a new id, as Kafka gives it.
  try {
    const log::ProducerIdAndEpoch id = log_.InitProducerId();
    response.producer_id = id.producer_id;
    response.producer_epoch = id.producer_epoch;
  } catch (...) {
    response.error_code = CurrentFailure().code;
  }
  reply(std::move(response));
}

// --- DescribeConfigs ----------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> Broker::BrokerConfigs() const {
  const MetadataResponse::Broker self = Self();
  std::vector<std::pair<std::string, std::string>> configs = {
      {"broker.id", std::to_string(options_.node_id)},
      {"advertised.listeners", "PLAINTEXT://" + self.host + ":" + std::to_string(self.port)},
      {"auto.create.topics.enable", options_.auto_create_topics ? "true" : "false"},
      {"num.partitions", std::to_string(options_.default_partitions)},
      {"offset.metadata.max.bytes", std::to_string(options_.max_offset_metadata_bytes)},
      {"group.initial.rebalance.delay.ms", std::to_string(options_.groups.initial_rebalance_delay_ms)},
      {"group.min.session.timeout.ms", std::to_string(options_.groups.min_session_timeout_ms)},
      {"group.max.session.timeout.ms", std::to_string(options_.groups.max_session_timeout_ms)},
  };
  for (const auto& entry : options_.broker_configs) {
    if (std::none_of(configs.begin(), configs.end(), [&](const auto& c) { return c.first == entry.first; }))
      configs.push_back(entry);
  }
  return configs;
}

void Broker::DescribeConfigs(const RequestContext& ctx, DescribeConfigsRequest request,
                             Reply<DescribeConfigsResponse> reply) {
  DescribeConfigsResponse response;
  for (const auto& r : request.resources) {
    DescribeConfigsResponse::Result& out = response.results.emplace_back();
    out.resource_type = r.resource_type;
    out.resource_name = r.resource_name;
    const auto wanted = [&](const std::string& key) {
      return !r.configuration_keys ||
             std::find(r.configuration_keys->begin(), r.configuration_keys->end(), key) != r.configuration_keys->end();
    };
    const auto add = [&](const std::string& key, const std::string& value, int8_t source, int8_t type) {
      DescribeConfigsResponse::Config& c = out.configs.emplace_back();
      c.name = key;
      c.value = value;
      c.is_default = source == kDefaultConfig;
      c.config_source = source;
      c.config_type = type;
      if (request.include_synonyms) c.synonyms.push_back({key, value, source});
    };
    if (r.resource_type == DescribeConfigsRequest::kTopic) {
      const std::optional<log::TopicInfo> info = log_.FindTopic(r.resource_name);
      if (!info) {
        out.error_code = ErrorCode::kUnknownTopicOrPartition;
        out.error_message = "topic " + r.resource_name + " does not exist";
        continue;
      }
      for (const auto& [key, value] : info->config.Entries()) {
        if (wanted(key)) add(key, value, ConfigSource(*info, key), TopicConfigType(key));
      }
    } else if (r.resource_type == DescribeConfigsRequest::kBroker &&
               (r.resource_name.empty() || r.resource_name == std::to_string(options_.node_id))) {
      for (const auto& [key, value] : BrokerConfigs()) {
        if (wanted(key)) add(key, value, kStaticBrokerConfig, kTypeString);
      }
    } else {
      out.error_code = ErrorCode::kInvalidRequest;
      out.error_message = r.resource_type == DescribeConfigsRequest::kBroker
                              ? "this server is broker " + std::to_string(options_.node_id)
                              : "only topic and broker configs can be described";
    }
  }
  reply(std::move(response));
}

}  // namespace basin::kafka
