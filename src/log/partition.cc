#include "log/partition.h"

#include <sys/uio.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "common/exception.h"
#include "common/logging.h"
#include "log/bytes_internal.h"
#include "log/crc32c.h"
#include "log/errors.h"
#include "log/producer_state.h"
#include "log/segment.h"

namespace basin::log {

namespace L = batch_layout;

namespace {

bool IsSegmentLogName(const std::string& name) {
  return name.size() == 24 && name.ends_with(".log") &&
         std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; });
}

// A batch of an append, validated, before its offsets are assigned.
struct Incoming {
  std::string_view bytes;
  BatchHeader header;
};

}  // namespace

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Partition::Partition(std::filesystem::path dir, std::string name, const TopicConfig& config, Clock clock)
    : dir_(std::move(dir)), name_(std::move(name)), clock_(clock ? std::move(clock) : Clock(SystemClockMs)),
      config_(config),
      producers_(std::make_unique<ProducerStateManager>()),
      max_message_bytes_(config.max_message_bytes),
      compacted_(config.cleanup_compact) {}

Partition::~Partition() = default;

std::unique_ptr<Partition> Partition::Open(std::filesystem::path dir, std::string name, const TopicConfig& config,
                                           Clock clock) {
  std::unique_ptr<Partition> partition(new Partition(std::move(dir), std::move(name), config, std::move(clock)));
  partition->Load();
  return partition;
}

void Partition::Load() {
  std::filesystem::create_directories(dir_);
  std::vector<int64_t> bases;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".cleaned") || name.ends_with(".tmp")) {
      std::filesystem::remove(entry.path());  // an interrupted compaction or snapshot
    } else if (IsSegmentLogName(name)) {
      bases.push_back(std::stoll(name.substr(0, 20)));
    }
  }
  std::sort(bases.begin(), bases.end());
  const uint32_t interval = static_cast<uint32_t>(config_.index_interval_bytes);
  for (size_t i = 0; i < bases.size(); ++i) {
    segments_[bases[i]] = Segment::Open(dir_, bases[i], /*recover=*/i + 1 == bases.size(), interval);
  }
  const int64_t now = clock_();
  if (segments_.empty()) segments_[0] = Segment::Create(dir_, 0, now, interval);
  log_start_offset_ = segments_.begin()->first;
  high_watermark_.store(segments_.rbegin()->second->next_offset());
  last_flush_ms_ = now;
  const std::optional<int64_t> snapshot = producers_->LoadSnapshot(dir_, high_watermark());
  ReplayProducers(std::max(snapshot.value_or(log_start_offset_), log_start_offset_));
  ProducerStateManager::DeleteSnapshotsBefore(dir_, log_start_offset_, 1);
}

void Partition::ReplayProducers(int64_t from_offset) {
  for (const auto& [base, segment] : segments_) {
    if (segment->next_offset() <= from_offset) continue;
    SegmentScanner scanner(*segment, from_offset > base ? segment->LookupPosition(from_offset) : 0, segment->size(),
                           /*headers_only=*/true);
    std::string_view header;
    uint64_t position;
    while (scanner.Next(header, position)) {
      const BatchHeader h = DecodeBatchHeader(header.data());
      if (h.base_offset >= from_offset) producers_->Replay(h);
    }
  }
}

void Partition::CheckOpen() const {
  if (closed_) throw LogError(ErrorCode::kUnknownTopicOrPartition, "partition " + name_ + " is closed or deleted");
}

std::shared_ptr<Segment> Partition::SegmentFor(int64_t offset) const {
  auto it = segments_.upper_bound(offset);
  return it == segments_.begin() ? it->second : std::prev(it)->second;
}

std::shared_ptr<Segment> Partition::SegmentAfter(int64_t base_offset) const {
  auto it = segments_.upper_bound(base_offset);
  return it == segments_.end() ? nullptr : it->second;
}

