#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "common/exception.h"
#include "formats/parquet/parquet_encoding_internal.h"

namespace basin::parquet {

void AppendUleb(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

namespace {

/// Bit-pack `groups` groups of 8 values, `W` bits each, into `out` (W bytes per group), least significant bit
/// first as Parquet packs them. W is a constant so that the shifts unroll.
template <class T, int W>
void PackGroups(const T* in, size_t groups, char* out) {
  for (size_t g = 0; g < groups; ++g, in += 8, out += W) {
    uint64_t words[4] = {0, 0, 0, 0};
    for (int k = 0; k < 8; ++k) {
      const uint64_t v = in[k];
      const int bit = k * W;
      words[bit / 64] |= v << (bit % 64);
      if (bit % 64 + W > 64) words[bit / 64 + 1] |= (v >> 1) >> (63 - bit % 64);  // two shifts: never by 64
    }
    std::memcpy(out, words, W);  // little-endian words: the bytes in stream order
  }
}

template <class T>
using PackFunction = void (*)(const T*, size_t, char*);

template <class T, size_t... W>
constexpr std::array<PackFunction<T>, sizeof...(W)> PackFunctions(std::index_sequence<W...>) {
  return {&PackGroups<T, static_cast<int>(W)>...};
}

template <class T>
constexpr auto kPackers = PackFunctions<T>(std::make_index_sequence<33>());

template <class T>
class RleHybridEncoder {
 public:
  RleHybridEncoder(int bit_width, std::string& out)
      : width_(bit_width), pack_(kPackers<T>[bit_width]), out_(out) {}

  void Encode(const T* values, size_t count) {
    size_t literals = 0;  // start of the values not yet written
    size_t i = 0;
    // Here i - literals is always a multiple of 8: a repeat run may start only where the pending literals
    // fill whole groups, since padding is allowed at the end of the data only.
    while (i + 8 <= count) {
      const T v = values[i];
      bool repeat = true;
      for (size_t k = 1; k < 8; ++k) repeat &= values[i + k] == v;
      if (!repeat) {
        i += 8;
        continue;
      }
      size_t end = i + 8;
      while (end < count && values[end] == v) ++end;
      Literals(values + literals, (i - literals) / 8);
      Repeat(v, end - i);
      i = literals = end;
    }
    if (literals == count) return;
    // The tail: whole groups, then the last values padded with zeros to a group.
    const size_t whole = (count - literals) / 8;
    T last[8] = {};
    std::copy(values + literals + whole * 8, values + count, last);
    const size_t groups = whole + (literals + whole * 8 < count ? 1 : 0);
    AppendUleb((static_cast<uint64_t>(groups) << 1) | 1, out_);
    const size_t at = out_.size();
    out_.resize(at + groups * static_cast<size_t>(width_));
    pack_(values + literals, whole, out_.data() + at);
    if (groups > whole) pack_(last, 1, out_.data() + at + whole * static_cast<size_t>(width_));
  }

 private:
  void Literals(const T* values, size_t groups) {
    if (groups == 0) return;
    AppendUleb((static_cast<uint64_t>(groups) << 1) | 1, out_);
    const size_t at = out_.size();
    out_.resize(at + groups * static_cast<size_t>(width_));
    pack_(values, groups, out_.data() + at);
  }
  void Repeat(T value, size_t count) {
    AppendUleb(static_cast<uint64_t>(count) << 1, out_);
    for (int b = 0; b < (width_ + 7) / 8; ++b) out_.push_back(static_cast<char>((value >> (8 * b)) & 0xff));
  }

  const int width_;
  const PackFunction<T> pack_;
  std::string& out_;
};

}  // namespace

void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string& out) {
  RleHybridEncoder<uint32_t>(bit_width, out).Encode(values, count);
}

void EncodeRleHybrid(const uint8_t* values, size_t count, int bit_width, std::string& out) {
  RleHybridEncoder<uint8_t>(bit_width, out).Encode(values, count);
}

void ByteReader::Fail(const std::string& what) const {
  throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Parquet page in " + *file_ + ": " + what);
}

const uint8_t* ByteReader::Take(size_t n, const char* what) {
  if (n > size_ - pos_) Fail(std::string("truncated ") + what);
  const uint8_t* p = data_ + pos_;
  pos_ += n;
  return p;
}

uint64_t ByteReader::ReadUleb(const char* what) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = *Take(1, what);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return result;
  }
  Fail(std::string("overlong varint in ") + what);
}

int64_t ByteReader::ReadZigZag(const char* what) {
  const uint64_t v = ReadUleb(what);
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

RleHybridDecoder::RleHybridDecoder(ByteReader reader, int bit_width)
    : reader_(reader), end_(reader.current() + reader.remaining()), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32)
    reader_.Fail("bit width " + std::to_string(bit_width) + " out of range");
}

