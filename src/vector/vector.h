#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "types/datetime.h"
#include "types/logical_type.h"
#include "types/string_type.h"
#include "types/value.h"

namespace basin {

/// Values per vector: small enough to stay in L1/L2 across an expression, large enough to amortise
/// interpretation overhead.
inline constexpr size_t kVectorSize = 2048;

using sel_t = uint32_t;

/// A LIST value inside a vector: a range of the child vector.
struct list_entry_t {
  uint64_t offset;
  uint64_t length;
};

/// Arena that owns the bytes of strings longer than string_t's inline size.
class StringHeap {
 public:
  /// Copy `s` into the heap and return a string_t that points at the copy (or inlines it).
  string_t Add(std::string_view s);
  /// Reserve `size` bytes for a string about to be written in place.
  char* Allocate(size_t size);
  size_t SizeInBytes() const { return total_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;
  size_t block_capacity_ = 0;
  size_t total_ = 0;
};

/// Which rows of a vector are valid (not NULL), one bit per row. No bit array means all rows are valid, so
/// the common NULL-free case costs nothing.
class ValidityMask {
 public:
  bool AllValid() const { return bits_.empty(); }
  bool RowIsValid(size_t row) const {
    return bits_.empty() || (row >> 6) >= bits_.size() || ((bits_[row >> 6] >> (row & 63)) & 1);
  }
  void SetInvalid(size_t row) {
    // Grow to cover the row: vectors used as collections hold more than kVectorSize rows.
    if ((row >> 6) >= bits_.size())
      bits_.resize(std::max((row >> 6) + 1, (kVectorSize + 63) / 64), ~uint64_t{0});
    bits_[row >> 6] &= ~(uint64_t{1} << (row & 63));
  }
  void SetValid(size_t row) {
    if ((row >> 6) < bits_.size()) bits_[row >> 6] |= uint64_t{1} << (row & 63);
  }
  void Set(size_t row, bool valid) { valid ? SetValid(row) : SetInvalid(row); }
  /// Make rows [offset, offset + count) as rows [0, count) of `source` are: whole words when `offset` is a
  /// multiple of 64 (appending to an empty or full-word vector), row by row otherwise.
  void Copy(const ValidityMask& source, size_t count, size_t offset) {
    if (offset % 64 != 0) {
      for (size_t i = 0; i < count; i++) Set(offset + i, source.RowIsValid(i));
      return;
    }
    const size_t words = (count + 63) / 64;
    if (offset / 64 + words > bits_.size()) bits_.resize(offset / 64 + words, ~uint64_t{0});
    for (size_t w = 0; w < words; w++) {
      const uint64_t bits = w < source.bits_.size() ? source.bits_[w] : ~uint64_t{0};
      // The last word keeps its rows past offset + count.
      const uint64_t mask = w + 1 == words && count % 64 ? (uint64_t{1} << (count % 64)) - 1 : ~uint64_t{0};
      uint64_t& word = bits_[offset / 64 + w];
      word = (word & ~mask) | (bits & mask);
    }
  }
  void SetAllValid() { bits_.clear(); }
  /// Make sure the bit array exists (all valid), e.g. before writing bits in a loop.
  void Initialize(size_t capacity = kVectorSize) { bits_.assign((capacity + 63) / 64, ~uint64_t{0}); }
  void Resize(size_t capacity) {
    if (!bits_.empty()) bits_.resize((capacity + 63) / 64, ~uint64_t{0});
  }
  uint64_t* data() { return bits_.empty() ? nullptr : bits_.data(); }
  const uint64_t* data() const { return bits_.empty() ? nullptr : bits_.data(); }

 private:
  std::vector<uint64_t> bits_;
};

class Vector;

/// Row i of a flat vector read from dictionary-encoded data holds entry codes[i] of `values` (Parquet
/// dictionary pages). The vector keeps its values materialised too, so every consumer works unchanged;
/// those that can work per distinct value (a filter over one column) evaluate the entries once instead of
/// every row. Any change to the vector's rows drops the codes.
struct DictionaryCodes {
  std::shared_ptr<const Vector> values;     // the entries, none NULL
  size_t size = 0;                          // entries in `values`
  std::shared_ptr<const uint32_t[]> codes;  // one per row of the vector
};

/// A column of up to `capacity` values of one type, flat or constant (one value standing for every row).
/// Data and strings are held by shared buffers, so Reference() shares instead of copying.
class Vector {
 public:
  explicit Vector(LogicalType type, size_t capacity = kVectorSize);
  /// A constant vector holding `value` for every row.
  explicit Vector(const Value& value);
  Vector(Vector&&) = default;
  Vector& operator=(Vector&&) = default;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;

  const LogicalType& type() const { return type_; }
  size_t capacity() const { return capacity_; }
  bool IsConstant() const { return constant_; }
  void SetConstant(bool constant) {
    constant_ = constant;
    dictionary_.reset();
  }
  /// The dictionary codes of a flat vector read from dictionary-encoded data, or null.
  const DictionaryCodes* dictionary() const { return dictionary_.get(); }
  void SetDictionary(std::shared_ptr<const DictionaryCodes> dictionary) { dictionary_ = std::move(dictionary); }

