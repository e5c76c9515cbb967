#include "execution/cast.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/exception.h"

namespace basin {
namespace {

std::string Text(const Value& v, const LogicalType& t) {
  return CastValue(v, t).ToString();
}
Value FromText(const std::string& s, const LogicalType& t) {
  return CastValue(Value::Varchar(s), t);
}
std::string RoundTrip(const std::string& s, const LogicalType& t) {
  return CastValue(FromText(s, t), TypeId::kVarchar).GetString();
}

template <class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.sqlstate() + " " + e.message();
  }
  return "no error";
}

TEST(CastTest, IntegerRangeChecks) {
  EXPECT_EQ(CastValue(Value::BigInt(32767), TypeId::kSmallInt), Value::SmallInt(32767));
  EXPECT_EQ(ErrorOf([] { CastValue(Value::BigInt(32768), TypeId::kSmallInt); }),
            "22003 smallint out of range");
  EXPECT_EQ(ErrorOf([] { CastValue(Value::BigInt(int64_t{1} << 40), TypeId::kInteger); }),
            "22003 integer out of range");
  EXPECT_EQ(ErrorOf([] { CastValue(Value::Double(1e19), TypeId::kBigInt); }), "22003 bigint out of range");
  EXPECT_EQ(ErrorOf([] { CastValue(Value::Double(NAN), TypeId::kInteger); }), "22003 integer out of range");
}

TEST(CastTest, RoundingToIntegers) {
  // float8 -> int uses rint (half to even), numeric -> int rounds half away from zero, as PostgreSQL.
  EXPECT_EQ(CastValue(Value::Double(2.5), TypeId::kInteger), Value::Integer(2));
  EXPECT_EQ(CastValue(Value::Double(3.5), TypeId::kInteger), Value::Integer(4));
  EXPECT_EQ(CastValue(Value::Double(-2.7), TypeId::kInteger), Value::Integer(-3));
  EXPECT_EQ(CastValue(Value::Decimal(25, 3, 1), TypeId::kInteger), Value::Integer(3));
  EXPECT_EQ(CastValue(Value::Decimal(-25, 3, 1), TypeId::kInteger), Value::Integer(-3));
  EXPECT_EQ(CastValue(Value::Decimal(-24, 3, 1), TypeId::kBigInt), Value::BigInt(-2));
}

TEST(CastTest, Decimals) {
  EXPECT_EQ(Text(Value::Decimal(12345, 10, 3), LogicalType::Decimal(10, 1)), "12.3");
  EXPECT_EQ(Text(Value::Decimal(12355, 10, 3), LogicalType::Decimal(10, 2)), "12.36");
  EXPECT_EQ(Text(Value::Decimal(-12355, 10, 3), LogicalType::Decimal(10, 2)), "-12.36");
  EXPECT_EQ(Text(Value::Integer(42), LogicalType::Decimal(5, 2)), "42.00");
  EXPECT_EQ(ErrorOf([] { CastValue(Value::Integer(1000), LogicalType::Decimal(5, 2)); }),
            "22003 numeric field overflow");
  EXPECT_EQ(Text(Value::Double(1.005), LogicalType::Decimal(10, 2)), "1.01");  // through the shortest text
  EXPECT_EQ(Text(Value::Decimal(12345, 10, 2), TypeId::kDouble), "123.45");
  EXPECT_EQ(Text(Value::Decimal(Pow10(20), 38, 0), LogicalType::Decimal(38, 2)), "100000000000000000000.00");
  EXPECT_EQ(ErrorOf([] { CastValue(Value::Decimal(Pow10(20), 38, 0), LogicalType::Decimal(18, 0)); }),
            "22003 numeric field overflow");
}

TEST(CastTest, DecimalFromText) {
  EXPECT_EQ(RoundTrip("1.25", LogicalType::Decimal(5, 2)), "1.25");
  EXPECT_EQ(RoundTrip(" -1.255 ", LogicalType::Decimal(5, 2)), "-1.26");
  EXPECT_EQ(RoundTrip("1e3", LogicalType::Decimal(10, 2)), "1000.00");
  EXPECT_EQ(RoundTrip("1.5E-1", LogicalType::Decimal(10, 2)), "0.15");
  EXPECT_EQ(RoundTrip(".5", LogicalType::Decimal(3, 1)), "0.5");
  EXPECT_EQ(RoundTrip("0.0000001", LogicalType::Decimal(10, 2)), "0.00");
  EXPECT_EQ(RoundTrip("99999999999999999999.5", LogicalType::Decimal(38, 0)), "100000000000000000000");
  EXPECT_EQ(ErrorOf([] { FromText("9.995", LogicalType::Decimal(3, 2)); }), "22003 numeric field overflow");
  EXPECT_EQ(ErrorOf([] { FromText("1.2.3", LogicalType::Decimal(3, 2)); }),
            "22P02 invalid input syntax for type numeric: \"1.2.3\"");
}

