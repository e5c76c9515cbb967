#pragma once

// What the pieces of ViewJob (view_job.cc: the epoch protocol; view_job_aggregates.cc: windows, groups and
// top-N; view_job_sessions.cc; view_job_records.cc) share: the state keys of the kinds, one epoch's output
// to a table (Output), its rows folded per group (Aggregation), finished windows through the output plan
// (WindowEmitter). Included by those files only.

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/exception.h"
#include "common/logging.h"
#include "execution/group_hash_table.h"
#include "lake/iceberg_table.h"
#include "stream/aggregate_states.h"
#include "stream/row_codec.h"
#include "stream/view_job.h"

namespace basin::stream {

// State keys: "m/..." the job's own (view_job.cc), and the kinds' (README: Keys).
inline constexpr std::string_view kWindowPrefix = "w";   // + window end + group: a window's states
inline constexpr std::string_view kGroupPrefix = "k";    // + group: a changelog group's
inline constexpr std::string_view kRankPrefix = "r";     // + partition: a top-N partition's rows
inline constexpr std::string_view kRecordsPrefix = "b";  // + event time + epoch + row: a records side's rows
// + session id + group values (but the window's): the row a session's group last gave (sessions kept as a
// changelog).
inline constexpr std::string_view kSessionRowPrefix = "o";

/// The first `n` columns of `chunk`, flat (constant vectors copied out), for a table writer.
inline DataChunk Columns(const DataChunk& chunk, size_t n) {
  std::vector<LogicalType> types;
  for (size_t c = 0; c < n; c++) types.push_back(chunk.column(c).type());
  DataChunk part;
  part.Initialize(types, 1);
  for (size_t c = 0; c < n; c++) part.column(c).Reference(chunk.column(c));
  part.SetCardinality(chunk.size());
  part.Flatten();
  return part;
}

/// The rows `sel` of `input` as late events of the late table (_partition, _offset, event_time,
/// window_start, window_end, watermark): `columns` says where the first five are in `input` (SIZE_MAX: NULL),
/// the watermark is `closed` (NULL before any).
template <class Late>
void AppendLate(Late& late, const DataChunk& input, const std::vector<sel_t>& sel,
                const std::array<size_t, 5>& columns, const LogicalType& time_type, int64_t closed) {
  const size_t count = sel.size();
  DataChunk rows(LateColumnTypes(time_type), std::max(count, kVectorSize));
  for (size_t c = 0; c < 5; c++) {
    if (columns[c] != SIZE_MAX) {
      rows.column(c).Slice(input.column(columns[c]), sel.data(), count);
      continue;
    }
    for (size_t i = 0; i < count; i++) rows.column(c).SetNull(i);
  }
  Vector& watermark = rows.column(5);
  for (size_t i = 0; i < count; i++) {
    if (closed == INT64_MIN) {
      watermark.SetNull(i);
    } else {
      watermark.data<int64_t>()[i] = closed;
    }
  }
  rows.SetCardinality(count);
  late.Append(rows);
}

/// A changelog group's stored value: [u32 state size][state][u8 has a row][the view row it last gave].
inline std::string EncodeGroupValue(std::string_view state, const std::optional<std::string>& row) {
  std::string value;
  const uint32_t size = static_cast<uint32_t>(state.size());
  value.append(reinterpret_cast<const char*>(&size), sizeof(size));
  value.append(state);
  value.push_back(row ? '\1' : '\0');
  if (row) value += *row;
  return value;
}

inline void DecodeGroupValue(std::string_view value, std::string_view& state,
                             std::optional<std::string>& row) {
  uint32_t size = 0;
  if (value.size() < sizeof(size))
    throw DataError(sqlstate::kDataCorrupted, "stream state: a group value ends early");
  std::memcpy(&size, value.data(), sizeof(size));
  value.remove_prefix(sizeof(size));
  if (value.size() < size + 1)
    throw DataError(sqlstate::kDataCorrupted, "stream state: a group value ends early");
  state = value.substr(0, size);
  if (value[size] == '\1') row = std::string(value.substr(size + 1));
}

// ---- Output: one table's rows of an epoch, committed with the epoch's number.

struct ViewJob::Output {
  Output(std::shared_ptr<iceberg::IcebergTable> t, const std::string& key, int64_t epoch, bool buffered)
      : table(std::move(t)), key(key), epoch(epoch), buffered(buffered) {
    if (!table) {  // a stream's rows: kept for its TopicOutput
      write = this->buffered = true;
      return;
    }
    committed = iceberg::CommittedProperty(table->State()->metadata, key);
    const int64_t done = committed.empty() ? 0 : std::stoll(committed);
    if (done > epoch) {
      throw DataError(sqlstate::kDataCorrupted,
                      "table \"" + table->State()->metadata.location + "\" holds epoch " + committed +
                          " of its view, whose state is at epoch " + std::to_string(epoch - 1) +
                          ": the state was lost; drop the view and create it again");
    }
    write = done < epoch;  // else it committed before a crash: this run only rebuilds the state
  }

