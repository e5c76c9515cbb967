#include "lake/topic_table.h"

#include <algorithm>

#include "common/exception.h"
#include "formats/json/json_object.h"
#include "formats/json/json_writer.h"
#include "log/errors.h"
#include "log/log_manager.h"
#include "log/record_batch.h"
#include "log/topic_producer.h"

namespace basin {

namespace {

/// Offsets per morsel: a big partition is read by several threads.
constexpr int64_t kOffsetsPerMorsel = 1 << 16;
/// Bytes of whole batches fetched from a partition at a time.
constexpr size_t kReadBytes = 1 << 20;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

[[noreturn]] void NoTopic(const std::string& topic) {
  throw CatalogError(sqlstate::kUndefinedTable, "topic \"" + topic + "\" does not exist");
}

[[noreturn]] void AppendOnly() {
  throw Exception(sqlstate::kWrongObjectType, "topics are append-only: records cannot be updated or deleted");
}

/// Reads one morsel's offset range of a partition, batch by batch, record by record.
class TopicMorselReader : public MorselReader {
 public:
  TopicMorselReader(TopicScanState& state, const TopicScanState::Morsel& morsel,
                    const log::TopicSchema& schema)
      : state_(state), morsel_(morsel), next_(morsel.begin) {
    for (size_t c = 0; c < state.column_ids.size(); c++) {
      if (state.column_ids[c] >= kTopicPseudoColumns) {
        data_columns_.emplace_back(c, state.column_ids[c] - kTopicPseudoColumns);
      }
    }
    if (schema.has_columns() && !data_columns_.empty()) {
      std::vector<json::ObjectField> fields;
      for (const log::TopicColumn& c : schema.columns) fields.push_back({c.name, c.type, c.not_null});
      object_reader_ = std::make_unique<json::ObjectReader>(std::move(fields));
      targets_.assign(schema.columns.size(), nullptr);
    }
  }

  bool Next(DataChunk& out) override {
    if (done_) return false;
    out.Reset();
    if (object_reader_) {
      for (auto& [c, field] : data_columns_) targets_[field] = &out.column(c);
    }
    size_t rows = 0;
    int64_t decoded = 0;
    while (rows < kVectorSize && NextRecord()) {
      decoded++;
      if (record_.offset < next_) continue;
      Emit(out, rows++);
      next_ = record_.offset + 1;
    }
    state_.records_read.fetch_add(decoded, std::memory_order_relaxed);
    out.SetCardinality(rows);
    return rows > 0 || !done_;
  }

 private:
  /// Move to the next record of the range; false (and done_) at its end.
  bool NextRecord() {
    for (;;) {
      if (in_batch_) {
        if (records_.Next(record_)) {
          if (record_.offset < morsel_.end) return true;
          return Finish();
        }
        in_batch_ = false;
        next_ = std::max(next_, records_.header().next_offset());  // past compaction's gaps
      }
      if (!NextBatch()) return false;
    }
  }

  /// Start on the next batch holding offsets of the range.
  bool NextBatch() {
    for (;;) {
      std::string_view batch;
      if (!batches_.Next(batch)) {
        if (!Fetch()) return false;
        continue;
      }
      const log::BatchHeader header = log::DecodeBatchHeader(batch.data());
      if (header.next_offset() <= next_) continue;
      if (header.base_offset >= morsel_.end) return Finish();
      if (header.is_control() || header.max_timestamp < state_.min_timestamp_ms ||
          header.records_count == 0) {
        next_ = header.next_offset();  // transaction markers, batches older than a pushed filter, empty ones
        continue;
      }
      records_.Reset(batch);
      in_batch_ = true;
      return true;
    }
  }

  /// Read the batches from next_ on; false at the range's end.
  bool Fetch() {
    if (next_ >= morsel_.end) return Finish();
    try {
      morsel_.partition->Read(next_, kReadBytes, read_, morsel_.end);
    } catch (const log::LogError& e) {
      if (e.code() != log::ErrorCode::kOffsetOutOfRange) throw;
      // Retention deleted the offsets since the scan started: go on from the new log start.
      const int64_t start = morsel_.partition->log_start_offset();
      if (start <= next_) throw;
      next_ = start;
      return Fetch();
    }
    if (read_.records.empty()) return Finish();
    batches_ = log::BatchIterator(read_.records);
    return true;
  }

  bool Finish() {
    done_ = true;
    in_batch_ = false;
    return false;
  }

