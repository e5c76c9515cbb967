#include "stream/row_codec.h"

#include <gtest/gtest.h>

#include "common/exception.h"

namespace basin::stream {
namespace {

TEST(RowCodecTest, RoundTripsEveryFixedAndStringType) {
  const std::vector<Value> values = {
      Value::Boolean(true),
      Value::SmallInt(-7),
      Value::Integer(42),
      Value::BigInt(-1234567890123),
      Value::Real(1.5f),
      Value::Double(-2.25),
      Value::Decimal(12345, 10, 2),
      Value::Decimal(hugeint_t(1) << 100, 38, 0),
      Value::Varchar("short"),
      Value::Varchar("a string longer than the inline twelve bytes"),
      Value::Varchar(""),
      Value::Blob(std::string("\0\xff", 2)),
      Value::Date(19000),
      Value::Time(3600000000),
      Value::Timestamp(-5),
      Value::TimestampTz(1700000000000000),
      Value::Interval(interval_t{1, 2, 3}),
  };
  std::vector<LogicalType> types;
  for (const Value& v : values) types.push_back(v.type());
  DataChunk in(types);
  for (size_t c = 0; c < values.size(); c++) {
    in.SetValue(c, 0, values[c]);
    in.SetValue(c, 1, Value::Null(types[c]));
  }
  in.SetCardinality(2);
  std::string bytes;
  EncodeRow(in, 0, values.size(), 0, bytes);
  EncodeRow(in, 0, values.size(), 1, bytes);

  DataChunk out(types);
  std::string_view rest = bytes;
  DecodeRow(rest, out, 0, values.size(), 1);
  DecodeRow(rest, out, 0, values.size(), 0);
  EXPECT_TRUE(rest.empty());
  for (size_t c = 0; c < values.size(); c++) {
    EXPECT_EQ(out.GetValue(c, 1).ToString(), values[c].ToString()) << types[c].ToString();
    EXPECT_TRUE(out.GetValue(c, 0).IsNull()) << types[c].ToString();
  }
}

TEST(RowCodecTest, ConstantVectorsEncodeTheirValueForEveryRow) {
  Vector constant(Value::Varchar("same"));
  std::string a, b;
  EncodeValue(constant, 0, a);
  EncodeValue(constant, 1000, b);
  EXPECT_EQ(a, b);
}

TEST(RowCodecTest, TruncatedBytesAreRefused) {
  DataChunk in(std::vector<LogicalType>{TypeId::kBigInt, TypeId::kVarchar});
  in.SetValue(0, 0, Value::BigInt(1));
  in.SetValue(1, 0, Value::Varchar("text"));
  in.SetCardinality(1);
  std::string bytes;
  EncodeRow(in, 0, 2, 0, bytes);
  DataChunk out(in.Types());
  for (size_t cut = 0; cut < bytes.size(); cut++) {
    std::string_view part(bytes.data(), cut);
    EXPECT_THROW(DecodeRow(part, out, 0, 2, 0), DataError) << cut;
  }
}

TEST(RowCodecTest, OrderedIntegersSortAsTheNumbers) {
  const std::vector<int64_t> numbers = {INT64_MIN, -1000000, -1, 0, 1, 255, 256, 1700000000000000, INT64_MAX};
  std::vector<std::string> encoded;
  for (int64_t n : numbers) {
    std::string s;
    AppendOrderedInt64(s, n);
    encoded.push_back(s);
    std::string_view in = s;
    EXPECT_EQ(ReadOrderedInt64(in), n);
  }
  for (size_t i = 1; i < encoded.size(); i++) EXPECT_LT(encoded[i - 1], encoded[i]) << numbers[i];
}

}  // namespace
}  // namespace basin::stream
