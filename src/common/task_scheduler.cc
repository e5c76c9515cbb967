#include "common/task_scheduler.h"

#include <exception>
#include <memory>
#include <vector>

namespace basin {

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

TaskScheduler::TaskScheduler(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this] { WorkerLoop(); });
}

TaskScheduler::~TaskScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void TaskScheduler::WorkerLoop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_ && queue_.empty()) return;
      task = std::move(queue_.back());
      queue_.pop_back();
    }
    task.run();
  }
}

void TaskScheduler::RunParallel(int n, const std::function<void(int)>& fn) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable done_cv;
    int remaining;
    std::exception_ptr error;
  };
  auto shared = std::make_shared<Shared>();
  shared->remaining = n;
  auto run = [shared, &fn](int i) {
    try {
      fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(shared->mutex);
      if (!shared->error) shared->error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(shared->mutex);
    if (--shared->remaining == 0) shared->done_cv.notify_all();
  };
  if (n > 1) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (int i = 1; i < n; i++) queue_.push_back({shared.get(), i, [run, i] { run(i); }});
    }
    cv_.notify_all();
  }
  run(0);
  // Parts no worker has started yet run here: a small job ends without waiting for a worker to wake up.
  std::vector<int> unstarted;
  if (n > 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(queue_, [&](const Task& t) {
      if (t.owner != shared.get()) return false;
      unstarted.push_back(t.index);
      return true;
    });
  }
  for (int i : unstarted) run(i);
  std::unique_lock<std::mutex> lock(shared->mutex);
  shared->done_cv.wait(lock, [&] { return shared->remaining == 0; });
  if (shared->error) std::rethrow_exception(shared->error);
}

}  // namespace basin
