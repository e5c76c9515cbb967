#include "stream/view_runner.h"

#include "stream/alert_notifier.h"
#include "stream/view_manager.h"

namespace basin::stream {

ViewRunner::ViewRunner(ViewManager& views, std::chrono::milliseconds poll) : views_(views), poll_(poll) {}

ViewRunner::~ViewRunner() {
  Stop();
}

void ViewRunner::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  views_.SetRunning(true);
  thread_ = std::thread([this] { Loop([this] { return views_.RunDue(); }); });
  alerts_ = std::thread([this] { Loop([this] { return views_.alerts().DeliverDue(); }); });
}

void ViewRunner::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  alerts_.join();
  views_.SetRunning(false);
}

void ViewRunner::Loop(const std::function<bool()>& round) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const bool ran = round();  // errors stay inside: each job keeps its own
    lock.lock();
    if (!ran) wake_.wait_for(lock, poll_, [this] { return stopping_; });
  }
}

}  // namespace basin::stream
