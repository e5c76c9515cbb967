#pragma once

// Consumer groups' committed offsets, kept in the internal compacted topic `__consumer_offsets` (one
// partition) as Kafka keeps them: key OffsetCommitKey v1 (group, topic, partition), value OffsetCommitValue
// v3 (offset, leader epoch, metadata, commit timestamp), a tombstone to delete. A commit is one batch, so
// it is durable (written) when Commit returns and all of it or none survives a kill -9. The whole state is
// also in memory, loaded from the topic on open.
//
// Threads: every method may be called from any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "log/partition.h"

namespace basin::log {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = -1;  ///< set by Commit from the clock
  bool operator==(const CommittedOffset&) const = default;
};

class GroupOffsets {
 public:
  /// Load the committed offsets from `partition` (the `__consumer_offsets` partition).
  GroupOffsets(std::shared_ptr<Partition> partition, Clock clock);

  /// Commit `offsets` for `group` at once. Throws LogError when the write fails.
  void Commit(const std::string& group, const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets);
  std::optional<CommittedOffset> Fetch(const std::string& group, const TopicPartition& partition) const;
  /// Every committed offset of `group` (empty when it has none).
  std::map<TopicPartition, CommittedOffset> FetchAll(const std::string& group) const;
  /// The groups with committed offsets.
  std::vector<std::string> ListGroups() const;
  /// Delete every offset of `group`; throws LogError(kGroupIdNotFound) when it has none.
  void DeleteGroup(const std::string& group);
  /// Delete some of a group's offsets (OffsetDelete).
  void DeleteOffsets(const std::string& group, const std::vector<TopicPartition>& partitions);
  /// Delete every group's offsets for `topic` (the topic was deleted).
  void RemoveTopic(const std::string& topic);

 private:
  using Key = std::pair<std::string, TopicPartition>;
  void Load();
  void WriteTombstones(const std::vector<Key>& keys);

  std::shared_ptr<Partition> partition_;
  Clock clock_;
  mutable std::mutex mutex_;  // offsets_, and the order of writes to the partition
  std::map<std::string, std::map<TopicPartition, CommittedOffset>> offsets_;
};

}  // namespace basin::log
