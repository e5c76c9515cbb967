#include "stream/backfill.h"

#include <set>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "lake/iceberg_table.h"
#include "lake/topic_table.h"
#include "sql/planner/logical_operator.h"
#include "stream/query_engine.h"
#include "stream/view_plan.h"

namespace basin::stream {

namespace {

/// A scan of the table's snapshot, with which topic column each of its columns fills.
class BackfillScanState : public TableScanState {
 public:
  std::unique_ptr<TableScanState> inner;
  std::vector<LogicalType> types;  // the topic columns asked for
  std::vector<int> from;           // per column asked for: its column in `inner`'s chunks, or -1 (NULL)
  std::vector<LogicalType> inner_types;
};

class BackfillReader : public MorselReader {
 public:
  BackfillReader(std::unique_ptr<MorselReader> inner, const BackfillScanState& scan)
      : inner_(std::move(inner)), scan_(scan), chunk_(scan.inner_types) {}

  bool Next(DataChunk& out) override {
    chunk_.Reset();
    if (!inner_->Next(chunk_)) return false;
    const size_t n = chunk_.size();
    for (size_t c = 0; c < scan_.types.size(); c++) {
      const LogicalType& type = scan_.types[c];
      if (scan_.from[c] < 0) {
        out.column(c).Reference(Vector(Value::Null(type)));
        continue;
      }
      const Vector& source = chunk_.column(static_cast<size_t>(scan_.from[c]));
      if (source.type() == type) {
        out.column(c).Reference(source);
      } else {
        Vector cast(type, std::max<size_t>(n, 1));
        CastVector(source, cast, n, /*try_cast=*/true);  // as a sink's field that does not fit reads NULL
        out.column(c).Reference(cast);
      }
    }
    out.SetCardinality(n);
    return true;
  }

 private:
  std::unique_ptr<MorselReader> inner_;
  const BackfillScanState& scan_;
  DataChunk chunk_;
};

/// A snapshot of the table read as the topic's columns; read-only.
class BackfillTable : public TableStorage {
 public:
  /// Without `state`, scans read nothing: they only check the columns asked for.
  BackfillTable(std::shared_ptr<iceberg::IcebergTable> table,
                std::shared_ptr<const iceberg::TableState> state, const TableEntry& topic,
                const std::vector<int>& columns, std::string what)
      : table_(std::move(table)),
        state_(std::move(state)),
        topic_(topic),
        columns_(columns),
        what_(std::move(what)) {}

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>&) override {
    // The columns the optimized plan reads: the table must have them but where a record was, which a sink's
    // table often leaves out (those read NULL).
    for (size_t id : column_ids) {
      if (id < columns_.size() && columns_[id] < 0 && id != kTopicPartitionColumn &&
          id != kTopicOffsetColumn) {
        throw CatalogError(sqlstate::kUndefinedColumn, what_ + " has no column \"" + topic_.columns[id].name +
                                                           "\", which the view reads from topic \"" +
                                                           topic_.name + "\"");
      }
    }
    auto scan = std::make_unique<BackfillScanState>();
    if (!state_) return scan;
    // (Filters are left to the engine, which applies them anyway: the table's columns may have other types.)
    const std::vector<LogicalType> topic_types = topic_.Types();
    const auto& fields = state_->metadata.CurrentSchema().fields;
    std::vector<size_t> read;
    for (size_t id : column_ids) {
      scan->types.push_back(topic_types.at(id));
      const int column = columns_.at(id);
      scan->from.push_back(column < 0 ? -1 : static_cast<int>(read.size()));
      if (column >= 0) {
        read.push_back(static_cast<size_t>(column));
        scan->inner_types.push_back(fields.at(static_cast<size_t>(column)).type);
      }
    }
    if (read.empty()) {  // only NULL columns: the rows still count
      read.push_back(0);
      scan->inner_types.push_back(fields.at(0).type);
    }
    scan->inner = table_->InitScanAt(state_, read);
    return scan;
  }
  size_t MorselCount(const TableScanState& state) const override {
    const auto& scan = static_cast<const BackfillScanState&>(state);
    return scan.inner ? table_->MorselCount(*scan.inner) : 0;
  }
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override {
    auto& scan = static_cast<BackfillScanState&>(state);
    return std::make_unique<BackfillReader>(table_->OpenMorsel(*scan.inner, morsel), scan);
  }
  std::unique_ptr<Writer> BeginWrite() override {
    throw InternalError("a view's back-fill input is read-only");
  }
  int64_t RowCount() const override { return state_ ? state_->row_count : 0; }
  int64_t SizeInBytes() const override { return table_->SizeInBytes(); }

