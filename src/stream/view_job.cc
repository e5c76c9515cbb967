#include "stream/view_job.h"
#include "stream/view_job_internal.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "catalog/catalog.h"
#include "catalog/view_options.h"
#include "common/exception.h"
#include "common/logging.h"
#include "execution/group_hash_table.h"
#include "lake/iceberg_table.h"
#include "lake/topic_table.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "stream/aggregate_states.h"
#include "stream/backfill.h"
#include "stream/join_state.h"
#include "stream/row_codec.h"
#include "stream/session_windows.h"
#include "stream/state_store.h"
#include "stream/topic_output.h"
#include "stream/topic_range.h"

namespace basin::stream {

namespace {

constexpr std::string_view kCheckpointKey = "m/checkpoint";
constexpr std::string_view kPlanKey = "m/plan";
constexpr std::string_view kPausedKey = "m/paused";
int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int64_t RecordsIn(const EpochPlan& plan) {
  int64_t n = plan.backfill_rows + plan.table_rows;
  for (auto [p, end] : plan.to) n += end - plan.from.at(p);
  for (auto [p, end] : plan.join_to) n += end - plan.join_from.at(p);
  return n;
}

/// The aggregate states of `plan` (aggregating kinds; null for an append plan).
std::unique_ptr<AggregateStates> NewStates(const ViewPlan& plan) {
  if (plan.kind == ViewKind::kAppend) return nullptr;
  std::vector<const Expr*> aggregates;
  for (const auto& a : plan.aggregates) aggregates.push_back(a.get());
  return std::make_unique<AggregateStates>(std::move(aggregates), plan.retracting);
}

std::string EncodeCheckpoint(const Checkpoint& c) {
  nlohmann::json watermarks = nlohmann::json::object();
  for (auto [p, w] : c.watermarks) watermarks[std::to_string(p)] = w;
  nlohmann::json active = nlohmann::json::object();
  for (auto [p, t] : c.active) active[std::to_string(p)] = t;
  nlohmann::json j = {{"epoch", c.epoch},           {"offsets", EncodeSinkOffsets(c.offsets)},
                      {"watermarks", watermarks},   {"time_ms", c.time_ms},
                      {"records_in", c.records_in}, {"rows_out", c.rows_out},
                      {"late_rows", c.late_rows}};
  j["watermark"] = c.watermark == INT64_MIN ? nlohmann::json(nullptr) : nlohmann::json(c.watermark);
  j["active"] = active;
  j["outputs"] = EncodeSinkOffsets(c.outputs);
  if (!c.join_offsets.empty()) j["join_offsets"] = EncodeSinkOffsets(c.join_offsets);
  if (c.join_rows != 0) j["join_rows"] = c.join_rows;
  if (c.table_snapshot != 0) j["table_snapshot"] = c.table_snapshot;
  if (!c.join_watermarks.empty()) {
    nlohmann::json marks = nlohmann::json::object();
    for (auto [p, w] : c.join_watermarks) marks[std::to_string(p)] = w;
    j["join_watermarks"] = marks;
  }
  if (c.join_side_watermarks != Checkpoint{}.join_side_watermarks)
    j["join_side_watermarks"] = {c.join_side_watermarks[0], c.join_side_watermarks[1]};
  return j.dump();
}

Checkpoint DecodeCheckpoint(const std::string& text) {
  Checkpoint c;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    c.epoch = j.at("epoch").get<int64_t>();
    c.offsets = DecodeSinkOffsets(j.at("offsets").get<std::string>());
    for (auto& [p, w] : j.at("watermarks").items()) c.watermarks[std::stoi(p)] = w.get<int64_t>();
    c.watermark = j.at("watermark").is_null() ? INT64_MIN : j.at("watermark").get<int64_t>();
    if (j.contains("outputs")) c.outputs = DecodeSinkOffsets(j.at("outputs").get<std::string>());
    if (j.contains("active")) {
      for (auto& [p, t] : j.at("active").items()) c.active[std::stoi(p)] = t.get<int64_t>();
    }
    c.time_ms = j.at("time_ms").get<int64_t>();
    c.records_in = j.at("records_in").get<int64_t>();
    c.rows_out = j.at("rows_out").get<int64_t>();
    c.late_rows = j.at("late_rows").get<int64_t>();
    if (j.contains("join_rows")) c.join_rows = j.at("join_rows").get<int64_t>();
    if (j.contains("table_snapshot")) c.table_snapshot = j.at("table_snapshot").get<int64_t>();
    if (j.contains("join_offsets"))
      c.join_offsets = DecodeSinkOffsets(j.at("join_offsets").get<std::string>());
    if (j.contains("join_watermarks")) {
      for (auto& [p, w] : j.at("join_watermarks").items()) c.join_watermarks[std::stoi(p)] = w.get<int64_t>();
    }
    if (j.contains("join_side_watermarks")) {
      for (size_t s = 0; s < 2; s++)
        c.join_side_watermarks[s] = j.at("join_side_watermarks").at(s).get<int64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(sqlstate::kDataCorrupted,
                    std::string("stream state: unreadable checkpoint: ") + e.what());
  }
  return c;
}

std::string EncodePlan(const EpochPlan& p) {
  nlohmann::json j = {{"epoch", p.epoch},
                      {"from", EncodeSinkOffsets(p.from)},
                      {"to", EncodeSinkOffsets(p.to)},
                      {"time_us", p.time_us}};
  if (p.backfill_snapshot != 0) {
    j["backfill_snapshot"] = p.backfill_snapshot;
    j["backfill_rows"] = p.backfill_rows;
  }
  if (p.table_to != 0) {
    j["table_from"] = p.table_from;
    j["table_to"] = p.table_to;
    j["table_rows"] = p.table_rows;
  }
  if (!p.join_to.empty()) {
    j["join_from"] = EncodeSinkOffsets(p.join_from);
    j["join_to"] = EncodeSinkOffsets(p.join_to);
  }
  return j.dump();
}

EpochPlan DecodePlan(const std::string& text) {
  EpochPlan p;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    p.epoch = j.at("epoch").get<int64_t>();
    p.from = DecodeSinkOffsets(j.at("from").get<std::string>());
    p.to = DecodeSinkOffsets(j.at("to").get<std::string>());
    p.time_us = j.at("time_us").get<int64_t>();
    if (j.contains("backfill_snapshot")) {
      p.backfill_snapshot = j.at("backfill_snapshot").get<int64_t>();
      p.backfill_rows = j.at("backfill_rows").get<int64_t>();
    }
    if (j.contains("table_to")) {
      p.table_from = j.at("table_from").get<int64_t>();
      p.table_to = j.at("table_to").get<int64_t>();
      p.table_rows = j.at("table_rows").get<int64_t>();
    }
    if (j.contains("join_to")) {
      p.join_from = DecodeSinkOffsets(j.at("join_from").get<std::string>());
      p.join_to = DecodeSinkOffsets(j.at("join_to").get<std::string>());
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(sqlstate::kDataCorrupted,
                    std::string("stream state: unreadable epoch plan: ") + e.what());
  }
  return p;
}

}  // namespace

// ---- ViewJob

ViewJob::ViewJob(const MaterializedViewEntry& view, Catalog& catalog, log::LogManager& log,
                 std::unique_ptr<QueryEngine> engine, const std::string& state_dir)
    : name_(view.qualified_name()),
      epoch_key_(std::string(iceberg::kCarriedSummaryPrefix) + "job." + view.qualified_name() + ".epoch"),
      log_(log),
      engine_(std::move(engine)) {
  plan_ = ViewPlan::Analyze(engine_->Bind(view.query_sql));
  if (plan_.topic != view.topic) {
    throw CatalogError(sqlstate::kUndefinedTable, "materialized view " + name_ + " read topic \"" +
                                                      view.topic + "\"; its query now reads \"" +
                                                      plan_.topic + "\"");
  }
  // The topic's scan, to be replaced by each epoch's offset ranges (each side's, of a join of two topics).
  auto find_topic = [](const LogicalOperator& plan) {
    const LogicalOperator* scan = FindTopicScan(plan);
    if (!scan || !std::dynamic_pointer_cast<TopicTable>(scan->table->storage))
      throw InternalError("a materialized view's source is not a topic");
    return scan->table;
  };
  // A view over stages reads their topics: the first stage's (they all read the same, ViewPlan::Analyze).
  const ViewPlan& reader = plan_.stages.empty() ? plan_ : *plan_.stages[0].plan;
  if (plan_.table_source) {
    // A view over a lake table: its snapshots in place of offsets.
    source_ = plan_.table_source;
    source_table_ = std::dynamic_pointer_cast<iceberg::IcebergTable>(source_->storage);
    if (!source_table_) throw InternalError("a materialized view's source table is not a lake table");
    source_schema_id_ = source_table_->State()->metadata.current_schema_id;
  } else {
    source_ = find_topic(reader.join ? *reader.join->sides[0].plan : *reader.input);
    topic_ = std::dynamic_pointer_cast<TopicTable>(source_->storage);
  }
  if (reader.join) {
    join_source_ = find_topic(*reader.join->sides[1].plan);
    join_topic_ = std::dynamic_pointer_cast<TopicTable>(join_source_->storage);
  }

  auto open_table = [&](const std::string& name, const std::vector<std::string>& names,
                        const std::vector<LogicalType>& types) {
    auto entry = catalog.GetTable(view.schema, name);
    auto table = entry ? std::dynamic_pointer_cast<iceberg::IcebergTable>(entry->storage) : nullptr;
    if (!table) {
      throw CatalogError(sqlstate::kUndefinedTable, "table \"" + view.schema + "." + name +
                                                        "\" of materialized view " + name_ + " is missing");
    }
    bool same = entry->columns.size() == names.size();
    for (size_t c = 0; same && c < names.size(); c++) same = entry->columns[c].type == types[c];
    if (!same) {
      std::string wanted;
      for (size_t c = 0; c < names.size(); c++)
        wanted += (c ? ", " : "") + names[c] + " " + types[c].ToString();
      throw CatalogError(sqlstate::kDatatypeMismatch,
                         "materialized view " + name_ + ": its query now gives (" + wanted +
                             "), which its table \"" + name + "\" does not hold");
    }
    return table;
  };
  if (view.options.count(kViewOutput)) {
    // CREATE STREAM: its topic, as a table.
    const LogicalOperatorPtr scan = engine_->Bind("SELECT * FROM " + Quoted(view.name)).plan;
    std::vector<const LogicalOperator*> ops{scan.get()};
    std::shared_ptr<TableEntry> topic;
    while (!ops.empty() && !topic) {
      const LogicalOperator* op = ops.back();
      ops.pop_back();
      if (op->type == LogicalOpType::kGet) topic = op->table;
      for (auto& c : op->children) ops.push_back(c.get());
    }
    if (!topic || !std::dynamic_pointer_cast<TopicTable>(topic->storage))
      throw CatalogError(sqlstate::kUndefinedTable, "the topic of stream " + name_ + " is missing");
    auto key = view.options.find(kStreamKey);
    topic_output_ = std::make_unique<TopicOutput>(log, topic, key == view.options.end() ? "" : key->second);
  } else {
    table_ = open_table(view.name, plan_.names, plan_.types);
  }
  if (const ViewPlan* windowed = plan_.Windowed()) {
    if (!view.late_table.empty()) {
      late_table_ = open_table(view.late_table, LateColumnNames(), LateColumnTypes(windowed->time_type));
    }
    // The watermark: the topic's declared one (WATERMARK FOR ts AS ...), else the window's time itself (a
    // lake table's too, as one partition).
    const log::TopicSchema no_schema;
    const log::TopicSchema& schema = topic_ ? topic_->schema() : no_schema;
    std::string watermark = Quoted(windowed->window->time_column);
    if (!schema.watermark_column.empty()) {
      if (schema.watermark_column != windowed->window->time_column) {
        throw NotImplementedError("the windows of materialized view " + name_ + " are over \"" +
                                  windowed->window->time_column + "\", but topic \"" + plan_.topic +
                                  "\" declares its watermark for \"" + schema.watermark_column +
                                  "\": window over the watermark's column");
      }
      watermark = schema.watermark_expression;
    }
    const std::string cast = "max(CAST((" + watermark + ") AS " + windowed->time_type.ToString() + "))";
    watermark_plan_ = engine_
                          ->Bind(source_table_ ? "SELECT 0, " + cast + " FROM " + Quoted(source_->schema) +
                                                     "." + Quoted(source_->name)
                                               : "SELECT _partition, " + cast + " FROM " +
                                                     Quoted(plan_.topic) + " GROUP BY _partition")
                          .plan;
  }
  // allowed_lateness (ms) and emit, for windows.
  auto option = view.options.find(kViewAllowedLatenessMs);
  if (option != view.options.end()) lateness_ = std::stoll(option->second) * 1000;
  option = view.options.find(kViewEmit);
  on_update_ = option != view.options.end() && option->second == "on_update";
  option = view.options.find(kViewIdleTimeoutMs);
  if (option != view.options.end()) idle_ = std::stoll(option->second) * 1000;
  if ((lateness_ > 0 || on_update_) && plan_.kind != ViewKind::kWindowed) {
    throw Exception(sqlstate::kInvalidParameterValue,
                    "materialized view " + name_ +
                        ": allowed_lateness and emit apply to windowed views (GROUP "
                        "BY window_start, window_end of TUMBLE or HOP)");
  }
  // Topic `s`'s watermark plan (of a join): its declared WATERMARK, as `type`, by partition.
  auto side_watermark_plan = [&](size_t s, const LogicalType& type) {
    return engine_
        ->Bind("SELECT _partition, max(CAST((" +
               (s == 0 ? topic_ : join_topic_)->schema().watermark_expression + ") AS " + type.ToString() +
               ")) FROM " + Quoted(s == 0 ? plan_.topic : join_source_->name) + " GROUP BY _partition")
        .plan;
  };
  if (plan_.join && plan_.join->window_end_key >= 0) {
    // A window join's watermark: the least of both topics' declared ones (over the windows' time columns);
    // without them its state is kept for ever.
    StreamJoin& join = *plan_.join;
    for (size_t s = 0; s < 2; s++) {
      const log::TopicSchema& schema = (s == 0 ? topic_ : join_topic_)->schema();
      if (schema.watermark_column.empty() || schema.watermark_column != join.sides[s].window_time_column)
        join.window_end_key = -1;
    }
    if (join.window_end_key >= 0) {
      watermark_plan_ = side_watermark_plan(0, join.late_time_type);
      join_watermark_plan_ = side_watermark_plan(1, join.late_time_type);
    }
  }
  // An interval join (its own or its first stage's, join_bounds.h): each timed side's topic's watermark.
  StreamJoin* interval = plan_.join ? plan_.join.get() : reader.join.get();
  if (interval && interval->Interval() && plan_.Windowed()) interval->KeepAll();  // windows own the watermark
  if (interval && interval->Interval()) {
    join_sides_ = true;
    if (interval->sides[0].timed) watermark_plan_ = side_watermark_plan(0, interval->sides[0].time_type);
    if (interval->sides[1].timed) join_watermark_plan_ = side_watermark_plan(1, interval->sides[1].time_type);
  }
  const StreamJoin* late_join = plan_.join ? plan_.join.get() : reader.join.get();
  if (!late_table_ && !view.late_table.empty() && late_join && late_join->CanBeLate()) {
    late_table_ = open_table(view.late_table, LateColumnNames(), LateColumnTypes(late_join->late_time_type));
  }
  states_ = NewStates(plan_);
  for (size_t k = 0; k < plan_.stages.size(); k++)
    stages_.push_back(std::unique_ptr<ViewJob>(new ViewJob(*this, std::move(*plan_.stages[k].plan), k)));
  store_ = std::make_unique<StateStore>(state_dir);
  option = view.options.find(kViewBackfill);
  if (option != view.options.end() && LoadCheckpoint().epoch == 0) {
    if (join_source_) {
      throw NotImplementedError("materialized view " + name_ +
                                ": backfill is for views over one topic, not a join of two topics, yet");
    }
    // The plans that read the topic: the view's input, or its stages' (and its records side); the
    // watermark's.
    std::vector<const LogicalOperator*> reading{watermark_plan_.get()};
    if (stages_.empty()) reading.push_back(plan_.input.get());
    for (const auto& stage : stages_) reading.push_back(stage->plan_.input.get());
    if (plan_.records) reading.push_back(plan_.records->plan.get());
    backfill_ = std::make_shared<BackfillSource>(catalog, name_, option->second, source_, *engine_, reading);
    for (const auto& stage : stages_) stage->backfill_ = backfill_;
    (void)backfill_->Current();  // the sink has committed
  }
}

ViewJob::ViewJob(const ViewJob& top, ViewPlan plan, size_t number)
    : name_(top.name_ + " (stage " + std::to_string(number + 1) + ")"),
      epoch_key_(top.epoch_key_),
      log_(top.log_),
      engine_(top.engine_),
      plan_(std::move(plan)),
      source_(top.source_),
      topic_(top.topic_),
      join_source_(top.join_source_),
      join_topic_(top.join_topic_) {
  // The view's watermark is its topic's alone: a window join in a stage keeps its rows as any join does (an
  // interval join's per-side watermarks are the top job's, in the checkpoint they share).
  if (plan_.join) plan_.join->window_end_key = -1;
  states_ = NewStates(plan_);
}

ViewJob::~ViewJob() = default;

Checkpoint ViewJob::LoadCheckpoint() const {
  std::optional<std::string> text = store_->Get(kCheckpointKey);
  return text ? DecodeCheckpoint(*text) : Checkpoint{};
}

void ViewJob::StartAt(const SinkOffsets& offsets) {
  Checkpoint checkpoint = LoadCheckpoint();
  if (checkpoint.epoch != 0) throw InternalError("a view starts before its first epoch");
  if (source_table_) {
    throw Exception(sqlstate::kInvalidParameterValue,
                    "materialized view " + name_ + " reads a lake table: it starts from its first snapshot");
  }
  checkpoint.offsets = offsets;
  if (join_source_) checkpoint.join_offsets = HighWatermarks(log_, join_source_->name);
  store_->Put(kCheckpointKey, EncodeCheckpoint(checkpoint));
}

std::shared_ptr<TableStorage> ViewJob::TableRows(int64_t from, int64_t to) const {
  if (source_table_->State()->metadata.current_schema_id != source_schema_id_) {
    throw Exception(sqlstate::kObjectNotInPrerequisiteState,
                    "materialized view " + name_ + ": the columns of table " + source_->schema + "." + source_->name +
                        " changed since the view was opened; it opens again with them on its next run");
  }
  // The first epoch reads the table as it is (whatever deleted or updated rows before); later ones, what the
  // appends after the snapshot read up to added.
  if (from == 0) return source_table_->AsOf(to, std::nullopt);
  return source_table_->AppendsBetween(from, to);
}

void ViewJob::StartAtTable(std::optional<int64_t> time_ms) {
  Checkpoint checkpoint = LoadCheckpoint();
  if (checkpoint.epoch != 0 || !source_table_) throw InternalError("a view over a table starts before its first epoch");
  const iceberg::TableMetadata& md = source_table_->State()->metadata;
  int64_t snapshot = 0;  // none: from the first
  if (!time_ms) {
    snapshot = md.current_snapshot_id.value_or(0);
  } else {
    for (const auto& [ms, id] : md.snapshot_log) {
      if (ms <= *time_ms) snapshot = id;
    }
  }
  checkpoint.table_snapshot = snapshot;
  store_->Put(kCheckpointKey, EncodeCheckpoint(checkpoint));
}

int64_t ViewJob::Lag() const {
  const Checkpoint checkpoint = LoadCheckpoint();
  if (source_table_) {  // the rows appended since the snapshot read up to
    const std::optional<int64_t> current = source_table_->State()->metadata.current_snapshot_id;
    if (!current || (checkpoint.table_snapshot != 0 && *current == checkpoint.table_snapshot)) return 0;
    return TableRows(checkpoint.table_snapshot, *current)->RowCount();
  }
  int64_t lag = RecordsAfter(log_, plan_.topic, checkpoint.offsets);
  if (join_source_) lag += RecordsAfter(log_, join_source_->name, checkpoint.join_offsets);
  return lag;
}

std::array<SinkOffsets, 2> ViewJob::Ends() const {
  std::array<SinkOffsets, 2> ends;
  if (source_table_) {  // a lake table's current snapshot, as partition 0's end
    const std::optional<int64_t> current = source_table_->State()->metadata.current_snapshot_id;
    if (current) ends[0][0] = *current;
    return ends;
  }
  ends[0] = HighWatermarks(log_, plan_.topic);
  if (join_source_) ends[1] = HighWatermarks(log_, join_source_->name);
  return ends;
}

bool ViewJob::Reached(const std::array<SinkOffsets, 2>& ends) const {
  const Checkpoint checkpoint = LoadCheckpoint();
  if (backfill_ && checkpoint.epoch == 0)
    return false;  // the back-fill epoch comes first, whatever the topic holds
  if (source_table_) return ends[0].empty() || checkpoint.table_snapshot == ends[0].at(0);
  for (size_t t = 0; t < 2; t++) {
    const std::string& topic = t == 0 || !join_source_ ? plan_.topic : join_source_->name;
    const SinkOffsets& at = t == 0 ? checkpoint.offsets : checkpoint.join_offsets;
    for (auto [p, end] : ends[t]) {
      auto it = at.find(p);
      const int64_t read = it != at.end() ? it->second : log_.GetPartition(topic, p)->log_start_offset();
      if (read < end) return false;
    }
  }
  return true;
}

int64_t ViewJob::StateBytes() const {
  return store_->SizeInBytes();
}

bool ViewJob::Paused() const {
  return store_->Get(kPausedKey).has_value();
}

void ViewJob::SetPaused(bool paused) {
  StateBatch batch(*store_);
  if (paused) {
    batch.Put(kPausedKey, "");
  } else {
    batch.Delete(kPausedKey);
  }
  store_->Commit(batch);
}

bool ViewJob::PlanEpoch(const Checkpoint& checkpoint, int64_t max_records, EpochPlan& plan) const {
  // Every partition gets an equal share of the budget first, then what the others left, so that one
  // partition's backlog does not hold the others' records (and the watermark) back.
  // (A join of two topics reads both: their partitions share the budget.)
  struct Range {
    int topic;  // 0: the view's, 1: a join's right topic
    int32_t partition;
    int64_t begin, end;
  };
  if (source_table_) {
    // A lake table: the rows appended since the snapshot read up to, whole snapshots, as many as
    // `max_records` takes (at least one).
    const iceberg::TableMetadata& md = source_table_->State()->metadata;
    if (!md.current_snapshot_id || *md.current_snapshot_id == checkpoint.table_snapshot) return false;
    std::vector<const iceberg::Snapshot*> chain;  // newest first, down to the one after the checkpoint's
    for (const iceberg::Snapshot* s = checkpoint.table_snapshot == 0 ? nullptr : md.FindSnapshot(*md.current_snapshot_id);
         s && s->snapshot_id != checkpoint.table_snapshot; s = s->parent_id ? md.FindSnapshot(*s->parent_id) : nullptr)
      chain.push_back(s);
    plan.table_to = *md.current_snapshot_id;
    int64_t rows = 0;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      auto op = (*it)->summary.find("operation");
      auto added = (*it)->summary.find("added-records");
      if (op != (*it)->summary.end() && op->second == "append" && added != (*it)->summary.end())
        rows += std::stoll(added->second);
      if (rows >= max_records) {
        plan.table_to = (*it)->snapshot_id;
        break;
      }
    }
    plan.epoch = checkpoint.epoch + 1;
    plan.time_us = NowMicros();
    plan.table_from = checkpoint.table_snapshot;
    plan.table_rows = TableRows(plan.table_from, plan.table_to)->RowCount();
    return true;
  }
  if (backfill_ && checkpoint.epoch == 0) {
    // The first epoch of a back-fill: the sink's table at its current snapshot, the topic after it.
    const BackfillPoint point = backfill_->Current();
    plan.epoch = 1;
    plan.time_us = NowMicros();
    plan.from = plan.to = point.offsets;
    plan.backfill_snapshot = point.snapshot_id;
    plan.backfill_rows = point.rows;
    return true;
  }
  std::vector<Range> ranges;
  for (int t = 0; t < (join_source_ ? 2 : 1); t++) {
    const std::string& topic = t == 0 ? plan_.topic : join_source_->name;
    const SinkOffsets& offsets = t == 0 ? checkpoint.offsets : checkpoint.join_offsets;
    for (auto [p, end] : HighWatermarks(log_, topic)) {
      const int64_t start = log_.GetPartition(topic, p)->log_start_offset();
      auto it = offsets.find(p);
      int64_t begin = it == offsets.end() ? start : it->second;
      if (begin < start) {
        LogLine(LogLevel::kWarning, "materialized view " + name_ + ": records " + std::to_string(begin) +
                                        " to " + std::to_string(start - 1) + " of partition " +
                                        std::to_string(p) + " of " + topic +
                                        " were deleted by retention before they were read");
        begin = start;
      }
      ranges.push_back({t, p, begin, std::max(begin, end)});
    }
  }
  if (ranges.empty()) return false;
  const int64_t share = std::max<int64_t>(1, max_records / static_cast<int64_t>(ranges.size()));
  int64_t budget = max_records, total = 0;
  std::vector<int64_t> take(ranges.size());
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < ranges.size(); i++) {
      const int64_t want = ranges[i].end - ranges[i].begin - take[i];
      const int64_t more = std::min({want, budget, pass == 0 ? share : budget});
      take[i] += more;
      budget -= more;
      total += more;
    }
  }
  if (total == 0) return false;
  plan.epoch = checkpoint.epoch + 1;
  plan.time_us = NowMicros();
  for (size_t i = 0; i < ranges.size(); i++) {
    SinkOffsets& from = ranges[i].topic == 0 ? plan.from : plan.join_from;
    SinkOffsets& to = ranges[i].topic == 0 ? plan.to : plan.join_to;
    from[ranges[i].partition] = ranges[i].begin;
    to[ranges[i].partition] = ranges[i].begin + take[i];
  }
  return true;
}

