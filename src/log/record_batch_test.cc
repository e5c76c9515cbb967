#include "log/record_batch.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <random>

#include "common/exception.h"
#include "log/bytes_internal.h"
#include "log/crc32c.h"

namespace basin::log {
namespace {

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() % 16 + 'a');  // compressible
  return s;
}

TEST(Crc32cTest, MatchesTheKnownCheckValueOnBothPaths) {
  const std::string check = "123456789";
  EXPECT_EQ(Crc32c(0, check.data(), check.size()), 0xE3069283u);
  EXPECT_EQ(Crc32cPortable(0, check.data(), check.size()), 0xE3069283u);
  // Lengths around the hardware path's three-stream blocks (3 x 256 and 3 x 8192 bytes).
  const std::string data = RandomBytes(60000, 7);
  for (size_t start : {0, 1, 3, 7}) {
    for (size_t len : {0, 1, 7, 8, 9, 63, 500, 767, 768, 769, 993, 24575, 24576, 24577, 25400, 59990}) {
      EXPECT_EQ(Crc32c(0, data.data() + start, len), Crc32cPortable(0, data.data() + start, len)) << len;
    }
  }
  // Extending is the same as one pass.
  EXPECT_EQ(Crc32c(Crc32c(0, data.data(), 100), data.data() + 100, 900), Crc32c(0, data.data(), 1000));
}

std::string SampleBatch(Compression codec, int records = 3) {
  BatchOptions options;
  options.compression = codec;
  options.producer_id = 42;
  options.producer_epoch = 1;
  options.base_sequence = 10;
  RecordBatchBuilder builder(options);
  const RecordHeader headers[] = {{"trace", std::string_view("abc")}, {"empty", std::nullopt}};
  for (int i = 0; i < records; ++i) {
    const std::string key = "key-" + std::to_string(i);
    const std::string value = RandomBytes(100, i);
    if (i == 1) {
      builder.Append(1000 + i, key, std::nullopt);  // a tombstone
    } else {
      builder.Append(1000 + i, key, value, headers);
    }
  }
  return builder.Build();
}

void ExpectSampleRecords(std::string_view batch, int records) {
  RecordReader reader;
  reader.Reset(batch);
  Record record;
  for (int i = 0; i < records; ++i) {
    ASSERT_TRUE(reader.Next(record)) << i;
    EXPECT_EQ(record.offset, i);
    EXPECT_EQ(record.timestamp, 1000 + i);
    EXPECT_EQ(record.key, "key-" + std::to_string(i));
    if (i == 1) {
      EXPECT_FALSE(record.value.has_value());
      EXPECT_TRUE(record.headers.empty());
    } else {
      EXPECT_EQ(record.value, RandomBytes(100, i));
      ASSERT_EQ(record.headers.size(), 2u);
      EXPECT_EQ(record.headers[0].key, "trace");
      EXPECT_EQ(record.headers[0].value, "abc");
      EXPECT_FALSE(record.headers[1].value.has_value());
    }
  }
  EXPECT_FALSE(reader.Next(record));
}

TEST(RecordBatchTest, BuildsValidatesAndReadsEveryCodec) {
  for (Compression codec : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                            Compression::kZstd}) {
    SCOPED_TRACE(CompressionName(codec));
    const std::string batch = SampleBatch(codec, 50);
    const BatchHeader h = ValidateBatch(batch, "test");
    EXPECT_EQ(h.size(), batch.size());
    EXPECT_EQ(h.compression(), codec);
    EXPECT_EQ(h.records_count, 50);
    EXPECT_EQ(h.last_offset_delta, 49);
    EXPECT_EQ(h.base_timestamp, 1000);
    EXPECT_EQ(h.max_timestamp, 1049);
    EXPECT_EQ(h.producer_id, 42);
    EXPECT_EQ(h.producer_epoch, 1);
    EXPECT_EQ(h.base_sequence, 10);
    EXPECT_EQ(h.last_sequence(), 59);
    ExpectSampleRecords(batch, 50);
    if (codec != Compression::kNone) {
      EXPECT_LT(batch.size(), SampleBatch(Compression::kNone, 50).size());
    }
  }
}

TEST(RecordBatchTest, ReadsRawSnappyAsLibrdkafkaWritesIt) {
  // Re-encode a batch's records as one raw snappy block instead of the xerial framing.
  const std::string plain = SampleBatch(Compression::kNone, 5);
  std::string raw;
  snappy::Compress(plain.data() + batch_layout::kHeaderSize, plain.size() - batch_layout::kHeaderSize, &raw);
  std::string batch = plain.substr(0, batch_layout::kHeaderSize) + raw;
  internal::StoreBig<int16_t>(batch.data() + batch_layout::kAttributes, static_cast<int16_t>(Compression::kSnappy));
  internal::StoreBig<int32_t>(batch.data() + batch_layout::kBatchLength,
                              static_cast<int32_t>(batch.size() - batch_layout::kLogOverhead));
  internal::StoreBig<uint32_t>(batch.data() + batch_layout::kCrc, ComputeBatchCrc(batch));
  ValidateBatch(batch, "test");
  ExpectSampleRecords(batch, 5);
}

