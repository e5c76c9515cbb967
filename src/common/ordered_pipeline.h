#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>

#include "common/task_scheduler.h"

namespace basin {

/// Run items through three steps on `threads` threads of `scheduler`: `produce` fills the next item
/// (one thread at a time, returning false at the end), `transform` works on items concurrently, and
/// `consume` takes them one at a time in the order they were produced. So a load parses, converts and
/// stores side by side, and still stores rows in file order. At most `threads` items are in flight.
///
/// The first error in production order wins: items produced before it are still consumed, none after it,
/// and it is rethrown once every thread has stopped.
template <class Item>
void RunOrdered(TaskScheduler& scheduler, int threads, const std::function<bool(Item&)>& produce,
                const std::function<void(Item&)>& transform, const std::function<void(Item&)>& consume) {
  std::mutex produce_mutex;
  size_t next_item = 0;
  bool produced_all = false;
  std::mutex consume_mutex;
  std::condition_variable turn;
  size_t next_consumed = 0;
  size_t failed_at = SIZE_MAX;  // under consume_mutex
  std::exception_ptr error;
  std::atomic<bool> any_failed{false};
  auto fail = [&](size_t seq) {
    std::lock_guard<std::mutex> lock(consume_mutex);
    if (seq < failed_at) {
      failed_at = seq;
      error = std::current_exception();
    }
    any_failed = true;
    turn.notify_all();
  };
  scheduler.RunParallel(threads, [&](int) {
    for (;;) {
      Item item;
      size_t seq;
      {
        std::lock_guard<std::mutex> lock(produce_mutex);
        if (produced_all || any_failed) return;
        seq = next_item;
        try {
          if (!produce(item)) {
            produced_all = true;
            return;
          }
        } catch (...) {
          produced_all = true;
          fail(seq);
          return;
        }
        ++next_item;
      }
      try {
        transform(item);
      } catch (...) {
        fail(seq);
        return;
      }
      {
        std::unique_lock<std::mutex> lock(consume_mutex);
        turn.wait(lock, [&] { return next_consumed == seq || failed_at < seq; });
        if (failed_at < seq) return;
      }
      // Only this item's thread can be here until next_consumed moves on.
      try {
        consume(item);
      } catch (...) {
        fail(seq);
        return;
      }
      {
        std::lock_guard<std::mutex> lock(consume_mutex);
        ++next_consumed;
      }
      turn.notify_all();
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace basin
