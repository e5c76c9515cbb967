#pragma once

// The WITH (...) options of CREATE MATERIALIZED VIEW, checked and normalised once so that the catalog stores
// them in one form and the stream processor reads them without parsing SQL text again.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace basin {

/// How often the view runs an epoch, when its topic has new records (milliseconds):
/// `checkpoint_interval = '200 ms'`. Default 200.
inline constexpr const char* kViewCheckpointIntervalMs = "checkpoint_interval_ms";
/// Where a new view starts: "earliest" (default: every retained record) or "latest".
inline constexpr const char* kViewStart = "start";
/// Records one epoch reads at most (a backlog is read epoch after epoch). Default 1,000,000.
inline constexpr const char* kViewMaxRecordsPerEpoch = "max_records_per_epoch";

/// Not an option: set by CREATE MATERIALIZED VIEW for a join of two topics, the right topic (the view's
/// `topic` is the left one), so that neither can be dropped under the view.
inline constexpr const char* kViewJoinTopic = "join_topic";

/// Every option with its value, defaults filled in. Throws Exception (22023) naming an unknown option or a
/// bad value.
std::map<std::string, std::string> ParseViewOptions(
    const std::vector<std::pair<std::string, std::string>>& options);

}  // namespace basin
