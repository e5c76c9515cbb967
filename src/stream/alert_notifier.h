#pragma once

// Alerts (CREATE ALERT name AS SELECT ... WITH (notify = 'webhook:http://...')): a stream whose topic `name`
// holds the alert's rows (src/stream/topic_output.h), and this notifier, which POSTs each record's value (a
// JSON object of the row) to the webhook, in offset order per partition, at least once: a record's offset is
// committed (consumer group `basin.alert.<schema>.<name>`) only after the webhook answered 2xx. A failure
// (no answer, a timeout, another status) is retried with exponential backoff, 100 ms doubling up to 30 s,
// the alert's later records waiting behind it.
//
// Threads: DeliverDue on the runner's alert thread; Report from any.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace basin {
class Catalog;
struct MaterializedViewEntry;
namespace log {
class LogManager;
}
}  // namespace basin

namespace basin::stream {

/// What SHOW ALERTS tells of an alert.
struct AlertReport {
  std::string state;             ///< delivering (records pending), retrying (after a failure), idle, paused
  int64_t delivered = 0;         ///< records committed as delivered (over the alert's life)
  int64_t pending = 0;           ///< records in its topic not delivered yet
  int64_t attempts = 0;          ///< failed attempts at the record now due
  std::string last_error;        ///< of the last failed attempt
  int64_t last_delivery_ms = 0;  ///< 0: none since the server started
};

class AlertNotifier {
 public:
  AlertNotifier(Catalog& catalog, log::LogManager& log);

  /// Deliver what is due of every alert with a webhook (at most a few hundred records each, so that one
  /// alert does not hold the others back). Returns whether any was delivered.
  bool DeliverDue();
  AlertReport Report(const MaterializedViewEntry& alert);
  /// Forget a dropped alert's delivery state (its offsets go with its group).
  void Drop(const MaterializedViewEntry& alert);

  static std::string Group(const MaterializedViewEntry& alert);

 private:
  struct State {
    int64_t attempts = 0;
    std::chrono::steady_clock::time_point next;
    std::string error;
    int64_t last_delivery_ms = 0;
  };
  /// Deliver up to `budget` records of one alert; false when it stopped at a failure.
  bool Deliver(const MaterializedViewEntry& alert, State& state, int budget, bool& delivered);

  Catalog& catalog_;
  log::LogManager& log_;
  std::mutex mutex_;  // states_
  std::map<std::string, State> states_;
};

}  // namespace basin::stream
