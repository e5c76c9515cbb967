#pragma once

// One partition of a topic: a directory `DATA/log/<topic>/<partition>/` of segments (see segment.h), the
// offsets a Kafka broker reports (log start offset, high watermark), idempotent producers' state, retention
// and compaction.
//
// Threads: any number of threads append and read concurrently. Appends are serialized by the partition's
// lock, held for the producer-state check and the write() of the batches into the page cache (no fsync
// unless the flush policy asks). Reads hold the lock only to find where to start, then pread without it, so
// a large fetch never stalls appenders; a reader sees only whole batches that were fully written.
// Maintenance (retention, compaction, flush.ms) runs one at a time per partition, beside appends and reads.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "log/topic_config.h"

namespace basin::log {

class Segment;
class ProducerStateManager;
struct ProducerEntry;

/// Milliseconds since the Unix epoch; injected so that tests control time.
using Clock = std::function<int64_t()>;
/// The system clock.
int64_t SystemClockMs();

/// ListOffsets' special timestamps.
inline constexpr int64_t kLatestTimestamp = -1;
inline constexpr int64_t kEarliestTimestamp = -2;
inline constexpr int64_t kMaxTimestamp = -3;

struct AppendOptions {
  /// Stored in each batch's partitionLeaderEpoch field.
  int32_t leader_epoch = 0;
  /// Decode every record before accepting the batch (the CRC alone is checked otherwise, as a Kafka broker
  /// does for uncompressed batches). Compacted topics always decode, to refuse records without a key.
  bool validate_records = false;
};

struct AppendResult {
  int64_t base_offset = -1;     ///< the first offset assigned
  int64_t last_offset = -1;     ///< the last offset assigned
  int64_t log_append_time = -1; ///< the broker time stamped into the batches (LogAppendTime topics), else -1
  int64_t log_start_offset = 0;
  bool duplicate = false;       ///< an idempotent retry: nothing was written, the offsets are the original's
};

struct ReadResult {
  std::string records;          ///< whole batches as stored; the first may start before the offset asked for
  int64_t high_watermark = 0;   ///< the offset after the last acknowledged record
  int64_t log_start_offset = 0;
  int64_t last_stable_offset = 0;  ///< equal to the high watermark (no transactions)
};

/// ListOffsets' answer.
struct OffsetAndTimestamp {
  int64_t offset;
  int64_t timestamp;
};

/// Sizes and offsets of a partition, for DescribeTopic and metrics.
struct PartitionStats {
  int64_t log_start_offset;
  int64_t high_watermark;
  uint64_t size_bytes;
  size_t segments;
  size_t producers;
};

class Partition {
 public:
  /// Open (or create) the partition in `dir`, recovering its last segment and producer state. `name`
  /// ("clicks-0") names it in errors and log lines.
  static std::unique_ptr<Partition> Open(std::filesystem::path dir, std::string name, const TopicConfig& config,
                                         Clock clock);
  ~Partition();
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  /// Append the batches in `records` (a produce request's records: one or more v2 batches), assigning
  /// offsets from the log end. Returns once the bytes are in the file (written, not fsynced unless the flush
  /// policy says so). Throws LogError: kCorruptMessage (bad framing or CRC), kMessageTooLarge,
  /// kInvalidRecord (a key missing on a compacted topic), kOutOfOrderSequenceNumber,
  /// kInvalidProducerEpoch, kKafkaStorageError, kUnknownTopicOrPartition (closed or deleted).
  AppendResult Append(std::string_view records, const AppendOptions& options = {});

  /// Read whole batches from the one holding `offset`, up to `max_bytes` (the first batch whole even when
  /// larger, as Kafka does) and not past `end_offset` (a batch starting at or after it is left out: a SQL
  /// scan passes the high watermark it started with). An offset equal to the high watermark reads nothing.
  /// Throws LogError(kOffsetOutOfRange) below the log start offset or above the high watermark.
  ReadResult Read(int64_t offset, size_t max_bytes, int64_t end_offset = INT64_MAX) const;
  /// The same into `result`, reusing its buffer.
  void Read(int64_t offset, size_t max_bytes, ReadResult& result, int64_t end_offset = INT64_MAX) const;

  /// ListOffsets: kEarliestTimestamp, kLatestTimestamp, kMaxTimestamp (the record with the largest
  /// timestamp), or the first record whose timestamp is >= `timestamp`; nullopt when there is none.
  std::optional<OffsetAndTimestamp> OffsetForTimestamp(int64_t timestamp) const;

  int64_t high_watermark() const { return high_watermark_.load(std::memory_order_acquire); }
  int64_t log_start_offset() const;
  PartitionStats Stats() const;
  const std::string& name() const { return name_; }
  const std::filesystem::path& dir() const { return dir_; }
  TopicConfig config() const;
  /// Apply changed settings (they govern the next append and maintenance run).
  void SetConfig(const TopicConfig& config);
  /// Call `listener` after each append that wrote records, on the appending thread once the partition's lock
  /// is released (long-polling fetches wait on it). It must be quick and must not throw; empty: none.
  void SetAppendListener(std::function<void()> listener);
  /// The producer's entry in this partition's state (a copy), for tests and describe.
  std::optional<ProducerEntry> Producer(int64_t producer_id) const;

  /// Delete the oldest segments that retention.ms or retention.bytes no longer keeps (never the active
  /// one), moving the log start offset. Returns how many were deleted.
  size_t ApplyRetention();
  /// Compact closed segments when cleanup.policy has compact: keep the latest record of each key, drop
  /// tombstones whose delete horizon passed. Returns the bytes reclaimed.
  uint64_t Compact();
  /// fsync when flush.ms has passed since the last flush and records are unflushed.
  void MaybeFlush();
  /// fsync now.
  void Flush();
  /// Forget idempotent producers idle for `max_idle_ms`.
  void ExpireProducers(int64_t max_idle_ms);
  /// Roll to a new segment now (tests; compaction only touches closed segments).
  void Roll();

  /// Snapshot producer state and close; later calls throw kUnknownTopicOrPartition. With `deleted`, the
  /// partition is going away and nothing is written.
  void Close(bool deleted = false);

 private:
  Partition(std::filesystem::path dir, std::string name, const TopicConfig& config, Clock clock);
  void Load();
  void ReplayProducers(int64_t from_offset);
  void CheckOpen() const;
  void RollLocked(int64_t now);
  std::shared_ptr<Segment> SegmentFor(int64_t offset) const;
  std::shared_ptr<Segment> SegmentAfter(int64_t base_offset) const;

  const std::filesystem::path dir_;
  const std::string name_;
  const Clock clock_;

  mutable std::mutex mutex_;  // segments_, producers_, config_, counters
  TopicConfig config_;
  std::map<int64_t, std::shared_ptr<Segment>> segments_;  // by base offset; the last is active
  std::atomic<int64_t> high_watermark_{0};
  int64_t log_start_offset_ = 0;
  std::unique_ptr<ProducerStateManager> producers_;
  std::shared_ptr<const std::function<void()>> append_listener_;
  int64_t unflushed_messages_ = 0;
  int64_t last_flush_ms_ = 0;
  bool closed_ = false;
  // Mirrors of config_ that appends read before taking the lock.
  std::atomic<int32_t> max_message_bytes_;
  std::atomic<bool> compacted_;

  std::mutex maintenance_mutex_;  // one retention or compaction run at a time; guards the two below
  int64_t compacted_through_ = -1;           // the end of the closed segments the last compaction saw
  int64_t next_tombstone_horizon_ = INT64_MAX;  // the earliest delete horizon of a kept tombstone
};

}  // namespace basin::log
