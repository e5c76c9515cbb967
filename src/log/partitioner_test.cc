#include "log/partitioner.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace basin::log
