// Topics: CREATE TOPIC, ALTER TOPIC, DROP TOPIC and SHOW TOPICS. Reads and inserts go through the binder
// (topics read as tables: catalog/topic_entry.h).

#include <cctype>
#include <fstream>

#include "catalog/catalog.h"
#include "catalog/view_options.h"
#include "common/exception.h"
#include "common/memory_tracker.h"
#include "formats/json/json_object.h"
#include "formats/json/json_records.h"
#include "lake/topic_table.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/topic_producer.h"
#include "log/topic_schema.h"
#include "main/client_context.h"
#include "main/client_context_internal.h"
#include "main/database.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"
#include "types/datetime.h"

namespace basin {

namespace {

/// The settings a WITH (...) or SET (...) list gives a topic.
struct TopicOptions {
  std::optional<int32_t> partitions;
  std::map<std::string, std::string> configs;  // Kafka's topic configs
  std::optional<std::string> key, timestamp, format;
};

[[noreturn]] void BadOption(const std::string& name, const std::string& value, const std::string& why) {
  throw Exception(sqlstate::kInvalidParameterValue,
                  "invalid value '" + value + "' for topic option " + name + ": " + why);
}

bool IsInteger(const std::string& s) {
  size_t start = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == start || s.size() > 18) return false;
  for (size_t i = start; i < s.size(); i++) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// retention: an interval ('7 days', '12 hours'), milliseconds, or 'forever'.
std::string RetentionMs(const std::string& value) {
  const std::string lower = Lower(value);
  if (lower == "forever" || lower == "infinite" || lower == "-1") return "-1";
  if (IsInteger(value)) {
    if (std::stoll(value) < 0)
      BadOption("retention", value, "expected an interval such as '7 days', or 'forever'");
    return value;
  }
  interval_t iv;
  if (!interval::TryParse(value, iv) || iv.Normalized() < 0)
    BadOption("retention", value, "expected an interval such as '7 days', or 'forever'");
  return std::to_string(static_cast<int64_t>(iv.Normalized() / 1000));
}

/// retention_bytes: a size per partition ('1GB', '512MB'), bytes, or 'unlimited'.
std::string RetentionBytes(const std::string& value) {
  const std::string lower = Lower(value);
  if (lower == "unlimited" || lower == "-1") return "-1";
  int64_t bytes = 0;
  if (!ParseBytes(value, bytes))
    BadOption("retention_bytes", value, "expected a size such as '1GB', or 'unlimited'");
  return std::to_string(bytes);
}

TopicOptions ParseTopicOptions(const sql::OptionList& options) {
  TopicOptions out;
  for (const auto& [name, value] : options) {
    if (name == "partitions") {
      if (!IsInteger(value) || std::stoll(value) < 1 || std::stoll(value) > 100000)
        BadOption(name, value, "expected a number of partitions from 1 to 100000");
      out.partitions = static_cast<int32_t>(std::stoll(value));
    } else if (name == "retention") {
      out.configs["retention.ms"] = RetentionMs(value);
    } else if (name == "retention_bytes") {
      out.configs["retention.bytes"] = RetentionBytes(value);
    } else if (name == "cleanup_policy") {
      out.configs["cleanup.policy"] = Lower(value);
    } else if (name == "key") {
      out.key = value;
    } else if (name == "timestamp") {
      out.timestamp = value;
    } else if (name == "format") {
      out.format = Lower(value);
    } else if (name.starts_with("basin.")) {
      throw Exception(
          sqlstate::kInvalidParameterValue,
          "topic option " + name + " is Basin's own: declare columns, key, timestamp and format instead");
    } else if (name.find('.') != std::string::npos) {
      out.configs[name] = value;  // a Kafka topic config, checked by the log
    } else {
      throw Exception(
          sqlstate::kInvalidParameterValue,
          "unknown topic option \"" + name +
              "\" (partitions, retention, retention_bytes, cleanup_policy, key, timestamp, format, or a "
              "Kafka topic config such as \"segment.bytes\")");
    }
  }
  return out;
}

void ApplyOptions(const TopicOptions& options, log::TopicSchema& schema) {
  if (options.key) schema.key_column = *options.key;
  if (options.timestamp) schema.timestamp_column = *options.timestamp;
  if (options.format) schema.format = *options.format;
}

/// A column of a topic's schema as declared: a name that is not a pseudo column's, a type, NOT NULL.
log::TopicColumn BindTopicColumn(const sql::ColumnDef& def) {
  if (def.default_value || def.primary_key || def.unique) {
    throw NotImplementedError(
        "topic columns take a type and NOT NULL only (no DEFAULT, PRIMARY KEY or UNIQUE)", def.location);
  }
  if (def.name == "_partition" || def.name == "_offset" || def.name == "_timestamp" || def.name == "_key" ||
      def.name == "_headers") {
    throw CatalogError(sqlstate::kDuplicateColumn,
                       "column name \"" + def.name + "\" is a pseudo column of every topic");
  }
  return {def.name, Binder::BindTypeName(def.type), def.not_null};
}

/// Check that the columns the schema names exist and have usable types.
void CheckSchema(const log::TopicSchema& schema) {
  if (schema.format != "json")
    throw NotImplementedError("topic format '" + schema.format + "' is not supported (json is)");
  auto column = [&](const std::string& name, const char* what) -> const log::TopicColumn* {
    if (name.empty()) return nullptr;
    if (!schema.has_columns())
      throw BinderError(sqlstate::kUndefinedColumn,
                        std::string("the topic's ") + what + " needs declared columns");
    int index = schema.ColumnIndex(name);
    if (index < 0)
      throw BinderError(
          sqlstate::kUndefinedColumn,
          std::string("column \"") + name + "\" named as the topic's " + what + " does not exist");
    return &schema.columns[static_cast<size_t>(index)];
  };
  column(schema.key_column, "key");
  auto temporal = [](const LogicalType& t) {
    return t.id() == TypeId::kTimestamp || t.id() == TypeId::kTimestampTz;
  };
  if (const log::TopicColumn* c = column(schema.timestamp_column, "timestamp");
      c && !temporal(c->type) && c->type.id() != TypeId::kBigInt) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      "the topic's timestamp column \"" + c->name +
                          "\" must be a TIMESTAMP, TIMESTAMPTZ or BIGINT (milliseconds), not " +
                          c->type.ToString());
  }
  if (const log::TopicColumn* c = column(schema.watermark_column, "watermark"); c && !temporal(c->type)) {
    throw BinderError(sqlstate::kDatatypeMismatch, "the watermark column \"" + c->name +
                                                       "\" must be a TIMESTAMP or TIMESTAMPTZ, not " +
                                                       c->type.ToString());
  }
}

