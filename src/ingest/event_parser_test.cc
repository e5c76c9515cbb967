#include "ingest/event_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace basin::ingest {
namespace {

std::vector<Event> Parse(std::string_view body, EventFormat format = EventFormat::kAuto,
                         EventFields fields = {}) {
  static EventParser parser;
  std::vector<Event> events;
  parser.Parse(body, format, fields, events);
  return events;
}

/// The error Parse throws, as "line:column message".
std::string ErrorOf(std::string_view body, EventFormat format = EventFormat::kAuto, EventFields fields = {}) {
  try {
    Parse(body, format, fields);
  } catch (const EventsError& e) {
    return std::to_string(e.line()) + ":" + std::to_string(e.column()) + " " + e.what();
  }
  return "no error";
}

std::vector<std::string> Texts(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.emplace_back(e.json);
  return out;
}

std::vector<int64_t> Lines(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const Event& e : events) out.push_back(e.line);
  return out;
}

TEST(EventParserTest, OneObject) {
  auto events = Parse(R"({"a": 1, "b": "x"})");
  EXPECT_EQ(Texts(events), (std::vector<std::string>{R"({"a": 1, "b": "x"})"}));
  EXPECT_EQ(Lines(events), (std::vector<int64_t>{1}));
  // Spread over lines: one event, minified.
  events = Parse("\n{\n  \"a\": 1,\n  \"b\": [1, 2]\n}\n", EventFormat::kJson);
  EXPECT_EQ(Texts(events), (std::vector<std::string>{R"({"a":1,"b":[1,2]})"}));
  EXPECT_EQ(Lines(events), (std::vector<int64_t>{2}));
}

TEST(EventParserTest, ArrayOfObjects) {
  auto events = Parse("[{\"a\":1},\n  {\"b\": 2} ,\n{\n \"c\": 3\n}\n]\n");
  EXPECT_EQ(Texts(events), (std::vector<std::string>{R"({"a":1})", R"({"b": 2})", R"({"c":3})"}));
  EXPECT_EQ(Lines(events), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(Parse(" [ ] ").empty());
}

TEST(EventParserTest, NewlineDelimited) {
  const std::string body = "{\"a\":1}\n\n  {\"b\":2}  \r\n{\"c\":3}";
  for (EventFormat format : {EventFormat::kNdjson, EventFormat::kJson, EventFormat::kAuto}) {
    auto events = Parse(body, format);
    EXPECT_EQ(Texts(events), (std::vector<std::string>{R"({"a":1})", R"({"b":2})", R"({"c":3})"}));
    EXPECT_EQ(Lines(events), (std::vector<int64_t>{1, 3, 4}));
  }
}

TEST(EventParserTest, MalformedJsonNamesLineAndColumn) {
  EXPECT_EQ(ErrorOf("{\"a\":1}\n{\"b\":2}\n{\"c\":tru}\n"),
            "3:9 malformed JSON: syntax error while parsing value - invalid literal; last read: '\"c\":tru}' "
            "(line 3, column 9)");
  EXPECT_EQ(ErrorOf("{\"a\":1}\n  {\"b\" 2}\n"),
            "2:8 malformed JSON: syntax error while parsing object separator - unexpected number literal; "
            "expected ':' (line 2, column 8)");
  EXPECT_EQ(
      ErrorOf("[{\"a\":1},\n {\"b\":2,}]"),
      "2:9 malformed JSON: syntax error while parsing object key - unexpected '}'; expected string literal "
      "(line 2, column 9)");
  // An unterminated array, a trailing comma, content after the array.
  EXPECT_EQ(ErrorOf("[{\"a\":1},\n{\"b\":2}"),
            "2:8 malformed JSON: syntax error while parsing array - unexpected end of input; expected ']' "
            "(line 2, column 8)");
  EXPECT_EQ(ErrorOf("[{\"a\":1},]").substr(0, 4), "1:10");
  EXPECT_EQ(ErrorOf("[{\"a\":1}] {}").substr(0, 4), "1:11");
  EXPECT_EQ(ErrorOf("{\"a\":\"\xff\"}").substr(0, 32), "1:7 malformed JSON: syntax error");
  EXPECT_EQ(ErrorOf("{\"a\":1}\n{\"a\"", EventFormat::kNdjson).substr(0, 4), "2:5 ");
}

TEST(EventParserTest, EventsMustBeObjects) {
  EXPECT_EQ(ErrorOf("{\"a\":1}\n42\n"), "2:1 an event must be a JSON object (line 2, column 1)");
  EXPECT_EQ(ErrorOf("[{\"a\":1},\n  \"x\"]"), "2:3 an event must be a JSON object (line 2, column 3)");
  EXPECT_EQ(ErrorOf("[[{\"a\":1}]]"), "1:2 an event must be a JSON object (line 1, column 2)");
  EXPECT_EQ(ErrorOf("null"), "1:1 an event must be a JSON object (line 1, column 1)");
  EXPECT_EQ(ErrorOf("  \n "), "1:0 the body holds no events");
  EXPECT_EQ(ErrorOf(""), "1:0 the body holds no events");
  // NDJSON does not take an object spread over lines.
  EXPECT_EQ(ErrorOf("{\n\"a\":1}", EventFormat::kNdjson).substr(0, 4), "1:2 ");
}

TEST(EventParserTest, KeyField) {
  EventFields fields;
  fields.key = "user";
  auto events =
      Parse("{\"user\":\"a\\\"b\"}\n{\"user\":42}\n{\"user\":null}\n{\"x\":1}\n{\"user\":{\"id\":1}}",
            EventFormat::kNdjson, fields);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].key, "a\"b");  // a string's contents, unescaped
  EXPECT_EQ(events[1].key, "42");    // another value's JSON text
  EXPECT_EQ(events[2].key, std::nullopt);
  EXPECT_EQ(events[3].key, std::nullopt);
  EXPECT_EQ(events[4].key, "{\"id\":1}");
  fields.key = "/user/id";
  events = Parse("{\"user\":{\"id\":\"u7\"}}\n{\"user\":3}", EventFormat::kNdjson, fields);
  EXPECT_EQ(events[0].key, "u7");
  EXPECT_EQ(events[1].key, std::nullopt);
}