TEST(RecordBatchTest, CompressionRoundTripsLargeInputs) {
  const std::string input = RandomBytes(3 << 20, 1);
  for (Compression codec : {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    std::string compressed, output = "prefix";
    Compress(codec, input, compressed);
    Decompress(codec, compressed, output, 8 << 20, "test");
    EXPECT_EQ(output, "prefix" + input) << CompressionName(codec);
    std::string limited;
    EXPECT_THROW(Decompress(codec, compressed, limited, 1 << 20, "test"), DataError) << CompressionName(codec);
    // A truncated stream is corrupt, never a crash.
    std::string truncated;
    EXPECT_THROW(Decompress(codec, std::string_view(compressed).substr(0, compressed.size() / 2), truncated,
                            8 << 20, "test"),
                 DataError)
        << CompressionName(codec);
  }
}

std::string ErrorOf(std::string_view batch) {
  try {
    ValidateBatch(batch, "produce to t-0");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(RecordBatchTest, ValidationNamesWhatIsWrong) {
  const std::string batch = SampleBatch(Compression::kNone);
  std::string flipped = batch;
  flipped[batch.size() - 5] ^= 1;
  EXPECT_NE(ErrorOf(flipped).find("CRC-32C mismatch"), std::string::npos);
  EXPECT_NE(ErrorOf(flipped).find("produce to t-0"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string_view(batch).substr(0, 40)).find("truncated"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string_view(batch).substr(0, batch.size() - 1)).find("runs past the end"),
            std::string::npos);
  std::string magic = batch;
  magic[batch_layout::kMagic] = 1;
  EXPECT_NE(ErrorOf(magic).find("magic 1"), std::string::npos);
  // The base offset and leader epoch are outside the CRC: the log may rewrite them.
  std::string moved = batch;
  internal::StoreBig<int64_t>(moved.data(), 12345);
  internal::StoreBig<int32_t>(moved.data() + batch_layout::kPartitionLeaderEpoch, 7);
  EXPECT_EQ(ValidateBatch(moved, "t").base_offset, 12345);
}

TEST(RecordBatchTest, MalformedRecordsAreDataErrors) {
  std::string batch = SampleBatch(Compression::kNone);
  // Make the first record's length absurd and fix the CRC so that only the record reader can tell.
  batch[batch_layout::kHeaderSize] = static_cast<char>(0x7f);
  internal::StoreBig<uint32_t>(batch.data() + batch_layout::kCrc, ComputeBatchCrc(batch));
  ValidateBatch(batch, "t");
  EXPECT_THROW(ValidateRecords(batch, false), DataError);
  // A claimed record count larger than the records present.
  std::string counted = SampleBatch(Compression::kNone);
  internal::StoreBig<int32_t>(counted.data() + batch_layout::kRecordsCount, 2);
  internal::StoreBig<uint32_t>(counted.data() + batch_layout::kCrc, ComputeBatchCrc(counted));
  EXPECT_THROW(ValidateRecords(counted, false), DataError);
}

TEST(RecordBatchTest, CompactedTopicsRequireKeys) {
  RecordBatchBuilder builder;
  builder.Append(1, std::nullopt, "v");
  const std::string batch = builder.Build();
  ValidateRecords(batch, false);
  EXPECT_THROW(ValidateRecords(batch, true), DataError);
}

TEST(RecordBatchTest, IteratorStopsAtAPartialTail) {
  std::string buffer = SampleBatch(Compression::kNone) + SampleBatch(Compression::kZstd);
  const size_t whole = buffer.size();
  buffer += SampleBatch(Compression::kNone).substr(0, 30);
  BatchIterator it(buffer);
  std::string_view batch;
  int n = 0;
  while (it.Next(batch)) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_EQ(it.position(), whole);
  EXPECT_TRUE(it.has_partial_tail());
}

TEST(RecordBatchTest, GapsAndDeleteHorizonSurviveARebuild) {
  BatchOptions options;
  options.base_offset = 100;
  options.delete_horizon = 5000;
  RecordBatchBuilder builder(options);
  builder.AppendAt(2, 1000, "a", "1");
  builder.AppendAt(7, 1001, "b", std::nullopt);
  builder.SpanOffsets(9);
  const std::string batch = builder.Build();
  const BatchHeader h = ValidateBatch(batch, "t");
  EXPECT_TRUE(h.has_delete_horizon());
  EXPECT_EQ(h.base_timestamp, 5000);
  EXPECT_EQ(h.last_offset(), 109);
  EXPECT_EQ(h.records_count, 2);
  RecordReader reader;
  reader.Reset(batch);
  Record r;
  ASSERT_TRUE(reader.Next(r));
  EXPECT_EQ(r.offset, 102);
  EXPECT_EQ(r.timestamp, 1000);
  ASSERT_TRUE(reader.Next(r));
  EXPECT_EQ(r.offset, 107);
  EXPECT_EQ(r.timestamp, 1001);
  EXPECT_FALSE(reader.Next(r));
}

}  // namespace
}  // namespace basin::log
