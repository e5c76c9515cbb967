#include "server/kafka/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "server/kafka/codec.h"

namespace basin::kafka {
namespace {

using namespace std::chrono_literals;

/// A blocking client speaking raw frames, with a receive timeout so that a broken server fails the test
/// instead of hanging it.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { ::close(fd_); }

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += n;
    }
  }
  template <class M>
  void SendRequest(const M& body, int16_t version, int32_t correlation_id) {
    Send(EncodeRequest(RequestHeader{static_cast<int16_t>(M::kApiKey), version, correlation_id, std::string("test")},
                       body)
             .Flatten());
  }
  /// Return the next response frame without its size prefix, or "" if the connection closed.
  std::string ReadFrame() {
    std::string size_bytes = ReadExactly(4);
    if (size_bytes.size() < 4) return "";
    const auto* p = reinterpret_cast<const uint8_t*>(size_bytes.data());
    const uint32_t size = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    return ReadExactly(size);
  }
  template <class M>
  M ReadResponse(int16_t version, int32_t* correlation_id) {
    const std::string frame = ReadFrame();
    EXPECT_FALSE(frame.empty()) << "connection closed";
    return DecodeResponse<M>(SharedBytes::Copy(frame), version, correlation_id);
  }
  /// Return true once the server has closed the connection (a read returns end of stream).
  bool WaitClosed() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  std::string ReadExactly(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) return out.substr(0, got);
      got += r;
    }
    return out;
  }

  int fd_ = -1;
  bool connected_ = false;
};

/// A handler that records what it receives. Metadata replies are held until the test releases them;
/// Fetch long-polls: it answers when the test offers records or after max_wait_ms; the rest answer at once.
class FakeHandler : public Handler {
 public:
  Server* server = nullptr;

  void Produce(const RequestContext& ctx, ProduceRequest request, Reply<ProduceResponse> reply) override {
    if (!request.topics.empty() && request.topics[0].name == "fails") {
      reply.CloseConnection("produce with acks=0 failed");
      return;
    }
    ProduceResponse response;
    for (const auto& t : request.topics) {
      ProduceResponse::Topic& out = response.topics.emplace_back();
      out.name = t.name;
      for (const auto& p : t.partitions) out.partitions.emplace_back().index = p.index;
    }
    Record([&] { produced.push_back(std::move(request)); });
    reply(std::move(response));
  }

  void Fetch(const RequestContext& ctx, FetchRequest request, Reply<FetchResponse> reply) override {
    Record([&] { fetch_replies.push_back(reply); });
    server->RunAfter(std::chrono::milliseconds(request.max_wait_ms), [this, reply] {
      if (reply(FetchResponse())) Record([&] { ++fetch_timeouts; });
    });
  }
  /// Answer the pending fetches with `records`.
  void OfferRecords(const SharedBytes& records) {
    std::vector<Reply<FetchResponse>> pending;
    Record([&] { pending.swap(fetch_replies); });
    for (auto& reply : pending) {
      FetchResponse response;
      response.responses.push_back({"t", {{}}});
      response.responses[0].partitions[0].records = records;
      reply(std::move(response));
    }
  }

  void Metadata(const RequestContext& ctx, MetadataRequest request, Reply<MetadataResponse> reply) override {
    Record([&] {
      held_metadata.push_back(reply);
      max_held_metadata = std::max(max_held_metadata, held_metadata.size());
      client_ids.push_back(ctx.client_id);
    });
  }
  /// Answer the held Metadata requests; return how many.
  size_t ReleaseMetadata() {
    std::vector<Reply<MetadataResponse>> held;
    Record([&] { held.swap(held_metadata); });
    for (auto& reply : held) {
      MetadataResponse response;
      response.brokers.push_back({1, "127.0.0.1", 9092, std::nullopt});
      reply(std::move(response));
    }
    return held.size();
  }

  void Heartbeat(const RequestContext& ctx, HeartbeatRequest request, Reply<HeartbeatResponse> reply) override {
    Record([&] { ++heartbeats; });
    reply(HeartbeatResponse());
  }