TEST(EventParserTest, TimestampField) {
  EventFields fields;
  fields.timestamp = "ts";
  auto events = Parse(
      "{\"ts\":1700000000123}\n{\"ts\":1700000000123.9}\n{\"ts\":\"2024-01-02T03:04:05.678Z\"}\n"
      "{\"ts\":\"2024-01-02 05:04:05.678+02\"}\n{\"ts\":null}\n{}",
      EventFormat::kNdjson, fields);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].timestamp_ms, 1700000000123);
  EXPECT_EQ(events[1].timestamp_ms, 1700000000123);
  EXPECT_EQ(events[2].timestamp_ms, 1704164645678);
  EXPECT_EQ(events[3].timestamp_ms, 1704164645678);
  EXPECT_EQ(events[4].timestamp_ms, std::nullopt);
  EXPECT_EQ(events[5].timestamp_ms, std::nullopt);
  EXPECT_EQ(
      ErrorOf("{}\n{\"ts\":\"yesterday\"}", EventFormat::kNdjson, fields),
      "2:1 the timestamp field \"ts\" holds yesterday, neither milliseconds since the epoch nor a timestamp "
      "(line 2, column 1)");
  EXPECT_EQ(ErrorOf("{\"ts\":true}", EventFormat::kNdjson, fields).substr(0, 4), "1:1 ");
}

TEST(EventParserTest, NumbersBeyondSixtyFourBitsAreValidJson) {
  EventFields fields;
  fields.key = "k";
  auto events = Parse("{\"id\": 123456789012345678901234567890, \"k\": \"x\"}\n{\"k\":1}",
                      EventFormat::kNdjson, fields);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].json, "{\"id\": 123456789012345678901234567890, \"k\": \"x\"}");
  EXPECT_EQ(events[0].key, "x");
  EXPECT_EQ(events[1].key, "1");
}

TEST(EventParserTest, DeepNestingIsRefusedNotACrash) {
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(ErrorOf(deep).substr(0, 4), "1:1 ");
  // Valid JSON that only the fallback parser takes (a number beyond 64 bits) is held to the same depth.
  EXPECT_EQ(ErrorOf("{\"n\":123456789012345678901234567890, \"a\":" + std::string(5000, '[') +
                    std::string(5000, ']') + "}")
                .substr(0, 4),
            "1:1 ");
  // A number beyond a double's range is no JSON number either parser takes.
  EXPECT_EQ(ErrorOf("{\"n\":1e999999}").substr(0, 4), "1:13");
}

TEST(EventParserTest, FormatForMediaType) {
  EXPECT_EQ(FormatForMediaType("application/x-ndjson"), EventFormat::kNdjson);
  EXPECT_EQ(FormatForMediaType("application/jsonl"), EventFormat::kNdjson);
  EXPECT_EQ(FormatForMediaType("application/json"), EventFormat::kJson);
  EXPECT_EQ(FormatForMediaType("application/cloudevents+json"), EventFormat::kJson);
  EXPECT_EQ(FormatForMediaType("text/plain"), EventFormat::kAuto);
  EXPECT_EQ(FormatForMediaType(""), EventFormat::kAuto);
}

}  // namespace
}  // namespace basin::ingest
