// A Kafka broker with an in-memory log, over Basin's protocol layer (src/server/kafka): enough for real
// clients (kcat, librdkafka) to list metadata, produce, consume and consume in groups, so that
// kafka_kcat_test.sh checks the wire protocol against clients Basin did not write. Not the real broker:
// records live in memory, unvalidated, and are lost at exit.
//
//   kafka_memory_broker PORT_FILE    serves on 127.0.0.1 (a free port, written to PORT_FILE) until SIGTERM

#include <csignal>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/kafka/group_coordinator.h"
#include "server/kafka/server.h"

using namespace basin::kafka;

namespace {

constexpr int32_t kNodeId = 1;
constexpr int32_t kDefaultPartitions = 2;

struct Partition {
  std::string log;  // RecordBatches back to back, base offsets assigned
  std::vector<std::pair<int64_t, size_t>> batches;  // base offset, position in log
  int64_t next_offset = 0;
};

int32_t ReadInt32(const char* p) {
  return static_cast<int32_t>((uint32_t{static_cast<uint8_t>(p[0])} << 24) |
                              (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
                              (uint32_t{static_cast<uint8_t>(p[2])} << 8) | static_cast<uint8_t>(p[3]));
}
void WriteInt64(char* p, int64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<char>(v & 0xff);
}

class MemoryBroker : public Handler {
 public:
  MemoryBroker() : groups_(Options()) {}
  /// Serve through `server` (started): its port is the advertised one, its timers drive the groups.
  void Attach(Server* server) {
    server_ = server;
    Tick();
  }

  void Produce(const RequestContext&, ProduceRequest request, Reply<ProduceResponse> reply) override {
    ProduceResponse response;
    std::lock_guard lock(mutex_);
    EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
      result.index = p.index;
      Partition* partition = Find(topic, p.index);
      if (partition == nullptr) {
        result.error_code = ErrorCode::kUnknownTopicOrPartition;
        return;
      }
      result.base_offset = partition->next_offset;
      result.log_start_offset = 0;
      std::string_view batches = p.records ? p.records->view() : std::string_view();
      // RecordBatch v2: base offset (8), length (4), ..., last offset delta at byte 23.
      while (batches.size() >= 61) {
        const size_t size = 12 + ReadInt32(batches.data() + 8);
        if (size > batches.size()) break;
        const size_t at = partition->log.size();
        partition->log.append(batches.substr(0, size));
        WriteInt64(partition->log.data() + at, partition->next_offset);
        partition->batches.push_back({partition->next_offset, at});
        partition->next_offset += ReadInt32(batches.data() + 23) + 1;
        batches.remove_prefix(size);
      }
    });
    reply(std::move(response));
  }

  void Fetch(const RequestContext&, FetchRequest request, Reply<FetchResponse> reply) override {
    if (!Answer(request, reply, false)) {
      server_->RunAfter(std::chrono::milliseconds(std::min(request.max_wait_ms, 500)),
                       [this, request, reply] { Answer(request, reply, true); });
    }
  }

