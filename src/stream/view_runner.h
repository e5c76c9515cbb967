#pragma once

// The threads that keep materialized views up to date in `basin server`: every few milliseconds one runs an
// epoch of each view that is due (ViewManager::RunDue), the other delivers alerts' notifications (a slow
// webhook never holds the views back).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace basin::stream {

class ViewManager;

class ViewRunner {
 public:
  explicit ViewRunner(ViewManager& views, std::chrono::milliseconds poll = std::chrono::milliseconds(50));
  /// Stop()s the runner.
  ~ViewRunner();
  ViewRunner(const ViewRunner&) = delete;
  ViewRunner& operator=(const ViewRunner&) = delete;

  void Start();
  /// Stop after the epochs running now; what they did not reach waits for the next start. Idempotent.
  void Stop();

 private:
  /// Call `round` until stopped, waiting the poll interval after a round that did nothing.
  void Loop(const std::function<bool()>& round);

  ViewManager& views_;
  const std::chrono::milliseconds poll_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread alerts_;
};

}  // namespace basin::stream
