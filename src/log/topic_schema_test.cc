#include "log/topic_schema.h"

#include <gtest/gtest.h>

#include "common/exception.h"
#include "log/topic_config.h"

namespace basin::log {
namespace {

TopicConfig ConfigOf(const std::map<std::string, std::string>& entries) {
  TopicConfig config;
  for (const auto& [key, value] : entries) {
    if (!value.empty()) config.Set(key, value);
  }
  return config;
}

TEST(TopicSchemaTest, RoundTripsThroughConfigs) {
  TopicSchema schema;
  schema.columns = {{"user_id", TypeId::kBigInt, true},
                    {"price", LogicalType::Decimal(12, 2), false},
                    {"name", LogicalType::Varchar(20), false},
                    {"tags", LogicalType::List(LogicalType::List(TypeId::kVarchar)), false},
                    {"ts", TypeId::kTimestampTz, false}};
  schema.key_column = "user_id";
  schema.timestamp_column = "ts";
  schema.watermark_column = "ts";
  schema.watermark_expression = "ts - INTERVAL '5' SECOND";
  const std::map<std::string, std::string> configs = schema.ToConfig();
  EXPECT_EQ(
      configs.at(kSchemaConfig),
      R"j([{"name":"user_id","not_null":true,"type":"BIGINT"},{"name":"price","type":"DECIMAL(12,2)"},)j"
      R"j({"name":"name","type":"VARCHAR(20)"},{"name":"tags","type":"VARCHAR[][]"},{"name":"ts","type":"TIMESTAMPTZ"}])j");
  const TopicSchema back = TopicSchema::FromConfig(ConfigOf(configs));
  ASSERT_EQ(back.columns.size(), schema.columns.size());
  for (size_t i = 0; i < back.columns.size(); i++) {
    EXPECT_EQ(back.columns[i].name, schema.columns[i].name);
    EXPECT_EQ(back.columns[i].type, schema.columns[i].type);
    EXPECT_EQ(back.columns[i].type.ToString(), schema.columns[i].type.ToString());
    EXPECT_EQ(back.columns[i].not_null, schema.columns[i].not_null);
  }
  EXPECT_EQ(back.key_column, "user_id");
  EXPECT_EQ(back.timestamp_column, "ts");
  EXPECT_EQ(back.format, "json");
  EXPECT_EQ(back.watermark_column, "ts");
  EXPECT_EQ(back.watermark_expression, "ts - INTERVAL '5' SECOND");
  EXPECT_EQ(
      back.ColumnsSql(),
      "user_id BIGINT NOT NULL, price DECIMAL(12,2), name VARCHAR(20), tags VARCHAR[][], ts TIMESTAMPTZ");
  EXPECT_EQ(back.ColumnIndex("ts"), 4);
  EXPECT_EQ(back.ColumnIndex("nope"), -1);
}

TEST(TopicSchemaTest, NoSchemaMeansOpaqueValues) {
  const TopicSchema schema = TopicSchema::FromConfig(TopicConfig{});
  EXPECT_FALSE(schema.has_columns());
  EXPECT_EQ(schema.ToConfig().at(kSchemaConfig), "");
  EXPECT_EQ(schema.ToConfig().at(kFormatConfig), "");
}

TEST(TopicSchemaTest, MalformedSchemasAreDataErrors) {
  for (const char* bad :
       {"not json", "{}", R"j([{"name": "a"}])j", R"j([{"name": "a", "type": "NOSUCHTYPE"}])j",
        R"j([{"name": "a", "type": "DECIMAL(x)"}])j", R"j([{"name": 1, "type": "INTEGER"}])j"}) {
    EXPECT_THROW(TopicSchema::FromConfig(ConfigOf({{kSchemaConfig, bad}})), DataError) << bad;
  }
  EXPECT_EQ(ParseTypeText("decimal(5,1)").ToString(), "DECIMAL(5,1)");
  EXPECT_EQ(ParseTypeText("INTEGER[]").ToString(), "INTEGER[]");
}

}  // namespace
}  // namespace basin::log
