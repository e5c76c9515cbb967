#pragma once

// Big-endian fields and zig-zag varints as the Kafka formats write them; shared by the batch codec, the
// segment indexes, the producer-state snapshots and the group-offset records.

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace basin::log::internal {

template <typename T>
T LoadBig(const char* p) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
  return static_cast<T>(v);
}

template <typename T>
void StoreBig(char* p, T value) {
  static_assert(std::is_integral_v<T>);
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(T));
}

template <typename T>
void AppendBig(std::string& out, T value) {
  char bytes[sizeof(T)];
  StoreBig(bytes, value);
  out.append(bytes, sizeof(T));
}

/// Append `value` as a zig-zag varint (Kafka's varint / varlong).
inline void AppendVarlong(std::string& out, int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  char bytes[10];
  int n = 0;
  while (v >= 0x80) {
    bytes[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  bytes[n++] = static_cast<char>(v);
  out.append(bytes, n);
}

/// Bytes a zig-zag varint of `value` takes.
inline size_t VarlongSize(int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

/// Read a zig-zag varint of at most `max_bytes` (5 for a varint, 10 for a varlong) at `*p`, not past `end`;
/// false when it is truncated or too long.
inline bool ReadVarlong(const char*& p, const char* end, int max_bytes, int64_t& value) {
  uint64_t v = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p == end) return false;
    const auto byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      value = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
      return true;
    }
  }
  return false;
}

}  // namespace basin::log::internal
