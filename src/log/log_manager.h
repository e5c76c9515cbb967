#pragma once

// The owner of `DATA/log/`: topics (`<topic>/topic.json` holding the topic id, partition count and config
// overrides; `<topic>/<partition>/` the partitions' segments), producer id allocation
// (`~producer_ids`, ids handed out in persisted blocks so none is reused after a restart), consumer groups'
// committed offsets (the internal topic `__consumer_offsets`) and the background maintenance that applies
// flush.ms, retention, compaction and producer expiry.
//
// Threads: every method may be called from any thread; partitions are shared_ptrs that stay usable (and
// then throw kUnknownTopicOrPartition) after their topic is deleted.

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "log/group_offsets.h"
#include "log/partition.h"
#include "log/topic_config.h"

namespace basin::log {

/// The internal topic of committed offsets.
inline constexpr const char* kConsumerOffsetsTopic = "__consumer_offsets";

struct LogManagerOptions {
  /// The broker-wide defaults each topic's overrides apply to.
  TopicConfig defaults;
  Clock clock;
  /// producer.id.expiration.ms: idle idempotent producers are forgotten after this.
  int64_t producer_id_expiration_ms = 24LL * 3600 * 1000;
};

/// A topic's identity and settings.
struct TopicInfo {
  std::string name;
  std::array<uint8_t, 16> id{};  ///< the Kafka topic id (a random UUID made at creation)
  int32_t partitions = 0;
  bool internal = false;
  std::map<std::string, std::string> overrides;  ///< the configs set on the topic
  TopicConfig config;                            ///< the effective configs (defaults + overrides)
};

/// A topic with its partitions' offsets and sizes.
struct TopicDescription {
  TopicInfo info;
  std::vector<PartitionStats> partitions;
};

/// The id and epoch InitProducerId hands to an idempotent producer.
struct ProducerIdAndEpoch {
  int64_t producer_id;
  int16_t producer_epoch;
};

class LogManager {
 public:
  /// Open `dir` (DATA/log), creating it and `__consumer_offsets` if missing, and recover every partition.
  explicit LogManager(std::filesystem::path dir, LogManagerOptions options = {});
  /// Stop maintenance and close every partition (producer snapshots are written).
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  /// Check a topic name as Kafka does: 1 to 249 characters of [a-zA-Z0-9._-], not "." or "..". Throws
  /// LogError(kInvalidTopic).
  static void ValidateTopicName(std::string_view name);

  /// Create a topic. Throws LogError: kInvalidTopic, kTopicAlreadyExists, kInvalidPartitions,
  /// kInvalidConfig.
  TopicInfo CreateTopic(const std::string& name, int32_t partitions,
                        const std::map<std::string, std::string>& config = {});
  /// Delete a topic, its data and its committed offsets. Throws kUnknownTopicOrPartition, or kInvalidTopic
  /// for an internal topic.
  void DeleteTopic(const std::string& name);
  /// Topic names, sorted.
  std::vector<std::string> ListTopics(bool include_internal = true) const;
  /// The topic, or nullopt when there is none.
  std::optional<TopicInfo> FindTopic(const std::string& name) const;
  /// Throws kUnknownTopicOrPartition.
  TopicDescription DescribeTopic(const std::string& name) const;
  /// Set (a value) or remove (nullopt: back to the default) config overrides, as IncrementalAlterConfigs.
  TopicInfo AlterTopicConfig(const std::string& name, const std::map<std::string, std::optional<std::string>>& changes);
  /// Grow a topic to `total` partitions. Throws kInvalidPartitions when `total` is not larger.
  TopicInfo AddPartitions(const std::string& name, int32_t total);
  /// A partition. Throws LogError(kUnknownTopicOrPartition).
  std::shared_ptr<Partition> GetPartition(const std::string& topic, int32_t partition) const;

  /// Called with a partition's topic and index after an append wrote records to it.
  using AppendListener = std::function<void(const std::string& topic, int32_t partition)>;
  /// Call `listener` after every append to any partition, present or created later, as
  /// Partition::SetAppendListener says (the Kafka broker wakes its long-polling fetches with it). Replaces
  /// the previous listener; an empty one removes it.
  void SetAppendListener(AppendListener listener);

  /// A new producer id with epoch 0 (InitProducerId without a transactional id).
  ProducerIdAndEpoch InitProducerId();
  GroupOffsets& group_offsets() { return *group_offsets_; }

  /// One maintenance pass over every partition: flush.ms, retention, compaction, producer expiry. Errors are
  /// logged, never thrown.
  void RunMaintenance();
  /// Run maintenance every `interval` on a background thread until StopMaintenance (or destruction).
  void StartMaintenance(std::chrono::milliseconds interval);
  void StopMaintenance();
  /// fsync every partition (a graceful shutdown); errors are logged, never thrown.
  void Flush();

 private:
  struct Topic {
    TopicInfo info;
    std::vector<std::shared_ptr<Partition>> partitions;
  };
  void LoadTopics();
  std::shared_ptr<Topic> OpenTopic(const std::filesystem::path& dir);
  std::shared_ptr<Topic> FindLocked(const std::string& name) const;
  void WriteTopicFile(const TopicInfo& info) const;
  std::shared_ptr<Partition> OpenPartition(const TopicInfo& info, int32_t partition) const;
  /// Point `partition`'s append listener at append_listener_ (under mutex_).
  void Listen(Partition& partition, const std::string& topic, int32_t index) const;
  TopicInfo CreateTopicLocked(const std::string& name, int32_t partitions,
                              const std::map<std::string, std::string>& config, bool internal);
  std::vector<std::shared_ptr<Partition>> AllPartitions() const;

  const std::filesystem::path dir_;
  const LogManagerOptions options_;
  const Clock clock_;

  mutable std::shared_mutex mutex_;  // topics_
  std::map<std::string, std::shared_ptr<Topic>> topics_;
  AppendListener append_listener_;  // under mutex_

  std::mutex producer_ids_mutex_;
  int64_t next_producer_id_ = 0;
  int64_t producer_id_block_end_ = 0;

  std::unique_ptr<GroupOffsets> group_offsets_;

  struct MaintenanceThread;  // the background thread, its wake-up and stop flag
  std::mutex maintenance_mutex_;
  std::unique_ptr<MaintenanceThread> maintenance_;
};

}  // namespace basin::log
