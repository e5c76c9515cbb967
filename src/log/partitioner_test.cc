#include "log/partitioner.h"

#include <gtest/gtest.h>

#include <string>

namespace basin::log {
namespace {

TEST(PartitionerTest, Murmur2MatchesKafka) {
  // The cases of Kafka's UtilsTest.testMurmur2 (librdkafka's murmur2 partitioner agrees).
  EXPECT_EQ(Murmur2("21"), -973932308);
  EXPECT_EQ(Murmur2("foobar"), -790332482);
  EXPECT_EQ(Murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(Murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(Murmur2("abc"), 479470107);
}

TEST(PartitionerTest, PartitionForKeyIsPositiveModulo) {
  EXPECT_EQ(PartitionForKey("21", 7), (-973932308 & 0x7fffffff) % 7);
  for (int32_t partitions : {1, 2, 3, 16, 1000}) {
    for (const char* key : {"", "a", "user-42", "\xff\xfe"}) {
      const int32_t p = PartitionForKey(key, partitions);
      EXPECT_GE(p, 0);
      EXPECT_LT(p, partitions);
    }
  }
}

// Partitions librdkafka's murmur2 partitioner (rd_kafka_msg_partitioner_murmur2, the Java client's
// default) chose for these keys among 3, 10 and 12 partitions.
TEST(PartitionerTest, PartitionsMatchLibrdkafka) {
  struct Case {
    const char* key;
    int32_t of3, of10, of12;
  };
  const Case cases[] = {{"user-1", 2, 8, 8}, {"user-2", 2, 6, 8}, {"user-42", 1, 0, 4}, {"alice", 0, 9, 9},
                        {"bob", 0, 8, 6},    {"", 0, 1, 9},       {"a", 1, 4, 4},       {"ab", 2, 4, 2},
                        {"abc", 0, 7, 3},    {"21", 0, 0, 0},     {"foobar", 0, 6, 6}};
  for (const Case& c : cases) {
    EXPECT_EQ(PartitionForKey(c.key, 3), c.of3) << c.key;
    EXPECT_EQ(PartitionForKey(c.key, 10), c.of10) << c.key;
    EXPECT_EQ(PartitionForKey(c.key, 12), c.of12) << c.key;
  }
}

TEST(PartitionerTest, HashesEveryByte) {
  // Bytes above 0x7f count as unsigned (Java masks them with 0xff) and a NUL is an ordinary byte.
  EXPECT_NE(Murmur2(std::string("a\0b", 3)), Murmur2(std::string("a\0c", 3)));
  EXPECT_NE(Murmur2("\xff\xfe\xfd"), Murmur2("\x7f\x7e\x7d"));
  for (int32_t n = 1; n < 50; ++n) {
    const int32_t p = PartitionForKey("\xc3\xa9t\xc3\xa9", n);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, n);
  }
}

}  // namespace
}  // namespace basin::log