 private:
  std::shared_ptr<iceberg::IcebergTable> table_;
  std::shared_ptr<const iceberg::TableState> state_;
  const TableEntry topic_;
  std::vector<int> columns_;
  std::string what_;
};

}  // namespace

BackfillSource::BackfillSource(Catalog& catalog, const std::string& view, const std::string& table_name,
                               std::shared_ptr<TableEntry> topic, QueryEngine& engine,
                               const std::vector<const LogicalOperator*>& plans)
    : view_(view), topic_(std::move(topic)) {
  const size_t dot = table_name.find('.');
  const std::string schema = dot == std::string::npos ? Catalog::kDefaultSchema : table_name.substr(0, dot);
  const std::string name = dot == std::string::npos ? table_name : table_name.substr(dot + 1);
  table_name_ = schema + "." + name;
  what_ = "materialized view " + view_ + ": backfill table \"" + table_name_ + "\"";
  auto entry = catalog.GetTable(schema, name);
  if (!entry) throw CatalogError(sqlstate::kUndefinedTable, what_ + " does not exist");
  table_ = std::dynamic_pointer_cast<iceberg::IcebergTable>(entry->storage);
  const std::string& topic_name = topic_->name;
  std::vector<std::string> sinks;
  for (const auto& sink : catalog.SinksInto(schema, name)) {
    if (sink->topic == topic_name) sinks.push_back(sink->qualified_name());
  }
  if (!table_ || sinks.empty()) {
    throw CatalogError(sqlstate::kWrongObjectType, what_ + " is not where a sink lands topic \"" +
                                                       topic_name + "\" (CREATE SINK ... FROM " + topic_name +
                                                       " INTO " + table_name_ +
                                                       "): only such a table holds the topic's history");
  }
  if (sinks.size() > 1) {
    throw NotImplementedError(what_ + " is fed by " + std::to_string(sinks.size()) + " sinks of topic \"" +
                              topic_name + "\" (" + sinks[0] + ", " + sinks[1] +
                              "): its rows are not one copy of the topic's records");
  }
  sink_ = sinks[0];

  // Each topic column by name among the table's. The plans run over no rows: their scans ask for the
  // columns they read, which the table must have (BackfillTable::InitScan checks).
  columns_.assign(topic_->columns.size(), -1);
  for (size_t c = 0; c < topic_->columns.size(); c++)
    columns_[c] = entry->ColumnIndex(topic_->columns[c].name);
  auto probe = std::make_shared<TableEntry>(*topic_);
  probe->storage = std::make_shared<BackfillTable>(table_, nullptr, *topic_, columns_, what_);
  for (const LogicalOperator* plan : plans) {
    if (plan) engine.Run(ReadingFrom(*plan, probe), 0, [](const DataChunk&) { return true; });
  }
}

BackfillSource::~BackfillSource() = default;

BackfillPoint BackfillSource::Current() const {
  std::shared_ptr<const iceberg::TableState> state = table_->State();
  const std::string offsets = iceberg::CommittedProperty(state->metadata, SinkOffsetsKey(sink_));
  if (!state->metadata.current_snapshot_id || offsets.empty()) {
    throw Exception(sqlstate::kObjectNotInPrerequisiteState,
                    "materialized view " + view_ + ": sink " + sink_ + " has not committed to table \"" +
                        table_name_ + "\" yet, so the table holds no known part of topic \"" + topic_->name +
                        "\" to back-fill from");
  }
  BackfillPoint point;
  point.snapshot_id = *state->metadata.current_snapshot_id;
  point.offsets = DecodeSinkOffsets(offsets);
  point.rows = state->row_count;
  return point;
}

std::shared_ptr<TableEntry> BackfillSource::Input(int64_t snapshot_id) const {
  std::shared_ptr<const iceberg::TableState> state;
  try {
    state = table_->StateAt(snapshot_id);
  } catch (const CatalogError&) {
    throw CatalogError(sqlstate::kUndefinedObject,
                       what_ + ": its snapshot " + std::to_string(snapshot_id) +
                           ", which the back-fill epoch's plan recorded, is gone (expired): "
                           "drop the view and create it again");
  }
  auto entry = std::make_shared<TableEntry>(*topic_);
  entry->storage = std::make_shared<BackfillTable>(table_, std::move(state), *topic_, columns_, what_);
  return entry;
}

}  // namespace basin::stream
