#include "lake/memory_table.h"

#include "lake/schema_evolution.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <type_traits>
#include <unordered_map>

namespace basin {

namespace {

struct MemoryScanState : TableScanState {
  std::vector<MemoryTable::Segment> snapshot;
  std::vector<size_t> column_ids;
  std::vector<TableFilter> filters;
};

/// Whether `zone` leaves any row for `column op constant`.
bool ZoneMayMatch(const MemoryTable::ZoneMap& zone, const TableFilter& f) {
  if (!zone.valid || f.constant.IsNull()) return true;
  auto check = [&](auto lo, auto hi, auto c) {
    switch (f.op) {
      case TableFilter::Op::kEqual:
        return lo <= c && c <= hi;
      case TableFilter::Op::kLess:
        return lo < c;
      case TableFilter::Op::kLessEqual:
        return lo <= c;
      case TableFilter::Op::kGreater:
        return hi > c;
      case TableFilter::Op::kGreaterEqual:
        return hi >= c;
      default:
        return true;
    }
  };
  const LogicalType& t = f.constant.type();
  if (zone.is_float) {
    if (t.id() != TypeId::kDouble && t.id() != TypeId::kReal) return true;
    return check(zone.fmin, zone.fmax, f.constant.GetDouble());
  }
  if (t.id() == TypeId::kDecimal) {
    if (t.physical() != PhysicalType::kInt64) return true;
    return check(zone.min, zone.max, static_cast<int64_t>(f.constant.GetHugeInt()));
  }
  if (t.IsInteger() || t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp ||
      t.id() == TypeId::kTimestampTz) {
    return check(zone.min, zone.max, f.constant.GetInt64());
  }
  return true;
}

template <class T>
void Zone(const Vector& v, size_t n, MemoryTable::ZoneMap& zone) {
  const T* d = v.data<T>();
  bool any = false;
  T lo{}, hi{};
  for (size_t i = 0; i < n; i++) {
    if (!v.validity().RowIsValid(i)) continue;
    if (!any || d[i] < lo) lo = d[i];
    if (!any || d[i] > hi) hi = d[i];
    any = true;
  }
  if (!any) return;  // all NULL: no comparison matches, but keep it simple and scan
  zone.valid = true;
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(lo) || std::isnan(hi)) {
      zone.valid = false;
      return;
    }
    zone.is_float = true;
    zone.fmin = lo;
    zone.fmax = hi;
  } else {
    zone.min = lo;
    zone.max = hi;
  }
}

}  // namespace

std::shared_ptr<const std::vector<MemoryTable::ZoneMap>> MemoryTable::ComputeZones(const DataChunk& data) {
  auto zones = std::make_shared<std::vector<ZoneMap>>(data.ColumnCount());
  for (size_t c = 0; c < data.ColumnCount(); c++) {
    const Vector& v = data.column(c);
    if (v.IsConstant()) continue;
    switch (v.type().physical()) {
      case PhysicalType::kInt16:
        Zone<int16_t>(v, data.size(), (*zones)[c]);
        break;
      case PhysicalType::kInt32:
        Zone<int32_t>(v, data.size(), (*zones)[c]);
        break;
      case PhysicalType::kInt64:
        Zone<int64_t>(v, data.size(), (*zones)[c]);
        break;
      case PhysicalType::kFloat:
        Zone<float>(v, data.size(), (*zones)[c]);
        break;
      case PhysicalType::kDouble:
        Zone<double>(v, data.size(), (*zones)[c]);
        break;
      default:
        break;
    }
  }
  return zones;
}

namespace {

/// Write rows `sel[0..count)` (or [0, count)) of a dictionary column into `target` as strings.
void DecodeDict(const MemoryTable::DictColumn& dict, const sel_t* sel, size_t count, Vector& target) {
  target.Reset();
  if (target.capacity() < count) target.Resize(count);
  auto* out = target.data<string_t>();
  const auto* entries = dict.dictionary.data<string_t>();
  for (size_t i = 0; i < count; i++) {
    uint8_t code = dict.codes[sel ? sel[i] : i];
    if (code == MemoryTable::DictColumn::kNullCode) {
      target.SetNull(i);
    } else {
      out[i] = entries[code];
    }
  }
  target.AddHeapReference(dict.dictionary);
}

/// Dictionary-encode a string column when it has fewer than 255 distinct values.
std::shared_ptr<MemoryTable::DictColumn> EncodeDict(const Vector& v, size_t count) {
  if (v.type().physical() != PhysicalType::kString || v.IsConstant()) return nullptr;
  auto dict = std::make_shared<MemoryTable::DictColumn>();
  dict->codes.resize(count);
  dict->dictionary = Vector(v.type(), 8);
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>()(v); }
  };
  std::unordered_map<std::string, uint8_t, Hash, std::equal_to<>> index;
  const auto* data = v.data<string_t>();
  for (size_t i = 0; i < count; i++) {
    if (!v.validity().RowIsValid(i)) {
      dict->codes[i] = MemoryTable::DictColumn::kNullCode;
      continue;
    }
    std::string_view s = data[i].view();
    auto it = index.find(s);
    if (it == index.end()) {
      if (index.size() == MemoryTable::DictColumn::kNullCode) return nullptr;  // too many values
      uint8_t code = static_cast<uint8_t>(index.size());
      if (code >= dict->dictionary.capacity()) dict->dictionary.Resize(dict->dictionary.capacity() * 2);
      dict->dictionary.data<string_t>()[code] =
          dict->dictionary.AddString(s);  // the dictionary owns its bytes
      it = index.emplace(std::string(s), code).first;
    }
    dict->codes[i] = it->second;
  }
  return dict;
}

}  // namespace

