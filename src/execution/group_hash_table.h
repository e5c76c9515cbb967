#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vector/vector.h"

namespace basin {

/// Maps group keys to dense group ids (0, 1, 2, ...) and keeps, per group, the key values (columnar) and a
/// fixed-size payload (aggregate states). Open addressing with linear probing over the stored hashes; keys
/// are compared column by column for a whole chunk at once. Not thread-safe: one per thread, merged later.
class GroupHashTable {
 public:
  GroupHashTable(std::vector<LogicalType> key_types, size_t payload_size);

  /// Find or create the group of every row of `keys` (count rows); write the ids to `groups`. Ids of newly
  /// created groups are appended to `created` when given.
  void FindOrCreate(const DataChunk& keys, uint32_t* groups, std::vector<uint32_t>* created = nullptr);

  size_t GroupCount() const { return hashes_.size(); }
  /// The stored key columns (GroupCount() rows each).
  const std::vector<Vector>& keys() const { return keys_; }
  uint8_t* Payload(uint32_t group) {
    return blocks_[group / kGroupsPerBlock].get() + (group % kGroupsPerBlock) * payload_size_;
  }
  size_t payload_size() const { return payload_size_; }
  /// Bytes held, for memory accounting.
  size_t SizeInBytes() const;

 private:
  static constexpr size_t kGroupsPerBlock = 1024;
  uint32_t AddGroup(const DataChunk& keys, size_t row, uint64_t hash);
  void Grow();

  std::vector<LogicalType> key_types_;
  std::vector<Vector> keys_;
  std::vector<uint64_t> hashes_;
  /// Upper 32 bits: the group's hash's upper half (a salt that rejects most mismatches without touching
  /// anything else); lower 32 bits: group id + 1. 0 is empty.
  std::vector<uint64_t> slots_;
  uint64_t mask_ = 0;
  size_t payload_size_;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
};

}  // namespace basin
