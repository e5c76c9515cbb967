#include "log/producer_state.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

#include "common/exception.h"
#include "common/logging.h"
#include "log/bytes_internal.h"
#include "log/crc32c.h"
#include "log/errors.h"
#include "log/segment.h"

namespace basin::log {

using internal::AppendBig;
using internal::LoadBig;

namespace {

constexpr char kSnapshotMagic[4] = {'B', 'P', 'S', '1'};
constexpr std::string_view kSnapshotExtension = ".snapshot";
constexpr size_t kEntryFixedSize = 8 + 2 + 8 + 1;
constexpr size_t kBatchSize = 4 + 4 + 8 + 8 + 8;

int32_t NextSequence(int32_t sequence) { return sequence == INT32_MAX ? 0 : sequence + 1; }

// Snapshot files in `dir` by the offset in their name, ascending.
std::vector<std::pair<int64_t, std::filesystem::path>> ListSnapshots(const std::filesystem::path& dir) {
  std::vector<std::pair<int64_t, std::filesystem::path>> snapshots;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 20 + kSnapshotExtension.size() || !name.ends_with(kSnapshotExtension) ||
        !std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    snapshots.emplace_back(std::stoll(name.substr(0, 20)), entry.path());
  }
  std::sort(snapshots.begin(), snapshots.end());
  return snapshots;
}

bool ParseSnapshot(const std::string& bytes, std::unordered_map<int64_t, ProducerEntry>& producers) {
  if (bytes.size() < 12 || bytes.compare(0, 4, kSnapshotMagic, 4) != 0) return false;
  const uint32_t crc = LoadBig<uint32_t>(bytes.data() + bytes.size() - 4);
  if (crc != Crc32c(0, bytes.data(), bytes.size() - 4)) return false;
  const char* p = bytes.data() + 4;
  const char* end = bytes.data() + bytes.size() - 4;
  const int32_t count = LoadBig<int32_t>(p);
  p += 4;
  for (int32_t i = 0; i < count; ++i) {
    if (end - p < static_cast<ptrdiff_t>(kEntryFixedSize)) return false;
    const int64_t id = LoadBig<int64_t>(p);
    ProducerEntry entry;
    entry.epoch = LoadBig<int16_t>(p + 8);
    entry.last_timestamp = LoadBig<int64_t>(p + 10);
    const int batches = static_cast<uint8_t>(p[18]);
    p += kEntryFixedSize;
    if (end - p < static_cast<ptrdiff_t>(batches * kBatchSize)) return false;
    for (int b = 0; b < batches; ++b, p += kBatchSize) {
      entry.batches.push_back({LoadBig<int32_t>(p), LoadBig<int32_t>(p + 4), LoadBig<int64_t>(p + 8),
                               LoadBig<int64_t>(p + 16), LoadBig<int64_t>(p + 24)});
    }
    producers[id] = std::move(entry);
  }
  return p == end;
}

}  // namespace

const ProducerEntry* ProducerStateManager::Update::Find(int64_t producer_id) const {
  auto it = changed_.find(producer_id);
  return it != changed_.end() ? &it->second : state_.Find(producer_id);
}

std::optional<ProducerBatch> ProducerStateManager::Update::Check(const BatchHeader& batch) const {
  const ProducerEntry* entry = Find(batch.producer_id);
  // An unknown producer may start at any sequence: its state may have expired or been removed with old
  // segments (Kafka does the same since KIP-360).
  if (entry == nullptr || entry->epoch == kNoProducerEpoch) return std::nullopt;
  const std::string who = "producer " + std::to_string(batch.producer_id) + " epoch " + std::to_string(batch.producer_epoch);
  if (batch.producer_epoch < entry->epoch)
    throw LogError(ErrorCode::kInvalidProducerEpoch,
                   who + " is fenced: the partition has seen epoch " + std::to_string(entry->epoch));
  if (batch.producer_epoch > entry->epoch) {
    if (batch.base_sequence != 0)
      throw LogError(ErrorCode::kOutOfOrderSequenceNumber,
                     who + ": a new epoch must start at sequence 0, not " + std::to_string(batch.base_sequence));
    return std::nullopt;
  }
  for (const ProducerBatch& b : entry->batches) {
    if (b.first_sequence == batch.base_sequence && b.last_sequence == batch.last_sequence()) return b;
  }
  if (entry->batches.empty()) return std::nullopt;
  const int32_t expected = NextSequence(entry->batches.back().last_sequence);
  if (batch.base_sequence != expected)
    throw LogError(ErrorCode::kOutOfOrderSequenceNumber,
                   who + ": sequence " + std::to_string(batch.base_sequence) + " where " + std::to_string(expected) +
                       " was expected");
  return std::nullopt;
}

