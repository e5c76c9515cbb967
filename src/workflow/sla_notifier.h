#pragma once

// Where a DAG's SLA misses go besides the log and the metric: `sla_notify: webhook:http://host:port/path`
// in the DAG file. Each miss is POSTed as a JSON object on a thread of its own (a slow or dead receiver never
// holds the scheduler up), retried with exponential backoff until the receiver answers 2xx or the attempts
// run out; every outcome is logged.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace basin::workflow {

class SlaNotifier {
 public:
  /// The first retry waits `first_backoff`, each later one twice as long (at most 30 s), `attempts` in all.
  explicit SlaNotifier(int attempts = 8, std::chrono::milliseconds first_backoff = std::chrono::milliseconds(200));
  /// Stop()s.
  ~SlaNotifier();
  SlaNotifier(const SlaNotifier&) = delete;
  SlaNotifier& operator=(const SlaNotifier&) = delete;

  /// Queue a POST of `json` to `url` (http://...).
  void Notify(std::string url, std::string json);
  /// Deliver nothing more: notifications not delivered yet are logged as dropped.
  void Stop();

 private:
  struct Pending {
    std::string url;
    std::string json;
  };
  void Loop();
  /// Wait `delay` unless stopping; false when stopping.
  bool WaitFor(std::chrono::milliseconds delay);

  const int attempts_;
  const std::chrono::milliseconds first_backoff_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace basin::workflow
