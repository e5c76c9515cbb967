#pragma once

// Rows as bytes, for state keys (a group's key values) and state values (a view's last output row of a
// group, to retract it). A value is a byte saying NULL or not, then its physical representation (strings
// length-prefixed); a row is its values in order. Window ends lead state keys as order-preserving integers,
// so that RocksDB keeps windows sorted by when they close.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "vector/vector.h"

namespace basin::stream {

/// Whether values of `type` can be encoded (every type but LIST for now).
bool IsEncodable(const LogicalType& type);

/// Append row `row` of `vector` to `out`.
void EncodeValue(const Vector& vector, size_t row, std::string& out);
/// Append row `row` of the columns [first, first + count) of `chunk` to `out`.
void EncodeRow(const DataChunk& chunk, size_t first, size_t count, size_t row, std::string& out);

/// Read one value from the front of `in` into row `row` of `vector` (strings copied into its heap) and drop
/// it from `in`. Throws DataError (XX001) when `in` ends early.
void DecodeValue(std::string_view& in, Vector& vector, size_t row);
/// Read a row into row `row` of the columns [first, first + count) of `chunk`.
void DecodeRow(std::string_view& in, DataChunk& chunk, size_t first, size_t count, size_t row);

/// Take `n` bytes from the front of `in`. Throws DataError (XX001) when `in` ends early.
std::string_view ReadBytes(std::string_view& in, size_t n);

/// Append a plain value's bytes (as this machine lays them out).
template <class T>
void AppendFixed(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

/// Read what AppendFixed wrote from the front of `in` and drop it.
template <class T>
T ReadFixed(std::string_view& in) {
  T v;
  std::memcpy(&v, ReadBytes(in, sizeof(T)).data(), sizeof(T));
  return v;
}

/// Append `v` so that encodings compare as the integers do (big-endian, sign bit flipped).
void AppendOrderedInt64(std::string& out, int64_t v);
/// Read what AppendOrderedInt64 wrote from the front of `in` and drop it.
int64_t ReadOrderedInt64(std::string_view& in);

/// Where a scan of keys `prefix` + AppendOrderedInt64(x) + ... ends to visit those with x <= `t`.
std::string OrderedKeyBound(std::string_view prefix, int64_t t);

}  // namespace basin::stream
