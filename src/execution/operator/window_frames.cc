// Frame bounds (ROWS and RANGE, including RANGE offsets over numbers, dates, times and intervals) and
// aggregates computed over each row's frame.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "execution/operator/physical_window_internal.h"
#include "types/datetime.h"

namespace basin::window_internal {

namespace {

// SQLSTATEs PostgreSQL raises for bad window arguments (errcodes.txt).
constexpr const char* kNullValueNotAllowed = "22004";
constexpr const char* kInvalidPrecedingOrFollowingSize = "22013";

/// One end of row p's frame in its partition [ps, pe), as a sorted position (frame ends are exclusive).
size_t FrameBound(const Expr& w, bool is_start, const WindowInputs& in, const SortedRows& s, size_t p,
                  size_t ps, size_t pe) {
  WindowBoundary b = is_start ? w.frame_start : w.frame_end;
  size_t current = p + (is_start ? 0 : 1);  // the current row, as this end counts it
  if (!w.has_frame) b = is_start ? WindowBoundary::kUnboundedPreceding : WindowBoundary::kCurrentRow;
  switch (b) {
    case WindowBoundary::kUnboundedPreceding:
      return ps;
    case WindowBoundary::kUnboundedFollowing:
      return pe;
    case WindowBoundary::kCurrentRow:
      if (w.has_frame && w.frame_rows) return current;
      return is_start ? s.peer_begin[p] : s.peer_end[p];  // RANGE: the current row's peers count as current
    case WindowBoundary::kPreceding:
    case WindowBoundary::kFollowing:
      break;
  }
  if (!w.frame_rows) {
    const std::vector<uint32_t>& range = is_start ? in.range_start : in.range_end;
    if (range.empty()) throw InternalError("RANGE frame offsets were not computed");
    return range[p];
  }
  const Vector* offset = (is_start ? in.start_offset : in.end_offset).get();
  if (!offset) throw InternalError("ROWS frame offset missing");
  const char* which = is_start ? "starting" : "ending";
  bool is_null;
  int64_t n = ReadBigInt(*offset, s.perm[p], is_null);
  if (is_null) {
    throw DataError(kNullValueNotAllowed, std::string("frame ") + which + " offset must not be null");
  }
  if (n < 0) {
    throw DataError(kInvalidPrecedingOrFollowingSize,
                    std::string("frame ") + which + " offset must not be negative");
  }
  auto distance = static_cast<uint64_t>(n);
  if (b == WindowBoundary::kPreceding) return distance >= current - ps ? ps : current - distance;
  return distance >= pe - current ? pe : current + distance;
}

}  // namespace

Frame FrameOf(const Expr& w, const WindowInputs& in, const SortedRows& s, size_t p, size_t ps, size_t pe) {
  size_t begin = FrameBound(w, true, in, s, p, ps, pe);
  size_t end = FrameBound(w, false, in, s, p, ps, pe);
  return {begin, std::max(begin, end)};
}

// ---- aggregates over frames ----

namespace {

/// Copy row `from` of `v` to row `to`. Strings and lists stay in v's own heap and child, so the bits suffice.
void CopyRowWithin(Vector& v, size_t from, size_t to) {
  size_t width = PhysicalSize(v.type().physical());
  std::memcpy(v.raw_data() + to * width, v.raw_data() + from * width, width);
  v.SetNull(to, v.IsNull(from));
}

/// One aggregate state in aligned storage, destroyed with the object (also when an update throws).
class AggregateState {
 public:
  explicit AggregateState(const Expr& w)
      : fn_(*w.aggregate), bind_(w.bind_data.get()), storage_((fn_.state_size + 15) / 16 + 1) {
    fn_.initialize(data(), bind_);
  }
  ~AggregateState() {
    if (fn_.destroy) fn_.destroy(data());
  }
  AggregateState(const AggregateState&) = delete;
  AggregateState& operator=(const AggregateState&) = delete;

