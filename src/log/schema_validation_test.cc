#include "log/schema_validation.h"

#include <gtest/gtest.h>

#include "common/exception.h"
#include "helpers/log_testing.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/record_batch.h"

namespace basin::log {
namespace {

using testing::ScratchDir;

TopicSchema Schema() {
  TopicSchema schema;
  schema.columns = {{"user_id", TypeId::kBigInt, true},
                    {"qty", TypeId::kSmallInt, false},
                    {"ts", TypeId::kTimestamp, false}};
  return schema;
}

struct Flat {
  int64_t offset;
  std::optional<std::string> key, value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

/// The records of `batches`, decoded.
std::vector<Flat> Decode(std::string_view batches) {
  std::vector<Flat> out;
  BatchIterator it(batches);
  std::string_view batch;
  RecordReader reader;
  Record r;
  while (it.Next(batch)) {
    ValidateBatch(batch, "test");
    reader.Reset(batch);
    while (reader.Next(r)) {
      Flat f{r.offset, {}, {}, {}};
      if (r.key) f.key = std::string(*r.key);
      if (r.value) f.value = std::string(*r.value);
      for (const auto& h : r.headers) {
        f.headers.emplace_back(std::string(h.key),
                               h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
      }
      out.push_back(std::move(f));
    }
  }
  return out;
}

std::string Batch(const std::vector<std::optional<std::string>>& values, BatchOptions options = {}) {
  RecordBatchBuilder builder(options);
  int i = 0;
  for (const auto& v : values) {
    RecordHeader header{"origin", "test"};
    builder.Append(1000 + i, "k" + std::to_string(i), v, std::span<const RecordHeader>(&header, 1));
    i++;
  }
  return builder.Build();
}

TEST(SchemaValidatorTest, GoodBatchesAreAcceptedAsTheyCame) {
  SchemaValidator validator(Schema());
  const std::string records =
      Batch({R"({"user_id": 1, "qty": 2})", R"({"user_id": 2, "extra": [1, 2]})", std::nullopt}) +
      Batch({R"({"user_id": 3, "ts": "2024-01-01 00:00:00"})"});
  ValidatedRecords v = validator.Validate(records);
  EXPECT_TRUE(v.rejected.empty());
  EXPECT_FALSE(v.rewritten.has_value());
  EXPECT_EQ(v.accepted().data(), records.data());  // not copied
  EXPECT_EQ(v.accepted().size(), records.size());
}

TEST(SchemaValidatorTest, BadRecordsAreTakenOutWithTheirReasons) {
  SchemaValidator validator(Schema());
  BatchOptions options;
  options.producer_id = 7;
  options.producer_epoch = 1;
  options.base_sequence = 40;
  const std::string good = Batch({R"({"user_id": 9})"});
  const std::string mixed = Batch({R"({"user_id": 1})", R"({"qty": 2})", "not json",
                                   R"({"user_id": 4, "qty": 99999})", R"({"user_id": 5})"},
                                  options);
  ValidatedRecords v = validator.Validate(good + mixed);
  ASSERT_EQ(v.rejected.size(), 3u);
  EXPECT_EQ(v.rejected[0].reason, "field \"user_id\" is missing but declared NOT NULL");
  EXPECT_EQ(v.rejected[0].key, "k1");
  EXPECT_EQ(v.rejected[0].value, R"({"qty": 2})");
  EXPECT_EQ(v.rejected[0].timestamp, 1001);
  ASSERT_EQ(v.rejected[0].headers.size(), 1u);
  EXPECT_EQ(v.rejected[0].headers[0].first, "origin");
  EXPECT_EQ(v.rejected[1].reason, "the value is not a JSON object");
  EXPECT_EQ(v.rejected[2].reason, "field \"qty\": 99999 is out of range for SMALLINT");
  ASSERT_TRUE(v.rewritten.has_value());
  // The good batch is kept byte for byte; the mixed one keeps its kept records' offset deltas, its span
  // and its producer's sequence, so the log assigns the same offsets and deduplicates retries.
  EXPECT_EQ(v.rewritten->substr(0, good.size()), good);
  std::string_view rebuilt = std::string_view(*v.rewritten).substr(good.size());
  const BatchHeader h = ValidateBatch(rebuilt, "test");
  EXPECT_EQ(h.records_count, 2);
  EXPECT_EQ(h.last_offset_delta, 4);
  EXPECT_EQ(h.producer_id, 7);
  EXPECT_EQ(h.producer_epoch, 1);
  EXPECT_EQ(h.base_sequence, 40);
  std::vector<Flat> kept = Decode(rebuilt);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].offset, 0);
  EXPECT_EQ(kept[1].offset, 4);
  EXPECT_EQ(kept[1].value, R"({"user_id": 5})");
  EXPECT_EQ(kept[1].headers.size(), 1u);
}

TEST(SchemaValidatorTest, CompressedBatchesAreCheckedAndRebuiltWithTheirCodec) {
  SchemaValidator validator(Schema());
  for (Compression codec :
       {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    BatchOptions options;
    options.compression = codec;
    const std::string good = Batch({R"({"user_id": 1})", R"({"user_id": 2})"}, options);
    ValidatedRecords ok = validator.Validate(good);
    EXPECT_TRUE(ok.rejected.empty());
    EXPECT_EQ(ok.accepted().data(), good.data());
    ValidatedRecords v = validator.Validate(Batch({R"({"user_id": 1})", R"({"user_id": "x"})"}, options));
    ASSERT_EQ(v.rejected.size(), 1u);
    EXPECT_EQ(v.rejected[0].reason, "field \"user_id\": expected BIGINT, got \"x\"");
    const BatchHeader h = ValidateBatch(v.accepted(), "test");
    EXPECT_EQ(h.compression(), codec);
    EXPECT_EQ(Decode(v.accepted()).size(), 1u);
  }
}

TEST(SchemaValidatorTest, CorruptBatchesAreErrorsNotRewrites) {
  SchemaValidator validator(Schema());
  std::string records = Batch({R"({"qty": 1})"});
  records.back() ^= 1;  // breaks the CRC
  EXPECT_THROW(validator.Validate(records), DataError);
}

TEST(SchemaValidatorTest, CheckSingleValuesAndShareValidatorsBySchema) {
  SchemaValidator validator(Schema());
  EXPECT_FALSE(validator.Check(R"({"user_id": 1})").has_value());
  EXPECT_FALSE(validator.Check(std::nullopt).has_value());
  EXPECT_EQ(validator.Check("[]"), "the value is not a JSON object");
  TopicConfig config;
  EXPECT_EQ(SchemaValidator::For(config), nullptr);
  config.Set(kSchemaConfig, Schema().ToConfig().at(kSchemaConfig));
  auto a = SchemaValidator::For(config);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, SchemaValidator::For(config));
}

TEST(SchemaValidatorTest, AppendValidatedRoutesRejectsToTheDeadLetterTopic) {
  ScratchDir dir;
  LogManager manager(dir.path() / "log");
  std::map<std::string, std::string> configs = {{kSchemaConfig, Schema().ToConfig().at(kSchemaConfig)}};
  manager.CreateTopic("clicks", 3, configs);
  ValidatedAppend first =
      AppendValidated(manager, "clicks", 2, Batch({R"({"user_id": 1})", R"({"user_id": 2})"}));
  EXPECT_EQ(first.rejected, 0u);
  EXPECT_FALSE(manager.FindTopic("clicks.dlq").has_value());  // made on first use only

  ValidatedAppend second =
      AppendValidated(manager, "clicks", 2, Batch({R"({"user_id": 3})", R"({"user_id": null})", "{}"}));
  EXPECT_EQ(second.rejected, 2u);
  EXPECT_EQ(second.append.base_offset, 2);
  EXPECT_EQ(second.append.last_offset, 2);  // the batch was packed: it had no producer sequence to keep
  auto partition = manager.GetPartition("clicks", 2);
  EXPECT_EQ(partition->high_watermark(), 3);
  std::vector<Flat> kept = Decode(partition->Read(0, 1 << 20).records);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[2].offset, 2);

