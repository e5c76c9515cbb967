#include "server/http/server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/exception.h"
#include "common/metrics.h"
#include "helpers/http_testing.h"

namespace basin::http {
namespace {

using namespace std::chrono_literals;
using testing::RawClient;
using testing::RawResponse;

/// Responders a handler parked, for the test to answer when and in which order it likes.
class Parked {
 public:
  void Add(Responder r, std::string what) {
    std::lock_guard lock(mutex_);
    parked_.emplace_back(std::move(r), std::move(what));
    changed_.notify_all();
  }
  /// Wait (up to 10 s) until `n` are parked.
  bool WaitFor(size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return parked_.size() >= n; });
  }
  std::pair<Responder, std::string> Get(size_t i) {
    std::lock_guard lock(mutex_);
    return parked_.at(i);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<Responder, std::string>> parked_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  /// A server on a free port with the test's registry and log sink; add routes, then Start().
  Server& Make(ServerOptions options = {}) {
    options.port = 0;
    options.metrics = &metrics_;
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<Server>(std::move(options));
    Router& r = server_->router();
    r.Add(Method::kPost, "/echo", [](const Request& req) { return Response::Text(200, req.body); });
    r.Add(Method::kGet, "/hello/{name}",
          [](const Request& req) { return Response::Text(200, "hello " + std::string(req.Param("name"))); });
    return *server_;
  }
  uint16_t port() const { return server_->port(); }
  /// POST /small echoes bodies of up to 100 bytes.
  Server& AddSmallRoute(Server& server) {
    RouteOptions small;
    small.max_body_bytes = 100;
    server.router().Add(
        Method::kPost, "/small", [](const Request& req) { return Response::Text(200, req.body); }, small);
    return server;
  }

  MetricsRegistry metrics_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
  std::unique_ptr<Server> server_;
};

TEST_F(HttpServerTest, KeepAliveServesRequestsOnOneConnection) {
  Make().Start();
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.SendRequest("GET", "/hello/n" + std::to_string(i)));
    RawResponse r = client.ReadResponse();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello n" + std::to_string(i));
    EXPECT_EQ(r.Header("Connection"), std::nullopt);
    EXPECT_TRUE(r.Header("Date").has_value());
  }
  EXPECT_EQ(server_->connection_count(), 1u);
  client.SendRequest("POST", "/echo", "body bytes");
  EXPECT_EQ(client.ReadResponse().body, "body bytes");
}

TEST_F(HttpServerTest, HealthAndMetricsAreBuiltIn) {
  Make().Start();
  RawClient client(port());
  client.SendRequest("GET", "/healthz");
  RawResponse health = client.ReadResponse();
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "{\"status\":\"ok\"}");
  client.SendRequest("GET", "/metrics");
  RawResponse metrics = client.ReadResponse();
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("Content-Type"), std::string(kMetricsContentType));
  EXPECT_NE(
      metrics.body.find("basin_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1\n"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("# TYPE basin_http_request_duration_seconds histogram"), std::string::npos);
}

TEST_F(HttpServerTest, PipelinedRequestsAreHandledInOrderAndAnsweredInOrder) {
  Server& server = Make();
  Parked parked;
  std::vector<std::string> calls;  // handlers of one connection run one at a time: no lock needed
  server.router().AddAsync(Method::kGet, "/later/{n}", [&](Request&& req, Responder respond) {
    calls.emplace_back(req.Param("n"));
    parked.Add(std::move(respond), std::string(req.Param("n")));
  });
  server.Start();
  RawClient client(port());
  std::string three;
  for (int i = 0; i < 3; ++i) three += RawClient::Request("GET", "/later/" + std::to_string(i));
  ASSERT_TRUE(client.Send(three));
  ASSERT_TRUE(parked.WaitFor(3));
  EXPECT_EQ(calls, (std::vector<std::string>{"0", "1", "2"}));
  // Answered from this thread, last first: the responses still leave in request order.
  for (int i = 2; i >= 0; --i) {
    auto [respond, n] = parked.Get(i);
    EXPECT_TRUE(respond(Response::Text(200, "answer " + n)));
    EXPECT_FALSE(respond(Response::Text(500, "second answer")));  // the first answer wins
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.ReadResponse().body, "answer " + std::to_string(i));
}

