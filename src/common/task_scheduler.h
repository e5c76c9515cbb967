#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace basin {

/// A fixed pool of worker threads shared by every query of a database. RunParallel runs one function on
/// several threads at once (the caller's among them) and waits for all; an exception thrown on any thread
/// is caught there and rethrown to the caller, so none crosses a thread boundary unhandled.
class TaskScheduler {
 public:
  explicit TaskScheduler(int threads);
  ~TaskScheduler();

  int thread_count() const { return static_cast<int>(workers_.size()) + 1; }

  /// Run fn(0) .. fn(n-1) concurrently (n >= 1; fn(0) on the calling thread) and wait for every one.
  void RunParallel(int n, const std::function<void(int)>& fn);

 private:
  void WorkerLoop();

  std::mutex mutex_;
  std::condition_variable cv_;
  struct Task {
    const void* owner;  ///< the RunParallel call it belongs to
    int index;
    std::function<void()> run;
  };
  std::vector<Task> queue_;
  std::vector<std::thread> workers_;
  bool stop_ = false;
};

/// Number of hardware threads, at least 1.
int HardwareThreads();

}  // namespace basin
