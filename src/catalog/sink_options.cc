#include "catalog/sink_options.h"

#include <cctype>

#include "common/exception.h"
#include "types/datetime.h"

namespace basin {

namespace {

[[noreturn]] void BadOption(const std::string& name, const std::string& value, const std::string& why) {
  throw Exception(sqlstate::kInvalidParameterValue, "invalid value '" + value + "' for sink option " + name + ": " + why);
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::map<std::string, std::string> ParseSinkOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  std::map<std::string, std::string> out = {{kSinkCommitIntervalMs, "5000"}, {kSinkStart, "earliest"}};
  for (const auto& [name, value] : options) {
    if (name == "commit_interval") {
      int64_t ms = 0;
      interval_t iv;
      if (AllDigits(value)) {
        ms = std::stoll(value);
      } else if (interval::TryParse(value, iv)) {
        ms = static_cast<int64_t>(iv.Normalized() / 1000);
      } else {
        BadOption(name, value, "expected an interval such as '5 seconds', or milliseconds");
      }
      if (ms < 10 || ms > 24LL * 3600 * 1000) BadOption(name, value, "expected between 10 ms and 1 day");
      out[kSinkCommitIntervalMs] = std::to_string(ms);
    } else if (name == "start") {
      if (value != "earliest" && value != "latest") BadOption(name, value, "expected 'earliest' or 'latest'");
      out[kSinkStart] = value;
    } else {
      throw Exception(sqlstate::kInvalidParameterValue,
                      "unknown sink option \"" + name + "\" (commit_interval, start)");
    }
  }
  return out;
}

}  // namespace basin
