#pragma once

// Rows as bytes, for state keys (a group's key values) and state values (a view's last output row of a
// group, to retract it). A value is a byte saying NULL or not, then its physical representation (strings
// length-prefixed); a row is its values in order. Window ends lead state keys as order-preserving integers,
// so that RocksDB keeps windows sorted by when they close.

#include <cstdint>
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

/// Append `v` so that encodings compare as the integers do (big-endian, sign bit flipped).
void AppendOrderedInt64(std::string& out, int64_t v);
/// Read what AppendOrderedInt64 wrote from the front of `in` and drop it.
int64_t ReadOrderedInt64(std::string_view& in);

}  // namespace basin::stream
