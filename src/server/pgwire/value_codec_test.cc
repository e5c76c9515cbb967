#include "server/pgwire/value_codec.h"

#include <gtest/gtest.h>

#include "common/exception.h"
#include "types/pg_type.h"

namespace basin::pgwire {
namespace {

std::string Text(const Value& v) {
  std::string out;
  EncodeText(v, out);
  return out;
}

std::string Binary(const Value& v) {
  std::string out;
  EncodeBinary(v, out);
  return out;
}

/// Encode in binary and decode as PostgreSQL's type of the value.
Value RoundTrip(const Value& v) {
  return DecodeBinary(Binary(v), PgTypeOid(v.type()));
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

TEST(ValueCodecTest, TextForms) {
  EXPECT_EQ(Text(Value::Boolean(true)), "t");
  EXPECT_EQ(Text(Value::Boolean(false)), "f");
  EXPECT_EQ(Text(Value::Decimal(1250, 10, 2)), "12.50");
  EXPECT_EQ(Text(Value::Double(0.1)), "0.1");
  EXPECT_EQ(Text(Value::Blob("\x0a\x0b")), "\\x0a0b");
  EXPECT_EQ(Text(Value::Timestamp(0)), "1970-01-01 00:00:00");
  EXPECT_EQ(Text(Value::TimestampTz(0)), "1970-01-01 00:00:00+00");
  EXPECT_EQ(Text(Value::List(TypeId::kInteger, {Value::Integer(1), Value::Null(TypeId::kInteger), Value::Integer(3)})),
            "{1,NULL,3}");
  EXPECT_EQ(Text(Value::List(TypeId::kVarchar, {Value::Varchar("a b"), Value::Varchar("x\"y\\z"), Value::Varchar(""),
                                                Value::Varchar("null"), Value::Varchar("plain")})),
            "{\"a b\",\"x\\\"y\\\\z\",\"\",\"null\",plain}");
  const LogicalType ints = LogicalType::List(TypeId::kInteger);
  EXPECT_EQ(Text(Value::List(ints, {Value::List(TypeId::kInteger, {Value::Integer(1), Value::Integer(2)}),
                                    Value::List(TypeId::kInteger, {Value::Integer(3), Value::Integer(4)})})),
            "{{1,2},{3,4}}");
  EXPECT_EQ(Text(Value::List(TypeId::kBoolean, {Value::Boolean(true)})), "{t}");
}

TEST(ValueCodecTest, BinaryIntegersAndFloats) {
  EXPECT_EQ(Hex(Binary(Value::Integer(258))), "00000102");
  EXPECT_EQ(Hex(Binary(Value::SmallInt(-1))), "ffff");
  EXPECT_EQ(Hex(Binary(Value::BigInt(1))), "0000000000000001");
  EXPECT_EQ(Hex(Binary(Value::Double(1.0))), "3ff0000000000000");
  EXPECT_EQ(Hex(Binary(Value::Real(1.0f))), "3f800000");
  EXPECT_EQ(Hex(Binary(Value::Boolean(true))), "01");
  for (const Value& v : {Value::Integer(-5), Value::SmallInt(300), Value::BigInt(INT64_MIN), Value::Double(-2.5),
                         Value::Real(0.25f), Value::Boolean(false), Value::Varchar("héllo"), Value::Blob(std::string("\0\1", 2))}) {
    EXPECT_EQ(RoundTrip(v), v) << v.ToString();
  }
}

TEST(ValueCodecTest, BinaryNumeric) {
  // 12.50: ndigits 2, weight 0, positive, dscale 2, digits 12 and 5000.
  EXPECT_EQ(Hex(Binary(Value::Decimal(1250, 10, 2))), "00020000000000020"
                                                      "00c1388");
  EXPECT_EQ(Hex(Binary(Value::Decimal(0, 10, 2))), "0000000000000002");
  // -10000.0001: digits 1, 0, 1 at weights 1, 0, -1; negative; dscale 4.
  EXPECT_EQ(Hex(Binary(Value::Decimal(-100000001, 12, 4))), "0003000140000004000100000001");
  for (const Value& v : {Value::Decimal(1250, 10, 2), Value::Decimal(-100000001, 12, 4), Value::Decimal(1, 5, 5),
                         Value::Decimal(123456789, 9, 0), Value::Decimal(0, 3, 1)}) {
    const Value back = RoundTrip(v);
    EXPECT_EQ(back.ToString(), v.ToString()) << v.ToString();
  }
  // A value beyond DECIMAL(38) is an error, not a wrong number.
  std::string huge = "\x00\x0b\x00\x0a\x00\x00\x00\x00";
  huge = std::string(huge.data(), 8);
  for (int i = 0; i < 11; i++) huge += std::string("\x00\x01", 2);
  EXPECT_THROW(DecodeBinary(huge, pg_oid::kNumeric), Exception);
}

TEST(ValueCodecTest, BinaryDatesAndTimes) {
  // 2000-01-01 is PostgreSQL's epoch.
  EXPECT_EQ(Hex(Binary(Value::Date(10957))), "00000000");
  EXPECT_EQ(Hex(Binary(Value::Timestamp(int64_t{946684800} * 1000000))), "0000000000000000");
  interval_t iv;
  iv.months = 14;
  iv.days = 3;
  iv.micros = 5000000;
  EXPECT_EQ(Hex(Binary(Value::Interval(iv))), "00000000004c4b40000000030000000e");
  for (const Value& v : {Value::Date(0), Value::Date(-719162), Value::Time(3723000001), Value::Timestamp(1700000000123456),
                         Value::TimestampTz(-1), Value::Interval(iv)}) {
    EXPECT_EQ(RoundTrip(v), v) << v.ToString();
  }
}

TEST(ValueCodecTest, BinaryArrays) {
  const Value list = Value::List(TypeId::kInteger, {Value::Integer(1), Value::Null(TypeId::kInteger)});
  // ndim 1, has nulls, int4; dimension 2 from 1; 1; NULL.
  EXPECT_EQ(Hex(Binary(list)), "00000001000000010000001700000002000000010000000400000001ffffffff");
  EXPECT_EQ(RoundTrip(list), list);
  const Value empty = Value::List(TypeId::kVarchar, {});
  EXPECT_EQ(RoundTrip(empty).GetList().size(), 0u);
  const LogicalType ints = LogicalType::List(TypeId::kBigInt);
  const Value matrix = Value::List(ints, {Value::List(TypeId::kBigInt, {Value::BigInt(1), Value::BigInt(2)}),
                                          Value::List(TypeId::kBigInt, {Value::BigInt(3), Value::BigInt(4)})});
  EXPECT_EQ(RoundTrip(matrix), matrix);
  const Value ragged = Value::List(ints, {Value::List(TypeId::kBigInt, {Value::BigInt(1)}),
                                         Value::List(TypeId::kBigInt, {Value::BigInt(3), Value::BigInt(4)})});
  EXPECT_THROW(Binary(ragged), Exception);
}

TEST(ValueCodecTest, BadBinaryParameters) {
  EXPECT_THROW(DecodeBinary("abc", pg_oid::kInt4), Exception);
  EXPECT_THROW(DecodeBinary("abcde", pg_oid::kInt4), Exception);
  EXPECT_THROW(DecodeBinary("", pg_oid::kBool), Exception);
  EXPECT_THROW(DecodeBinary(std::string("\xff\xfe", 2), pg_oid::kText), Exception);
  EXPECT_THROW(DecodeBinary(std::string(12, '\0'), 1007), Exception);  // an array cut short
  try {
    DecodeBinary("abc", pg_oid::kInt8);
    FAIL();
  } catch (const Exception& e) {
    EXPECT_EQ(e.sqlstate(), "22P03");
  }
  EXPECT_EQ(DecodeBinary("plain", pg_oid::kUnknown), Value::Varchar("plain"));
}

TEST(ValueCodecTest, Utf8AndPositions) {
  EXPECT_TRUE(IsValidUtf8("héllo €𝄞"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8(std::string("a\0b", 3)));
  EXPECT_EQ(CharacterPosition("SELECT x", 7), 8);
  EXPECT_EQ(CharacterPosition("SELECT 'é', x", 12), 12);  // é is two bytes, one character
  EXPECT_EQ(CharacterPosition("abc", 0), 1);
}

}  // namespace
}  // namespace basin::pgwire