MemoryTable::Segment MemoryTable::MakeSegment(std::shared_ptr<DataChunk> rows) {
  Segment seg;
  seg.zones = ComputeZones(*rows);
  std::vector<std::shared_ptr<const DictColumn>> dicts(rows->ColumnCount());
  bool any = false;
  for (size_t c = 0; c < rows->ColumnCount(); c++) {
    auto dict = EncodeDict(rows->column(c), rows->size());
    if (!dict) continue;
    dicts[c] = std::move(dict);
    rows->column(c) = Vector(rows->column(c).type(), 1);  // release the plain strings
    any = true;
  }
  if (any) seg.dicts = std::make_shared<std::vector<std::shared_ptr<const DictColumn>>>(std::move(dicts));
  seg.data = std::move(rows);
  return seg;
}

std::shared_ptr<DataChunk> MemoryTable::Materialize(const Segment& segment,
                                                    const std::vector<LogicalType>& types) {
  const DataChunk& data = *segment.data;
  auto copy = std::make_shared<DataChunk>(types, std::max(data.size(), kVectorSize));
  for (size_t c = 0; c < types.size(); c++) {
    const DictColumn* dict = segment.dicts ? (*segment.dicts)[c].get() : nullptr;
    if (dict) {
      DecodeDict(*dict, nullptr, data.size(), copy->column(c));
    } else {
      copy->column(c).Append(data.column(c), data.size(), 0);
    }
  }
  copy->SetCardinality(data.size());
  return copy;
}

std::unique_ptr<TableScanState> MemoryTable::InitScan(const std::vector<size_t>& column_ids,
                                                      const std::vector<TableFilter>& filters) {
  auto state = std::make_unique<MemoryScanState>();
  state->column_ids = column_ids;
  state->filters = filters;
  std::lock_guard<std::mutex> lock(mutex_);
  state->snapshot = segments_;
  return state;
}

size_t MemoryTable::MorselCount(const TableScanState& state) const {
  return static_cast<const MemoryScanState&>(state).snapshot.size();
}

namespace {
/// A segment is one chunk: the reader hands it out once.
class SegmentReader : public MorselReader {
 public:
  SegmentReader(const MemoryTable& table, TableScanState& state, size_t morsel)
      : table_(table), state_(state), morsel_(morsel) {}
  bool Next(DataChunk& out) override {
    if (done_) return false;
    done_ = true;
    if (!table_.ScanSegment(state_, morsel_, out)) out.SetCardinality(0);
    return true;
  }

 private:
  const MemoryTable& table_;
  TableScanState& state_;
  size_t morsel_;
  bool done_ = false;
};
}  // namespace

std::unique_ptr<MorselReader> MemoryTable::OpenMorsel(TableScanState& state, size_t morsel) {
  return std::make_unique<SegmentReader>(*this, state, morsel);
}

