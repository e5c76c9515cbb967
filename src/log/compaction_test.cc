#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "helpers/log_testing.h"
#include "log/partition.h"

namespace basin::log {
namespace {

using testing::ManualClock;
using testing::ReadRecords;
using testing::ScratchDir;

std::string KeyedBatch(const std::vector<std::pair<std::string, std::optional<std::string>>>& records,
                       int64_t timestamp, Compression codec = Compression::kNone) {
  BatchOptions options;
  options.compression = codec;
  RecordBatchBuilder builder(options);
  for (const auto& [key, value] : records) builder.Append(timestamp, key, value);
  return builder.Build();
}

std::vector<std::string> Summary(const Partition& p) {
  std::vector<std::string> out;
  for (const auto& r : ReadRecords(p)) out.push_back(std::to_string(r.offset) + ":" + r.key + "=" + r.value.value_or("null"));
  return out;
}

class CompactionTest : public ::testing::TestWithParam<Compression> {
 protected:
  std::unique_ptr<Partition> Open() {
    TopicConfig config;
    config.cleanup_compact = true;
    config.cleanup_delete = false;
    config.delete_retention_ms = 1000;
    return Partition::Open(dir_.path() / "c", "c-0", config, clock_.clock());
  }
  ScratchDir dir_;
  ManualClock clock_;
};

TEST_P(CompactionTest, KeepsTheLatestRecordPerKeyAndDropsTombstonesAfterTheirHorizon) {
  const Compression codec = GetParam();
  auto p = Open();
  const int64_t t = clock_.now();
  p->Append(KeyedBatch({{"a", "1"}, {"b", "1"}, {"c", "1"}, {"d", "1"}}, t, codec));  // 0..3
  p->Roll();
  p->Append(KeyedBatch({{"a", "2"}, {"c", std::nullopt}}, t, codec));  // 4, 5
  p->Append(KeyedBatch({{"b", "2"}}, t, codec));                       // 6
  p->Roll();
  p->Append(KeyedBatch({{"d", "2"}}, t, codec));  // 7, in the active segment
  const uint64_t before = p->Stats().size_bytes;
  EXPECT_GT(p->Compact(), 0u);
  EXPECT_LT(p->Stats().size_bytes, before);
  // d=1 stays: the active segment is not compacted and does not count.
  EXPECT_EQ(Summary(*p), (std::vector<std::string>{"3:d=1", "4:a=2", "5:c=null", "6:b=2", "7:d=2"}));
  EXPECT_EQ(p->Compact(), 0u);  // nothing new: nothing to do
  // Past the tombstone's delete horizon, with d=2 in a closed segment now.
  clock_.Advance(2000);
  p->Roll();
  p->Append(KeyedBatch({{"e", "1"}}, t, codec));
  EXPECT_GT(p->Compact(), 0u);
  EXPECT_EQ(Summary(*p), (std::vector<std::string>{"4:a=2", "6:b=2", "7:d=2", "8:e=1"}));
  // Offsets stay where they were: reads by offset still land.
  EXPECT_EQ(DecodeBatchHeader(p->Read(6, 1).records.data()).base_offset, 6);
  EXPECT_EQ(p->log_start_offset(), 0);
  EXPECT_EQ(p->Read(0, 1 << 20).records.empty(), false);
  p->Close();
  // As if the swap of a cleaned segment stopped after renaming its log: its indexes are rebuilt on open.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() / "c")) {
    if (entry.path().extension() == ".index" || entry.path().extension() == ".timeindex")
      std::filesystem::remove(entry.path());
  }
  p = Open();
  EXPECT_EQ(Summary(*p), (std::vector<std::string>{"4:a=2", "6:b=2", "7:d=2", "8:e=1"}));
  EXPECT_EQ(p->OffsetForTimestamp(t)->offset, 4);
  EXPECT_EQ(p->Append(KeyedBatch({{"f", "1"}}, t)).base_offset, 9);
}

TEST_P(CompactionTest, TheMinimumLagProtectsRecentSegments) {
  auto p = Open();
  TopicConfig config = p->config();
  config.min_compaction_lag_ms = 10'000;
  p->SetConfig(config);
  p->Append(KeyedBatch({{"a", "1"}}, clock_.now(), GetParam()));
  p->Roll();
  p->Append(KeyedBatch({{"a", "2"}}, clock_.now(), GetParam()));
  p->Roll();
  EXPECT_EQ(p->Compact(), 0u);
  clock_.Advance(20'000);
  p->Append(KeyedBatch({{"z", "1"}}, clock_.now(), GetParam()));  // a new closed segment makes it run again
  p->Roll();
  EXPECT_GT(p->Compact(), 0u);
  EXPECT_EQ(Summary(*p), (std::vector<std::string>{"1:a=2", "2:z=1"}));
}

TEST_P(CompactionTest, ReadersAndAppendersCarryOnWhileSegmentsAreSwapped) {
  auto p = Open();
  std::atomic<bool> done{false};
  std::thread appender([&] {
    for (int i = 0; i < 400; ++i) {
      p->Append(KeyedBatch({{"k" + std::to_string(i % 7), std::to_string(i)}, {"x", "y"}}, clock_.now(), GetParam()));
      if (i % 20 == 19) p->Roll();
    }
    done = true;
  });
  std::thread reader([&] {
    RecordReader records;
    Record record;
    while (!done.load()) {
      int64_t offset = p->log_start_offset();
      while (offset < p->high_watermark()) {
        ReadResult r = p->Read(offset, 4096);
        BatchIterator batches(r.records);
        std::string_view batch;
        int64_t next = offset;
        while (batches.Next(batch)) {
          const BatchHeader h = ValidateBatch(batch, "read during compaction");
          EXPECT_GE(h.next_offset(), offset);
          records.Reset(batch);
          while (records.Next(record)) EXPECT_TRUE(record.key.has_value());
          next = h.next_offset();
        }
        if (next == offset) break;
        offset = next;
      }
    }
  });
  while (!done.load()) p->Compact();
  appender.join();
  reader.join();
  p->Roll();
  p->Compact();
  // Each of the 7 keys and "x" once, at its last value.
  const auto summary = Summary(*p);
  ASSERT_EQ(summary.size(), 8u);
  EXPECT_EQ(summary.back(), "799:x=y");
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompactionTest, ::testing::Values(Compression::kNone, Compression::kZstd));

}  // namespace
}  // namespace basin::log
