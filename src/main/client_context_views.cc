// Materialized views: CREATE, DROP, SHOW and REFRESH MATERIALIZED VIEW. Their jobs belong to the stream
// processor (src/stream/): `basin server` runs them on its ViewRunner, and REFRESH runs one here.

#include <algorithm>
#include <cctype>
#include <chrono>

#include "catalog/catalog.h"
#include "catalog/view_options.h"
#include "common/exception.h"
#include "log/log_manager.h"
#include "log/topic_schema.h"
#include "main/client_context.h"
#include "main/client_context_internal.h"
#include "main/database.h"
#include "sql/binder/binder.h"
#include "sql/parser/ast.h"
#include "stream/alert_notifier.h"
#include "stream/view_manager.h"
#include "stream/view_plan.h"
#include "common/http_client.h"

namespace basin {

namespace {

/// The columns of a materialized view's late-events table (stream::LateColumnNames / LateColumnTypes).
std::vector<std::pair<std::string, LogicalType>> LateColumns(const LogicalType& time) {
  std::vector<std::pair<std::string, LogicalType>> columns;
  const std::vector<LogicalType> types = stream::LateColumnTypes(time);
  for (size_t c = 0; c < types.size(); c++) columns.emplace_back(stream::LateColumnNames()[c], types[c]);
  return columns;
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::CreateMaterializedView(
    const sql::CreateMaterializedViewStmt& stmt) {
  if (!catalog().persistent()) {
    throw NotImplementedError(
        "CREATE MATERIALIZED VIEW needs a data directory (basin sql --data DIR): a view keeps "
        "its rows in an Iceberg table and its state in DATA/state");
  }
  auto view = std::make_shared<MaterializedViewEntry>();
  std::tie(view->schema, view->name) = QualifiedName(stmt.name);
  if (catalog().GetMaterializedView(view->schema, view->name)) {
    if (stmt.if_not_exists) return QueryResult::Count(0);
    throw CatalogError(sqlstate::kDuplicateTable, "materialized view \"" + view->name + "\" already exists");
  }
  auto taken = [&](const std::string& name) {
    if (catalog().GetTable(view->schema, name) || catalog().GetView(view->schema, name)) {
      throw CatalogError(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
    }
  };
  taken(view->name);
  view->options = ParseViewOptions(stmt.options, stmt.stream, stmt.alert);
  auto notify = view->options.find(kAlertNotify);
  if (notify != view->options.end() && notify->second != "topic") {
    (void)ParseHttpUrl(notify->second.substr(std::string_view("webhook:").size()));
  }
  view->query_sql = stmt.query_text;
  if (stmt.stream && view->schema != Catalog::kDefaultSchema) {
    throw NotImplementedError(
        "a stream writes to a topic, and topics are not in schemas: name it without \"" + view->schema +
        ".\"");
  }

  // The query binds as a batch query does; the stream processor then says whether it can maintain it.
  Binder binder(*this);
  stream::ViewPlan plan = stream::ViewPlan::Analyze(binder.BindQuery(*stmt.query));
  view->topic = plan.topic;
  if (const stream::StreamJoin* join = plan.TopicJoin()) view->options[kViewJoinTopic] = join->sides[1].topic;
  if (plan.table_source)
    view->options[kViewSourceTable] = plan.table_source->schema + "." + plan.table_source->name;
  if (view->schema == Catalog::kDefaultSchema && db_.log().FindTopic(view->name)) {
    throw CatalogError(sqlstate::kDuplicateTable, "a topic is named \"" + view->name +
                                                      "\": a materialized view of that name would hide it");
  }
  for (size_t i = 0; i < plan.names.size(); i++) {
    for (size_t j = 0; j < i; j++) {
      if (plan.names[i] == plan.names[j]) {
        throw Exception(sqlstate::kDuplicateColumn,
                        "column \"" + plan.names[i] +
                            "\" specified more than once (name the view's columns "
                            "with AS)",
                        stmt.query_location);
      }
    }
  }
  std::vector<std::pair<std::string, LogicalType>> columns;
  for (size_t i = 0; i < plan.names.size(); i++) columns.emplace_back(plan.names[i], plan.types[i]);
  if (stmt.stream) CheckStreamable(*view, plan);
  std::vector<std::pair<std::string, LogicalType>> late_columns;
  if (const stream::ViewPlan* windowed = plan.Windowed()) {
    view->late_table = view->name + "_late";
    taken(view->late_table);
    late_columns = LateColumns(windowed->time_type);
  } else if (const stream::StreamJoin* join = plan.TopicJoin(); join && join->CanBeLate()) {
    // A window or interval join of two topics: its rows behind the watermark (stream/join_bounds.h).
    view->late_table = view->name + "_late";
    taken(view->late_table);
    late_columns = LateColumns(join->late_time_type);
  }

  // Tables first (the job checks them), then the job's state, then the name: the runner never sees a view
  // without its state.
  std::vector<std::string> made;
  auto make_table = [&](const std::string& name,
                        const std::vector<std::pair<std::string, LogicalType>>& cols) {
    auto table = std::make_shared<TableEntry>();
    table->schema = view->schema;
    table->name = name;
    for (const auto& [column, type] : cols) table->columns.push_back({column, type, false, "", ""});
    catalog().CreateTableWithStorage(table);
    made.push_back(name);
  };
  bool made_topic = false;
  try {
    if (stmt.stream) {
      CreateStreamTopic(*view, columns);
      made_topic = true;
    } else {
      make_table(view->name, columns);
    }
    if (!view->late_table.empty()) make_table(view->late_table, late_columns);
    db_.views().Create(*view);
    try {
      catalog().CreateMaterializedView(view, /*if_not_exists=*/false);
    } catch (...) {
      db_.views().Drop(*view);
      throw;
    }
  } catch (...) {
    for (const std::string& name : made) catalog().DropTable(view->schema, name, /*if_exists=*/true);
    if (made_topic) db_.log().DeleteTopic(view->name);
    throw;
  }
  return QueryResult::Count(0);
}

void ClientContext::CheckStreamable(const MaterializedViewEntry& view, const stream::ViewPlan& plan) {
  // A topic takes appends only: rows that never change once written.
  const bool updates =
      view.options.at(kViewEmit) == "on_update" || view.options.at(kViewAllowedLatenessMs) != "0";
  if (plan.kind == stream::ViewKind::kChangelog || plan.kind == stream::ViewKind::kTopN || plan.retracting ||
      (plan.kind == stream::ViewKind::kWindowed && updates)) {
    throw NotImplementedError(
        "a stream appends to a topic: its query must give rows that never change (no "
        "aggregate but over windows emitted on close, no top-N); use a materialized view");
  }
  auto key = view.options.find(kStreamKey);
  if (key != view.options.end() &&
      std::find(plan.names.begin(), plan.names.end(), key->second) == plan.names.end()) {
    throw Exception(sqlstate::kUndefinedColumn,
                    "stream key column \"" + key->second + "\" is not among its columns");
  }
  if (db_.log().FindTopic(view.name)) {
    throw CatalogError(sqlstate::kDuplicateTable, "topic \"" + view.name + "\" already exists");
  }
}

void ClientContext::CreateStreamTopic(const MaterializedViewEntry& view,
                                      const std::vector<std::pair<std::string, LogicalType>>& columns) {
  log::LogManager::ValidateTopicName(view.name);
  log::TopicSchema schema;
  for (const auto& [name, type] : columns) schema.columns.push_back({name, type, false});
  auto key = view.options.find(kStreamKey);
  if (key != view.options.end()) schema.key_column = key->second;
  std::map<std::string, std::string> configs;
  for (auto& [name, value] : schema.ToConfig()) {
    if (!value.empty()) configs[name] = value;
  }
  auto partitions = view.options.find(kStreamPartitions);
  db_.log().CreateTopic(view.name, partitions == view.options.end() ? 1 : std::stoi(partitions->second),
                        configs);
}

void ClientContext::DropMaterializedView(const std::vector<std::string>& names, bool if_exists,
                                         const std::string& what) {
  auto [schema, name] = QualifiedName(names);
  std::shared_ptr<MaterializedViewEntry> view = catalog().GetMaterializedView(schema, name);
  const std::string is = !view                               ? what
                         : view->options.count(kAlertNotify) ? "alert"
                         : view->options.count(kViewOutput)  ? "stream"
                                                             : "materialized view";
  if (is != what) {
    std::string upper = is;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    throw CatalogError(sqlstate::kWrongObjectType, "\"" + name + "\" is " + (is == "alert" ? "an " : "a ") +
                                                       is + " (DROP " + upper + ")");
  }
  if (!view) {
    if (if_exists) return;
    if (what == "materialized view" &&
        (catalog().GetTable(schema, name) || catalog().GetView(schema, name))) {
      throw CatalogError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a materialized view");
    }
    throw CatalogError(sqlstate::kUndefinedTable, what + " \"" + name + "\" does not exist");
  }
  // The name first, so that the runner stops picking the view; then its job and state; then its tables.
  catalog().DropMaterializedView(schema, name, /*if_exists=*/false);
  db_.views().Drop(*view);
  if (view->options.count(kViewOutput)) {
    db_.log().DeleteTopic(name);
  } else {
    catalog().DropTable(schema, name, /*if_exists=*/true);
  }
  if (!view->late_table.empty()) catalog().DropTable(schema, view->late_table, /*if_exists=*/true);
}

std::unique_ptr<QueryResult> ClientContext::ShowAlerts() {
  RowsBuilder rows({"name", "notify", "state", "delivered", "pending", "attempts", "last_error",
                    "last_delivery", "job_status"},
                   {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt, TypeId::kBigInt,
                    TypeId::kBigInt, TypeId::kVarchar, TypeId::kTimestampTz, TypeId::kVarchar});
  if (!catalog().persistent()) return rows.Finish();
  for (const auto& alert : catalog().MaterializedViews()) {
    auto notify = alert->options.find(kAlertNotify);
    if (notify == alert->options.end()) continue;
    const stream::AlertReport r = db_.views().alerts().Report(*alert);
    rows.Add({Value::Varchar(alert->qualified_name()), Value::Varchar(notify->second),
              Value::Varchar(r.state), Value::BigInt(r.delivered), Value::BigInt(r.pending),
              Value::BigInt(r.attempts),
              r.last_error.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(r.last_error),
              r.last_delivery_ms == 0 ? Value::Null(TypeId::kTimestampTz)
                                      : Value::TimestampTz(r.last_delivery_ms * 1000),
              Value::Varchar(db_.views().Report(*alert).status)});
  }
  return rows.Finish();
}

std::unique_ptr<QueryResult> ClientContext::ShowMaterializedViews() {
  RowsBuilder rows({"name", "topic", "kind", "status", "epoch", "committed_offsets", "lag", "watermark",
                    "watermark_delay_seconds", "records_per_second", "last_checkpoint", "records_in",
                    "rows_out", "late_rows", "state_bytes", "join_rows", "error"},
                   {TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt,
                    TypeId::kVarchar, TypeId::kBigInt, TypeId::kTimestampTz, TypeId::kDouble, TypeId::kDouble,
                    TypeId::kTimestampTz, TypeId::kBigInt, TypeId::kBigInt, TypeId::kBigInt, TypeId::kBigInt,
                    TypeId::kBigInt, TypeId::kVarchar});
  const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  if (!catalog().persistent()) return rows.Finish();
  for (const auto& view : catalog().MaterializedViews()) {
    const stream::ViewReport r = db_.views().Report(*view);
    auto optional_time = [](bool has, int64_t micros) {
      return has ? Value::TimestampTz(micros) : Value::Null(TypeId::kTimestampTz);
    };
    auto source = view->options.find(kViewSourceTable);  // a view over a lake table: the table
    rows.Add({Value::Varchar(view->qualified_name()),
              Value::Varchar(source != view->options.end() ? source->second : view->topic),
              r.kind.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(r.kind),
              Value::Varchar(r.status), Value::BigInt(r.epoch), Value::Varchar(r.offsets),
              r.lag < 0 ? Value::Null(TypeId::kBigInt) : Value::BigInt(r.lag),
              optional_time(r.watermark != INT64_MIN, r.watermark),
              r.watermark == INT64_MIN ? Value::Null(TypeId::kDouble)
                                       : Value::Double(static_cast<double>(now_us - r.watermark) / 1e6),
              Value::Double(r.records_per_second),
              optional_time(r.last_checkpoint_ms != 0, r.last_checkpoint_ms * 1000),
              Value::BigInt(r.records_in), Value::BigInt(r.rows_out), Value::BigInt(r.late_rows),
              Value::BigInt(r.state_bytes), Value::BigInt(r.join_rows),
              r.error.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(r.error)});
  }
  return rows.Finish();
}

std::unique_ptr<QueryResult> ClientContext::RefreshMaterializedView(
    const sql::RefreshMaterializedViewStmt& stmt) {
  if (stmt.sink) return RefreshSink(stmt.name);
  std::shared_ptr<MaterializedViewEntry> view = ExistingMaterializedView(stmt.name);  // 42P01 first
  return QueryResult::Count(db_.views().Refresh(*view));
}

std::unique_ptr<QueryResult> ClientContext::AlterMaterializedView(
    const sql::AlterMaterializedViewStmt& stmt) {
  std::shared_ptr<MaterializedViewEntry> view = ExistingMaterializedView(stmt.name);
  db_.views().SetPaused(*view, stmt.pause);
  return QueryResult::Count(0);
}

std::shared_ptr<MaterializedViewEntry> ClientContext::ExistingMaterializedView(
    const std::vector<std::string>& names) {
  auto [schema, name] = QualifiedName(names);
  std::shared_ptr<MaterializedViewEntry> view = catalog().GetMaterializedView(schema, name);
  if (!view)
    throw CatalogError(sqlstate::kUndefinedTable, "materialized view \"" + name + "\" does not exist");
  return view;
}

}  // namespace basin
