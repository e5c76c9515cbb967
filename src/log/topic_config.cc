#include "log/topic_config.h"

#include <charconv>

#include "log/errors.h"

namespace basin::log {
namespace {

[[noreturn]] void Invalid(std::string_view key, std::string_view value, const std::string& why) {
  throw LogError(ErrorCode::kInvalidConfig,
                 "invalid value '" + std::string(value) + "' for topic config " + std::string(key) + ": " + why);
}

int64_t ParseLong(std::string_view key, std::string_view value, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (error != std::errc() || end != value.data() + value.size()) Invalid(key, value, "not an integer");
  if (v < min || v > max)
    Invalid(key, value, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return v;
}

}  // namespace

std::string TopicConfig::schema() const {
  auto it = extensions.find("basin.schema");
  return it == extensions.end() ? std::string() : it->second;
}

void TopicConfig::Set(std::string_view key, std::string_view value) {
  if (key == "retention.ms") {
    retention_ms = ParseLong(key, value, -1, INT64_MAX);
  } else if (key == "retention.bytes") {
    retention_bytes = ParseLong(key, value, -1, INT64_MAX);
  } else if (key == "segment.bytes") {
    segment_bytes = ParseLong(key, value, 14, INT32_MAX);  // positions in the index are 32 bits
  } else if (key == "segment.ms") {
    segment_ms = ParseLong(key, value, 1, INT64_MAX);
  } else if (key == "cleanup.policy") {
    if (value == "delete") {
      cleanup_delete = true, cleanup_compact = false;
    } else if (value == "compact") {
      cleanup_delete = false, cleanup_compact = true;
    } else if (value == "compact,delete" || value == "delete,compact") {
      cleanup_delete = cleanup_compact = true;
    } else {
      Invalid(key, value, "expected delete, compact or compact,delete");
    }
  } else if (key == "delete.retention.ms") {
    delete_retention_ms = ParseLong(key, value, 0, INT64_MAX);
  } else if (key == "min.compaction.lag.ms") {
    min_compaction_lag_ms = ParseLong(key, value, 0, INT64_MAX);
  } else if (key == "flush.messages") {
    flush_messages = ParseLong(key, value, 1, INT64_MAX);
  } else if (key == "flush.ms") {
    flush_ms = ParseLong(key, value, 0, INT64_MAX);
  } else if (key == "max.message.bytes") {
    max_message_bytes = static_cast<int32_t>(ParseLong(key, value, 0, INT32_MAX));
  } else if (key == "index.interval.bytes") {
    index_interval_bytes = static_cast<int32_t>(ParseLong(key, value, 0, INT32_MAX));
  } else if (key == "message.timestamp.type") {
    if (value == "CreateTime") {
      timestamp_type = TimestampType::kCreateTime;
    } else if (value == "LogAppendTime") {
      timestamp_type = TimestampType::kLogAppendTime;
    } else {
      Invalid(key, value, "expected CreateTime or LogAppendTime");
    }
  } else if (key.starts_with("basin.") && key.size() > 6) {
    extensions[std::string(key)] = std::string(value);
  } else {
    throw LogError(ErrorCode::kInvalidConfig, "unknown topic config " + std::string(key));
  }
}

std::vector<std::pair<std::string, std::string>> TopicConfig::Entries() const {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"cleanup.policy", cleanup_compact ? (cleanup_delete ? "compact,delete" : "compact") : "delete"},
      {"delete.retention.ms", std::to_string(delete_retention_ms)},
      {"flush.messages", std::to_string(flush_messages)},
      {"flush.ms", std::to_string(flush_ms)},
      {"index.interval.bytes", std::to_string(index_interval_bytes)},
      {"max.message.bytes", std::to_string(max_message_bytes)},
      {"message.timestamp.type", timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime"},
      {"min.compaction.lag.ms", std::to_string(min_compaction_lag_ms)},
      {"retention.bytes", std::to_string(retention_bytes)},
      {"retention.ms", std::to_string(retention_ms)},
      {"segment.bytes", std::to_string(segment_bytes)},
      {"segment.ms", std::to_string(segment_ms)},
  };
  for (const auto& [key, value] : extensions) entries.emplace_back(key, value);
  return entries;
}

TopicConfig ResolveTopicConfig(const TopicConfig& defaults, const std::map<std::string, std::string>& overrides) {
  TopicConfig config = defaults;
  for (const auto& [key, value] : overrides) config.Set(key, value);
  return config;
}

}  // namespace basin::log
