// Sinks: CREATE SINK, DROP SINK and SHOW SINKS. The landing itself runs in the server (ingest/sink_runner.h);
// queries of a sink's table see its uncommitted records through the binder (lake/topic_sink.h).

#include "catalog/catalog.h"
#include "catalog/sink_options.h"
#include "common/exception.h"
#include "lake/iceberg_table.h"
#include "lake/topic_sink.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "main/client_context.h"
#include "main/client_context_internal.h"
#include "main/database.h"
#include "sql/binder/binder.h"
#include "sql/parser/ast.h"

namespace basin {

namespace {

std::vector<log::TopicColumn> SinkColumns(const TableEntry& table) {
  std::vector<log::TopicColumn> columns;
  for (const ColumnDefinition& c : table.columns) columns.push_back({c.name, c.type, c.not_null});
  return columns;
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::CreateSink(const sql::CreateSinkStmt& stmt) {
  if (!catalog().persistent()) {
    throw NotImplementedError("CREATE SINK needs a data directory (basin sql --data DIR): it lands events in "
                              "Iceberg tables");
  }
  auto sink = std::make_shared<SinkEntry>();
  std::tie(sink->schema, sink->name) = QualifiedName(stmt.name);
  if (!stmt.if_not_exists && catalog().GetSink(sink->schema, sink->name)) {
    throw CatalogError(sqlstate::kDuplicateObject, "sink \"" + sink->name + "\" already exists");
  }
  sink->topic = stmt.topic;
  sink->options = ParseSinkOptions(stmt.options);
  log::LogManager& log = db_.log();
  std::optional<log::TopicInfo> topic = log.FindTopic(stmt.topic);
  if (!topic || topic->internal) {
    throw Exception(sqlstate::kUndefinedTable, "topic \"" + stmt.topic + "\" does not exist", stmt.topic_location);
  }
  std::tie(sink->table_schema, sink->table_name) = QualifiedName(stmt.table);
  std::shared_ptr<TableEntry> table = catalog().GetTable(sink->table_schema, sink->table_name);
  if (!table) {
    // The table the topic's records make: its declared columns, or the value as text.
    const log::TopicSchema schema = log::TopicSchema::FromConfig(topic->config);
    table = std::make_shared<TableEntry>();
    table->schema = sink->table_schema;
    table->name = sink->table_name;
    for (const log::TopicColumn& c : schema.columns) table->columns.push_back({c.name, c.type, c.not_null, "", ""});
    if (!schema.has_columns()) table->columns.push_back({"value", TypeId::kVarchar, false, "", ""});
    catalog().CreateTableWithStorage(table);
  }
  auto iceberg = std::dynamic_pointer_cast<iceberg::IcebergTable>(table->storage);
  if (!iceberg) {
    throw Exception(sqlstate::kWrongObjectType, "\"" + table->name + "\" is not a lake table", stmt.table_location);
  }
  try {
    SinkSource check(log, stmt.topic, SinkColumns(*table), /*strict=*/true);
  } catch (Exception& e) {
    throw Exception(e.sqlstate(), "cannot sink topic \"" + stmt.topic + "\" into table \"" + table->name +
                                      "\": " + e.message(), stmt.table_location);
  }
  if (!catalog().CreateSink(sink, stmt.if_not_exists)) return QueryResult::Count(0);
  // Where the sink starts, committed now: a sink of this name dropped earlier may have left its offsets.
  const std::string key = SinkOffsetsKey(sink->qualified_name());
  const std::string start = sink->options.at(kSinkStart) == "latest" ? EncodeSinkOffsets(HighWatermarks(log, sink->topic)) : "";
  const std::string committed = iceberg::CommittedProperty(iceberg->State()->metadata, key);
  if (committed != start) {
    auto writer = iceberg->BeginWrite();
    writer->SetCommitProperty(key, committed, start);
    writer->Commit();
  }
  return QueryResult::Count(0);
}

std::unique_ptr<QueryResult> ClientContext::RefreshSink(const std::vector<std::string>& names) {
  auto [schema, name] = QualifiedName(names);
  std::shared_ptr<SinkEntry> sink = catalog().GetSink(schema, name);
  if (!sink) throw CatalogError(sqlstate::kUndefinedObject, "sink \"" + name + "\" does not exist");
  auto entry = catalog().GetTable(sink->table_schema, sink->table_name);
  auto table = entry ? std::dynamic_pointer_cast<iceberg::IcebergTable>(entry->storage) : nullptr;
  if (!table) {
    throw CatalogError(sqlstate::kUndefinedTable,
                       "table \"" + sink->table_schema + "." + sink->table_name + "\" of sink " + name + " is missing");
  }
  // In commits of at most a million records, until one finds fewer: it reached the high watermarks.
  constexpr int64_t kBatch = 1'000'000;
  int64_t landed = 0;
  for (int64_t n = kBatch; n == kBatch; landed += n)
    n = LandSink(*table, db_.log(), sink->qualified_name(), sink->topic, kBatch);
  return QueryResult::Count(landed);
}

std::unique_ptr<QueryResult> ClientContext::ShowSinks() {
  RowsBuilder rows({"name", "topic", "table", "committed_offsets", "lag", "commit_interval_ms", "landed_records",
                    "last_commit", "error"},
                   {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt,
                    TypeId::kBigInt, TypeId::kBigInt, TypeId::kTimestampTz, TypeId::kVarchar});
  for (const auto& sink : catalog().Sinks()) {
    auto table = catalog().GetTable(sink->table_schema, sink->table_name);
    auto iceberg = table ? std::dynamic_pointer_cast<iceberg::IcebergTable>(table->storage) : nullptr;
    Value committed, lag;
    if (iceberg) {
      const std::string text = iceberg::CommittedProperty(iceberg->State()->metadata, SinkOffsetsKey(sink->qualified_name()));
      committed = Value::Varchar(text);
      if (log::LogManager* log = db_.log_if_open(); log && log->FindTopic(sink->topic)) {
        lag = Value::BigInt(RecordsAfter(*log, sink->topic, DecodeSinkOffsets(text)));
      }
    }
    const SinkStatus::Snapshot status = sink->status->Get();
    rows.Add({Value::Varchar(sink->qualified_name()), Value::Varchar(sink->topic),
              Value::Varchar(sink->table_schema + "." + sink->table_name), committed, lag,
              Value::BigInt(std::stoll(sink->options.at(kSinkCommitIntervalMs))), Value::BigInt(status.records),
              status.last_commit_ms ? Value::TimestampTz(status.last_commit_ms * 1000) : Value::Null(TypeId::kTimestampTz),
              status.error.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(status.error)});
  }
  return rows.Finish();
}

}  // namespace basin
