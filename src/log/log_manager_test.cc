#include "log/log_manager.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "helpers/log_testing.h"
#include "log/errors.h"
#include "log/producer_state.h"

namespace basin::log {
namespace {

using testing::ManualClock;
using testing::NumberedBatch;
using testing::ReadRecords;
using testing::ScratchDir;

CommittedOffset At(int64_t offset, int32_t leader_epoch = -1, std::string metadata = "") {
  CommittedOffset c;
  c.offset = offset;
  c.leader_epoch = leader_epoch;
  c.metadata = std::move(metadata);
  return c;
}

class LogManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogManager> Open() {
    LogManagerOptions options;
    options.clock = clock_.clock();
    return std::make_unique<LogManager>(dir_.path() / "log", options);
  }
  ScratchDir dir_;
  ManualClock clock_;
};

TEST_F(LogManagerTest, CreatesListsDescribesAndPersistsTopics) {
  std::array<uint8_t, 16> id{};
  {
    auto log = Open();
    EXPECT_EQ(log->ListTopics(), std::vector<std::string>{kConsumerOffsetsTopic});
    EXPECT_TRUE(log->ListTopics(false).empty());
    const TopicInfo info = log->CreateTopic("clicks", 3, {{"retention.ms", "1000"}, {"basin.schema", "user_id BIGINT"}});
    id = info.id;
    EXPECT_EQ(info.config.retention_ms, 1000);
    EXPECT_EQ(info.config.schema(), "user_id BIGINT");
    log->GetPartition("clicks", 2)->Append(NumberedBatch(0, 5));
    const TopicDescription d = log->DescribeTopic("clicks");
    ASSERT_EQ(d.partitions.size(), 3u);
    EXPECT_EQ(d.partitions[2].high_watermark, 5);
    EXPECT_EQ(d.partitions[0].high_watermark, 0);
  }
  auto log = Open();
  EXPECT_EQ(log->ListTopics(false), std::vector<std::string>{"clicks"});
  const auto info = log->FindTopic("clicks");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->id, id);
  EXPECT_EQ(info->partitions, 3);
  EXPECT_EQ(info->overrides.at("retention.ms"), "1000");
  EXPECT_EQ(log->GetPartition("clicks", 2)->high_watermark(), 5);
  EXPECT_FALSE(log->FindTopic("nope").has_value());
}

TEST_F(LogManagerTest, RefusesBadNamesCountsAndConfigs) {
  auto log = Open();
  for (const std::string& name : std::vector<std::string>{"", ".", "..", "a b", "a/b", "é", std::string(250, 'x')}) {
    EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic(name, 1); }), ErrorCode::kInvalidTopic) << name;
  }
  log->CreateTopic(std::string(249, 'x'), 1);
  log->CreateTopic("a.b", 1);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic("a_b", 1); }), ErrorCode::kInvalidTopic);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic("a.b", 1); }), ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic("zero", 0); }), ErrorCode::kInvalidPartitions);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic("c", 1, {{"retention.ms", "soon"}}); }), ErrorCode::kInvalidConfig);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->CreateTopic("c", 1, {{"no.such.key", "1"}}); }), ErrorCode::kInvalidConfig);
  EXPECT_FALSE(log->FindTopic("c").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "log" / "c"));
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->GetPartition("a.b", 1); }), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->DeleteTopic(kConsumerOffsetsTopic); }), ErrorCode::kInvalidTopic);
}

TEST_F(LogManagerTest, AltersConfigsAndAddsPartitions) {
  {
    auto log = Open();
    log->CreateTopic("t", 1);
    auto partition = log->GetPartition("t", 0);
    log->AlterTopicConfig("t", {{"max.message.bytes", "100"}, {"cleanup.policy", "compact"}});
    EXPECT_EQ(partition->config().max_message_bytes, 100);
    EXPECT_EQ(testing::ErrorCodeOf([&] { partition->Append(NumberedBatch(0, 10)); }), ErrorCode::kMessageTooLarge);
    log->AlterTopicConfig("t", {{"max.message.bytes", std::nullopt}});
    EXPECT_EQ(partition->config().max_message_bytes, TopicConfig().max_message_bytes);
    EXPECT_EQ(testing::ErrorCodeOf([&] { log->AlterTopicConfig("t", {{"segment.bytes", "-5"}}); }), ErrorCode::kInvalidConfig);
    EXPECT_EQ(testing::ErrorCodeOf([&] { log->AddPartitions("t", 1); }), ErrorCode::kInvalidPartitions);
    log->AddPartitions("t", 4);
    log->GetPartition("t", 3)->Append(NumberedBatch(0, 2));
  }
  auto log = Open();
  const auto info = log->FindTopic("t");
  EXPECT_EQ(info->partitions, 4);
  EXPECT_TRUE(info->config.cleanup_compact);
  EXPECT_FALSE(info->overrides.contains("max.message.bytes"));
  EXPECT_EQ(log->GetPartition("t", 3)->high_watermark(), 2);
}