  void Emit(DataChunk& out, size_t row) {
    const bool parse = object_reader_ != nullptr;
    for (size_t c = 0; c < state_.column_ids.size(); c++) {
      Vector& v = out.column(c);
      switch (state_.column_ids[c]) {
        case kTopicPartitionColumn:
          v.data<int32_t>()[row] = morsel_.partition_id;
          break;
        case kTopicOffsetColumn:
          v.data<int64_t>()[row] = record_.offset;
          break;
        case kTopicTimestampColumn:
          if (record_.timestamp < 0) {
            v.SetNull(row);
          } else {
            v.data<int64_t>()[row] = record_.timestamp * 1000;
          }
          break;
        case kTopicKeyColumn:
          SetBytes(v, row, record_.key);
          break;
        case kTopicHeadersColumn:
          if (record_.headers.empty()) {
            v.SetNull(row);
          } else {
            headers_.clear();
            headers_ += '{';
            for (const log::RecordHeader& h : record_.headers) {
              if (headers_.size() > 1) headers_ += ',';
              json::AppendJsonString(headers_, h.key);
              headers_ += ':';
              if (h.value) {
                json::AppendJsonString(headers_, *h.value);
              } else {
                headers_ += "null";
              }
            }
            headers_ += '}';
            SetBytes(v, row, headers_);
          }
          break;
        default:
          if (!parse) SetBytes(v, row, record_.value);  // `value` of a topic without a schema
          break;
      }
    }
    if (parse) {
      if (record_.value) {
        object_reader_->Read(*record_.value, targets_.data(), row);
      } else {
        for (auto& [c, field] : data_columns_) out.column(c).SetNull(row);  // a tombstone
      }
    }
  }

  static void SetBytes(Vector& v, size_t row, std::optional<std::string_view> bytes) {
    if (!bytes) {
      v.SetNull(row);
      return;
    }
    v.data<string_t>()[row] =
        bytes->size() <= string_t::kInlineLength ? string_t(*bytes) : v.AddString(*bytes);
  }

  TopicScanState& state_;
  const TopicScanState::Morsel& morsel_;
  int64_t next_;  // the first offset not yet returned
  bool done_ = false;
  log::ReadResult read_;
  log::BatchIterator batches_{std::string_view()};
  log::RecordReader records_;
  bool in_batch_ = false;
  log::Record record_;
  std::string headers_;
  std::vector<std::pair<size_t, size_t>> data_columns_;  // (output column, schema column) pairs
  std::unique_ptr<json::ObjectReader> object_reader_;
  std::vector<Vector*> targets_;  // per schema column: where this chunk's values go, or null
};

/// Cut offsets [begin, end) of a partition into the scan's morsels.
void AddMorsels(TopicScanState& state, const std::shared_ptr<log::Partition>& partition, int32_t p, int64_t begin,
                int64_t end) {
  for (int64_t from = begin; from < end; from += std::min(kOffsetsPerMorsel, end - from)) {
    state.morsels.push_back({partition, p, from, std::min(end, from + kOffsetsPerMorsel)});
  }
}

/// The values [begin, end) of an integer column that `column op constant` filters leave.
struct Range {
  int64_t begin = INT64_MIN;
  int64_t end = INT64_MAX;

  void Narrow(TableFilter::Op op, int64_t c) {
    const int64_t after = c == INT64_MAX ? c : c + 1;
    switch (op) {
      case TableFilter::Op::kEqual:
        begin = std::max(begin, c);
        end = std::min(end, after);
        break;
      case TableFilter::Op::kLess:
        end = std::min(end, c);
        break;
      case TableFilter::Op::kLessEqual:
        end = std::min(end, after);
        break;
      case TableFilter::Op::kGreater:
        begin = std::max(begin, after);
        break;
      case TableFilter::Op::kGreaterEqual:
        begin = std::max(begin, c);
        break;
      default:
        break;
    }
  }
  bool Contains(int64_t v) const { return v >= begin && v < end; }
};

/// What the pushed filters leave of a topic: partitions, offsets, and a lower bound on timestamps.
struct Bounds {
  Range partitions;
  Range offsets;
  int64_t min_timestamp_ms = INT64_MIN;
};

Bounds BoundsOf(const std::vector<TableFilter>& filters) {
  Bounds b;
  for (const TableFilter& f : filters) {
    const int64_t c = f.constant.GetInt64();
    switch (f.column) {
      case kTopicPartitionColumn:
        b.partitions.Narrow(f.op, c);
        break;
      case kTopicOffsetColumn:
        b.offsets.Narrow(f.op, c);
        break;
      case kTopicTimestampColumn:
        // Record timestamps are not ordered, so only a lower bound seeks (to the first record reaching it).
        if (f.op == TableFilter::Op::kEqual || f.op == TableFilter::Op::kGreater ||
            f.op == TableFilter::Op::kGreaterEqual) {
          b.min_timestamp_ms = std::max(b.min_timestamp_ms, FloorDiv(c, 1000));
        }
        break;
      default:
        break;
    }
  }
  return b;
}

/// Turns rows into records for a TopicProducer; see TopicTable::BeginWrite.
class TopicWriter : public TableStorage::Writer {
 public:
  TopicWriter(log::LogManager& log, const std::string& topic, const log::TopicSchema& schema)
      : schema_(schema), producer_(log, topic, /*validate=*/false), now_ms_(log::SystemClockMs()) {
    key_column_ = DataColumn(schema.key_column);
    timestamp_column_ = DataColumn(schema.timestamp_column);
    std::vector<std::string> names;
    for (const log::TopicColumn& c : schema.columns) names.push_back(c.name);
    encoder_ = std::make_unique<json::JsonObjectEncoder>(names);
  }

