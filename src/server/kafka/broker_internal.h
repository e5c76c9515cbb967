#pragma once

// Helpers shared by the broker's source files (broker*.cc) only.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "server/kafka/error_code.h"
#include "server/kafka/handler.h"

namespace basin::kafka::internal {

/// A Kafka error code with the message that explains it.
struct Failure {
  ErrorCode code = ErrorCode::kNone;
  std::string message;
};

/// The Kafka error for the exception being handled (call inside a catch block): a log::LogError carries its
/// own code, a DataError is a corrupt message, an IOError a storage error, anything else an unknown server
/// error (logged, since it means a bug or a broken disk).
Failure CurrentFailure();

/// Answer each partition of `request` in `response`, topic by topic: fn(topic name, request partition,
/// response partition). Works for the requests whose topics are `topics` with `name` and `partitions`.
template <class Request, class Response, class F>
void EachPartition(const Request& request, Response& response, F&& fn) {
  for (const auto& t : request.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    for (const auto& p : t.partitions) fn(t.name, p, out.partitions.emplace_back());
  }
}

/// A fetch waiting for data: answered by the first of an append that brings min_bytes and its max wait.
struct ParkedFetch {
  ParkedFetch(uint64_t connection_id, FetchRequest request, Reply<FetchResponse> reply)
      : connection_id(connection_id), request(std::move(request)), reply(std::move(reply)) {}
  const uint64_t connection_id;
  const FetchRequest request;
  const Reply<FetchResponse> reply;
  std::atomic<bool> wake_pending{false};  ///< a wake-up is scheduled and has not started reading
};

/// The parked fetches, by the partitions they wait on. Appends (on any thread, through the log's append
/// listener) schedule a wake-up of each fetch waiting on the partition, at most one pending per fetch.
/// Thread-safe; shared with the log's listener so that a late append never reaches a destroyed broker.
class FetchWaiters {
 public:
  using Wake = std::function<void(const std::shared_ptr<ParkedFetch>&)>;

  /// Begin waking fetches through `wake` (which schedules the broker's Complete).
  void Start(Wake wake);
  /// Stop waking anyone and forget every parked fetch (the broker is going away).
  void Close();
  void Park(const std::shared_ptr<ParkedFetch>& fetch);
  void Unpark(const std::shared_ptr<ParkedFetch>& fetch);
  /// Forget the fetches of a closed connection.
  void DropConnection(uint64_t connection_id);
  /// Unpark and return every parked fetch.
  std::vector<std::shared_ptr<ParkedFetch>> TakeAll();
  void OnAppend(const std::string& topic, int32_t partition);
  /// Fetches parked now (tests).
  size_t size() const;

 private:
  using Key = std::pair<std::string, int32_t>;
  mutable std::mutex mutex_;
  Wake wake_;
  bool closed_ = false;
  std::map<Key, std::vector<std::shared_ptr<ParkedFetch>>> by_partition_;
};

}  // namespace basin::kafka::internal
