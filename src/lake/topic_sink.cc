#include "lake/topic_sink.h"

#include <algorithm>
#include <charconv>

#include "common/exception.h"
#include "common/logging.h"
#include "lake/iceberg_table.h"
#include "lake/topic_table.h"
#include "log/log_manager.h"
#include "log/partition.h"

namespace basin {

namespace {

/// The pseudo columns by name, with the types a table column of that name must have to take them.
struct Pseudo {
  const char* name;
  TopicPseudoColumn column;
  TypeId type;
  TypeId also;  // a second type that shares the representation, else the same
};
constexpr Pseudo kPseudo[] = {
    {"_partition", kTopicPartitionColumn, TypeId::kInteger, TypeId::kInteger},
    {"_offset", kTopicOffsetColumn, TypeId::kBigInt, TypeId::kBigInt},
    {"_timestamp", kTopicTimestampColumn, TypeId::kTimestampTz, TypeId::kTimestamp},
    {"_key", kTopicKeyColumn, TypeId::kVarchar, TypeId::kVarchar},
    {"_headers", kTopicHeadersColumn, TypeId::kVarchar, TypeId::kVarchar},
};

const Pseudo* FindPseudo(const std::string& name) {
  for (const Pseudo& p : kPseudo) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

/// A table's current columns, as SinkSource takes them.
std::vector<log::TopicColumn> TableColumns(const iceberg::TableState& state) {
  std::vector<log::TopicColumn> columns;
  for (const iceberg::Field& f : state.metadata.CurrentSchema().fields) columns.push_back({f.name, f.type, f.required});
  return columns;
}

[[noreturn]] void BadColumn(const std::string& column, const std::string& topic, const std::string& why) {
  throw BinderError(sqlstate::kDatatypeMismatch, "column \"" + column + "\" cannot be filled from topic \"" +
                                                     topic + "\": " + why);
}

/// The table's rows of one snapshot, then each sink's records not landed in it.
class LiveScanState : public TableScanState {
 public:
  std::unique_ptr<TableScanState> committed;
  size_t committed_morsels = 0;
  std::vector<std::unique_ptr<TopicScanState>> tails;
};

class LiveTable : public TableStorage {
 public:
  struct Tail {
    std::unique_ptr<SinkSource> source;
    SinkOffsets begin, end;
  };

  LiveTable(std::shared_ptr<iceberg::IcebergTable> table, std::shared_ptr<const iceberg::TableState> state,
            std::vector<Tail> tails)
      : table_(std::move(table)), state_(std::move(state)), tails_(std::move(tails)) {}

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override {
    auto state = std::make_unique<LiveScanState>();
    state->committed = table_->InitScanAt(state_, column_ids, filters);
    state->committed_morsels = table_->MorselCount(*state->committed);
    const bool row_ids = std::find(column_ids.begin(), column_ids.end(), kRowIdColumn) != column_ids.end();
    if (row_ids && !tails_.empty()) {
      throw NotImplementedError("rows a sink has not committed yet have no row ids: run it again after the "
                                "sink's next commit, or read the table FOR VERSION AS OF its snapshot");
    }
    for (const Tail& tail : tails_) {
      auto scan = tail.source->Scan(tail.begin, tail.end);
      // The scan gives every table column; this one wants some of them, in its order.
      std::vector<size_t> wanted;
      for (size_t id : column_ids) wanted.push_back(scan->column_ids[id]);
      scan->column_ids = std::move(wanted);
      state->tails.push_back(std::move(scan));
    }
    return state;
  }

  size_t MorselCount(const TableScanState& base) const override {
    auto& state = static_cast<const LiveScanState&>(base);
    size_t n = state.committed_morsels;
    for (size_t i = 0; i < state.tails.size(); i++) n += tails_[i].source->topic().MorselCount(*state.tails[i]);
    return n;
  }

  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& base, size_t morsel) override {
    auto& state = static_cast<LiveScanState&>(base);
    if (morsel < state.committed_morsels) return table_->OpenMorsel(*state.committed, morsel);
    morsel -= state.committed_morsels;
    for (size_t i = 0; i < state.tails.size(); i++) {
      TopicTable& topic = tails_[i].source->topic();
      const size_t count = topic.MorselCount(*state.tails[i]);
      if (morsel < count) return topic.OpenMorsel(*state.tails[i], morsel);
      morsel -= count;
    }
    throw InternalError("morsel out of range");
  }

  std::unique_ptr<Writer> BeginWrite() override {
    throw InternalError("a table read with its sinks' uncommitted records is read-only");
  }
  int64_t RowCount() const override {
    int64_t rows = state_->row_count;
    for (const Tail& tail : tails_) {
      for (auto [p, end] : tail.end) {
        auto it = tail.begin.find(p);
        rows += std::max<int64_t>(0, end - (it == tail.begin.end() ? 0 : it->second));
      }
    }
    return rows;
  }
  double DistinctCount(size_t column) const override { return table_->DistinctCount(column); }
  int64_t SizeInBytes() const override { return table_->SizeInBytes(); }
  std::map<std::string, std::string> Properties() const override { return table_->Properties(); }

 private:
  std::shared_ptr<iceberg::IcebergTable> table_;
  std::shared_ptr<const iceberg::TableState> state_;
  std::vector<Tail> tails_;
};

}  // namespace

std::string EncodeSinkOffsets(const SinkOffsets& offsets) {
  std::string text;
  for (auto [p, offset] : offsets) {
    if (!text.empty()) text += ',';
    text += std::to_string(p) + ":" + std::to_string(offset);
  }
  return text;
}

SinkOffsets DecodeSinkOffsets(std::string_view text) {
  SinkOffsets offsets;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (p < end) {
    int32_t partition = 0;
    int64_t offset = 0;
    auto a = std::from_chars(p, end, partition);
    bool ok = a.ec == std::errc() && a.ptr < end && *a.ptr == ':';
    if (ok) {
      auto b = std::from_chars(a.ptr + 1, end, offset);
      ok = b.ec == std::errc() && (b.ptr == end || *b.ptr == ',') && partition >= 0 && offset >= 0;
      p = b.ptr == end ? end : b.ptr + 1;
    }
    if (!ok) {
      throw DataError(sqlstate::kDataCorrupted, "malformed sink offsets \"" + std::string(text) +
                                                    "\" (expected partition:offset,...)");
    }
    offsets[partition] = offset;
  }
  return offsets;
}

std::string SinkOffsetsKey(const std::string& qualified_name) {
  return std::string(iceberg::kCarriedSummaryPrefix) + "sink." + qualified_name + ".offsets";
}

SinkOffsets HighWatermarks(log::LogManager& log, const std::string& topic) {
  std::optional<log::TopicInfo> info = log.FindTopic(topic);
  if (!info) throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + topic + "\" does not exist");
  SinkOffsets offsets;
  for (int32_t p = 0; p < info->partitions; p++) offsets[p] = log.GetPartition(topic, p)->high_watermark();
  return offsets;
}

