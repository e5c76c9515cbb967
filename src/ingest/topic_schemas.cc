#include "ingest/topic_schemas.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "log/partitioner.h"
#include "log/schema_validation.h"

namespace basin::ingest {

void UseTopicSchemas(log::LogManager& logs, CollectorOptions& options) {
  options.validator = [](const log::TopicInfo& topic, std::span<const Event> events) {
    std::vector<Rejection> rejected;
    const std::shared_ptr<const log::SchemaValidator> schema = log::SchemaValidator::For(topic.config);
    if (!schema) return rejected;
    for (size_t i = 0; i < events.size(); ++i) {
      if (std::optional<std::string> reason = schema->Check(events[i].json)) rejected.push_back({i, *reason});
    }
    return rejected;
  };
  options.dead_letters = [&logs, clock = options.clock](const log::TopicInfo& topic,
                                                        std::span<const Event> events,
                                                        std::span<const Rejection> rejected) {
    const int64_t now = clock ? clock() : log::SystemClockMs();
    const int32_t partitions = std::max(topic.partitions, 1);
    std::map<int32_t, std::vector<log::RejectedRecord>> by_partition;
    for (const Rejection& r : rejected) {
      const Event& e = events[r.index];
      log::RejectedRecord record;
      record.timestamp = e.timestamp_ms.value_or(now);
      record.key = e.key;
      record.value = std::string(e.json);
      record.reason = r.reason;
      by_partition[e.key ? log::PartitionForKey(*e.key, partitions) : 0].push_back(std::move(record));
    }
    for (const auto& [partition, records] : by_partition)
      log::AppendDeadLetters(logs, topic.name, partition, records);
  };
}

}  // namespace basin::ingest