  void Append(const DataChunk& chunk) override {
    for (size_t row = 0; row < chunk.size(); row++) {
      if (!chunk.column(kTopicOffsetColumn).IsNull(row))
        throw Exception(sqlstate::kWrongObjectType, "column \"_offset\" of a topic is assigned by the log");
      if (!chunk.column(kTopicHeadersColumn).IsNull(row))
        throw NotImplementedError("writing \"_headers\" of a topic is not supported yet");
      std::optional<std::string_view> key = Text(chunk, kTopicKeyColumn, row, key_);
      if (!key && key_column_ >= 0) key = Text(chunk, static_cast<size_t>(key_column_), row, key_);
      std::optional<std::string_view> value;
      if (schema_.has_columns()) {
        value_.clear();
        encoder_->Append(value_, chunk, row, kTopicPseudoColumns);
        value = value_;
      } else {
        value = Text(chunk, kTopicPseudoColumns, row, value_);
      }
      const Vector& partition = chunk.column(kTopicPartitionColumn);
      producer_.Add(
          partition.IsNull(row) ? std::nullopt : std::optional<int64_t>(partition.GetValue(row).GetInt64()),
          TimestampOf(chunk, row), key, value);
    }
  }

  void Delete(const std::vector<int64_t>&) override { AppendOnly(); }
  void Update(const std::vector<int64_t>&, const std::vector<size_t>&, const DataChunk&) override {
    AppendOnly();
  }
  void Commit() override { producer_.Flush(); }

 private:
  /// The table column of a schema column named in the topic's settings, or -1.
  int64_t DataColumn(const std::string& name) const {
    const int index = name.empty() ? -1 : schema_.ColumnIndex(name);
    return index < 0 ? -1 : static_cast<int64_t>(kTopicPseudoColumns) + index;
  }

  /// The column's value as record bytes: text as it is, other types as their text. nullopt for NULL.
  static std::optional<std::string_view> Text(const DataChunk& chunk, size_t column, size_t row,
                                              std::string& buffer) {
    const Vector& v = chunk.column(column);
    if (v.IsNull(row)) return std::nullopt;
    if (v.type().id() == TypeId::kVarchar || v.type().id() == TypeId::kBlob)
      return v.data<string_t>()[v.IsConstant() ? 0 : row].view();
    buffer = v.GetValue(row).ToString();
    return buffer;
  }

  int64_t TimestampOf(const DataChunk& chunk, size_t row) const {
    if (!chunk.column(kTopicTimestampColumn).IsNull(row))
      return FloorDiv(chunk.column(kTopicTimestampColumn).GetValue(row).GetInt64(), 1000);
    if (timestamp_column_ >= 0) {
      const Vector& v = chunk.column(static_cast<size_t>(timestamp_column_));
      if (!v.IsNull(row)) {
        const int64_t t = v.GetValue(row).GetInt64();
        return v.type().id() == TypeId::kBigInt ? t : FloorDiv(t, 1000);  // BIGINT: already milliseconds
      }
    }
    return now_ms_;
  }

