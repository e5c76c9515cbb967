#pragma once

// Process-wide log lines for events an operator should see (recovery, truncation, background failures), not
// for per-request tracing. Lines go to stderr unless a sink is installed (tests capture them that way).

#include <functional>
#include <string_view>

namespace basin {

enum class LogLevel { kInfo, kWarning, kError };

/// Write one log line at `level`.
void LogLine(LogLevel level, std::string_view message);

/// Send every later line to `sink` instead of stderr (an empty function restores stderr); returns the sink
/// that was installed before. Thread-safe.
std::function<void(LogLevel, std::string_view)> SetLogSink(std::function<void(LogLevel, std::string_view)> sink);

}  // namespace basin
