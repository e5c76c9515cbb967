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
  const AggregateFunction& f = *aggregate.aggregate;
  if (!f.destroy) return;
  if (!f.serialize || !f.deserialize) {
    throw NotImplementedError("aggregate " + name +
                              " is not supported in materialized views yet: its state has no stored form");
  }
  for (const ExprPtr& child : aggregate.children) {
    if (child->type.physical() == PhysicalType::kList) {
      throw NotImplementedError("aggregate " + name + " over " + child->type.ToString() +
                                " values is not supported in materialized views yet");
    }
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
    if (a->aggregate->destroy) owned_.push_back(aggregates_.size());
    aggregates_.push_back({a, payload_size_});
    payload_size_ += AlignState(a->aggregate->state_size);
    largest = std::max(largest, a->aggregate->state_size);
  }
  if (retractable_) {
    counts_offset_ = payload_size_;
    payload_size_ += AlignState((1 + aggregates_.size()) * sizeof(int64_t));
    empty_ = std::make_unique<__int128[]>((largest + 15) / 16);
  }
}

void AggregateStates::Initialize(uint8_t* payload) const {
  // Padding too: the bytes are stored, and should say the same thing each time.
  std::memset(payload, 0, payload_size_);
  for (const Entry& a : aggregates_)
    a.expr->aggregate->initialize(payload + a.offset, a.expr->bind_data.get());
}

void AggregateStates::Destroy(uint8_t* payload) const {
  for (size_t i : owned_) aggregates_[i].expr->aggregate->destroy(payload + aggregates_[i].offset);
}

void AggregateStates::Copy(const uint8_t* source, uint8_t* target) const {
  Destroy(target);
  std::memcpy(target, source, payload_size_);
  // An owned state's copy: an empty state combined with it (a fresh copy of what it owns).
  for (size_t i : owned_) {
    const Entry& a = aggregates_[i];
    a.expr->aggregate->initialize(target + a.offset, a.expr->bind_data.get());
    a.expr->aggregate->combine(source + a.offset, target + a.offset, a.expr->bind_data.get());
  }
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
      state = reinterpret_cast<uint8_t*>(empty_.get());
      a.expr->aggregate->initialize(state, a.expr->bind_data.get());
    }
    a.expr->aggregate->finalize(state, out.column(first + i), row, a.expr->bind_data.get());
  }
}

std::string AggregateStates::Bytes(const uint8_t* payload) const {
  std::string out(reinterpret_cast<const char*>(payload), payload_size_);
  for (size_t i : owned_) {
    const Entry& a = aggregates_[i];
    std::memset(out.data() + a.offset, 0, a.expr->aggregate->state_size);  // pointers: not the state's value
  }
  for (size_t i : owned_) {
    const Entry& a = aggregates_[i];
    const size_t at = out.size();
    out.append(sizeof(uint32_t), '\0');
    a.expr->aggregate->serialize(payload + a.offset, out, a.expr->bind_data.get());
    const auto size = static_cast<uint32_t>(out.size() - at - sizeof(uint32_t));
    std::memcpy(out.data() + at, &size, sizeof(size));
  }
  return out;
}

namespace {

[[noreturn]] void ThrowBadState(const std::string& what) {
  throw DataError(sqlstate::kDataCorrupted,
                  "stream state: an aggregate state " + what + " (written by another Basin version?)");
}

}  // namespace

size_t AggregateStates::BytesSize(std::string_view in) const {
  size_t at = payload_size_;
  for (size_t k = 0; k < owned_.size(); k++) {
    uint32_t size = 0;
    if (in.size() < at + sizeof(size)) ThrowBadState("ends early");
    std::memcpy(&size, in.data() + at, sizeof(size));
    at += sizeof(size) + size;
  }
  if (in.size() < at) ThrowBadState("ends early");
  return at;
}

void AggregateStates::Load(std::string_view bytes, uint8_t* payload) const {
  if (bytes.size() < payload_size_ || (owned_.empty() && bytes.size() != payload_size_)) {
    ThrowBadState("of " + std::to_string(bytes.size()) + " bytes where " + std::to_string(payload_size_) +
                  (owned_.empty() ? "" : " or more") + " were expected");
  }
  Destroy(payload);
  std::memcpy(payload, bytes.data(), payload_size_);
  // Every owned state empty before any is read, so a throw below leaves the payload live.
  for (size_t i : owned_) {
    const Entry& a = aggregates_[i];
    a.expr->aggregate->initialize(payload + a.offset, a.expr->bind_data.get());
  }
  std::string_view in = bytes.substr(payload_size_);
  for (size_t i : owned_) {
    const Entry& a = aggregates_[i];
    uint32_t size = 0;
    if (in.size() < sizeof(size)) ThrowBadState("ends early");
    std::memcpy(&size, in.data(), sizeof(size));
    in.remove_prefix(sizeof(size));
    if (in.size() < size) ThrowBadState("ends early");
    std::string_view state = in.substr(0, size);
    in.remove_prefix(size);
    try {
      a.expr->aggregate->deserialize(state, payload + a.offset, a.expr->bind_data.get());
    } catch (const DataError& e) {
      ThrowBadState("of " + NameOf(*a.expr) + " cannot be read: " + e.what());
    }
    if (!state.empty()) ThrowBadState("of " + NameOf(*a.expr) + " has bytes left over");
  }
  if (!in.empty()) ThrowBadState("has bytes left over");
}

StateBuffer::StateBuffer(const AggregateStates& states)
    : states_(&states), words_(std::make_unique<__int128[]>((states.payload_size() + 15) / 16)) {
  states.Initialize(data());
}

StateBuffer::~StateBuffer() {
  if (words_) states_->Destroy(data());
}

}  // namespace basin::stream
