#include "main/catalog_info.h"

#include "catalog/catalog.h"
#include "catalog/topic_entry.h"
#include "common/exception.h"
#include "lake/topic_table.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/topic_schema.h"
#include "main/database.h"

namespace basin {

namespace {

/// How many snapshots a table's details list.
constexpr int kMaxSnapshots = 100;

std::vector<ColumnInfo> ColumnsOf(const TableEntry& table) {
  std::vector<ColumnInfo> columns;
  for (const ColumnDefinition& c : table.columns) {
    columns.push_back({c.name, c.type.ToString(), !c.not_null, c.comment});
  }
  return columns;
}

RelationInfo TableInfo(const TableEntry& table) {
  return {table.schema, table.name, /*view=*/false, table.comment, ColumnsOf(table)};
}

/// Run `sql` on a session of its own; errors come back as an error result.
std::unique_ptr<QueryResult> Query(Database& database, const std::string& sql) {
  return Connection(database).Query(sql);
}

TopicSummary SummarizeTopic(log::LogManager& log, const std::string& name,
                            const log::TopicDescription& topic) {
  TopicSummary summary{name, topic.info.partitions, 0, 0, {}};
  for (const log::PartitionStats& p : topic.partitions) {
    summary.messages += p.high_watermark - p.log_start_offset;
    summary.size_bytes += static_cast<int64_t>(p.size_bytes);
  }
  try {
    if (auto entry = GetTopicEntry(log, name)) summary.columns = ColumnsOf(*entry);
  } catch (const Exception&) {
    // A malformed schema: the topic is listed without columns; SQL on it reports the fault.
  }
  return summary;
}

/// The last `count` records of each partition of `topic`, newest first, `count` in all: one range per
/// partition, which the topic's scan seeks to instead of reading the whole log.
std::string LastRecordsSql(const std::string& topic, const log::TopicDescription& description, size_t count) {
  std::string branches;
  for (size_t p = 0; p < description.partitions.size(); p++) {
    const log::PartitionStats& stats = description.partitions[p];
    if (stats.high_watermark <= stats.log_start_offset) continue;
    const int64_t from = std::max(stats.log_start_offset, stats.high_watermark - static_cast<int64_t>(count));
    if (!branches.empty()) branches += " UNION ALL ";
    branches += "SELECT * FROM " + QuoteIdentifier(topic) + " WHERE _partition = " + std::to_string(p) +
                " AND _offset >= " + std::to_string(from);
  }
  if (branches.empty()) branches = "SELECT * FROM " + QuoteIdentifier(topic) + " WHERE false";
  return "SELECT * FROM (" + branches +
         ") AS records ORDER BY _timestamp DESC NULLS LAST, _partition, _offset DESC LIMIT " +
         std::to_string(count);
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

CatalogOverview DescribeCatalog(Database& database) {
  CatalogOverview overview;
  Catalog& catalog = database.catalog();
  for (const std::string& schema : catalog.SchemaNames()) {
    SchemaInfo info{schema, {}, {}};
    for (const auto& table : catalog.Tables(schema)) info.tables.push_back(TableInfo(*table));
    for (const auto& view : catalog.Views(schema))
      info.views.push_back({view->schema, view->name, true, "", {}});
    overview.schemas.push_back(std::move(info));
  }
  overview.topics = ListTopics(database);
  overview.sinks = Query(database, "SHOW SINKS");
  return overview;
}

std::vector<TopicSummary> ListTopics(Database& database) {
  std::vector<TopicSummary> topics;
  log::LogManager* log = database.log_if_open();
  if (!log) return topics;
  for (const std::string& name : log->ListTopics(/*include_internal=*/false)) {
    try {
      topics.push_back(SummarizeTopic(*log, name, log->DescribeTopic(name)));
    } catch (const log::LogError&) {
      // deleted meanwhile
    }
  }
  return topics;
}

TableDetails DescribeTable(Database& database, const std::string& schema, const std::string& name,
                           size_t sample_rows) {
  Catalog& catalog = database.catalog();
  const std::string qualified = QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
  const auto table = catalog.GetTable(schema, name);
  const auto view = table ? nullptr : catalog.GetView(schema, name);
  if (!table && !view) {
    catalog.CheckAvailable(schema, name);
    throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + schema + "." + name + "\" does not exist");
  }
  TableDetails details;
  details.sample = Query(database, "SELECT * FROM " + qualified + " LIMIT " + std::to_string(sample_rows));
  if (table) {
    details.relation = TableInfo(*table);
    details.row_count = table->storage->RowCount();
    details.size_bytes = table->storage->SizeInBytes();
    if (catalog.persistent()) {
      details.snapshots = Query(
          database, "SELECT * FROM " + QuoteIdentifier(schema) + "." + QuoteIdentifier(name + "$snapshots") +
                        " ORDER BY committed_at DESC LIMIT " + std::to_string(kMaxSnapshots));
    }
  } else {
    details.relation = {schema, name, /*view=*/true, "", {}};
    // A view's columns are those of its query, bound now.
    const QueryResult& sample = *details.sample;
    for (size_t c = 0; c < sample.ColumnCount() && !sample.HasError(); c++) {
      details.relation.columns.push_back({sample.names()[c], sample.types()[c].ToString(), true, ""});
    }
  }
  return details;
}

TopicDetails DescribeTopic(Database& database, const std::string& name, size_t sample_records) {
  log::LogManager& log = database.log();
  const std::optional<log::TopicInfo> info = log.FindTopic(name);
  if (!info || info->internal) {
    throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + name + "\" does not exist");
  }
  log::TopicDescription description;
  try {
    description = log.DescribeTopic(name);
  } catch (const log::LogError&) {
    throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + name + "\" does not exist");
  }
  TopicDetails details;
  details.summary = SummarizeTopic(log, name, description);
  for (size_t p = 0; p < description.partitions.size(); p++) {
    const log::PartitionStats& stats = description.partitions[p];
    details.partitions.push_back({static_cast<int32_t>(p), stats.log_start_offset, stats.high_watermark,
                                  static_cast<int64_t>(stats.size_bytes)});
  }
  for (const auto& [key, value] : description.info.overrides) {
    if (key.rfind("basin.", 0) != 0) details.configs[key] = value;  // the schema's keys are shown as such
  }
  try {
    const log::TopicSchema schema = log::TopicSchema::FromConfig(description.info.config);
    details.schema_sql = schema.ColumnsSql();
    details.key_column = schema.key_column;
    details.timestamp_column = schema.timestamp_column;
  } catch (const Exception& e) {
    details.schema_sql = "(unreadable: " + e.message() + ")";
  }
  details.sample = Query(database, LastRecordsSql(name, description, sample_records));
  return details;
}

}  // namespace basin