TEST_F(LogManagerTest, DeletesTopicsWhileAReaderHoldsAPartition) {
  auto log = Open();
  log->CreateTopic("gone", 2);
  auto partition = log->GetPartition("gone", 0);
  partition->Append(NumberedBatch(0, 3));
  log->group_offsets().Commit("g", {{{"gone", 0}, At(2)}, {{"kept", 0}, At(1)}});
  log->DeleteTopic("gone");
  EXPECT_FALSE(log->FindTopic("gone").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "log" / "gone"));
  EXPECT_EQ(testing::ErrorCodeOf([&] { partition->Append(NumberedBatch(0, 1)); }), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(testing::ErrorCodeOf([&] { log->DeleteTopic("gone"); }), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_FALSE(log->group_offsets().Fetch("g", {"gone", 0}).has_value());
  EXPECT_TRUE(log->group_offsets().Fetch("g", {"kept", 0}).has_value());
  log->CreateTopic("gone", 1);  // the name is free again, with no data
  EXPECT_EQ(log->GetPartition("gone", 0)->high_watermark(), 0);
}

TEST_F(LogManagerTest, LeftoversOfInterruptedCreatesAndDeletesAreRemoved) {
  std::filesystem::create_directories(dir_.path() / "log" / "half" / "0");
  std::filesystem::create_directories(dir_.path() / "log" / "~deleting-x-1" / "0");
  auto log = Open();
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "log" / "half"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "log" / "~deleting-x-1"));
}

TEST_F(LogManagerTest, ProducerIdsAreNeverReusedAfterARestart) {
  int64_t last = 0;
  {
    auto log = Open();
    EXPECT_EQ(log->InitProducerId().producer_id, 0);
    last = log->InitProducerId().producer_id;
    EXPECT_EQ(log->InitProducerId().producer_epoch, 0);
  }  // no clean shutdown needed: the block was persisted before use
  auto log = Open();
  EXPECT_GT(log->InitProducerId().producer_id, last + 1);
}

TEST_F(LogManagerTest, GroupOffsetsAreDurableAndDeletable) {
  {
    auto log = Open();
    auto& groups = log->group_offsets();
    groups.Commit("g1", {{{"t", 0}, At(10, 3, "meta")}, {{"t", 1}, At(20)}});
    groups.Commit("g1", {{{"t", 0}, At(11)}});
    groups.Commit("g2", {{{"u", 0}, At(5)}});
    groups.Commit("g3", {{{"u", 0}, At(7)}});
    groups.DeleteGroup("g3");
    groups.DeleteOffsets("g2", {{"u", 0}});
    EXPECT_EQ(testing::ErrorCodeOf([&] { groups.DeleteGroup("g3"); }), ErrorCode::kGroupIdNotFound);
    EXPECT_EQ(groups.Fetch("g1", {"t", 0})->offset, 11);
    EXPECT_EQ(groups.Fetch("g1", {"t", 0})->commit_timestamp, clock_.now());
  }
  // Reopen and compact the offsets topic: the answers stay.
  for (int round = 0; round < 2; ++round) {
    auto log = Open();
    auto& groups = log->group_offsets();
    EXPECT_EQ(groups.ListGroups(), std::vector<std::string>{"g1"});
    const auto all = groups.FetchAll("g1");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all.at({"t", 0}).offset, 11);
    EXPECT_EQ(all.at({"t", 1}).offset, 20);
    EXPECT_FALSE(groups.Fetch("g2", {"u", 0}).has_value());
    auto offsets = log->GetPartition(kConsumerOffsetsTopic, 0);
    offsets->Roll();
    clock_.Advance(48LL * 3600 * 1000);  // past delete.retention.ms
    log->RunMaintenance();
  }
}

