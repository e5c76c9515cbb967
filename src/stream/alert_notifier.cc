#include "stream/alert_notifier.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/view_options.h"
#include "common/exception.h"
#include "common/logging.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "log/record_batch.h"
#include "common/http_client.h"

namespace basin::stream {

namespace {

constexpr std::string_view kWebhook = "webhook:";
constexpr int kRecordsPerRound = 200;
constexpr auto kTimeout = std::chrono::seconds(5);
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::seconds(30);

/// The alert's webhook URL, or empty when it notifies through its topic only.
std::string WebhookOf(const MaterializedViewEntry& alert) {
  auto notify = alert.options.find(kAlertNotify);
  if (notify == alert.options.end() || notify->second.substr(0, kWebhook.size()) != kWebhook) return "";
  return notify->second.substr(kWebhook.size());
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

AlertNotifier::AlertNotifier(Catalog& catalog, log::LogManager& log) : catalog_(catalog), log_(log) {}

std::string AlertNotifier::Group(const MaterializedViewEntry& alert) {
  return "basin.alert." + alert.qualified_name();
}

bool AlertNotifier::DeliverDue() {
  bool delivered = false;
  for (const auto& alert : catalog_.MaterializedViews()) {
    if (WebhookOf(*alert).empty()) continue;
    State state;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state = states_[alert->qualified_name()];
    }
    if (std::chrono::steady_clock::now() < state.next) continue;
    try {
      Deliver(*alert, state, kRecordsPerRound, delivered);
    } catch (const std::exception& e) {  // its topic went away meanwhile, a damaged batch
      state.error = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (catalog_.GetMaterializedView(alert->schema, alert->name)) states_[alert->qualified_name()] = state;
  }
  return delivered;
}

bool AlertNotifier::Deliver(const MaterializedViewEntry& alert, State& state, int budget, bool& delivered) {
  const HttpUrl target = ParseHttpUrl(WebhookOf(alert));
  const std::string group = Group(alert);
  std::optional<log::TopicInfo> info = log_.FindTopic(alert.name);
  if (!info) return true;
  for (int32_t p = 0; p < info->partitions; p++) {
    std::shared_ptr<log::Partition> partition = log_.GetPartition(alert.name, p);
    const std::optional<log::CommittedOffset> committed = log_.group_offsets().Fetch(group, {alert.name, p});
    int64_t next = std::max(committed ? committed->offset : 0, partition->log_start_offset());
    const int64_t end = partition->high_watermark();
    while (next < end && budget > 0) {
      log::ReadResult read;
      partition->Read(next, 1 << 20, read, end);
      log::BatchIterator batches(read.records);
      log::RecordReader reader;
      log::Record record;
      std::string_view batch;
      const int64_t before = next;
      while (budget > 0 && batches.Next(batch)) {
        reader.Reset(batch);
        while (budget > 0 && reader.Next(record)) {
          if (record.offset < next) continue;
          const std::string body = record.value ? std::string(*record.value) : "null";
          std::string failure;
          try {
            const int status = HttpRequest("POST", target, body, "application/json", kTimeout).status;
            if (status < 200 || status > 299) failure = "HTTP status " + std::to_string(status);
          } catch (const std::exception& e) {
            failure = e.what();
          }
          if (!failure.empty()) {
            // Retried from this record, after a backoff that doubles with each failure.
            state.attempts++;
            const auto backoff = std::min<std::chrono::milliseconds>(
                kFirstBackoff * (int64_t{1} << std::min<int64_t>(state.attempts - 1, 20)), kMaxBackoff);
            state.next = std::chrono::steady_clock::now() + backoff;
            if (state.attempts == 1 || failure != state.error) {
              LogLine(LogLevel::kWarning, "alert " + alert.qualified_name() + ": delivering record " +
                                              std::to_string(record.offset) + " of partition " +
                                              std::to_string(p) + " to " + target.url + ": " + failure +
                                              " (retrying)");
            }
            state.error = failure;
            return false;
          }
          log_.group_offsets().Commit(group,
                                      {{{alert.name, p}, log::CommittedOffset{.offset = record.offset + 1}}});
          next = record.offset + 1;
          state.attempts = 0;
          state.last_delivery_ms = NowMs();
          delivered = true;
          budget--;
        }
      }
      if (next == before) break;  // nothing readable there (a gap)
    }
  }
  return true;
}

AlertReport AlertNotifier::Report(const MaterializedViewEntry& alert) {
  AlertReport report;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = states_.find(alert.qualified_name());
    if (it != states_.end()) {
      report.attempts = it->second.attempts;
      report.last_error = it->second.error;
      report.last_delivery_ms = it->second.last_delivery_ms;
    }
  }
  if (std::optional<log::TopicInfo> info = log_.FindTopic(alert.name)) {
    for (int32_t p = 0; p < info->partitions; p++) {
      std::shared_ptr<log::Partition> partition = log_.GetPartition(alert.name, p);
      const std::optional<log::CommittedOffset> committed =
          log_.group_offsets().Fetch(Group(alert), {alert.name, p});
      const int64_t done = std::max(committed ? committed->offset : 0, partition->log_start_offset());
      report.delivered += committed ? committed->offset : 0;
      report.pending += std::max<int64_t>(0, partition->high_watermark() - done);
    }
  }
  report.state = WebhookOf(alert).empty() ? "topic only"
                 : report.attempts > 0    ? "retrying"
                 : report.pending > 0     ? "delivering"
                                          : "idle";
  return report;
}

void AlertNotifier::Drop(const MaterializedViewEntry& alert) {
  std::lock_guard<std::mutex> lock(mutex_);
  states_.erase(alert.qualified_name());
}

}  // namespace basin::stream
