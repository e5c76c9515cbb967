#include "log/topic_schema.h"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "log/topic_config.h"

namespace basin::log {

namespace {

[[noreturn]] void Malformed(const std::string& what) {
  throw DataError(sqlstate::kDataCorrupted,
                  "malformed topic schema (" + std::string(kSchemaConfig) + "): " + what);
}

std::string Extension(const TopicConfig& config, const char* key) {
  auto it = config.extensions.find(key);
  return it == config.extensions.end() ? std::string() : it->second;
}

}  // namespace

int TopicSchema::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

LogicalType ParseTypeText(std::string_view text) {
  int lists = 0;
  while (text.ends_with("[]")) {
    text.remove_suffix(2);
    lists++;
  }
  std::string name;
  int64_t modifiers[2] = {-1, -1};
  const size_t open = text.find('(');
  if (open == std::string_view::npos) {
    name = std::string(text);
  } else {
    if (!text.ends_with(")"))
      throw DataError(sqlstate::kDataCorrupted, "bad type \"" + std::string(text) + "\"");
    name = std::string(text.substr(0, open));
    std::string_view args = text.substr(open + 1, text.size() - open - 2);
    for (int i = 0; i < 2 && !args.empty(); i++) {
      const size_t comma = args.find(',');
      std::string_view arg = args.substr(0, comma);
      auto [end, error] = std::from_chars(arg.data(), arg.data() + arg.size(), modifiers[i]);
      if (error != std::errc() || end != arg.data() + arg.size())
        throw DataError(sqlstate::kDataCorrupted, "bad type \"" + std::string(text) + "\"");
      args = comma == std::string_view::npos ? std::string_view() : args.substr(comma + 1);
    }
  }
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  LogicalType type;
  try {
    type = TypeFromName(name, modifiers[0], modifiers[1]);
  } catch (const Exception& e) {
    throw DataError(sqlstate::kDataCorrupted, "bad type \"" + std::string(text) + "\": " + e.message());
  }
  for (int i = 0; i < lists; i++) type = LogicalType::List(type);
  return type;
}

TopicSchema TopicSchema::FromConfig(const TopicConfig& config) {
  TopicSchema schema;
  const std::string columns = config.schema();
  if (!columns.empty()) {
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(columns);
    } catch (const std::exception& e) {
      Malformed(e.what());
    }
    if (!json.is_array()) Malformed("expected an array of columns");
    for (const auto& c : json) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("type") ||
          !c["type"].is_string()) {
        Malformed("a column needs a \"name\" and a \"type\"");
      }
      TopicColumn column;
      column.name = c["name"].get<std::string>();
      column.type = ParseTypeText(c["type"].get<std::string>());
      column.not_null = c.value("not_null", false);
      schema.columns.push_back(std::move(column));
    }
  }
  schema.key_column = Extension(config, kKeyConfig);
  schema.timestamp_column = Extension(config, kTimestampConfig);
  std::string format = Extension(config, kFormatConfig);
  if (!format.empty()) schema.format = std::move(format);
  schema.watermark_column = Extension(config, kWatermarkColumnConfig);
  schema.watermark_expression = Extension(config, kWatermarkConfig);
  return schema;
}

std::map<std::string, std::string> TopicSchema::ToConfig() const {
  std::string text;
  if (!columns.empty()) {
    nlohmann::json json = nlohmann::json::array();
    for (const TopicColumn& c : columns) {
      nlohmann::json column = {{"name", c.name}, {"type", c.type.ToString()}};
      if (c.not_null) column["not_null"] = true;
      json.push_back(std::move(column));
    }
    text = json.dump();
  }
  return {{kSchemaConfig, text},
          {kKeyConfig, key_column},
          {kTimestampConfig, timestamp_column},
          {kFormatConfig, columns.empty() ? std::string() : format},
          {kWatermarkColumnConfig, watermark_column},
          {kWatermarkConfig, watermark_expression}};
}

std::string TopicSchema::ColumnsSql() const {
  std::string sql;
  for (const TopicColumn& c : columns) {
    if (!sql.empty()) sql += ", ";
    sql += c.name + " " + c.type.ToString();
    if (c.not_null) sql += " NOT NULL";
  }
  return sql;
}

}  // namespace basin::log