  void Append(const DataChunk& chunk) {
    if (!write || chunk.size() == 0) return;
    rows += static_cast<int64_t>(chunk.size());
    if (buffered) {
      auto copy = std::make_unique<DataChunk>();
      copy->Append(chunk);
      pending.push_back(std::move(copy));
      return;
    }
    if (!writer) writer = table->BeginWrite();
    writer->Append(chunk);
  }
  /// A view row (EncodeRow's bytes) to add.
  void Insert(const std::string& row, const std::vector<LogicalType>& types) {
    if (!write) return;
    if (pending.empty() || pending.back()->size() == kVectorSize)
      pending.push_back(std::make_unique<DataChunk>(types));
    DataChunk& chunk = *pending.back();
    std::string_view in = row;
    DecodeRow(in, chunk, 0, types.size(), chunk.size());
    chunk.SetCardinality(chunk.size() + 1);
    rows++;
  }
  /// A view row to delete (one occurrence).
  void Retract(const std::string& row) {
    if (write) retract[row]++;
  }

  /// Publish the epoch's rows and deletes, if any, as one commit that sets the epoch compared and set.
  void Commit(const std::string& job, size_t width) {
    if (!write || !table) return;
    std::vector<int64_t> deleted;
    if (!retract.empty()) deleted = FindRetracted(job, width);
    if (!writer && !pending.empty()) writer = table->BeginWrite();
    if (!writer) return;
    if (!deleted.empty()) writer->Delete(deleted);
    for (const auto& chunk : pending) writer->Append(*chunk);
    writer->SetCommitProperty(key, committed, std::to_string(epoch));
    writer->Commit();
  }

  /// The row ids of the retracted rows, read from the version of the table a writer begins on (opened here).
  std::vector<int64_t> FindRetracted(const std::string& job, size_t width) {
    for (int attempt = 0;; attempt++) {
      std::shared_ptr<const iceberg::TableState> base = table->State();
      std::unordered_map<std::string, int64_t> wanted = retract;
      std::vector<size_t> columns;
      std::vector<LogicalType> types;
      for (size_t c = 0; c < width; c++) {
        columns.push_back(c);
        types.push_back(base->metadata.CurrentSchema().fields[c].type);
      }
      columns.push_back(kRowIdColumn);
      types.push_back(TypeId::kBigInt);
      std::vector<int64_t> ids;
      auto scan = table->InitScanAt(base, columns);
      DataChunk chunk(types);
      std::string bytes;
      for (size_t m = 0; m < table->MorselCount(*scan); m++) {
        auto reader = table->OpenMorsel(*scan, m);
        while (reader->Next(chunk)) {
          for (size_t r = 0; r < chunk.size(); r++) {
            bytes.clear();
            EncodeRow(chunk, 0, width, r, bytes);
            auto it = wanted.find(bytes);
            if (it == wanted.end() || it->second == 0) continue;
            it->second--;
            ids.push_back(chunk.GetValue(width, r).GetInt64());
          }
          chunk.Reset();
        }
      }
      writer = table->BeginWrite();
      // Row ids are positions in `base`'s files: the writer must start from the same version.
      if (table->State()->metadata_location == base->metadata_location) {
        int64_t missing = 0;
        for (auto& [_, n] : wanted) missing += n;
        if (missing > 0) {
          LogLine(LogLevel::kWarning, "materialized view " + job + ": " + std::to_string(missing) +
                                          " rows to retract are not in its table (was it changed by hand?)");
        }
        return ids;
      }
      writer.reset();
      if (attempt == 3) throw Exception(sqlstate::kSerializationFailure, "the view's table kept changing");
    }
  }

