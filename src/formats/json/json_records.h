#pragma once

// Splitting JSON input into records without parsing them: read_json (json_reader.cc) and COPY into a topic.

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/json/json_reader.h"

namespace basin::json {

/// One record's text (a line of NDJSON or an element of the array) and the line where it starts.
struct JsonRecord {
  std::string_view text;
  int64_t line = 0;
};

/// 'auto' resolved: an input whose first non-blank byte is '[' is an array, anything else NDJSON.
JsonFormat DetectFormat(std::string_view data);

/// Walks the input record by record without parsing values: NDJSON is split at newlines (blank lines
/// skipped), an array at its top-level commas (strings and nesting tracked), so each record can be parsed,
/// and rejected, on its own. Does not own the input.
class RecordCursor {
 public:
  RecordCursor(std::string_view data, JsonFormat format, const std::string& name);
  /// Move to the next record; false at the end. Throws 22P04 when the array itself is malformed (a bad
  /// element is left to the parser).
  [[nodiscard]] bool Next(JsonRecord& out);

 private:
  bool NextLine(JsonRecord& out);
  bool NextElement(JsonRecord& out);
  void SkipSpace();
  void Finish();
  [[noreturn]] void Fail(const std::string& message, int64_t line) const;

  std::string_view data_;
  JsonFormat format_;
  const std::string& name_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace basin::json