std::shared_ptr<TableEntry> ViewJob::Input(const EpochPlan& plan, bool right) const {
  if (source_table_) {
    auto entry = std::make_shared<TableEntry>(*source_);
    entry->storage = TableRows(plan.table_from, plan.table_to);
    return entry;
  }
  if (plan.backfill_snapshot != 0) {
    if (!backfill_) throw InternalError("materialized view " + name_ + ": a back-fill epoch after the first");
    return backfill_->Input(plan.backfill_snapshot);
  }
  auto entry = std::make_shared<TableEntry>(right ? *join_source_ : *source_);
  entry->storage = right ? std::make_shared<TopicRangeTable>(join_topic_, plan.join_from, plan.join_to)
                         : std::make_shared<TopicRangeTable>(topic_, plan.from, plan.to);
  return entry;
}

int64_t ViewJob::AdvanceWatermark(const EpochPlan& plan, Checkpoint& checkpoint) {
  auto fold = [&](const LogicalOperator& watermark_plan, bool right, std::map<int32_t, int64_t>& watermarks) {
    engine_->Run(ReadingFrom(watermark_plan, Input(plan, right), plan_.table_source.get()), plan.time_us,
                 [&](const DataChunk& chunk) {
                   for (size_t r = 0; r < chunk.size(); r++) {
                     const Value p = chunk.GetValue(0, r), w = chunk.GetValue(1, r);
                     if (w.IsNull()) continue;
                     auto raise = [&](int32_t partition) {
                       auto [it, fresh] = watermarks.emplace(partition, w.GetInt64());
                       if (!fresh) it->second = std::max(it->second, w.GetInt64());
                     };
                     if (!p.IsNull()) {
                       raise(static_cast<int32_t>(p.GetInt64()));
                     } else if (plan.backfill_snapshot != 0) {
                       for (auto [q, _] : plan.to)
                         raise(q);  // a back-fill table without _partition: the max of all rows
                     }
                   }
                   return true;
                 });
  };
  if (watermark_plan_) fold(*watermark_plan_, false, checkpoint.watermarks);
  // A window join's: the least of both topics', once each has had data.
  if (join_watermark_plan_) fold(*join_watermark_plan_, true, checkpoint.join_watermarks);
  if (!join_sides_ &&
      (checkpoint.watermarks.empty() || (join_watermark_plan_ && checkpoint.join_watermarks.empty())))
    return checkpoint.watermark;
  // A partition (of the view's topic; a join's second topic has none) idle for idle_timeout, by the epochs'
  // recorded processing times, does not hold the watermark back; its records, when they come again, may
  // then be late.
  for (auto [p, end] : plan.to) {
    if (end > plan.from.at(p)) checkpoint.active[p] = plan.time_us;
  }
  int64_t least = INT64_MAX;
  for (auto [p, w] : checkpoint.watermarks) {
    auto active = checkpoint.active.find(p);
    const bool idle =
        idle_ > 0 && active != checkpoint.active.end() && plan.time_us - active->second >= idle_;
    if (!idle) least = std::min(least, w);
  }
  if (join_sides_) return AdvanceJoinSides(checkpoint, least);
  for (auto [p, w] : checkpoint.join_watermarks) least = std::min(least, w);
  if (least == INT64_MAX) return checkpoint.watermark;  // every partition idle
  return std::max(checkpoint.watermark, least);
}