TEST_F(HttpServerTest, HandlerFailuresBecomeJsonErrors) {
  Server& server = Make();
  server.router().Add(Method::kGet, "/http-error", [](const Request&) -> Response {
    throw Error(422, "invalid_thing", "the thing is wrong").With("line", 3).RetryAfter(2);
  });
  server.router().Add(Method::kGet, "/data-error", [](const Request&) -> Response {
    throw DataError(sqlstate::kInvalidTextRepresentation, "bad \"text\"");
  });
  server.router().Add(Method::kGet, "/crash",
                      [](const Request&) -> Response { throw std::runtime_error("boom"); });
  server.router().AddAsync(Method::kGet, "/forgotten", [](Request&&, Responder) {});
  server.Start();
  RawClient client(port());
  client.SendRequest("GET", "/http-error");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"error":{"code":"invalid_thing","message":"the thing is wrong","line":3}})");
  EXPECT_EQ(r.Header("Retry-After"), "2");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  client.SendRequest("GET", "/data-error");
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":{"code":"22P02","message":"bad \"text\""}})");
  client.SendRequest("GET", "/crash");
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":{"code":"XX000","message":"boom"}})");
  client.SendRequest("GET", "/forgotten");
  EXPECT_EQ(client.ReadResponse().status, 500);
  // None of it harmed the connection.
  client.SendRequest("GET", "/hello/again");
  EXPECT_EQ(client.ReadResponse().body, "hello again");
}

TEST_F(HttpServerTest, HandlerTimeoutAnswers503) {
  ServerOptions options;
  options.handler_timeout = 100ms;
  Server& server = Make(options);
  Parked parked;
  server.router().AddAsync(Method::kGet, "/never",
                           [&](Request&&, Responder respond) { parked.Add(respond, ""); });
  server.Start();
  RawClient client(port());
  client.SendRequest("GET", "/never");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("handler_timeout"), std::string::npos);
  ASSERT_TRUE(parked.WaitFor(1));
  EXPECT_FALSE(parked.Get(0).first(Response::Text(200, "too late")));
}

TEST_F(HttpServerTest, AnsweredRequestsLeaveNoHandlerTimerBehind) {
  ServerOptions options;
  options.handler_timeout = std::chrono::hours(1);
  Make(options).Start();
  RawClient client(port());
  client.SendRequest("GET", "/hello/x");
  EXPECT_EQ(client.ReadResponse().status, 200);
  // Stop returns once the network threads run out of work: an hour-long timer left pending would hold it.
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_F(HttpServerTest, NotFoundAndMethodNotAllowed) {
  Make().Start();
  RawClient client(port());
  client.SendRequest("GET", "/nowhere");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Connection"), std::nullopt);  // no body followed: the connection stays
  client.SendRequest("DELETE", "/echo");
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "POST");
  client.SendRequest("GET", "/hello/%zz");
  EXPECT_EQ(client.ReadResponse().status, 400);
  // A body was coming with the unroutable request: answered without reading it, then closed.
  client.SendRequest("POST", "/nowhere", "some body");
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, OversizedBodyIsRefusedBeforeItIsRead) {
  AddSmallRoute(Make()).Start();
  RawClient client(port());
  // Only the head is sent: the 413 must come without the body.
  client.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_NE(r.body.find("payload_too_large"), std::string::npos);
  EXPECT_TRUE(client.WaitClosed());

  // The server-wide default applies to routes without a limit of their own.
  RawClient big(port());
  big.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string((1 << 20) + 1) + "\r\n\r\n");
  EXPECT_EQ(big.ReadResponse().status, 413);
}

TEST_F(HttpServerTest, ChunkedBodiesAreReadAndCapped) {
  AddSmallRoute(Make()).Start();
  RawClient client(port());
  client.Send(
      "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  // Chunks past the limit: 413 as soon as the limit is passed, without waiting for the end.
  client.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
              std::string(80, 'a') + "\r\n50\r\n" + std::string(80, 'b') + "\r\n");
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Make().Start();
  RawClient client(port());
  client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.ReadResponse().status, 100);
  client.Send("12345");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "12345");
}

