#pragma once

// Idempotent producers' state in one partition, as Kafka keeps it: per producer id, its epoch and its last
// five batches (sequence range and offsets), so that a retried batch is answered with its original offsets,
// a sequence that skips ahead is refused and an older epoch is fenced. Rebuilt on open from the latest
// snapshot (`<offset>.snapshot`, written when a segment rolls and when the partition closes) plus the
// batches after it.
//
// Threads: the owning Partition calls it under its lock.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "log/record_batch.h"

namespace basin::log {

/// A batch an idempotent producer appended.
struct ProducerBatch {
  int32_t first_sequence;
  int32_t last_sequence;
  int64_t first_offset;
  int64_t last_offset;
  int64_t timestamp;
};

/// What a partition knows of one producer id.
struct ProducerEntry {
  int16_t epoch = kNoProducerEpoch;
  std::deque<ProducerBatch> batches;  ///< the last kRetainedBatches, oldest first
  int64_t last_timestamp = kNoTimestamp;
};

class ProducerStateManager {
 public:
  /// Batches remembered per producer, as Kafka (max.in.flight.requests.per.connection is at most 5).
  static constexpr size_t kRetainedBatches = 5;

  /// One append's view of the state: checks its batches in order against the state and the batches before
  /// them, then Commit applies them all at once (or nothing, when the write fails).
  class Update {
   public:
    /// Check `batch` (an idempotent one): the original batch when it is a retry, nullopt when it is new.
    /// Throws LogError: kInvalidProducerEpoch for an older epoch, kOutOfOrderSequenceNumber for a gap or a
    /// new epoch that does not start at sequence 0.
    std::optional<ProducerBatch> Check(const BatchHeader& batch) const;
    /// Record `batch` as appended at `first_offset` (after Check accepted it).
    void Add(const BatchHeader& batch, int64_t first_offset, int64_t timestamp);

   private:
    friend class ProducerStateManager;
    explicit Update(const ProducerStateManager& state) : state_(state) {}
    const ProducerEntry* Find(int64_t producer_id) const;
    const ProducerStateManager& state_;
    std::unordered_map<int64_t, ProducerEntry> changed_;
  };

  Update Begin() const { return Update(*this); }
  void Commit(Update&& update);
  /// Apply a batch read back from the log, without checks (replay on open).
  void Replay(const BatchHeader& batch);

  const ProducerEntry* Find(int64_t producer_id) const;
  size_t producer_count() const { return producers_.size(); }
  /// Forget producers whose last batch is older than `now_ms - max_idle_ms` (producer.id.expiration.ms).
  void ExpireProducers(int64_t now_ms, int64_t max_idle_ms);

  /// Write the state as of `offset` to `dir/<offset>.snapshot` (via a temporary file and a rename).
  void WriteSnapshot(const std::filesystem::path& dir, int64_t offset) const;
  /// Load the newest snapshot at or below `max_offset` in `dir` (deleting those above it and corrupt ones);
  /// returns the offset it holds the state for, or nullopt when there is none.
  std::optional<int64_t> LoadSnapshot(const std::filesystem::path& dir, int64_t max_offset);
  /// Delete snapshots below `offset`, always keeping the newest `keep`.
  static void DeleteSnapshotsBefore(const std::filesystem::path& dir, int64_t offset, size_t keep);

 private:
  static void AddTo(ProducerEntry& entry, const BatchHeader& batch, int64_t first_offset, int64_t timestamp);
  std::unordered_map<int64_t, ProducerEntry> producers_;
};

}  // namespace basin::log
