#pragma once

// Encoders and decoders of Parquet's value and level encodings, shared by the reader and writer. Decoders
// work on untrusted bytes: every read is bounds-checked and failures throw DataError through `Fail`.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace basin::parquet {

/// Parquet: the RLE/bit-packed hybrid (levels, dictionary indices, booleans) appended to `out`, without a
/// length prefix. Runs of 8 or more equal values that start a group of 8 are RLE runs, the rest is
/// bit-packed. Every value must fit in `bit_width` bits (0 to 32).
void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string& out);
void EncodeRleHybrid(const uint8_t* values, size_t count, int bit_width, std::string& out);
/// Smallest bit width that holds `max_value`.
int BitWidth(uint64_t max_value);

/// Unsigned LEB128 varint appended to `out`.
void AppendUleb(uint64_t v, std::string& out);

template <class T>
void AppendLittleEndian(T v, std::string& out) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

/// A bounds-checked cursor over a page's bytes; errors name the file.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size, const std::string* file)
      : data_(data), size_(size), file_(file) {}

  size_t remaining() const { return size_ - pos_; }
  const uint8_t* current() const { return data_ + pos_; }
  /// Return `n` bytes and move past them.
  const uint8_t* Take(size_t n, const char* what);
  template <class T>
  T ReadLittleEndian(const char* what) {
    T v;
    std::memcpy(&v, Take(sizeof(T), what), sizeof(T));
    return v;
  }
  uint64_t ReadUleb(const char* what);
  int64_t ReadZigZag(const char* what);
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const std::string* file_;
};

/// Decodes the RLE/bit-packed hybrid.
class RleHybridDecoder {
 public:
  RleHybridDecoder(ByteReader reader, int bit_width);
  /// Decode the next `count` values into `out`; throws when the data ends first.
  void Decode(uint32_t* out, size_t count);
  /// Whether the next `count` values are all `value`, in one RLE run (then they are consumed); reads
  /// nothing more than the next run's header otherwise.
  bool StartsWithRun(uint32_t value, size_t count);

 private:
  void NextRun();

  ByteReader reader_;
  const uint8_t* end_;  // of the reader's bytes: unpacking may read up to here
  int bit_width_;
  uint32_t rle_value_ = 0;
  uint64_t rle_left_ = 0;
  const uint8_t* packed_ = nullptr;
  uint64_t packed_left_ = 0;   // values left in the bit-packed run
  uint64_t packed_index_ = 0;  // next value's index in the run
};

}  // namespace basin::parquet