int64_t ViewJob::AdvanceJoinSides(Checkpoint& checkpoint, int64_t left) const {
  // An interval join: each topic's own watermark, never going back (INT64_MAX: every partition idle); the
  // view's is the least of the timed sides'.
  int64_t right = INT64_MAX;
  for (auto [p, w] : checkpoint.join_watermarks) right = std::min(right, w);
  checkpoint.join_side_closed = checkpoint.join_side_watermarks;
  const std::array<int64_t, 2> least{left, right};
  int64_t view = INT64_MAX;
  for (size_t s = 0; s < 2; s++) {
    if (least[s] != INT64_MAX)
      checkpoint.join_side_watermarks[s] = std::max(checkpoint.join_side_watermarks[s], least[s]);
    if (s == 0 ? watermark_plan_ != nullptr : join_watermark_plan_ != nullptr)
      view = std::min(view, checkpoint.join_side_watermarks[s]);
  }
  return view == INT64_MAX ? checkpoint.watermark : std::max(checkpoint.watermark, view);
}

void ViewJob::RunOutput(const EpochPlan& plan, std::unique_ptr<DataChunk> rows,
                        const std::function<void(const DataChunk&)>& out) {
  std::vector<std::unique_ptr<DataChunk>> chunks;
  chunks.push_back(std::move(rows));
  RunOutput(plan, std::move(chunks), out);
}

