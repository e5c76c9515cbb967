#include "ingest/event_collector.h"

#include <algorithm>
#include <utility>

#include "common/memory_tracker.h"
#include "common/metrics.h"
#include "log/partitioner.h"
#include "log/errors.h"
#include "log/record_batch.h"

namespace basin::ingest {

namespace {

/// SQLSTATEs of the refusals (class 53: insufficient resources; 54000: program limit exceeded).
constexpr const char* kInsufficientResources = "53000";
constexpr const char* kDiskFullState = "53100";
constexpr const char* kInvalidName = "42602";
/// A record's bytes besides its key and value: length, attributes, deltas, header count (varints).
constexpr size_t kRecordOverhead = 32;
/// How long a free-space reading is trusted.
constexpr int64_t kDiskCheckIntervalMs = 100;
/// A handler thread keeps its batch buffers between requests (sparing the page faults of fresh large
/// allocations) unless they grew past this for an unusually large request.
constexpr size_t kRetainedBufferBytes = 8u << 20;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t RecordBytes(const Event& event) {
  return event.json.size() + (event.key ? event.key->size() : 0) + kRecordOverhead;
}

/// The log's failure as the collector's: a topic deleted meanwhile, a batch too large, a failed disk.
[[noreturn]] void Rethrow(const log::LogError& e) {
  switch (e.code()) {
    case log::ErrorCode::kUnknownTopicOrPartition:
      throw CollectError(CollectError::Kind::kUnknownTopic, sqlstate::kUndefinedTable, e.what());
    case log::ErrorCode::kMessageTooLarge:
    case log::ErrorCode::kRecordListTooLarge:
      throw CollectError(CollectError::Kind::kTooLarge, sqlstate::kProgramLimitExceeded, e.what());
    default:
      throw CollectError(CollectError::Kind::kStorage, sqlstate::kIOError, e.what());
  }
}

/// What a request is worked in: the parser (simdjson's buffers), the events, the batches. Handler threads
/// live long, so each keeps one from request to request, sparing the page faults of fresh large buffers.
struct Scratch {
  EventParser parser;
  std::vector<Event> events;
  log::RecordBatchBuilder builder;
  std::string batches;
};

/// The thread's Scratch for one Collect, or a fresh one when a hook of that Collect collects again (a
/// dead-letter sink appending through the collector) and the thread's is taken.
class ScratchLease {
 public:
  ScratchLease() : scratch_(std::move(Cached())) {
    if (!scratch_) scratch_ = std::make_unique<Scratch>();
  }
  ~ScratchLease() {
    if (scratch_->batches.capacity() > kRetainedBufferBytes) std::string().swap(scratch_->batches);
    // An exception may have left records in the builder.
    if (scratch_->builder.record_count() > 0) scratch_->builder = log::RecordBatchBuilder();
    if (!Cached()) Cached() = std::move(scratch_);
  }
  Scratch* operator->() { return scratch_.get(); }

