#include "lake/iceberg_partition.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "lake/iceberg_table.h"

namespace basin::iceberg {
namespace {

constexpr int32_t kDay20171116 = 17486;                                 // days since 1970-01-01
constexpr int64_t kTime223108 = (22 * 3600 + 31 * 60 + 8) * 1000000LL;  // microseconds since midnight

// The bucket hash test vectors of the Iceberg spec (Appendix B).
TEST(IcebergPartition, BucketHashSpecVectors) {
  EXPECT_EQ(BucketHash(Value::Integer(34)), 2017239379);
  EXPECT_EQ(BucketHash(Value::BigInt(34)), 2017239379);
  EXPECT_EQ(BucketHash(Value::Decimal(1420, 4, 2)), -500754589);  // 14.20
  EXPECT_EQ(BucketHash(Value::Date(kDay20171116)), -653330422);
  EXPECT_EQ(BucketHash(Value::Time(kTime223108)), -662762989);
  int64_t ts = kDay20171116 * 86400000000LL + kTime223108;
  EXPECT_EQ(BucketHash(Value::Timestamp(ts)), -2047944441);
  EXPECT_EQ(BucketHash(Value::TimestampTz(ts)), -2047944441);  // 2017-11-16T14:31:08-08:00
  EXPECT_EQ(BucketHash(Value::Varchar("iceberg")), 1210000089);
  EXPECT_EQ(BucketHash(Value::Blob(std::string("\x00\x01\x02\x03", 4))), -188683207);
  // bucket(N) = (hash & Integer.MAX_VALUE) % N
  EXPECT_EQ(ApplyTransform(Transform::kBucket, 16, Value::Integer(34)), Value::Integer(2017239379 % 16));
  EXPECT_EQ(ApplyTransform(Transform::kBucket, 100, Value::Varchar("iceberg")),
            Value::Integer(1210000089 % 100));
  EXPECT_TRUE(ApplyTransform(Transform::kBucket, 16, Value::Null(TypeId::kInteger)).IsNull());
}

TEST(IcebergPartition, Truncate) {
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 10, Value::Integer(1)), Value::Integer(0));
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 10, Value::Integer(-1)),
            Value::Integer(-10));  // floor, as the spec
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 10, Value::BigInt(19)), Value::BigInt(10));
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 3, Value::Varchar("iceberg")), Value::Varchar("ice"));
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 2, Value::Varchar("\xC3\xA9t\xC3\xA9")),
            Value::Varchar("\xC3\xA9t"));
  EXPECT_EQ(ApplyTransform(Transform::kTruncate, 9, Value::Varchar("ab")), Value::Varchar("ab"));
}

TEST(IcebergPartition, TimeTransforms) {
  int64_t ts = kDay20171116 * 86400000000LL + kTime223108;
  EXPECT_EQ(ApplyTransform(Transform::kYear, 0, Value::Date(kDay20171116)), Value::Integer(47));
  EXPECT_EQ(ApplyTransform(Transform::kMonth, 0, Value::Date(kDay20171116)), Value::Integer(47 * 12 + 10));
  EXPECT_EQ(ApplyTransform(Transform::kDay, 0, Value::Date(kDay20171116)), Value::Date(kDay20171116));
  EXPECT_EQ(ApplyTransform(Transform::kYear, 0, Value::Timestamp(ts)), Value::Integer(47));
  EXPECT_EQ(ApplyTransform(Transform::kDay, 0, Value::TimestampTz(ts)), Value::Date(kDay20171116));
  EXPECT_EQ(ApplyTransform(Transform::kHour, 0, Value::Timestamp(ts)),
            Value::Integer(kDay20171116 * 24 + 22));
  // Before the epoch every transform floors: 1969-12-31 23:59:59.999999 is in year, month, day and hour -1.
  Value before = Value::Timestamp(-1);
  EXPECT_EQ(ApplyTransform(Transform::kYear, 0, before), Value::Integer(-1));
  EXPECT_EQ(ApplyTransform(Transform::kMonth, 0, before), Value::Integer(-1));
  EXPECT_EQ(ApplyTransform(Transform::kDay, 0, before), Value::Date(-1));
  EXPECT_EQ(ApplyTransform(Transform::kHour, 0, before), Value::Integer(-1));
  EXPECT_EQ(ApplyTransform(Transform::kMonth, 0, Value::Date(31)), Value::Integer(1));  // 1970-02-01
}

