#pragma once

// The HTTP event collector's work, without HTTP: a body of JSON events becomes RecordBatch v2 batches
// appended to a topic's partitions. The HTTP route (server/http/event_route.h) translates requests and
// errors; `basin server` owns the LogManager and wires both.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception.h"
#include "ingest/event_parser.h"
#include "log/log_manager.h"

namespace basin {
class Counter;
class Gauge;
template <class M>
class MetricFamily;
class MetricsRegistry;
}  // namespace basin

namespace basin::ingest {

/// An event a topic's schema refused: its position in the request's events and why.
struct Rejection {
  size_t index = 0;
  std::string reason;
};

/// Checks the events of a topic that declares a schema (its config holds `basin.schema`) and returns those
/// that do not fit, each with the reason; the others are appended. Called on a handler thread, once per
/// request, before anything of it is appended; thread-safe. It may throw (a basin::Exception) to refuse the
/// whole request.
using EventValidator =
    std::function<std::vector<Rejection>(const log::TopicInfo& topic, std::span<const Event> events)>;

/// Receives the events a validator refused (the dead letters), after the accepted ones of the request are
/// appended, so that they can be kept (a dead-letter topic, the reason in a record header) rather than only
/// reported. It may append through this collector (Collect is re-entrant on one thread). An exception it
/// throws fails the request, the accepted events staying appended.
using DeadLetterSink = std::function<void(const log::TopicInfo& topic, std::span<const Event> events,
                                          std::span<const Rejection> rejected)>;

struct CollectorOptions {
  /// DATA/log, whose file system the free-space floor watches.
  std::filesystem::path log_dir;
  /// Create a topic that does not exist on its first events (with auto_create_partitions), as Kafka's
  /// auto.create.topics.enable; otherwise such requests fail with kUnknownTopic.
  bool auto_create_topics = false;
  int32_t auto_create_partitions = 1;
  /// Body bytes of requests admitted and not yet finished, all topics together; a request that would pass
  /// it is refused with kBusy (one request is always let in). Processing holds about three times the body.
  size_t max_in_flight_bytes = 256u << 20;
  /// Refuse events (kDiskFull) while the log's file system has less free space than this.
  uint64_t min_free_disk_bytes = 512u << 20;
  /// The free bytes of the log's file system; default: std::filesystem::space(log_dir), read at most every
  /// 100 ms. Tests inject their own.
  std::function<uint64_t()> free_disk_bytes;
  /// The Retry-After the refusals carry.
  std::chrono::seconds busy_retry_after{1};
  std::chrono::seconds disk_retry_after{30};
  EventValidator validator;
  DeadLetterSink dead_letters;
  /// The time events are stamped with when they name no timestamp; default: the system clock.
  log::Clock clock;
  /// Where the collector's metrics go; null: DefaultMetrics().
  MetricsRegistry* metrics = nullptr;
};

/// What a request asks besides its events.
struct CollectRequest {
  EventFormat format = EventFormat::kAuto;
  EventFields fields;  ///< key: partition (and record key) by this field; timestamp: stamp with this one
  bool want_offsets = false;  ///< fill CollectResult::offsets
};

struct PartitionAppend {
  int32_t partition = 0;
  int64_t base_offset = 0;
  int64_t count = 0;
};

struct RejectedEvent {
  size_t index = 0;  ///< position among the request's events, from 0
  int64_t line = 0;  ///< the body's line where it starts
  std::string reason;
};

struct CollectResult {
  std::vector<PartitionAppend> partitions;  ///< by partition number
  std::vector<RejectedEvent> rejected;
  size_t accepted = 0;
  /// With want_offsets: each accepted event's (partition, offset), in request order.
  std::vector<std::pair<int32_t, int64_t>> offsets;
};

/// Why a request was refused; the route turns the kind into a status.
class CollectError : public Exception {
 public:
  enum class Kind {
    kInvalid,       ///< the request itself is wrong (400)
    kUnknownTopic,  ///< 404
    kTooLarge,      ///< an event larger than the topic's max.message.bytes (413)
    kBusy,          ///< the in-flight budget is spent: retry soon (429)
    kDiskFull,      ///< below the free-space floor (503)
    kStorage,       ///< the log failed (500)
  };
  CollectError(Kind kind, const char* state, const std::string& message,
               std::chrono::seconds retry_after = {})
      : Exception(state, message), kind_(kind), retry_after_(retry_after) {}
  Kind kind() const { return kind_; }
  std::chrono::seconds retry_after() const { return retry_after_; }

 private:
  Kind kind_;
  std::chrono::seconds retry_after_;
};

/// A share of the collector's in-flight budget, given back when destroyed.
class Admission {
 public:
  Admission() = default;
  Admission(std::atomic<size_t>* in_flight, Gauge* gauge, size_t bytes)
      : in_flight_(in_flight), gauge_(gauge), bytes_(bytes) {}
  Admission(Admission&& other) noexcept { *this = std::move(other); }
  Admission& operator=(Admission&& other) noexcept;
  ~Admission() { Release(); }
  void Release();
  /// Hold only `bytes` from now on (a chunked body admitted at its limit turned out smaller).
  void Shrink(size_t bytes);

 private:
  std::atomic<size_t>* in_flight_ = nullptr;
  Gauge* gauge_ = nullptr;
  size_t bytes_ = 0;
};

/// Appends JSON events to topics. Thread-safe: requests run concurrently (the log serializes appends per
/// partition). Keyed events go where Kafka's default partitioner would put their key (murmur2); keyless
/// ones stick to one partition per request, rotating across requests (Kafka's sticky partitioning), so a
/// request usually makes one batch. The LogManager must outlive the collector.
class EventCollector {
 public:
  EventCollector(log::LogManager& logs, CollectorOptions options = {});
  ~EventCollector();
  EventCollector(const EventCollector&) = delete;
  EventCollector& operator=(const EventCollector&) = delete;

  /// Check a request before its body is read: the topic exists (or is created), the disk has room, and
  /// `body_bytes` fit the in-flight budget, which the returned Admission holds. Throws CollectError
  /// (kInvalid for a bad or internal topic name, kUnknownTopic, kDiskFull, kBusy).
  [[nodiscard]] Admission Admit(const std::string& topic, size_t body_bytes);

  /// Parse `body`, validate it against the topic's schema hook, partition and append. All or nothing for
  /// malformed input (EventsError, nothing appended); refused events are reported, the rest appended.
  /// Throws EventsError, CollectError (kUnknownTopic, kTooLarge, kStorage), or what the hooks throw.
  CollectResult Collect(const std::string& topic, std::string_view body, const CollectRequest& request);

 private:
  struct Metrics;
  log::TopicInfo FindTopic(const std::string& topic);
  void CheckDisk();
  int64_t Now() const;

  log::LogManager& logs_;
  CollectorOptions options_;
  std::unique_ptr<Metrics> metrics_;
  std::atomic<size_t> in_flight_bytes_{0};
  std::atomic<uint32_t> next_sticky_{0};
  std::atomic<int64_t> disk_checked_at_{0};  ///< steady-clock ms of the last free-space reading
  std::atomic<uint64_t> free_disk_{UINT64_MAX};
};

}  // namespace basin::ingest