bool MemoryTable::ScanSegment(TableScanState& state_base, size_t morsel, DataChunk& out) const {
  auto& state = static_cast<MemoryScanState&>(state_base);
  const Segment& seg = state.snapshot[morsel];
  const DataChunk& data = *seg.data;
  size_t n = data.size();
  if (seg.deleted_count == n) return false;
  if (seg.zones) {
    for (auto& f : state.filters) {
      if (f.column < seg.zones->size() && !ZoneMayMatch((*seg.zones)[f.column], f)) return false;
    }
  }
  std::vector<sel_t> sel;
  if (seg.deleted) {
    for (size_t i = 0; i < n; i++) {
      if (!(*seg.deleted)[i]) sel.push_back(static_cast<sel_t>(i));
    }
  }
  size_t count = seg.deleted ? sel.size() : n;
  for (size_t c = 0; c < state.column_ids.size(); c++) {
    size_t id = state.column_ids[c];
    Vector& target = out.column(c);
    if (id == kRowIdColumn) {
      target.Reset();
      auto* ids = target.data<int64_t>();
      int64_t base = static_cast<int64_t>(morsel * kVectorSize);
      for (size_t i = 0; i < count; i++) ids[i] = base + (seg.deleted ? sel[i] : i);
    } else if (seg.dicts && (*seg.dicts)[id]) {
      DecodeDict(*(*seg.dicts)[id], seg.deleted ? sel.data() : nullptr, count, target);
    } else if (seg.deleted) {
      target.Slice(data.column(id), sel.data(), count);
    } else {
      target.Reference(data.column(id));
    }
  }
  out.SetCardinality(count);
  return count > 0;
}

int64_t MemoryTable::RowCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t rows = 0;
  for (auto& s : segments_) rows += static_cast<int64_t>(s.data->size() - s.deleted_count);
  return rows;
}

double MemoryTable::DistinctCount(size_t column) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (column >= distinct_.size()) return -1;
  return distinct_[column].Estimate();
}

int64_t MemoryTable::SizeInBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t bytes = 0;
  for (auto& s : segments_) bytes += static_cast<int64_t>(s.data->SizeInBytes());
  return bytes;
}

/// Buffers one statement's changes; Commit applies them to the table's current segments.
class MemoryTableWriter : public TableStorage::Writer {
 public:
  explicit MemoryTableWriter(MemoryTable& table) : table_(table) {}

  void Append(const DataChunk& chunk) override {
    if (chunk.size() == 0) return;
    // Distinct-value sketches for the optimizer, kept as rows arrive (hashing is cheap beside the copy).
    if (sketches_.empty()) sketches_.resize(chunk.ColumnCount());
    std::vector<uint64_t> hashes(chunk.size());
    for (size_t c = 0; c < chunk.ColumnCount(); c++) {
      HashVector(chunk.column(c), chunk.size(), hashes.data(), false);
      sketches_[c].Add(hashes.data(), chunk.size());
    }
    DataChunk flat;
    flat.Initialize(chunk.Types(), std::max(chunk.size(), kVectorSize));
    flat.Append(chunk);
    size_t offset = 0;
    while (offset < flat.size()) {
      if (!partial_) partial_ = std::make_shared<DataChunk>(table_.types_);
      size_t take = std::min(kVectorSize - partial_->size(), flat.size() - offset);
      std::vector<sel_t> sel(take);
      for (size_t i = 0; i < take; i++) sel[i] = static_cast<sel_t>(offset + i);
      DataChunk part;
      part.Slice(flat, sel.data(), take);
      partial_->Append(part);
      offset += take;
      // A full segment is encoded now, so a large load never holds its rows uncompressed all at once.
      if (partial_->size() == kVectorSize) {
        full_.push_back(MemoryTable::MakeSegment(std::move(partial_)));
        partial_.reset();
      }
    }
  }

  void Delete(const std::vector<int64_t>& row_ids) override {
    deleted_.insert(deleted_.end(), row_ids.begin(), row_ids.end());
  }

  void Update(const std::vector<int64_t>& row_ids, const std::vector<size_t>& column_ids,
              const DataChunk& values) override {
    for (size_t i = 0; i < row_ids.size(); i++) {
      auto& row = updates_[row_ids[i]];
      for (size_t c = 0; c < column_ids.size(); c++) row[column_ids[c]] = values.GetValue(c, i);
    }
  }

  void Commit() override {
    std::lock_guard<std::mutex> lock(table_.mutex_);
    if (table_.distinct_.size() < sketches_.size()) table_.distinct_.resize(sketches_.size());
    for (size_t c = 0; c < sketches_.size(); c++) table_.distinct_[c].Merge(sketches_[c]);
    auto& segments = table_.segments_;
    ApplyDeletes(segments);
    ApplyUpdates(segments);
    if (partial_ && partial_->size() > 0) full_.push_back(MemoryTable::MakeSegment(std::move(partial_)));
    partial_.reset();
    for (size_t i = 0; i < full_.size(); i++) {
      // Small appends (single-row INSERTs) fill the table's last segment instead of adding tiny ones.
      if (i == 0 && !segments.empty() && !segments.back().deleted &&
          segments.back().data->size() + full_[i].data->size() <= kVectorSize) {
        auto merged = MemoryTable::Materialize(segments.back(), table_.types_);
        merged->Append(*MemoryTable::Materialize(full_[i], table_.types_));
        segments.back() = MemoryTable::MakeSegment(std::move(merged));
      } else {
        segments.push_back(std::move(full_[i]));
      }
    }
    full_.clear();
  }

