#pragma once

// The aggregates of a continuous query, side by side in one fixed-size payload per group (as the hash
// aggregate lays them out), and that payload as the bytes stored in RocksDB: the payload copied, then, for
// each aggregate whose state owns memory (a `destroy`: min/max of strings, string_agg, array_agg, the
// quantiles, approx_count_distinct), [u32 size][its serialize bytes] (its slot in the copy zeroed, so
// equal states give equal bytes). Such payloads are live from Initialize or Load until Destroy, which
// releases what they own; StateBuffer does that for a temporary.
//
// Retractable states (an aggregate over a changelog, whose rows are inserted and later retracted) also
// keep, after the aggregates' states, the group's net row count and each aggregate's net count of rows it
// folded (non-NULL arguments), so that after subtractions Finalize says what a batch over the remaining
// rows says: NULL (sum, avg) or 0 (count) over no remaining value, and the caller knows when a group is
// empty. Only aggregates with a `subtract` (count, sum, avg) can be retracted.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "execution/expression.h"
#include "vector/vector.h"

namespace basin::stream {

class AggregateStates;

/// One group's payload in memory, aligned for 128-bit states: initialized when built, destroyed when
/// dropped; Load and Copy into it replace what it held. One thread.
class StateBuffer {
 public:
  explicit StateBuffer(const AggregateStates& states);
  ~StateBuffer();
  StateBuffer(StateBuffer&& other) noexcept = default;
  StateBuffer& operator=(StateBuffer&&) = delete;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words_.get()); }

 private:
  const AggregateStates* states_;
  std::unique_ptr<__int128[]> words_;
};

class AggregateStates {
 public:
  /// `aggregates`: bound aggregate expressions (ExprClass::kAggregate), kept alive by the caller.
  /// Throws NotImplementedError (0A000) naming the first one that cannot be kept (CheckSupported, and with
  /// `retractable` CheckRetractable).
  explicit AggregateStates(std::vector<const Expr*> aggregates, bool retractable = false);

  /// Throw NotImplementedError (0A000) unless `aggregate` can be maintained incrementally here: not
  /// DISTINCT, no ORDER BY, a state that is plain data or has a stored form (serialize / deserialize) and
  /// no LIST argument.
  static void CheckSupported(const Expr& aggregate);
  /// Throw NotImplementedError (0A000) unless `aggregate`'s state can also be subtracted (over a changelog).
  static void CheckRetractable(const Expr& aggregate);

  size_t count() const { return aggregates_.size(); }
  /// Bytes of one group's payload.
  size_t payload_size() const { return payload_size_; }
  /// True when some aggregate's state owns memory: payloads must be destroyed, not just freed.
  bool owns_memory() const { return !owned_.empty(); }
  /// Make `payload` (raw memory) hold every aggregate's state over no rows.
  void Initialize(uint8_t* payload) const;
  /// Release what the live `payload`'s states own; it is raw memory again.
  void Destroy(uint8_t* payload) const;
  /// Replace the live `target`'s states by copies of `source`'s.
  void Copy(const uint8_t* source, uint8_t* target) const;
  /// Fold rows of `args` (aggregate a's arguments, count rows, only those passing its FILTER) into the
  /// payloads `payloads[i]`; retractable: also counts, per payload, the rows aggregate a folds.
  void Update(size_t a, DataChunk& args, uint8_t* const* payloads, size_t count) const;
  /// target = target combined with source, every aggregate (and, retractable, the row counts).
  void Combine(const uint8_t* source, uint8_t* target) const;

  bool retractable() const { return retractable_; }
  /// Retractable only: target = target minus source (states and row counts), Combine's inverse.
  void Subtract(const uint8_t* source, uint8_t* target) const;
  /// Retractable only: add 1 to the group row count of payloads[i] for each i < count (call once per
  /// input row, whatever the FILTERs).
  void CountRows(uint8_t* const* payloads, size_t count) const;
  /// Retractable only: the group's net row count (rows counted less rows subtracted); 0 when it is empty.
  int64_t Rows(const uint8_t* payload) const;
  /// Write each aggregate's value into row `row` of columns first, first + 1, ... of `out`.
  void Finalize(uint8_t* payload, DataChunk& out, size_t first, size_t row) const;

  /// The payload as bytes (see the top of this file).
  std::string Bytes(const uint8_t* payload) const;
  /// How many bytes at the front of `in` are one payload's (Bytes's output followed by other bytes);
  /// throws DataError (XX001) when they end early.
  size_t BytesSize(std::string_view in) const;
  /// Replace the live `payload`'s states by those `bytes` (what Bytes gave) hold; throws DataError (XX001)
  /// when they are truncated or garbled (or were written by a build whose states are laid out
  /// differently), leaving `payload` live.
  void Load(std::string_view bytes, uint8_t* payload) const;

 private:
  struct Entry {
    const Expr* expr;
    size_t offset;
  };
  /// Retractable: the group's row count, then aggregate a's, as int64_t from payload + counts_offset_.
  int64_t* Counts(uint8_t* payload) const { return reinterpret_cast<int64_t*>(payload + counts_offset_); }
  const int64_t* Counts(const uint8_t* payload) const {
    return reinterpret_cast<const int64_t*>(payload + counts_offset_);
  }

  std::vector<Entry> aggregates_;
  std::vector<size_t> owned_;  // the aggregates whose states own memory, by index
  bool retractable_ = false;
  size_t counts_offset_ = 0;
  size_t payload_size_ = 0;
  mutable std::vector<uint8_t*> states_;       // Update's scratch
  mutable std::unique_ptr<__int128[]> empty_;  // retractable Finalize's scratch: a state over no rows
};

}  // namespace basin::stream
