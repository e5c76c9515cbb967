#include "stream/aggregate_states.h"

#include <cstring>

#include "common/exception.h"
#include "execution/function.h"

namespace basin::stream {

namespace {

// As the hash aggregate aligns them: states may hold __int128.
size_t AlignState(size_t n) {
  return (n + 15) & ~size_t{15};
}

}  // namespace

void AggregateStates::CheckSupported(const Expr& aggregate) {
  const std::string name = aggregate.name.empty() ? aggregate.aggregate->name : aggregate.name;
  if (aggregate.distinct) {
    throw NotImplementedError(name + "(DISTINCT ...) is not supported in materialized views yet");
  }
  if (!aggregate.order_by.empty()) {
    throw NotImplementedError("aggregates with ORDER BY (" + name +
                              ") are not supported in materialized views yet");
  }
  if (aggregate.aggregate->destroy || aggregate.aggregate->order_dependent) {
    throw NotImplementedError(
        "aggregate " + name +
        " is not supported in materialized views yet: its state is not "
        "fixed-size (count, sum, avg, min and max of numbers and times, and the statistics "
        "are)");
  }
}

AggregateStates::AggregateStates(std::vector<const Expr*> aggregates) {
  for (const Expr* a : aggregates) {
    CheckSupported(*a);
    aggregates_.push_back({a, payload_size_});
    payload_size_ += AlignState(a->aggregate->state_size);
  }
}

void AggregateStates::Initialize(uint8_t* payload) const {
  // Padding too: the bytes are stored, and should say the same thing each time.
  std::memset(payload, 0, payload_size_);
  for (const Entry& a : aggregates_)
    a.expr->aggregate->initialize(payload + a.offset, a.expr->bind_data.get());
}

void AggregateStates::Update(size_t a, DataChunk& args, uint8_t* const* payloads, size_t count) const {
  const Entry& entry = aggregates_[a];
  states_.resize(count);
  for (size_t i = 0; i < count; i++) states_[i] = payloads[i] + entry.offset;
  entry.expr->aggregate->update(args, states_.data(), count, entry.expr->bind_data.get());
}

void AggregateStates::Combine(const uint8_t* source, uint8_t* target) const {
  for (const Entry& a : aggregates_) {
    a.expr->aggregate->combine(source + a.offset, target + a.offset, a.expr->bind_data.get());
  }
}

void AggregateStates::Finalize(uint8_t* payload, DataChunk& out, size_t first, size_t row) const {
  for (size_t i = 0; i < aggregates_.size(); i++) {
    const Entry& a = aggregates_[i];
    a.expr->aggregate->finalize(payload + a.offset, out.column(first + i), row, a.expr->bind_data.get());
  }
}

void AggregateStates::Load(std::string_view bytes, uint8_t* payload) const {
  if (bytes.size() != payload_size_) {
    throw DataError(sqlstate::kDataCorrupted,
                    "stream state: an aggregate state of " + std::to_string(bytes.size()) + " bytes where " +
                        std::to_string(payload_size_) + " were expected (written by another Basin version?)");
  }
  std::memcpy(payload, bytes.data(), bytes.size());
}

}  // namespace basin::stream