int64_t RecordsAfter(log::LogManager& log, const std::string& topic, const SinkOffsets& from) {
  int64_t behind = 0;
  for (auto [p, end] : HighWatermarks(log, topic)) {
    auto it = from.find(p);
    const int64_t begin = it != from.end() ? it->second : log.GetPartition(topic, p)->log_start_offset();
    behind += std::max<int64_t>(0, end - begin);
  }
  return behind;
}

SinkSource::SinkSource(log::LogManager& log, const std::string& topic,
                       const std::vector<log::TopicColumn>& table_columns, bool strict) {
  std::optional<log::TopicInfo> info = log.FindTopic(topic);
  if (!info) throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + topic + "\" does not exist");
  const log::TopicSchema declared = log::TopicSchema::FromConfig(info->config);
  auto refuse = [&](const std::string& column, const std::string& why) {
    if (strict) BadColumn(column, topic, why);
  };
  std::vector<const log::TopicColumn*> data;
  for (const log::TopicColumn& c : table_columns) {
    const Pseudo* p = FindPseudo(c.name);
    if (p && c.type.id() != p->type && c.type.id() != p->also) {
      refuse(c.name, "it is " + c.type.ToString() + ", the topic's " + p->name + " is " +
                         LogicalType(p->type).ToString());
      p = nullptr;  // a vector of the pseudo column's type would not fit
    }
    if (p) {
      if (c.not_null && p->column != kTopicPartitionColumn && p->column != kTopicOffsetColumn) {
        refuse(c.name, "it is NOT NULL and records may have no " + std::string(p->name + 1));
      }
      column_ids_.push_back(p->column);
    } else {
      column_ids_.push_back(kTopicPseudoColumns + data.size());
      data.push_back(&c);
    }
  }
  // What the records are decoded with: the table's data columns, by name, as the table's types.
  log::TopicSchema schema;
  const bool raw_value = !declared.has_columns() && data.size() == 1 && data[0]->name == "value" &&
                         data[0]->type.id() == TypeId::kVarchar;
  for (const log::TopicColumn* c : data) {
    const int declared_index = declared.ColumnIndex(c->name);
    if (declared.has_columns() && declared_index < 0) {
      refuse(c->name, "the topic declares no such column (" + declared.ColumnsSql() + ")");
    }
    if (c->not_null && !raw_value &&
        (declared_index < 0 || !declared.columns[declared_index].not_null ||
         declared.columns[declared_index].type != c->type)) {
      refuse(c->name, "it is NOT NULL and the topic does not declare it NOT NULL " + c->type.ToString());
    }
    if (!raw_value) schema.columns.push_back({c->name, c->type, false});
  }
  topic_ = std::make_shared<TopicTable>(log, topic, std::move(schema));
}