TEST(IcebergPartition, TransformNamesAndTypes) {
  int32_t param = 0;
  EXPECT_EQ(ParseTransformName("bucket[16]", param), Transform::kBucket);
  EXPECT_EQ(param, 16);
  EXPECT_EQ(TransformName(Transform::kTruncate, 10), "truncate[10]");
  EXPECT_FALSE(ParseTransformName("bucket[x]", param));
  EXPECT_FALSE(ParseTransformName("zorder", param));
  EXPECT_EQ(TransformFromSql("days"), Transform::kDay);
  EXPECT_EQ(*TransformResultType(Transform::kDay, TypeId::kTimestamp), LogicalType(TypeId::kDate));
  EXPECT_EQ(*TransformResultType(Transform::kBucket, TypeId::kVarchar), LogicalType(TypeId::kInteger));
  EXPECT_FALSE(TransformResultType(Transform::kYear, TypeId::kInteger));
  EXPECT_FALSE(TransformResultType(Transform::kHour, TypeId::kDate));
  EXPECT_FALSE(TransformResultType(Transform::kBucket, TypeId::kDouble));
  EXPECT_EQ(PartitionFieldName(Transform::kBucket, "id"), "id_bucket");
  EXPECT_EQ(PartitionFieldName(Transform::kIdentity, "id"), "id");
}

TableFilter Filter(TableFilter::Op op, Value constant) {
  return {0, op, std::move(constant)};
}

TEST(IcebergPartition, MayMatch) {
  using Op = TableFilter::Op;
  PartitionField day{1, 1000, "ts_day", Transform::kDay, 0};
  LogicalType ts = TypeId::kTimestamp;
  Value march1 = Value::Date(19783);  // 2024-03-01
  int64_t march1_noon = 19783 * 86400000000LL + 12 * 3600000000LL;
  EXPECT_TRUE(PartitionMayMatch(day, ts, march1, Filter(Op::kEqual, Value::Timestamp(march1_noon))));
  EXPECT_FALSE(
      PartitionMayMatch(day, ts, march1, Filter(Op::kEqual, Value::Timestamp(march1_noon + 86400000000LL))));
  EXPECT_TRUE(PartitionMayMatch(day, ts, march1, Filter(Op::kLess, Value::Timestamp(march1_noon))));
  EXPECT_TRUE(PartitionMayMatch(day, ts, march1, Filter(Op::kGreater, Value::Timestamp(march1_noon))));
  EXPECT_FALSE(PartitionMayMatch(day, ts, march1,
                                 Filter(Op::kGreaterEqual, Value::Timestamp(march1_noon + 86400000000LL))));
  EXPECT_FALSE(
      PartitionMayMatch(day, ts, march1, Filter(Op::kLess, Value::Timestamp(19783 * 86400000000LL - 1))));
  EXPECT_TRUE(PartitionMayMatch(day, ts, march1, Filter(Op::kNotEqual, Value::Timestamp(march1_noon))));
  EXPECT_FALSE(PartitionMayMatch(day, ts, march1, Filter(Op::kIsNull, Value())));
  EXPECT_TRUE(PartitionMayMatch(day, ts, Value::Null(TypeId::kDate), Filter(Op::kIsNull, Value())));
  EXPECT_FALSE(
      PartitionMayMatch(day, ts, Value::Null(TypeId::kDate), Filter(Op::kEqual, Value::Timestamp(0))));
  // A constant of another type (a DATE against a TIMESTAMP column): unsure, so kept.
  EXPECT_TRUE(PartitionMayMatch(day, ts, march1, Filter(Op::kEqual, Value::Date(0))));

  PartitionField bucket{1, 1000, "id_bucket", Transform::kBucket, 16};
  Value b34 = ApplyTransform(Transform::kBucket, 16, Value::BigInt(34));
  EXPECT_TRUE(PartitionMayMatch(bucket, TypeId::kBigInt, b34, Filter(Op::kEqual, Value::Integer(34))));
  EXPECT_FALSE(PartitionMayMatch(bucket, TypeId::kBigInt, b34, Filter(Op::kEqual, Value::Integer(35))));
  EXPECT_TRUE(
      PartitionMayMatch(bucket, TypeId::kBigInt, b34, Filter(Op::kLess, Value::Integer(0))));  // no order

  PartitionField identity{1, 1000, "cat", Transform::kIdentity, 0};
  EXPECT_FALSE(PartitionMayMatch(identity, TypeId::kVarchar, Value::Varchar("a"),
                                 Filter(Op::kNotEqual, Value::Varchar("a"))));
  EXPECT_FALSE(PartitionMayMatch(identity, TypeId::kVarchar, Value::Varchar("a"),
                                 Filter(Op::kGreater, Value::Varchar("a"))));
  EXPECT_TRUE(PartitionMayMatch(identity, TypeId::kVarchar, Value::Varchar("b"),
                                Filter(Op::kGreater, Value::Varchar("a"))));

  PartitionField trunc{1, 1000, "name_trunc", Transform::kTruncate, 2};
  EXPECT_TRUE(PartitionMayMatch(trunc, TypeId::kVarchar, Value::Varchar("ab"),
                                Filter(Op::kGreater, Value::Varchar("abc"))));
  EXPECT_FALSE(PartitionMayMatch(trunc, TypeId::kVarchar, Value::Varchar("aa"),
                                 Filter(Op::kGreater, Value::Varchar("abc"))));
  EXPECT_FALSE(PartitionMayMatch(trunc, TypeId::kVarchar, Value::Varchar("ab"),
                                 Filter(Op::kEqual, Value::Varchar("b"))));
}

