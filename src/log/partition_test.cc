#include "log/partition.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "common/logging.h"
#include "helpers/log_testing.h"
#include "log/errors.h"
#include "log/segment.h"

namespace basin::log {
namespace {

using testing::ManualClock;
using testing::NumberedBatch;
using testing::ReadRecords;
using testing::ScratchDir;

/// Captures log lines while alive.
class CapturedLines {
 public:
  CapturedLines() {
    previous_ = SetLogSink([this](LogLevel, std::string_view line) { lines_ += std::string(line) + "\n"; });
  }
  ~CapturedLines() { SetLogSink(previous_); }
  const std::string& text() const { return lines_; }

 private:
  std::string lines_;
  std::function<void(LogLevel, std::string_view)> previous_;
};

class PartitionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Partition> Open(const TopicConfig& config = {}) {
    return Partition::Open(dir_.path() / "t" / "0", "t-0", config, clock_.clock());
  }
  std::filesystem::path SegmentPath(int64_t base, std::string_view ext = ".log") const {
    return dir_.path() / "t" / "0" / SegmentFileName(base, ext);
  }
  ScratchDir dir_;
  ManualClock clock_;
};

TEST_F(PartitionTest, BatchesWithoutRecordsKeepTheirOffsetSpan) {
  // Such batches (all records taken out by schema validation, or by compaction) have no body at all.
  auto p = Open();
  RecordBatchBuilder empty;
  empty.SpanOffsets(2);
  const AppendResult result = p->Append(NumberedBatch(0, 1) + empty.Build() + NumberedBatch(1, 1));
  EXPECT_EQ(result.last_offset, 4);
  EXPECT_EQ(p->high_watermark(), 5);
  const std::vector<testing::ReadBack> records = ReadRecords(*p);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].offset, 4);
  p.reset();
  EXPECT_EQ(Open()->high_watermark(), 5);  // and survive recovery
}

TEST_F(PartitionTest, AppendAssignsOffsetsAndReadsReturnTheStoredBytes) {
  auto p = Open();
  const std::string first = NumberedBatch(0, 3);
  EXPECT_EQ(p->Append(first).base_offset, 0);
  const AppendResult second = p->Append(NumberedBatch(3, 2) + NumberedBatch(5, 4));  // two batches at once
  EXPECT_EQ(second.base_offset, 3);
  EXPECT_EQ(second.last_offset, 8);
  EXPECT_EQ(p->high_watermark(), 9);
  const ReadResult all = p->Read(0, 1 << 20);
  EXPECT_EQ(all.high_watermark, 9);
  EXPECT_EQ(all.log_start_offset, 0);
  // As produced, except the leader epoch field; the producer's base offset was 0 already.
  EXPECT_EQ(all.records.substr(0, 12), first.substr(0, 12));
  EXPECT_EQ(all.records.substr(16, first.size() - 16), first.substr(16));
  const auto records = ReadRecords(*p);
  ASSERT_EQ(records.size(), 9u);
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(records[i].offset, i);
    EXPECT_EQ(records[i].key, testing::Numbered("key-", i));
  }
}

TEST_F(PartitionTest, ReadsWholeBatchesWithinTheBudgetAndTheFirstOneEvenWhenLarger) {
  auto p = Open();
  const size_t batch_size = NumberedBatch(0, 10).size();
  for (int i = 0; i < 5; ++i) p->Append(NumberedBatch(i * 10, 10));
  EXPECT_EQ(p->Read(0, 1).records.size(), batch_size);  // larger than the budget: still whole
  EXPECT_EQ(p->Read(0, batch_size * 2 + batch_size / 2).records.size(), batch_size * 2);
  // An offset inside a batch reads from that batch's start.
  const ReadResult middle = p->Read(25, batch_size);
  EXPECT_EQ(DecodeBatchHeader(middle.records.data()).base_offset, 20);
  // Not past the end offset a SQL scan started with.
  EXPECT_EQ(p->Read(0, 1 << 20, 30).records.size(), batch_size * 3);
  EXPECT_TRUE(p->Read(50, 1 << 20).records.empty());
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Read(51, 100); }), ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Read(-1, 100); }), ErrorCode::kOffsetOutOfRange);
}

