#include "common/memory_tracker.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "common/exception.h"

namespace basin {

void MemoryTracker::Reserve(int64_t bytes) {
  int64_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (limit_ > 0 && now > limit_) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    throw OutOfMemoryError("query needs more than its memory limit of " + FormatBytes(limit_) +
                           " (SET memory_limit to raise it)");
  }
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

std::string FormatBytes(int64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    u++;
  }
  char buf[64];
  if (u == 0) {
    std::snprintf(buf, sizeof(buf), "%lld bytes", static_cast<long long>(bytes));
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, units[u]);
  }
  return buf;
}

bool ParseBytes(const std::string& text, int64_t& bytes) {
  const char* s = text.c_str();
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s || v < 0) return false;
  std::string unit;
  for (const char* p = end; *p; p++) {
    if (!std::isspace(static_cast<unsigned char>(*p))) unit += static_cast<char>(std::tolower(*p));
  }
  double mult = 1;
  if (unit.empty() || unit == "b" || unit == "bytes")
    mult = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k")
    mult = 1024.0;
  else if (unit == "mb" || unit == "mib" || unit == "m")
    mult = 1024.0 * 1024;
  else if (unit == "gb" || unit == "gib" || unit == "g")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "tb" || unit == "tib" || unit == "t")
    mult = 1024.0 * 1024 * 1024 * 1024;
  else
    return false;
  bytes = static_cast<int64_t>(v * mult);
  return true;
}

}  // namespace basin