  const log::TopicSchema schema_;
  log::TopicProducer producer_;
  const int64_t now_ms_;
  int64_t key_column_ = -1;
  int64_t timestamp_column_ = -1;
  std::unique_ptr<json::JsonObjectEncoder> encoder_;
  std::string key_, value_;
};

}  // namespace

TopicTable::TopicTable(log::LogManager& log, std::string topic, log::TopicSchema schema)
    : log_(log), topic_(std::move(topic)), schema_(std::move(schema)) {
  columns_ = {
      {"_partition", TypeId::kInteger, false, "the partition of the record"},
      {"_offset", TypeId::kBigInt, false, "the offset of the record in its partition"},
      {"_timestamp", TypeId::kTimestampTz, false, "the timestamp of the record"},
      {"_key", TypeId::kVarchar, false, "the key of the record"},
      {"_headers", TypeId::kVarchar, false, "the headers of the record, as a JSON object"},
  };
  if (!schema_.has_columns()) {
    columns_.push_back({"value", TypeId::kVarchar, false, "the value of the record"});
  }
  for (const log::TopicColumn& c : schema_.columns) columns_.push_back({c.name, c.type, c.not_null, ""});
}

std::unique_ptr<TableScanState> TopicTable::InitScan(const std::vector<size_t>& column_ids,
                                                     const std::vector<TableFilter>& filters) {
  auto state = std::make_unique<TopicScanState>();
  state->column_ids = column_ids;
  for (size_t id : column_ids) {
    if (id == kRowIdColumn) AppendOnly();
  }
  std::vector<TableFilter> usable;
  for (const TableFilter& f : filters) {
    if (f.column >= kTopicPseudoColumns || f.column == kTopicKeyColumn || f.column == kTopicHeadersColumn)
      continue;
    if (f.constant.IsNull()) return state;  // a comparison with NULL holds for no row
    usable.push_back(f);
  }
  const Bounds bounds = BoundsOf(usable);
  state->min_timestamp_ms = bounds.min_timestamp_ms;
  std::optional<log::TopicInfo> info = log_.FindTopic(topic_);
  if (!info) NoTopic(topic_);
  for (int32_t p = 0; p < info->partitions; p++) {
    if (!bounds.partitions.Contains(p)) continue;
    std::shared_ptr<log::Partition> partition = log_.GetPartition(topic_, p);
    // The high watermark first: records appended after it are not this scan's.
    const int64_t end = std::min(partition->high_watermark(), bounds.offsets.end);
    int64_t begin = std::max(partition->log_start_offset(), bounds.offsets.begin);
    if (bounds.min_timestamp_ms > INT64_MIN && begin < end) {
      std::optional<log::OffsetAndTimestamp> found =
          partition->OffsetForTimestamp(std::max<int64_t>(bounds.min_timestamp_ms, 0));
      begin = found ? std::max(begin, found->offset) : end;
    }
    AddMorsels(*state, partition, p, begin, end);
  }
  return state;
}

std::unique_ptr<TopicScanState> TopicTable::InitRangeScan(const std::vector<size_t>& column_ids,
                                                          const std::map<int32_t, int64_t>& begin,
                                                          const std::map<int32_t, int64_t>& end) {
  auto state = std::make_unique<TopicScanState>();
  state->column_ids = column_ids;
  for (auto [p, to] : end) {
    std::shared_ptr<log::Partition> partition = log_.GetPartition(topic_, p);
    auto it = begin.find(p);
    AddMorsels(*state, partition, p, std::max(partition->log_start_offset(), it == begin.end() ? 0 : it->second), to);
  }
  return state;
}

size_t TopicTable::MorselCount(const TableScanState& state) const {
  return static_cast<const TopicScanState&>(state).morsels.size();
}

std::unique_ptr<MorselReader> TopicTable::OpenMorsel(TableScanState& state_base, size_t morsel) {
  auto& state = static_cast<TopicScanState&>(state_base);
  return std::make_unique<TopicMorselReader>(state, state.morsels[morsel], schema_);
}

std::unique_ptr<TableStorage::Writer> TopicTable::BeginWrite() {
  return std::make_unique<TopicWriter>(log_, topic_, schema_);
}

int64_t TopicTable::RowCount() const {
  if (!log_.FindTopic(topic_)) return 0;
  int64_t rows = 0;
  for (const log::PartitionStats& p : log_.DescribeTopic(topic_).partitions)
    rows += p.high_watermark - p.log_start_offset;
  return rows;
}

int64_t TopicTable::SizeInBytes() const {
  if (!log_.FindTopic(topic_)) return 0;
  int64_t bytes = 0;
  for (const log::PartitionStats& p : log_.DescribeTopic(topic_).partitions)
    bytes += static_cast<int64_t>(p.size_bytes);
  return bytes;
}

}  // namespace basin
