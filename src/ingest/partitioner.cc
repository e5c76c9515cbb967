#include "ingest/partitioner.h"

namespace basin::ingest {

int32_t Murmur2(std::string_view data) {
  // Unsigned arithmetic gives Java's wrapping int multiplication; >> on uint32_t is Java's >>>.
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const size_t length = data.size();
  uint32_t h = kSeed ^ static_cast<uint32_t>(length);
  const size_t whole = length / 4 * 4;
  for (size_t i = 0; i < whole; i += 4) {
    uint32_t k = uint32_t{bytes[i]} | (uint32_t{bytes[i + 1]} << 8) | (uint32_t{bytes[i + 2]} << 16) |
                 (uint32_t{bytes[i + 3]} << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  switch (length % 4) {
    case 3:
      h ^= uint32_t{bytes[whole + 2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t{bytes[whole + 1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t{bytes[whole]};
      h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t PartitionForKey(std::string_view key, int32_t partitions) {
  const int32_t positive = Murmur2(key) & 0x7fffffff;
  return partitions > 0 ? positive % partitions : 0;
}

}  // namespace basin::ingest