TEST(CastTest, IntegersFromText) {
  EXPECT_EQ(FromText(" 42 ", TypeId::kInteger), Value::Integer(42));
  EXPECT_EQ(FromText("-2147483648", TypeId::kInteger), Value::Integer(INT32_MIN));
  EXPECT_EQ(FromText("+7", TypeId::kSmallInt), Value::SmallInt(7));
  EXPECT_EQ(ErrorOf([] { FromText("abc", TypeId::kInteger); }),
            "22P02 invalid input syntax for type integer: \"abc\"");
  EXPECT_EQ(ErrorOf([] { FromText("1.5", TypeId::kInteger); }),
            "22P02 invalid input syntax for type integer: \"1.5\"");
  EXPECT_EQ(ErrorOf([] { FromText("", TypeId::kBigInt); }),
            "22P02 invalid input syntax for type bigint: \"\"");
  EXPECT_EQ(ErrorOf([] { FromText("2147483648", TypeId::kInteger); }),
            "22003 value \"2147483648\" is out of range for type integer");
  EXPECT_EQ(ErrorOf([] { FromText("99999999999999999999999", TypeId::kBigInt); }),
            "22003 value \"99999999999999999999999\" is out of range for type bigint");
}

TEST(CastTest, FloatsAndBooleansFromText) {
  EXPECT_EQ(FromText("1.5", TypeId::kDouble), Value::Double(1.5));
  EXPECT_EQ(FromText("-1e-3", TypeId::kDouble), Value::Double(-0.001));
  EXPECT_TRUE(std::isnan(FromText("NaN", TypeId::kDouble).GetDouble()));
  EXPECT_EQ(FromText("-Infinity", TypeId::kDouble).GetDouble(), -HUGE_VAL);
  EXPECT_EQ(FromText("inf", TypeId::kReal).GetDouble(), HUGE_VAL);
  EXPECT_EQ(ErrorOf([] { FromText("1e400", TypeId::kDouble); }),
            "22003 \"1e400\" is out of range for type double precision");
  EXPECT_EQ(ErrorOf([] { FromText("x1", TypeId::kDouble); }),
            "22P02 invalid input syntax for type double precision: \"x1\"");
  for (const char* t : {"t", "TRUE", "yes", "on", "1", " y "})
    EXPECT_EQ(FromText(t, TypeId::kBoolean), Value::Boolean(true)) << t;
  for (const char* f : {"f", "false", "No", "off", "0"})
    EXPECT_EQ(FromText(f, TypeId::kBoolean), Value::Boolean(false)) << f;
  EXPECT_EQ(ErrorOf([] { FromText("o", TypeId::kBoolean); }),
            "22P02 invalid input syntax for type boolean: \"o\"");
}

TEST(CastTest, ToText) {
  EXPECT_EQ(Text(Value::Boolean(true), TypeId::kVarchar), "true");
  EXPECT_EQ(Text(Value::Integer(-5), TypeId::kVarchar), "-5");
  EXPECT_EQ(Text(Value::Double(0.1), TypeId::kVarchar), "0.1");
  EXPECT_EQ(Text(Value::Decimal(-5, 5, 2), TypeId::kVarchar), "-0.05");
  EXPECT_EQ(Text(Value::Date(0), TypeId::kVarchar), "1970-01-01");
  EXPECT_EQ(Text(Value::Blob("\x0a\x0b"), TypeId::kVarchar), "\\x0a0b");
  EXPECT_EQ(Text(Value::List(TypeId::kInteger, {Value::Integer(1), Value::Integer(2)}), TypeId::kVarchar),
            "[1, 2]");
}