TEST_F(LogManagerTest, MaintenanceAppliesRetention) {
  auto log = Open();
  log->CreateTopic("short", 1, {{"retention.ms", "1000"}});
  auto p = log->GetPartition("short", 0);
  p->Append(NumberedBatch(0, 3, clock_.now()));
  p->Roll();
  p->Append(NumberedBatch(3, 3, clock_.now()));
  clock_.Advance(5000);
  log->RunMaintenance();
  EXPECT_EQ(p->log_start_offset(), 3);
}

TEST_F(LogManagerTest, ManyThreadsAppendToManyPartitions) {
  auto log = Open();
  log->CreateTopic("busy", 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) log->GetPartition("busy", (t + i) % 4)->Append(NumberedBatch(i, 5));
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) log->RunMaintenance();
  });
  for (auto& t : threads) t.join();
  int64_t total = 0;
  for (int p = 0; p < 4; ++p) total += log->GetPartition("busy", p)->high_watermark();
  EXPECT_EQ(total, 4 * 200 * 5);
}

TEST_F(LogManagerTest, NothingAcknowledgedIsLostToKill9) {
  // The child acknowledges writes of every kind, then is killed with SIGKILL: no destructor, no flush.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto log = Open();
    log->CreateTopic("events", 2, {{"segment.bytes", "1000"}});
    auto p = log->GetPartition("events", 1);
    EXPECT_EQ(log->InitProducerId().producer_id, 0);
    for (int i = 0; i < 30; ++i) p->Append(testing::ProducerBatch(0, 0, i * 2, 2, i * 2));
    log->group_offsets().Commit("readers", {{{"events", 1}, At(42, 0, "m")}});
    log->InitProducerId();
    raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto log = Open();
  auto p = log->GetPartition("events", 1);
  EXPECT_EQ(p->high_watermark(), 60);
  EXPECT_GT(p->Stats().segments, 2u);
  EXPECT_EQ(ReadRecords(*p).size(), 60u);
  // The producer state is replayed from the log: a retry of the last batch is recognised.
  EXPECT_TRUE(p->Append(testing::ProducerBatch(0, 0, 58, 2)).duplicate);
  EXPECT_EQ(log->group_offsets().Fetch("readers", {"events", 1})->offset, 42);
  EXPECT_GT(log->InitProducerId().producer_id, 1);
}

TEST_F(LogManagerTest, AppendListenerHearsEveryPartitionOldAndNew) {
  auto log = Open();
  log->CreateTopic("before", 2);
  std::vector<std::pair<std::string, int32_t>> heard;
  log->SetAppendListener([&](const std::string& topic, int32_t partition) { heard.emplace_back(topic, partition); });
  log->CreateTopic("after", 1);
  log->GetPartition("before", 1)->Append(NumberedBatch(0, 3));
  log->GetPartition("after", 0)->Append(NumberedBatch(0, 1));
  log->AddPartitions("after", 2);
  log->GetPartition("after", 1)->Append(NumberedBatch(0, 1));
  // An idempotent retry writes nothing, so nobody is woken.
  auto p = log->GetPartition("before", 0);
  p->Append(testing::ProducerBatch(7, 0, 0, 2));
  p->Append(testing::ProducerBatch(7, 0, 0, 2));
  EXPECT_EQ(heard, (std::vector<std::pair<std::string, int32_t>>{{"before", 1}, {"after", 0}, {"after", 1}, {"before", 0}}));
  log->SetAppendListener(nullptr);
  p->Append(NumberedBatch(0, 1));
  EXPECT_EQ(heard.size(), 4u);
  log->Flush();
}

TEST_F(LogManagerTest, MaintenanceStartsAndStops) {
  auto log = Open();
  log->StartMaintenance(std::chrono::milliseconds(1));
  log->StartMaintenance(std::chrono::milliseconds(1));  // already running: no second thread
  log->StopMaintenance();
  log->StopMaintenance();
  log->StartMaintenance(std::chrono::hours(1));
}  // the destructor stops it

}  // namespace
}  // namespace basin::log