void ViewJob::RunOutput(const EpochPlan& plan, std::vector<std::unique_ptr<DataChunk>> rows,
                        const std::function<void(const DataChunk&)>& out) {
  *plan_.output_rows = std::move(rows);
  try {
    engine_->Run(plan_.output->Copy(), plan.time_us, [&](const DataChunk& chunk) {
      out(chunk);
      return true;
    });
  } catch (...) {
    plan_.output_rows->clear();
    throw;
  }
  plan_.output_rows->clear();
}

EpochResult ViewJob::RunEpoch(int64_t max_records) {
  Checkpoint checkpoint = LoadCheckpoint();
  EpochPlan plan;
  std::optional<std::string> recorded = store_->Get(kPlanKey);
  if (recorded && DecodePlan(*recorded).epoch == checkpoint.epoch + 1) {
    plan = DecodePlan(*recorded);  // planned before a crash: the same records again
  } else {
    if (!PlanEpoch(checkpoint, max_records, plan)) return {};
    store_->Put(kPlanKey, EncodePlan(plan));
  }
  CrashHere(CrashPoint::kAfterPlan);

  const bool updates = plan_.kind == ViewKind::kChangelog || plan_.kind == ViewKind::kTopN || lateness_ > 0 ||
                       on_update_ || plan_.retracting;
  Output view(table_, epoch_key_, plan.epoch, /*buffered=*/updates);
  std::optional<Output> late;
  if (late_table_) late.emplace(late_table_, epoch_key_, plan.epoch, /*buffered=*/false);
  StateBatch batch(*store_);
  EpochResult result;
  result.epoch = plan.epoch;
  result.records = RecordsIn(plan);
  // Rows of windows the previous epochs closed are late; this epoch's records move the watermark on (the
  // watermark of a window join: the least of both topics').
  const int64_t closed = checkpoint.watermark;
  const int64_t watermark =
      watermark_plan_ || join_watermark_plan_ ? AdvanceWatermark(plan, checkpoint) : closed;
  RunKind(plan, checkpoint, closed, watermark, batch, view, late ? &*late : nullptr, result);
  checkpoint.watermark = watermark;
  view.Commit(name_, plan_.names.size());
  if (topic_output_)
    checkpoint.outputs = topic_output_->Commit(view.pending, checkpoint.outputs, plan.time_us / 1000);
  if (late) late->Commit(name_, 6);
  CrashHere(CrashPoint::kAfterOutput);
  result.rows = view.rows;
  checkpoint.epoch = plan.epoch;
  checkpoint.offsets = plan.to;
  checkpoint.join_offsets = plan.join_to;
  if (plan.table_to != 0) checkpoint.table_snapshot = plan.table_to;
  checkpoint.time_ms = NowMicros() / 1000;
  checkpoint.records_in += result.records;
  checkpoint.rows_out += result.rows;
  checkpoint.late_rows += result.late;
  batch.Put(kCheckpointKey, EncodeCheckpoint(checkpoint));
  batch.Delete(kPlanKey);
  store_->Commit(batch);
  Maintain(plan.epoch);
  return result;
}

