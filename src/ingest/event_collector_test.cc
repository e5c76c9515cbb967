#include "ingest/event_collector.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "common/metrics.h"
#include "helpers/log_testing.h"
#include "ingest/topic_schemas.h"
#include "log/partitioner.h"
#include "log/record_batch.h"
#include "log/topic_schema.h"

namespace basin::ingest {
namespace {

using log::testing::ManualClock;
using log::testing::ScratchDir;

struct StoredRecord {
  int64_t offset;
  int64_t timestamp;
  std::optional<std::string> key;
  std::string value;
  std::string error;  ///< the basin.error header (dead letters)
};

class EventCollectorTest : public ::testing::Test {
 protected:
  EventCollectorTest() : logs_(dir_.path() / "log") {
    logs_.CreateTopic("clicks", 3);
    Make();
  }

  void Make(CollectorOptions options = {}) {
    options.log_dir = dir_.path() / "log";
    options.clock = clock_.clock();
    options.metrics = &metrics_;
    collector_.reset();
    collector_ = std::make_unique<EventCollector>(logs_, std::move(options));
  }

  CollectResult Collect(std::string_view body, CollectRequest request = {},
                        const std::string& topic = "clicks") {
    return collector_->Collect(topic, body, request);
  }

  std::vector<StoredRecord> Records(const std::string& topic, int32_t partition, size_t* batches = nullptr) {
    std::vector<StoredRecord> out;
    const log::ReadResult read = logs_.GetPartition(topic, partition)->Read(0, 64 << 20);
    log::BatchIterator it(read.records);
    std::string_view batch;
    log::RecordReader reader;
    log::Record record;
    if (batches) *batches = 0;
    while (it.Next(batch)) {
      if (batches) ++*batches;
      reader.Reset(batch);
      while (reader.Next(record)) {
        std::string error;
        for (const log::RecordHeader& h : record.headers) {
          if (h.key == "basin.error") error = std::string(h.value.value_or(""));
        }
        out.push_back({record.offset, record.timestamp,
                       record.key ? std::optional<std::string>(*record.key) : std::nullopt,
                       std::string(*record.value), std::move(error)});
      }
    }
    return out;
  }

  int64_t TotalRecords(const std::string& topic = "clicks") {
    int64_t n = 0;
    for (const auto& p : logs_.DescribeTopic(topic).partitions) n += p.high_watermark;
    return n;
  }

