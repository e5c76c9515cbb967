#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "server/kafka/codec.h"
#include "server/kafka/messages.h"

namespace basin::kafka {

/// Who sent a request and how: passed with every request to the Handler.
struct RequestContext {
  uint64_t connection_id = 0;  ///< unique among the server's connections
  std::string client_id;       ///< the header's client id ("" when null)
  std::string client_host;     ///< the peer's address, e.g. "127.0.0.1"
  uint16_t client_port = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
};

/// Where the responses of one connection go; the server implements it. Thread-safe.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  /// Send the response of request number `sequence` once those before it are sent; an empty frame sends
  /// nothing (Produce with acks=0).
  virtual void Deliver(uint64_t sequence, EncodedFrame frame) = 0;
  /// Close the connection once the responses before request `sequence` are sent, logging `reason`.
  virtual void CloseAfter(uint64_t sequence, std::string reason) = 0;
  /// Request `sequence` will never be answered (its Reply was dropped): the connection must close now.
  virtual void Abandon(uint64_t sequence) = 0;
};

namespace internal {
/// The state a Reply's copies share: where the answer goes and whether it was given.
struct ReplyState {
  ReplyState(std::weak_ptr<ResponseSink> sink, uint64_t sequence, int32_t correlation_id, int16_t version,
             bool send_nothing)
      : sink(std::move(sink)),
        sequence(sequence),
        correlation_id(correlation_id),
        version(version),
        send_nothing(send_nothing) {}
  ~ReplyState() {
    if (answered.load()) return;
    if (auto s = sink.lock()) s->Abandon(sequence);
  }
  std::weak_ptr<ResponseSink> sink;
  uint64_t sequence;
  int32_t correlation_id;
  int16_t version;
  bool send_nothing;
  std::atomic<bool> answered{false};
};
}  // namespace internal

/// The completion of one request. Copyable (copies share one state) and callable from any thread, at any
/// time: a handler answers at once or later (a long-polling fetch, a JoinGroup waiting for the other
/// members). Dropping every copy unanswered closes the connection, since the client would wait forever.
template <class Response>
class Reply {
 public:
  Reply() = default;
  explicit Reply(std::shared_ptr<internal::ReplyState> state) : state_(std::move(state)) {}

  /// Answer with `response`. Return false, doing nothing, if the request was answered already: the first
  /// answer wins, so a long poll's timer and the data it waits for may race.
  bool operator()(Response response) const {
    if (!state_ || state_->answered.exchange(true)) return false;
    EncodedFrame frame;
    if (!state_->send_nothing) frame = EncodeResponse(state_->correlation_id, state_->version, response);
    if (auto sink = state_->sink.lock()) sink->Deliver(state_->sequence, std::move(frame));
    return true;
  }

  /// Answer by closing the connection once the earlier responses are sent, as Kafka does when a produce
  /// with acks=0 fails (the client then refreshes its metadata). Returns false if answered already.
  bool CloseConnection(std::string reason) const {
    if (!state_ || state_->answered.exchange(true)) return false;
    if (auto sink = state_->sink.lock()) sink->CloseAfter(state_->sequence, std::move(reason));
    return true;
  }

  bool answered() const { return state_ && state_->answered.load(); }
  /// The version the response is encoded at (the request's).
  int16_t version() const { return state_ ? state_->version : 0; }

 private:
  std::shared_ptr<internal::ReplyState> state_;
};

/// What the server calls for each decoded request. The methods of one connection are called one at a time,
/// in request order, on a network thread; methods for different connections run concurrently, so an
/// implementation is thread-safe. A method must not block: it answers through its Reply, now or later, and
/// responses reach the client in request order whatever order they are given in. ApiVersions is answered
/// by the server itself from SupportedApis().
class Handler {
 public:
  virtual ~Handler() = default;

  virtual void Produce(const RequestContext& ctx, ProduceRequest request, Reply<ProduceResponse> reply) = 0;
  /// Long polling: answer when min_bytes are there or max_wait_ms passed (Server::RunAfter is a timer).
  virtual void Fetch(const RequestContext& ctx, FetchRequest request, Reply<FetchResponse> reply) = 0;
  virtual void ListOffsets(const RequestContext& ctx, ListOffsetsRequest request,
                           Reply<ListOffsetsResponse> reply) = 0;
  virtual void Metadata(const RequestContext& ctx, MetadataRequest request, Reply<MetadataResponse> reply) = 0;
  virtual void CreateTopics(const RequestContext& ctx, CreateTopicsRequest request,
                            Reply<CreateTopicsResponse> reply) = 0;
  virtual void DeleteTopics(const RequestContext& ctx, DeleteTopicsRequest request,
                            Reply<DeleteTopicsResponse> reply) = 0;
  virtual void InitProducerId(const RequestContext& ctx, InitProducerIdRequest request,
                              Reply<InitProducerIdResponse> reply) = 0;
  virtual void DescribeConfigs(const RequestContext& ctx, DescribeConfigsRequest request,
                               Reply<DescribeConfigsResponse> reply) = 0;
  virtual void FindCoordinator(const RequestContext& ctx, FindCoordinatorRequest request,
                               Reply<FindCoordinatorResponse> reply) = 0;
  virtual void JoinGroup(const RequestContext& ctx, JoinGroupRequest request, Reply<JoinGroupResponse> reply) = 0;
  virtual void SyncGroup(const RequestContext& ctx, SyncGroupRequest request, Reply<SyncGroupResponse> reply) = 0;
  virtual void Heartbeat(const RequestContext& ctx, HeartbeatRequest request, Reply<HeartbeatResponse> reply) = 0;
  virtual void LeaveGroup(const RequestContext& ctx, LeaveGroupRequest request,
                          Reply<LeaveGroupResponse> reply) = 0;
  virtual void OffsetCommit(const RequestContext& ctx, OffsetCommitRequest request,
                            Reply<OffsetCommitResponse> reply) = 0;
  virtual void OffsetFetch(const RequestContext& ctx, OffsetFetchRequest request,
                           Reply<OffsetFetchResponse> reply) = 0;
  virtual void DescribeGroups(const RequestContext& ctx, DescribeGroupsRequest request,
                              Reply<DescribeGroupsResponse> reply) = 0;
  virtual void ListGroups(const RequestContext& ctx, ListGroupsRequest request, Reply<ListGroupsResponse> reply) = 0;

  /// The connection closed (its pending Replies now go nowhere): drop per-connection state.
  virtual void ConnectionClosed(uint64_t connection_id) {}
};

}  // namespace basin::kafka