  void Reset() {
    if (fn_.destroy) fn_.destroy(data());
    fn_.initialize(data(), bind_);
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage_.data()); }

 private:
  struct alignas(16) Block {
    uint8_t bytes[16];
  };
  const AggregateFunction& fn_;
  const FunctionData* bind_;
  std::vector<Block> storage_;
};

/// Feeds ranges of sorted positions into a state, a vector at a time, skipping rows FILTER rejects.
class AggregateFeeder {
 public:
  AggregateFeeder(const Expr& w, const WindowInputs& in, const SortedRows& s)
      : w_(w), in_(in), perm_(s.perm), sel_(kVectorSize), states_(kVectorSize) {
    std::vector<LogicalType> types;
    for (auto& a : in.args) types.push_back(a.type());
    args_.Initialize(types);
  }

  void Add(AggregateState& state, size_t begin, size_t end) {
    std::fill(states_.begin(), states_.end(), state.data());
    size_t n = 0;
    for (size_t p = begin; p < end; p++) {
      uint32_t row = perm_[p];
      if (!in_.passes_filter.empty() && !in_.passes_filter[row]) continue;
      sel_[n++] = row;
      if (n == kVectorSize) Flush(n);
    }
    Flush(n);
  }

 private:
  void Flush(size_t& n) {
    if (n == 0) return;
    for (size_t c = 0; c < in_.args.size(); c++) args_.column(c).Slice(in_.args[c], sel_.data(), n);
    args_.SetCardinality(n);
    w_.aggregate->update(args_, states_.data(), n, w_.bind_data.get());
    n = 0;
  }

  const Expr& w_;
  const WindowInputs& in_;
  const std::vector<uint32_t>& perm_;
  std::vector<sel_t> sel_;
  std::vector<uint8_t*> states_;
  DataChunk args_;
};

}  // namespace

/// Each row's frame extends the state already built when it starts at the same place (running frames:
/// UNBOUNDED PRECEDING to CURRENT ROW, whole partitions); otherwise the frame is recomputed, which costs
/// O(frame) per row for sliding frames. Rows whose frame equals the previous row's (peers, whole
/// partitions) copy its result instead of finalizing again. Finalize leaves a state usable (checked for
/// every aggregate in execution/aggregates: quantiles only reorder their kept values).
void ComputeAggregate(const Expr& w, const WindowInputs& in, const SortedRows& s, Vector& result) {
  AggregateState state(w);
  AggregateFeeder feeder(w, in, s);
  for (size_t part = 0; part + 1 < s.partition_starts.size(); part++) {
    size_t ps = s.partition_starts[part], pe = s.partition_starts[part + 1];
    state.Reset();
    Frame built{ps, ps}, previous{0, 0};
    uint32_t previous_row = 0;
    for (size_t p = ps; p < pe; p++) {
      uint32_t row = s.perm[p];
      Frame f = FrameOf(w, in, s, p, ps, pe);
      if (p > ps && f == previous) {
        CopyRowWithin(result, previous_row, row);
        continue;
      }
      if (f.begin != built.begin || f.end < built.end) {
        state.Reset();
        built = {f.begin, f.begin};
      }
      feeder.Add(state, built.end, f.end);
      built.end = f.end;
      w.aggregate->finalize(state.data(), result, row, w.bind_data.get());
      previous = f;
      previous_row = row;
    }
  }
}

// ---- RANGE frames with offsets ----

