#pragma once

// The Kafka broker: Basin's Handler over the embedded log (log::LogManager), the consumer-group coordinator
// and the committed offsets in `__consumer_offsets`. One broker, so it leads every partition, coordinates
// every group and is the whole cluster its Metadata answers describe.

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/kafka/group_coordinator.h"
#include "server/kafka/handler.h"

namespace basin::log {
class LogManager;
struct AppendOptions;
struct AppendResult;
}  // namespace basin::log

namespace basin::kafka {

class Server;
namespace internal {
class FetchWaiters;
struct ParkedFetch;
}  // namespace internal

/// Appends a produce request's records to a partition of a topic that declares a schema (its config has
/// `basin.schema`): the validator that keeps the records that fit and sends the others to the topic's
/// dead-letter topic. Called on a network thread; throws what log::Partition::Append throws (LogError),
/// DataError for malformed batches.
using SchemaAppend = std::function<log::AppendResult(const std::string& topic, int32_t partition,
                                                     std::string_view records, const log::AppendOptions& options)>;

/// Runs `fn` on a network thread after `delay` (Server::RunAfter; tests drive their own).
using RunAfterFn = std::function<void(std::chrono::milliseconds delay, std::function<void()> fn)>;

struct BrokerOptions {
  int32_t node_id = 1;
  /// The address clients are told to connect to (Metadata, FindCoordinator); port 0: the listener's.
  std::string advertised_host = "127.0.0.1";
  int32_t advertised_port = 0;
  std::string cluster_id = "basin";
  /// auto.create.topics.enable: Metadata creates the topics it is asked about, when the request allows.
  bool auto_create_topics = true;
  /// num.partitions: for auto-created topics and CreateTopics without a count.
  int32_t default_partitions = 1;
  GroupCoordinatorOptions groups;
  /// offset.metadata.max.bytes: a longer committed metadata string is refused.
  size_t max_offset_metadata_bytes = 4096;
  /// Produce to a topic with a `basin.schema` goes through this when set; else its records are appended
  /// as they come.
  SchemaAppend schema_append;
  /// More broker configs for DescribeConfigs to list (the server's settings), beside the broker's own.
  std::vector<std::pair<std::string, std::string>> broker_configs;
};

/// Kafka's broker APIs over Basin's log. Produce appends to the partitions (acknowledged once written to
/// the segment file, which survives kill -9; idempotent producers deduplicated by the log's producer
/// state). Fetch reads whole stored batches and, when fewer than min_bytes are there, parks until an append
/// to one of its partitions or max_wait_ms. Group membership is the GroupCoordinator's; committed offsets
/// are the log's GroupOffsets.
///
/// Lifetime: construct it, Attach it to the server (or a test timer), start the server; stop the server
/// before destroying the broker, and destroy the broker before the log. Thread-safe: every Handler method
/// may run on any network thread; appends from any thread (other writers of the log too) wake fetches.
class Broker : public Handler {
 public:
  Broker(log::LogManager& log, BrokerOptions options);
  ~Broker() override;
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// Serve through `server`: its timers drive long polls and group deadlines, and its bound port is the
  /// advertised one unless the options name another. Call before server.Start().
  void Attach(Server& server);
  /// The same with an explicit timer and port source (tests).
  void Attach(RunAfterFn run_after, std::function<uint16_t()> port);

  void Produce(const RequestContext& ctx, ProduceRequest request, Reply<ProduceResponse> reply) override;
  void Fetch(const RequestContext& ctx, FetchRequest request, Reply<FetchResponse> reply) override;
  void ListOffsets(const RequestContext& ctx, ListOffsetsRequest request, Reply<ListOffsetsResponse> reply) override;
  void Metadata(const RequestContext& ctx, MetadataRequest request, Reply<MetadataResponse> reply) override;
  void CreateTopics(const RequestContext& ctx, CreateTopicsRequest request, Reply<CreateTopicsResponse> reply) override;
  void DeleteTopics(const RequestContext& ctx, DeleteTopicsRequest request, Reply<DeleteTopicsResponse> reply) override;
  void InitProducerId(const RequestContext& ctx, InitProducerIdRequest request,
                      Reply<InitProducerIdResponse> reply) override;
  void DescribeConfigs(const RequestContext& ctx, DescribeConfigsRequest request,
                       Reply<DescribeConfigsResponse> reply) override;
  void FindCoordinator(const RequestContext& ctx, FindCoordinatorRequest request,
                       Reply<FindCoordinatorResponse> reply) override;
  void JoinGroup(const RequestContext& ctx, JoinGroupRequest request, Reply<JoinGroupResponse> reply) override;
  void SyncGroup(const RequestContext& ctx, SyncGroupRequest request, Reply<SyncGroupResponse> reply) override;
  void Heartbeat(const RequestContext& ctx, HeartbeatRequest request, Reply<HeartbeatResponse> reply) override;
  void LeaveGroup(const RequestContext& ctx, LeaveGroupRequest request, Reply<LeaveGroupResponse> reply) override;
  void OffsetCommit(const RequestContext& ctx, OffsetCommitRequest request, Reply<OffsetCommitResponse> reply) override;
  void OffsetFetch(const RequestContext& ctx, OffsetFetchRequest request, Reply<OffsetFetchResponse> reply) override;
  void DescribeGroups(const RequestContext& ctx, DescribeGroupsRequest request,
                      Reply<DescribeGroupsResponse> reply) override;
  void ListGroups(const RequestContext& ctx, ListGroupsRequest request, Reply<ListGroupsResponse> reply) override;
  void ConnectionClosed(uint64_t connection_id) override;

  /// The server is stopping: answer every parked fetch now with what there is, and park no more, so that
  /// in-flight requests finish without waiting out their max wait. Call before Server::Stop.
  void BeginShutdown();

  /// Idempotent retries answered from the producer state instead of being written again (a metric, tests).
  uint64_t duplicates_suppressed() const;

 private:
  MetadataResponse::Broker Self() const;
  std::vector<std::pair<std::string, std::string>> BrokerConfigs() const;
  /// Append a produce request's records to a partition (through schema_append for a schema'd topic).
  log::AppendResult Append(const std::string& topic, int32_t partition, std::string_view records);
  /// Read what `request` may return now; `bytes` receives the record bytes read, `error` whether any
  /// partition failed (both answer at once).
  FetchResponse ReadFetch(const FetchRequest& request, size_t* bytes, bool* error) const;
  /// Answer a parked fetch if it has min_bytes now, or with whatever there is when `force` (its max wait
  /// passed).
  void Complete(const std::shared_ptr<internal::ParkedFetch>& fetch, bool force);
  /// Fire the coordinator's Tick at its next deadline (after any call that may have moved it).
  void ArmGroupTimer();

  log::LogManager& log_;
  const BrokerOptions options_;
  GroupCoordinator groups_;
  RunAfterFn run_after_;
  std::function<uint16_t()> port_;
  std::shared_ptr<internal::FetchWaiters> waiters_;
  std::mutex timer_mutex_;
  int64_t timer_armed_at_ = INT64_MAX;  ///< the earliest deadline a pending group timer fires at
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<bool> shutting_down_{false};
};

}  // namespace basin::kafka
