#pragma once

// An interval join's index of one side's rows by expiry time (join_bounds.h): the rows the other side's
// watermark has passed leave the state by one range scan per epoch. One entry per epoch and expiry bucket
// (2^20 time units, about a second of microseconds) rather than per row, so keeping a row costs one write:
// key prefix + the entry's least expiry (an ordered integer) + epoch + bucket; value: its rows' expiries and
// state keys, in expiry order. An entry the watermark has partly passed is written again under its next
// least expiry with the rows left (a suffix of its value).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace basin::stream {

class StateBatch;

class ExpiryIndex {
 public:
  /// Note a row kept this epoch, under state key `key`, that no row of the other side can meet once its
  /// watermark is past `expires`.
  void Add(int64_t expires, std::string key) { rows_.emplace_back(expires, std::move(key)); }
  /// Write the noted rows' entries for `epoch` under `prefix`.
  void Write(const std::string& prefix, int64_t epoch, StateBatch& batch);

  /// Delete the rows under `prefix` whose expiry is before `watermark`, and their state keys; returns how many.
  static int64_t Expire(const std::string& prefix, int64_t watermark, StateBatch& batch);

 private:
  std::vector<std::pair<int64_t, std::string>> rows_;
};

}  // namespace basin::stream