  void ListOffsets(const RequestContext&, ListOffsetsRequest, Reply<ListOffsetsResponse> reply) override {
    reply({});
  }
  void CreateTopics(const RequestContext&, CreateTopicsRequest, Reply<CreateTopicsResponse> reply) override {
    reply({});
  }
  void DeleteTopics(const RequestContext&, DeleteTopicsRequest, Reply<DeleteTopicsResponse> reply) override {
    reply({});
  }
  void InitProducerId(const RequestContext&, InitProducerIdRequest, Reply<InitProducerIdResponse> reply) override {
    reply({});
  }
  void DescribeConfigs(const RequestContext&, DescribeConfigsRequest, Reply<DescribeConfigsResponse> reply) override {
    reply({});
  }
  void FindCoordinator(const RequestContext&, FindCoordinatorRequest, Reply<FindCoordinatorResponse> reply) override {
    reply({});
  }
  void JoinGroup(const RequestContext&, JoinGroupRequest, Reply<JoinGroupResponse> reply) override { reply({}); }
  void SyncGroup(const RequestContext&, SyncGroupRequest, Reply<SyncGroupResponse> reply) override { reply({}); }
  void LeaveGroup(const RequestContext&, LeaveGroupRequest, Reply<LeaveGroupResponse> reply) override {
    reply({});
  }
  void OffsetCommit(const RequestContext&, OffsetCommitRequest, Reply<OffsetCommitResponse> reply) override {
    reply({});
  }
  void OffsetFetch(const RequestContext&, OffsetFetchRequest, Reply<OffsetFetchResponse> reply) override {
    reply({});
  }
  void DescribeGroups(const RequestContext&, DescribeGroupsRequest, Reply<DescribeGroupsResponse> reply) override {
    reply({});
  }
  void ListGroups(const RequestContext&, ListGroupsRequest, Reply<ListGroupsResponse> reply) override { reply({}); }
  void ConnectionClosed(uint64_t connection_id) override {
    Record([&] { ++closed_connections; });
  }

  /// Wait until `condition` holds (checked under the lock), for up to ten seconds.
  template <class F>
  bool WaitFor(F condition) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, condition);
  }
  template <class F>
  void Record(F update) {
    {
      std::lock_guard lock(mutex_);
      update();
    }
    changed_.notify_all();
  }

  std::vector<ProduceRequest> produced;
  std::vector<Reply<FetchResponse>> fetch_replies;
  std::vector<Reply<MetadataResponse>> held_metadata;
  std::vector<std::string> client_ids;
  size_t max_held_metadata = 0;
  int fetch_timeouts = 0;
  int heartbeats = 0;
  int closed_connections = 0;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

class KafkaServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }
  void StartServer(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.log = [this](std::string_view line) { handler_.Record([&] { logs_.emplace_back(line); }); };
    server_ = std::make_unique<Server>(handler_, options);
    handler_.server = server_.get();
    server_->Start();
    ASSERT_NE(server_->port(), 0);
  }
  bool Logged(const std::string& text) {
    return handler_.WaitFor([&] {
      for (const auto& l : logs_) {
        if (l.find(text) != std::string::npos) return true;
      }
      return false;
    });
  }

  FakeHandler handler_;
  std::vector<std::string> logs_;
  std::unique_ptr<Server> server_;
};

TEST_F(KafkaServerTest, AnswersApiVersions) {
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  client.SendRequest(ApiVersionsRequest{"test-client", "1.0"}, 3, 11);
  int32_t correlation_id = 0;
  const auto response = client.ReadResponse<ApiVersionsResponse>(3, &correlation_id);
  EXPECT_EQ(correlation_id, 11);
  EXPECT_EQ(response.error_code, ErrorCode::kNone);
  EXPECT_EQ(response.api_keys.size(), SupportedApis().size());
  EXPECT_EQ(response.api_keys[0].api_key, 0);
  EXPECT_EQ(response.api_keys[0].max_version, 9);
}

TEST_F(KafkaServerTest, UnknownApiVersionsVersionFallsBackToV0) {
  RawClient client(server_->port());
  // ApiVersions v7 with a body this server cannot read: answered in v0 with UNSUPPORTED_VERSION.
  client.Send(std::string("\x00\x00\x00\x10\x00\x12\x00\x07\x00\x00\x00\x05\x00\x01" "c" "\x00\x09xyz", 20));
  int32_t correlation_id = 0;
  const auto response = client.ReadResponse<ApiVersionsResponse>(0, &correlation_id);
  EXPECT_EQ(correlation_id, 5);
  EXPECT_EQ(response.error_code, ErrorCode::kUnsupportedVersion);
  EXPECT_FALSE(response.api_keys.empty());
}

