#include "stream/aggregate_states.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "common/exception.h"
#include "execution/function.h"

namespace basin::stream {

namespace {

// As the hash aggregate aligns them: states may hold __int128.
size_t AlignState(size_t n) {
  return (n + 15) & ~size_t{15};
}

std::string NameOf(const Expr& aggregate) {
  return aggregate.name.empty() ? aggregate.aggregate->name : aggregate.name;
}

}  // namespace

void AggregateStates::CheckSupported(const Expr& aggregate) {
  const std::string name = NameOf(aggregate);
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

void AggregateStates::CheckRetractable(const Expr& aggregate) {
  if (!aggregate.aggregate->subtract) {
    throw NotImplementedError(NameOf(aggregate) +
                              "() over the rows of another aggregate (a changelog) is not supported in "
                              "materialized views yet: count, sum and avg are");
  }
}

AggregateStates::AggregateStates(std::vector<const Expr*> aggregates, bool retractable)
    : retractable_(retractable) {
  size_t largest = 0;
  for (const Expr* a : aggregates) {
    CheckSupported(*a);
    if (retractable_) CheckRetractable(*a);
    aggregates_.push_back({a, payload_size_});
    payload_size_ += AlignState(a->aggregate->state_size);
    largest = std::max(largest, a->aggregate->state_size);
  }
  if (retractable_) {
    counts_offset_ = payload_size_;
    payload_size_ += AlignState((1 + aggregates_.size()) * sizeof(int64_t));
    empty_ = StateBuffer(largest);
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
  if (!retractable_) return;
  // The rows the function folded: all of them for count(*), else those whose arguments are all non-NULL.
  const bool every_row = entry.expr->aggregate->handles_nulls;
  for (size_t i = 0; i < count; i++) {
    bool folded = true;
    for (size_t c = 0; c < args.ColumnCount() && !every_row; c++) {
      folded = folded && !args.column(c).IsNull(i);
    }
    Counts(payloads[i])[1 + a] += folded;
  }
}

void AggregateStates::Combine(const uint8_t* source, uint8_t* target) const {
  for (const Entry& a : aggregates_) {
    a.expr->aggregate->combine(source + a.offset, target + a.offset, a.expr->bind_data.get());
  }
  if (!retractable_) return;
  for (size_t c = 0; c <= aggregates_.size(); c++) Counts(target)[c] += Counts(source)[c];
}

void AggregateStates::Subtract(const uint8_t* source, uint8_t* target) const {
  assert(retractable_ && "built without retractable");
  for (const Entry& a : aggregates_) {
    a.expr->aggregate->subtract(source + a.offset, target + a.offset, a.expr->bind_data.get());
  }
  for (size_t c = 0; c <= aggregates_.size(); c++) Counts(target)[c] -= Counts(source)[c];
}

void AggregateStates::CountRows(uint8_t* const* payloads, size_t count) const {
  assert(retractable_ && "built without retractable");
  for (size_t i = 0; i < count; i++) Counts(payloads[i])[0]++;
}

int64_t AggregateStates::Rows(const uint8_t* payload) const {
  assert(retractable_ && "built without retractable");
  return Counts(payload)[0];
}

void AggregateStates::Finalize(uint8_t* payload, DataChunk& out, size_t first, size_t row) const {
  for (size_t i = 0; i < aggregates_.size(); i++) {
    const Entry& a = aggregates_[i];
    uint8_t* state = payload + a.offset;
    if (retractable_ && Counts(payload)[1 + i] <= 0) {
      // No value left: the function's own "no value" flag may not know it after a subtraction, so give
      // what it gives over no rows (NULL, or 0 for count).
      state = empty_.data();
      a.expr->aggregate->initialize(state, a.expr->bind_data.get());
    }
    a.expr->aggregate->finalize(state, out.column(first + i), row, a.expr->bind_data.get());
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
