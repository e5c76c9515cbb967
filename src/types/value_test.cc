#include "types/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/exception.h"

namespace basin {
namespace {

TEST(ValueTest, NullAndTypes) {
  EXPECT_TRUE(Value().IsNull());
  EXPECT_EQ(Value().type(), TypeId::kNull);
  EXPECT_EQ(Value().ToString(), "NULL");
  const Value null_int = Value::Null(TypeId::kInteger);
  EXPECT_TRUE(null_int.IsNull());
  EXPECT_EQ(null_int.type(), TypeId::kInteger);
  EXPECT_EQ(null_int.ToString(), "NULL");
  EXPECT_FALSE(Value::Integer(0).IsNull());
  EXPECT_EQ(Value::Decimal(1, 10, 2).type(), LogicalType::Decimal(10, 2));
  EXPECT_EQ(Value::List(TypeId::kInteger, {}).type(), LogicalType::List(TypeId::kInteger));
}

TEST(ValueTest, ScalarsToString) {
  EXPECT_EQ(Value::Boolean(true).ToString(), "true");
  EXPECT_EQ(Value::Boolean(false).ToString(), "false");
  EXPECT_EQ(Value::SmallInt(-32768).ToString(), "-32768");
  EXPECT_EQ(Value::Integer(42).ToString(), "42");
  EXPECT_EQ(Value::BigInt(std::numeric_limits<int64_t>::min()).ToString(), "-9223372036854775808");
  EXPECT_EQ(Value::Varchar("héllo, world").ToString(), "héllo, world");
  EXPECT_EQ(Value::Blob(std::string("\x0a\x0b\xff\x00", 4)).ToString(), "\\x0a0bff00");
  EXPECT_EQ(Value::Blob("").ToString(), "\\x");
}

TEST(ValueTest, FloatingToString) {
  auto d = [](double v) { return Value::Double(v).ToString(); };
  EXPECT_EQ(d(3), "3");
  EXPECT_EQ(d(-0.0), "-0");
  EXPECT_EQ(d(0), "0");
  EXPECT_EQ(d(1.5), "1.5");
  EXPECT_EQ(d(0.1), "0.1");
  EXPECT_EQ(d(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(d(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(d(0.0001), "0.0001");
  EXPECT_EQ(d(0.00001), "1e-05");
  EXPECT_EQ(d(123456789012345), "123456789012345");
  EXPECT_EQ(d(1e15), "1e+15");
  EXPECT_EQ(d(1234567890123456789.0), "1.2345678901234568e+18");
  EXPECT_EQ(d(1e20), "1e+20");
  EXPECT_EQ(d(-2.5e-300), "-2.5e-300");
  EXPECT_EQ(d(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(d(std::nan("")), "NaN");
  EXPECT_EQ(d(INFINITY), "Infinity");
  EXPECT_EQ(d(-INFINITY), "-Infinity");
  auto r = [](float v) { return Value::Real(v).ToString(); };
  EXPECT_EQ(r(0.1f), "0.1");
  EXPECT_EQ(r(3.0f), "3");
  EXPECT_EQ(r(123456.0f), "123456");
  EXPECT_EQ(r(1e6f), "1e+06");
  EXPECT_EQ(r(1.0f / 3), "0.33333334");
  EXPECT_EQ(r(NAN), "NaN");
}

TEST(ValueTest, Decimals) {
  EXPECT_EQ(DecimalToString(12345, 2), "123.45");
  EXPECT_EQ(DecimalToString(-5, 2), "-0.05");
  EXPECT_EQ(DecimalToString(5, 0), "5");
  EXPECT_EQ(DecimalToString(0, 3), "0.000");
  EXPECT_EQ(DecimalToString(100, 2), "1.00");
  EXPECT_EQ(DecimalToString(-100, 2), "-1.00");
  EXPECT_EQ(Value::Decimal(150, 10, 2).ToString(), "1.50");
  EXPECT_EQ(Value::Decimal(150, 10, 2).GetInt64(), 150);
  const hugeint_t big = static_cast<hugeint_t>(1) << 100;
  EXPECT_EQ(Value::Decimal(big, 38, 10).ToString(), "126765060022822940149.6703205376");
  EXPECT_EQ(Value::Decimal(big, 38, 10).GetHugeInt(), big);
  EXPECT_THROW(Value::Decimal(1, 39, 0), BinderError);
}

TEST(ValueTest, HugeInts) {
  const hugeint_t max = static_cast<hugeint_t>(~static_cast<unsigned __int128>(0) >> 1);
  const hugeint_t min = -max - 1;
  EXPECT_EQ(HugeIntToString(0), "0");
  EXPECT_EQ(HugeIntToString(-42), "-42");
  EXPECT_EQ(HugeIntToString(max), "170141183460469231731687303715884105727");
  EXPECT_EQ(HugeIntToString(min), "-170141183460469231731687303715884105728");
  EXPECT_EQ(DecimalToString(min, 38), "-1.70141183460469231731687303715884105728");
}

TEST(ValueTest, TemporalToString) {
  int64_t ts;
  ASSERT_TRUE(timestamp::TryParse("2024-01-02 03:04:05.5", ts));
  EXPECT_EQ(Value::Timestamp(ts).ToString(), "2024-01-02 03:04:05.5");
  EXPECT_EQ(Value::TimestampTz(ts).ToString(), "2024-01-02 03:04:05.5+00");
  EXPECT_EQ(Value::Date(0).ToString(), "1970-01-01");
  EXPECT_EQ(Value::Date(-1).ToString(), "1969-12-31");
  EXPECT_EQ(Value::Time(kMicrosPerHour + 500).ToString(), "01:00:00.0005");
  EXPECT_EQ(Value::Interval({14, 3, 0}).ToString(), "1 year 2 mons 3 days");
}

TEST(ValueTest, Lists) {
  const Value list =
      Value::List(TypeId::kInteger, {Value::Integer(1), Value::Integer(2), Value::Null(TypeId::kInteger)});
  EXPECT_EQ(list.ToString(), "[1, 2, NULL]");
  EXPECT_EQ(list.GetList().size(), 3u);
  EXPECT_EQ(Value::List(TypeId::kVarchar, {Value::Varchar("a b"), Value::Varchar("")}).ToString(), "[a b, ]");
  EXPECT_EQ(Value::List(TypeId::kInteger, {}).ToString(), "[]");
  const LogicalType ints = LogicalType::List(TypeId::kInteger);
  EXPECT_EQ(
      Value::List(ints, {Value::List(TypeId::kInteger, {Value::Integer(1)}), Value::Null(ints)}).ToString(),
      "[[1], NULL]");
}

TEST(ValueTest, Equality) {
  EXPECT_EQ(Value::Integer(1), Value::Integer(1));
  EXPECT_NE(Value::Integer(1), Value::Integer(2));
  EXPECT_NE(Value::Integer(1), Value::BigInt(1));  // same number, different types
  EXPECT_EQ(Value::Null(TypeId::kInteger), Value::Null(TypeId::kInteger));
  EXPECT_NE(Value::Null(TypeId::kInteger), Value::Integer(0));
  EXPECT_NE(Value::Null(TypeId::kInteger), Value());
  EXPECT_EQ(Value::Double(std::nan("")), Value::Double(std::nan("")));
  EXPECT_EQ(Value::Varchar("a"), Value::Varchar("a"));
  EXPECT_NE(Value::Varchar("a"), Value::Blob("a"));
  EXPECT_EQ(Value::Decimal(150, 10, 2), Value::Decimal(150, 10, 2));
  EXPECT_NE(Value::Decimal(150, 10, 2), Value::Decimal(150, 10, 3));
  EXPECT_NE(Value::Interval({1, 0, 0}), Value::Interval({0, 30, 0}));
  EXPECT_EQ(Value::List(TypeId::kInteger, {Value::Integer(1)}),
            Value::List(TypeId::kInteger, {Value::Integer(1)}));
  EXPECT_NE(Value::List(TypeId::kInteger, {Value::Integer(1)}),
            Value::List(TypeId::kInteger, {Value::Integer(2)}));
}

TEST(ValueTest, ToDouble) {
  EXPECT_DOUBLE_EQ(Value::Decimal(12345, 10, 2).ToDouble(), 123.45);
  EXPECT_DOUBLE_EQ(Value::Decimal(-5, 10, 2).ToDouble(), -0.05);
  EXPECT_DOUBLE_EQ(Value::Integer(-7).ToDouble(), -7);
  EXPECT_DOUBLE_EQ(Value::Real(0.5f).ToDouble(), 0.5);
  EXPECT_DOUBLE_EQ(Value::Double(2.25).ToDouble(), 2.25);
  EXPECT_DOUBLE_EQ(Value::Boolean(true).ToDouble(), 1);
  EXPECT_THROW(Value::Varchar("1").ToDouble(), InternalError);
  EXPECT_THROW(Value::Null(TypeId::kInteger).ToDouble(), InternalError);
}

}  // namespace
}  // namespace basin
