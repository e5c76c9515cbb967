#pragma once

// Helpers for the log's unit tests: a scratch directory, a clock the test moves, batches of numbered
// records, and reading a partition back.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "log/errors.h"
#include "log/partition.h"
#include "log/record_batch.h"

namespace basin::log::testing {

/// The Kafka error code `f` throws a LogError with, kNone when it throws none.
inline ErrorCode ErrorCodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const LogError& e) {
    return e.code();
  }
  return ErrorCode::kNone;
}

/// A fresh directory under the system temp dir, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("basin-log-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A clock that moves only when the test says so.
class ManualClock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(std::make_shared<std::atomic<int64_t>>(start_ms)) {}
  Clock clock() const {
    return [now = now_] { return now->load(); };
  }
  int64_t now() const { return now_->load(); }
  void Advance(int64_t ms) { now_->fetch_add(ms); }

 private:
  std::shared_ptr<std::atomic<int64_t>> now_;
};

/// The zero-padded text of `n` (six digits), so that batches of as many records are as long.
inline std::string Numbered(const char* prefix, int n) {
  std::string digits = std::to_string(n);
  return prefix + std::string(digits.size() < 6 ? 6 - digits.size() : 0, '0') + digits;
}

/// A batch of `count` records "key-<first+i>" / "value-<first+i>" (numbers of six digits) padded to
/// `value_size`, timestamps `timestamp + i`.
inline std::string NumberedBatch(int first, int count, int64_t timestamp = 1000, BatchOptions options = {},
                                 size_t value_size = 0) {
  RecordBatchBuilder builder(options);
  for (int i = 0; i < count; ++i) {
    std::string value = Numbered("value-", first + i);
    if (value.size() < value_size) value.resize(value_size, '.');
    builder.Append(timestamp + i, Numbered("key-", first + i), value);
  }
  return builder.Build();
}

/// An idempotent producer's batch.
inline std::string ProducerBatch(int64_t producer_id, int16_t epoch, int32_t sequence, int count, int first = 0) {
  BatchOptions options;
  options.producer_id = producer_id;
  options.producer_epoch = epoch;
  options.base_sequence = sequence;
  return NumberedBatch(first, count, 1000, options);
}

struct ReadBack {
  int64_t offset;
  int64_t timestamp;
  std::string key;
  std::optional<std::string> value;
};

/// Every record of `partition` from `from` to the high watermark, decoded.
inline std::vector<ReadBack> ReadRecords(const Partition& partition, int64_t from = -1) {
  std::vector<ReadBack> out;
  int64_t offset = from < 0 ? partition.log_start_offset() : from;
  RecordReader reader;
  Record record;
  while (offset < partition.high_watermark()) {
    ReadResult result = partition.Read(offset, 1 << 20);
    if (result.records.empty()) break;
    BatchIterator batches(result.records);
    std::string_view batch;
    while (batches.Next(batch)) {
      ValidateBatch(batch, "read back");
      reader.Reset(batch);
      while (reader.Next(record)) {
        if (record.offset < offset) continue;
        out.push_back({record.offset, record.timestamp, record.key ? std::string(*record.key) : "",
                       record.value ? std::optional<std::string>(std::string(*record.value)) : std::nullopt});
      }
      offset = reader.header().next_offset();
    }
  }
  return out;
}

}  // namespace basin::log::testing
