#include "log/group_offsets.h"

#include "common/exception.h"
#include "common/logging.h"
#include "log/bytes_internal.h"
#include "log/errors.h"

namespace basin::log {

using internal::AppendBig;
using internal::LoadBig;

namespace {

constexpr int16_t kKeyVersion = 1;    // OffsetCommitKey
constexpr int16_t kValueVersion = 3;  // OffsetCommitValue

void AppendString(std::string& out, const std::string& s) {
  if (s.size() > INT16_MAX)
    throw LogError(ErrorCode::kInvalidRecord, "a group, topic or metadata string of " + std::to_string(s.size()) +
                                                  " bytes is longer than 32767");
  AppendBig<int16_t>(out, static_cast<int16_t>(s.size()));
  out.append(s);
}

std::string EncodeKey(const std::string& group, const TopicPartition& tp) {
  std::string key;
  AppendBig<int16_t>(key, kKeyVersion);
  AppendString(key, group);
  AppendString(key, tp.topic);
  AppendBig<int32_t>(key, tp.partition);
  return key;
}

std::string EncodeValue(const CommittedOffset& c) {
  std::string value;
  AppendBig<int16_t>(value, kValueVersion);
  AppendBig<int64_t>(value, c.offset);
  AppendBig<int32_t>(value, c.leader_epoch);
  AppendString(value, c.metadata);
  AppendBig<int64_t>(value, c.commit_timestamp);
  return value;
}

// A bounds-checked reader of the big-endian fields above.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool Read(T& v) {
    if (bytes_.size() - at_ < sizeof(T)) return false;
    v = LoadBig<T>(bytes_.data() + at_);
    at_ += sizeof(T);
    return true;
  }
  bool Read(std::string& s) {
    int16_t n = 0;
    if (!Read(n) || n < 0 || bytes_.size() - at_ < static_cast<size_t>(n)) return false;
    s.assign(bytes_.data() + at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    return true;
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

bool DecodeKey(std::string_view bytes, std::string& group, TopicPartition& tp) {
  FieldReader r(bytes);
  int16_t version = 0;
  // Versions 0 and 1 are offset keys; 2 is group metadata, which this store does not keep.
  return r.Read(version) && (version == 0 || version == 1) && r.Read(group) && r.Read(tp.topic) &&
         r.Read(tp.partition);
}

bool DecodeValue(std::string_view bytes, CommittedOffset& c) {
  FieldReader r(bytes);
  int16_t version = 0;
  if (!r.Read(version) || version != kValueVersion) return false;
  return r.Read(c.offset) && r.Read(c.leader_epoch) && r.Read(c.metadata) && r.Read(c.commit_timestamp);
}

}  // namespace

GroupOffsets::GroupOffsets(std::shared_ptr<Partition> partition, Clock clock)
    : partition_(std::move(partition)), clock_(clock ? std::move(clock) : Clock(SystemClockMs)) {
  Load();
}

void GroupOffsets::Load() {
  int64_t offset = partition_->log_start_offset();
  const int64_t end = partition_->high_watermark();
  ReadResult result;
  RecordReader reader;
  Record record;
  std::string group;
  TopicPartition tp;
  size_t skipped = 0;
  while (offset < end) {
    partition_->Read(offset, 1 << 20, result, end);
    if (result.records.empty()) break;
    BatchIterator batches(result.records);
    std::string_view batch;
    while (batches.Next(batch)) {
      reader.Reset(batch);
      while (reader.Next(record)) {
        if (record.offset < offset) continue;
        if (!record.key || !DecodeKey(*record.key, group, tp)) {
          ++skipped;
          continue;
        }
        CommittedOffset committed;
        if (!record.value) {
          auto it = offsets_.find(group);
          if (it != offsets_.end()) {
            it->second.erase(tp);
            if (it->second.empty()) offsets_.erase(it);
          }
        } else if (DecodeValue(*record.value, committed)) {
          offsets_[group][tp] = committed;
        } else {
          ++skipped;
        }
      }
      offset = reader.header().next_offset();
    }
  }
  if (skipped > 0)
    LogLine(LogLevel::kWarning, "__consumer_offsets: skipped " + std::to_string(skipped) + " records it cannot read");
}

void GroupOffsets::Commit(const std::string& group,
                          const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets) {
  if (offsets.empty()) return;
  const int64_t now = clock_();
  RecordBatchBuilder builder;
  std::vector<std::pair<TopicPartition, CommittedOffset>> stamped = offsets;
  for (auto& [tp, committed] : stamped) {
    committed.commit_timestamp = now;
    builder.Append(now, EncodeKey(group, tp), EncodeValue(committed));
  }
  const std::string batch = builder.Build();
  std::lock_guard lock(mutex_);
  partition_->Append(batch);
  auto& group_offsets = offsets_[group];
  for (auto& [tp, committed] : stamped) group_offsets[tp] = std::move(committed);
}

std::optional<CommittedOffset> GroupOffsets::Fetch(const std::string& group, const TopicPartition& partition) const {
  std::lock_guard lock(mutex_);
  auto it = offsets_.find(group);
  if (it == offsets_.end()) return std::nullopt;
  auto found = it->second.find(partition);
  return found == it->second.end() ? std::nullopt : std::optional<CommittedOffset>(found->second);
}

std::map<TopicPartition, CommittedOffset> GroupOffsets::FetchAll(const std::string& group) const {
  std::lock_guard lock(mutex_);
  auto it = offsets_.find(group);
  return it == offsets_.end() ? std::map<TopicPartition, CommittedOffset>() : it->second;
}

std::vector<std::string> GroupOffsets::ListGroups() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> groups;
  for (const auto& [group, offsets] : offsets_) groups.push_back(group);
  return groups;
}

void GroupOffsets::WriteTombstones(const std::vector<Key>& keys) {
  if (keys.empty()) return;
  RecordBatchBuilder builder;
  const int64_t now = clock_();
  for (const auto& [group, tp] : keys) builder.Append(now, EncodeKey(group, tp), std::nullopt);
  partition_->Append(builder.Build());
  for (const auto& [group, tp] : keys) {
    auto it = offsets_.find(group);
    if (it == offsets_.end()) continue;
    it->second.erase(tp);
    if (it->second.empty()) offsets_.erase(it);
  }
}

void GroupOffsets::DeleteGroup(const std::string& group) {
  std::lock_guard lock(mutex_);
  auto it = offsets_.find(group);
  if (it == offsets_.end()) throw LogError(ErrorCode::kGroupIdNotFound, "consumer group " + group + " has no offsets");
  std::vector<Key> keys;
  for (const auto& [tp, committed] : it->second) keys.emplace_back(group, tp);
  WriteTombstones(keys);
}

void GroupOffsets::DeleteOffsets(const std::string& group, const std::vector<TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  std::vector<Key> keys;
  for (const TopicPartition& tp : partitions) keys.emplace_back(group, tp);
  WriteTombstones(keys);
}

void GroupOffsets::RemoveTopic(const std::string& topic) {
  std::lock_guard lock(mutex_);
  std::vector<Key> keys;
  for (const auto& [group, offsets] : offsets_) {
    for (const auto& [tp, committed] : offsets) {
      if (tp.topic == topic) keys.emplace_back(group, tp);
    }
  }
  WriteTombstones(keys);
}

}  // namespace basin::log
