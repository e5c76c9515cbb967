#include "log/topic_producer.h"

#include <algorithm>

#include "common/exception.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/partitioner.h"
#include "log/schema_validation.h"

namespace basin::log {

namespace {
/// Bytes of records batched before they are appended ahead of Flush.
constexpr size_t kMaxPendingBytes = 64 << 20;
}  // namespace

TopicProducer::TopicProducer(LogManager& log, std::string topic, bool validate)
    : log_(log), topic_(std::move(topic)), validate_(validate) {
  std::optional<TopicInfo> info = log.FindTopic(topic_);
  if (!info) throw LogError(ErrorCode::kUnknownTopicOrPartition, "topic " + topic_ + " does not exist");
  partitions_ = info->partitions;
  // Batches of at most half of max.message.bytes (and 512 KiB), so that a batch is never refused as too big.
  batch_bytes_ = std::clamp<size_t>(static_cast<size_t>(info->config.max_message_bytes) / 2, 1024, 512 << 10);
  builders_.resize(static_cast<size_t>(partitions_));
  pending_.resize(static_cast<size_t>(partitions_));
  pending_records_.assign(static_cast<size_t>(partitions_), 0);
  int64_t fewest = INT64_MAX;
  for (int32_t p = 0; p < partitions_; p++) {
    const int64_t offsets = log.GetPartition(topic_, p)->high_watermark();
    if (offsets < fewest) fewest = offsets, next_partition_ = p;
  }
}

int32_t TopicProducer::Add(std::optional<int64_t> partition, int64_t timestamp,
                           std::optional<std::string_view> key, std::optional<std::string_view> value) {
  int32_t p;
  if (partition) {
    if (*partition < 0 || *partition >= partitions_) {
      throw DataError(sqlstate::kInvalidParameterValue, "topic \"" + topic_ + "\" has no partition " +
                                                            std::to_string(*partition) + " (it has " +
                                                            std::to_string(partitions_) + ")");
    }
    p = static_cast<int32_t>(*partition);
  } else if (key) {
    p = PartitionForKey(*key, partitions_);
  } else {
    p = next_partition_;
    next_partition_ = (next_partition_ + 1) % partitions_;
  }
  RecordBatchBuilder& builder = builders_[static_cast<size_t>(p)];
  const size_t size = (key ? key->size() : 0) + (value ? value->size() : 0) + 32;
  if (builder.record_count() > 0 && builder.uncompressed_size() + size > batch_bytes_) Seal(p);
  builder.Append(timestamp, key, value);
  if (pending_bytes_ >= kMaxPendingBytes) Flush();
  return p;
}

void TopicProducer::Seal(int32_t partition) {
  RecordBatchBuilder& builder = builders_[static_cast<size_t>(partition)];
  std::string& pending = pending_[static_cast<size_t>(partition)];
  const size_t before = pending.size();
  pending_records_[static_cast<size_t>(partition)] += builder.record_count();
  builder.BuildInto(pending);
  pending_bytes_ += pending.size() - before;
}

void TopicProducer::Flush() {
  for (int32_t p = 0; p < partitions_; p++) {
    if (builders_[static_cast<size_t>(p)].record_count() > 0) Seal(p);
    std::string& pending = pending_[static_cast<size_t>(p)];
    if (pending.empty()) continue;
    int64_t& records = pending_records_[static_cast<size_t>(p)];
    if (validate_) {
      const ValidatedAppend result = AppendValidated(log_, topic_, p, pending);
      rejected_ += static_cast<int64_t>(result.rejected);
      appended_ += records - static_cast<int64_t>(result.rejected);
    } else {
      log_.GetPartition(topic_, p)->Append(pending);
      appended_ += records;
    }
    pending.clear();
    records = 0;
  }
  pending_bytes_ = 0;
}

}  // namespace basin::log
