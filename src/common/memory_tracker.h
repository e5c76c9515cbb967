#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace basin {

/// Counts the bytes a query holds in its large structures (hash tables, sort buffers, materialised
/// results) and fails the query cleanly when a reservation would pass its limit.
class MemoryTracker {
 public:
  explicit MemoryTracker(int64_t limit) : limit_(limit) {}

  /// Account `bytes` more; throws OutOfMemoryError when the limit would be exceeded.
  void Reserve(int64_t bytes);
  void Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t limit() const { return limit_; }

 private:
  int64_t limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
};

/// Human-readable byte count ("1.5 GiB"); parse the same forms ("512MB", "2GB", "1.5GiB", "1000").
std::string FormatBytes(int64_t bytes);
bool ParseBytes(const std::string& text, int64_t& bytes);

}  // namespace basin
