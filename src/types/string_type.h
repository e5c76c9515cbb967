#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace basin {

/// A string in a vector: 16 bytes. Up to 12 bytes live inline; longer strings keep a 4-byte prefix inline
/// (so most comparisons never leave the struct) and point into a heap owned by the vector (Umbra's layout,
/// as DuckDB's string_t).
struct string_t {
  static constexpr uint32_t kInlineLength = 12;

  string_t() { std::memset(this, 0, sizeof(*this)); }
  string_t(const char* data, uint32_t length) {
    value.inlined.length = length;
    if (length <= kInlineLength) {
      std::memset(value.inlined.inlined, 0, kInlineLength);
      if (length) std::memcpy(value.inlined.inlined, data, length);
    } else {
      std::memcpy(value.pointer.prefix, data, 4);
      value.pointer.ptr = data;
    }
  }
  explicit string_t(std::string_view s) : string_t(s.data(), static_cast<uint32_t>(s.size())) {}

  uint32_t size() const { return value.inlined.length; }
  bool IsInlined() const { return size() <= kInlineLength; }
  const char* data() const { return IsInlined() ? value.inlined.inlined : value.pointer.ptr; }
  std::string_view view() const { return {data(), size()}; }
  std::string str() const { return std::string(data(), size()); }

  bool operator==(const string_t& other) const {
    // Length and prefix compare in one 8-byte load.
    uint64_t a, b;
    std::memcpy(&a, this, 8);
    std::memcpy(&b, &other, 8);
    if (a != b) return false;
    if (IsInlined()) return std::memcmp(value.inlined.inlined + 4, other.value.inlined.inlined + 4, 8) == 0;
    return std::memcmp(data(), other.data(), size()) == 0;
  }
  bool operator!=(const string_t& other) const { return !(*this == other); }
  /// Byte-wise order. The 4-byte prefixes (zero-padded when inlined) decide most comparisons without a
  /// call to memcmp: compared big-endian, they order as the strings' first bytes do.
  bool operator<(const string_t& other) const { return Compare(*this, other) < 0; }
  bool operator>(const string_t& other) const { return Compare(*this, other) > 0; }
  bool operator<=(const string_t& other) const { return Compare(*this, other) <= 0; }
  bool operator>=(const string_t& other) const { return Compare(*this, other) >= 0; }

  static int Compare(const string_t& a, const string_t& b) {
    uint32_t pa, pb;
    std::memcpy(&pa, a.value.pointer.prefix, 4);
    std::memcpy(&pb, b.value.pointer.prefix, 4);
    if (pa != pb) return __builtin_bswap32(pa) < __builtin_bswap32(pb) ? -1 : 1;
    const uint32_t la = a.size(), lb = b.size();
    const int c = std::memcmp(a.data(), b.data(), la < lb ? la : lb);
    if (c != 0) return c;
    return la < lb ? -1 : la > lb ? 1 : 0;
  }

  union {
    struct {
      uint32_t length;
      char prefix[4];
      const char* ptr;
    } pointer;
    struct {
      uint32_t length;
      char inlined[12];
    } inlined;
  } value;
};
static_assert(sizeof(string_t) == 16);

}  // namespace basin
