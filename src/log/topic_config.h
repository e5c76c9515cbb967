#pragma once

// A topic's settings, named as Kafka names its topic configs, with Kafka's defaults. Keys under `basin.`
// (such as `basin.schema`, the topic's declared columns) are kept as given for the layers above the log.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "log/record_batch.h"

namespace basin::log {

struct TopicConfig {
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;  ///< retention.ms; -1 keeps data forever
  int64_t retention_bytes = -1;                   ///< retention.bytes per partition; -1: no limit
  int64_t segment_bytes = 1LL << 30;              ///< segment.bytes: roll when a segment would pass it
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;    ///< segment.ms: roll a segment this old
  bool cleanup_delete = true;                     ///< cleanup.policy has "delete"
  bool cleanup_compact = false;                   ///< cleanup.policy has "compact"
  int64_t delete_retention_ms = 24LL * 3600 * 1000;  ///< delete.retention.ms: how long tombstones stay
  int64_t min_compaction_lag_ms = 0;              ///< min.compaction.lag.ms
  int64_t flush_messages = INT64_MAX;             ///< flush.messages: fsync after this many records
  int64_t flush_ms = INT64_MAX;                   ///< flush.ms: fsync data older than this
  int32_t max_message_bytes = 1048588;            ///< max.message.bytes: the largest batch accepted
  int32_t index_interval_bytes = 4096;            ///< index.interval.bytes
  TimestampType timestamp_type = TimestampType::kCreateTime;  ///< message.timestamp.type
  std::map<std::string, std::string> extensions;  ///< `basin.*` keys, opaque to the log

  /// The declared schema (`basin.schema`), empty when none.
  std::string schema() const;
  /// Set one key from its text form; throws LogError(kInvalidConfig) for an unknown key or a bad value.
  void Set(std::string_view key, std::string_view value);
  /// Every key with its value as text (for DescribeConfigs): Kafka's keys, then the extensions.
  std::vector<std::pair<std::string, std::string>> Entries() const;
  /// Whether any flush policy asks for fsyncs.
  bool flushes() const { return flush_messages != INT64_MAX || flush_ms != INT64_MAX; }
};

/// Build a config from `defaults` overridden by `overrides` (key to text value); throws like Set.
TopicConfig ResolveTopicConfig(const TopicConfig& defaults, const std::map<std::string, std::string>& overrides);

}  // namespace basin::log