/// The schema's configs to give the log: the set ones, and (when `removals`) the unset ones as removals.
std::map<std::string, std::optional<std::string>> SchemaChanges(const log::TopicSchema& schema,
                                                                bool removals) {
  std::map<std::string, std::optional<std::string>> changes;
  for (auto& [key, value] : schema.ToConfig()) {
    if (!value.empty()) {
      changes[key] = value;
    } else if (removals) {
      changes[key] = std::nullopt;
    }
  }
  return changes;
}

std::string Quote(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

/// What SHOW TOPICS says of a topic's retention.
std::string RetentionText(const log::TopicConfig& config) {
  std::string text;
  if (config.cleanup_delete) {
    if (config.retention_ms < 0) {
      text = "forever";
    } else {
      const int64_t ms = config.retention_ms;
      text = interval::ToString(interval_t{0, static_cast<int32_t>(ms / 86400000), ms % 86400000 * 1000});
    }
    if (config.retention_bytes >= 0) text += " or " + FormatBytes(config.retention_bytes) + " per partition";
  }
  if (config.cleanup_compact) text += text.empty() ? "compact" : ", compact";
  return text;
}

/// Check a WATERMARK expression against the topic's columns: it must bind and give a timestamp.
void CheckWatermark(ClientContext& context, const sql::CreateTopicStmt& stmt,
                    const std::vector<std::pair<std::string, LogicalType>>& columns) {
  // Bind the expression over a row of the topic's columns, as the stream processor will.
  std::string sql = "SELECT (" + stmt.watermark_sql + ") FROM (SELECT ";
  for (size_t i = 0; i < columns.size(); i++) {
    if (i > 0) sql += ", ";
    sql += "CAST(NULL AS " + columns[i].second.ToString() + ") AS " + Quote(columns[i].first);
  }
  sql += ") AS t";
  LogicalType type;
  try {
    auto parsed = sql::ParseStatement(sql);
    Binder binder(context);
    type = binder.BindQuery(*static_cast<const sql::SelectStmt&>(*parsed).select).types[0];
  } catch (const Exception& e) {
    throw Exception(e.sqlstate(), "WATERMARK: " + e.message(), stmt.watermark_location);
  }
  if (type.id() != TypeId::kTimestamp && type.id() != TypeId::kTimestampTz) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      "WATERMARK expression must give a timestamp, not " + type.ToString(),
                      stmt.watermark_location);
  }
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::CreateTopic(const sql::CreateTopicStmt& stmt) {
  log::TopicSchema schema;
  std::vector<std::pair<std::string, LogicalType>> columns;
  for (const sql::ColumnDef& def : stmt.columns) {
    if (schema.ColumnIndex(def.name) >= 0)
      throw CatalogError(sqlstate::kDuplicateColumn, "column \"" + def.name + "\" specified more than once");
    schema.columns.push_back(BindTopicColumn(def));
    columns.emplace_back(def.name, schema.columns.back().type);
  }
  TopicOptions options = ParseTopicOptions(stmt.options);
  ApplyOptions(options, schema);
  schema.watermark_column = stmt.watermark_column;
  schema.watermark_expression = stmt.watermark_sql;
  CheckSchema(schema);
  if (stmt.watermark) CheckWatermark(*this, stmt, columns);

  log::LogManager::ValidateTopicName(stmt.name);
  log::LogManager& topics = db_.log();
  if (topics.FindTopic(stmt.name)) {
    if (stmt.if_not_exists) return QueryResult::Count(0);
    throw CatalogError(sqlstate::kDuplicateTable, "topic \"" + stmt.name + "\" already exists");
  }
  std::map<std::string, std::string> configs = options.configs;
  for (auto& [key, value] : SchemaChanges(schema, false)) configs[key] = *value;
  try {
    topics.CreateTopic(stmt.name, options.partitions.value_or(1), configs);
  } catch (const log::LogError& e) {
    if (e.code() == log::ErrorCode::kTopicAlreadyExists && stmt.if_not_exists) return QueryResult::Count(0);
    throw;
  }
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::AlterTopic(const sql::AlterTopicStmt& stmt) {
  log::LogManager* topics = db_.log_if_open();
  std::optional<log::TopicInfo> info = topics ? topics->FindTopic(stmt.name) : std::nullopt;
  if (!info) {
    if (stmt.if_exists) return QueryResult::Count(0);
    throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + stmt.name + "\" does not exist");
  }
  log::TopicSchema schema = log::TopicSchema::FromConfig(info->config);
  TopicOptions options;
  switch (stmt.action) {
    case sql::AlterTopicStmt::Action::kSetOptions:
      options = ParseTopicOptions(stmt.options);
      ApplyOptions(options, schema);
      break;
    case sql::AlterTopicStmt::Action::kAddColumn:
      // Records written before read NULL in the new column (their JSON lacks it), as for any missing field.
      if (schema.ColumnIndex(stmt.column.name) >= 0) {
        if (stmt.if_column_exists) return QueryResult::Count(0);
        throw CatalogError(sqlstate::kDuplicateColumn, "column \"" + stmt.column.name + "\" of topic \"" +
                                                           stmt.name + "\" already exists");
      }
      schema.columns.push_back(BindTopicColumn(stmt.column));
      break;
    case sql::AlterTopicStmt::Action::kDropColumn: {
      const int index = schema.ColumnIndex(stmt.column_name);
      if (index < 0) {
        if (stmt.if_column_exists) return QueryResult::Count(0);
        throw CatalogError(sqlstate::kUndefinedColumn, "column \"" + stmt.column_name + "\" of topic \"" +
                                                           stmt.name + "\" does not exist");
      }
      for (const std::string* use :
           {&schema.key_column, &schema.timestamp_column, &schema.watermark_column}) {
        if (*use == stmt.column_name) {
          throw CatalogError(
              sqlstate::kDependentObjects,
              "column \"" + stmt.column_name + "\" is the topic's key, timestamp or watermark column");
        }
      }
      schema.columns.erase(schema.columns.begin() + index);
      break;
    }
  }
  CheckSchema(schema);
  if (options.partitions && *options.partitions != info->partitions)
    topics->AddPartitions(stmt.name, *options.partitions);
  std::map<std::string, std::optional<std::string>> changes = SchemaChanges(schema, true);
  for (auto& [key, value] : options.configs) changes[key] = value;
  topics->AlterTopicConfig(stmt.name, changes);
  return QueryResult::Count(0);
}

