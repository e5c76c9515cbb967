#include "server/http/event_route.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/metrics.h"
#include "helpers/http_testing.h"
#include "helpers/log_testing.h"
#include "ingest/event_collector.h"
#include "log/partitioner.h"
#include "server/http/server.h"

namespace basin::http {
namespace {

using testing::RawClient;
using testing::RawResponse;

/// The collector served over HTTP on a free port, with a log in a scratch directory.
class EventRouteTest : public ::testing::Test {
 protected:
  EventRouteTest() : logs_(dir_.path() / "log") { logs_.CreateTopic("clicks", 2); }
  ~EventRouteTest() override {
    if (server_) server_->Stop();
  }

  void Start(ingest::CollectorOptions options = {}, EventRouteOptions route = {}) {
    options.metrics = &metrics_;
    options.log_dir = dir_.path() / "log";
    collector_ = std::make_unique<ingest::EventCollector>(logs_, std::move(options));
    ServerOptions server_options;
    server_options.port = 0;
    server_options.metrics = &metrics_;
    server_options.log = [](std::string_view) {};
    server_ = std::make_unique<Server>(server_options);
    AddEventRoute(server_->router(), *collector_, route);
    server_->Start();
  }

  RawResponse Post(const std::string& target, const std::string& body,
                   const std::vector<std::string>& headers = {}) {
    RawClient client(server_->port());
    client.SendRequest("POST", target, body, headers);
    return client.ReadResponse();
  }

  log::testing::ScratchDir dir_;
  MetricsRegistry metrics_;
  log::LogManager logs_;
  std::unique_ptr<ingest::EventCollector> collector_;
  std::unique_ptr<Server> server_;
};

TEST_F(EventRouteTest, AcceptsEventsAndReportsWhereTheyWent) {
  Start();
  RawResponse r = Post("/api/v1/topics/clicks/events?key=user&offsets=true",
                       "{\"user\":\"alice\"}\n{\"user\":\"bob\"}\n{\"user\":\"alice\"}\n",
                       {"Content-Type: application/x-ndjson"});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto json = nlohmann::json::parse(r.body);
  EXPECT_EQ(json["accepted"], 3);
  EXPECT_EQ(json["rejected"], nlohmann::json::array());
  int64_t total = 0;
  for (const auto& p : json["partitions"]) total += p["count"].get<int64_t>();
  EXPECT_EQ(total, 3);
  ASSERT_EQ(json["offsets"].size(), 3u);
  EXPECT_EQ(json["offsets"][0][0].get<int32_t>(), log::PartitionForKey("alice", 2));
  EXPECT_EQ(json["offsets"][1][0].get<int32_t>(), log::PartitionForKey("bob", 2));
  EXPECT_EQ(json["offsets"][2][0], json["offsets"][0][0]);
  EXPECT_GT(json["offsets"][2][1].get<int64_t>(), json["offsets"][0][1].get<int64_t>());
}

TEST_F(EventRouteTest, ChunkedBodiesAndFormatOverride) {
  Start();
  RawClient client(server_->port());
  client.Send(
      "POST /api/v1/topics/clicks/events?format=ndjson HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\n"
      "8\r\n{\"a\":1}\n\r\n7\r\n{\"a\":2}\r\n0\r\n\r\n");
  RawResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["accepted"], 2);
  EXPECT_EQ(r.body.find("offsets"), std::string::npos);
  EXPECT_EQ(Post("/api/v1/topics/clicks/events?format=xml", "{}").status, 400);
}

TEST_F(EventRouteTest, MalformedJsonIs400WithLineAndColumnAndAppendsNothing) {
  Start();
  RawResponse r = Post("/api/v1/topics/clicks/events", "{\"a\":1}\n{\"a\":2}\n{\"a\" 3}\n");
  ASSERT_EQ(r.status, 400);
  const auto error = nlohmann::json::parse(r.body)["error"];
  EXPECT_EQ(error["code"], "22P02");
  EXPECT_EQ(error["line"], 3);
  EXPECT_EQ(error["column"], 6);
  EXPECT_NE(error["message"].get<std::string>().find("line 3, column 6"), std::string::npos);
  for (const auto& p : logs_.DescribeTopic("clicks").partitions) EXPECT_EQ(p.high_watermark, 0);
}

TEST_F(EventRouteTest, UnknownTopicIs404) {
  Start();
  RawResponse r = Post("/api/v1/topics/nope/events", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "42P01");
}

TEST_F(EventRouteTest, OversizedBodiesAndEventsAre413) {
  logs_.CreateTopic("tiny", 1, {{"max.message.bytes", "200"}});
  EventRouteOptions route;
  route.max_body_bytes = 1000;
  Start({}, route);
  RawResponse r = Post("/api/v1/topics/clicks/events", "{\"pad\":\"" + std::string(2000, 'x') + "\"}");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("Connection"), "close");
  r = Post("/api/v1/topics/tiny/events", "{\"pad\":\"" + std::string(500, 'x') + "\"}");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "54000");
}

TEST_F(EventRouteTest, FullDiskIs503WithRetryAfter) {
  ingest::CollectorOptions options;
  options.min_free_disk_bytes = 1 << 20;
  options.free_disk_bytes = [] { return uint64_t{4096}; };
  Start(options);
  RawResponse r = Post("/api/v1/topics/clicks/events", "{}");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("Retry-After"), "30");
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "53100");
}

TEST_F(EventRouteTest, SpentBudgetIs429WithRetryAfterAndRejectedEventsAreReported) {
  // A schema'd topic whose validator holds the first request (and its share of the budget) until released.
  logs_.CreateTopic("typed", 1, {{"basin.schema", "ok BOOLEAN"}});
  std::mutex mutex;
  std::condition_variable changed;
  bool inside = false;
  bool release = false;
  ingest::CollectorOptions options;
  options.max_in_flight_bytes = 100;
  options.validator = [&](const log::TopicInfo&, std::span<const ingest::Event> events) {
    std::unique_lock lock(mutex);
    inside = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
    std::vector<ingest::Rejection> out;
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].json.find("false") != std::string_view::npos) out.push_back({i, "ok must be true"});
    }
    return out;
  };
  Start(options);
  RawResponse first;
  std::thread holder([&] { first = Post("/api/v1/topics/typed/events", "{\"ok\":true}\n{\"ok\":false}\n"); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return inside; }));
  }
  RawResponse refused = Post("/api/v1/topics/typed/events", "{\"ok\":true," + std::string(100, ' ') + "}");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  holder.join();
  ASSERT_EQ(first.status, 200) << first.body;
  const auto json = nlohmann::json::parse(first.body);
  EXPECT_EQ(json["accepted"], 1);
  EXPECT_EQ(json["rejected"], nlohmann::json::parse(R"([{"index":1,"line":2,"reason":"ok must be true"}])"));
}

}  // namespace
}  // namespace basin::http