 private:
  static std::unique_ptr<Scratch>& Cached() {
    thread_local std::unique_ptr<Scratch> cached;
    return cached;
  }
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace

// ---- Admission ----

Admission& Admission::operator=(Admission&& other) noexcept {
  if (this != &other) {
    Release();
    in_flight_ = std::exchange(other.in_flight_, nullptr);
    gauge_ = std::exchange(other.gauge_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void Admission::Release() {
  if (in_flight_ == nullptr) return;
  in_flight_->fetch_sub(bytes_);
  if (gauge_ != nullptr) gauge_->Add(-static_cast<double>(bytes_));
  in_flight_ = nullptr;
  bytes_ = 0;
}

void Admission::Shrink(size_t bytes) {
  if (in_flight_ == nullptr || bytes >= bytes_) return;
  const size_t freed = bytes_ - bytes;
  in_flight_->fetch_sub(freed);
  if (gauge_ != nullptr) gauge_->Add(-static_cast<double>(freed));
  bytes_ = bytes;
}

// ---- EventCollector ----

struct EventCollector::Metrics {
  explicit Metrics(MetricsRegistry& registry)
      : events(registry.AddCounter("basin_collector_events_total",
                                   "Events the HTTP collector appended, by topic.", {"topic"})),
        rejected(registry.AddCounter("basin_collector_rejected_events_total",
                                     "Events a topic's schema refused at the HTTP collector, by topic.",
                                     {"topic"})),
        bytes(registry.AddCounter("basin_collector_body_bytes_total",
                                  "Bytes of request bodies the HTTP collector appended from, by topic.",
                                  {"topic"})),
        in_flight(registry
                      .AddGauge("basin_collector_in_flight_bytes",
                                "Body bytes of collector requests admitted and not yet finished.")
                      .Get()) {}
  MetricFamily<Counter>& events;
  MetricFamily<Counter>& rejected;
  MetricFamily<Counter>& bytes;
  Gauge& in_flight;
};

EventCollector::EventCollector(log::LogManager& logs, CollectorOptions options)
    : logs_(logs),
      options_(std::move(options)),
      metrics_(std::make_unique<Metrics>(options_.metrics ? *options_.metrics : DefaultMetrics())) {
  options_.auto_create_partitions = std::max(1, options_.auto_create_partitions);
}

EventCollector::~EventCollector() = default;

int64_t EventCollector::Now() const {
  return options_.clock ? options_.clock() : log::SystemClockMs();
}

log::TopicInfo EventCollector::FindTopic(const std::string& topic) {
  if (auto info = logs_.FindTopic(topic)) {
    if (info->internal) {
      throw CollectError(CollectError::Kind::kInvalid, kInvalidName, "topic \"" + topic + "\" is internal");
    }
    return *info;
  }
  try {
    log::LogManager::ValidateTopicName(topic);
  } catch (const log::LogError& e) {
    throw CollectError(CollectError::Kind::kInvalid, kInvalidName, e.what());
  }
  if (!options_.auto_create_topics) {
    throw CollectError(CollectError::Kind::kUnknownTopic, sqlstate::kUndefinedTable,
                       "topic \"" + topic + "\" does not exist");
  }
  try {
    return logs_.CreateTopic(topic, options_.auto_create_partitions);
  } catch (const log::LogError& e) {
    // Another request created it first.
    if (e.code() == log::ErrorCode::kTopicAlreadyExists) {
      if (auto info = logs_.FindTopic(topic)) return *info;
    }
    Rethrow(e);
  }
}

void EventCollector::CheckDisk() {
  if (options_.min_free_disk_bytes == 0) return;
  uint64_t free = 0;
  if (options_.free_disk_bytes) {
    free = options_.free_disk_bytes();
  } else if (!options_.log_dir.empty()) {
    const int64_t now = SteadyMs();
    if (now - disk_checked_at_.load(std::memory_order_relaxed) >= kDiskCheckIntervalMs) {
      std::error_code error;
      const auto space = std::filesystem::space(options_.log_dir, error);
      free_disk_.store(error ? UINT64_MAX : space.available, std::memory_order_relaxed);
      disk_checked_at_.store(now, std::memory_order_relaxed);
    }
    free = free_disk_.load(std::memory_order_relaxed);
  } else {
    return;
  }
  if (free < options_.min_free_disk_bytes) {
    throw CollectError(CollectError::Kind::kDiskFull, kDiskFullState,
                       "the log's disk has " + FormatBytes(static_cast<int64_t>(free)) +
                           " free, below the floor of " +
                           FormatBytes(static_cast<int64_t>(options_.min_free_disk_bytes)),
                       options_.disk_retry_after);
  }
}

Admission EventCollector::Admit(const std::string& topic, size_t body_bytes) {
  FindTopic(topic);
  CheckDisk();
  size_t current = in_flight_bytes_.load();
  do {
    if (current > 0 && current + body_bytes > options_.max_in_flight_bytes) {
      throw CollectError(CollectError::Kind::kBusy, kInsufficientResources,
                         "the collector holds " + FormatBytes(static_cast<int64_t>(current)) +
                             " of requests, its limit is " +
                             FormatBytes(static_cast<int64_t>(options_.max_in_flight_bytes)),
                         options_.busy_retry_after);
    }
  } while (!in_flight_bytes_.compare_exchange_weak(current, current + body_bytes));
  metrics_->in_flight.Add(static_cast<double>(body_bytes));
  return Admission(&in_flight_bytes_, &metrics_->in_flight, body_bytes);
}

CollectResult EventCollector::Collect(const std::string& topic, std::string_view body,
                                      const CollectRequest& request) {
  const log::TopicInfo info = FindTopic(topic);
  ScratchLease scratch;
  std::vector<Event>& events = scratch->events;
  log::RecordBatchBuilder& builder = scratch->builder;
  std::string& batches = scratch->batches;
  scratch->parser.Parse(body, request.format, request.fields, events);

  CollectResult result;
  std::vector<Rejection> rejections;
  if (options_.validator && !info.config.schema().empty()) rejections = options_.validator(info, events);
  // The validator's answer, each event once, in request order.
  std::vector<bool> refused(events.size(), false);
  std::vector<Rejection> dead_letters;
  for (Rejection& r : rejections) {
    if (r.index >= events.size() || refused[r.index]) continue;
    refused[r.index] = true;
    dead_letters.push_back(std::move(r));
  }
  std::sort(dead_letters.begin(), dead_letters.end(),
            [](const Rejection& a, const Rejection& b) { return a.index < b.index; });
  for (const Rejection& r : dead_letters)
    result.rejected.push_back(RejectedEvent{r.index, events[r.index].line, r.reason});

  // Partition, and refuse the whole request if one event cannot fit a batch.
  const size_t max_batch = static_cast<size_t>(std::max(info.config.max_message_bytes, 1));
  const int32_t partitions = std::max(info.partitions, 1);
  const int32_t sticky =
      static_cast<int32_t>(next_sticky_.fetch_add(1, std::memory_order_relaxed) % partitions);
  std::vector<std::vector<uint32_t>> by_partition(partitions);
  for (size_t i = 0; i < events.size(); ++i) {
    if (refused[i]) continue;
    const Event& e = events[i];
    if (RecordBytes(e) + log::batch_layout::kHeaderSize > max_batch) {
      throw CollectError(CollectError::Kind::kTooLarge, sqlstate::kProgramLimitExceeded,
                         "the event on line " + std::to_string(e.line) + " takes " +
                             std::to_string(RecordBytes(e)) + " bytes, more than topic \"" + topic +
                             "\" accepts in a batch (max.message.bytes " + std::to_string(max_batch) + ")");
    }
    by_partition[e.key ? log::PartitionForKey(*e.key, partitions) : sticky].push_back(static_cast<uint32_t>(i));
  }

  const int64_t now = Now();
  std::vector<int64_t> base_offsets(partitions, -1);
  for (int32_t p = 0; p < partitions; ++p) {
    if (by_partition[p].empty()) continue;
    batches.clear();
    for (uint32_t i : by_partition[p]) {
      const Event& e = events[i];
      if (builder.record_count() > 0 && builder.uncompressed_size() + RecordBytes(e) > max_batch) {
        builder.BuildInto(batches);
      }
      builder.Append(e.timestamp_ms.value_or(now),
                     e.key ? std::optional<std::string_view>(*e.key) : std::nullopt, e.json);
    }
    builder.BuildInto(batches);
    log::AppendResult appended;
    try {
      appended = logs_.GetPartition(topic, p)->Append(batches);
    } catch (const log::LogError& e) {
      Rethrow(e);
    }
    base_offsets[p] = appended.base_offset;
    result.partitions.push_back(
        PartitionAppend{p, appended.base_offset, static_cast<int64_t>(by_partition[p].size())});
    result.accepted += by_partition[p].size();
  }

  if (request.want_offsets) {
    std::vector<int64_t> next = base_offsets;
    std::vector<std::pair<int32_t, int64_t>> at(events.size(), {-1, -1});
    for (int32_t p = 0; p < partitions; ++p) {
      for (uint32_t i : by_partition[p]) at[i] = {p, next[p]++};
    }
    for (size_t i = 0; i < events.size(); ++i) {
      if (!refused[i]) result.offsets.push_back(at[i]);
    }
  }

  metrics_->events.Labels({topic}).Inc(static_cast<double>(result.accepted));
  metrics_->bytes.Labels({topic}).Inc(static_cast<double>(body.size()));
  if (!result.rejected.empty()) {
    metrics_->rejected.Labels({topic}).Inc(static_cast<double>(result.rejected.size()));
    if (options_.dead_letters) options_.dead_letters(info, events, dead_letters);
  }
  return result;
}

}  // namespace basin::ingest
