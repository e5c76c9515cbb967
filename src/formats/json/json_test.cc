#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_records.h"
#include "formats/json/json_writer.h"

namespace basin::json {
namespace {

std::vector<JsonColumn> Infer(const std::string& data, JsonReadOptions options = {}) {
  JsonReader reader(data, "t.json", options);
  std::vector<JsonColumn> columns;
  (void)reader.Sample(columns, options.sample_size);
  return columns;
}

/// Every row of `data` read with the inferred columns, values as text ("NULL" for NULL), one string a row.
std::vector<std::string> ReadAll(const std::string& data, JsonReadOptions options = {},
                                 std::vector<RejectedRow>* rejects = nullptr) {
  std::vector<JsonColumn> columns = Infer(data, options);
  for (auto& c : columns) {
    if (c.type.id() == TypeId::kNull) c.type = TypeId::kVarchar;
  }
  JsonReader reader(data, "t.json", options);
  reader.SetColumns(columns);
  std::vector<LogicalType> types;
  for (auto& c : columns) types.push_back(c.type);
  std::vector<std::string> rows;
  for (DataChunk chunk(types); reader.ReadChunk(chunk);) {
    for (size_t r = 0; r < chunk.size(); r++) {
      std::string row;
      for (size_t c = 0; c < types.size(); c++) row += (c ? "|" : "") + chunk.GetValue(c, r).ToString();
      rows.push_back(row);
    }
  }
  if (rejects) *rejects = reader.rejects();
  return rows;
}

std::string ReadError(const std::string& data, JsonReadOptions options = {}) {
  try {
    ReadAll(data, options);
  } catch (const Exception& e) {
    return e.message();
  }
  return "no error";
}

TEST(JsonReaderTest, InfersTypesInKeyOrder) {
  auto columns = Infer(R"({"a": 1, "b": true, "c": "x", "d": "2024-01-02", "e": "2024-01-02T03:04:05Z"}
{"f": 1.5, "g": {"x": 1}, "h": null, "a": 2})");
  std::vector<std::string> got;
  for (auto& c : columns) got.push_back(c.name + " " + c.type.ToString());
  EXPECT_EQ(got, (std::vector<std::string>{"a BIGINT", "b BOOLEAN", "c VARCHAR", "d DATE", "e TIMESTAMPTZ",
                                           "f DOUBLE", "g VARCHAR", "h NULL"}));
}

TEST(JsonReaderTest, WidensMixedTypes) {
  auto columns = Infer(
      "{\"a\": 1, \"b\": \"2024-01-02\", \"c\": 1, \"d\": 99999999999999999999}\n"
      "{\"a\": 0.5, \"b\": \"2024-01-02 10:00\", \"c\": false, \"d\": 1}\n");
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0].type, LogicalType(TypeId::kDouble));
  EXPECT_EQ(columns[1].type, LogicalType(TypeId::kTimestamp));
  EXPECT_EQ(columns[2].type, LogicalType(TypeId::kVarchar));
  EXPECT_EQ(columns[3].type, LogicalType(TypeId::kDouble));
}

TEST(JsonReaderTest, ReadsNdjsonAndArrays) {
  const std::vector<std::string> expected = {"1|x", "2|NULL", "NULL|[1,\"]\"]"};
  EXPECT_EQ(ReadAll("{\"a\": 1, \"b\": \"x\"}\r\n\n  {\"a\": 2}\n{\"b\": [1, \"]\"]}"), expected);
  EXPECT_EQ(ReadAll("[{\"a\": 1, \"b\": \"x\"},\n {\"a\": 2}, {\"b\": [1, \"]\"]}]\n"), expected);
  EXPECT_EQ(ReadAll("[]").size(), 0u);
  EXPECT_EQ(ReadAll("").size(), 0u);
}

TEST(JsonReaderTest, SplitsArraysTrackingLines) {
  std::string data = "[\n{\"a\": \"x\\\"]\"},\n\n{\"a\":\n 2} ]";
  RecordCursor cursor(data, JsonFormat::kAuto, "t.json");
  JsonRecord rec;
  ASSERT_TRUE(cursor.Next(rec));
  EXPECT_EQ(rec.text, "{\"a\": \"x\\\"]\"}");
  EXPECT_EQ(rec.line, 2);
  ASSERT_TRUE(cursor.Next(rec));
  EXPECT_EQ(rec.text, "{\"a\":\n 2}");
  EXPECT_EQ(rec.line, 4);
  EXPECT_FALSE(cursor.Next(rec));
}

