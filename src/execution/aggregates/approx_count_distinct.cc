// approx_count_distinct(x): HyperLogLog (Flajolet et al. 2007) with 2^12 registers, standard error
// 1.04 / sqrt(4096) = 1.6%.

#include <cmath>

#include "execution/aggregates/aggregate_helpers.h"
#include "execution/vector_ops.h"

namespace basin::aggregates {
namespace {

constexpr int kPrecision = 12;
constexpr size_t kRegisters = size_t{1} << kPrecision;

/// Murmur3's 64-bit finalizer: spreads every input bit over the whole word.
uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/// MurmurHash64A (Austin Appleby, public domain) over a byte string.
uint64_t HashBytes(const char* data, size_t length) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  uint64_t h = 0x8445d61a4e774912ULL ^ (length * m);
  size_t blocks = length / 8;
  for (size_t i = 0; i < blocks; i++) {
    uint64_t k;
    std::memcpy(&k, data + i * 8, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const auto* tail = reinterpret_cast<const unsigned char*>(data + blocks * 8);
  switch (length & 7) {
    case 7: h ^= uint64_t(tail[6]) << 48; [[fallthrough]];
    case 6: h ^= uint64_t(tail[5]) << 40; [[fallthrough]];
    case 5: h ^= uint64_t(tail[4]) << 32; [[fallthrough]];
    case 4: h ^= uint64_t(tail[3]) << 24; [[fallthrough]];
    case 3: h ^= uint64_t(tail[2]) << 16; [[fallthrough]];
    case 2: h ^= uint64_t(tail[1]) << 8; [[fallthrough]];
    case 1: h ^= uint64_t(tail[0]); h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

template <class T>
uint64_t HashValue(const T& v) {
  if constexpr (std::is_same_v<T, string_t>) {
    return HashBytes(v.data(), v.size());
  } else if constexpr (sizeof(T) == 16) {
    uint64_t parts[2];
    std::memcpy(parts, &v, 16);
    return Mix(parts[0] ^ Mix(parts[1]));
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = v == 0 ? 0.0 : static_cast<double>(v);  // -0.0 and 0.0 are one value
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    return Mix(bits);
  } else {
    return Mix(static_cast<uint64_t>(v));
  }
}

/// Registers are allocated on the first value, so empty groups cost one pointer.
struct HllState {
  uint8_t* registers;
};

void Insert(HllState& s, uint64_t hash) {
  if (!s.registers) s.registers = new uint8_t[kRegisters]();
  size_t index = hash >> (64 - kPrecision);
  // Rank: position of the first 1 bit among the remaining bits; the sentinel bit caps it.
  uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
  auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
  if (rank > s.registers[index]) s.registers[index] = rank;
}

template <class T>
void HashColumn(const Vector& v, uint8_t** states, size_t count) {
  const T* data = v.data<T>();
  bool constant = v.IsConstant();
  if (constant) {
    if (v.IsNull(0)) return;
    uint64_t hash = HashValue(data[0]);
    for (size_t i = 0; i < count; i++) Insert(StateOf<HllState>(states[i]), hash);
    return;
  }
  for (size_t i = 0; i < count; i++) {
    if (v.validity().RowIsValid(i)) Insert(StateOf<HllState>(states[i]), HashValue(data[i]));
  }
}

void HllUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  const Vector& v = args.column(0);
  if (v.type().physical() == PhysicalType::kList) {
    // Lists have no flat bytes to hash; their text is a faithful stand-in.
    for (size_t i = 0; i < count; i++) {
      if (v.IsNull(i)) continue;
      std::string text = v.GetValue(i).ToString();
      Insert(StateOf<HllState>(states[i]), HashBytes(text.data(), text.size()));
    }
    return;
  }
  DispatchOnPhysical(v.type().physical(), [&]<class T>() {
    if constexpr (!std::is_same_v<T, list_entry_t>) HashColumn<T>(v, states, count);
  });
}

/// The raw HyperLogLog estimate, with linear counting where it is more accurate (small cardinalities).
int64_t Estimate(const uint8_t* registers) {
  constexpr double m = kRegisters;
  const double alpha = 0.7213 / (1 + 1.079 / m);
  double sum = 0;
  size_t zeros = 0;
  for (size_t i = 0; i < kRegisters; i++) {
    sum += std::ldexp(1.0, -registers[i]);
    zeros += registers[i] == 0;
  }
  double estimate = alpha * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return std::llround(estimate);
}

struct HllOp {
  using State = HllState;
  static void Initialize(State& s) { s.registers = nullptr; }
  static void Combine(const State& source, State& target) {
    if (!source.registers) return;
    if (!target.registers) target.registers = new uint8_t[kRegisters]();
    for (size_t i = 0; i < kRegisters; i++) {
      target.registers[i] = std::max(target.registers[i], source.registers[i]);
    }
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    result.data<int64_t>()[row] = s.registers ? Estimate(s.registers) : 0;
  }
  static void Destroy(State& s) {
    delete[] s.registers;
    s.registers = nullptr;
  }
};

}  // namespace

void AddApproxCountDistinct(AggregateSet& set) {
  set.Add(MakeAggregateWithUpdate<HllOp>("", {TypeId::kInvalid}, TypeId::kBigInt, HllUpdate),
          {"approx_count_distinct", "approx_distinct"});
}

}  // namespace basin::aggregates
