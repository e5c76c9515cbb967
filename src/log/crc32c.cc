#include "log/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace basin::log {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // CRC-32C, reflected

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint32_t Crc32cTable(uint32_t crc, const uint8_t* p, size_t size) {
  crc = ~crc;
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian hosts only, as everywhere in Basin
    word ^= crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^ kTables[5][(word >> 16) & 0xff] ^
          kTables[4][(word >> 24) & 0xff] ^ kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
          kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
    p += 8;
    size -= 8;
  }
  while (size--) crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  return ~crc;
}

#if defined(__x86_64__)
// The crc32 instruction has a latency of three cycles and a throughput of one per cycle: one dependent chain
// uses a third of it. Three streams over adjacent blocks run in parallel and are joined by shifting a
// block's CRC over the length of the next block (the effect of appending that many zero bytes, a linear map
// applied by four table lookups), then XOR-ing the next block's CRC, computed from zero (Mark Adler's
// method, as in crc32c.c of his "crc32c" answer on Stack Overflow).

/// A linear map on 32-bit CRCs, as the images of the 32 unit vectors.
using Gf2Matrix = std::array<uint32_t, 32>;

uint32_t Times(const Gf2Matrix& m, uint32_t v) {
  uint32_t sum = 0;
  for (int i = 0; v != 0; ++i, v >>= 1) {
    if (v & 1) sum ^= m[i];
  }
  return sum;
}

Gf2Matrix Square(const Gf2Matrix& m) {
  Gf2Matrix out{};
  for (int i = 0; i < 32; ++i) out[i] = Times(m, m[i]);
  return out;
}

/// The tables that shift a CRC over `bytes` zero bytes (a power of two), one per byte of the CRC.
std::array<std::array<uint32_t, 256>, 4> ShiftTables(size_t bytes) {
  Gf2Matrix op{};  // one zero bit
  op[0] = kPolynomial;
  for (int i = 1; i < 32; ++i) op[i] = uint32_t{1} << (i - 1);
  for (size_t bits = 1; bits < bytes * 8; bits *= 2) op = Square(op);
  std::array<std::array<uint32_t, 256>, 4> tables{};
  for (uint32_t n = 0; n < 256; ++n) {
    for (int b = 0; b < 4; ++b) tables[b][n] = Times(op, n << (8 * b));
  }
  return tables;
}

constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

uint32_t Shift(const std::array<std::array<uint32_t, 256>, 4>& t, uint32_t crc) {
  return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
}

/// Three streams of `block` bytes each, while 3 * block bytes are left.
__attribute__((target("sse4.2"))) void ThreeStreams(uint64_t& crc, const uint8_t*& p, size_t& size, size_t block,
                                                   const std::array<std::array<uint32_t, 256>, 4>& shift) {
  while (size >= 3 * block) {
    uint64_t c0 = crc, c1 = 0, c2 = 0;
    for (const uint8_t* end = p + block; p < end; p += 8) {
      uint64_t w0, w1, w2;
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + block, 8);
      std::memcpy(&w2, p + 2 * block, 8);
      c0 = _mm_crc32_u64(c0, w0);
      c1 = _mm_crc32_u64(c1, w1);
      c2 = _mm_crc32_u64(c2, w2);
    }
    crc = Shift(shift, static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
    crc = Shift(shift, static_cast<uint32_t>(crc)) ^ static_cast<uint32_t>(c2);
    p += 2 * block;
    size -= 3 * block;
  }
}

__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t crc, const uint8_t* p, size_t size) {
  static const auto kLongShift = ShiftTables(kLongBlock);
  static const auto kShortShift = ShiftTables(kShortBlock);
  uint64_t c = ~crc;
  ThreeStreams(c, p, size, kLongBlock, kLongShift);
  ThreeStreams(c, p, size, kShortBlock, kShortShift);
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = _mm_crc32_u64(c, word);
    p += 8;
    size -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (size--) c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t Crc32c(uint32_t crc, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
  if (HasSse42()) return Crc32cSse42(crc, p, size);
#endif
  return Crc32cTable(crc, p, size);
}

// The table path, for the test that checks both paths agree.
uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t size) {
  return Crc32cTable(crc, static_cast<const uint8_t*>(data), size);
}

}  // namespace basin::log