AppendResult Partition::Append(std::string_view records, const AppendOptions& options) {
  // Framing, CRCs and (when asked) records are checked before taking the lock, so appenders overlap there.
  thread_local std::vector<Incoming> batches;
  batches.clear();
  const int32_t max_message_bytes = max_message_bytes_.load(std::memory_order_relaxed);
  const bool require_keys = compacted_.load(std::memory_order_relaxed);
  BatchIterator it(records);
  std::string_view bytes;
  while (it.Next(bytes)) {
    // Where the batch is, for messages only: built when one is needed.
    auto where = [&] {
      return "produce to " + name_ + ", batch " + std::to_string(batches.size()) + " at byte " +
             std::to_string(it.position() - bytes.size());
    };
    BatchHeader header;
    try {
      header = ValidateBatch(bytes, name_);
    } catch (const DataError& e) {
      throw LogError(ErrorCode::kCorruptMessage, e.what() + std::string(" (") + where() + ")");
    }
    if (header.size() > static_cast<size_t>(max_message_bytes))
      throw LogError(ErrorCode::kMessageTooLarge, where() + ": " + std::to_string(header.size()) +
                                                      " bytes exceed max.message.bytes " +
                                                      std::to_string(max_message_bytes));
    if (require_keys || options.validate_records) {
      try {
        ValidateRecords(bytes, require_keys);
      } catch (const DataError& e) {
        throw LogError(require_keys ? ErrorCode::kInvalidRecord : ErrorCode::kCorruptMessage, where() + ": " + e.what());
      }
    }
    batches.push_back({bytes, header});
  }
  if (batches.empty() || it.has_partial_tail())
    throw LogError(ErrorCode::kCorruptMessage, "produce to " + name_ + ": " +
                                                   std::to_string(records.size() - it.position()) +
                                                   " bytes at byte " + std::to_string(it.position()) +
                                                   " do not form a whole record batch");

  thread_local std::string headers;  // the patched headers, written before each batch's unchanged body
  thread_local std::vector<iovec> parts;
  thread_local std::vector<AppendedBatch> appended;
  headers.resize(batches.size() * L::kHeaderSize);
  parts.clear();
  appended.clear();
  AppendResult result;
  std::unique_lock lock(mutex_);
  CheckOpen();
  const int64_t now = clock_();
  const bool log_append_time = config_.timestamp_type == TimestampType::kLogAppendTime;
  uint64_t total = 0;
  int64_t offsets = 0;
  for (const Incoming& b : batches) {
    total += b.header.size();
    offsets += int64_t{b.header.last_offset_delta} + 1;
  }
  const int64_t first_offset = high_watermark_.load(std::memory_order_relaxed);
  const Segment* active = segments_.rbegin()->second.get();
  if (!active->empty() &&
      (active->size() + total > static_cast<uint64_t>(config_.segment_bytes) ||
       now - active->created_ms() >= config_.segment_ms || first_offset + offsets - active->base_offset() > INT32_MAX)) {
    RollLocked(now);
  }
  ProducerStateManager::Update update = producers_->Begin();
  int64_t next = first_offset;
  int64_t record_count = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    const BatchHeader& h = batches[i].header;
    char* header = headers.data() + i * L::kHeaderSize;
    std::memcpy(header, batches[i].bytes.data(), L::kHeaderSize);
    internal::StoreBig<int64_t>(header + L::kBaseOffset, next);
    internal::StoreBig<int32_t>(header + L::kPartitionLeaderEpoch, options.leader_epoch);
    int64_t max_timestamp = h.max_timestamp;
    if (log_append_time) {
      // The broker's time replaces the producer's, inside the CRC: recompute it.
      max_timestamp = now;
      internal::StoreBig<int16_t>(header + L::kAttributes, static_cast<int16_t>(h.attributes | 0x08));
      internal::StoreBig<int64_t>(header + L::kMaxTimestamp, now);
      const std::string_view body = batches[i].bytes.substr(L::kHeaderSize);
      const uint32_t crc = Crc32c(Crc32c(0, header + L::kAttributes, L::kHeaderSize - L::kAttributes), body.data(),
                                  body.size());
      internal::StoreBig<uint32_t>(header + L::kCrc, crc);
    }
    if (h.is_idempotent()) {
      if (std::optional<ProducerBatch> original = update.Check(h)) {
        result.base_offset = original->first_offset;
        result.last_offset = original->last_offset;
        result.log_start_offset = log_start_offset_;
        result.duplicate = true;
        return result;
      }
      update.Add(h, next, max_timestamp);
    }
    parts.push_back({header, L::kHeaderSize});
    parts.push_back({const_cast<char*>(batches[i].bytes.data()) + L::kHeaderSize, h.size() - L::kHeaderSize});
    appended.push_back({next, next + h.last_offset_delta + 1, max_timestamp, static_cast<uint32_t>(h.size())});
    next += int64_t{h.last_offset_delta} + 1;
    record_count += h.records_count;
  }
  Segment& segment = *segments_.rbegin()->second;
  try {
    segment.Append(parts, appended);
  } catch (const IOError& e) {
    throw LogError(ErrorCode::kKafkaStorageError, e.what());
  }
  producers_->Commit(std::move(update));
  high_watermark_.store(next, std::memory_order_release);
  unflushed_messages_ += record_count;
  if (unflushed_messages_ >= config_.flush_messages) {
    segment.Flush();
    unflushed_messages_ = 0;
    last_flush_ms_ = now;
  }
  result.base_offset = first_offset;
  result.last_offset = next - 1;
  result.log_append_time = log_append_time ? now : -1;
  result.log_start_offset = log_start_offset_;
  const std::shared_ptr<const std::function<void()>> listener = append_listener_;
  lock.unlock();
  if (listener) (*listener)();
  return result;
}

