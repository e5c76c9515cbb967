#include "server/kafka/broker.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>

#include "helpers/log_testing.h"
#include "log/log_manager.h"

namespace basin::kafka {
namespace {

using log::testing::NumberedBatch;
using log::testing::ProducerBatch;
using log::testing::ScratchDir;

/// Where the test's replies go: each response frame by request sequence, and closes.
class CaptureSink : public ResponseSink {
 public:
  void Deliver(uint64_t sequence, EncodedFrame frame) override { frames[sequence] = frame.Flatten(); }
  void CloseAfter(uint64_t sequence, std::string reason) override { closes[sequence] = reason; }
  void Abandon(uint64_t sequence) override { abandoned.insert(sequence); }
  std::map<uint64_t, std::string> frames;
  std::map<uint64_t, std::string> closes;
  std::set<uint64_t> abandoned;
};

/// Timers the test fires by hand: RunDue runs the zero-delay ones (wake-ups), RunAll every one pending.
class ManualTimers {
 public:
  RunAfterFn fn() {
    return [this](std::chrono::milliseconds delay, std::function<void()> f) { pending_.push_back({delay, std::move(f)}); };
  }
  void RunDue() { Run(false); }
  void RunAll() { Run(true); }
  /// Forget the pending timers (their broker is gone).
  void Clear() { pending_.clear(); }

 private:
  void Run(bool all) {
    std::deque<std::pair<std::chrono::milliseconds, std::function<void()>>> now;
    std::swap(now, pending_);
    for (auto& [delay, f] : now) {
      if (all || delay.count() == 0) {
        f();
      } else {
        pending_.push_back({delay, std::move(f)});
      }
    }
  }
  std::deque<std::pair<std::chrono::milliseconds, std::function<void()>>> pending_;
};

/// A call whose answer may come later: `Get` decodes it once it has.
template <class Response>
struct Call {
  std::shared_ptr<CaptureSink> sink;
  uint64_t sequence;
  int16_t version;
  bool answered() const { return sink->frames.count(sequence) > 0; }
  Response Get() const {
    EXPECT_TRUE(answered());
    const std::string& frame = sink->frames.at(sequence);
    int32_t correlation_id = 0;
    return DecodeResponse<Response>(SharedBytes::Copy(std::string_view(frame).substr(4)), version, &correlation_id);
  }
};

class BrokerTest : public ::testing::Test {
 protected:
  BrokerTest() { Open(); }

  void Open(BrokerOptions options = {}) {
    timers_.Clear();
    broker_.reset();
    log_.reset();
    log_ = std::make_unique<log::LogManager>(dir_.path() / "log");
    options.groups.initial_rebalance_delay_ms = 0;
    broker_ = std::make_unique<Broker>(*log_, options);
    broker_->Attach(timers_.fn(), [] { return uint16_t{9092}; });
  }

  template <class Request, class Response>
  Call<Response> Send(void (Broker::*method)(const RequestContext&, Request, Reply<Response>), Request request,
                      int16_t version, uint64_t connection_id = 1) {
    const uint64_t sequence = next_sequence_++;
    auto state = std::make_shared<internal::ReplyState>(sink_, sequence, 7, version, false);
    RequestContext ctx;
    ctx.connection_id = connection_id;
    ctx.client_id = "test";
    ctx.api_version = version;
    ((*broker_).*method)(ctx, std::move(request), Reply<Response>(state));
    return {sink_, sequence, version};
  }

  ProduceResponse::Partition Produce(const std::string& topic, int32_t partition, std::string records,
                                     int16_t acks = -1) {
    ProduceRequest request;
    request.acks = acks;
    request.timeout_ms = 1000;
    request.topics.push_back({topic, {{partition, SharedBytes::Copy(records)}}});
    auto call = Send(&Broker::Produce, std::move(request), 9);
    return call.Get().topics.at(0).partitions.at(0);
  }

  static FetchRequest FetchOf(const std::string& topic, std::vector<std::pair<int32_t, int64_t>> offsets,
                              int32_t max_wait_ms = 0, int32_t min_bytes = 1) {
    FetchRequest request;
    request.max_wait_ms = max_wait_ms;
    request.min_bytes = min_bytes;
    FetchRequest::Topic& t = request.topics.emplace_back();
    t.topic = topic;
    for (auto [p, offset] : offsets) {
      FetchRequest::Partition& fp = t.partitions.emplace_back();
      fp.partition = p;
      fp.fetch_offset = offset;
      fp.partition_max_bytes = 1 << 20;
    }
    return request;
  }

