// EventParser: bodies split into events (lines of NDJSON, elements of an array through simdjson's On-Demand
// API, or one object) and each event checked and read with simdjson's DOM parser.

#include "ingest/event_parser.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <deque>

#include "types/datetime.h"

namespace basin::ingest {

namespace {

/// Buffers larger than this are not kept from one body to the next.
constexpr size_t kRetainedBufferBytes = 8u << 20;
/// The nesting simdjson's DOM parser accepts (its default), which the nlohmann fallback also keeps to.
constexpr size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

/// Finds where a text stops being JSON, with nlohmann-json's description of the fault, and how deep it nests.
class ErrorLocator : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Deeper(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return Shallower(); }
  bool start_array(std::size_t) override { return Deeper(); }
  bool end_array() override { return Shallower(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    failed = true;
    this->position = position;
    // "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while ..." → the
    // part after the position, which is ours to give.
    const std::string what = ex.what();
    const size_t column = what.find("column ");
    const size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
    message = colon == std::string::npos ? what : what.substr(colon + 2);
    return false;
  }

  bool failed = false;
  size_t position = 0;  ///< 1-based: the byte whose reading revealed the fault
  std::string message;
  size_t max_depth = 0;

 private:
  bool Deeper() {
    max_depth = std::max(max_depth, ++depth_);
    return true;
  }
  bool Shallower() {
    --depth_;
    return true;
  }
  size_t depth_ = 0;
};

/// A field's value, from either parser.
struct FieldValue {
  enum class Kind { kMissing, kNull, kString, kInteger, kUnsigned, kDouble, kOther } kind = Kind::kMissing;
  std::string text;  ///< a string's contents, or another value's JSON text
  int64_t integer = 0;
  uint64_t unsigned_integer = 0;
  double number = 0;
};

FieldValue FromSimdjson(simdjson::dom::object object, const std::string& field) {
  FieldValue v;
  simdjson::dom::element element;
  const auto error =
      field.front() == '/' ? object.at_pointer(field).get(element) : object.at_key(field).get(element);
  if (error) return v;
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      v.kind = FieldValue::Kind::kNull;
      break;
    case simdjson::dom::element_type::STRING:
      v.kind = FieldValue::Kind::kString;
      v.text = std::string(element.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::INT64:
      v.kind = FieldValue::Kind::kInteger;
      v.integer = element.get_int64().value_unsafe();
      break;
    case simdjson::dom::element_type::UINT64:
      v.kind = FieldValue::Kind::kUnsigned;
      v.unsigned_integer = element.get_uint64().value_unsafe();
      break;
    case simdjson::dom::element_type::DOUBLE:
      v.kind = FieldValue::Kind::kDouble;
      v.number = element.get_double().value_unsafe();
      break;
    default:
      v.kind = FieldValue::Kind::kOther;
      break;
  }
  if (v.kind != FieldValue::Kind::kString && v.kind != FieldValue::Kind::kNull)
    v.text = simdjson::minify(element);
  return v;
}

FieldValue FromNlohmann(const nlohmann::json& object, const std::string& field) {
  FieldValue v;
  const nlohmann::json* element = nullptr;
  if (field.front() == '/') {
    try {
      const nlohmann::json::json_pointer pointer(field);
      if (object.contains(pointer)) element = &object.at(pointer);
    } catch (const nlohmann::json::exception&) {
      return v;  // not a valid pointer: nothing there
    }
  } else if (auto it = object.find(field); it != object.end()) {
    element = &*it;
  }
  if (element == nullptr) return v;
  if (element->is_null()) {
    v.kind = FieldValue::Kind::kNull;
  } else if (element->is_string()) {
    v.kind = FieldValue::Kind::kString;
    v.text = element->get<std::string>();
  } else {
    if (element->is_number_integer() && element->is_number_unsigned()) {
      v.kind = FieldValue::Kind::kUnsigned;
      v.unsigned_integer = element->get<uint64_t>();
    } else if (element->is_number_integer()) {
      v.kind = FieldValue::Kind::kInteger;
      v.integer = element->get<int64_t>();
    } else if (element->is_number_float()) {
      v.kind = FieldValue::Kind::kDouble;
      v.number = element->get<double>();
    } else {
      v.kind = FieldValue::Kind::kOther;
    }
    v.text = element->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return v;
}

/// Milliseconds since the epoch from a timestamp field, nullopt when it is not a timestamp.
std::optional<int64_t> TimestampMs(const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kInteger:
      return v.integer;
    case FieldValue::Kind::kUnsigned:
      if (v.unsigned_integer <= static_cast<uint64_t>(INT64_MAX))
        return static_cast<int64_t>(v.unsigned_integer);
      return std::nullopt;
    case FieldValue::Kind::kDouble:
      if (std::isfinite(v.number) && std::fabs(v.number) < 9.2e18)
        return static_cast<int64_t>(std::floor(v.number));
      return std::nullopt;
    case FieldValue::Kind::kString: {
      int64_t micros = 0;
      if (!timestamp::TryParse(v.text, micros) || micros == timestamp::kInfinity ||
          micros == timestamp::kNegativeInfinity) {
        return std::nullopt;
      }
      // Floor division: an instant before 1970 with a fraction of a millisecond rounds down.
      return micros / 1000 - (micros % 1000 < 0 ? 1 : 0);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

EventFormat FormatForMediaType(std::string_view media_type) {
  if (media_type == "application/x-ndjson" || media_type == "application/ndjson" ||
      media_type == "application/jsonl" || media_type == "application/x-jsonlines" ||
      media_type == "application/json-seq") {
    return EventFormat::kNdjson;
  }
  if (media_type == "application/json" ||
      (media_type.size() > 5 && media_type.substr(media_type.size() - 5) == "+json")) {
    return EventFormat::kJson;
  }
  return EventFormat::kAuto;
}

struct EventParser::Impl {
  /// The body, then simdjson's padding: every event's text is followed by readable bytes, as simdjson needs.
  std::vector<char> buffer;
  std::string_view body;
  simdjson::dom::parser dom;
  simdjson::ondemand::parser ondemand;
  std::deque<std::string> minified;  ///< texts of events that spanned lines
  const EventFields* fields = nullptr;
  std::vector<Event>* events = nullptr;

  [[noreturn]] void Fail(const std::string& message, size_t offset) const;
  [[noreturn]] void FailAt(const std::string& message, std::string_view text) const {
    Fail(message, text.data() - body.data());
  }
  /// Check `text` (one event) and add it; `line` is where it starts.
  void AddEvent(std::string_view text, int64_t line);
  void AddFallback(std::string_view text, int64_t line, simdjson::error_code error);
  /// Add the event `text`, an object one of the parsers read: `field(name)` reads one of its fields,
  /// `minify()` returns it without blanks (for an event that spans lines).
  template <class FieldReader, class Minifier>
  void Add(std::string_view text, int64_t line, FieldReader field, Minifier minify);
  void ParseLines(size_t from);
  void ParseArray(size_t from);
  bool IsCompleteValue(std::string_view text);
};

void EventParser::Impl::Fail(const std::string& message, size_t offset) const {
  int64_t line = 1;
  size_t line_start = 0;
  offset = std::min(offset, body.size());
  for (size_t i = 0; i < offset; ++i) {
    if (body[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const int64_t column = static_cast<int64_t>(offset - line_start) + 1;
  throw EventsError(message + " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")",
                    line, column);
}

template <class FieldReader, class Minifier>
void EventParser::Impl::Add(std::string_view text, int64_t line, FieldReader field, Minifier minify) {
  Event& event = events->emplace_back();
  event.line = line;
  event.json = text;
  if (!fields->key.empty()) {
    const FieldValue key = field(fields->key);
    if (key.kind != FieldValue::Kind::kMissing && key.kind != FieldValue::Kind::kNull) event.key = key.text;
  }
  if (!fields->timestamp.empty()) {
    const FieldValue timestamp = field(fields->timestamp);
    if (timestamp.kind != FieldValue::Kind::kMissing && timestamp.kind != FieldValue::Kind::kNull) {
      event.timestamp_ms = TimestampMs(timestamp);
      if (!event.timestamp_ms) {
        FailAt("the timestamp field \"" + fields->timestamp + "\" holds " + timestamp.text +
                   ", neither milliseconds since the epoch nor a timestamp",
               text);
      }
    }
  }
  if (std::memchr(text.data(), '\n', text.size()) != nullptr) event.json = minified.emplace_back(minify());
}

void EventParser::Impl::AddEvent(std::string_view text, int64_t line) {
  simdjson::dom::element element;
  const auto error = dom.parse(text.data(), text.size(), false).get(element);
  if (error) {
    AddFallback(text, line, error);
    return;
  }
  simdjson::dom::object object;
  if (element.get_object().get(object)) FailAt("an event must be a JSON object", text);
  Add(
      text, line, [&](const std::string& field) { return FromSimdjson(object, field); },
      [&] { return simdjson::minify(element); });
}

void EventParser::Impl::AddFallback(std::string_view text, int64_t line, simdjson::error_code error) {
  ErrorLocator locator;
  nlohmann::json::sax_parse(text.begin(), text.end(), &locator);
  if (locator.failed) {
    FailAt("malformed JSON: " + locator.message,
           text.substr(std::min(text.size(), locator.position > 0 ? locator.position - 1 : 0)));
  }
  const bool number_error = error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE;
  if (!number_error || locator.max_depth > kMaxDepth) {
    FailAt(std::string("malformed JSON: ") + simdjson::error_message(error), text);
  }
  // Valid JSON that simdjson does not take: numbers beyond 64 bits. nlohmann-json reads them as doubles.
  const nlohmann::json object = nlohmann::json::parse(text.begin(), text.end());
  if (!object.is_object()) FailAt("an event must be a JSON object", text);
  Add(
      text, line, [&](const std::string& field) { return FromNlohmann(object, field); },
      [&] { return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); });
}

void EventParser::Impl::ParseLines(size_t from) {
  int64_t line = 1;
  for (size_t i = 0; i < from; ++i) line += body[i] == '\n';
  size_t pos = from;
  while (pos < body.size()) {
    const void* newline = std::memchr(body.data() + pos, '\n', body.size() - pos);
    const size_t end = newline ? static_cast<const char*>(newline) - body.data() : body.size();
    const std::string_view text = Trim(body.substr(pos, end - pos));
    if (!text.empty()) AddEvent(text, line);
    pos = end + 1;
    ++line;
  }
}

void EventParser::Impl::ParseArray(size_t from) {
  const std::string_view rest = body.substr(from);
  simdjson::ondemand::document document;
  simdjson::ondemand::array array;
  auto fail_structure = [&](simdjson::error_code error) {
    ErrorLocator locator;
    nlohmann::json::sax_parse(rest.begin(), rest.end(), &locator);
    if (locator.failed) {
      Fail("malformed JSON: " + locator.message,
           from + std::min(rest.size(), locator.position > 0 ? locator.position - 1 : 0));
    }
    Fail(std::string("malformed JSON: ") + simdjson::error_message(error), from);
  };
  const simdjson::padded_string_view padded(rest.data(), rest.size(), buffer.size() - from);
  if (auto error = ondemand.iterate(padded).get(document)) fail_structure(error);
  if (auto error = document.get_array().get(array)) fail_structure(error);
  int64_t line = 1;
  size_t counted = 0;  // lines are counted up to here
  for (size_t i = 0; i < from; ++i) line += body[i] == '\n';
  counted = from;
  size_t end = from + 1;  // just after the last element (or the '[')
  for (auto item : array) {
    simdjson::ondemand::value value;
    if (auto error = item.get(value)) fail_structure(error);
    const std::string_view token = value.raw_json_token();
    const size_t at = token.data() - body.data();
    for (; counted < at; ++counted) line += body[counted] == '\n';
    simdjson::ondemand::object object;
    std::string_view text;
    if (value.get_object().get(object)) Fail("an event must be a JSON object", at);
    if (auto error = object.raw_json().get(text)) fail_structure(error);
    text = Trim(text);
    AddEvent(text, line);
    end = text.data() + text.size() - body.data();
  }
  // On-Demand checked the separators between elements; what follows the last must be "]" and blanks.
  size_t pos = end;
  while (pos < body.size() && IsSpace(body[pos])) ++pos;
  if (pos >= body.size() || body[pos] != ']') fail_structure(simdjson::TAPE_ERROR);
  ++pos;
  while (pos < body.size() && IsSpace(body[pos])) ++pos;
  if (pos < body.size()) Fail("malformed JSON: unexpected content after the array", pos);
}

bool EventParser::Impl::IsCompleteValue(std::string_view text) {
  simdjson::dom::element element;
  return !dom.parse(text.data(), text.size(), false).get(element);
}

EventParser::EventParser() : impl_(std::make_unique<Impl>()) {}
EventParser::~EventParser() = default;

void EventParser::Parse(std::string_view body, EventFormat format, const EventFields& fields,
                        std::vector<Event>& events) {
  Impl& p = *impl_;
  events.clear();
  p.minified.clear();
  p.fields = &fields;
  p.events = &events;
  // The buffers live as long as the thread's parser: let an unusually large body's go.
  if (p.buffer.capacity() > kRetainedBufferBytes && body.size() < kRetainedBufferBytes)
    std::vector<char>().swap(p.buffer);
  if (p.dom.capacity() > kRetainedBufferBytes) p.dom = simdjson::dom::parser();
  if (p.ondemand.capacity() > kRetainedBufferBytes) p.ondemand = simdjson::ondemand::parser();
  p.buffer.resize(body.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(p.buffer.data(), body.data(), body.size());
  std::memset(p.buffer.data() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  p.body = std::string_view(p.buffer.data(), body.size());

  size_t first = 0;
  while (first < body.size() && IsSpace(body[first])) ++first;
  if (first == body.size()) throw EventsError("the body holds no events", 1, 0);
  const char c = body[first];
  if (format != EventFormat::kNdjson && c == '[') {
    p.ParseArray(first);
    return;
  }
  if (format != EventFormat::kNdjson && c == '{') {
    // NDJSON when the first line is a whole value; else one object spread over lines.
    const void* newline = std::memchr(p.body.data() + first, '\n', body.size() - first);
    const size_t line_end = newline ? static_cast<const char*>(newline) - p.body.data() : body.size();
    if (!p.IsCompleteValue(Trim(p.body.substr(first, line_end - first)))) {
      int64_t line = 1;
      for (size_t i = 0; i < first; ++i) line += body[i] == '\n';
      p.AddEvent(Trim(p.body.substr(first)), line);
      return;
    }
  }
  p.ParseLines(first);
  if (events.empty()) throw EventsError("the body holds no events", 1, 0);
}

}  // namespace basin::ingest