  std::shared_ptr<iceberg::IcebergTable> table;
  std::string key;
  int64_t epoch;
  bool buffered;  // rows kept until Commit (a changelog: its deletes decide the writer's version)
  std::string committed;
  bool write = false;
  int64_t rows = 0;
  std::unique_ptr<TableStorage::Writer> writer;
  std::vector<std::unique_ptr<DataChunk>> pending;
  std::unordered_map<std::string, int64_t> retract;
};

// ---- Aggregation: an epoch's rows folded into states per group, in memory.

class ViewJob::Aggregation {
 public:
  /// Windows ending `lateness` or more before `closed` (the watermark) are closed: their rows go to `late`
  /// (may be null: none are).
  Aggregation(const ViewPlan& plan, const AggregateStates& states, int64_t closed, Output* late,
              int64_t lateness = 0)
      : plan_(plan),
        states_(states),
        groups_(plan.group_types, states.payload_size()),
        closed_(closed),
        limit_(closed == INT64_MIN ? INT64_MIN : closed - lateness),
        late_(late) {}
  ~Aggregation() {
    if (!states_.owns_memory()) return;
    for (uint32_t g = 0; g < GroupCount(); g++) states_.Destroy(groups_.Payload(g));
  }

  void Add(const DataChunk& input) {
    const size_t n = input.size();
    if (n == 0) return;
    DataChunk rows;
    if (plan_.kind == ViewKind::kWindowed && SplitLate(input)) {
      if (keep_.empty()) return;
      rows.Slice(input, keep_.data(), keep_.size());
    } else {
      rows.Reference(input);
      rows.Flatten();
    }
    const size_t m = rows.size();
    ids_.resize(m);
    created_.clear();
    if (plan_.group_types.empty()) {
      DataChunk none;
      none.SetCardinality(1);
      uint32_t id;
      groups_.FindOrCreate(none, &id, &created_);
      std::fill(ids_.begin(), ids_.end(), id);
    } else {
      DataChunk keys;
      keys.Initialize(plan_.group_types, 1);
      for (size_t g = 0; g < plan_.group_types.size(); g++) keys.column(g).Reference(rows.column(g));
      keys.SetCardinality(m);
      groups_.FindOrCreate(keys, ids_.data(), &created_);
    }
    for (uint32_t g : created_) states_.Initialize(groups_.Payload(g));
    payloads_.resize(m);
    for (size_t i = 0; i < m; i++) payloads_[i] = groups_.Payload(ids_[i]);
    if (plan_.retracting) states_.CountRows(payloads_.data(), m);  // a group with none left is gone
    for (size_t a = 0; a < plan_.aggregate_inputs.size(); a++) {
      const ViewPlan::AggregateInput& in = plan_.aggregate_inputs[a];
      std::vector<LogicalType> types;
      for (size_t c = 0; c < in.arg_count; c++) types.push_back(rows.column(in.first_arg + c).type());
      DataChunk args;
      args.Initialize(types, 1);
      if (in.filter < 0) {
        for (size_t c = 0; c < in.arg_count; c++) args.column(c).Reference(rows.column(in.first_arg + c));
        args.SetCardinality(m);
        states_.Update(a, args, payloads_.data(), m);
        continue;
      }
      // FILTER (WHERE ...): the rows where it is true.
      const Vector& filter = rows.column(static_cast<size_t>(in.filter));
      sel_.clear();
      selected_.clear();
      for (size_t i = 0; i < m; i++) {
        if (!filter.IsNull(i) && filter.data<uint8_t>()[i]) {
          sel_.push_back(static_cast<sel_t>(i));
          selected_.push_back(payloads_[i]);
        }
      }
      if (sel_.empty()) continue;
      for (size_t c = 0; c < in.arg_count; c++)
        args.column(c).Slice(rows.column(in.first_arg + c), sel_.data(), sel_.size());
      args.SetCardinality(sel_.size());
      states_.Update(a, args, selected_.data(), sel_.size());
    }
  }

