#include "catalog/sink_options.h"

#include <cctype>

#include "common/exception.h"
#include "types/datetime.h"

namespace basin {

namespace {

[[noreturn]] void BadOption(const std::string& what, const std::string& name, const std::string& value,
                            const std::string& why) {
  throw Exception(sqlstate::kInvalidParameterValue,
                  "invalid value '" + value + "' for " + what + " option " + name + ": " + why);
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

int64_t ParseIntervalOption(const std::string& what, const std::string& name, const std::string& value,
                            int64_t min_ms, int64_t max_ms) {
  int64_t ms = 0;
  interval_t iv;
  if (AllDigits(value)) {
    ms = std::stoll(value);
  } else if (interval::TryParse(value, iv)) {
    ms = static_cast<int64_t>(iv.Normalized() / 1000);
  } else {
    BadOption(what, name, value, "expected an interval such as '5 seconds', or milliseconds");
  }
  if (ms < min_ms || ms > max_ms) {
    BadOption(what, name, value, "expected between " + std::to_string(min_ms) + " ms and " +
                                     (max_ms == 24LL * 3600 * 1000 ? "1 day" : std::to_string(max_ms) + " ms"));
  }
  return ms;
}

int64_t ParseCountOption(const std::string& what, const std::string& name, const std::string& value, int64_t max) {
  if (!AllDigits(value) || std::stoll(value) < 1 || std::stoll(value) > max) {
    BadOption(what, name, value, "expected a whole number from 1 to " + std::to_string(max));
  }
  return std::stoll(value);
}

std::string ParseStartOption(const std::string& what, const std::string& name, const std::string& value) {
  if (value != "earliest" && value != "latest") BadOption(what, name, value, "expected 'earliest' or 'latest'");
  return value;
}

std::map<std::string, std::string> ParseSinkOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  std::map<std::string, std::string> out = {{kSinkCommitIntervalMs, "5000"}, {kSinkStart, "earliest"}};
  for (const auto& [name, value] : options) {
    if (name == "commit_interval") {
      out[kSinkCommitIntervalMs] = std::to_string(ParseIntervalOption("sink", name, value, 10, 24LL * 3600 * 1000));
    } else if (name == "start") {
      out[kSinkStart] = ParseStartOption("sink", name, value);
    } else {
      throw Exception(sqlstate::kInvalidParameterValue,
                      "unknown sink option \"" + name + "\" (commit_interval, start)");
    }
  }
  return out;
}

}  // namespace basin