void ClientContext::DropTopic(const std::string& name, bool if_exists) {
  log::LogManager* topics = db_.log_if_open();
  if (!topics || !topics->FindTopic(name)) {
    if (if_exists) return;
    throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + name + "\" does not exist");
  }
  for (const auto& sink : catalog().Sinks()) {
    if (sink->topic == name) {
      throw CatalogError(sqlstate::kDependentObjects, "cannot drop topic " + name + " because sink " +
                                                          sink->qualified_name() + " reads it (DROP SINK it first)");
    }
  }
  for (const auto& view : catalog().MaterializedViews()) {
    if (view->options.count(kViewOutput) && view->name == name) {
      throw CatalogError(sqlstate::kDependentObjects, "cannot drop topic " + name + " because it is stream " +
                                                          view->qualified_name() + "'s (DROP STREAM it)");
    }
    auto join_topic = view->options.find(kViewJoinTopic);
    if (view->topic == name || (join_topic != view->options.end() && join_topic->second == name)) {
      throw CatalogError(sqlstate::kDependentObjects, "cannot drop topic " + name + " because materialized view " +
                                                          view->qualified_name() +
                                                          " reads it (DROP MATERIALIZED VIEW it first)");
    }
  }
  try {
    topics->DeleteTopic(name);
  } catch (const log::LogError& e) {
    if (e.code() != log::ErrorCode::kUnknownTopicOrPartition || !if_exists) throw;  // dropped meanwhile
  }
}