/// A catalog of one table, in memory.
class LocalPointer : public MetadataPointer {
 public:
  explicit LocalPointer(std::string location) : location_(std::move(location)) {}
  std::string Load() override { return location_; }
  bool Swap(const std::string& expected, const std::string& next) override {
    if (expected != location_) return false;
    location_ = next;
    return true;
  }

 private:
  std::string location_;
};

// Pruning by partition values: each bucket's file spans nearly all ids, so bounds cannot skip any of them,
// but the partition of a file says which ids it can hold.
TEST(IcebergPartition, ScanSkipsFilesByPartition) {
  std::string folder = (std::filesystem::temp_directory_path() / ("basin_partition_" + NewUuid())).string();
  TableLayout layout;
  layout.partitioning = {{"bucket", 4, 0}, {"day", 0, 1}};
  layout.primary_key = {0};
  std::string location = IcebergTable::Create(
      folder, {{"id", TypeId::kBigInt, true, ""}, {"ts", TypeId::kTimestamp, false, ""}}, layout);
  auto table = std::make_shared<IcebergTable>(std::make_shared<LocalPointer>(location));
  auto writer = table->BeginWrite();
  DataChunk chunk({TypeId::kBigInt, TypeId::kTimestamp});
  for (size_t i = 0; i < 1000; i++) {
    chunk.column(0).SetValue(i, Value::BigInt(static_cast<int64_t>(i)));
    // Two days: ids below 500 on day 0, the rest on day 1.
    chunk.column(1).SetValue(i, Value::Timestamp((i < 500 ? 0 : 86400000000LL) + static_cast<int64_t>(i)));
  }
  chunk.SetCardinality(1000);
  writer->Append(chunk);
  writer->Commit();

  auto morsels = [&](std::vector<TableFilter> filters) {
    return table->MorselCount(*table->InitScan({0, 1}, filters));
  };
  using Op = TableFilter::Op;
  EXPECT_EQ(morsels({}), 8u);  // 4 buckets x 2 days, one row group each
  EXPECT_EQ(morsels({{0, Op::kEqual, Value::BigInt(17)}}), 1u);
  EXPECT_EQ(morsels({{1, Op::kGreaterEqual, Value::Timestamp(86400000000LL)}}), 4u);
  EXPECT_EQ(morsels({{1, Op::kIsNull, Value()}}), 0u);

  auto state = table->State();
  EXPECT_EQ(state->metadata.DefaultSpec().fields.size(), 2u);
  EXPECT_EQ(state->metadata.DefaultSpec().fields[0].field_id, 1000);
  EXPECT_EQ(state->metadata.CurrentSchema().identifier_field_ids, std::vector<int32_t>{1});
  ASSERT_EQ(state->manifests.size(), 1u);
  ASSERT_EQ(state->manifests[0].partitions.size(), 2u);
  EXPECT_FALSE(state->manifests[0].partitions[0].contains_null);
  EXPECT_EQ(*state->manifests[0].partitions[1].lower_bound, PartitionBound(Value::Date(0)));
  EXPECT_EQ(*state->manifests[0].partitions[1].upper_bound, PartitionBound(Value::Date(1)));
  table.reset();
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace basin::iceberg
