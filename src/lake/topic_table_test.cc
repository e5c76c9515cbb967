#include "lake/topic_table.h"

#include <gtest/gtest.h>

#include "common/exception.h"
#include "helpers/log_testing.h"
#include "log/log_manager.h"

namespace basin {
namespace {

using log::testing::ScratchDir;

constexpr size_t kUserId = kTopicPseudoColumns;  // the first schema column
constexpr size_t kUrl = kTopicPseudoColumns + 1;

log::TopicSchema ClickSchema() {
  log::TopicSchema schema;
  schema.columns = {{"user_id", TypeId::kBigInt, true}, {"url", TypeId::kVarchar, false}};
  return schema;
}

class TopicTableTest : public ::testing::Test {
 protected:
  TopicTableTest() : log_(dir_.path() / "log") {}

  /// A topic of `partitions` partitions whose partition p holds `per_partition` records with values
  /// {"user_id": <offset>, "url": "u<offset>"} stamped 1000 + offset ms, in batches of 100.
  TopicTable& MakeTopic(int32_t partitions, int per_partition) {
    std::map<std::string, std::string> configs;
    for (auto& [key, value] : ClickSchema().ToConfig()) {
      if (!value.empty()) configs[key] = value;
    }
    log_.CreateTopic("clicks", partitions, configs);
    for (int32_t p = 0; p < partitions; p++) {
      auto partition = log_.GetPartition("clicks", p);
      for (int first = 0; first < per_partition; first += 100) {
        log::RecordBatchBuilder builder;
        for (int i = first; i < std::min(per_partition, first + 100); i++) {
          builder.Append(1000 + i, std::to_string(p),
                         "{\"user_id\": " + std::to_string(i) + ", \"url\": \"u" + std::to_string(i) + "\"}");
        }
        partition->Append(builder.Build());
      }
    }
    table_ = std::make_unique<TopicTable>(log_, "clicks", ClickSchema());
    return *table_;
  }

  struct Scanned {
    std::vector<std::string> rows;  // "partition/offset/user_id/url"
    size_t morsels = 0;
    int64_t records_read = 0;
  };

  Scanned Scan(const std::vector<TableFilter>& filters,
               std::vector<size_t> ids = {kTopicPartitionColumn, kTopicOffsetColumn, kUserId, kUrl}) {
    Scanned out;
    auto state = table_->InitScan(ids, filters);
    out.morsels = table_->MorselCount(*state);
    std::vector<LogicalType> types;
    for (size_t id : ids) types.push_back(table_->columns()[id].type);
    for (size_t m = 0; m < out.morsels; m++) {
      auto reader = table_->OpenMorsel(*state, m);
      DataChunk chunk(types);
      while (reader->Next(chunk)) {
        for (size_t r = 0; r < chunk.size(); r++) {
          std::string row;
          for (size_t c = 0; c < ids.size(); c++)
            row += (c ? "/" : "") + chunk.column(c).GetValue(r).ToString();
          out.rows.push_back(row);
        }
      }
    }
    out.records_read = static_cast<TopicScanState&>(*state).records_read.load();
    return out;
  }

  static TableFilter Filter(size_t column, TableFilter::Op op, Value constant) {
    TableFilter f;
    f.column = column;
    f.op = op;
    f.constant = std::move(constant);
    return f;
  }