std::unique_ptr<QueryResult> ClientContext::ShowTopics() {
  RowsBuilder rows({"name", "partitions", "retention", "schema", "messages"},
                   {TypeId::kVarchar, TypeId::kInteger, TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt});
  log::LogManager* topics = db_.log_if_open();
  if (!topics) return rows.Finish();
  for (const std::string& name : topics->ListTopics(/*include_internal=*/false)) {
    log::TopicDescription topic;
    try {
      topic = topics->DescribeTopic(name);
    } catch (const log::LogError&) {
      continue;  // deleted meanwhile
    }
    int64_t messages = 0;
    for (const log::PartitionStats& p : topic.partitions) messages += p.high_watermark - p.log_start_offset;
    std::string columns;
    try {
      columns = log::TopicSchema::FromConfig(topic.info.config).ColumnsSql();
    } catch (const Exception& e) {
      columns = "(unreadable: " + e.message() + ")";
    }
    rows.Add({Value::Varchar(name), Value::Integer(topic.info.partitions),
              Value::Varchar(RetentionText(topic.info.config)),
              columns.empty() ? Value() : Value::Varchar(columns), Value::BigInt(messages)});
  }
  return rows.Finish();
}

std::unique_ptr<QueryResult> ClientContext::CopyIntoTopic(const sql::CopyStmt& stmt,
                                                          const std::shared_ptr<TableEntry>& topic) {
  for (const auto& [name, value] : stmt.options) {
    if (Lower(name) != "format" || Lower(value) != "json")
      throw Exception(sqlstate::kSyntaxError,
                      "COPY into a topic reads JSON events: option \"" + name + "\" is not valid");
  }
  if (!stmt.columns.empty())
    throw Exception(sqlstate::kSyntaxError, "COPY into a topic takes no column list");
  std::ifstream in(stmt.file, std::ios::binary);
  if (!in) throw IOError("could not open file \"" + stmt.file + "\" for reading");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IOError("could not read file \"" + stmt.file + "\"");

  const auto& storage = static_cast<const TopicTable&>(*topic->storage);
  const log::TopicSchema& schema = storage.schema();
  // The key and the timestamp come from the fields the topic names, read from each event.
  std::vector<json::ObjectField> fields;
  for (const std::string* column : {&schema.key_column, &schema.timestamp_column}) {
    if (!column->empty()) fields.push_back({*column, schema.columns[schema.ColumnIndex(*column)].type});
  }
  json::ObjectReader reader(fields);
  std::vector<LogicalType> types;
  for (const auto& f : fields) types.push_back(f.type);
  DataChunk values(types, 1);
  std::vector<Vector*> targets;
  for (size_t i = 0; i < fields.size(); i++) targets.push_back(&values.column(i));
  const int key_field = schema.key_column.empty() ? -1 : 0;
  const int timestamp_field = schema.timestamp_column.empty() ? -1 : static_cast<int>(fields.size()) - 1;

  log::TopicProducer producer(db_.log(), topic->name, /*validate=*/schema.has_columns());
  const int64_t now_ms = statement_time_ / 1000;
  json::RecordCursor cursor(data, json::JsonFormat::kAuto, stmt.file);
  json::JsonRecord record;
  std::string key_text;
  while (cursor.Next(record)) {
    std::optional<std::string_view> key;
    int64_t timestamp = now_ms;
    if (!fields.empty() && reader.Read(record.text, targets.data(), 0)) {
      if (key_field >= 0 && !values.column(key_field).IsNull(0)) {
        const Vector& v = values.column(key_field);
        key_text = v.type().id() == TypeId::kVarchar ? v.data<string_t>()[0].str() : v.GetValue(0).ToString();
        key = key_text;
      }
      if (timestamp_field >= 0 && !values.column(timestamp_field).IsNull(0)) {
        const Vector& v = values.column(timestamp_field);
        const int64_t t = v.GetValue(0).GetInt64();
        timestamp = v.type().id() == TypeId::kBigInt ? t : (t >= 0 ? t / 1000 : -((-t + 999) / 1000));
      }
    }
    producer.Add(std::nullopt, timestamp, key, record.text);
  }
  producer.Flush();
  return QueryResult::Count(producer.appended());
}

}  // namespace basin
