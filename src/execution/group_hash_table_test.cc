#include "execution/group_hash_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace basin {
namespace {

/// Feed `keys` (as BIGINT and VARCHAR columns) through the table in chunks; return each row's group id.
std::vector<uint32_t> Group(GroupHashTable& table, const std::vector<int64_t>& keys) {
  std::vector<uint32_t> ids(keys.size());
  for (size_t start = 0; start < keys.size(); start += kVectorSize) {
    size_t n = std::min(kVectorSize, keys.size() - start);
    DataChunk chunk({TypeId::kBigInt, TypeId::kVarchar});
    for (size_t i = 0; i < n; i++) {
      int64_t k = keys[start + i];
      if (k < 0) {
        chunk.column(0).SetNull(i);
        chunk.column(1).SetNull(i);
      } else {
        chunk.column(0).data<int64_t>()[i] = k;
        chunk.column(1).SetValue(i,
                                 Value::Varchar("key-" + std::to_string(k % 1000) + "-with-a-long-suffix"));
      }
    }
    chunk.SetCardinality(n);
    table.FindOrCreate(chunk, ids.data() + start);
  }
  return ids;
}

// Millions of keys: 32-bit salts collide and the table grows with probes under way; every key still has one
// group, found again.
TEST(GroupHashTableTest, ManyKeysEachHaveOneGroup) {
  GroupHashTable table({TypeId::kBigInt}, 8);
  std::mt19937_64 rng(7);
  const size_t n = 1500000;
  std::vector<int64_t> keys(n);
  for (auto& k : keys) k = static_cast<int64_t>(rng() >> 1);
  auto run = [&] {
    std::vector<uint32_t> ids(n);
    for (size_t start = 0; start < n; start += kVectorSize) {
      const size_t m = std::min(kVectorSize, n - start);
      DataChunk chunk({TypeId::kBigInt});
      for (size_t i = 0; i < m; i++) chunk.column(0).data<int64_t>()[i] = keys[start + i];
      chunk.SetCardinality(m);
      table.FindOrCreate(chunk, ids.data() + start);
    }
    return ids;
  };
  const std::vector<uint32_t> first = run();
  EXPECT_EQ(table.GroupCount(), n);
  EXPECT_EQ(run(), first);
  EXPECT_EQ(table.GroupCount(), n);
}

TEST(GroupHashTableTest, EqualKeysShareAGroupAndDistinctKeysDoNot) {
  GroupHashTable table({TypeId::kBigInt, TypeId::kVarchar}, 8);
  std::mt19937_64 rng(42);
  std::vector<int64_t> keys(50000);
  for (auto& k : keys) k = static_cast<int64_t>(rng() % 20000) - 1;  // -1: a NULL key
  auto ids = Group(table, keys);
  std::map<int64_t, uint32_t> seen;
  for (size_t i = 0; i < keys.size(); i++) {
    auto [it, inserted] = seen.emplace(keys[i], ids[i]);
    EXPECT_EQ(it->second, ids[i]) << "key " << keys[i];
  }
  EXPECT_EQ(table.GroupCount(), seen.size());
  // Distinct keys have distinct ids, so ids and keys correspond one to one.
  std::map<uint32_t, int64_t> back;
  for (auto& [k, id] : seen) EXPECT_TRUE(back.emplace(id, k).second);
}

TEST(GroupHashTableTest, StoredKeysAndPayloadsFollowTheGroups) {
  GroupHashTable table({TypeId::kBigInt, TypeId::kVarchar}, 8);
  std::vector<int64_t> keys = {5, 9, 5, 1000005, 9};
  auto ids = Group(table, keys);
  EXPECT_EQ(ids[0], ids[2]);
  EXPECT_NE(ids[0], ids[3]);  // same string part, different number
  for (uint32_t g = 0; g < table.GroupCount(); g++) *reinterpret_cast<int64_t*>(table.Payload(g)) = g * 10;
  EXPECT_EQ(*reinterpret_cast<int64_t*>(table.Payload(ids[4])), ids[1] * 10);
  EXPECT_EQ(table.keys()[0].GetValue(ids[3]), Value::BigInt(1000005));
}

TEST(GroupHashTableTest, NoKeyColumnsIsOneGroup) {
  GroupHashTable table({}, 8);
  DataChunk none;
  none.SetCardinality(100);
  std::vector<uint32_t> ids(100);
  table.FindOrCreate(none, ids.data());
  EXPECT_EQ(table.GroupCount(), 1u);
  for (auto id : ids) EXPECT_EQ(id, 0u);
}

}  // namespace
}  // namespace basin