  ScratchDir dir_;
  log::LogManager log_;
  std::unique_ptr<TopicTable> table_;
};

TEST_F(TopicTableTest, ScansEveryPartitionWithPseudoColumnsAndParsedValues) {
  TopicTable& table = MakeTopic(2, 3);
  ASSERT_EQ(table.columns().size(), kTopicPseudoColumns + 2);
  EXPECT_EQ(table.columns()[kTopicTimestampColumn].name, "_timestamp");
  EXPECT_EQ(table.RowCount(), 6);
  Scanned s = Scan({});
  EXPECT_EQ(s.rows, (std::vector<std::string>{"0/0/0/u0", "0/1/1/u1", "0/2/2/u2", "1/0/0/u0", "1/1/1/u1",
                                              "1/2/2/u2"}));
  Scanned keys = Scan({}, {kTopicKeyColumn, kTopicTimestampColumn, kTopicHeadersColumn});
  EXPECT_EQ(keys.rows[4], "1/1970-01-01 00:00:01.001+00/NULL");
}

TEST_F(TopicTableTest, BigPartitionsSplitIntoMorsels) {
  MakeTopic(1, 150000);
  Scanned s = Scan({}, {kTopicOffsetColumn});
  EXPECT_EQ(s.morsels, 3u);  // 65536 offsets each
  ASSERT_EQ(s.rows.size(), 150000u);
  for (size_t i = 0; i < s.rows.size(); i++) ASSERT_EQ(s.rows[i], std::to_string(i));
  // A batch straddling two morsels is decoded by both, its records returned once.
  EXPECT_LT(s.records_read, 150000 + 3 * 100);
}

TEST_F(TopicTableTest, OffsetAndPartitionFiltersSeek) {
  MakeTopic(3, 10000);
  Scanned s = Scan({Filter(kTopicOffsetColumn, TableFilter::Op::kGreaterEqual, Value::BigInt(5000)),
                    Filter(kTopicOffsetColumn, TableFilter::Op::kLess, Value::BigInt(5003)),
                    Filter(kTopicPartitionColumn, TableFilter::Op::kEqual, Value::Integer(1))});
  EXPECT_EQ(s.rows,
            (std::vector<std::string>{"1/5000/5000/u5000", "1/5001/5001/u5001", "1/5002/5002/u5002"}));
  EXPECT_EQ(s.morsels, 1u);
  EXPECT_LE(s.records_read, 100);  // one batch, not the partition
  EXPECT_TRUE(
      Scan({Filter(kTopicOffsetColumn, TableFilter::Op::kEqual, Value::Null(TypeId::kBigInt))}).rows.empty());
  EXPECT_EQ(Scan({Filter(kTopicPartitionColumn, TableFilter::Op::kGreater, Value::Integer(0)),
                  Filter(kTopicOffsetColumn, TableFilter::Op::kGreater, Value::BigInt(9998))})
                .rows,
            (std::vector<std::string>{"1/9999/9999/u9999", "2/9999/9999/u9999"}));
}

TEST_F(TopicTableTest, TimestampLowerBoundsSeekWithTheTimeIndex) {
  MakeTopic(2, 20000);
  // Records are stamped 1000 + offset ms: from 1s + 19990ms on, 10 records per partition.
  Scanned s =
      Scan({Filter(kTopicTimestampColumn, TableFilter::Op::kGreaterEqual, Value::TimestampTz(20'990'000))},
           {kTopicPartitionColumn, kTopicOffsetColumn});
  EXPECT_EQ(s.rows.size(), 20u);
  EXPECT_EQ(s.rows.front(), "0/19990");
  EXPECT_LE(s.records_read, 2 * 100);
  // An upper bound cannot seek (timestamps need not grow with offsets): every record is read.
  Scanned upper = Scan({Filter(kTopicTimestampColumn, TableFilter::Op::kLess, Value::TimestampTz(1'005'000))},
                       {kTopicOffsetColumn});
  EXPECT_EQ(upper.rows.size(), 40000u);
  // Past the last timestamp: nothing.
  EXPECT_EQ(Scan({Filter(kTopicTimestampColumn, TableFilter::Op::kGreater, Value::TimestampTz(99'000'000))})
                .morsels,
            0u);
}

TEST_F(TopicTableTest, SeesTheLogAsOfTheScanStart) {
  MakeTopic(1, 5);
  auto state = table_->InitScan({kTopicOffsetColumn}, {});
  log::RecordBatchBuilder builder;
  builder.Append(5000, std::nullopt, "{\"user_id\": 99}");
  log_.GetPartition("clicks", 0)->Append(builder.Build());
  auto reader = table_->OpenMorsel(*state, 0);
  DataChunk chunk(std::vector<LogicalType>{TypeId::kBigInt});
  size_t rows = 0;
  while (reader->Next(chunk)) rows += chunk.size();
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(Scan({}, {kTopicOffsetColumn}).rows.size(), 6u);
}

TEST_F(TopicTableTest, WritesOneRecordPerRowByKeyOrRoundRobin) {
  MakeTopic(4, 0);
  log::TopicSchema schema = ClickSchema();
  schema.key_column = "user_id";
  TopicTable keyed(log_, "clicks", schema);
  std::vector<LogicalType> types;
  for (const auto& c : keyed.columns()) types.push_back(c.type);
  DataChunk rows(types);
  for (size_t c = 0; c < types.size(); c++) {
    for (size_t r = 0; r < 3; r++) rows.column(c).SetNull(r);
  }
  rows.SetValue(kUserId, 0, Value::BigInt(21));
  rows.SetValue(kUrl, 0, Value::Varchar("x"));
  rows.SetValue(kUserId, 1, Value::BigInt(21));
  rows.SetValue(kTopicKeyColumn, 1, Value::Varchar("foobar"));  // an explicit key wins
  rows.SetValue(kUserId, 2, Value::BigInt(3));
  rows.SetValue(kTopicPartitionColumn, 2, Value::Integer(3));  // an explicit partition too
  rows.SetValue(kTopicTimestampColumn, 2, Value::TimestampTz(7'000'999));
  rows.SetCardinality(3);
  auto writer = keyed.BeginWrite();
  writer->Append(rows);
  EXPECT_TRUE(Scan({}).rows.empty());  // appended at commit
  writer->Commit();
  Scanned s = Scan({}, {kTopicPartitionColumn, kTopicKeyColumn, kUserId, kUrl, kTopicTimestampColumn});
  // murmur2("21") % 4 == 0 and murmur2("foobar") % 4 == 2, as Kafka's partitioner puts them.
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0].substr(0, 12), "0/21/21/x/20");
  EXPECT_EQ(s.rows[1].substr(0, 17), "2/foobar/21/NULL/");
  EXPECT_EQ(s.rows[2], "3/3/3/NULL/1970-01-01 00:00:07+00");
  EXPECT_THROW(writer->Delete({0}), Exception);
}

}  // namespace
}  // namespace basin
