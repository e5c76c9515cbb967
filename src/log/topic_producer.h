#pragma once

// Writing records to a topic from inside Basin (SQL INSERT, COPY ... FROM into a topic): the partition each
// record goes to, batching per partition, and the appends.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/record_batch.h"

namespace basin::log {

class LogManager;

/// Batches records for the partitions of one topic and appends them. A record goes to the partition given,
/// else to the one Kafka's default partitioner picks for its key (murmur2), else round robin, starting at
/// the partition holding the fewest offsets. Records are appended by Flush and whenever 64 MB are batched.
/// With `validate`, appends go through the topic's schema (schema_validation.h): records that do not fit go
/// to the dead-letter topic. One thread.
class TopicProducer {
 public:
  /// Throws LogError(kUnknownTopicOrPartition) when there is no such topic.
  TopicProducer(LogManager& log, std::string topic, bool validate);

  int32_t partitions() const { return partitions_; }

  /// Add a record; returns its partition. Throws DataError (22023) for a partition the topic does not have.
  int32_t Add(std::optional<int64_t> partition, int64_t timestamp, std::optional<std::string_view> key,
              std::optional<std::string_view> value);
  /// Append every batched record.
  void Flush();

  /// Records appended so far (those kept by validation).
  int64_t appended() const { return appended_; }
  /// Records sent to the dead-letter topic so far.
  int64_t rejected() const { return rejected_; }

 private:
  void Seal(int32_t partition);

  LogManager& log_;
  const std::string topic_;
  const bool validate_;
  int32_t partitions_ = 0;
  size_t batch_bytes_ = 0;
  int32_t next_partition_ = 0;
  std::vector<RecordBatchBuilder> builders_;
  std::vector<std::string> pending_;  // sealed batches per partition, not yet appended
  std::vector<int64_t> pending_records_;
  size_t pending_bytes_ = 0;
  int64_t appended_ = 0;
  int64_t rejected_ = 0;
};

}  // namespace basin::log