TEST_F(HttpServerTest, MalformedAndOversizedHeadsCloseTheConnection) {
  Make().Start();
  RawClient garbage(port());
  garbage.Send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(garbage.ReadResponse().status, 400);
  EXPECT_TRUE(garbage.WaitClosed());
  RawClient huge(port());
  huge.Send("GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'x') + "\r\n\r\n");
  EXPECT_EQ(huge.ReadResponse().status, 431);
  EXPECT_TRUE(huge.WaitClosed());
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10) {
  Make().Start();
  RawClient closing(port());
  closing.SendRequest("GET", "/hello/a", "", {"Connection: close"});
  RawResponse r = closing.ReadResponse();
  EXPECT_EQ(r.body, "hello a");
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(closing.WaitClosed());

  RawClient old(port());
  old.Send("GET /hello/b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  r = old.ReadResponse();
  EXPECT_EQ(r.body, "hello b");
  EXPECT_EQ(r.Header("Connection"), "keep-alive");
  old.Send("GET /hello/c HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.ReadResponse().body, "hello c");
  EXPECT_TRUE(old.WaitClosed());
}

TEST_F(HttpServerTest, HeadSendsHeadersOnly) {
  Make().Start();
  RawClient client(port());
  client.SendRequest("HEAD", "/hello/x");
  RawResponse r = client.ReadResponse(/*head_only=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Length"), "7");
  EXPECT_EQ(r.body, "");
  client.SendRequest("GET", "/hello/y");
  EXPECT_EQ(client.ReadResponse().body, "hello y");
}

TEST_F(HttpServerTest, IdleAndSlowConnectionsTimeOut) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  options.body_timeout = 200ms;
  Make(options).Start();
  RawClient idle(port());
  EXPECT_TRUE(idle.WaitClosed());
  RawClient slow_head(port());
  slow_head.Send("GET /hello/x HTTP/1.1\r\n");
  EXPECT_EQ(slow_head.ReadResponse().status, 408);
  RawClient slow_body(port());
  slow_body.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  EXPECT_EQ(slow_body.ReadResponse().status, 408);
  EXPECT_TRUE(slow_body.WaitClosed());
}

/// A route whose body is `chunks` pieces of `chunk` bytes written by a thread of the test's own.
class StreamingTest : public HttpServerTest {
 protected:
  void AddStreamRoute(Server& server) {
    server.router().AddAsync(Method::kGet, "/stream/{chunks}/{size}",
                             [this](Request&& req, Responder respond) {
                               const int chunks = std::stoi(std::string(req.Param("chunks")));
                               const size_t size = std::stoul(std::string(req.Param("size")));
                               std::lock_guard lock(producers_mutex_);
                               producers_.emplace_back([chunks, size, respond, this] {
                                 BodyStream stream = respond.Stream(Response::Text(200, "", "text/plain"));
                                 for (int i = 0; i < chunks; ++i) {
                                   if (!stream.Write(std::string(size, static_cast<char>('a' + i % 26)))) {
                                     stopped_early_ = true;
                                     return;  // the client left
                                   }
                                 }
                                 stream.Finish();
                               });
                             });
  }
  void JoinProducers() {
    std::vector<std::thread> producers;
    {
      std::lock_guard lock(producers_mutex_);
      producers.swap(producers_);
    }
    for (auto& t : producers) t.join();
  }
  void TearDown() override { JoinProducers(); }
  std::mutex producers_mutex_;
  std::vector<std::thread> producers_;
  std::atomic<bool> stopped_early_{false};
};

TEST_F(StreamingTest, StreamedBodiesAreChunked) {
  Server& server = Make();
  AddStreamRoute(server);
  server.Start();
  RawClient client(port());
  client.SendRequest("GET", "/stream/100/1000");
  RawResponse r = client.ReadResponse();
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.chunked);
  ASSERT_EQ(r.body.size(), 100000u);
  EXPECT_EQ(r.body[0], 'a');
  EXPECT_EQ(r.body[99999], 'a' + 99 % 26);
  // The connection stays usable after a streamed response, and an HTTP/1.0 client gets the body to the close.
  client.SendRequest("GET", "/hello/after");
  EXPECT_EQ(client.ReadResponse().body, "hello after");
  RawClient old(port());
  old.Send("GET /stream/3/10 HTTP/1.0\r\n\r\n");
  r = old.ReadResponse();
  EXPECT_FALSE(r.chunked);
  EXPECT_EQ(r.body, std::string(10, 'a') + std::string(10, 'b') + std::string(10, 'c'));
}

TEST_F(StreamingTest, ProducerStopsWhenTheClientLeaves) {
  Server& server = Make();
  AddStreamRoute(server);
  server.Start();
  {
    RawClient client(port());
    client.SendRequest("GET", "/stream/1000000/65536");  // 64 GB: only a departed client ends it
    char c;
    ASSERT_EQ(::recv(client.fd(), &c, 1, 0), 1);
  }
  // The producer's Write returns false once the server notices; the join proves it returned.
  JoinProducers();
  EXPECT_TRUE(stopped_early_);
}

TEST_F(StreamingTest, AsyncProducerIsHeldBackByASlowClient) {
  ServerOptions options;
  options.stream_high_water_bytes = 256 * 1024;
  Server& server = Make(options);
  constexpr size_t kChunk = 64 * 1024;
  constexpr size_t kTotal = 64u << 20;
  struct Producer {
    BodyStream stream;
    size_t written = 0;
    size_t first_refusal = 0;  // bytes written when WriteAsync first asked to wait
    std::promise<void> done;
  };
  auto producer = std::make_shared<Producer>();
  auto pump = std::make_shared<std::function<void()>>();
  *pump = [producer, weak = std::weak_ptr<std::function<void()>>(pump)] {
    while (producer->written < kTotal) {
      if (producer->stream.closed()) return;
      producer->written += kChunk;
      auto resume = [weak] {
        if (auto p = weak.lock()) (*p)();
      };
      if (!producer->stream.WriteAsync(std::string(kChunk, 'x'), resume)) {
        if (producer->first_refusal == 0) producer->first_refusal = producer->written;
        return;  // resumed by the server once the client has taken enough
      }
    }
    producer->stream.Finish();
    producer->done.set_value();
  };
  server.router().AddAsync(Method::kGet, "/pump", [producer, pump](Request&&, Responder respond) {
    producer->stream = respond.Stream(Response::Text(200, ""));
    (*pump)();
  });
  server.Start();
  RawClient client(port());
  client.SetReceiveBuffer(64 * 1024);
  client.SendRequest("GET", "/pump");
  RawResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), kTotal);
  producer->done.get_future().wait();
  // The producer had to wait long before it had produced everything: the body never sat whole in memory.
  EXPECT_GT(producer->first_refusal, 0u);
  EXPECT_LT(producer->first_refusal, kTotal / 4);
}

TEST_F(HttpServerTest, StopFinishesRequestsInFlightAndClosesIdleConnections) {
  Server& server = Make();
  Parked parked;
  server.router().AddAsync(Method::kGet, "/slow",
                           [&](Request&&, Responder respond) { parked.Add(respond, ""); });
  server.Start();
  RawClient idle(port());
  idle.SendRequest("GET", "/hello/idle");
  ASSERT_EQ(idle.ReadResponse().status, 200);
  RawClient busy(port());
  busy.SendRequest("GET", "/slow");
  ASSERT_TRUE(parked.WaitFor(1));

  auto stopped = std::async(std::launch::async, [&] { server.Stop(); });
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_EQ(stopped.wait_for(0ms), std::future_status::timeout);  // waits for /slow
  parked.Get(0).first(Response::Text(200, "finished"));
  RawResponse r = busy.ReadResponse();
  EXPECT_EQ(r.body, "finished");
  EXPECT_EQ(r.Header("Connection"), "close");
  EXPECT_TRUE(busy.WaitClosed());
  stopped.get();
  RawClient refused(port());
  EXPECT_FALSE(refused.connected());
}

}  // namespace
}  // namespace basin::http