TEST_F(PartitionTest, RollsBySizeAndAgeAndIndexesFindEveryOffsetAfterReopening) {
  TopicConfig config;
  config.segment_bytes = 1500;
  config.index_interval_bytes = 300;
  config.segment_ms = 60'000;
  {
    auto p = Open(config);
    for (int i = 0; i < 60; ++i) p->Append(NumberedBatch(i * 3, 3, 1000 + i * 10));
    EXPECT_GT(p->Stats().segments, 5u);
    const size_t before = p->Stats().segments;
    clock_.Advance(60'000);
    p->Append(NumberedBatch(180, 3));
    EXPECT_EQ(p->Stats().segments, before + 1);  // rolled by age
    p->Close();
  }
  for (bool clean : {true, false}) {
    auto p = Open(config);
    EXPECT_EQ(p->high_watermark(), 183);
    for (int64_t offset = 0; offset < 183; offset += 7) {
      const ReadResult r = p->Read(offset, 1);
      const BatchHeader h = DecodeBatchHeader(r.records.data());
      EXPECT_LE(h.base_offset, offset);
      EXPECT_GT(h.next_offset(), offset);
    }
    EXPECT_EQ(ReadRecords(*p).size(), 183u);
    if (clean) p->Close();  // the second round opens after an unclean stop
  }
}

TEST_F(PartitionTest, ATornTailIsCutOnOpenAndLogged) {
  TopicConfig config;
  config.index_interval_bytes = 200;
  int64_t full = 0;
  {
    auto p = Open(config);
    for (int i = 0; i < 20; ++i) p->Append(NumberedBatch(i * 5, 5));
    full = static_cast<int64_t>(std::filesystem::file_size(SegmentPath(0)));
  }  // no Close: as after kill -9
  std::filesystem::resize_file(SegmentPath(0), full - 17);  // half a batch
  CapturedLines lines;
  auto p = Open(config);
  EXPECT_EQ(p->high_watermark(), 95);
  EXPECT_NE(lines.text().find("cut "), std::string::npos) << lines.text();
  const int64_t cut = full - 17 - static_cast<int64_t>(std::filesystem::file_size(SegmentPath(0)));
  EXPECT_NE(lines.text().find("cut " + std::to_string(cut) + " bytes"), std::string::npos) << lines.text();
  EXPECT_EQ(p->Append(NumberedBatch(95, 5)).base_offset, 95);
  EXPECT_EQ(ReadRecords(*p).size(), 100u);
}

TEST_F(PartitionTest, ACorruptBatchAndEverythingAfterItIsCut) {
  std::vector<int64_t> ends;
  {
    auto p = Open();
    for (int i = 0; i < 10; ++i) {
      p->Append(NumberedBatch(i * 5, 5));
      ends.push_back(static_cast<int64_t>(std::filesystem::file_size(SegmentPath(0))));
    }
  }
  {
    std::fstream f(SegmentPath(0), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(ends[6] + 70);  // inside batch 7's records
    f.put('\x7f');
  }
  CapturedLines lines;
  auto p = Open();
  EXPECT_EQ(p->high_watermark(), 35);
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(SegmentPath(0))), ends[6]);
  EXPECT_NE(lines.text().find("CRC-32C mismatch"), std::string::npos) << lines.text();
}

