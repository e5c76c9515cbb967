// Log compaction (cleanup.policy=compact): closed segments are rewritten keeping, for each key, only the
// record with the latest offset among the closed segments. A kept tombstone (null value) gets a delete
// horizon of now + delete.retention.ms stored in its batch (Kafka's KIP-534 attribute), and is dropped by the
// first run after that horizon. Batches keep their base offset and offset range, records their offsets, so
// consumers and the offset index see the same offsets as before.

#include <sys/uio.h>

#include <unordered_map>

#include "common/logging.h"
#include "log/partition.h"
#include "log/segment.h"

namespace basin::log {

namespace {

/// Rewrite one batch's records that survive into `out`; false when the batch stays as it is.
bool FilterBatch(std::string_view batch, const std::unordered_map<std::string, int64_t>& latest, int64_t now,
                 int64_t delete_retention_ms, RecordReader& reader, std::string& out, int64_t& next_horizon) {
  reader.Reset(batch);
  const BatchHeader h = reader.header();
  if (h.is_control()) return false;
  BatchOptions options = RebuildOptions(h);
  RecordBatchBuilder builder(options);
  Record record;
  bool dropped = false, needs_horizon = false;
  while (reader.Next(record)) {
    if (record.key) {
      auto it = latest.find(std::string(*record.key));
      if (it != latest.end() && it->second != record.offset) {
        dropped = true;
        continue;
      }
    }
    if (!record.value) {
      if (h.has_delete_horizon() && now >= h.base_timestamp) {
        dropped = true;
        continue;
      }
      needs_horizon = needs_horizon || !h.has_delete_horizon();
      next_horizon = std::min(next_horizon, h.has_delete_horizon() ? h.base_timestamp : now + delete_retention_ms);
    }
    builder.AppendAt(static_cast<int32_t>(record.offset - h.base_offset), record.timestamp, record.key, record.value,
                     record.headers);
  }
  if (!dropped && !needs_horizon) return false;
  out.clear();
  if (builder.record_count() == 0) return true;
  if (h.has_delete_horizon() || needs_horizon)
    builder.options().delete_horizon = h.has_delete_horizon() ? h.base_timestamp : now + delete_retention_ms;
  builder.SpanOffsets(h.last_offset_delta);
  builder.BuildInto(out);
  return true;
}

}  // namespace

uint64_t Partition::Compact() {
  std::lock_guard maintenance(maintenance_mutex_);
  std::vector<std::shared_ptr<Segment>> closed;
  TopicConfig config;
  int64_t now = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || !config_.cleanup_compact) return 0;
    config = config_;
    now = clock_();
    for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) closed.push_back(it->second);
  }
  if (closed.empty()) return 0;
  // Nothing to do when no segment closed since the last run and no tombstone horizon has passed.
  const int64_t closed_end = closed.back()->next_offset();
  if (closed_end == compacted_through_ && now < next_tombstone_horizon_) return 0;

  // Pass 1: the latest offset of every key in the closed segments.
  std::unordered_map<std::string, int64_t> latest;
  RecordReader reader;
  Record record;
  for (const auto& segment : closed) {
    SegmentScanner scanner(*segment, 0, segment->size());
    std::string_view batch;
    uint64_t position;
    while (scanner.Next(batch, position)) {
      reader.Reset(batch);
      if (reader.header().is_control()) continue;
      while (reader.Next(record)) {
        if (record.key) latest[std::string(*record.key)] = record.offset;
      }
    }
  }
  // Pass 2: rewrite the segments old enough (min.compaction.lag.ms) that lose records or gain horizons.
  uint64_t reclaimed = 0;
  int64_t next_horizon = INT64_MAX;
  std::string rebuilt;
  for (const auto& segment : closed) {
    if (segment->max_timestamp() > now - config.min_compaction_lag_ms) break;
    auto cleaned = Segment::Create(dir_, segment->base_offset(), segment->created_ms(),
                                   static_cast<uint32_t>(config.index_interval_bytes), ".cleaned");
    bool changed = false;
    SegmentScanner scanner(*segment, 0, segment->size());
    std::string_view batch;
    uint64_t position;
    while (scanner.Next(batch, position)) {
      std::string_view kept = batch;
      if (FilterBatch(batch, latest, now, config.delete_retention_ms, reader, rebuilt, next_horizon)) {
        changed = true;
        kept = rebuilt;
      }
      if (kept.empty()) continue;
      const BatchHeader h = DecodeBatchHeader(kept.data());
      const iovec part{const_cast<char*>(kept.data()), kept.size()};
      const AppendedBatch info{h.base_offset, h.next_offset(), h.max_timestamp, static_cast<uint32_t>(kept.size())};
      cleaned->Append({&part, 1}, {&info, 1});
    }
    if (!changed) {
      cleaned->DeleteFiles();
      continue;
    }
    cleaned->Seal();
    cleaned->Flush();
    std::lock_guard lock(mutex_);
    if (closed_) {
      cleaned->DeleteFiles();
      return reclaimed;
    }
    reclaimed += segment->size() - cleaned->size();
    if (cleaned->empty()) {
      segment->DeleteFiles();
      cleaned->DeleteFiles();
      segments_.erase(segment->base_offset());
    } else {
      cleaned->CommitSuffix(".cleaned");
      segments_[segment->base_offset()] = cleaned;
    }
  }
  compacted_through_ = closed_end;
  next_tombstone_horizon_ = next_horizon;
  if (reclaimed > 0) {
    LogLine(LogLevel::kInfo, "partition " + name_ + ": compaction reclaimed " + std::to_string(reclaimed) + " bytes");
  }
  return reclaimed;
}

}  // namespace basin::log
