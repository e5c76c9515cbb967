#include "stream/join_state.h"

#include <map>
#include <string>
#include <vector>

#include "stream/join_expiry.h"
#include "stream/row_codec.h"
#include "stream/state_store.h"
#include "stream/view_plan.h"

namespace basin::stream {

namespace {

using Chunks = std::vector<std::unique_ptr<DataChunk>>;

/// Side `s`'s state keys start with this.
std::string SidePrefix(size_t s) {
  return std::string("j") + static_cast<char>('0' + s);
}

/// An interval join's index of side `s`'s rows by expiry time (join_expiry.h).
std::string ExpiryPrefix(size_t s) {
  return std::string("jx") + static_cast<char>('0' + s);
}

/// A side's new rows of the epoch that can match (no NULL key; of a distinct side, not kept before):
/// [columns..., keys..., extra columns...], with each row's state key.
struct Delta {
  Chunks chunks;
  std::vector<std::vector<std::string>> keys;  // by chunk, by row: the prefix and join key (+ the row, distinct)
  std::vector<std::vector<int64_t>> expiry;    // by chunk, by row: an interval join's expiry time
  std::map<std::string, bool> distinct;        // the join keys seen (prefix and key)
};

/// A side's late rows, as the late table's (_partition, _offset, event_time, window_start, window_end,
/// watermark), handed on by the chunk.
class LateRows {
 public:
  LateRows(const StreamJoin& join, const JoinEpoch& epoch)
      : epoch_(epoch),
        types_(LateColumnTypes(join.late_time_type)) {}

  /// Row `r` of `chunk`, whose late columns start at `first`, late behind `watermark` (and of the window
  /// ending at `window_end`, if any).
  void Add(const DataChunk& chunk, size_t first, size_t r, int64_t watermark, const int64_t* window_end) {
    if (!epoch_.late_rows) return;
    if (!rows_) rows_ = std::make_unique<DataChunk>(types_);
    DataChunk& out = *rows_;
    const size_t i = out.size();
    auto copy = [&](size_t c, size_t from) {
      const Vector& v = chunk.column(from);
      if (v.IsNull(r)) {
        out.column(c).SetNull(i);
      } else if (c == 0) {
        out.column(c).data<int32_t>()[i] = v.data<int32_t>()[r];
      } else {
        out.column(c).data<int64_t>()[i] = v.data<int64_t>()[r];
      }
    };
    for (size_t c = 0; c < 3; c++) copy(c, first + c);
    out.column(3).SetNull(i);
    if (window_end) {
      out.column(4).data<int64_t>()[i] = *window_end;
    } else {
      out.column(4).SetNull(i);
    }
    if (watermark == INT64_MIN) {
      out.column(5).SetNull(i);
    } else {
      out.column(5).data<int64_t>()[i] = watermark;
    }
    out.SetCardinality(i + 1);
    if (out.size() == kVectorSize) Flush();
  }
  void Flush() {
    if (rows_ && rows_->size() > 0) epoch_.late_rows(*rows_);
    rows_.reset();
  }