void ViewJob::RunStages(const EpochPlan& plan, Checkpoint& checkpoint, int64_t closed, int64_t watermark,
                        StateBatch& batch, Output* late, EpochResult& result,
                        std::vector<std::vector<std::unique_ptr<DataChunk>>>& retracted) {
  retracted.clear();
  retracted.resize(stages_.size());
  std::vector<const WindowTableFunction*> windows;  // of the stages before
  for (size_t k = 0; k < stages_.size(); k++) {
    ViewJob& stage = *stages_[k];
    // A stage's rows stay in memory for this plan (no table: buffered); its state under "S<k>/".
    Output out(nullptr, epoch_key_, plan.epoch, /*buffered=*/true);
    StateBatch state = batch.Prefixed("S" + std::to_string(k) + "/");
    // Stages over the same windows find the same rows late: the first one routes and counts them.
    const WindowTableFunction* window = stage.plan_.window.get();
    const bool seen =
        window && std::any_of(windows.begin(), windows.end(), [&](const WindowTableFunction* w) {
          return w->name == window->name && w->size == window->size && w->slide == window->slide &&
                 w->time_column == window->time_column;
        });
    if (window) windows.push_back(window);
    EpochResult counted;
    stage.RunKind(plan, checkpoint, closed, watermark, state, out, seen ? nullptr : late, counted);
    if (!seen) result.late += counted.late;
    *plan_.stages[k].rows = std::move(out.pending);
    const std::vector<LogicalType>& types = stage.plan_.types;
    for (const auto& [row, count] : out.retract) {
      for (int64_t i = 0; i < count; i++) {
        if (retracted[k].empty() || retracted[k].back()->size() == kVectorSize)
          retracted[k].push_back(std::make_unique<DataChunk>(types));
        DataChunk& chunk = *retracted[k].back();
        std::string_view in = row;
        DecodeRow(in, chunk, 0, types.size(), chunk.size());
        chunk.SetCardinality(chunk.size() + 1);
      }
    }
  }
}

