#include "catalog/view_options.h"

#include "catalog/sink_options.h"
#include "common/exception.h"
#include "types/datetime.h"

namespace basin {

std::map<std::string, std::string> ParseViewOptions(
    const std::vector<std::pair<std::string, std::string>>& options, bool stream, bool alert) {
  const char* kWhat = alert ? "alert" : stream ? "stream" : "materialized view";
  std::map<std::string, std::string> out = {
      {kViewCheckpointIntervalMs, "200"}, {kViewStart, "earliest"}, {kViewMaxRecordsPerEpoch, "1000000"},
      {kViewAllowedLatenessMs, "0"},      {kViewEmit, "on_close"},  {kViewIdleTimeoutMs, "0"}};
  for (const auto& [name, value] : options) {
    if (name == "checkpoint_interval") {
      out[kViewCheckpointIntervalMs] =
          std::to_string(ParseIntervalOption(kWhat, name, value, 10, 24LL * 3600 * 1000));
    } else if (name == "start") {
      int64_t micros = 0;
      if (value != "earliest" && value != "latest" && timestamp::TryParse(value, micros) &&
          micros != timestamp::kInfinity && micros != timestamp::kNegativeInfinity) {
        out[kViewStart] = std::to_string(micros >= 0 ? micros / 1000 : (micros - 999) / 1000);
      } else if (value != "earliest" && value != "latest") {
        throw Exception(
            sqlstate::kInvalidParameterValue,
            "materialized view option start is 'earliest', 'latest' or a timestamp, not '" + value + "'");
      } else {
        out[kViewStart] = value;
      }
    } else if (name == kViewBackfill) {
      if (value.empty() || value.front() == '.' || value.back() == '.' ||
          value.find('.') != value.rfind('.')) {
        throw Exception(sqlstate::kInvalidParameterValue,
                        std::string(kWhat) + " option backfill is a table, '[schema.]table', not '" + value + "'");
      }
      out[kViewBackfill] = value;
    } else if (name == kViewMaxRecordsPerEpoch) {
      out[kViewMaxRecordsPerEpoch] = std::to_string(ParseCountOption(kWhat, name, value, 1'000'000'000));
    } else if (name == "allowed_lateness") {
      out[kViewAllowedLatenessMs] =
          std::to_string(ParseIntervalOption(kWhat, name, value, 0, 366LL * 24 * 3600 * 1000));
    } else if (stream && name == kStreamPartitions) {
      out[kStreamPartitions] = std::to_string(ParseCountOption(kWhat, name, value, 1000));
    } else if (alert && name == kAlertNotify) {
      if (value != "topic" && value.substr(0, 8) != "webhook:") {
        throw Exception(
            sqlstate::kInvalidParameterValue,
            "alert option notify is 'webhook:http://host:port/path' or 'topic', not '" + value + "'");
      }
      out[kAlertNotify] = value;
    } else if (stream && name == kStreamKey) {
      out[kStreamKey] = value;
    } else if (name == "idle_timeout") {
      out[kViewIdleTimeoutMs] =
          std::to_string(ParseIntervalOption(kWhat, name, value, 0, 24LL * 3600 * 1000));
    } else if (name == kViewEmit) {
      if (value != "on_close" && value != "on_update") {
        throw Exception(sqlstate::kInvalidParameterValue,
                        "materialized view option emit is 'on_close' or 'on_update', not '" + value + "'");
      }
      out[kViewEmit] = value;
    } else {
      throw Exception(sqlstate::kInvalidParameterValue,
                      std::string("unknown ") + kWhat + " option \"" + name +
                          "\" (checkpoint_interval, start, backfill, max_records_per_epoch, allowed_lateness, emit, "
                          "idle_timeout" +
                          (stream ? ", partitions, key)" : ")"));
    }
  }
  if (out.count(kViewBackfill)) {
    for (const auto& option : options) {
      if (option.first == "start") {
        throw Exception(sqlstate::kInvalidParameterValue,
                        std::string(kWhat) +
                            " options start and backfill exclude each other: a back-fill starts where the "
                            "table's rows end");
      }
    }
  }
  if (stream) out[kViewOutput] = "topic";
  if (alert && !out.count(kAlertNotify)) out[kAlertNotify] = "topic";
  return out;
}

}  // namespace basin
