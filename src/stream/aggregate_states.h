#pragma once

// The aggregates of a continuous query, side by side in one fixed-size payload per group (as the hash
// aggregate lays them out), and that payload as the bytes stored in RocksDB. A payload can be stored as
// bytes only when every state is plain data: aggregates whose states own memory (a `destroy`: string_agg,
// array_agg, min/max of strings, percentiles, approx_count_distinct) are refused for now.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "execution/expression.h"
#include "vector/vector.h"

namespace basin::stream {

/// A group's aggregate states in memory, aligned for 128-bit states.
class StateBuffer {
 public:
  explicit StateBuffer(size_t size) : words_(std::make_unique<__int128[]>((size + 15) / 16)) {}
  uint8_t* data() { return reinterpret_cast<uint8_t*>(words_.get()); }

 private:
  std::unique_ptr<__int128[]> words_;
};

class AggregateStates {
 public:
  /// `aggregates`: bound aggregate expressions (ExprClass::kAggregate), kept alive by the caller.
  /// Throws NotImplementedError (0A000) naming the first one that cannot be kept (CheckSupported).
  explicit AggregateStates(std::vector<const Expr*> aggregates);

  /// Throw NotImplementedError (0A000) unless `aggregate` can be maintained incrementally here: not
  /// DISTINCT, no ORDER BY, a state without owned memory.
  static void CheckSupported(const Expr& aggregate);

  size_t count() const { return aggregates_.size(); }
  /// Bytes of one group's payload.
  size_t payload_size() const { return payload_size_; }
  void Initialize(uint8_t* payload) const;
  /// Fold rows of `args` (aggregate a's arguments, count rows) into the payloads `payloads[i]`.
  void Update(size_t a, DataChunk& args, uint8_t* const* payloads, size_t count) const;
  /// target = target combined with source, every aggregate.
  void Combine(const uint8_t* source, uint8_t* target) const;
  /// Write each aggregate's value into row `row` of columns first, first + 1, ... of `out`.
  void Finalize(uint8_t* payload, DataChunk& out, size_t first, size_t row) const;

  /// The payload as bytes (plain data: a copy).
  std::string_view Bytes(const uint8_t* payload) const {
    return {reinterpret_cast<const char*>(payload), payload_size_};
  }
  /// Fill `payload` from bytes that Bytes gave; throws DataError (XX001) when their size differs (state
  /// written by a build whose states are laid out differently).
  void Load(std::string_view bytes, uint8_t* payload) const;

 private:
  struct Entry {
    const Expr* expr;
    size_t offset;
  };
  std::vector<Entry> aggregates_;
  size_t payload_size_ = 0;
  mutable std::vector<uint8_t*> states_;  // Update's scratch
};

}  // namespace basin::stream