namespace {

/// Total order of ORDER BY keys as read for RANGE offsets: NaN above every other value, as the sort does.
template <class Key>
int CompareKeys(Key a, Key b) {
  if constexpr (std::is_floating_point_v<Key>) {
    bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an - bn;
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

/// Fill `bound` (per sorted position) with one end of every row's RANGE offset frame. `keys` holds the
/// ORDER BY value of each sorted position; `move(key, forward)` shifts a key by the offset towards larger
/// (forward) or smaller values, saturating. A start is the first non-NULL position of the partition not
/// before the moved current value in sort order, an end the first one after it. The moved value advances
/// with the current row, so one pointer per partition finds every bound (O(n)). A NULL current row's frame
/// is its peers, the NULLs; non-NULL rows never reach the NULLs, as in PostgreSQL.
template <class Key, class Move>
void FindRangeBound(const std::vector<Key>& keys, const Vector& order, const SortedRows& s, bool descending,
                    bool is_start, bool following, Move move, std::vector<uint32_t>& bound) {
  bound.resize(s.perm.size());
  const int direction = descending ? -1 : 1;
  const bool forward = following != descending;  // PRECEDING moves against the sort order
  for (size_t part = 0; part + 1 < s.partition_starts.size(); part++) {
    size_t ps = s.partition_starts[part], pe = s.partition_starts[part + 1];
    // NULLs sort together at one end of the partition: the non-NULL values are [values_begin, values_end).
    size_t values_begin = ps, values_end = pe;
    while (values_begin < pe && order.IsNull(s.perm[values_begin])) values_begin++;
    while (values_end > values_begin && order.IsNull(s.perm[values_end - 1])) values_end--;
    size_t pointer = values_begin;
    for (size_t p = ps; p < pe; p++) {
      if (p < values_begin || p >= values_end) {
        bound[p] = is_start ? s.peer_begin[p] : s.peer_end[p];
        continue;
      }
      Key target = move(keys[p], forward);
      while (pointer < values_end) {
        int c = direction * CompareKeys(keys[pointer], target);
        if (is_start ? c >= 0 : c > 0) break;
        pointer++;
      }
      bound[p] = static_cast<uint32_t>(pointer);
    }
  }
}

/// Read the ORDER BY column at every sorted position as `Key` through `read(column, row)`.
template <class Key, class Read>
std::vector<Key> ReadKeys(const Vector& order, const SortedRows& s, Read read) {
  std::vector<Key> keys(s.perm.size());
  for (size_t p = 0; p < keys.size(); p++) {
    size_t row = order.IsConstant() ? 0 : s.perm[p];
    if (!order.IsNull(row)) keys[p] = read(order, row);
  }
  return keys;
}

constexpr hugeint_t kHugeIntMax = static_cast<hugeint_t>(~static_cast<unsigned __int128>(0) >> 1);
constexpr hugeint_t kHugeIntMin = -kHugeIntMax - 1;

/// An exact number, TIME or INTERVAL as a scaled integer: DECIMAL's unscaled value, microseconds, an
/// interval's normalised length.
hugeint_t ExactKey(const Vector& v, size_t row) {
  switch (v.type().physical()) {
    case PhysicalType::kInt16:
      return v.data<int16_t>()[row];
    case PhysicalType::kInt32:
      return v.data<int32_t>()[row];
    case PhysicalType::kInt64:
      return v.data<int64_t>()[row];
    case PhysicalType::kInt128:
      return v.data<hugeint_t>()[row];
    case PhysicalType::kInterval:
      return v.data<interval_t>()[row].Normalized();
    default:
      throw InternalError("RANGE offset over " + v.type().ToString());
  }
}

/// An exact RANGE offset at `scale` decimal places, truncated: keys lie on that grid, so a distance is within
/// the offset exactly when it is within the truncated offset. Saturates when scaling up overflows.
hugeint_t ScaledOffset(const Value& offset, uint8_t scale) {
  bool is_decimal = offset.type().id() == TypeId::kDecimal;
  hugeint_t unscaled = is_decimal ? offset.GetHugeInt() : offset.GetInt64();
  for (int s = is_decimal ? offset.type().scale() : 0; s > scale; s--) unscaled /= 10;
  for (int s = is_decimal ? offset.type().scale() : 0; s < scale; s++) {
    if (__builtin_mul_overflow(unscaled, 10, &unscaled)) return kHugeIntMax;
  }
  return unscaled;
}

/// A date or timestamp as microseconds; infinite and out-of-range dates saturate.
int64_t TimestampKey(const Vector& v, size_t row) {
  if (v.type().id() != TypeId::kDate) return v.data<int64_t>()[row];
  int32_t days = v.data<int32_t>()[row];
  int64_t micros;
  if (days == date::kInfinity || __builtin_mul_overflow(int64_t{days}, kMicrosPerDay, &micros)) {
    return days < 0 ? timestamp::kNegativeInfinity : timestamp::kInfinity;
  }
  return micros;
}

}  // namespace

/// Compute in.range_start / in.range_end for a RANGE frame with offsets over its one ORDER BY column `order`.
/// The binder made the offsets non-negative constants: integers or DECIMALs for exact columns, DOUBLEs for
/// floats, INTERVALs for dates, times, timestamps and intervals.
void ComputeRangeFrame(const Expr& w, const Vector& order, const SortedRows& s, WindowInputs& in) {
  bool descending = w.order_by.at(0).type == OrderType::kDescending;
  auto bound = [&](bool is_start) {
    WindowBoundary b = is_start ? w.frame_start : w.frame_end;
    if (b != WindowBoundary::kPreceding && b != WindowBoundary::kFollowing) return;
    Value offset = ExpressionExecutor::EvaluateScalar(*(is_start ? w.start_offset : w.end_offset));
    bool following = b == WindowBoundary::kFollowing;
    std::vector<uint32_t>& out = is_start ? in.range_start : in.range_end;
    TypeId type = order.type().id();
    if (type == TypeId::kReal || type == TypeId::kDouble) {
      double off = offset.ToDouble();
      auto keys = ReadKeys<double>(order, s, [](const Vector& v, size_t row) {
        return v.type().id() == TypeId::kReal ? double{v.data<float>()[row]} : v.data<double>()[row];
      });
      auto move = [off](double key, bool forward) {
        constexpr double kInfinity = std::numeric_limits<double>::infinity();
        double moved = forward ? key + off : key - off;
        // infinity - infinity: PostgreSQL counts every value within the offset.
        if (std::isnan(moved) && !std::isnan(key)) return forward ? kInfinity : -kInfinity;
        return moved;
      };
      FindRangeBound(keys, order, s, descending, is_start, following, move, out);
    } else if (type == TypeId::kDate || type == TypeId::kTimestamp || type == TypeId::kTimestampTz) {
      interval_t ahead = offset.GetInterval();
      interval_t back{-ahead.months, -ahead.days, -ahead.micros};
      auto keys = ReadKeys<int64_t>(order, s, TimestampKey);
      auto move = [&](int64_t key, bool forward) {
        int64_t moved;
        if (interval::TryAddToTimestamp(key, forward ? ahead : back, moved)) return moved;
        return forward ? timestamp::kInfinity : timestamp::kNegativeInfinity;
      };
      FindRangeBound(keys, order, s, descending, is_start, following, move, out);
    } else {
      hugeint_t off;
      if (type == TypeId::kTime) {
        off = offset.GetInterval().micros;  // PostgreSQL's time in_range ignores months and days
      } else if (type == TypeId::kInterval) {
        off = offset.GetInterval().Normalized();
      } else {
        off = ScaledOffset(offset, type == TypeId::kDecimal ? order.type().scale() : 0);
      }
      auto keys = ReadKeys<hugeint_t>(order, s, ExactKey);
      auto move = [off](hugeint_t key, bool forward) {
        hugeint_t moved;
        if (!__builtin_add_overflow(key, forward ? off : -off, &moved)) return moved;
        return forward ? kHugeIntMax : kHugeIntMin;
      };
      FindRangeBound(keys, order, s, descending, is_start, following, move, out);
    }
  };
  bound(true);
  bound(false);
}

}  // namespace basin::window_internal