  ScratchDir dir_;
  ManualClock clock_;
  MetricsRegistry metrics_;
  log::LogManager logs_;
  std::unique_ptr<EventCollector> collector_;
};

TEST_F(EventCollectorTest, KeylessEventsStickToOnePartitionPerRequest) {
  CollectResult r = Collect("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  ASSERT_EQ(r.partitions.size(), 1u);
  EXPECT_EQ(r.accepted, 3u);
  EXPECT_EQ(r.partitions[0].base_offset, 0);
  EXPECT_EQ(r.partitions[0].count, 3);
  const int32_t first = r.partitions[0].partition;
  auto records = Records("clicks", first);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].value, "{\"n\":2}");
  EXPECT_EQ(records[1].offset, 1);
  EXPECT_EQ(records[1].key, std::nullopt);
  EXPECT_EQ(records[1].timestamp, clock_.now());
  // The next request goes to the next partition.
  r = Collect("[{\"n\":4}, {\"n\":5}]");
  EXPECT_EQ(r.partitions[0].partition, (first + 1) % 3);
  EXPECT_EQ(metrics_.AddCounter("basin_collector_events_total", "", {"topic"}).Labels({"clicks"}).value(), 5);
}

TEST_F(EventCollectorTest, KeyedEventsGoWhereKafkasPartitionerPutsTheirKey) {
  std::string body;
  for (int i = 0; i < 100; ++i)
    body += "{\"user\":\"u" + std::to_string(i % 10) + "\",\"i\":" + std::to_string(i) + "}\n";
  CollectRequest request;
  request.fields.key = "user";
  request.want_offsets = true;
  CollectResult r = Collect(body, request);
  EXPECT_EQ(r.accepted, 100u);
  int64_t total = 0;
  for (const PartitionAppend& p : r.partitions) total += p.count;
  EXPECT_EQ(total, 100);
  ASSERT_EQ(r.offsets.size(), 100u);
  for (int32_t p = 0; p < 3; ++p) {
    for (const StoredRecord& record : Records("clicks", p)) {
      ASSERT_TRUE(record.key);
      EXPECT_EQ(log::PartitionForKey(*record.key, 3), p) << *record.key;
      EXPECT_NE(record.value.find("\"user\":\"" + *record.key + "\""), std::string::npos);
    }
  }
  // Each event's reported position holds that event.
  for (int i : {0, 37, 99}) {
    const auto [partition, offset] = r.offsets[i];
    EXPECT_EQ(Records("clicks", partition)[offset].value.find("\"i\":" + std::to_string(i) + "}") !=
                  std::string::npos,
              true);
  }
}

TEST_F(EventCollectorTest, TimestampFieldStampsRecords) {
  CollectRequest request;
  request.fields.timestamp = "at";
  CollectResult r = Collect("{\"at\":1000}\n{\"at\":\"2024-01-02T03:04:05Z\"}\n{}\n", request);
  auto records = Records("clicks", r.partitions[0].partition);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].timestamp, 1000);
  EXPECT_EQ(records[1].timestamp, 1704164645000);
  EXPECT_EQ(records[2].timestamp, clock_.now());
}

TEST_F(EventCollectorTest, MalformedBodiesAppendNothing) {
  EXPECT_THROW(Collect("{\"a\":1}\n{\"a\":2}\n{oops}\n"), EventsError);
  CollectRequest request;
  request.fields.timestamp = "ts";
  EXPECT_THROW(Collect("{\"a\":1}\n{\"ts\":\"never\"}\n", request), EventsError);
  EXPECT_EQ(TotalRecords(), 0);
}

TEST_F(EventCollectorTest, UnknownInternalAndAutoCreatedTopics) {
  try {
    Collect("{}", {}, "nope");
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kUnknownTopic);
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
  try {
    (void)collector_->Admit("__consumer_offsets", 10);
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kInvalid);
  }
  try {
    (void)collector_->Admit("bad name!", 10);
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kInvalid);
  }
  CollectorOptions options;
  options.auto_create_topics = true;
  options.auto_create_partitions = 4;
  Make(options);
  (void)collector_->Admit("fresh", 10);
  EXPECT_EQ(logs_.FindTopic("fresh")->partitions, 4);
  EXPECT_EQ(Collect("{\"x\":1}", {}, "fresh").accepted, 1u);
}

TEST_F(EventCollectorTest, BatchesRespectMaxMessageBytes) {
  logs_.CreateTopic("small", 1, {{"max.message.bytes", "1000"}});
  std::string body;
  for (int i = 0; i < 20; ++i)
    body += "{\"pad\":\"" + std::string(100, 'x') + "\",\"i\":" + std::to_string(i) + "}\n";
  CollectResult r = Collect(body, {}, "small");
  EXPECT_EQ(r.partitions[0].count, 20);
  size_t batches = 0;
  auto records = Records("small", 0, &batches);
  EXPECT_GT(batches, 2u);
  ASSERT_EQ(records.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(records[i].offset, i);
  // One event that no batch can hold refuses the request.
  try {
    Collect("{\"a\":1}\n{\"pad\":\"" + std::string(2000, 'y') + "\"}\n", {}, "small");
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kTooLarge);
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(TotalRecords("small"), 20);
}

TEST_F(EventCollectorTest, InFlightBudgetRefusesWithRetryAfter) {
  CollectorOptions options;
  options.max_in_flight_bytes = 1000;
  options.busy_retry_after = std::chrono::seconds(3);
  Make(options);
  Admission first = collector_->Admit("clicks", 600);
  try {
    (void)collector_->Admit("clicks", 500);
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kBusy);
    EXPECT_EQ(e.retry_after(), std::chrono::seconds(3));
  }
  Admission small = collector_->Admit("clicks", 400);  // fits beside the first
  first.Release();
  small.Release();
  // Alone, a request larger than the budget is let in.
  Admission large = collector_->Admit("clicks", 5000);
  Admission moved = std::move(large);
  EXPECT_THROW((void)collector_->Admit("clicks", 1), CollectError);
  moved.Shrink(100);
  (void)collector_->Admit("clicks", 800);
}

