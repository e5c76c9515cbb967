#pragma once

// The WITH (...) options of CREATE SINK, checked and normalised once so that the catalog stores them in one
// form and the sink runner reads them without parsing SQL text again.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace basin {

/// How often the sink commits what it read (milliseconds): `commit_interval = '5 seconds'` or a number
/// of milliseconds. Default 5000.
inline constexpr const char* kSinkCommitIntervalMs = "commit_interval_ms";
/// Where a new sink starts: "earliest" (default: every retained record) or "latest" (records produced
/// after CREATE SINK).
inline constexpr const char* kSinkStart = "start";

/// An interval option in milliseconds, written as an interval ('5 seconds') or a number of milliseconds,
/// between `min_ms` and `max_ms`. Throws Exception (22023) naming the option of `what` ("sink").
int64_t ParseIntervalOption(const std::string& what, const std::string& name, const std::string& value,
                            int64_t min_ms, int64_t max_ms);
/// A count option: a positive integer up to `max`. Throws Exception (22023).
int64_t ParseCountOption(const std::string& what, const std::string& name, const std::string& value, int64_t max);
/// "earliest" or "latest". Throws Exception (22023).
std::string ParseStartOption(const std::string& what, const std::string& name, const std::string& value);

/// Every option with its value, defaults filled in. Throws Exception (22023) naming an unknown option or a
/// bad value.
std::map<std::string, std::string> ParseSinkOptions(const std::vector<std::pair<std::string, std::string>>& options);

}  // namespace basin
