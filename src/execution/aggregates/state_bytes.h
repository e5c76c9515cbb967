#pragma once

// The bytes of aggregate states that own memory (AggregateFunction::serialize / deserialize), for
// materialized views that keep their groups' states in RocksDB. Fixed-size values in the machine's byte
// order (the state is read back by a build of the same layout), strings and blocks length-prefixed. Every
// read checks what is left, so truncated or garbled bytes end in a DataError (XX001), never a wild read.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace basin::aggregates {

/// Throw DataError (XX001): an aggregate state's bytes end early or say something impossible.
[[noreturn]] void ThrowCorruptState(const char* what);

template <class T>
void PutFixed(std::string& out, const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

/// A block of bytes with its u32 length.
inline void PutBytes(std::string& out, std::string_view bytes) {
  PutFixed<uint32_t>(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

/// The next `n` bytes of `in`.
inline std::string_view TakeRaw(std::string_view& in, size_t n) {
  if (in.size() < n) ThrowCorruptState("end early");
  std::string_view out = in.substr(0, n);
  in.remove_prefix(n);
  return out;
}

template <class T>
T TakeFixed(std::string_view& in) {
  T v;
  std::memcpy(&v, TakeRaw(in, sizeof(T)).data(), sizeof(T));
  return v;
}

/// A 0/1 flag.
inline bool TakeFlag(std::string_view& in) {
  const auto flag = TakeFixed<uint8_t>(in);
  if (flag > 1) ThrowCorruptState("have a flag that is neither 0 nor 1");
  return flag == 1;
}

/// A block PutBytes wrote.
inline std::string_view TakeBytes(std::string_view& in) {
  return TakeRaw(in, TakeFixed<uint32_t>(in));
}

/// A count of items of at least `min_item_bytes` each: more than `in` can hold is corruption, caught
/// before anything is allocated for them.
inline uint64_t TakeCount(std::string_view& in, size_t min_item_bytes) {
  const auto n = TakeFixed<uint64_t>(in);
  if (min_item_bytes > 0 && n > in.size() / min_item_bytes)
    ThrowCorruptState("count more items than they hold");
  return n;
}

}  // namespace basin::aggregates