  void ListOffsets(const RequestContext& ctx, ListOffsetsRequest request, Reply<ListOffsetsResponse> reply) override {
    ListOffsetsResponse response;
    std::lock_guard lock(mutex_);
    EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
      result.partition_index = p.partition_index;
      Partition* partition = Find(topic, p.partition_index);
      if (partition == nullptr) {
        result.error_code = ErrorCode::kUnknownTopicOrPartition;
        return;
      }
      result.offset = p.timestamp == ListOffsetsRequest::kEarliest ? 0 : partition->next_offset;
      if (ctx.api_version == 0) result.old_style_offsets = {result.offset};
    });
    reply(std::move(response));
  }

  void Metadata(const RequestContext&, MetadataRequest request, Reply<MetadataResponse> reply) override {
    MetadataResponse response;
    response.brokers.push_back({kNodeId, "127.0.0.1", server_->port(), std::nullopt});
    response.cluster_id = "basin-memory";
    response.controller_id = kNodeId;
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    if (request.topics) {
      for (const auto& t : *request.topics) {
        if (t.name) names.push_back(*t.name);
        if (t.name && request.allow_auto_topic_creation) Create(*t.name, kDefaultPartitions);
      }
    } else {
      for (const auto& [name, partitions] : topics_) names.push_back(name);
    }
    for (const std::string& name : names) {
      auto& out = response.topics.emplace_back();
      out.name = name;
      auto it = topics_.find(name);
      if (it == topics_.end()) {
        out.error_code = ErrorCode::kUnknownTopicOrPartition;
        continue;
      }
      for (int32_t i = 0; i < static_cast<int32_t>(it->second.size()); ++i) {
        out.partitions.push_back({ErrorCode::kNone, i, kNodeId, 0, {kNodeId}, {kNodeId}, {}});
      }
    }
    reply(std::move(response));
  }

  void CreateTopics(const RequestContext&, CreateTopicsRequest request, Reply<CreateTopicsResponse> reply) override {
    CreateTopicsResponse response;
    std::lock_guard lock(mutex_);
    for (const auto& t : request.topics) {
      auto& out = response.topics.emplace_back();
      out.name = t.name;
      if (topics_.count(t.name)) {
        out.error_code = ErrorCode::kTopicAlreadyExists;
      } else {
        Create(t.name, t.num_partitions > 0 ? t.num_partitions : kDefaultPartitions);
        out.num_partitions = static_cast<int32_t>(topics_[t.name].size());
        out.replication_factor = 1;
      }
    }
    reply(std::move(response));
  }

  void DeleteTopics(const RequestContext&, DeleteTopicsRequest request, Reply<DeleteTopicsResponse> reply) override {
    DeleteTopicsResponse response;
    std::lock_guard lock(mutex_);
    for (const auto& t : request.topics) {
      const std::string name = t.name.value_or(std::string());
      response.responses.push_back({name, {}, topics_.erase(name) ? ErrorCode::kNone : ErrorCode::kUnknownTopicOrPartition, {}});
    }
    reply(std::move(response));
  }

  void InitProducerId(const RequestContext&, InitProducerIdRequest, Reply<InitProducerIdResponse> reply) override {
    InitProducerIdResponse response;
    std::lock_guard lock(mutex_);
    response.producer_id = next_producer_id_++;
    reply(std::move(response));
  }

  void DescribeConfigs(const RequestContext&, DescribeConfigsRequest request,
                       Reply<DescribeConfigsResponse> reply) override {
    DescribeConfigsResponse response;
    for (const auto& r : request.resources) response.results.push_back({ErrorCode::kNone, {}, r.resource_type, r.resource_name, {}});
    reply(std::move(response));
  }

  void FindCoordinator(const RequestContext&, FindCoordinatorRequest request,
                       Reply<FindCoordinatorResponse> reply) override {
    FindCoordinatorResponse response;
    for (const auto& key : request.keys) {
      response.coordinators.push_back({key, kNodeId, "127.0.0.1", server_->port(), ErrorCode::kNone, std::nullopt});
    }
    reply(std::move(response));
  }

  void JoinGroup(const RequestContext& ctx, JoinGroupRequest request, Reply<JoinGroupResponse> reply) override {
    groups_.JoinGroup(ctx, request, reply);
  }
  void SyncGroup(const RequestContext& ctx, SyncGroupRequest request, Reply<SyncGroupResponse> reply) override {
    groups_.SyncGroup(ctx, request, reply);
  }
  void Heartbeat(const RequestContext&, HeartbeatRequest request, Reply<HeartbeatResponse> reply) override {
    reply(groups_.Heartbeat(request));
  }
  void LeaveGroup(const RequestContext& ctx, LeaveGroupRequest request, Reply<LeaveGroupResponse> reply) override {
    reply(groups_.LeaveGroup(ctx, request));
  }

  void OffsetCommit(const RequestContext&, OffsetCommitRequest request, Reply<OffsetCommitResponse> reply) override {
    const ErrorCode error = groups_.ValidateOffsetCommit(request);
    OffsetCommitResponse response;
    std::lock_guard lock(mutex_);
    EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
      result = {p.partition_index, error};
      if (error == ErrorCode::kNone) committed_[{request.group_id, topic, p.partition_index}] = p.committed_offset;
    });
    reply(std::move(response));
  }

  void OffsetFetch(const RequestContext&, OffsetFetchRequest request, Reply<OffsetFetchResponse> reply) override {
    OffsetFetchResponse response;
    std::lock_guard lock(mutex_);
    for (const auto& g : request.groups) {
      auto& group = response.groups.emplace_back();
      group.group_id = g.group_id;
      if (!g.topics) continue;
      for (const auto& t : *g.topics) {
        auto& out = group.topics.emplace_back();
        out.name = t.name;
        for (int32_t p : t.partition_indexes) {
          auto it = committed_.find({g.group_id, t.name, p});
          out.partitions.push_back({p, it == committed_.end() ? -1 : it->second, -1, std::string(), ErrorCode::kNone});
        }
      }
    }
    reply(std::move(response));
  }

  void DescribeGroups(const RequestContext&, DescribeGroupsRequest request,
                      Reply<DescribeGroupsResponse> reply) override {
    DescribeGroupsResponse response;
    for (const auto& id : request.groups) response.groups.push_back(groups_.DescribeGroup(id));
    reply(std::move(response));
  }
  void ListGroups(const RequestContext&, ListGroupsRequest request, Reply<ListGroupsResponse> reply) override {
    ListGroupsResponse response;
    response.groups = groups_.ListGroups(request.states_filter);
    reply(std::move(response));
  }

 private:
  static GroupCoordinatorOptions Options() {
    GroupCoordinatorOptions o;
    o.initial_rebalance_delay_ms = 0;
    return o;
  }
  /// Answer each partition of `request` in `response`, topic by topic: fn(topic, request partition,
  /// response partition).
  template <class Request, class Response, class F>
  static void EachPartition(const Request& request, Response& response, F&& fn) {
    for (const auto& t : request.topics) {
      auto& out = response.topics.emplace_back();
      out.name = t.name;
      for (const auto& p : t.partitions) fn(t.name, p, out.partitions.emplace_back());
    }
  }
  void Tick() {
    groups_.Tick();
    server_->RunAfter(std::chrono::milliseconds(100), [this] { Tick(); });
  }
  void Create(const std::string& name, int32_t partitions) {
    if (!topics_.count(name)) topics_[name].resize(partitions);
  }
  Partition* Find(const std::string& topic, int32_t index) {
    auto it = topics_.find(topic);
    if (it == topics_.end() || index < 0 || index >= static_cast<int32_t>(it->second.size())) return nullptr;
    return &it->second[index];
  }
  /// Answer with what there is; unless `always`, only when there is something.
  bool Answer(const FetchRequest& request, const Reply<FetchResponse>& reply, bool always) {
    FetchResponse response;
    bool any = false;
    {
      std::lock_guard lock(mutex_);
      for (const auto& t : request.topics) {
        auto& out = response.responses.emplace_back();
        out.topic = t.topic;
        for (const auto& p : t.partitions) {
          auto& result = out.partitions.emplace_back();
          result.partition_index = p.partition;
          Partition* partition = Find(t.topic, p.partition);
          if (partition == nullptr) {
            result.error_code = ErrorCode::kUnknownTopicOrPartition;
            continue;
          }
          result.high_watermark = result.last_stable_offset = partition->next_offset;
          result.log_start_offset = 0;
          if (p.fetch_offset > partition->next_offset) {
            result.error_code = ErrorCode::kOffsetOutOfRange;
            continue;
          }
          if (p.fetch_offset == partition->next_offset) continue;  // nothing new
          // From the batch holding fetch_offset, whole batches up to partition_max_bytes (at least one).
          auto first = std::upper_bound(partition->batches.begin(), partition->batches.end(),
                                        std::make_pair(p.fetch_offset, std::numeric_limits<size_t>::max()));
          const size_t from = first == partition->batches.begin() ? 0 : std::prev(first)->second;
          size_t to = partition->log.size();
          for (auto it = first; it != partition->batches.end(); ++it) {
            if (it->second - from > static_cast<size_t>(std::max(p.partition_max_bytes, 1))) {
              to = it->second;
              break;
            }
          }
          if (from < to) {
            result.records = SharedBytes::Copy(std::string_view(partition->log).substr(from, to - from));
            any = true;
          }
        }
      }
    }
    if (!any && !always) return false;
    reply(std::move(response));
    return true;
  }

  Server* server_ = nullptr;
  GroupCoordinator groups_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Partition>> topics_;
  std::map<std::tuple<std::string, std::string, int32_t>, int64_t> committed_;
  int64_t next_producer_id_ = 1000;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kafka_memory_broker PORT_FILE\n");
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the network threads inherit the mask
  MemoryBroker broker;
  ServerOptions options;
  options.port = 0;
  Server server(broker, options);
  server.Start();
  broker.Attach(&server);
  {
    std::ofstream(std::string(argv[1]) + ".tmp") << server.port() << "\n";
    std::rename((std::string(argv[1]) + ".tmp").c_str(), argv[1]);
  }
  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  return 0;
}