TEST_F(KafkaServerTest, PipelinedResponsesKeepRequestOrder) {
  RawClient client(server_->port());
  // Metadata (held by the handler), then Heartbeat (answered at once), in one write.
  client.Send(EncodeRequest(RequestHeader{3, 9, 1, std::string("test")}, MetadataRequest()).Flatten() +
              EncodeRequest(RequestHeader{12, 4, 2, std::string("test")}, HeartbeatRequest()).Flatten());
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.heartbeats == 1 && handler_.held_metadata.size() == 1; }));
  handler_.ReleaseMetadata();
  int32_t first = 0, second = 0;
  const auto metadata = client.ReadResponse<MetadataResponse>(9, &first);
  client.ReadResponse<HeartbeatResponse>(4, &second);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  ASSERT_EQ(metadata.brokers.size(), 1u);
  EXPECT_EQ(metadata.brokers[0].host, "127.0.0.1");
  EXPECT_EQ(handler_.client_ids, std::vector<std::string>{"test"});
}

TEST_F(KafkaServerTest, PipeliningIsBoundedPerConnection) {
  server_.reset();
  ServerOptions options;
  options.max_in_flight_requests = 2;
  StartServer(options);
  RawClient client(server_->port());
  std::string requests;
  for (int i = 0; i < 5; ++i) {
    requests += EncodeRequest(RequestHeader{3, 9, i, std::string("test")}, MetadataRequest()).Flatten();
  }
  client.Send(requests);
  for (int answered = 0; answered < 5;) {
    ASSERT_TRUE(handler_.WaitFor([&] { return !handler_.held_metadata.empty(); }));
    for (size_t released = handler_.ReleaseMetadata(); released > 0; --released, ++answered) {
      int32_t correlation_id = -1;
      client.ReadResponse<MetadataResponse>(9, &correlation_id);
      ASSERT_EQ(correlation_id, answered);
    }
  }
  EXPECT_LE(handler_.max_held_metadata, 2u) << "two requests in the handler at most";
}

TEST_F(KafkaServerTest, ProduceRecordsArriveIntactAndAcksZeroIsNotAnswered) {
  RawClient client(server_->port());
  // Frames of many sizes, pipelined, so that they straddle read chunks and cross the large-frame size.
  std::mt19937 rng(7);
  std::vector<std::string> payloads;
  std::string all;
  for (int i = 0; i < 300; ++i) {
    const size_t size = i % 50 == 0 ? 200000 + rng() % 100000 : rng() % 40000;
    std::string payload(size, '\0');
    for (char& c : payload) c = static_cast<char>(rng());
    ProduceRequest request;
    request.acks = i % 3 == 0 ? 0 : 1;
    request.topics = {{"t", {{i, SharedBytes::Copy(payload)}}}};
    all += EncodeRequest(RequestHeader{0, 9, i, std::string("p")}, request).Flatten();
    payloads.push_back(std::move(payload));
  }
  std::thread writer([&] { client.Send(all); });
  for (int i = 0; i < 300; ++i) {
    if (i % 3 == 0) continue;  // acks=0: no response
    int32_t correlation_id = -1;
    const auto response = client.ReadResponse<ProduceResponse>(9, &correlation_id);
    ASSERT_EQ(correlation_id, i);
    ASSERT_EQ(response.topics.size(), 1u);
  }
  writer.join();
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.produced.size() == 300; }));
  for (int i = 0; i < 300; ++i) {
    const auto& p = handler_.produced[i].topics.at(0).partitions.at(0);
    ASSERT_EQ(p.index, i);
    ASSERT_EQ(p.records->size(), payloads[i].size()) << "request " << i;
    ASSERT_TRUE(p.records->view() == payloads[i]) << "request " << i;
  }
}

TEST_F(KafkaServerTest, FetchLongPollsUntilDataOrTimeout) {
  RawClient client(server_->port());
  FetchRequest request;
  request.max_wait_ms = 60000;
  client.SendRequest(request, 11, 1);
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.fetch_replies.size() == 1; }));
  handler_.OfferRecords(SharedBytes::Copy("batch"));
  int32_t correlation_id = 0;
  auto response = client.ReadResponse<FetchResponse>(11, &correlation_id);
  ASSERT_EQ(response.responses.size(), 1u);
  EXPECT_EQ(response.responses[0].partitions[0].records->view(), "batch");

  request.max_wait_ms = 20;
  client.SendRequest(request, 11, 2);
  response = client.ReadResponse<FetchResponse>(11, &correlation_id);
  EXPECT_EQ(correlation_id, 2);
  EXPECT_TRUE(response.responses.empty()) << "answered empty by the timer";
  EXPECT_TRUE(handler_.WaitFor([&] { return handler_.fetch_timeouts == 1; }));
}

