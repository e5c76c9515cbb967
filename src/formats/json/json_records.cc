// RecordCursor: JSON input split into records.

#include <cstring>

#include "common/exception.h"
#include "formats/json/json_records.h"

namespace basin::json {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

JsonFormat DetectFormat(std::string_view data) {
  for (char c : data) {
    if (!IsSpace(c)) return c == '[' ? JsonFormat::kArray : JsonFormat::kNewlineDelimited;
  }
  return JsonFormat::kNewlineDelimited;
}

RecordCursor::RecordCursor(std::string_view data, JsonFormat format, const std::string& name)
    : data_(data), format_(format == JsonFormat::kAuto ? DetectFormat(data) : format), name_(name) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte order mark
}

bool RecordCursor::Next(JsonRecord& out) {
  return format_ == JsonFormat::kArray ? NextElement(out) : NextLine(out);
}

bool RecordCursor::NextLine(JsonRecord& out) {
  while (pos_ < data_.size()) {
    const char* begin = data_.data() + pos_;
    const void* newline = std::memchr(begin, '\n', data_.size() - pos_);
    size_t end =
        newline ? static_cast<size_t>(static_cast<const char*>(newline) - data_.data()) : data_.size();
    std::string_view line = data_.substr(pos_, end - pos_);
    out.line = line_++;
    pos_ = newline ? end + 1 : end;
    while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
    while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    out.text = line;
    return true;
  }
  return false;
}

void RecordCursor::SkipSpace() {
  for (; pos_ < data_.size() && IsSpace(data_[pos_]); pos_++) {
    if (data_[pos_] == '\n') line_++;
  }
}

void RecordCursor::Finish() {
  done_ = true;
  SkipSpace();
  if (pos_ < data_.size()) Fail("unexpected content after the JSON array", line_);
}

bool RecordCursor::NextElement(JsonRecord& out) {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    SkipSpace();
    if (pos_ == data_.size()) {
      done_ = true;
      return false;
    }
    if (data_[pos_] != '[') Fail("expected '[' at the start of a JSON array", line_);
    pos_++;
    SkipSpace();
    if (pos_ < data_.size() && data_[pos_] == ']') {
      pos_++;
      Finish();
      return false;
    }
  }
  SkipSpace();
  const size_t begin = pos_;
  const int64_t line = line_;
  int depth = 0;
  bool in_string = false;
  for (; pos_ < data_.size(); pos_++) {
    char c = data_[pos_];
    if (c == '\n') line_++;
    if (in_string) {
      if (c == '\\' && pos_ + 1 < data_.size()) {
        if (data_[++pos_] == '\n') line_++;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;
      depth--;
    } else if (c == ',' && depth == 0) {
      break;
    }
  }
  if (pos_ == data_.size()) Fail("unterminated JSON array", line);
  size_t end = pos_;
  while (end > begin && IsSpace(data_[end - 1])) end--;
  if (end == begin) Fail("expected a value in the JSON array", line_);
  char separator = data_[pos_++];
  if (separator == ']') {
    Finish();
  } else if (separator != ',') {
    Fail(std::string("unexpected '") + separator + "' in the JSON array", line_);
  }
  out.text = data_.substr(begin, end - begin);
  out.line = line;
  return true;
}

void RecordCursor::Fail(const std::string& message, int64_t line) const {
  throw DataError(sqlstate::kBadCopyFileFormat, "malformed JSON: " + message + " (file \"" + name_ +
                                                    "\", line " + std::to_string(line) + ")");
}

}  // namespace basin::json