  uint32_t GroupCount() const { return static_cast<uint32_t>(groups_.GroupCount()); }
  uint8_t* Payload(uint32_t g) { return groups_.Payload(g); }
  const std::vector<Vector>& keys() const { return groups_.keys(); }
  int64_t late_rows() const { return late_rows_; }

  /// Windowed: the end of group g's window.
  int64_t WindowEnd(uint32_t g) const { return groups_.keys()[plan_.window_end_group].data<int64_t>()[g]; }

  /// Group g's state key.
  std::string Key(uint32_t g) const {
    std::string key;
    if (plan_.kind == ViewKind::kWindowed) {
      key = kWindowPrefix;
      AppendOrderedInt64(key, WindowEnd(g));
    } else {
      key = kGroupPrefix;
    }
    for (const Vector& k : groups_.keys()) EncodeValue(k, g, key);
    return key;
  }

 private:
  /// Note in keep_ the rows whose window is open and send the others to the late table; true when any is
  /// late.
  bool SplitLate(const DataChunk& input) {
    // A session's event is late when the watermark has passed its time: a session it would join may have
    // closed (a session [s, e) closes once the watermark reaches e, and joining it needs time <= e).
    const Vector& end = input.column(plan_.session() ? plan_.window_start_group : plan_.window_end_group);
    keep_.clear();
    late_sel_.clear();
    for (size_t i = 0; i < input.size(); i++) {
      const size_t r = end.IsConstant() ? 0 : i;
      const bool late = end.IsNull(r) || end.data<int64_t>()[r] <= limit_;
      (late ? late_sel_ : keep_).push_back(static_cast<sel_t>(i));
    }
    if (late_sel_.empty()) return false;
    late_rows_ += static_cast<int64_t>(late_sel_.size());
    if (!late_) return true;
    AppendLate(*late_, input, late_sel_,
               {plan_.partition_column, plan_.offset_column, plan_.time_column, plan_.window_start_group,
                plan_.window_end_group},
               plan_.time_type, closed_);
    return true;
  }

  const ViewPlan& plan_;
  const AggregateStates& states_;
  GroupHashTable groups_;
  const int64_t closed_;
  const int64_t limit_;  // rows whose window ends at or before it are late
  Output* late_;
  int64_t late_rows_ = 0;
  std::vector<sel_t> keep_, late_sel_, sel_;
  std::vector<uint32_t> ids_, created_;
  std::vector<uint8_t*> payloads_, selected_;
};

// ---- Windows: finished ones through the output plan to the view's table, kWindowSize rows at a time.

class ViewJob::WindowEmitter {
 public:
  WindowEmitter(ViewJob& job, const EpochPlan& plan, Output& view) : job_(job), plan_(plan), view_(view) {}

  /// A finished window: its group values (a state key past the prefix and window end) and its states.
  void Add(std::string_view groups, uint8_t* payload) {
    const size_t n = job_.plan_.group_types.size();
    Add([&](DataChunk& rows, size_t r) { DecodeRow(groups, rows, 0, n, r); }, payload);
  }
  /// A finished window whose group values `fill` writes into a row.
  void Add(const std::function<void(DataChunk& rows, size_t row)>& fill, uint8_t* payload) {
    if (!rows_) rows_ = std::make_unique<DataChunk>(job_.plan_.output_row_types);
    const size_t r = rows_->size(), n = job_.plan_.group_types.size();
    fill(*rows_, r);
    job_.states_->Finalize(payload, *rows_, n, r);
    rows_->column(n + job_.states_->count()).data<int64_t>()[r] = static_cast<int64_t>(r);
    rows_->SetCardinality(r + 1);
    if (rows_->size() == kVectorSize) Flush();
  }
  void Flush() {
    if (!rows_ || rows_->size() == 0) return;
    const size_t width = job_.plan_.names.size();
    job_.RunOutput(plan_, std::move(rows_), [&](const DataChunk& out) { view_.Append(Columns(out, width)); });
  }

 private:
  ViewJob& job_;
  const EpochPlan& plan_;
  Output& view_;
  std::unique_ptr<DataChunk> rows_;
};

}  // namespace basin::stream