  template <class T>
  T* data() {
    return reinterpret_cast<T*>(data_);
  }
  template <class T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_);
  }
  uint8_t* raw_data() { return data_; }
  ValidityMask& validity() { return validity_; }
  const ValidityMask& validity() const { return validity_; }
  bool IsNull(size_t row) const { return !validity_.RowIsValid(constant_ ? 0 : row); }
  void SetNull(size_t row, bool is_null = true) { validity_.Set(row, !is_null); }

  /// The heap that owns long strings written into this vector (created on first use).
  StringHeap& heap();
  /// Keep another vector's string heap alive as long as this one (after copying string_t's from it).
  void AddHeapReference(const Vector& other);
  /// Keep `owner` alive as long as this vector: strings written here point into memory it owns.
  void KeepAlive(std::shared_ptr<const void> owner);
  /// Copy `s` into this vector's heap and return the string_t to store.
  string_t AddString(std::string_view s) { return heap().Add(s); }

  /// LIST: the element vector.
  Vector& child();
  const Vector& child() const { return *child_; }
  /// LIST: number of elements written to the child so far.
  size_t child_size() const { return child_size_; }
  void set_child_size(size_t n) { child_size_ = n; }
  /// LIST: make room for `n` more elements in the child vector.
  void ReserveChild(size_t n);

  Value GetValue(size_t row) const;
  void SetValue(size_t row, const Value& value);

  /// Share `other`'s buffers (no copy).
  void Reference(const Vector& other);
  /// Turn a constant vector into a flat one of `count` rows.
  void Flatten(size_t count);
  /// Make this a flat vector holding rows `sel[0..count)` of `source` (rows of a constant source repeat).
  void Slice(const Vector& source, const sel_t* sel, size_t count);
  /// Copy rows [0, count) of `source` to rows [offset, offset+count) of this vector; grows as needed.
  void Append(const Vector& source, size_t count, size_t offset);
  /// Grow the capacity (keeping contents), e.g. for collections larger than one vector.
  void Resize(size_t capacity);

  /// Drop contents so the vector can be written again with a fresh buffer of the same type.
  void Reset();

  size_t SizeInBytes(size_t count) const;

 private:
  void Allocate(size_t capacity);
  /// LIST: make rows [offset, offset + count) the lists of rows `sel[0..count)` of `source` (rows 0.. when
  /// `sel` is null; row 0 of a constant source), their elements appended to the child.
  void CopyLists(const Vector& source, const sel_t* sel, size_t count, size_t offset);

  LogicalType type_;
  size_t capacity_ = 0;
  bool constant_ = false;
  uint8_t* data_ = nullptr;
  std::shared_ptr<uint8_t[]> buffer_;
  ValidityMask validity_;
  std::shared_ptr<StringHeap> heap_;
  /// Keeps alive the heaps of vectors whose strings this one points into: their heaps and, nested, their
  /// own keep-alive lists. Nesting makes referencing a large collection O(1) instead of copying its list.
  using KeepAliveList = std::vector<std::shared_ptr<const void>>;
  std::shared_ptr<KeepAliveList> keep_alive_;
  std::shared_ptr<const DictionaryCodes> dictionary_;
  std::unique_ptr<Vector> child_;
  size_t child_size_ = 0;
};

/// A set of equally long vectors: the unit operators pass to each other.
class DataChunk {
 public:
  DataChunk() = default;
  explicit DataChunk(const std::vector<LogicalType>& types, size_t capacity = kVectorSize) {
    Initialize(types, capacity);
  }
  void Initialize(const std::vector<LogicalType>& types, size_t capacity = kVectorSize);

  size_t size() const { return count_; }
  void SetCardinality(size_t count) { count_ = count; }
  size_t ColumnCount() const { return columns_.size(); }
  Vector& column(size_t i) { return columns_[i]; }
  const Vector& column(size_t i) const { return columns_[i]; }
  std::vector<LogicalType> Types() const;
  size_t capacity() const { return capacity_; }

  /// Empty the chunk for reuse, with fresh buffers (previous buffers stay alive where referenced).
  void Reset();
  /// Make this chunk reference all columns of `other`.
  void Reference(const DataChunk& other);
  /// Keep only rows `sel[0..count)`.
  void Slice(const DataChunk& source, const sel_t* sel, size_t count);
  /// Append all rows of `other` (same types), growing capacity as needed.
  void Append(const DataChunk& other);
  /// Flatten constant vectors.
  void Flatten();

  Value GetValue(size_t column, size_t row) const { return columns_[column].GetValue(row); }
  void SetValue(size_t column, size_t row, const Value& v) { columns_[column].SetValue(row, v); }
  size_t SizeInBytes() const;

  std::vector<Vector>& columns() { return columns_; }

 private:
  std::vector<Vector> columns_;
  size_t count_ = 0;
  size_t capacity_ = 0;
};

}  // namespace basin