 private:
  const JoinEpoch& epoch_;
  std::vector<LogicalType> types_;
  std::unique_ptr<DataChunk> rows_;
};

Delta RunSide(const StreamJoin& join, size_t s, QueryEngine& engine, const std::shared_ptr<TableEntry>& input,
              const JoinEpoch& epoch, const StateBatch& batch, int64_t& late) {
  const StreamJoin::Side& side = join.sides[s];
  Delta delta;
  const size_t width = side.types.size();
  const size_t extra = width + side.keys;                     // the late columns
  const size_t bounds = extra + (side.late_columns ? 3 : 0);  // an interval join's bounds
  std::map<std::string, bool> rows_seen;  // a distinct side's rows of this epoch
  LateRows late_rows(join, epoch);
  engine.Run(ReadingFrom(*side.plan, input), epoch.time_us, [&](const DataChunk& chunk) {
    auto copy = std::make_unique<DataChunk>();
    copy->Append(chunk);
    copy->Flatten();
    std::vector<std::string> keys;
    std::vector<int64_t> expiry;
    std::vector<sel_t> keep;
    for (size_t r = 0; r < copy->size(); r++) {
      bool null = false;
      std::string key = SidePrefix(s);
      for (size_t k = 0; k < side.keys; k++) {
        const Vector& v = copy->column(width + k);
        null = null || v.IsNull(r);
        EncodeValue(v, r, key);
      }
      if (null) continue;  // an inner join: it never matches
      if (join.window_end_key >= 0) {
        // A window join: keys lead with the window end; a row of a window closed before this epoch is late.
        const int64_t end = copy->column(width + static_cast<size_t>(join.window_end_key)).data<int64_t>()[r];
        if (end <= epoch.closed) {
          late++;
          late_rows.Add(*copy, extra, r, epoch.closed, &end);
          continue;
        }
        std::string ordered = SidePrefix(s);
        AppendOrderedInt64(ordered, end);
        key.replace(0, SidePrefix(s).size(), ordered);
      }
      if (side.timed) {
        // An interval join: a row behind its topic's watermark may have lost partners that expired.
        const Vector& time = copy->column(extra + 2);
        if (time.IsNull(r)) continue;  // it meets no row
        if (time.data<int64_t>()[r] < epoch.side_closed[s]) {
          late++;
          late_rows.Add(*copy, extra, r, epoch.side_closed[s], nullptr);
          continue;
        }
      }
      int64_t expires = INT64_MAX;
      bool unbounded = false;  // a NULL bound: the row meets no row
      for (size_t b = 0; b < side.expiry.size(); b++) {
        const Vector& bound = copy->column(bounds + b);
        if (bound.IsNull(r)) {
          unbounded = true;
          break;
        }
        int64_t x = bound.data<int64_t>()[r];
        if (side.expiry[b] && x != INT64_MIN) x--;  // strict: a row at the bound does not meet it either
        expires = std::min(expires, x);
      }
      if (unbounded) continue;
      std::string state_key = key;
      if (side.distinct) {
        EncodeRow(*copy, 0, width, r, state_key);
        if (rows_seen.count(state_key) || batch.Get(state_key)) continue;  // met its matches already
        rows_seen[state_key] = true;
      }
      delta.distinct[key] = true;
      if (!side.expiry.empty()) expiry.push_back(expires);
      keys.push_back(std::move(state_key));
      keep.push_back(static_cast<sel_t>(r));
    }
    if (keep.empty()) return true;
    if (keep.size() < copy->size()) {
      auto kept = std::make_unique<DataChunk>();
      kept->Slice(*copy, keep.data(), keep.size());
      kept->Flatten();
      copy = std::move(kept);
    }
    delta.keys.push_back(std::move(keys));
    delta.expiry.push_back(std::move(expiry));
    delta.chunks.push_back(std::move(copy));
    return true;
  });
  late_rows.Flush();
  return delta;
}

/// The columns of `delta`'s chunks (without the join keys), referenced into `out`.
void AddColumns(const Delta& delta, size_t width, Chunks& out) {
  for (const auto& chunk : delta.chunks) {
    auto part = std::make_unique<DataChunk>();
    std::vector<LogicalType> types;
    for (size_t c = 0; c < width; c++) types.push_back(chunk->column(c).type());
    part->Initialize(types, 1);
    for (size_t c = 0; c < width; c++) part->column(c).Reference(chunk->column(c));
    part->SetCardinality(chunk->size());
    out.push_back(std::move(part));
  }
}

/// The stored rows of side `s` whose keys `wanted` (of the other side's delta, prefix swapped) has.
void AddStored(const StreamJoin::Side& side, size_t s, const Delta& wanted, const StateBatch& batch,
               Chunks& out) {
  std::unique_ptr<DataChunk> chunk;
  for (const auto& [other_key, _] : wanted.distinct) {
    const std::string prefix = SidePrefix(s) + other_key.substr(SidePrefix(s).size());
    batch.Scan(prefix, prefix + '\xff', [&](std::string_view, std::string_view value) {
      if (!chunk) chunk = std::make_unique<DataChunk>(side.types);
      DecodeRow(value, *chunk, 0, side.types.size(), chunk->size());
      chunk->SetCardinality(chunk->size() + 1);
      if (chunk->size() == kVectorSize) out.push_back(std::move(chunk));
      return true;
    });
  }
  if (chunk && chunk->size() > 0) out.push_back(std::move(chunk));
}

}  // namespace

JoinEpochResult RunStreamJoin(StreamJoin& join, QueryEngine& engine,
                              const std::array<std::shared_ptr<TableEntry>, 2>& inputs, const JoinEpoch& epoch,
                              StateBatch& batch, const std::function<void()>& pass) {
  StreamJoin::Side& left = join.sides[0];
  StreamJoin::Side& right = join.sides[1];
  JoinEpochResult result;
  const std::array<Delta, 2> delta = {
      RunSide(join, 0, engine, inputs[0], epoch, batch, result.late),
      RunSide(join, 1, engine, inputs[1], epoch, batch, result.late)};
  auto run = [&](auto fill_left, auto fill_right) {
    left.rows->clear();
    right.rows->clear();
    fill_left(*left.rows);
    fill_right(*right.rows);
    if (!left.rows->empty() && !right.rows->empty()) pass();
    left.rows->clear();
    right.rows->clear();
  };
  try {
    // New left rows with the right rows stored and new; then stored left rows with the new right rows.
    run([&](Chunks& out) { AddColumns(delta[0], left.types.size(), out); },
        [&](Chunks& out) {
          AddStored(right, 1, delta[0], batch, out);
          AddColumns(delta[1], right.types.size(), out);
        });
    run([&](Chunks& out) { AddStored(left, 0, delta[1], batch, out); },
        [&](Chunks& out) { AddColumns(delta[1], right.types.size(), out); });
  } catch (...) {
    left.rows->clear();
    right.rows->clear();
    throw;
  }
  // Keep the new rows: "j" side, key, then the row (a distinct side's) or the epoch and a row number.
  for (size_t s = 0; s < 2; s++) {
    const size_t width = join.sides[s].types.size();
    const bool expires = !join.sides[s].expiry.empty();
    ExpiryIndex index;
    int64_t n = 0;
    std::string key, value;
    for (size_t c = 0; c < delta[s].chunks.size(); c++) {
      const DataChunk& chunk = *delta[s].chunks[c];
      for (size_t r = 0; r < chunk.size(); r++, n++) {
        key = delta[s].keys[c][r];
        if (!join.sides[s].distinct) {
          AppendOrderedInt64(key, epoch.epoch);
          AppendOrderedInt64(key, n);
        }
        value.clear();
        EncodeRow(chunk, 0, width, r, value);
        batch.Put(key, value);
        result.kept++;
        if (expires) index.Add(delta[s].expiry[c][r], key);
      }
    }
    if (expires) index.Write(ExpiryPrefix(s), epoch.epoch, batch);
  }
  // A window join forgets the windows the watermark has closed: no row to come can meet their rows.
  if (join.window_end_key >= 0 && epoch.watermark != INT64_MIN) {
    for (size_t s = 0; s < 2; s++) {
      std::string end = SidePrefix(s);
      if (epoch.watermark == INT64_MAX) {
        end += '\xff';
      } else {
        AppendOrderedInt64(end, epoch.watermark + 1);
      }
      std::vector<std::string> expired;
      batch.Scan(SidePrefix(s), end, [&](std::string_view key, std::string_view) {
        expired.emplace_back(key);
        return true;
      });
      for (const std::string& key : expired) batch.Delete(key);
      result.expired += static_cast<int64_t>(expired.size());
    }
  }
  // An interval join forgets the rows whose every bound the other side's watermark has passed: a row of it
  // still to come that is not late is at or after that watermark.
  for (size_t s = 0; s < 2; s++) {
    if (!join.sides[s].expiry.empty())
      result.expired += ExpiryIndex::Expire(ExpiryPrefix(s), epoch.side_watermark[1 - s], batch);
  }
  return result;
}

}  // namespace basin::stream
