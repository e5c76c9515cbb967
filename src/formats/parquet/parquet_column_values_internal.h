#pragma once

// The Parquet writer's values: how each physical type's values become Parquet's (value traits), their min/max
// bounds for statistics, and the dictionary that gives them indices. Used by parquet_column_writer.cc.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "types/string_type.h"
#include "vector/vector.h"

namespace basin::parquet {

inline constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  return x ^ (x >> 29);
}

/// Bytes that grow without being zeroed first (std::string's resize zeroes what it adds).
class ByteBuffer {
 public:
  /// Make room for `n` more bytes and return where they go.
  char* Extend(size_t n) {
    if (size_ + n > capacity_) Reserve(std::max({capacity_ * 2, size_ + n, size_t{4096}}));
    char* at = data_.get() + size_;
    size_ += n;
    return at;
  }
  void Append(const void* bytes, size_t n) {
    if (n) std::memcpy(Extend(n), bytes, n);
  }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }

 private:
  void Reserve(size_t capacity) {
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Value traits: how a Basin vector's values (Source) become Parquet values (Value), are written PLAIN,
// ordered for statistics and keyed in the dictionary. ValueDictionary keys compare by their bits, so that
// -0.0 and 0.0 stay apart and a NaN finds itself.

template <class S, class V>
struct NumberTraits {
  using Source = S;
  using Value = V;
  static constexpr bool kDictionary = true;
  static constexpr bool kStatistics = true;
  /// The vector holds the Parquet values themselves: no conversion, PLAIN is a copy.
  static constexpr bool kSame = std::is_same_v<S, V>;
  static V Convert(S s) { return static_cast<V>(s); }
  static size_t PlainSize(V) { return sizeof(V); }
  static char* WritePlain(V v, char* out) {
    std::memcpy(out, &v, sizeof(V));
    return out + sizeof(V);
  }
  static bool Less(V a, V b) { return a < b; }
  static std::string StatBytes(V v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(V)); }
};

/// BOOLEAN: PLAIN bit-packed, never dictionary-encoded.
struct BoolTraits : NumberTraits<uint8_t, uint8_t> {
  static constexpr bool kDictionary = false;
  static constexpr bool kSame = false;
  static uint8_t Convert(uint8_t s) { return s != 0; }
};

/// DECIMAL(p>18): FIXED_LEN_BYTE_ARRAY(16), big-endian two's complement, ordered as signed numbers.
struct Decimal128Traits : NumberTraits<hugeint_t, hugeint_t> {
  static constexpr bool kSame = false;
  static char* WritePlain(hugeint_t v, char* out) {
    const auto x = static_cast<unsigned __int128>(v);
    for (int b = 15; b >= 0; --b) *out++ = static_cast<char>(x >> (8 * b));
    return out;
  }
  static std::string StatBytes(hugeint_t v) {
    std::string bytes(16, '\0');
    WritePlain(v, bytes.data());
    return bytes;
  }
};

/// INTERVAL as Parquet holds it: months, days and milliseconds, unsigned little-endian.
struct Interval12 {
  uint32_t months, days, millis;
  bool operator==(const Interval12&) const = default;
};

/// INTERVAL: FIXED_LEN_BYTE_ARRAY(12); Parquet leaves its order undefined, so no statistics.
struct IntervalTraits : NumberTraits<interval_t, Interval12> {
  static_assert(sizeof(Interval12) == 12);
  static constexpr bool kStatistics = false;
  static constexpr bool kSame = false;
  static Interval12 Convert(const interval_t& iv) {
    // Parquet's INTERVAL holds milliseconds: sub-millisecond precision is dropped.
    return {static_cast<uint32_t>(iv.months), static_cast<uint32_t>(iv.days),
            static_cast<uint32_t>(iv.micros / 1000)};
  }
  static bool Less(const Interval12&, const Interval12&) { return false; }
};

