#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception.h"

namespace basin::ingest {

/// How a body lays out its events.
enum class EventFormat : uint8_t {
  kAuto,    ///< sniffed: '[' starts an array; an object on its first line starts NDJSON; else one object
  kJson,    ///< one JSON object or a JSON array of objects (sniffed like kAuto: many clients send NDJSON so)
  kNdjson,  ///< one object per line, blank lines skipped
};

/// The format a Content-Type's media type names: application/x-ndjson, application/ndjson,
/// application/jsonl, application/x-jsonlines, application/json-seq are kNdjson; application/json and
/// types ending in "+json" kJson; anything else kAuto.
EventFormat FormatForMediaType(std::string_view media_type);

/// Which fields of an event matter to the collector: each a top-level member name or, starting with '/',
/// a JSON Pointer (RFC 6901, "/user/id"); "" for none.
struct EventFields {
  std::string key;
  std::string timestamp;
};

/// One event of a request body.
struct Event {
  std::string_view json;  ///< the event's JSON object: its text as sent, minified when it spanned lines
  int64_t line = 0;       ///< the body's line where the event starts, from 1
  /// The key field: a string's contents, another value's JSON text; nullopt when absent or null.
  std::optional<std::string> key;
  /// The timestamp field in milliseconds since the epoch (from a number of milliseconds or an ISO 8601 /
  /// PostgreSQL timestamp string, UTC unless it has an offset); nullopt when absent or null.
  std::optional<int64_t> timestamp_ms;
};

/// A body that does not hold valid events: the line and column (bytes, from 1) at fault. Nothing of such a
/// body is kept.
class EventsError : public Exception {
 public:
  EventsError(const std::string& message, int64_t line, int64_t column)
      : Exception(sqlstate::kInvalidTextRepresentation, message), line_(line), column_(column) {}
  int64_t line() const { return line_; }
  int64_t column() const { return column_; }  ///< 0 when only the line is known

 private:
  int64_t line_;
  int64_t column_;
};

/// Splits a request body into events and validates each as JSON with simdjson (the whole input is checked,
/// UTF-8 included); the position of a syntax error comes from nlohmann-json's parser, which runs only on
/// bad input. Keeps its parsers' buffers between calls: one per thread, reused.
class EventParser {
 public:
  EventParser();
  ~EventParser();
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  /// Parse `body` into `events` (cleared first). Event texts point into the parser's copy of the body, valid
  /// until the next Parse. Throws EventsError for malformed JSON, an event that is not an object, a
  /// timestamp field that is not a timestamp, or a body without any event (an empty array is fine).
  void Parse(std::string_view body, EventFormat format, const EventFields& fields,
             std::vector<Event>& events);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::ingest
