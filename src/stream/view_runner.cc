#include "stream/view_runner.h"

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
  thread_ = std::thread([this] { Loop(); });
}

void ViewRunner::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  views_.SetRunning(false);
}

void ViewRunner::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const bool ran = views_.RunDue();  // errors stay inside: each view keeps its own
    lock.lock();
    if (!ran) wake_.wait_for(lock, poll_, [this] { return stopping_; });
  }
}

}  // namespace basin::stream