/// VARCHAR, BLOB: BYTE_ARRAY, PLAIN as a 4-byte length and the bytes, ordered as unsigned bytes.
struct StringTraits {
  using Source = string_t;
  using Value = string_t;
  static constexpr bool kDictionary = true;
  static constexpr bool kStatistics = true;
  static constexpr bool kSame = true;
  static string_t Convert(const string_t& s) { return s; }
  static size_t PlainSize(const string_t& s) { return 4 + s.size(); }
  static char* WritePlain(const string_t& s, char* out) {
    const uint32_t n = s.size();
    std::memcpy(out, &n, 4);
    std::memcpy(out + 4, s.data(), n);
    return out + 4 + n;
  }
  static bool Less(const string_t& a, const string_t& b) {
    // The 4-byte prefixes (zero-padded) decide most comparisons without leaving the string_t's.
    uint32_t pa, pb;
    std::memcpy(&pa, a.value.pointer.prefix, 4);
    std::memcpy(&pb, b.value.pointer.prefix, 4);
    if (pa != pb) return __builtin_bswap32(pa) < __builtin_bswap32(pb);
    return a.view() < b.view();
  }
  static std::string StatBytes(const string_t& s) { return s.str(); }
};

template <class V>
bool IsNaN(const V& v) {
  if constexpr (std::is_floating_point_v<V>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

/// The dictionary's hash of a value: its bits through a multiply, whose high bits pick the slot.
template <class V>
uint64_t HashValue(const V& v) {
  if constexpr (std::is_same_v<V, string_t>) {
    uint64_t head, tail;
    std::memcpy(&head, &v, 8);  // the length and the first 4 bytes
    if (v.IsInlined()) {
      std::memcpy(&tail, reinterpret_cast<const char*>(&v) + 8, 8);  // zero-padded
      return (head ^ (tail * 0xC2B2AE3D27D4EB4FULL)) * kGolden;
    }
    uint64_t h = head;
    const char* p = v.data();
    size_t n = v.size();
    for (; n >= 8; n -= 8, p += 8) {
      std::memcpy(&tail, p, 8);
      h = Mix(h ^ tail);
    }
    tail = 0;
    std::memcpy(&tail, p, n);
    return Mix(h ^ tail) * kGolden;
  } else if constexpr (sizeof(V) <= 8) {
    uint64_t x = 0;
    std::memcpy(&x, &v, sizeof(V));
    return x * kGolden;
  } else {
    uint64_t w[2] = {0, 0};
    std::memcpy(w, &v, sizeof(V));
    return (w[0] ^ Mix(w[1])) * kGolden;
  }
}

template <class V>
bool SameValue(const V& a, const V& b) {
  if constexpr (std::is_same_v<V, string_t>) {
    uint64_t x[2], y[2];
    std::memcpy(x, &a, 16);
    std::memcpy(y, &b, 16);
    if (x[0] != y[0]) return false;  // length and prefix
    if (a.IsInlined()) return x[1] == y[1];
    const size_t n = a.size();
    if (n > 16) return std::memcmp(a.data(), b.data(), n) == 0;
    // 13 to 16 bytes: two overlapping 8-byte loads cover them.
    std::memcpy(&x[0], a.data(), 8);
    std::memcpy(&y[0], b.data(), 8);
    std::memcpy(&x[1], a.data() + n - 8, 8);
    std::memcpy(&y[1], b.data() + n - 8, 8);
    return x[0] == y[0] && x[1] == y[1];
  } else {
    return std::memcmp(&a, &b, sizeof(V)) == 0;
  }
}

// ---------------------------------------------------------------------------------------------------------

/// The smallest and largest value seen, NaN left out, kept in the column's type until a page is written.
/// Strings are copied: the vectors they point into do not outlive the batch.
template <class Tr>
class ValueBounds {
  using V = typename Tr::Value;
  static constexpr bool kString = std::is_same_v<V, string_t>;
  using Stored = std::conditional_t<kString, std::string, V>;

 public:
  bool empty() const { return !has_; }
  void Clear() { has_ = false; }

  void Add(const V* values, size_t n) {
    size_t i = 0;
    while (i < n && IsNaN(values[i])) ++i;
    if (i == n) return;
    V lo = values[i], hi = values[i];
    for (++i; i < n; ++i) {
      lo = Tr::Less(values[i], lo) ? values[i] : lo;
      hi = Tr::Less(hi, values[i]) ? values[i] : hi;
    }
    Merge(lo, hi);
  }
  void Add(const ValueBounds& other) {
    if (other.has_) Merge(other.min_, other.max_);
  }
  /// Whether every value of `next` is at least (at most) those of this: the pages' order for the column
  /// index.
  bool NotBelow(const ValueBounds& next) const { return !Lt(next.min_, min_) && !Lt(next.max_, max_); }
  bool NotAbove(const ValueBounds& next) const { return !Lt(min_, next.min_) && !Lt(max_, next.max_); }

  std::string MinBytes() const { return Bytes(min_); }
  std::string MaxBytes() const { return Bytes(max_); }

 private:
  static std::string_view View(const std::string& s) { return s; }
  static std::string_view View(const string_t& s) { return s.view(); }
  template <class A, class B>
  static bool Lt(const A& a, const B& b) {
    if constexpr (kString) {
      return View(a) < View(b);
    } else {
      return Tr::Less(a, b);
    }
  }
  static void Assign(std::string& to, const string_t& from) { to.assign(from.data(), from.size()); }
  static void Assign(std::string& to, const std::string& from) { to = from; }
  static void Assign(V& to, const V& from) { to = from; }
  static std::string Bytes(const Stored& v) {
    if constexpr (kString) {
      return v;
    } else {
      return Tr::StatBytes(v);
    }
  }
  template <class A>
  void Merge(const A& lo, const A& hi) {
    if (!has_ || Lt(lo, min_)) Assign(min_, lo);
    if (!has_ || Lt(max_, hi)) Assign(max_, hi);
    has_ = true;
  }

  bool has_ = false;
  Stored min_{}, max_{};
};

/// A column chunk's distinct values for dictionary encoding: open addressing keyed by the values themselves
/// (strings by their string_t, pointing into the dictionary's own bytes, with the hash kept beside), indices
/// in the order values first appear. Takes no value past `max_values`, nor one that would make the dictionary
/// page pass `max_bytes`.
template <class Tr>
class ValueDictionary {
  using V = typename Tr::Value;
  static constexpr bool kString = std::is_same_v<V, string_t>;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct FixedSlot {
    V value;
    uint32_t index = kEmpty;
  };
  struct StringSlot {
    V value;
    uint32_t index = kEmpty;
    uint32_t hash = 0;  // the hash's high half, which rejects most mismatches without touching the bytes
  };
  using Slot = std::conditional_t<kString, StringSlot, FixedSlot>;
  /// How many values ahead a probe's slot is prefetched.
  static constexpr size_t kPrefetch = 16;

 public:
  void Reset(size_t max_values, size_t max_bytes) {
    max_values_ = max_values;
    max_bytes_ = max_bytes;
    values_.clear();
    page_.clear();
    page_bytes_ = 0;
    full_of_values_ = false;
    // The table keeps its size from chunk to chunk: a column that needed it once likely needs it again.
    if (slots_.empty()) Resize(1024);
    for (Slot& s : slots_) s.index = kEmpty;
  }
  size_t size() const { return values_.size(); }
  const V& operator[](uint32_t i) const { return values_[i]; }
  /// Whether the last value refused was refused for the count of values (not their bytes).
  bool full_of_values() const { return full_of_values_; }

  /// Give values[0, n) their indices; stop at the first value the dictionary cannot take and return how many
  /// got one.
  size_t Encode(const V* values, size_t n, uint32_t* indices) {
    // Numbers: hash the batch first, so that each probe's slot can be prefetched a few values ahead (a large
    // table misses the L1 cache). Strings hash as they go: their hash costs more than a miss.
    if constexpr (!kString) {
      if (hashes_.size() < n) hashes_.resize(n);
      for (size_t i = 0; i < n; ++i) hashes_[i] = HashValue(values[i]);
    }
    for (size_t i = 0; i < n; ++i) {
      const V& v = values[i];
      if constexpr (!kString) {
        if (i + kPrefetch < n) __builtin_prefetch(&slots_[hashes_[i + kPrefetch] >> shift_]);
      }
      if (i > 0 && SameValue(v, values[i - 1])) {  // runs are common: no lookup
        indices[i] = indices[i - 1];
        continue;
      }
      uint64_t hash;
      if constexpr (kString) {
        hash = HashValue(v);
      } else {
        hash = hashes_[i];
      }
      const size_t mask = slots_.size() - 1;
      for (size_t s = hash >> shift_;; s = (s + 1) & mask) {
        Slot& slot = slots_[s];
        if (slot.index == kEmpty) {
          const size_t bytes = Tr::PlainSize(v);
          if (values_.size() >= max_values_ || page_bytes_ + bytes > max_bytes_) {
            full_of_values_ = values_.size() >= max_values_;
            return i;
          }
          page_bytes_ += bytes;
          slot.value = Keep(v);  // before the slot is taken: Keep may move the strings already kept
          if constexpr (kString) slot.hash = static_cast<uint32_t>(hash >> 32);
          indices[i] = slot.index = static_cast<uint32_t>(values_.size());
          values_.push_back(slot.value);
          if (values_.size() * 2 > slots_.size()) Resize(slots_.size() * 2);
          break;
        }
        bool same;
        if constexpr (kString) {
          same = slot.hash == static_cast<uint32_t>(hash >> 32) && SameValue(slot.value, v);
        } else {
          same = SameValue(slot.value, v);
        }
        if (same) {
          indices[i] = slot.index;
          break;
        }
      }
    }
    return n;
  }

  /// The dictionary page's body: the values, PLAIN, in index order.
  std::string_view Page() {
    if constexpr (!kString) {
      page_.clear();
      char* out = page_.Extend(page_bytes_);
      for (const V& v : values_) out = Tr::WritePlain(v, out);
    }
    return page_.view();
  }

 private:
  /// Strings are copied into the page's bytes (a length, then the bytes) and the string_t points there.
  V Keep(const V& v) {
    if constexpr (kString) {
      const char* before = page_.data();
      char* at = page_.Extend(Tr::PlainSize(v));
      Tr::WritePlain(v, at);
      if (page_.data() != before && before != nullptr) Rebase(before);
      return string_t(at + 4, v.size());
    } else {
      return v;
    }
  }
  /// The page's bytes moved: point the long strings at their new place.
  void Rebase(const char* before) {
    auto move = [&](string_t& s) {
      if (!s.IsInlined()) s = string_t(page_.data() + (s.data() - before), s.size());
    };
    for (string_t& s : values_) move(s);
    for (Slot& s : slots_)
      if (s.index != kEmpty) move(s.value);
  }
  void Resize(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    shift_ = 64 - __builtin_ctzll(capacity);
    for (const Slot& o : old) {
      if (o.index == kEmpty) continue;
      size_t s = HashValue(o.value) >> shift_;
      while (slots_[s].index != kEmpty) s = (s + 1) & (capacity - 1);
      slots_[s] = o;
    }
  }

  std::vector<Slot> slots_;
  int shift_ = 64;
  std::vector<uint64_t> hashes_;  // numbers: of the values being encoded
  std::vector<V> values_;
  ByteBuffer page_;  // strings: the dictionary page, built as values arrive
  size_t page_bytes_ = 0;
  size_t max_values_ = 0;
  size_t max_bytes_ = 0;
  bool full_of_values_ = false;
};

}  // namespace basin::parquet