void Partition::RollLocked(int64_t now) {
  Segment& active = *segments_.rbegin()->second;
  if (active.empty()) return;
  active.Seal();
  if (config_.flushes()) active.Flush();
  const int64_t next = high_watermark_.load(std::memory_order_relaxed);
  segments_[next] = Segment::Create(dir_, next, now, static_cast<uint32_t>(config_.index_interval_bytes));
  try {
    producers_->WriteSnapshot(dir_, next);
    ProducerStateManager::DeleteSnapshotsBefore(dir_, INT64_MAX, 2);
  } catch (const std::exception& e) {
    LogLine(LogLevel::kWarning, "partition " + name_ + ": cannot snapshot producer state: " + e.what());
  }
}

void Partition::Roll() {
  std::lock_guard lock(mutex_);
  CheckOpen();
  RollLocked(clock_());
}

ReadResult Partition::Read(int64_t offset, size_t max_bytes, int64_t end_offset) const {
  ReadResult result;
  Read(offset, max_bytes, result, end_offset);
  return result;
}

void Partition::Read(int64_t offset, size_t max_bytes, ReadResult& result, int64_t end_offset) const {
  result.records.clear();
  std::shared_ptr<Segment> segment;
  uint64_t start = 0, end = 0;
  {
    std::lock_guard lock(mutex_);
    CheckOpen();
    result.high_watermark = result.last_stable_offset = high_watermark();
    result.log_start_offset = log_start_offset_;
    if (offset < log_start_offset_ || offset > result.high_watermark)
      throw LogError(ErrorCode::kOffsetOutOfRange, "partition " + name_ + ": offset " + std::to_string(offset) +
                                                       " is outside [" + std::to_string(log_start_offset_) + ", " +
                                                       std::to_string(result.high_watermark) + "]");
    if (offset == result.high_watermark || offset >= end_offset) return;
    segment = SegmentFor(offset);
    start = segment->LookupPosition(offset);
    end = segment->size();
  }
  // Without the lock: find the batch holding `offset` by its header, then copy whole batches out.
  for (;;) {
    SegmentScanner scanner(*segment, start, end, /*headers_only=*/true, 16 * 1024);
    std::string_view header;
    uint64_t position;
    while (scanner.Next(header, position)) {
      const BatchHeader h = DecodeBatchHeader(header.data());
      if (h.next_offset() <= offset) continue;
      if (h.base_offset >= end_offset) return;
      const size_t length = h.size() >= max_bytes ? h.size() : static_cast<size_t>(std::min<uint64_t>(max_bytes, end - position));
      result.records.resize(length);
      try {
        segment->ReadAt(position, length, result.records.data());
      } catch (const IOError& e) {
        throw LogError(ErrorCode::kKafkaStorageError, e.what());
      }
      BatchIterator batches(result.records);
      std::string_view batch;
      size_t keep = 0;
      while (batches.Next(batch) && DecodeBatchHeader(batch.data()).base_offset < end_offset) keep = batches.position();
      result.records.resize(keep);
      return;
    }
    // Nothing at or after `offset` in this segment: go on in the next one.
    std::lock_guard lock(mutex_);
    segment = SegmentAfter(segment->base_offset());
    if (!segment) return;
    start = segment->LookupPosition(offset);
    end = segment->size();
  }
}

std::optional<OffsetAndTimestamp> Partition::OffsetForTimestamp(int64_t timestamp) const {
  struct Candidate {
    std::shared_ptr<Segment> segment;
    uint64_t start, end;
    int64_t max_timestamp;
  };
  std::vector<Candidate> candidates;
  int64_t log_start = 0;
  {
    std::lock_guard lock(mutex_);
    CheckOpen();
    log_start = log_start_offset_;
    if (timestamp == kEarliestTimestamp) return OffsetAndTimestamp{log_start_offset_, kNoTimestamp};
    if (timestamp == kLatestTimestamp) return OffsetAndTimestamp{high_watermark(), kNoTimestamp};
    for (const auto& [base, segment] : segments_) {
      if (timestamp == kMaxTimestamp) {
        if (segment->max_timestamp() >= 0 &&
            (candidates.empty() || segment->max_timestamp() >= candidates.back().max_timestamp)) {
          candidates.assign(1, {segment, 0, segment->size(), segment->max_timestamp()});
        }
      } else if (timestamp >= 0 && segment->max_timestamp() >= timestamp) {
        candidates.push_back({segment, segment->LookupTimestamp(timestamp), segment->size(), segment->max_timestamp()});
      }
    }
  }
  // kMaxTimestamp looks for the (last) record holding the segment's largest timestamp.
  const int64_t target = timestamp == kMaxTimestamp ? (candidates.empty() ? 0 : candidates[0].max_timestamp) : timestamp;
  std::optional<OffsetAndTimestamp> found;
  std::string batch;
  RecordReader reader;
  Record record;
  for (const Candidate& c : candidates) {
    SegmentScanner scanner(*c.segment, c.start, c.end, /*headers_only=*/true, 64 * 1024);
    std::string_view header;
    uint64_t position;
    while (scanner.Next(header, position)) {
      const BatchHeader h = DecodeBatchHeader(header.data());
      if (h.max_timestamp < target || h.next_offset() <= log_start) continue;
      batch.resize(h.size());
      c.segment->ReadAt(position, batch.size(), batch.data());
      reader.Reset(batch);
      while (reader.Next(record)) {
        if (record.offset < log_start) continue;
        if (timestamp == kMaxTimestamp ? record.timestamp == target : record.timestamp >= target) {
          found = OffsetAndTimestamp{record.offset, record.timestamp};
          if (timestamp != kMaxTimestamp) return found;
        }
      }
    }
  }
  return found;
}