TEST_F(PartitionTest, DamagedIndexesAreRebuilt) {
  TopicConfig config;
  config.index_interval_bytes = 100;
  {
    auto p = Open(config);
    for (int i = 0; i < 30; ++i) p->Append(NumberedBatch(i * 2, 2, 5000 + i));
    p->Roll();
    p->Append(NumberedBatch(60, 2));
    p->Close();
  }
  {
    std::ofstream(SegmentPath(0, ".index"), std::ios::binary | std::ios::trunc) << "garbage!";  // 8 bytes
    std::ofstream(SegmentPath(0, ".timeindex"), std::ios::binary | std::ios::app) << "x";
  }
  CapturedLines lines;
  auto p = Open(config);
  EXPECT_NE(lines.text().find("rebuilding its indexes"), std::string::npos) << lines.text();
  EXPECT_EQ(p->high_watermark(), 62);
  EXPECT_EQ(ReadRecords(*p).size(), 62u);
  EXPECT_EQ(p->OffsetForTimestamp(5020)->offset, 39);
  EXPECT_EQ(std::filesystem::file_size(SegmentPath(0, ".index")) % 8, 0u);
  EXPECT_GT(std::filesystem::file_size(SegmentPath(0, ".index")), 8u);
}

TEST_F(PartitionTest, OffsetForTimestampFollowsListOffsets) {
  TopicConfig config;
  config.index_interval_bytes = 100;
  auto p = Open(config);
  EXPECT_FALSE(p->OffsetForTimestamp(0).has_value());
  for (int i = 0; i < 20; ++i) {
    p->Append(NumberedBatch(i * 4, 4, 10'000 + i * 100));  // records at 10000+100i .. +3
    if (i % 6 == 5) p->Roll();
  }
  EXPECT_EQ(p->OffsetForTimestamp(kEarliestTimestamp)->offset, 0);
  EXPECT_EQ(p->OffsetForTimestamp(kLatestTimestamp)->offset, 80);
  const auto max = p->OffsetForTimestamp(kMaxTimestamp);
  EXPECT_EQ(max->offset, 79);
  EXPECT_EQ(max->timestamp, 11'903);
  EXPECT_EQ(p->OffsetForTimestamp(0)->offset, 0);
  EXPECT_EQ(p->OffsetForTimestamp(10'702)->offset, 30);  // inside batch 7
  EXPECT_EQ(p->OffsetForTimestamp(10'702)->timestamp, 10'702);
  EXPECT_EQ(p->OffsetForTimestamp(10'704)->offset, 32);  // the next batch's first record
  EXPECT_FALSE(p->OffsetForTimestamp(11'904).has_value());
}

TEST_F(PartitionTest, LogAppendTimeStampsTheBrokerTime) {
  TopicConfig config;
  config.timestamp_type = TimestampType::kLogAppendTime;
  auto p = Open(config);
  const AppendResult r = p->Append(NumberedBatch(0, 3, 5));
  EXPECT_EQ(r.log_append_time, clock_.now());
  const ReadResult read = p->Read(0, 1 << 20);
  const BatchHeader h = ValidateBatch(read.records, "read");  // the CRC was recomputed
  EXPECT_EQ(h.timestamp_type(), TimestampType::kLogAppendTime);
  for (const auto& record : ReadRecords(*p)) EXPECT_EQ(record.timestamp, clock_.now());
}

TEST_F(PartitionTest, RefusesBadBatches) {
  TopicConfig config;
  config.max_message_bytes = 2000;
  auto p = Open(config);
  std::string corrupt = NumberedBatch(0, 3);
  corrupt.back() ^= 1;
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(corrupt); }), ErrorCode::kCorruptMessage);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(NumberedBatch(0, 3) + "xyz"); }), ErrorCode::kCorruptMessage);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(""); }), ErrorCode::kCorruptMessage);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(NumberedBatch(0, 100)); }), ErrorCode::kMessageTooLarge);
  EXPECT_EQ(p->high_watermark(), 0);
  config.cleanup_compact = true;
  p->SetConfig(config);
  RecordBatchBuilder builder;
  builder.Append(1, std::nullopt, "no key");
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(builder.Build()); }), ErrorCode::kInvalidRecord);
  p->Close();
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Append(NumberedBatch(0, 1)); }), ErrorCode::kUnknownTopicOrPartition);
}

