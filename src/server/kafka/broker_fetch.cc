// Fetch: reads of whole stored batches, and long polling (a fetch without min_bytes of data parks until an
// append to one of its partitions brings them, or until max_wait_ms).

#include <algorithm>
#include <set>

#include "log/log_manager.h"
#include "server/kafka/broker.h"
#include "server/kafka/broker_internal.h"

namespace basin::kafka {

namespace internal {

void FetchWaiters::Start(Wake wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

void FetchWaiters::Close() {
  std::map<Key, std::vector<std::shared_ptr<ParkedFetch>>> dropped;  // their replies are released unlocked
  std::lock_guard lock(mutex_);
  closed_ = true;
  wake_ = nullptr;
  std::swap(dropped, by_partition_);
}

void FetchWaiters::Park(const std::shared_ptr<ParkedFetch>& fetch) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  for (const auto& t : fetch->request.topics) {
    for (const auto& p : t.partitions) by_partition_[{t.topic, p.partition}].push_back(fetch);
  }
}

void FetchWaiters::Unpark(const std::shared_ptr<ParkedFetch>& fetch) {
  std::lock_guard lock(mutex_);
  for (const auto& t : fetch->request.topics) {
    for (const auto& p : t.partitions) {
      auto it = by_partition_.find({t.topic, p.partition});
      if (it == by_partition_.end()) continue;
      std::erase(it->second, fetch);
      if (it->second.empty()) by_partition_.erase(it);
    }
  }
}

void FetchWaiters::DropConnection(uint64_t connection_id) {
  std::vector<std::shared_ptr<ParkedFetch>> dropped;  // released outside the lock
  std::lock_guard lock(mutex_);
  for (auto it = by_partition_.begin(); it != by_partition_.end();) {
    std::erase_if(it->second, [&](const std::shared_ptr<ParkedFetch>& f) {
      if (f->connection_id != connection_id) return false;
      dropped.push_back(f);
      return true;
    });
    it = it->second.empty() ? by_partition_.erase(it) : std::next(it);
  }
}

std::vector<std::shared_ptr<ParkedFetch>> FetchWaiters::TakeAll() {
  std::set<std::shared_ptr<ParkedFetch>> all;
  std::lock_guard lock(mutex_);
  for (const auto& [key, fetches] : by_partition_) all.insert(fetches.begin(), fetches.end());
  by_partition_.clear();
  return {all.begin(), all.end()};
}

void FetchWaiters::OnAppend(const std::string& topic, int32_t partition) {
  std::lock_guard lock(mutex_);  // held while scheduling, so that Close waits for a wake-up being scheduled
  if (closed_ || !wake_) return;
  auto it = by_partition_.find({topic, partition});
  if (it == by_partition_.end()) return;
  for (const std::shared_ptr<ParkedFetch>& fetch : it->second) {
    if (!fetch->wake_pending.exchange(true)) wake_(fetch);
  }
}

size_t FetchWaiters::size() const {
  std::lock_guard lock(mutex_);
  std::set<ParkedFetch*> unique;
  for (const auto& [key, fetches] : by_partition_) {
    for (const auto& f : fetches) unique.insert(f.get());
  }
  return unique.size();
}

}  // namespace internal

using internal::ParkedFetch;

FetchResponse Broker::ReadFetch(const FetchRequest& request, size_t* bytes, bool* error) const {
  FetchResponse response;
  // max_bytes bounds the response (v3+); the first batch found is sent whole even when larger, so that a
  // consumer always makes progress (KIP-74).
  size_t budget = static_cast<size_t>(std::max(request.max_bytes, 0));
  *bytes = 0;
  *error = false;
  for (const FetchRequest::Topic& t : request.topics) {
    FetchResponse::Topic& out = response.responses.emplace_back();
    out.topic = t.topic;
    for (const FetchRequest::Partition& p : t.partitions) {
      FetchResponse::Partition& result = out.partitions.emplace_back();
      result.partition_index = p.partition;
      try {
        const std::shared_ptr<log::Partition> partition = log_.GetPartition(t.topic, p.partition);
        result.high_watermark = result.last_stable_offset = partition->high_watermark();
        result.log_start_offset = partition->log_start_offset();
        const size_t limit = std::min(budget, static_cast<size_t>(std::max(p.partition_max_bytes, 0)));
        if (*bytes > 0 && limit == 0) continue;  // the response is full: offsets only
        auto read = std::make_shared<log::ReadResult>();
        partition->Read(p.fetch_offset, limit, *read);
        result.high_watermark = result.last_stable_offset = read->high_watermark;
        result.log_start_offset = read->log_start_offset;
        if (read->records.empty()) continue;
        const size_t n = read->records.size();
        const auto* data = reinterpret_cast<const uint8_t*>(read->records.data());
        result.records = SharedBytes(std::move(read), data, n);
        *bytes += n;
        budget -= std::min(budget, n);
      } catch (...) {
        result.error_code = internal::CurrentFailure().code;
        *error = true;
      }
    }
  }
  return response;
}

void Broker::Fetch(const RequestContext& ctx, FetchRequest request, Reply<FetchResponse> reply) {
  if (request.session_id != 0) {
    // Sessions (KIP-227) are not kept: every answer carries session id 0, so clients send full requests.
    FetchResponse response;
    response.error_code = ErrorCode::kFetchSessionIdNotFound;
    reply(std::move(response));
    return;
  }
  size_t bytes = 0;
  bool error = false;
  FetchResponse response = ReadFetch(request, &bytes, &error);
  // As Kafka: an answer at once on an error, without a wait, for a fetch of no partitions, or with min_bytes.
  if (error || request.max_wait_ms <= 0 || request.topics.empty() ||
      bytes >= static_cast<size_t>(std::max(request.min_bytes, 0)) || !run_after_ || shutting_down_) {
    reply(std::move(response));
    return;
  }
  const auto wait = std::chrono::milliseconds(request.max_wait_ms);
  auto fetch = std::make_shared<ParkedFetch>(ctx.connection_id, std::move(request), std::move(reply));
  waiters_->Park(fetch);
  run_after_(wait, [this, fetch] { Complete(fetch, true); });
  // An append between the read above and Park woke no one: look again.
  Complete(fetch, false);
}

void Broker::Complete(const std::shared_ptr<ParkedFetch>& fetch, bool force) {
  if (fetch->reply.answered()) return;
  size_t bytes = 0;
  bool error = false;
  FetchResponse response = ReadFetch(fetch->request, &bytes, &error);
  if (!force && !error && bytes < static_cast<size_t>(std::max(fetch->request.min_bytes, 0))) return;
  fetch->reply(std::move(response));
  waiters_->Unpark(fetch);
}

void Broker::ConnectionClosed(uint64_t connection_id) { waiters_->DropConnection(connection_id); }

void Broker::BeginShutdown() {
  shutting_down_ = true;
  for (const std::shared_ptr<ParkedFetch>& fetch : waiters_->TakeAll()) Complete(fetch, true);
}

}  // namespace basin::kafka