void ProducerStateManager::AddTo(ProducerEntry& entry, const BatchHeader& batch, int64_t first_offset,
                                 int64_t timestamp) {
  if (batch.producer_epoch != entry.epoch) entry.batches.clear();
  entry.epoch = batch.producer_epoch;
  entry.batches.push_back(
      {batch.base_sequence, batch.last_sequence(), first_offset, first_offset + batch.last_offset_delta, timestamp});
  while (entry.batches.size() > kRetainedBatches) entry.batches.pop_front();
  entry.last_timestamp = std::max(entry.last_timestamp, timestamp);
}

void ProducerStateManager::Update::Add(const BatchHeader& batch, int64_t first_offset, int64_t timestamp) {
  auto it = changed_.find(batch.producer_id);
  if (it == changed_.end()) {
    const ProducerEntry* current = state_.Find(batch.producer_id);
    it = changed_.emplace(batch.producer_id, current ? *current : ProducerEntry{}).first;
  }
  AddTo(it->second, batch, first_offset, timestamp);
}

void ProducerStateManager::Commit(Update&& update) {
  for (auto& [id, entry] : update.changed_) producers_[id] = std::move(entry);
  update.changed_.clear();
}

void ProducerStateManager::Replay(const BatchHeader& batch) {
  if (!batch.is_idempotent()) return;
  AddTo(producers_[batch.producer_id], batch, batch.base_offset, batch.max_timestamp);
}

const ProducerEntry* ProducerStateManager::Find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerStateManager::ExpireProducers(int64_t now_ms, int64_t max_idle_ms) {
  std::erase_if(producers_, [&](const auto& p) { return p.second.last_timestamp < now_ms - max_idle_ms; });
}

void ProducerStateManager::WriteSnapshot(const std::filesystem::path& dir, int64_t offset) const {
  std::string bytes(kSnapshotMagic, 4);
  AppendBig<int32_t>(bytes, static_cast<int32_t>(producers_.size()));
  for (const auto& [id, entry] : producers_) {
    AppendBig<int64_t>(bytes, id);
    AppendBig<int16_t>(bytes, entry.epoch);
    AppendBig<int64_t>(bytes, entry.last_timestamp);
    bytes.push_back(static_cast<char>(entry.batches.size()));
    for (const ProducerBatch& b : entry.batches) {
      AppendBig<int32_t>(bytes, b.first_sequence);
      AppendBig<int32_t>(bytes, b.last_sequence);
      AppendBig<int64_t>(bytes, b.first_offset);
      AppendBig<int64_t>(bytes, b.last_offset);
      AppendBig<int64_t>(bytes, b.timestamp);
    }
  }
  AppendBig<uint32_t>(bytes, Crc32c(0, bytes.data(), bytes.size()));
  const std::filesystem::path path = dir / SegmentFileName(offset, kSnapshotExtension);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw IOError("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

std::optional<int64_t> ProducerStateManager::LoadSnapshot(const std::filesystem::path& dir, int64_t max_offset) {
  auto snapshots = ListSnapshots(dir);
  std::error_code ignored;
  while (!snapshots.empty()) {
    auto [offset, path] = snapshots.back();
    snapshots.pop_back();
    if (offset > max_offset) {  // the log was cut below it
      std::filesystem::remove(path, ignored);
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::unordered_map<int64_t, ProducerEntry> producers;
    if (ParseSnapshot(bytes, producers)) {
      producers_ = std::move(producers);
      return offset;
    }
    LogLine(LogLevel::kWarning, "producer state snapshot " + path.string() + " is corrupt; ignoring it");
    std::filesystem::remove(path, ignored);
  }
  producers_.clear();
  return std::nullopt;
}

void ProducerStateManager::DeleteSnapshotsBefore(const std::filesystem::path& dir, int64_t offset, size_t keep) {
  auto snapshots = ListSnapshots(dir);
  std::error_code ignored;
  for (size_t i = 0; i + keep < snapshots.size(); ++i) {
    if (snapshots[i].first < offset) std::filesystem::remove(snapshots[i].second, ignored);
  }
}

}  // namespace basin::log
