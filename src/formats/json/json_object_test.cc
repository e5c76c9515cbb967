#include "formats/json/json_object.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vector/vector.h"

namespace basin::json {
namespace {

std::vector<ObjectField> Fields() {
  return {{"id", TypeId::kBigInt, true},
          {"qty", TypeId::kSmallInt, false},
          {"price", LogicalType::Decimal(10, 2), false},
          {"name", LogicalType::Varchar(5), false},
          {"ts", TypeId::kTimestamp, false},
          {"tags", LogicalType::List(TypeId::kInteger), false}};
}

/// Row 0 read from `json`, each field as text ("NULL" for NULL), joined by '|'; "not an object" when Read
/// refuses the value.
std::string ReadRow(const std::string& json, std::vector<ObjectField> fields = Fields()) {
  ObjectReader reader(fields);
  std::vector<LogicalType> types;
  for (const auto& f : fields) types.push_back(f.type);
  DataChunk chunk(types);
  std::vector<Vector*> columns;
  for (size_t c = 0; c < types.size(); c++) columns.push_back(&chunk.column(c));
  const bool ok = reader.Read(json, columns.data(), 0);
  std::string row = ok ? "" : "not an object:";
  for (size_t c = 0; c < types.size(); c++) row += (c ? "|" : "") + chunk.column(c).GetValue(0).ToString();
  return row;
}

std::string Reason(const std::string& json, std::vector<ObjectField> fields = Fields()) {
  ObjectReader reader(fields);
  return reader.Check(json).value_or("fits");
}

TEST(ObjectReaderTest, ReadsDeclaredFieldsInAnyOrderAndSkipsOthers) {
  EXPECT_EQ(
      ReadRow(
          R"j({"id": 7, "qty": 3, "price": 19.99, "name": "pen", "ts": "2024-01-02 03:04:05", "tags": [1, null, 3]})j"),
      "7|3|19.99|pen|2024-01-02 03:04:05|[1, NULL, 3]");
  EXPECT_EQ(ReadRow(R"j({"extra": {"deep": [1, {"x": 2}]}, "tags": [], "name": "a\"b", "id": 1})j"),
            "1|NULL|NULL|a\"b|NULL|[]");
  EXPECT_EQ(ReadRow(R"j({"id": "42", "qty": "-5", "price": "1e1", "ts": 1700000000123})j"),
            "42|-5|10.00|NULL|2023-11-14 22:13:20.123|NULL");
}

TEST(ObjectReaderTest, ReadGivesNullsForMisfitsAndNonObjects) {
  // A field that does not fit reads NULL; the others stay.
  EXPECT_EQ(ReadRow(R"j({"id": 1, "qty": 70000, "name": "toolong", "ts": "yesterday"})j"),
            "1|NULL|NULL|NULL|NULL|NULL");
  EXPECT_EQ(ReadRow(R"j({"id": 2.5, "tags": [1, "x"]})j"), "NULL|NULL|NULL|NULL|NULL|NULL");
  for (const char* bad : {"[1, 2]", "42", "\"text\"", "{\"id\": ", "{\"id\": 1} trailing", "", "nul"}) {
    EXPECT_EQ(ReadRow(bad), "not an object:NULL|NULL|NULL|NULL|NULL|NULL") << bad;
  }
}

TEST(ObjectReaderTest, CheckNamesTheFieldAndWhy) {
  EXPECT_EQ(Reason(R"j({"id": 1, "qty": 2, "unknown": true})j"), "fits");
  EXPECT_EQ(Reason(R"j({"qty": 2})j"), "field \"id\" is missing but declared NOT NULL");
  EXPECT_EQ(Reason(R"j({"id": null})j"), "field \"id\" is null but declared NOT NULL");
  EXPECT_EQ(Reason(R"j({"id": 1, "qty": 70000})j"), "field \"qty\": 70000 is out of range for SMALLINT");
  EXPECT_EQ(Reason(R"j({"id": "abc"})j"), "field \"id\": expected BIGINT, got \"abc\"");
  EXPECT_EQ(Reason(R"j({"id": 18446744073709551616})j"),
            "field \"id\": 18446744073709551616 is out of range for BIGINT");
  EXPECT_EQ(Reason(R"j({"id": 1, "price": 123456789.5})j"),
            "field \"price\": 123456789.5 is out of range for DECIMAL(10,2)");
  EXPECT_EQ(Reason(R"j({"id": 1, "name": "sixsix"})j"),
            "field \"name\": the string is longer than VARCHAR(5) allows");
  EXPECT_EQ(Reason(R"j({"id": 1, "ts": "2024-13-45"})j"),
            "field \"ts\": \"2024-13-45\" is out of range for TIMESTAMP");
  EXPECT_EQ(Reason(R"j({"id": 1, "ts": {"a": 1}})j"), "field \"ts\": expected TIMESTAMP, got an object");
  EXPECT_EQ(Reason(R"j({"id": 1, "tags": [1, 2.5]})j"), "field \"tags\": expected INTEGER[], got an array");
  EXPECT_EQ(Reason("[1]"), "the value is not a JSON object");
  EXPECT_EQ(Reason("{\"id\": 1,}").substr(0, 15), "malformed JSON:");
  EXPECT_EQ(Reason("{\"id\": 1} {}"), "malformed JSON: text after the object");
}

TEST(ObjectReaderTest, EveryTypeRoundTripsItsJsonWriterForm) {
  std::vector<ObjectField> fields = {{"b", TypeId::kBoolean},
                                     {"r", TypeId::kReal},
                                     {"d", TypeId::kDouble},
                                     {"nan", TypeId::kDouble},
                                     {"big", LogicalType::Decimal(38, 2)},
                                     {"s", TypeId::kVarchar},
                                     {"blob", TypeId::kBlob},
                                     {"day", TypeId::kDate},
                                     {"t", TypeId::kTime},
                                     {"tz", TypeId::kTimestampTz},
                                     {"iv", TypeId::kInterval},
                                     {"json", TypeId::kVarchar}};
  EXPECT_EQ(
      ReadRow(R"j({"b": true, "r": 1.5, "d": 123456789012345678901234567890, "nan": "NaN",
                        "big": 123456789012345678901234567890123456.78, "s": "\u00e9t\u00e9", "blob": "\\x00ff",
                        "day": "2024-02-29", "t": "12:34:56.5", "tz": "2024-01-01T10:00:00+02:00",
                        "iv": "1 day 02:00:00", "json": {"a": [1, 2]}})j",
              fields),
      "true|1.5|1.2345678901234568e+29|NaN|123456789012345678901234567890123456.78|été|\\x00ff|2024-02-29|"
      "12:34:56.5|2024-01-01 08:00:00+00|1 day 02:00:00|{\"a\": [1, 2]}");
  EXPECT_EQ(Reason(R"j({"r": 1e300})j", fields), "field \"r\": 1e300 is out of range for REAL");
  EXPECT_EQ(Reason(R"j({"b": 1})j", fields), "field \"b\": expected BOOLEAN, got 1");
}

TEST(ObjectReaderTest, ReusesItsParserAcrossValues) {
  ObjectReader reader(Fields());
  for (int i = 0; i < 1000; i++) {
    const std::string json =
        "{\"id\": " + std::to_string(i) + ", \"name\": \"n" + std::to_string(i % 10) + "\"}";
    ASSERT_FALSE(reader.Check(json).has_value()) << json;
  }
  EXPECT_TRUE(reader.Check("{}").has_value());
}

}  // namespace
}  // namespace basin::json