int64_t Partition::log_start_offset() const {
  std::lock_guard lock(mutex_);
  return log_start_offset_;
}

PartitionStats Partition::Stats() const {
  std::lock_guard lock(mutex_);
  PartitionStats stats{log_start_offset_, high_watermark(), 0, segments_.size(), producers_->producer_count()};
  for (const auto& [base, segment] : segments_) stats.size_bytes += segment->size();
  return stats;
}

TopicConfig Partition::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void Partition::SetConfig(const TopicConfig& config) {
  std::lock_guard lock(mutex_);
  config_ = config;
  max_message_bytes_.store(config.max_message_bytes);
  compacted_.store(config.cleanup_compact);
}

void Partition::SetAppendListener(std::function<void()> listener) {
  auto shared = listener ? std::make_shared<const std::function<void()>>(std::move(listener)) : nullptr;
  std::lock_guard lock(mutex_);
  append_listener_ = std::move(shared);
}

std::optional<ProducerEntry> Partition::Producer(int64_t producer_id) const {
  std::lock_guard lock(mutex_);
  const ProducerEntry* entry = producers_->Find(producer_id);
  return entry ? std::optional<ProducerEntry>(*entry) : std::nullopt;
}

size_t Partition::ApplyRetention() {
  std::lock_guard maintenance(maintenance_mutex_);
  std::vector<std::shared_ptr<Segment>> doomed;
  int64_t log_start = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || !config_.cleanup_delete) return 0;
    const int64_t now = clock_();
    uint64_t total = 0;
    for (const auto& [base, segment] : segments_) total += segment->size();
    for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
      const Segment& segment = *it->second;
      const bool by_time = config_.retention_ms >= 0 && now - segment.retention_timestamp() > config_.retention_ms;
      const bool by_size = config_.retention_bytes >= 0 &&
                           total - segment.size() >= static_cast<uint64_t>(config_.retention_bytes);
      if (!by_time && !by_size) break;
      total -= segment.size();
      doomed.push_back(it->second);
    }
    for (const auto& segment : doomed) segments_.erase(segment->base_offset());
    log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
    log_start = log_start_offset_;
  }
  for (const auto& segment : doomed) segment->DeleteFiles();  // readers holding them still read
  if (!doomed.empty()) {
    ProducerStateManager::DeleteSnapshotsBefore(dir_, log_start, 1);
    LogLine(LogLevel::kInfo, "partition " + name_ + ": retention deleted " + std::to_string(doomed.size()) +
                                 " segments; the log now starts at offset " + std::to_string(log_start));
  }
  return doomed.size();
}

void Partition::MaybeFlush() {
  std::shared_ptr<Segment> active;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || unflushed_messages_ == 0) return;
    const int64_t now = clock_();
    if (now - last_flush_ms_ < config_.flush_ms) return;
    active = segments_.rbegin()->second;
    unflushed_messages_ = 0;
    last_flush_ms_ = now;
  }
  active->Flush();
}

void Partition::Flush() {
  std::shared_ptr<Segment> active;
  {
    std::lock_guard lock(mutex_);
    CheckOpen();
    active = segments_.rbegin()->second;
    unflushed_messages_ = 0;
    last_flush_ms_ = clock_();
  }
  active->Flush();
}

void Partition::ExpireProducers(int64_t max_idle_ms) {
  std::lock_guard lock(mutex_);
  producers_->ExpireProducers(clock_(), max_idle_ms);
}

void Partition::Close(bool deleted) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  if (deleted) return;
  segments_.rbegin()->second->Seal();
  try {
    producers_->WriteSnapshot(dir_, high_watermark());
    ProducerStateManager::DeleteSnapshotsBefore(dir_, INT64_MAX, 2);
  } catch (const std::exception& e) {
    LogLine(LogLevel::kWarning, "partition " + name_ + ": cannot snapshot producer state: " + e.what());
  }
}

}  // namespace basin::log