TEST_F(KafkaServerTest, MalformedFrameClosesOnlyItsConnection) {
  RawClient good(server_->port());
  RawClient bad(server_->port());
  // A Metadata v9 request whose topic array claims 1000 elements.
  bad.Send(std::string("\x00\x00\x00\x0e\x00\x03\x00\x09\x00\x00\x00\x01\x00\x00\x00\xe9\x07\x00", 18));
  EXPECT_TRUE(bad.WaitClosed());
  EXPECT_TRUE(Logged("malformed request: MetadataRequest v9: field 'topics'"));
  good.SendRequest(HeartbeatRequest(), 4, 3);
  int32_t correlation_id = 0;
  good.ReadResponse<HeartbeatResponse>(4, &correlation_id);
  EXPECT_EQ(correlation_id, 3);
}

TEST_F(KafkaServerTest, UnsupportedVersionOrApiCloses) {
  RawClient old_produce(server_->port());
  old_produce.SendRequest(HeartbeatRequest(), 4, 1);
  int32_t correlation_id = 0;
  old_produce.ReadResponse<HeartbeatResponse>(4, &correlation_id);
  old_produce.Send(std::string("\x00\x00\x00\x0a\x00\x00\x00\x63\x00\x00\x00\x01\xff\xff", 14));
  EXPECT_TRUE(old_produce.WaitClosed());
  EXPECT_TRUE(Logged("Produce v99 is not supported"));
  RawClient unknown(server_->port());
  unknown.Send(std::string("\x00\x00\x00\x0a\x00\x63\x00\x00\x00\x00\x00\x01\xff\xff", 14));
  EXPECT_TRUE(unknown.WaitClosed());
  EXPECT_TRUE(Logged("unknown API key 99"));
}

TEST_F(KafkaServerTest, OversizedFrameIsRefusedBeforeItsBody) {
  server_.reset();
  ServerOptions options;
  options.max_frame_bytes = 1024;
  StartServer(options);
  RawClient client(server_->port());
  client.Send(std::string("\x00\x10\x00\x00", 4));  // announces 1 MiB and sends nothing more
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_TRUE(Logged("frame of 1048576 bytes exceeds the limit of 1024"));
}

TEST_F(KafkaServerTest, StopFinishesInFlightResponses) {
  RawClient client(server_->port());
  client.SendRequest(MetadataRequest(), 1, 4);
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.held_metadata.size() == 1; }));
  std::thread stopper([&] { server_->Stop(); });
  // New connections are refused or closed once stopping; the held request is still answered.
  handler_.ReleaseMetadata();
  int32_t correlation_id = 0;
  client.ReadResponse<MetadataResponse>(1, &correlation_id);
  EXPECT_EQ(correlation_id, 4);
  EXPECT_TRUE(client.WaitClosed());
  stopper.join();
  EXPECT_EQ(server_->connection_count(), 0u);
  EXPECT_EQ(handler_.closed_connections, 1);
}

TEST_F(KafkaServerTest, HandlerClosesTheConnectionAfterEarlierResponses) {
  RawClient client(server_->port());
  ProduceRequest failing;
  failing.topics = {{"fails", {{0, SharedBytes::Copy("batch")}}}};
  client.Send(EncodeRequest(RequestHeader{3, 9, 1, std::string("test")}, MetadataRequest()).Flatten() +
              EncodeRequest(RequestHeader{0, 9, 2, std::string("test")}, failing).Flatten());
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.held_metadata.size() == 1; }));
  handler_.ReleaseMetadata();
  int32_t correlation_id = 0;
  client.ReadResponse<MetadataResponse>(9, &correlation_id);
  EXPECT_EQ(correlation_id, 1) << "the earlier response is sent before the connection closes";
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_TRUE(Logged("produce with acks=0 failed"));
}

TEST_F(KafkaServerTest, IdleConnectionsAreClosed) {
  server_.reset();
  ServerOptions options;
  options.connections_max_idle = std::chrono::milliseconds(100);
  StartServer(options);
  RawClient busy(server_->port());
  RawClient idle(server_->port());
  busy.SendRequest(MetadataRequest(), 9, 1);  // held by the handler: in flight, so not idle
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_TRUE(Logged("idle for"));
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.held_metadata.size() == 1; }));
  handler_.ReleaseMetadata();
  int32_t correlation_id = 0;
  busy.ReadResponse<MetadataResponse>(9, &correlation_id);
  EXPECT_EQ(correlation_id, 1);
}

TEST_F(KafkaServerTest, DroppedReplyClosesTheConnection) {
  RawClient client(server_->port());
  client.SendRequest(MetadataRequest(), 9, 1);
  ASSERT_TRUE(handler_.WaitFor([&] { return handler_.held_metadata.size() == 1; }));
  handler_.Record([&] { handler_.held_metadata.clear(); });
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_TRUE(Logged("without answering"));
}

}  // namespace
}  // namespace basin::kafka