  std::optional<TopicInfo> dlq = manager.FindTopic("clicks.dlq");
  ASSERT_TRUE(dlq.has_value());
  EXPECT_EQ(dlq->partitions, 3);
  std::vector<Flat> dead = Decode(manager.GetPartition("clicks.dlq", 2)->Read(0, 1 << 20).records);
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].key, "k1");
  EXPECT_EQ(dead[0].value, R"({"user_id": null})");
  ASSERT_EQ(dead[0].headers.size(), 4u);
  EXPECT_EQ(dead[0].headers[0].first, "origin");
  EXPECT_EQ(dead[0].headers[1], (std::pair<std::string, std::optional<std::string>>{
                                    "basin.error", "field \"user_id\" is null but declared NOT NULL"}));
  EXPECT_EQ(dead[0].headers[2],
            (std::pair<std::string, std::optional<std::string>>{"basin.topic", "clicks"}));
  EXPECT_EQ(dead[0].headers[3], (std::pair<std::string, std::optional<std::string>>{"basin.partition", "2"}));
  EXPECT_EQ(dead[1].headers[1].second, "field \"user_id\" is missing but declared NOT NULL");

  // An idempotent retry of a batch whose records were all rejected still deduplicates.
  BatchOptions idempotent;
  idempotent.producer_id = manager.InitProducerId().producer_id;
  idempotent.producer_epoch = 0;
  idempotent.base_sequence = 0;
  const std::string all_bad = Batch({"1", "2"}, idempotent);
  ValidatedAppend once = AppendValidated(manager, "clicks", 0, all_bad);
  ValidatedAppend retry = AppendValidated(manager, "clicks", 0, all_bad);
  EXPECT_EQ(once.rejected, 2u);
  EXPECT_FALSE(once.append.duplicate);
  EXPECT_TRUE(retry.append.duplicate);
  EXPECT_EQ(retry.append.base_offset, once.append.base_offset);
  EXPECT_EQ(manager.GetPartition("clicks", 0)->high_watermark(), 2);

  // A request none of whose records fits appends nothing.
  ValidatedAppend none = AppendValidated(manager, "clicks", 1, Batch({"[]"}) + Batch({"{}", "7"}));
  EXPECT_EQ(none.rejected, 3u);
  EXPECT_EQ(none.append.base_offset, -1);
  EXPECT_EQ(manager.GetPartition("clicks", 1)->high_watermark(), 0);
  EXPECT_EQ(manager.GetPartition("clicks.dlq", 1)->high_watermark(), 3);

  // Topics without a schema take anything.
  manager.CreateTopic("raw", 1);
  EXPECT_EQ(AppendValidated(manager, "raw", 0, Batch({"not json"})).rejected, 0u);
  EXPECT_FALSE(manager.FindTopic("raw.dlq").has_value());
}

}  // namespace
}  // namespace basin::log
