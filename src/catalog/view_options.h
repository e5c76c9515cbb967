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
/// Where a new view starts: "earliest" (default: every retained record), "latest", or a timestamp (each
/// partition's first record whose _timestamp is at or after it), stored as its milliseconds since the epoch.
inline constexpr const char* kViewStart = "start";
/// Where a new view takes its topic's history from instead: '[schema.]table', the lake table a sink lands the
/// topic in (stream/backfill.h). Its first epoch reads the table's rows, then the topic from the offsets the
/// sink committed with them. Not with `start`.
inline constexpr const char* kViewBackfill = "backfill";
/// Records one epoch reads at most (a backlog is read epoch after epoch). Default 1,000,000.
inline constexpr const char* kViewMaxRecordsPerEpoch = "max_records_per_epoch";

/// How long after its end a window still takes late events (milliseconds): `allowed_lateness = '10
/// seconds'`. Its row in the view is replaced when one comes; events later than that go to <view>_late.
/// Default 0.
inline constexpr const char* kViewAllowedLatenessMs = "allowed_lateness_ms";
/// When a windowed view writes a window's row: "on_close" (default: once the watermark passes its end, and
/// again for each late event within the allowed lateness) or "on_update" (every epoch that changes it, as a
/// changelog: the window's previous row is replaced).
inline constexpr const char* kViewEmit = "emit";

/// After how long without records a partition stops holding the view's watermark back (milliseconds):
/// `idle_timeout = '30 seconds'`. Default 0: never (a partition that stops receiving records holds it).
inline constexpr const char* kViewIdleTimeoutMs = "idle_timeout_ms";

/// CREATE STREAM: the job writes to a topic of its name ("topic"), not a table. Set by CREATE STREAM only.
inline constexpr const char* kViewOutput = "output";
/// CREATE STREAM: its topic's partitions (default 1) and key column (default none).
inline constexpr const char* kStreamPartitions = "partitions";
inline constexpr const char* kStreamKey = "key";

/// CREATE ALERT: how each row is notified: 'webhook:http://host:port/path' (POSTed, at least once) or
/// 'topic' (only written to the alert's topic).
inline constexpr const char* kAlertNotify = "notify";

/// Not an option: set by CREATE MATERIALIZED VIEW for a join of two topics, the right topic (the view's
/// `topic` is the left one), so that neither can be dropped under the view.
inline constexpr const char* kViewJoinTopic = "join_topic";
/// Not an option either: a view over a lake table (no topic), the table's qualified name, for SHOW.
inline constexpr const char* kViewSourceTable = "source_table";

/// Every option with its value, defaults filled in. Throws Exception (22023) naming an unknown option or a
/// bad value.
std::map<std::string, std::string> ParseViewOptions(
    const std::vector<std::pair<std::string, std::string>>& options, bool stream = false, bool alert = false);

}  // namespace basin