 private:
  void ApplyDeletes(std::vector<MemoryTable::Segment>& segments) {
    std::map<size_t, std::vector<size_t>> by_segment;
    for (int64_t id : deleted_) by_segment[id / kVectorSize].push_back(id % kVectorSize);
    for (auto& [index, offsets] : by_segment) {
      auto& seg = segments[index];
      auto bits = seg.deleted ? std::make_shared<std::vector<uint8_t>>(*seg.deleted)
                              : std::make_shared<std::vector<uint8_t>>(seg.data->size(), 0);
      for (size_t o : offsets) {
        if (!(*bits)[o]) {
          (*bits)[o] = 1;
          seg.deleted_count++;
        }
      }
      seg.deleted = std::move(bits);
    }
  }

  void ApplyUpdates(std::vector<MemoryTable::Segment>& segments) {
    std::map<size_t, std::shared_ptr<DataChunk>> copies;
    for (auto& [id, columns] : updates_) {
      size_t index = id / kVectorSize;
      auto& copy = copies[index];
      if (!copy) copy = MemoryTable::Materialize(segments[index], table_.types_);
      for (auto& [column, value] : columns) copy->SetValue(column, id % kVectorSize, value);
    }
    for (auto& [index, copy] : copies) {
      auto deleted = segments[index].deleted;
      size_t deleted_count = segments[index].deleted_count;
      segments[index] = MemoryTable::MakeSegment(copy);
      segments[index].deleted = std::move(deleted);
      segments[index].deleted_count = deleted_count;
    }
  }

  MemoryTable& table_;
  std::shared_ptr<DataChunk> partial_;      // appended rows not yet a full segment
  std::vector<MemoryTable::Segment> full_;  // appended segments, encoded, not yet visible
  std::vector<int64_t> deleted_;
  std::map<int64_t, std::map<size_t, Value>> updates_;
  std::vector<DistinctSketch> sketches_;
};

std::unique_ptr<TableStorage::Writer> MemoryTable::BeginWrite() {
  return std::make_unique<MemoryTableWriter>(*this);
}

}  // namespace basin

namespace basin {

bool MemoryTable::AlterSchema(const SchemaChange& change) {
  using K = SchemaChange::Kind;
  if (change.kind != K::kAddColumn && change.kind != K::kDropColumn && change.kind != K::kSetType) {
    return true;  // names, defaults, NOT NULL and comments live in the catalog; the rows stay as they are
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LogicalType> types = types_;
  if (change.kind == K::kAddColumn) types.push_back(change.type);
  if (change.kind == K::kDropColumn) types.erase(types.begin() + static_cast<std::ptrdiff_t>(change.column));
  if (change.kind == K::kSetType) types[change.column] = change.type;
  for (Segment& seg : segments_) {
    auto old_rows = Materialize(seg, types_);
    auto rows = std::make_shared<DataChunk>(types, std::max(old_rows->size(), kVectorSize));
    size_t n = old_rows->size();
    for (size_t c = 0, out = 0; c < types_.size(); c++) {
      if (change.kind == K::kDropColumn && c == change.column) continue;
      if (change.kind == K::kSetType && c == change.column) {
        Widen(old_rows->column(c), rows->column(out), n);
      } else {
        rows->column(out).Reference(old_rows->column(c));
      }
      out++;
    }
    if (change.kind == K::kAddColumn) {
      Vector fill(change.fill.IsNull() ? Value::Null(change.type) : change.fill);
      rows->column(types.size() - 1).Reference(fill);
      rows->column(types.size() - 1).Flatten(n);
    }
    rows->SetCardinality(n);
    auto deleted = seg.deleted;
    size_t deleted_count = seg.deleted_count;
    seg = MakeSegment(std::move(rows));
    seg.deleted = std::move(deleted);
    seg.deleted_count = deleted_count;
  }
  if (change.kind == K::kAddColumn) {
    distinct_.resize(types_.size());
    distinct_.emplace_back();
    if (!segments_.empty()) {
      uint64_t hash = 0;
      Vector fill(change.fill.IsNull() ? Value::Null(change.type) : change.fill);
      HashVector(fill, 1, &hash, false);
      distinct_.back().Add(&hash, 1);
    }
  } else if (change.kind == K::kDropColumn && change.column < distinct_.size()) {
    distinct_.erase(distinct_.begin() + static_cast<std::ptrdiff_t>(change.column));
  }
  types_ = std::move(types);
  return true;
}

}  // namespace basin
