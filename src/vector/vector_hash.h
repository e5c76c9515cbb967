#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vector/vector.h"

namespace basin {

/// hashes[i] = hash of row i of v (combined into the existing hash when `combine`). NULL hashes to a
/// fixed value, so NULLs group together; equal values hash alike across physical layouts of one type
/// (0.0 and -0.0, every NaN).
void HashVector(const Vector& v, size_t count, uint64_t* hashes, bool combine);

/// A HyperLogLog sketch (4096 registers, about 1.6% error) of the distinct values seen in a column.
class DistinctSketch {
 public:
  DistinctSketch();
  void Add(const uint64_t* hashes, size_t count);
  void Merge(const DistinctSketch& other);
  double Estimate() const;
  /// The registers as bytes, to keep a sketch in a file; Deserialize fails on bytes of another size.
  std::string Serialize() const;
  [[nodiscard]] bool Deserialize(std::string_view bytes);

 private:
  static constexpr int kBits = 12;
  uint8_t registers_[1 << kBits];
};

}  // namespace basin
