#include "workflow/sla_notifier.h"

#include <algorithm>
#include <exception>

#include "common/logging.h"
#include "common/http_client.h"

namespace basin::workflow {

SlaNotifier::SlaNotifier(int attempts, std::chrono::milliseconds first_backoff)
    : attempts_(std::max(1, attempts)), first_backoff_(first_backoff), thread_([this] { Loop(); }) {}

SlaNotifier::~SlaNotifier() { Stop(); }

void SlaNotifier::Notify(std::string url, std::string json) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    queue_.push_back({std::move(url), std::move(json)});
  }
  wake_.notify_one();
}

void SlaNotifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const Pending& p : queue_) LogLine(LogLevel::kWarning, "workflow: SLA notification to " + p.url + " dropped at shutdown");
}

bool SlaNotifier::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void SlaNotifier::Loop() {
  for (;;) {
    Pending next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    std::chrono::milliseconds backoff = first_backoff_;
    for (int attempt = 1;; attempt++) {
      std::string error;
      try {
        const HttpResponse response =
            HttpRequest("POST", next.url, next.json, "application/json", std::chrono::seconds(5));
        if (response.status >= 200 && response.status < 300) break;
        error = "status " + std::to_string(response.status);
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (attempt == attempts_) {
        LogLine(LogLevel::kError, "workflow: SLA notification to " + next.url + " failed " +
                                      std::to_string(attempt) + " times, giving up: " + error);
        break;
      }
      LogLine(LogLevel::kWarning, "workflow: SLA notification to " + next.url + " failed (" + error +
                                      "), retrying in " + std::to_string(backoff.count()) + " ms");
      if (!WaitFor(backoff)) {
        LogLine(LogLevel::kWarning, "workflow: SLA notification to " + next.url + " dropped at shutdown");
        return;
      }
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(30));
    }
  }
}

}  // namespace basin::workflow