void ViewJob::RunKind(const EpochPlan& plan, Checkpoint& checkpoint, int64_t closed, int64_t watermark,
                      StateBatch& batch, Output& view, Output* late, EpochResult& result) {
  // A view over stages: they run first; the input reads what they emitted (then what they retracted).
  std::vector<std::vector<std::unique_ptr<DataChunk>>> retracted;
  if (!stages_.empty()) RunStages(plan, checkpoint, closed, watermark, batch, late, result, retracted);
  auto run_input = [&](const std::function<void(const DataChunk&)>& rows) {
    auto emit = [&](const DataChunk& chunk) {
      rows(chunk);
      return true;
    };
    if (!plan_.join) {
      engine_->Run(ReadingFrom(*plan_.input, Input(plan), plan_.table_source.get()), plan.time_us, emit);
      return;
    }
    // A join of two topics: the plan reads the join's new pairs, in two passes (join_state.h); a window
    // join's watermark closes windows.
    JoinEpoch epoch{plan.epoch, plan.time_us, closed, watermark};
    epoch.side_closed = checkpoint.join_side_closed;
    epoch.side_watermark = checkpoint.join_side_watermarks;
    if (late) epoch.late_rows = [&](const DataChunk& rows) { late->Append(rows); };
    const JoinEpochResult joined =
        RunStreamJoin(*plan_.join, *engine_, {Input(plan), Input(plan, /*right=*/true)}, epoch, batch,
                      [&] { engine_->Run(plan_.input->Copy(), plan.time_us, emit); });
    checkpoint.join_rows += joined.kept - joined.expired;
    result.late += joined.late;
  };
  // The same input over the rows the stage retracted (a plan reading a changelog).
  auto run_retracted = [&](const std::function<void(const DataChunk&)>& rows) {
    if (!plan_.retracting) return;
    *plan_.stages[0].rows = std::move(retracted[0]);
    run_input(rows);
  };
  switch (plan_.kind) {
    case ViewKind::kAppend: {
      if (plan_.records) {
        RunRecords(plan, closed, watermark, batch, view, late, result);
        break;
      }
      // (A join's epoch runs even when its output was committed before a crash: it rebuilds the state.)
      if (!view.write && !plan_.join) break;
      run_input([&](const DataChunk& chunk) { view.Append(chunk); });
      const size_t width = plan_.names.size();
      run_retracted([&](const DataChunk& chunk) {
        for (size_t r = 0; r < chunk.size(); r++) {
          std::string row;
          EncodeRow(chunk, 0, width, r, row);
          view.Retract(row);
        }
      });
      break;
    }
    case ViewKind::kWindowed: {
      Aggregation aggregation(plan_, *states_, closed, late, lateness_);
      run_input([&](const DataChunk& chunk) { aggregation.Add(chunk); });
      WindowEmitter emit(*this, plan, view);
      if (plan_.session() && (lateness_ > 0 || on_update_)) {
        UpdateSessions(plan, aggregation, watermark, batch, view);
      } else if (plan_.session()) {
        MergeSessions(aggregation, watermark, batch, emit);
      } else if (lateness_ > 0 || on_update_) {
        UpdateWindows(plan, aggregation, watermark, batch, view);
      } else {
        MergeWindows(aggregation, watermark, batch, emit);
        EmitClosedWindows(watermark, batch, emit);
      }
      emit.Flush();
      result.late += aggregation.late_rows();
      break;
    }
    case ViewKind::kTopN: {
      std::map<std::string, std::vector<std::string>> candidates;  // by partition
      const size_t width = plan_.row_width, keys = plan_.key_types.size();
      run_input([&](const DataChunk& chunk) {
        for (size_t i = 0; i < chunk.size(); i++) {
          std::string key(kRankPrefix), row;
          EncodeRow(chunk, width, keys, i, key);
          EncodeRow(chunk, 0, width, i, row);
          candidates[key].push_back(std::move(row));
        }
      });
      RankPartitions(plan, candidates, batch, view);
      break;
    }
    case ViewKind::kChangelog: {
      Aggregation aggregation(plan_, *states_, INT64_MIN, nullptr);
      run_input([&](const DataChunk& chunk) { aggregation.Add(chunk); });
      if (!plan_.retracting) {
        EmitChangedGroups(plan, aggregation, batch, view);
        break;
      }
      Aggregation subtracted(plan_, *states_, INT64_MIN, nullptr);
      run_retracted([&](const DataChunk& chunk) { subtracted.Add(chunk); });
      EmitChangedGroups(plan, aggregation, batch, view, &subtracted);
      break;
    }
  }
}