TEST(CastTest, TemporalCasts) {
  EXPECT_EQ(RoundTrip("2024-02-29", TypeId::kDate), "2024-02-29");
  EXPECT_EQ(RoundTrip("2024-02-29 13:14:15.5", TypeId::kTimestamp), "2024-02-29 13:14:15.5");
  EXPECT_EQ(RoundTrip("12:30", TypeId::kTime), "12:30:00");
  EXPECT_EQ(RoundTrip("1 day 02:00:00", TypeId::kInterval), "1 day 02:00:00");
  Value ts = FromText("2024-02-29 13:14:15", TypeId::kTimestamp);
  EXPECT_EQ(Text(ts, TypeId::kDate), "2024-02-29");
  EXPECT_EQ(Text(ts, TypeId::kTime), "13:14:15");
  EXPECT_EQ(Text(ts, TypeId::kTimestampTz), "2024-02-29 13:14:15+00");
  EXPECT_EQ(Text(FromText("1969-12-31 23:00", TypeId::kTimestamp), TypeId::kDate), "1969-12-31");
  EXPECT_EQ(Text(FromText("2024-01-01", TypeId::kDate), TypeId::kTimestamp), "2024-01-01 00:00:00");
  EXPECT_EQ(Text(FromText("01:02:03", TypeId::kTime), TypeId::kInterval), "01:02:03");
  // A well-formed date with an impossible field is 22008, malformed text 22007, as PostgreSQL.
  EXPECT_EQ(ErrorOf([] { FromText("2024-13-01", TypeId::kDate); }),
            "22008 date/time field value out of range: \"2024-13-01\"");
  EXPECT_EQ(ErrorOf([] { FromText("2024-01-x", TypeId::kDate); }),
            "22007 invalid input syntax for type date: \"2024-01-x\"");
}

TEST(CastTest, BlobsAndLists) {
  EXPECT_EQ(FromText("\\x0a0B", TypeId::kBlob).GetString(), std::string("\x0a\x0b"));
  EXPECT_EQ(FromText("ab\\\\c\\001", TypeId::kBlob).GetString(), std::string("ab\\c\x01"));
  EXPECT_EQ(ErrorOf([] { FromText("\\x0", TypeId::kBlob); }),
            "22023 invalid hexadecimal data: odd number of digits");
  EXPECT_EQ(ErrorOf([] { FromText("\\xZZ", TypeId::kBlob); }), "22023 invalid hexadecimal digit: \"Z\"");
  LogicalType ints = LogicalType::List(TypeId::kInteger);
  EXPECT_EQ(RoundTrip("[1, 2, NULL]", ints), "[1, 2, NULL]");
  EXPECT_EQ(RoundTrip("{3,4}", ints), "[3, 4]");
  EXPECT_EQ(Text(FromText("[1, 2]", ints), LogicalType::List(TypeId::kDouble)), "[1, 2]");
}

TEST(CastTest, TryCastGivesNull) {
  EXPECT_TRUE(CastValue(Value::Varchar("abc"), TypeId::kInteger, true).IsNull());
  EXPECT_TRUE(CastValue(Value::BigInt(1), TypeId::kInteger, true) == Value::Integer(1));
  Value out;
  EXPECT_FALSE(TryCastValue(Value::BigInt(int64_t{1} << 40), TypeId::kInteger, out));
  EXPECT_TRUE(TryCastValue(Value::Varchar("7"), TypeId::kSmallInt, out));
  EXPECT_EQ(out, Value::SmallInt(7));
  EXPECT_TRUE(CastValue(Value(), TypeId::kInteger).IsNull());
}

TEST(CastTest, VectorsKeepNullsAndConstants) {
  Vector source(TypeId::kVarchar, 4);
  source.SetValue(0, Value::Varchar("1"));
  source.SetValue(1, Value::Null(TypeId::kVarchar));
  source.SetValue(2, Value::Varchar("x"));
  source.SetValue(3, Value::Varchar("4"));
  Vector result(TypeId::kInteger, 4);
  CastVector(source, result, 4, /*try_cast=*/true);
  EXPECT_EQ(result.GetValue(0), Value::Integer(1));
  EXPECT_TRUE(result.IsNull(1));
  EXPECT_TRUE(result.IsNull(2));
  EXPECT_EQ(result.GetValue(3), Value::Integer(4));
  EXPECT_THROW(CastVector(source, result, 4, false), DataError);

  Vector constant(Value::Integer(5));
  Vector wide(TypeId::kBigInt, 8);
  CastVector(constant, wide, 8, false);
  EXPECT_TRUE(wide.IsConstant());
  EXPECT_EQ(wide.GetValue(7), Value::BigInt(5));
}

TEST(CastTest, CanCast) {
  EXPECT_TRUE(CanCast(TypeId::kInteger, TypeId::kBoolean));
  EXPECT_FALSE(CanCast(TypeId::kDouble, TypeId::kBoolean));
  EXPECT_TRUE(CanCast(TypeId::kDate, TypeId::kTimestampTz));
  EXPECT_FALSE(CanCast(TypeId::kDate, TypeId::kTime));
  EXPECT_TRUE(CanCast(TypeId::kBlob, TypeId::kVarchar));
}

}  // namespace
}  // namespace basin
