#include "log/producer_state.h"

#include <gtest/gtest.h>

#include "helpers/log_testing.h"
#include "log/errors.h"
#include "log/partition.h"

namespace basin::log {
namespace {

using testing::ManualClock;
using testing::ProducerBatch;
using testing::ScratchDir;

class IdempotenceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Partition> Open() { return Partition::Open(dir_.path() / "p", "t-0", {}, clock_.clock()); }
  ScratchDir dir_;
  ManualClock clock_;
};

TEST_F(IdempotenceTest, ARetriedBatchGetsItsOriginalOffsets) {
  auto p = Open();
  p->Append(testing::NumberedBatch(0, 2));  // a plain producer first
  const AppendResult first = p->Append(ProducerBatch(7, 0, 0, 3));
  const AppendResult second = p->Append(ProducerBatch(7, 0, 3, 2));
  EXPECT_EQ(first.base_offset, 2);
  EXPECT_EQ(second.base_offset, 5);
  const AppendResult retry = p->Append(ProducerBatch(7, 0, 0, 3));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.base_offset, 2);
  EXPECT_EQ(retry.last_offset, 4);
  EXPECT_TRUE(p->Append(ProducerBatch(7, 0, 3, 2)).duplicate);
  EXPECT_EQ(p->high_watermark(), 7);
  // Plain batches are never deduplicated.
  EXPECT_FALSE(p->Append(testing::NumberedBatch(0, 2)).duplicate);
}

TEST_F(IdempotenceTest, OutOfOrderSequencesAndStaleEpochsAreRefused) {
  auto p = Open();
  p->Append(ProducerBatch(7, 1, 0, 3));
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 1, 5, 1)); }), ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 0, 3, 1)); }), ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 2, 3, 1)); }), ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(p->Append(ProducerBatch(7, 2, 0, 1)).base_offset, 3);  // a new epoch starts at 0
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 1, 3, 1)); }), ErrorCode::kInvalidProducerEpoch);
  // Another producer is independent, and an unknown one may start anywhere.
  EXPECT_EQ(p->Append(ProducerBatch(8, 0, 40, 1)).base_offset, 4);
  EXPECT_EQ(p->high_watermark(), 5);
}

TEST_F(IdempotenceTest, OnlyTheLastFiveBatchesAreRemembered) {
  auto p = Open();
  for (int i = 0; i < 7; ++i) p->Append(ProducerBatch(7, 0, i, 1));
  for (int i = 2; i < 7; ++i) EXPECT_TRUE(p->Append(ProducerBatch(7, 0, i, 1)).duplicate) << i;
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 0, 1, 1)); }), ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(p->Producer(7)->batches.size(), ProducerStateManager::kRetainedBatches);
}

TEST_F(IdempotenceTest, SequencesWrapAtInt32Max) {
  auto p = Open();
  p->Append(ProducerBatch(7, 0, INT32_MAX - 1, 2));
  EXPECT_EQ(p->Append(ProducerBatch(7, 0, 0, 1)).base_offset, 2);
}

TEST_F(IdempotenceTest, TheStateSurvivesRestartsCleanOrNot) {
  {
    auto p = Open();
    p->Append(ProducerBatch(7, 0, 0, 3));
    p->Roll();  // snapshot at offset 3
    p->Append(ProducerBatch(7, 0, 3, 3));
    p->Append(ProducerBatch(9, 4, 0, 1));
  }  // killed: replay after the snapshot
  {
    auto p = Open();
    EXPECT_EQ(p->Append(ProducerBatch(7, 0, 3, 3)).base_offset, 3);
    EXPECT_TRUE(p->Append(ProducerBatch(7, 0, 0, 3)).duplicate);
    EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(9, 3, 1, 1)); }), ErrorCode::kInvalidProducerEpoch);
    EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(ProducerBatch(7, 0, 9, 1)); }), ErrorCode::kOutOfOrderSequenceNumber);
    p->Append(ProducerBatch(7, 0, 6, 1));
    p->Close();  // snapshot at the end
  }
  auto p = Open();
  EXPECT_TRUE(p->Append(ProducerBatch(7, 0, 6, 1)).duplicate);
  EXPECT_EQ(p->Append(ProducerBatch(7, 0, 7, 1)).base_offset, 8);
}

TEST_F(IdempotenceTest, CorruptSnapshotsFallBackToTheLog) {
  {
    auto p = Open();
    p->Append(ProducerBatch(7, 0, 0, 3));
    p->Close();
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "p")) {
    if (entry.path().extension() == ".snapshot") std::filesystem::resize_file(entry.path(), 10);
  }
  auto p = Open();
  EXPECT_TRUE(p->Append(ProducerBatch(7, 0, 0, 3)).duplicate);
}

TEST_F(IdempotenceTest, IdleProducersExpire) {
  auto p = Open();
  clock_.Advance(0);
  p->Append(ProducerBatch(7, 0, 0, 1));  // batch timestamps are 1000..: long ago for the clock
  EXPECT_TRUE(p->Producer(7).has_value());
  p->ExpireProducers(24LL * 3600 * 1000);
  EXPECT_FALSE(p->Producer(7).has_value());
}

}  // namespace
}  // namespace basin::log