TEST(JsonReaderTest, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(ReadError("[{\"a\": 1},\n{\"a\": 2}"),
            "malformed JSON: unterminated JSON array (file \"t.json\", line 2)");
  EXPECT_EQ(ReadError("[1] x"),
            "malformed JSON: unexpected content after the JSON array (file \"t.json\", line 1)");
  EXPECT_EQ(ReadError("{\"a\": 1}\n[2]"), "expected a JSON object, got [2] (file \"t.json\", line 2)");
  JsonReadOptions one;
  one.sample_size = 1;
  EXPECT_EQ(ReadError("{\"a\": 1}\n{\"a\": 1.5}", one),
            "could not convert JSON value 1.5 to BIGINT (file \"t.json\", line 2, column \"a\")");
  EXPECT_NE(ReadError("{\"a\": 1}\n{\"a\": }").find("(file \"t.json\", line 2)"), std::string::npos);
}

TEST(JsonReaderTest, IgnoreErrorsCollectsRejects) {
  JsonReadOptions options;
  options.sample_size = 1;
  options.ignore_errors = true;
  std::vector<RejectedRow> rejects;
  auto rows = ReadAll("{\"a\": 1}\n{\"a\": \"x\"}\nnope\n{\"a\": 4}", options, &rejects);
  EXPECT_EQ(rows, (std::vector<std::string>{"1", "4"}));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0].line, 2);
  EXPECT_EQ(rejects[0].column, "a");
  EXPECT_EQ(rejects[0].raw, "{\"a\": \"x\"}");
  EXPECT_EQ(rejects[1].line, 3);
  EXPECT_EQ(rejects[1].column, "");
}

TEST(JsonWriterTest, WritesDuckDbConventions) {
  DataChunk chunk(std::vector<LogicalType>{TypeId::kBigInt, TypeId::kVarchar, TypeId::kDouble, TypeId::kDate,
                                           TypeId::kBoolean});
  chunk.SetValue(0, 0, Value::BigInt(-7));
  chunk.SetValue(1, 0, Value::Varchar("a\"b\\c\n\x01"));
  chunk.SetValue(2, 0, Value::Double(0.1));
  chunk.SetValue(3, 0, Value::Date(0));
  chunk.SetValue(4, 0, Value::Boolean(true));
  for (size_t c = 0; c < 5; c++) chunk.SetValue(c, 1, Value::Null(chunk.column(c).type()));
  chunk.SetCardinality(2);
  std::ostringstream out;
  JsonWriter writer(out, {"i", "s", "d", "dt", "b"}, "out");
  writer.WriteChunk(chunk);
  writer.Close();
  EXPECT_EQ(out.str(),
            "{\"i\":-7,\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"d\":0.1,\"dt\":\"1970-01-01\",\"b\":true}\n"
            "{\"i\":null,\"s\":null,\"d\":null,\"dt\":null,\"b\":null}\n");
  // What the writer writes reads back the same.
  EXPECT_EQ(ReadAll(out.str()),
            (std::vector<std::string>{"-7|a\"b\\c\n\x01|0.1|1970-01-01|true", "NULL|NULL|NULL|NULL|NULL"}));
}

TEST(JsonWriterTest, WritesArrays) {
  DataChunk chunk(std::vector<LogicalType>{TypeId::kInteger});
  chunk.SetValue(0, 0, Value::Integer(1));
  chunk.SetValue(0, 1, Value::Integer(2));
  chunk.SetCardinality(2);
  std::ostringstream out, empty;
  JsonWriter writer(out, {"x"}, "out", /*array=*/true);
  writer.WriteChunk(chunk);
  writer.Close();
  EXPECT_EQ(out.str(), "[\n{\"x\":1},\n{\"x\":2}\n]\n");
  JsonWriter none(empty, {"x"}, "out", true);
  none.Close();
  EXPECT_EQ(empty.str(), "[]\n");
}

}  // namespace
}  // namespace basin::json