SinkSource::~SinkSource() = default;

std::unique_ptr<TopicScanState> SinkSource::Scan(const SinkOffsets& begin, const SinkOffsets& end) const {
  return topic_->InitRangeScan(column_ids_, begin, end);
}

std::shared_ptr<TableStorage> WithSinkTails(const std::shared_ptr<iceberg::IcebergTable>& table,
                                            log::LogManager& log, const std::vector<SinkTail>& sinks) {
  std::shared_ptr<const iceberg::TableState> state = table->State();
  const std::vector<log::TopicColumn> columns = TableColumns(*state);
  std::vector<LiveTable::Tail> tails;
  for (const SinkTail& sink : sinks) {
    if (!log.FindTopic(sink.topic)) continue;
    LiveTable::Tail tail;
    tail.source = std::make_unique<SinkSource>(log, sink.topic, columns, /*strict=*/false);
    tail.begin = DecodeSinkOffsets(iceberg::CommittedProperty(state->metadata, SinkOffsetsKey(sink.name)));
    tail.end = HighWatermarks(log, sink.topic);
    tails.push_back(std::move(tail));
  }
  return std::make_shared<LiveTable>(table, std::move(state), std::move(tails));
}

int64_t LandSink(iceberg::IcebergTable& table, log::LogManager& log, const std::string& sink,
                 const std::string& topic, int64_t max_records) {
  std::shared_ptr<const iceberg::TableState> state = table.State();
  const std::string key = SinkOffsetsKey(sink);
  const std::string committed = iceberg::CommittedProperty(state->metadata, key);
  const SinkOffsets from = DecodeSinkOffsets(committed);

  // What to read: up to each high watermark, at most max_records in all.
  SinkOffsets to, next = from;
  int64_t budget = max_records;
  for (auto [p, end] : HighWatermarks(log, topic)) {
    auto it = from.find(p);
    const int64_t start = log.GetPartition(topic, p)->log_start_offset();
    int64_t begin = it == from.end() ? start : it->second;
    if (begin < start) {
      LogLine(LogLevel::kWarning, "sink " + sink + ": records " + std::to_string(begin) + " to " +
                                      std::to_string(start - 1) + " of partition " + std::to_string(p) + " of " +
                                      topic + " were deleted by retention before they were landed");
      begin = start;
    }
    const int64_t take = std::min(budget, std::max<int64_t>(0, end - begin));
    if (take == 0) continue;
    to[p] = begin + take;
    next[p] = begin + take;
    budget -= take;
  }
  if (to.empty()) return 0;

  const std::vector<log::TopicColumn> columns = TableColumns(*state);
  SinkSource source(log, topic, columns, /*strict=*/false);
  std::unique_ptr<TopicScanState> scan = source.Scan(from, to);
  std::unique_ptr<TableStorage::Writer> writer = table.BeginWrite();
  std::vector<LogicalType> types;
  for (const log::TopicColumn& c : columns) types.push_back(c.type);
  DataChunk chunk(types);
  int64_t records = 0;
  for (size_t m = 0; m < source.topic().MorselCount(*scan); m++) {
    auto reader = source.topic().OpenMorsel(*scan, m);
    while (reader->Next(chunk)) {
      records += static_cast<int64_t>(chunk.size());
      writer->Append(chunk);
      chunk.Reset();
    }
  }
  writer->SetCommitProperty(key, committed, EncodeSinkOffsets(next));
  writer->Commit();
  return records;
}

}  // namespace basin
