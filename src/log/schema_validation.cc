#include "log/schema_validation.h"

#include <algorithm>
#include <map>

#include "common/exception.h"
#include "formats/json/json_object.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/record_batch.h"

namespace basin::log {

namespace {

/// Parsers kept per validator for threads to borrow.
constexpr size_t kPoolSize = 8;
/// Validators kept by schema text before the cache starts over.
constexpr size_t kCacheSize = 256;
/// Bytes of dead letters per batch (well under the default max.message.bytes).
constexpr size_t kDeadLetterBatchBytes = 512 << 10;

RejectedRecord Reject(const Record& record, std::string reason) {
  RejectedRecord r;
  r.timestamp = record.timestamp;
  if (record.key) r.key = std::string(*record.key);
  if (record.value) r.value = std::string(*record.value);
  for (const RecordHeader& h : record.headers) {
    r.headers.emplace_back(std::string(h.key),
                           h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
  }
  r.reason = std::move(reason);
  return r;
}

}  // namespace

SchemaValidator::SchemaValidator(const TopicSchema& schema) : schema_(schema) {}

SchemaValidator::~SchemaValidator() = default;

std::shared_ptr<const SchemaValidator> SchemaValidator::For(const TopicConfig& config) {
  const std::string text = config.schema();
  if (text.empty()) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const SchemaValidator>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kCacheSize) cache.clear();
  auto validator = std::make_shared<const SchemaValidator>(TopicSchema::FromConfig(config));
  cache.emplace(text, validator);
  return validator;
}

std::unique_ptr<json::ObjectReader> SchemaValidator::Borrow() const {
  {
    std::lock_guard lock(mutex_);
    if (!pool_.empty()) {
      auto reader = std::move(pool_.back());
      pool_.pop_back();
      return reader;
    }
  }
  std::vector<json::ObjectField> fields;
  for (const TopicColumn& c : schema_.columns) fields.push_back({c.name, c.type, c.not_null});
  return std::make_unique<json::ObjectReader>(std::move(fields));
}

void SchemaValidator::Return(std::unique_ptr<json::ObjectReader> reader) const {
  std::lock_guard lock(mutex_);
  if (pool_.size() < kPoolSize) pool_.push_back(std::move(reader));
}

std::optional<std::string> SchemaValidator::Check(std::optional<std::string_view> value) const {
  if (!value) return std::nullopt;
  auto reader = Borrow();
  std::optional<std::string> reason = reader->Check(*value);
  Return(std::move(reader));
  return reason;
}

ValidatedRecords SchemaValidator::Validate(std::string_view records) const {
  ValidatedRecords out;
  out.original = records;
  auto reader = Borrow();
  RecordReader decoder;
  Record record;
  std::vector<int32_t> rejected_deltas;  // of the current batch
  BatchIterator batches(records);
  std::string_view batch;
  size_t index = 0;
  while (batches.Next(batch)) {
    const size_t start = batches.position() - batch.size();
    const BatchHeader header = ValidateBatch(batch, "batch " + std::to_string(index++));
    rejected_deltas.clear();
    if (!header.is_control()) {
      decoder.Reset(batch);
      while (decoder.Next(record)) {
        if (!record.value) continue;  // a tombstone
        if (std::optional<std::string> reason = reader->Check(*record.value)) {
          rejected_deltas.push_back(static_cast<int32_t>(record.offset - header.base_offset));
          out.rejected.push_back(Reject(record, std::move(*reason)));
        }
      }
    }
    if (rejected_deltas.empty()) {
      if (out.rewritten) out.rewritten->append(batch);
      continue;
    }
    if (!out.rewritten) out.rewritten.emplace(records.substr(0, start));
    // An idempotent producer's batch keeps its offset span, the rejected records leaving gaps, so that its
    // sequence numbers still line up; any other batch is packed, and left out when nothing of it is kept.
    const bool keep_span = header.is_idempotent();
    if (!keep_span && rejected_deltas.size() == static_cast<size_t>(header.records_count)) continue;
    RecordBatchBuilder builder(RebuildOptions(header));
    decoder.Reset(batch);
    size_t next_rejected = 0;
    while (decoder.Next(record)) {
      const int32_t delta = static_cast<int32_t>(record.offset - header.base_offset);
      if (next_rejected < rejected_deltas.size() && rejected_deltas[next_rejected] == delta) {
        next_rejected++;
      } else if (keep_span) {
        builder.AppendAt(delta, record.timestamp, record.key, record.value, record.headers);
      } else {
        builder.Append(record.timestamp, record.key, record.value, record.headers);
      }
    }
    if (keep_span) builder.SpanOffsets(header.last_offset_delta);
    builder.BuildInto(*out.rewritten);
  }
  Return(std::move(reader));
  if (out.rewritten && batches.has_partial_tail()) out.rewritten->append(records.substr(batches.position()));
  return out;
}

std::string DeadLetterTopic(const std::string& topic) {
  return topic + ".dlq";
}

void AppendDeadLetters(LogManager& log, const std::string& topic, int32_t partition,
                       const std::vector<RejectedRecord>& rejected) {
  if (rejected.empty()) return;
  const std::string dlq = DeadLetterTopic(topic);
  std::optional<TopicInfo> info = log.FindTopic(dlq);
  if (!info) {
    std::optional<TopicInfo> source = log.FindTopic(topic);
    try {
      log.CreateTopic(dlq, source ? source->partitions : partition + 1);
    } catch (const LogError& e) {
      if (e.code() != ErrorCode::kTopicAlreadyExists) throw;  // another producer made it meanwhile
    }
    info = log.FindTopic(dlq);
    if (!info) throw LogError(ErrorCode::kUnknownTopicOrPartition, "topic " + dlq + " was deleted");
  }
  std::shared_ptr<Partition> target = log.GetPartition(dlq, partition % info->partitions);
  const std::string partition_text = std::to_string(partition);
  RecordBatchBuilder builder;
  std::string batches;
  std::vector<RecordHeader> headers;
  for (const RejectedRecord& r : rejected) {
    headers.clear();
    for (const auto& [key, value] : r.headers) headers.push_back({key, value});
    headers.push_back({"basin.error", r.reason});
    headers.push_back({"basin.topic", topic});
    headers.push_back({"basin.partition", partition_text});
    if (builder.record_count() > 0 && builder.uncompressed_size() > kDeadLetterBatchBytes)
      builder.BuildInto(batches);
    builder.Append(r.timestamp, r.key, r.value, headers);
  }
  builder.BuildInto(batches);
  target->Append(batches);
}

ValidatedAppend AppendValidated(LogManager& log, const std::string& topic, int32_t partition,
                                std::string_view records, const AppendOptions& options) {
  std::shared_ptr<Partition> target = log.GetPartition(topic, partition);
  std::shared_ptr<const SchemaValidator> validator = SchemaValidator::For(target->config());
  ValidatedAppend result;
  if (!validator) {
    result.append = target->Append(records, options);
    return result;
  }
  ValidatedRecords checked;
  try {
    checked = validator->Validate(records);
  } catch (const DataError& e) {
    throw LogError(ErrorCode::kCorruptMessage,
                   "produce to " + topic + "-" + std::to_string(partition) + ": " + e.what());
  }
  AppendDeadLetters(log, topic, partition, checked.rejected);
  result.rejected = checked.rejected.size();
  if (checked.accepted().empty()) {
    result.append.log_start_offset = target->log_start_offset();  // every record went to the dead letters
    return result;
  }
  result.append = target->Append(checked.accepted(), options);
  return result;
}

}  // namespace basin::log
