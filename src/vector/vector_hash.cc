#include "vector/vector_hash.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>

#include "vector/physical_dispatch.h"

namespace basin {

namespace {

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t HashBytes(const char* data, size_t len) {
  // FNV-1a folded through Mix; strings in keys are short, so this is not the bottleneck.
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h = Mix(h);
  }
  for (; i < len; i++) h = (h ^ static_cast<uint8_t>(data[i])) * 0x100000001b3ULL;
  return Mix(h ^ len);
}

template <class T>
inline uint64_t HashValue(const T& v) {
  if constexpr (std::is_same_v<T, string_t>) {
    if (v.IsInlined()) {
      // Short strings: the 16-byte struct (length, bytes, zero padding) is the value; equal strings have
      // equal lengths, so they never meet the long-string hash below.
      uint64_t a, b;
      std::memcpy(&a, &v, 8);
      std::memcpy(&b, reinterpret_cast<const char*>(&v) + 8, 8);
      return Mix(a ^ Mix(b + 0x9E3779B97F4A7C15ULL));
    }
    return HashBytes(v.data(), v.size());
  } else if constexpr (std::is_same_v<T, interval_t>) {
    __int128 n = v.Normalized();
    return Mix(static_cast<uint64_t>(n) ^ Mix(static_cast<uint64_t>(n >> 64)));
  } else if constexpr (std::is_same_v<T, hugeint_t>) {
    return Mix(static_cast<uint64_t>(v) ^ Mix(static_cast<uint64_t>(v >> 64)));
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = v;
    if (d == 0) d = 0;  // -0.0 and 0.0 are equal, so they must hash alike
    if (std::isnan(d)) return 0x7ff8000000000000ULL;
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    return Mix(bits);
  } else if constexpr (std::is_same_v<T, list_entry_t>) {
    return Mix(v.length);
  } else {
    return Mix(static_cast<uint64_t>(v));
  }
}

constexpr uint64_t kNullHash = 0xbf58476d1ce4e5b9ULL;

}  // namespace

void HashVector(const Vector& v, size_t count, uint64_t* hashes, bool combine) {
  if (v.type().id() == TypeId::kList) {
    for (size_t i = 0; i < count; i++) {
      uint64_t h = v.IsNull(i) ? kNullHash : std::hash<std::string>()(v.GetValue(i).ToString());
      hashes[i] = combine ? Mix(hashes[i] ^ h) : h;
    }
    return;
  }
  DispatchOnPhysical(v.type().physical(), [&]<class T>() {
    const T* data = v.template data<T>();
    const ValidityMask& valid = v.validity();
    if (v.IsConstant()) {
      const uint64_t h = valid.RowIsValid(0) ? HashValue(data[0]) : kNullHash;
      for (size_t i = 0; i < count; i++) hashes[i] = combine ? Mix(hashes[i] * 31 + h) : h;
      return;
    }
    // The common case, a flat column without NULLs, in loops without per-row branches.
    if (valid.AllValid()) {
      if (combine) {
        for (size_t i = 0; i < count; i++) hashes[i] = Mix(hashes[i] * 31 + HashValue(data[i]));
      } else {
        for (size_t i = 0; i < count; i++) hashes[i] = HashValue(data[i]);
      }
      return;
    }
    for (size_t i = 0; i < count; i++) {
      uint64_t h = valid.RowIsValid(i) ? HashValue(data[i]) : kNullHash;
      hashes[i] = combine ? Mix(hashes[i] * 31 + h) : h;
    }
  });
}

DistinctSketch::DistinctSketch() {
  std::memset(registers_, 0, sizeof(registers_));
}

void DistinctSketch::Add(const uint64_t* hashes, size_t count) {
  for (size_t i = 0; i < count; i++) {
    uint64_t h = hashes[i];
    uint32_t index = static_cast<uint32_t>(h >> (64 - kBits));
    uint64_t rest = (h << kBits) | (uint64_t{1} << (kBits - 1));  // a guard bit bounds the count
    uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
}

void DistinctSketch::Merge(const DistinctSketch& other) {
  for (size_t i = 0; i < sizeof(registers_); i++)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

std::string DistinctSketch::Serialize() const {
  return std::string(reinterpret_cast<const char*>(registers_), sizeof(registers_));
}

bool DistinctSketch::Deserialize(std::string_view bytes) {
  if (bytes.size() != sizeof(registers_)) return false;
  std::memcpy(registers_, bytes.data(), sizeof(registers_));
  return true;
}

double DistinctSketch::Estimate() const {
  constexpr double m = 1 << kBits;
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);  // small-range correction
  return estimate;
}

}  // namespace basin