TEST_F(PartitionTest, RetentionDeletesWholeOldSegmentsButNeverTheActiveOne) {
  TopicConfig config;
  config.retention_ms = 10'000;
  auto p = Open(config);
  for (int i = 0; i < 4; ++i) {
    p->Append(NumberedBatch(i * 10, 10, clock_.now()));
    p->Roll();
    clock_.Advance(5'000);
  }
  p->Append(NumberedBatch(40, 10, clock_.now()));
  EXPECT_EQ(p->Stats().segments, 5u);
  // Segments 0 and 1 hold timestamps more than 10 s old.
  EXPECT_EQ(p->ApplyRetention(), 2u);
  EXPECT_EQ(p->log_start_offset(), 20);
  EXPECT_EQ(testing::ErrorCodeOf([&] { p->Read(19, 100); }), ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(ReadRecords(*p).front().offset, 20);
  clock_.Advance(1'000'000);
  EXPECT_EQ(p->ApplyRetention(), 2u);
  EXPECT_EQ(p->Stats().segments, 1u);  // the active one stays
  EXPECT_EQ(p->log_start_offset(), 40);
  EXPECT_FALSE(std::filesystem::exists(SegmentPath(0)));
}

TEST_F(PartitionTest, RetentionBySize) {
  TopicConfig config;
  config.retention_ms = -1;
  auto p = Open(config);
  for (int i = 0; i < 6; ++i) {
    p->Append(NumberedBatch(i * 10, 10));
    p->Roll();
  }
  const uint64_t segment = p->Stats().size_bytes / 6;
  config.retention_bytes = static_cast<int64_t>(segment * 3);
  p->SetConfig(config);
  EXPECT_EQ(p->ApplyRetention(), 3u);
  EXPECT_EQ(p->log_start_offset(), 30);
  EXPECT_EQ(p->Stats().size_bytes, segment * 3);
  // A reopened partition starts where retention left it.
  p->Close();
  p = Open(config);
  EXPECT_EQ(p->log_start_offset(), 30);
  EXPECT_EQ(p->high_watermark(), 60);
}

TEST_F(PartitionTest, AFlushPolicyStillAppends) {
  TopicConfig config;
  config.flush_messages = 2;
  config.flush_ms = 100;
  auto p = Open(config);
  for (int i = 0; i < 5; ++i) p->Append(NumberedBatch(i, 1));
  clock_.Advance(200);
  p->MaybeFlush();
  p->Flush();
  EXPECT_EQ(ReadRecords(*p).size(), 5u);
}

TEST_F(PartitionTest, ConcurrentAppendersAndReadersSeeOnlyWholeBatches) {
  TopicConfig config;
  config.segment_bytes = 64 * 1024;
  auto p = Open(config);
  constexpr int kWriters = 3, kBatches = 300, kPerBatch = 7;
  std::atomic<bool> done{false};
  std::atomic<int64_t> read_records{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kBatches; ++i) p->Append(NumberedBatch(w * 100000 + i * kPerBatch, kPerBatch, 1000, {}, 50));
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      int64_t offset = 0;
      RecordReader reader;
      Record record;
      ReadResult result;
      while (!done.load() || offset < p->high_watermark()) {
        p->Read(offset, 8192, result);
        BatchIterator batches(result.records);
        std::string_view batch;
        while (batches.Next(batch)) {
          const BatchHeader h = ValidateBatch(batch, "concurrent read");
          EXPECT_EQ(h.base_offset, offset);
          reader.Reset(batch);
          while (reader.Next(record)) read_records.fetch_add(1);
          offset = h.next_offset();
        }
        EXPECT_FALSE(batches.has_partial_tail());
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(p->high_watermark(), kWriters * kBatches * kPerBatch);
  EXPECT_EQ(read_records.load(), 2 * kWriters * kBatches * kPerBatch);
  EXPECT_GT(p->Stats().segments, 3u);
}

}  // namespace
}  // namespace basin::log