std::string ViewJob::KindName() const {
  std::string name = ViewKindName(plan_.kind);
  for (size_t k = 0; k < stages_.size(); k++) name += (k ? ", " : " over ") + stages_[k]->KindName();
  if (plan_.records) name += " and records";
  return name;
}

void ViewJob::CrashHere(CrashPoint point) {
  if (crash_ != point) return;
  crash_ = CrashPoint::kNone;
  throw InternalError("materialized view " + name_ + ": stopped for a test at crash point " +
                      std::to_string(static_cast<int>(point)));
}

void ViewJob::Maintain(int64_t epoch) {
  // As sinks do (ingest/sink_runner.h): 8 files under 32 MB in a partition become one; a changelog's
  // position deletes are folded in once 16 delete files have gathered. Every 1000 epochs snapshots older
  // than an hour are expired, or the metadata, which lists them all, would grow with every commit. A
  // conflict leaves the work to next time.
  constexpr int64_t kSmallFileBytes = 32 << 20;
  constexpr size_t kCompactMinFiles = 8;
  constexpr size_t kOptimizeDeleteFiles = 16;
  constexpr int64_t kExpireEvery = 1000;
  for (iceberg::IcebergTable* table : {table_.get(), late_table_.get()}) {
    if (!table) continue;
    try {
      if (table->State()->delete_files.size() >= kOptimizeDeleteFiles) {
        table->Execute("optimize", {});
      } else {
        table->CompactSmallFiles(kSmallFileBytes, kCompactMinFiles);
      }
      if (epoch % kExpireEvery == 0) table->Execute("expire_snapshots", {Value::Varchar("1h")});
    } catch (const Exception& e) {
      if (e.sqlstate() != sqlstate::kSerializationFailure) {
        LogLine(LogLevel::kWarning,
                "materialized view " + name_ + ": maintaining its tables: " + e.message());
      }
    }
  }
}

}  // namespace basin::stream