void RleHybridDecoder::NextRun() {
  const uint64_t header = reader_.ReadUleb("RLE/bit-packed run header");
  if (header & 1) {
    const uint64_t groups = header >> 1;
    // Width 0 (a one-entry dictionary) packs groups into no bytes at all; otherwise the run must fit.
    if (groups == 0 || (bit_width_ > 0 && groups > reader_.remaining() / static_cast<uint64_t>(bit_width_))) {
      reader_.Fail("bit-packed run exceeds the page");
    }
    const uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    packed_ = reader_.Take(bytes, "bit-packed run");
    packed_left_ = groups * 8;
    packed_index_ = 0;
  } else {
    rle_left_ = header >> 1;
    if (rle_left_ == 0) reader_.Fail("empty RLE run");
    uint32_t v = 0;
    const uint8_t* p = reader_.Take((bit_width_ + 7) / 8, "RLE run value");
    for (int b = 0; b < (bit_width_ + 7) / 8; ++b) v |= static_cast<uint32_t>(p[b]) << (8 * b);
    rle_value_ = v;
  }
}

namespace {

/// Unpack `groups` groups of 8 values of W bits, each group stored least significant bit first in W bytes.
/// W is a constant, so every shift and load offset is too, and each value is one 8-byte load. Loads reach up
/// to 8 bytes past a group: with `kInPlace` the caller guarantees those bytes are readable and the loads
/// read the input itself; otherwise each group is first copied into a buffer with that slack (loads from a
/// copy just written wait on store forwarding, so only the last groups of the data go that way).
template <int W, bool kInPlace>
void UnpackGroups(const uint8_t* in, size_t groups, uint32_t* out) {
  for (size_t g = 0; g < groups; ++g, in += W, out += 8) {
    if constexpr (W == 0) {
      std::fill(out, out + 8, 0u);
    } else {
      const uint8_t* bytes = in;
      uint8_t copy[W + 8] = {};
      if constexpr (!kInPlace) {
        std::memcpy(copy, in, W);
        bytes = copy;
      }
      constexpr uint64_t kMask = (uint64_t{1} << W) - 1;
#pragma GCC unroll 8  // -O2 leaves the loop rolled, with shifts by a variable
      for (int k = 0; k < 8; ++k) {
        uint64_t word;
        std::memcpy(&word, bytes + k * W / 8, 8);
        out[k] = static_cast<uint32_t>((word >> (k * W % 8)) & kMask);
      }
    }
  }
}

using UnpackFn = void (*)(const uint8_t*, size_t, uint32_t*);

template <bool kInPlace, size_t... W>
constexpr std::array<UnpackFn, sizeof...(W)> UnpackTable(std::index_sequence<W...>) {
  return {&UnpackGroups<static_cast<int>(W), kInPlace>...};
}

constexpr auto kUnpackInPlace = UnpackTable<true>(std::make_index_sequence<33>());
constexpr auto kUnpackCopied = UnpackTable<false>(std::make_index_sequence<33>());

}  // namespace

bool RleHybridDecoder::StartsWithRun(uint32_t value, size_t count) {
  if (count == 0) return true;
  if (rle_left_ == 0 && packed_left_ == 0) NextRun();
  if (rle_left_ < count || rle_value_ != value) return false;
  rle_left_ -= count;
  return true;
}

void RleHybridDecoder::Decode(uint32_t* out, size_t count) {
  const size_t width = static_cast<size_t>(bit_width_);
  size_t done = 0;
  while (done < count) {
    if (rle_left_ == 0 && packed_left_ == 0) NextRun();
    if (rle_left_) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(rle_left_, count - done));
      std::fill(out + done, out + done + n, rle_value_);
      rle_left_ -= n;
      done += n;
      continue;
    }
    // Runs hold whole groups of 8: unpack them straight into `out`, in place while 8 bytes of the data
    // follow the group, and through `group` at the edges.
    if (packed_index_ % 8 == 0) {
      const size_t groups = static_cast<size_t>(std::min<uint64_t>(packed_left_, count - done)) / 8;
      const uint8_t* in = packed_ + packed_index_ / 8 * width;
      const size_t after = static_cast<size_t>(end_ - in);
      const size_t in_place = width == 0 ? groups : std::min(groups, after < 8 ? 0 : (after - 8) / width);
      kUnpackInPlace[width](in, in_place, out + done);
      kUnpackCopied[width](in + in_place * width, groups - in_place, out + done + in_place * 8);
      packed_index_ += groups * 8;
      packed_left_ -= groups * 8;
      done += groups * 8;
    }
    if (packed_left_ && done < count) {
      uint32_t group[8];
      kUnpackCopied[width](packed_ + packed_index_ / 8 * width, 1, group);
      const size_t at = packed_index_ % 8;
      const size_t n = std::min(8 - at, count - done);
      std::copy(group + at, group + at + n, out + done);
      packed_index_ += n;
      packed_left_ -= n;
      done += n;
    }
  }
}

}  // namespace basin::parquet
