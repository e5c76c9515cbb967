#pragma once

// The thread that keeps materialized views up to date in `basin server`: every few milliseconds it runs an
// epoch of each view that is due (ViewManager::RunDue).

#include <chrono>
#include <condition_variable>
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
  void Loop();

  ViewManager& views_;
  const std::chrono::milliseconds poll_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace basin::stream