TEST_F(EventCollectorTest, DiskFloorRefusesWithRetryAfter) {
  uint64_t free = 1 << 30;
  CollectorOptions options;
  options.min_free_disk_bytes = 1 << 20;
  options.free_disk_bytes = [&] { return free; };
  Make(options);
  (void)collector_->Admit("clicks", 10);
  free = 1000;
  try {
    (void)collector_->Admit("clicks", 10);
    FAIL();
  } catch (const CollectError& e) {
    EXPECT_EQ(e.kind(), CollectError::Kind::kDiskFull);
    EXPECT_EQ(e.sqlstate(), "53100");
    EXPECT_EQ(e.retry_after(), std::chrono::seconds(30));
  }
}

TEST_F(EventCollectorTest, SchemaHookSplitsEventsAndDeadLettersGetTheRejected) {
  logs_.CreateTopic("typed", 1, {{"basin.schema", "ok BOOLEAN"}});
  std::vector<std::string> dead;
  int validated = 0;
  CollectorOptions options;
  options.validator = [&](const log::TopicInfo& topic, std::span<const Event> events) {
    ++validated;
    EXPECT_EQ(topic.name, "typed");
    std::vector<Rejection> out;
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].json.find("\"ok\":false") != std::string_view::npos) out.push_back({i, "ok is false"});
    }
    if (!out.empty()) out.push_back(out.front());  // a duplicate, which the collector drops
    return out;
  };
  options.dead_letters = [&](const log::TopicInfo&, std::span<const Event> events,
                             std::span<const Rejection> rejected) {
    for (const Rejection& r : rejected) dead.push_back(std::string(events[r.index].json) + " " + r.reason);
  };
  Make(options);
  CollectResult r = Collect("{\"ok\":true}\n{\"ok\":false}\n\n{\"ok\":true}\n{\"ok\":false}\n", {}, "typed");
  EXPECT_EQ(r.accepted, 2u);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].index, 1u);
  EXPECT_EQ(r.rejected[0].line, 2);
  EXPECT_EQ(r.rejected[1].line, 5);
  EXPECT_EQ(r.rejected[1].reason, "ok is false");
  EXPECT_EQ(dead, (std::vector<std::string>{"{\"ok\":false} ok is false", "{\"ok\":false} ok is false"}));
  auto records = Records("typed", 0);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value, "{\"ok\":true}");
  // Topics without a schema are not validated.
  Collect("{\"ok\":false}");
  EXPECT_EQ(validated, 1);
}

