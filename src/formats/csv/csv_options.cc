#include "formats/csv/csv_options.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "common/exception.h"

namespace basin::csv {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

[[noreturn]] void Fail(const char* state, const std::string& message) {
  throw Exception(state, message);
}

/// PostgreSQL's defGetBoolean, plus HEADER's extra "match" when `allow_match`.
bool ParseBoolean(const std::string& name, const std::string& value, bool allow_match, bool* match) {
  std::string v = Lower(value);
  if (v.empty() || v == "true" || v == "on" || v == "1") return true;
  if (v == "false" || v == "off" || v == "0") return false;
  if (allow_match && v == "match") {
    *match = true;
    return true;
  }
  Fail(sqlstate::kSyntaxError,
       name + (allow_match ? " requires a Boolean value or \"match\"" : " requires a Boolean value"));
}

/// A one-byte option value; PostgreSQL reports longer ones as unsupported rather than invalid.
char SingleByte(const std::string& value, const char* what) {
  if (value.size() != 1) {
    Fail(sqlstate::kFeatureNotSupported,
         std::string("COPY ") + what + " must be a single one-byte character");
  }
  return value[0];
}

bool IsUtf8Name(std::string name) {
  name = Lower(name);
  name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == '-' || c == '_'; }),
             name.end());
  return name == "utf8" || name == "unicode" || name == "sqlascii";
}

}  // namespace

CsvOptions ParseCopyOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  std::set<std::string> seen;
  std::optional<std::string> format, delimiter, null_string, quote, escape;
  bool header = false, header_match = false;
  for (const auto& [raw_name, value] : options) {
    std::string name = Lower(raw_name);
    if (!seen.insert(name).second) Fail(sqlstate::kSyntaxError, "conflicting or redundant options");
    if (name == "format") {
      format = Lower(value);
    } else if (name == "delimiter") {
      delimiter = value;
    } else if (name == "null") {
      null_string = value;
    } else if (name == "quote") {
      quote = value;
    } else if (name == "escape") {
      escape = value;
    } else if (name == "header") {
      header = ParseBoolean(name, value, /*allow_match=*/true, &header_match);
    } else if (name == "freeze") {
      ParseBoolean(name, value, false, nullptr);  // a storage hint with no meaning for Basin's tables
    } else if (name == "encoding") {
      if (!IsUtf8Name(value)) {
        Fail(sqlstate::kFeatureNotSupported, "COPY encoding \"" + value + "\" is not supported (only UTF8)");
      }
    } else if (name == "force_quote" || name == "force_not_null" || name == "force_null" ||
               name == "default" || name == "on_error" || name == "reject_limit" || name == "log_verbosity") {
      Fail(sqlstate::kFeatureNotSupported, "COPY option \"" + name + "\" is not supported");
    } else {
      Fail(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized");
    }
  }

  CsvOptions out;
  if (!format || *format == "text") {
    out = CsvOptions::TextDefaults();
  } else if (*format == "binary") {
    Fail(sqlstate::kFeatureNotSupported, "COPY format \"binary\" is not supported");
  } else if (*format != "csv") {
    Fail(sqlstate::kInvalidParameterValue, "COPY format \"" + *format + "\" not recognized");
  }
  const bool csv = out.format == CopyFormat::kCsv;
  out.header = header;
  out.header_match = header_match;
  if (null_string) out.null_string = *null_string;
  if (delimiter) out.delimiter = SingleByte(*delimiter, "delimiter");
  if (out.delimiter == '\n' || out.delimiter == '\r') {
    Fail(sqlstate::kInvalidParameterValue, "COPY delimiter cannot be newline or carriage return");
  }
  if (out.null_string.find_first_of("\r\n") != std::string::npos) {
    Fail(sqlstate::kInvalidParameterValue, "COPY null representation cannot use newline or carriage return");
  }
  // In text mode these would be read as (part of) a backslash escape or the end-of-data marker.
  if (!csv && std::string_view("\\.abcdefghijklmnopqrstuvwxyz0123456789").find(out.delimiter) !=
                  std::string_view::npos) {
    Fail(sqlstate::kInvalidParameterValue, std::string("COPY delimiter cannot be \"") + out.delimiter + "\"");
  }
  if (quote && !csv) Fail(sqlstate::kFeatureNotSupported, "COPY quote available only in CSV mode");
  if (escape && !csv) Fail(sqlstate::kFeatureNotSupported, "COPY escape available only in CSV mode");
  if (csv) {
    if (quote) out.quote = SingleByte(*quote, "quote");
    out.escape = escape ? SingleByte(*escape, "escape") : out.quote;
    if (out.delimiter == out.quote) {
      Fail(sqlstate::kInvalidParameterValue, "COPY delimiter and quote must be different");
    }
    if (out.quote == '\n' || out.quote == '\r' || out.escape == '\n' || out.escape == '\r') {
      Fail(sqlstate::kInvalidParameterValue, "COPY quote and escape cannot be newline or carriage return");
    }
    if (out.null_string.find(out.quote) != std::string::npos) {
      Fail(sqlstate::kInvalidParameterValue, "CSV quote character must not appear in the NULL specification");
    }
  }
  if (out.null_string.find(out.delimiter) != std::string::npos) {
    Fail(sqlstate::kInvalidParameterValue,
         "COPY delimiter character must not appear in the NULL specification");
  }
  return out;
}

}  // namespace basin::csv