  /// Offsets of the records in a fetched partition's batches.
  static std::vector<int64_t> Offsets(const FetchResponse::Partition& p) {
    std::vector<int64_t> offsets;
    if (!p.records) return offsets;
    log::BatchIterator batches(p.records->view());
    std::string_view batch;
    log::RecordReader reader;
    log::Record record;
    while (batches.Next(batch)) {
      reader.Reset(batch);
      while (reader.Next(record)) offsets.push_back(record.offset);
    }
    return offsets;
  }

  void CreateTopic(const std::string& name, int32_t partitions, std::vector<CreateTopicsRequest::Config> configs = {}) {
    log_->CreateTopic(name, partitions);
    for (const auto& c : configs) log_->AlterTopicConfig(name, {{c.name, c.value}});
  }

  ScratchDir dir_;
  ManualTimers timers_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<Broker> broker_;
  std::shared_ptr<CaptureSink> sink_ = std::make_shared<CaptureSink>();
  uint64_t next_sequence_ = 0;
};

TEST_F(BrokerTest, ProducedBatchesAreFetchedWithTheirOffsets) {
  CreateTopic("clicks", 2);
  EXPECT_EQ(Produce("clicks", 1, NumberedBatch(0, 3)).base_offset, 0);
  const ProduceResponse::Partition second = Produce("clicks", 1, NumberedBatch(3, 2));
  EXPECT_EQ(second.error_code, ErrorCode::kNone);
  EXPECT_EQ(second.base_offset, 3);
  EXPECT_EQ(second.log_start_offset, 0);

  const FetchResponse response = Send(&Broker::Fetch, FetchOf("clicks", {{1, 0}, {0, 0}}), 12).Get();
  EXPECT_EQ(response.session_id, 0);
  const FetchResponse::Partition& p1 = response.responses.at(0).partitions.at(0);
  EXPECT_EQ(p1.high_watermark, 5);
  EXPECT_EQ(Offsets(p1), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  const FetchResponse::Partition& p0 = response.responses.at(0).partitions.at(1);
  EXPECT_EQ(p0.high_watermark, 0);
  EXPECT_TRUE(Offsets(p0).empty());
}

TEST_F(BrokerTest, ProduceAnswersEachPartitionWithKafkasErrors) {
  CreateTopic("clicks", 1);
  EXPECT_EQ(Produce("nope", 0, NumberedBatch(0, 1)).error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Produce("clicks", 1, NumberedBatch(0, 1)).error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(Produce("clicks", 0, NumberedBatch(0, 1), 2).error_code, ErrorCode::kInvalidRequiredAcks);
  EXPECT_EQ(Produce(log::kConsumerOffsetsTopic, 0, NumberedBatch(0, 1)).error_code,
            ErrorCode::kInvalidTopicException);
  std::string corrupt = NumberedBatch(0, 2);
  corrupt.back() ^= 1;
  const ProduceResponse::Partition bad = Produce("clicks", 0, corrupt);
  EXPECT_EQ(bad.error_code, ErrorCode::kCorruptMessage);
  EXPECT_TRUE(bad.error_message && bad.error_message->find("clicks-0") != std::string::npos) << *bad.error_message;
  EXPECT_EQ(Produce("clicks", 0, "").error_code, ErrorCode::kCorruptMessage);

  // acks=0 has no response: a failure closes the connection instead.
  ProduceRequest request;
  request.acks = 0;
  request.topics.push_back({"nope", {{0, SharedBytes::Copy(NumberedBatch(0, 1))}}});
  const auto call = Send(&Broker::Produce, std::move(request), 9);
  EXPECT_TRUE(sink_->closes.count(call.sequence));
}

TEST_F(BrokerTest, IdempotentRetriesAreAnsweredWithTheOriginalOffsets) {
  CreateTopic("clicks", 1);
  const InitProducerIdResponse id = Send(&Broker::InitProducerId, InitProducerIdRequest{}, 4).Get();
  ASSERT_EQ(id.error_code, ErrorCode::kNone);
  EXPECT_EQ(id.producer_epoch, 0);
  EXPECT_EQ(Produce("clicks", 0, NumberedBatch(0, 1)).base_offset, 0);
  const std::string batch = ProducerBatch(id.producer_id, 0, 0, 3);
  EXPECT_EQ(Produce("clicks", 0, batch).base_offset, 1);
  const ProduceResponse::Partition retry = Produce("clicks", 0, batch);
  EXPECT_EQ(retry.error_code, ErrorCode::kNone);
  EXPECT_EQ(retry.base_offset, 1);
  EXPECT_EQ(broker_->duplicates_suppressed(), 1u);
  EXPECT_EQ(Produce("clicks", 0, ProducerBatch(id.producer_id, 0, 7, 1)).error_code,
            ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(log_->GetPartition("clicks", 0)->high_watermark(), 4);

  InitProducerIdRequest transactional;
  transactional.transactional_id = "tx";
  EXPECT_EQ(Send(&Broker::InitProducerId, transactional, 4).Get().error_code, ErrorCode::kInvalidRequest);
}

TEST_F(BrokerTest, FetchWaitsForAnAppendOrItsMaxWait) {
  CreateTopic("clicks", 2);
  // Nothing there: the fetch parks.
  const auto woken = Send(&Broker::Fetch, FetchOf("clicks", {{0, 0}, {1, 0}}, 500), 12);
  EXPECT_FALSE(woken.answered());
  Produce("clicks", 1, NumberedBatch(0, 2));
  timers_.RunDue();  // the append's wake-up
  ASSERT_TRUE(woken.answered());
  EXPECT_EQ(Offsets(woken.Get().responses.at(0).partitions.at(1)), (std::vector<int64_t>{0, 1}));

  // An append too small for min_bytes leaves it parked until max_wait, which answers with what there is.
  const auto waiting = Send(&Broker::Fetch, FetchOf("clicks", {{0, 0}}, 500, 1 << 20), 12);
  Produce("clicks", 0, NumberedBatch(0, 1));
  timers_.RunDue();
  EXPECT_FALSE(waiting.answered());
  timers_.RunAll();
  ASSERT_TRUE(waiting.answered());
  EXPECT_EQ(Offsets(waiting.Get().responses.at(0).partitions.at(0)), (std::vector<int64_t>{0}));

  // Timed out with nothing: an empty answer with the partition's offsets.
  const auto idle = Send(&Broker::Fetch, FetchOf("clicks", {{0, 1}}, 500), 12);
  timers_.RunAll();
  ASSERT_TRUE(idle.answered());
  EXPECT_EQ(idle.Get().responses.at(0).partitions.at(0).high_watermark, 1);

  // Shutting down answers parked fetches at once, and parks no new one.
  const auto parked = Send(&Broker::Fetch, FetchOf("clicks", {{0, 1}}, 500), 12);
  EXPECT_FALSE(parked.answered());
  broker_->BeginShutdown();
  EXPECT_TRUE(parked.answered());
  EXPECT_TRUE(Send(&Broker::Fetch, FetchOf("clicks", {{0, 1}}, 500), 12).answered());
  Open();  // the same log, a broker not shutting down

  // A closed connection's parked fetch is forgotten: an append schedules no wake-up for it.
  const auto orphan = Send(&Broker::Fetch, FetchOf("clicks", {{0, 1}}, 500), 12, /*connection_id=*/9);
  broker_->ConnectionClosed(9);
  Produce("clicks", 0, NumberedBatch(1, 1));
  timers_.RunDue();
  EXPECT_FALSE(orphan.answered());
}

TEST_F(BrokerTest, FetchErrorsAndByteLimits) {
  CreateTopic("clicks", 2);
  for (int i = 0; i < 4; ++i) {
    Produce("clicks", 0, NumberedBatch(i * 10, 10));
    Produce("clicks", 1, NumberedBatch(i * 10, 10));
  }
  // Out of range, and an unknown partition, answer at once even with a max wait.
  const auto call = Send(&Broker::Fetch, FetchOf("clicks", {{0, 100}, {7, 0}}, 500), 12);
  ASSERT_TRUE(call.answered());
  const FetchResponse out_of_range = call.Get();
  EXPECT_EQ(out_of_range.responses[0].partitions[0].error_code, ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(out_of_range.responses[0].partitions[0].high_watermark, 40);
  EXPECT_EQ(out_of_range.responses[0].partitions[1].error_code, ErrorCode::kUnknownTopicOrPartition);

  // A tiny response budget: the first batch whole, the next partition only its offsets.
  FetchRequest small = FetchOf("clicks", {{0, 0}, {1, 0}});
  small.max_bytes = 1;
  const FetchResponse limited = Send(&Broker::Fetch, small, 12).Get();
  EXPECT_EQ(Offsets(limited.responses[0].partitions[0]).size(), 10u);
  EXPECT_TRUE(Offsets(limited.responses[0].partitions[1]).empty());
  EXPECT_EQ(limited.responses[0].partitions[1].high_watermark, 40);

  // A fetch of no partitions is answered without waiting.
  FetchRequest nothing;
  nothing.max_wait_ms = 500;
  nothing.min_bytes = 1;
  EXPECT_TRUE(Send(&Broker::Fetch, nothing, 12).answered());

  // A fetch session is not kept: asking for one by id is refused.
  FetchRequest session = FetchOf("clicks", {{0, 0}});
  session.session_id = 5;
  EXPECT_EQ(Send(&Broker::Fetch, session, 12).Get().error_code, ErrorCode::kFetchSessionIdNotFound);
}

TEST_F(BrokerTest, ListOffsetsFindsEarliestLatestAndTimestamps) {
  CreateTopic("clicks", 1);
  Produce("clicks", 0, NumberedBatch(0, 5, /*timestamp=*/1000));
  ListOffsetsRequest request;
  request.topics.push_back({"clicks",
                            {{0, -1, ListOffsetsRequest::kEarliest, 1},
                             {0, -1, ListOffsetsRequest::kLatest, 1},
                             {0, -1, 1003, 1},
                             {0, -1, 5000, 1},
                             {3, -1, ListOffsetsRequest::kLatest, 1}}});
  const ListOffsetsResponse response = Send(&Broker::ListOffsets, request, 7).Get();
  const auto& p = response.topics.at(0).partitions;
  EXPECT_EQ(p[0].offset, 0);
  EXPECT_EQ(p[1].offset, 5);
  EXPECT_EQ(p[2].offset, 3);
  EXPECT_EQ(p[2].timestamp, 1003);
  EXPECT_EQ(p[3].offset, -1);
  EXPECT_EQ(p[4].error_code, ErrorCode::kUnknownTopicOrPartition);
  // v0 answers with a list of offsets.
  const ListOffsetsResponse v0 = Send(&Broker::ListOffsets, request, 0).Get();
  EXPECT_EQ(v0.topics[0].partitions[1].old_style_offsets, std::vector<int64_t>{5});
  EXPECT_TRUE(v0.topics[0].partitions[3].old_style_offsets.empty());
}

TEST_F(BrokerTest, MetadataDescribesThisBrokerAndAutoCreatesTopics) {
  BrokerOptions options;
  options.advertised_host = "basin.local";
  options.default_partitions = 3;
  Open(options);
  MetadataRequest request;
  request.topics = std::vector<MetadataRequest::Topic>{{{}, std::string("fresh")}};
  const MetadataResponse created = Send(&Broker::Metadata, request, 12).Get();
  ASSERT_EQ(created.brokers.size(), 1u);
  EXPECT_EQ(created.brokers[0].host, "basin.local");
  EXPECT_EQ(created.brokers[0].port, 9092);
  EXPECT_EQ(created.controller_id, 1);
  ASSERT_EQ(created.topics.size(), 1u);
  EXPECT_EQ(created.topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(created.topics[0].partitions.size(), 3u);
  EXPECT_EQ(created.topics[0].partitions[2].leader_id, 1);

  request.topics = std::vector<MetadataRequest::Topic>{{{}, std::string("other")}, {{}, std::string("bad name")}};
  request.allow_auto_topic_creation = false;
  const MetadataResponse refused = Send(&Broker::Metadata, request, 12).Get();
  EXPECT_EQ(refused.topics[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  request.allow_auto_topic_creation = true;
  const MetadataResponse invalid = Send(&Broker::Metadata, request, 12).Get();
  EXPECT_EQ(invalid.topics[1].error_code, ErrorCode::kInvalidTopicException);

  // By id (v10+), and every topic, the internal one marked.
  MetadataRequest by_id;
  by_id.topics = std::vector<MetadataRequest::Topic>{{created.topics[0].topic_id, std::nullopt}};
  EXPECT_EQ(Send(&Broker::Metadata, by_id, 12).Get().topics.at(0).name, "fresh");
  const MetadataResponse all = Send(&Broker::Metadata, MetadataRequest{}, 12).Get();
  std::map<std::string, bool> internal;
  for (const auto& t : all.topics) internal[t.name] = t.is_internal;
  EXPECT_EQ(internal, (std::map<std::string, bool>{{"__consumer_offsets", true}, {"fresh", false}, {"other", false}}));
}

TEST_F(BrokerTest, CreatesValidatesAndDeletesTopics) {
  CreateTopicsRequest request;
  request.topics.push_back({"a", 2, 1, {}, {{"retention.ms", std::string("1000")}}});
  request.topics.push_back({"b", -1, 3, {}, {}});
  request.topics.push_back({"c", 1, -1, {}, {{"no.such.config", std::string("1")}}});
  request.topics.push_back({"d", 0, -1, {}, {}});
  request.validate_only = true;
  const CreateTopicsResponse validated = Send(&Broker::CreateTopics, request, 7).Get();
  EXPECT_EQ(validated.topics[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(validated.topics[1].error_code, ErrorCode::kInvalidReplicationFactor);
  EXPECT_EQ(validated.topics[2].error_code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(validated.topics[3].error_code, ErrorCode::kInvalidPartitions);
  EXPECT_FALSE(log_->FindTopic("a"));

  request.validate_only = false;
  const CreateTopicsResponse created = Send(&Broker::CreateTopics, request, 7).Get();
  ASSERT_EQ(created.topics[0].error_code, ErrorCode::kNone) << *created.topics[0].error_message;
  EXPECT_EQ(created.topics[0].num_partitions, 2);
  bool saw_override = false;
  for (const auto& c : *created.topics[0].configs) {
    if (c.name == "retention.ms") saw_override = c.value == "1000" && c.config_source == 1;
  }
  EXPECT_TRUE(saw_override);
  EXPECT_EQ(log_->FindTopic("a")->config.retention_ms, 1000);
  EXPECT_EQ(Send(&Broker::CreateTopics, request, 7).Get().topics[0].error_code, ErrorCode::kTopicAlreadyExists);

  DeleteTopicsRequest deletes;
  deletes.topics = {{std::string("a"), {}}, {std::string("a"), {}}, {std::string("__consumer_offsets"), {}}};
  const DeleteTopicsResponse deleted = Send(&Broker::DeleteTopics, deletes, 6).Get();
  EXPECT_EQ(deleted.responses[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(deleted.responses[1].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(deleted.responses[2].error_code, ErrorCode::kInvalidTopicException);
  EXPECT_FALSE(log_->FindTopic("a"));
}

TEST_F(BrokerTest, DescribesTopicAndBrokerConfigs) {
  CreateTopic("clicks", 1, {{"retention.ms", std::string("5000")}});
  DescribeConfigsRequest request;
  request.resources.push_back({DescribeConfigsRequest::kTopic, "clicks", std::nullopt});
  request.resources.push_back({DescribeConfigsRequest::kTopic, "clicks", std::vector<std::string>{"segment.bytes"}});
  request.resources.push_back({DescribeConfigsRequest::kTopic, "nope", std::nullopt});
  request.resources.push_back({DescribeConfigsRequest::kBroker, "1", std::nullopt});
  const DescribeConfigsResponse response = Send(&Broker::DescribeConfigs, request, 4).Get();
  std::map<std::string, std::pair<std::string, int8_t>> all;
  for (const auto& c : response.results[0].configs) all[c.name] = {*c.value, c.config_source};
  EXPECT_EQ(all["retention.ms"], std::make_pair(std::string("5000"), int8_t{1}));
  EXPECT_EQ(all["cleanup.policy"], std::make_pair(std::string("delete"), int8_t{5}));
  ASSERT_EQ(response.results[1].configs.size(), 1u);
  EXPECT_EQ(response.results[1].configs[0].name, "segment.bytes");
  EXPECT_EQ(response.results[2].error_code, ErrorCode::kUnknownTopicOrPartition);
  bool listeners = false;
  for (const auto& c : response.results[3].configs) listeners |= c.name == "advertised.listeners";
  EXPECT_TRUE(listeners);
}

TEST_F(BrokerTest, GroupMembersCommitAndFetchOffsets) {
  CreateTopic("clicks", 2);
  FindCoordinatorRequest find;
  find.keys = {"readers"};
  const FindCoordinatorResponse coordinator = Send(&Broker::FindCoordinator, find, 3).Get();
  EXPECT_EQ(coordinator.coordinators.at(0).port, 9092);

  JoinGroupRequest join;
  join.group_id = "readers";
  join.session_timeout_ms = 10000;
  join.rebalance_timeout_ms = 10000;
  join.member_id = "";
  join.protocol_type = "consumer";
  join.protocols = {{"range", "meta"}};
  const auto joined_call = Send(&Broker::JoinGroup, join, 3);  // before v4: no MEMBER_ID_REQUIRED round
  timers_.RunAll();
  ASSERT_TRUE(joined_call.answered());
  const JoinGroupResponse joined = joined_call.Get();
  ASSERT_EQ(joined.error_code, ErrorCode::kNone);
  SyncGroupRequest sync;
  sync.group_id = "readers";
  sync.generation_id = joined.generation_id;
  sync.member_id = joined.member_id;
  sync.assignments = {{joined.member_id, "both"}};
  EXPECT_EQ(Send(&Broker::SyncGroup, sync, 3).Get().assignment, "both");

  OffsetCommitRequest commit;
  commit.group_id = "readers";
  commit.generation_id = joined.generation_id;
  commit.member_id = joined.member_id;
  commit.topics.push_back({"clicks", {{0, 42, -1, -1, std::string("m")}, {5, 1, -1, -1, std::nullopt}}});
  commit.topics.push_back({"nope", {{0, 1, -1, -1, std::nullopt}}});
  const OffsetCommitResponse committed = Send(&Broker::OffsetCommit, commit, 8).Get();
  EXPECT_EQ(committed.topics[0].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(committed.topics[0].partitions[1].error_code, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(committed.topics[1].partitions[0].error_code, ErrorCode::kUnknownTopicOrPartition);
  commit.generation_id = joined.generation_id + 1;
  EXPECT_EQ(Send(&Broker::OffsetCommit, commit, 8).Get().topics[0].partitions[0].error_code,
            ErrorCode::kIllegalGeneration);

  OffsetFetchRequest fetch;
  fetch.groups.push_back({"readers", std::vector<OffsetFetchRequest::Topic>{{"clicks", {0, 1}}}});
  const OffsetFetchResponse offsets = Send(&Broker::OffsetFetch, fetch, 6).Get();
  const auto& partitions = offsets.groups.at(0).topics.at(0).partitions;
  EXPECT_EQ(partitions[0].committed_offset, 42);
  EXPECT_EQ(partitions[0].metadata, "m");
  EXPECT_EQ(partitions[1].committed_offset, -1);
  OffsetFetchRequest every;
  every.groups.push_back({"readers", std::nullopt});
  EXPECT_EQ(Send(&Broker::OffsetFetch, every, 6).Get().groups.at(0).topics.at(0).partitions.size(), 1u);
  // v0-1 carry a group's error on each partition.
  OffsetFetchRequest nameless;
  nameless.groups.push_back({"", std::vector<OffsetFetchRequest::Topic>{{"clicks", {0}}}});
  EXPECT_EQ(Send(&Broker::OffsetFetch, nameless, 1).Get().groups.at(0).topics.at(0).partitions.at(0).error_code,
            ErrorCode::kInvalidGroupId);

  DescribeGroupsRequest describe;
  describe.groups = {"readers"};
  EXPECT_EQ(Send(&Broker::DescribeGroups, describe, 5).Get().groups.at(0).group_state, "Stable");

  // After a restart the group has no members, but its offsets, so it is listed and described as Empty.
  Open();
  const ListGroupsResponse listed = Send(&Broker::ListGroups, ListGroupsRequest{}, 4).Get();
  ASSERT_EQ(listed.groups.size(), 1u);
  EXPECT_EQ(listed.groups[0].group_id, "readers");
  EXPECT_EQ(listed.groups[0].group_state, "Empty");
  EXPECT_EQ(Send(&Broker::DescribeGroups, describe, 5).Get().groups.at(0).group_state, "Empty");
  EXPECT_EQ(Send(&Broker::OffsetFetch, fetch, 6).Get().groups.at(0).topics.at(0).partitions.at(0).committed_offset, 42);
}

TEST_F(BrokerTest, SchemaTopicsGoThroughTheSchemaHook) {
  std::vector<std::string> hooked;
  BrokerOptions options;
  options.schema_append = [&](const std::string& topic, int32_t partition, std::string_view records,
                              const log::AppendOptions& append) {
    hooked.push_back(topic + "-" + std::to_string(partition));
    return log_->GetPartition(topic, partition)->Append(records, append);
  };
  Open(options);
  CreateTopic("typed", 1, {{"basin.schema", std::string("[{\"name\":\"id\",\"type\":\"BIGINT\"}]")}});
  CreateTopic("plain", 1);
  EXPECT_EQ(Produce("typed", 0, NumberedBatch(0, 2)).base_offset, 0);
  EXPECT_EQ(Produce("plain", 0, NumberedBatch(0, 2)).base_offset, 0);
  EXPECT_EQ(hooked, std::vector<std::string>{"typed-0"});
}

}  // namespace
}  // namespace basin::kafka