TEST_F(EventCollectorTest, DeadLettersMayBeCollectedIntoAnotherTopic) {
  logs_.CreateTopic("typed", 1, {{"basin.schema", "ok BOOLEAN"}});
  logs_.CreateTopic("typed_dead_letters", 1);
  CollectorOptions options;
  options.validator = [](const log::TopicInfo&, std::span<const Event> events) {
    std::vector<Rejection> out;
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].json.find("false") != std::string_view::npos) out.push_back({i, "ok is false"});
    }
    return out;
  };
  options.dead_letters = [this](const log::TopicInfo& topic, std::span<const Event> events,
                                std::span<const Rejection> rejected) {
    std::string body;
    for (const Rejection& r : rejected) body += std::string(events[r.index].json) + "\n";
    Collect(body, {}, topic.name + "_dead_letters");  // the same thread, inside the first Collect
    // The first Collect's events are intact.
    EXPECT_EQ(events[rejected[0].index].json, "{\"ok\":false,\"n\":2}");
  };
  Make(options);
  CollectResult r =
      Collect("{\"ok\":true,\"n\":1}\n{\"ok\":false,\"n\":2}\n{\"ok\":true,\"n\":3}\n", {}, "typed");
  EXPECT_EQ(r.accepted, 2u);
  EXPECT_EQ(Records("typed", 0).size(), 2u);
  auto dead = Records("typed_dead_letters", 0);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].value, "{\"ok\":false,\"n\":2}");
}

TEST_F(EventCollectorTest, TopicSchemasSendMisfitsToTheDeadLetterTopic) {
  log::TopicSchema schema;
  schema.columns = {{"user_id", LogicalType(TypeId::kBigInt), true},
                    {"url", LogicalType(TypeId::kVarchar), false}};
  logs_.CreateTopic("typed", 2, schema.ToConfig());
  CollectorOptions options;
  options.clock = clock_.clock();
  UseTopicSchemas(logs_, options);
  Make(options);
  CollectRequest keyed;
  keyed.fields.key = "k";
  CollectResult r = Collect(
      "{\"user_id\":1,\"url\":\"/a\",\"k\":\"x\"}\n"
      "{\"user_id\":\"one\",\"k\":\"y\"}\n"
      "{\"url\":\"/b\"}\n",
      keyed, "typed");
  EXPECT_EQ(r.accepted, 1u);
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_EQ(r.rejected[0].line, 2);
  EXPECT_NE(r.rejected[0].reason.find("user_id"), std::string::npos) << r.rejected[0].reason;
  EXPECT_EQ(r.rejected[1].reason, "field \"user_id\" is missing but declared NOT NULL");

  // The keyed misfit goes where its key would have, the keyless one to partition 0; both with the reason.
  std::optional<log::TopicInfo> dlq = logs_.FindTopic("typed.dlq");
  ASSERT_TRUE(dlq.has_value());
  EXPECT_EQ(dlq->partitions, 2);
  std::vector<StoredRecord> keyed_dead = Records("typed.dlq", log::PartitionForKey("y", 2));
  ASSERT_FALSE(keyed_dead.empty());
  EXPECT_EQ(keyed_dead.front().key, "y");
  EXPECT_EQ(keyed_dead.front().value, "{\"user_id\":\"one\",\"k\":\"y\"}");
  EXPECT_EQ(keyed_dead.front().error, r.rejected[0].reason);
  EXPECT_EQ(keyed_dead.front().timestamp, clock_.now());
  std::vector<StoredRecord> keyless_dead = Records("typed.dlq", 0);
  ASSERT_FALSE(keyless_dead.empty());
  EXPECT_EQ(keyless_dead.back().value, "{\"url\":\"/b\"}");
  EXPECT_EQ(TotalRecords("typed.dlq"), 2);

  // Topics without a schema take anything, and make no dead-letter topic.
  EXPECT_EQ(Collect("{\"user_id\":\"one\"}").accepted, 1u);
  EXPECT_FALSE(logs_.FindTopic("clicks.dlq").has_value());
}

TEST_F(EventCollectorTest, ConcurrentRequestsAllLand) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      CollectRequest request;
      request.fields.key = "k";
      for (int i = 0; i < 50; ++i) {
        std::string body;
        for (int j = 0; j < 20; ++j) body += "{\"k\":" + std::to_string(t * 1000 + j) + "}\n";
        Admission admission = collector_->Admit("clicks", body.size());
        Collect(body, request);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(TotalRecords(), 4 * 50 * 20);
}

}  // namespace
}  // namespace basin::ingest
