#include "server/kafka/wire.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace basin::kafka {
namespace {

SharedBytes Bytes(std::string_view s) { return SharedBytes::Copy(s); }

/// Return the bytes `fill` writes (without the size prefix).
template <class F>
std::string Written(bool flexible, F&& fill) {
  Writer w(0, flexible);
  fill(w);
  return std::move(w).Finish().Flatten().substr(4);
}

TEST(KafkaWire, VarintsRoundTrip) {
  const int32_t ints[] = {0, 1, -1, 63, -64, 64, 300, -300, std::numeric_limits<int32_t>::max(),
                          std::numeric_limits<int32_t>::min()};
  for (int32_t v : ints) {
    Reader r(Bytes(Written(false, [&](Writer& w) { w.Varint(v); })));
    EXPECT_EQ(r.Varint("v"), v);
    EXPECT_EQ(r.remaining(), 0u);
  }
  const int64_t longs[] = {0, -1, 1LL << 40, -(1LL << 40), std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  for (int64_t v : longs) {
    Reader r(Bytes(Written(false, [&](Writer& w) { w.Varlong(v); })));
    EXPECT_EQ(r.Varlong("v"), v);
    EXPECT_EQ(r.remaining(), 0u);
  }
  // Zigzag as the spec shows it: 0 -> 00, -1 -> 01, 1 -> 02, 300 -> ac 02 (unsigned).
  EXPECT_EQ(Written(false, [](Writer& w) { w.Varint(-1); }), std::string("\x01", 1));
  EXPECT_EQ(Written(false, [](Writer& w) { w.Varint(1); }), std::string("\x02", 1));
  EXPECT_EQ(Written(false, [](Writer& w) { w.UnsignedVarint(300); }), std::string("\xac\x02", 2));
}

TEST(KafkaWire, VarintOverflowIsAnError) {
  Reader r(Bytes(std::string("\xff\xff\xff\xff\x1f", 5)));
  EXPECT_THROW(r.UnsignedVarint("length"), DecodeError);
  Reader r2(Bytes(std::string(11, '\xff')));
  EXPECT_THROW(r2.Varlong("delta"), DecodeError);
}

TEST(KafkaWire, ClassicAndCompactStrings) {
  EXPECT_EQ(Written(false, [](Writer& w) { w.String("s", "ab"); }), std::string("\x00\x02" "ab", 4));
  EXPECT_EQ(Written(true, [](Writer& w) { w.String("s", "ab"); }), std::string("\x03" "ab", 3));
  EXPECT_EQ(Written(false, [](Writer& w) { w.NullableString("s", std::nullopt); }), std::string("\xff\xff", 2));
  EXPECT_EQ(Written(true, [](Writer& w) { w.NullableString("s", std::nullopt); }), std::string("\x00", 1));
  // The header's client id keeps its int16 length in flexible versions.
  EXPECT_EQ(Written(true, [](Writer& w) { w.LegacyNullableString("s", std::string("c")); }),
            std::string("\x00\x01" "c", 3));

  Reader r(Bytes(std::string("\x03" "ab" "\x00", 4)));
  r.SetVersion(0, true);
  std::string s;
  std::optional<std::string> n = "x";
  r.String("s", s);
  r.NullableString("n", n);
  EXPECT_EQ(s, "ab");
  EXPECT_FALSE(n.has_value());
}

TEST(KafkaWire, ErrorsNameTheFieldAndOffset) {
  Reader r(Bytes(std::string("\x00\x00\x00\x01\x00\x05" "ab", 8)));
  r.SetContext("TestRequest v1");
  int32_t i;
  r.Int32("count", i);
  std::string s;
  try {
    r.String("name", s);
    FAIL() << "expected a DecodeError";
  } catch (const DecodeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("TestRequest v1"), std::string::npos) << message;
    EXPECT_NE(message.find("'name'"), std::string::npos) << message;
    EXPECT_NE(message.find("byte 6"), std::string::npos) << message;
    EXPECT_NE(message.find("length 5 exceeds the 2 bytes left"), std::string::npos) << message;
  }
}

TEST(KafkaWire, ArrayCountsAreBoundedByTheBytesLeft) {
  // Two billion elements announced in six bytes: refused before anything is allocated.
  Reader r(Bytes(std::string("\x7f\xff\xff\xff\x00\x00", 6)));
  std::vector<int32_t> v;
  EXPECT_THROW(r.Int32Array("ids", v), DecodeError);
  Reader negative(Bytes(std::string("\xff\xff\xff\xfe", 4)));
  EXPECT_THROW(negative.Int32Array("ids", v), DecodeError);
  Reader null(Bytes(std::string("\xff\xff\xff\xff", 4)));
  EXPECT_THROW(null.Int32Array("ids", v), DecodeError) << "null where the array is not nullable";
}

TEST(KafkaWire, TaggedFieldsAreSkippedInOrder) {
  // Two tags: 0 with 2 bytes, 5 with 1 byte; then an int8.
  Reader r(Bytes(std::string("\x02\x00\x02xy\x05\x01z\x07", 9)));
  r.SetVersion(0, true);
  r.TaggedFields();
  int8_t b;
  r.Int8("after", b);
  EXPECT_EQ(b, 7);
  Reader out_of_order(Bytes(std::string("\x02\x05\x00\x01\x00", 5)));
  out_of_order.SetVersion(0, true);
  EXPECT_THROW(out_of_order.TaggedFields(), DecodeError);
}

TEST(KafkaWire, RecordsAreSlicedAndSplicedWithoutCopies) {
  const SharedBytes frame = Bytes(std::string("\x00\x00\x00\x03" "abc" "!", 8));
  Reader r(frame);
  Records records;
  r.Records("records", records);
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ(records->view(), "abc");
  EXPECT_EQ(records->data(), frame.data() + 4) << "a slice of the frame, not a copy";

  Writer w(0, false);
  w.Int8("before", 1);
  w.Records("records", records);
  w.Int8("after", 2);
  const EncodedFrame encoded = std::move(w).Finish();
  EXPECT_EQ(encoded.size(), 4u + 1 + 4 + 3 + 1);
  EXPECT_EQ(encoded.Flatten(), std::string("\x00\x00\x00\x09\x01\x00\x00\x00\x03" "abc\x02", 13));
  bool referenced = false;
  encoded.ForEachPiece([&](const uint8_t* p, size_t n) { referenced |= p == records->data() && n == 3; });
  EXPECT_TRUE(referenced) << "record bytes are written from where they lie";

  Writer null_writer(0, true);
  null_writer.Records("records", std::nullopt);
  EXPECT_EQ(std::move(null_writer).Finish().Flatten().substr(4), std::string("\x00", 1));
}

}  // namespace
}  // namespace basin::kafka
