#include "execution/operator/physical_window.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <numeric>
#include <string_view>
#include <type_traits>

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "execution/operator/physical_order.h"
#include "execution/row_operations.h"
#include "execution/sort.h"
#include "types/datetime.h"

namespace basin {

namespace {

// SQLSTATEs PostgreSQL raises for bad window arguments (errcodes.txt).
constexpr const char* kNullValueNotAllowed = "22004";
constexpr const char* kInvalidPrecedingOrFollowingSize = "22013";
constexpr const char* kInvalidArgumentForNtile = "22014";
constexpr const char* kInvalidArgumentForNthValue = "22016";

struct WindowLocal : LocalSinkState {
  SortedCollection data;
};

struct WindowGlobal : GlobalSinkState {
  std::mutex mutex;
  SortedCollection data;
  std::vector<Vector> results;  // one per window expression, indexed by input row
  std::vector<uint32_t> order;  // input rows in output order
};

struct WindowSource : GlobalSourceState {
  size_t next = 0;
};

/// The window functions, resolved from the name once so per-row loops switch on an enum. The order is
/// kWindowNames's; ranking functions come before value functions.
enum class WindowKind {
  kRowNumber,
  kRank,
  kDenseRank,
  kPercentRank,
  kCumeDist,
  kNtile,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kNthValue,
  kAggregate
};
constexpr std::array<std::string_view, 11> kWindowNames = {
    "row_number", "rank", "dense_rank",  "percent_rank", "cume_dist", "ntile",
    "lag",        "lead", "first_value", "last_value",   "nth_value"};

WindowKind KindOf(const Expr& w) {
  if (w.aggregate) return WindowKind::kAggregate;
  auto it = std::find(kWindowNames.begin(), kWindowNames.end(), w.name);
  if (it == kWindowNames.end()) throw InternalError("unknown window function " + w.name);
  return static_cast<WindowKind>(it - kWindowNames.begin());
}

bool SameSpec(const Expr& a, const Expr& b) {
  if (a.partition_by.size() != b.partition_by.size() || a.order_by.size() != b.order_by.size()) return false;
  for (size_t i = 0; i < a.partition_by.size(); i++) {
    if (!a.partition_by[i]->Equals(*b.partition_by[i])) return false;
  }
  for (size_t i = 0; i < a.order_by.size(); i++) {
    const BoundOrder &x = a.order_by[i], &y = b.order_by[i];
    if (x.type != y.type || x.nulls != y.nulls || !x.expr->Equals(*y.expr)) return false;
  }
  return true;
}

/// A spec group's rows after sorting: sorted position p holds input row perm[p]. Partitions and peer groups
/// are ranges of sorted positions.
struct SortedRows {
  std::vector<uint32_t> perm;
  std::vector<uint32_t> partition_starts;  // where each partition begins, then the row count
  std::vector<uint32_t> peer_begin;        // per sorted position: its peer group [peer_begin, peer_end)
  std::vector<uint32_t> peer_end;
};

SortedRows SortRows(const DataChunk& keys, size_t first_key, const Expr& spec, size_t count) {
  SortedRows s;
  size_t partitions = spec.partition_by.size(), orders = spec.order_by.size();
  std::vector<SortKey> sort_keys;
  for (size_t k = 0; k < partitions; k++) sort_keys.push_back({&keys.column(first_key + k)});
  for (size_t k = 0; k < orders; k++) {
    const BoundOrder& o = spec.order_by[k];
    sort_keys.push_back({&keys.column(first_key + partitions + k), o.type, o.nulls});
  }
  if (sort_keys.empty()) {
    s.perm.resize(count);
    std::iota(s.perm.begin(), s.perm.end(), 0);
  } else {
    s.perm = SortPermutation(sort_keys, count);
  }
  std::vector<RowComparator> compare;
  for (auto& k : sort_keys) compare.push_back(GetRowComparator(k.column->type()));
  // Whether sorted positions p-1 and p differ on keys [from, to); comparators treat NULLs as equal.
  auto differs = [&](size_t from, size_t to, size_t p) {
    for (size_t k = from; k < to; k++) {
      if (compare[k](*sort_keys[k].column, s.perm[p - 1], s.perm[p]) != 0) return true;
    }
    return false;
  };
  s.peer_begin.resize(count);
  s.peer_end.resize(count);
  size_t peer_start = 0;
  for (size_t p = 0; p < count; p++) {
    bool new_partition = p == 0 || differs(0, partitions, p);
    if (new_partition) s.partition_starts.push_back(static_cast<uint32_t>(p));
    if (new_partition || differs(partitions, partitions + orders, p)) {
      for (size_t q = peer_start; q < p; q++) s.peer_end[q] = static_cast<uint32_t>(p);
      peer_start = p;
    }
    s.peer_begin[p] = static_cast<uint32_t>(peer_start);
  }
  for (size_t q = peer_start; q < count; q++) s.peer_end[q] = static_cast<uint32_t>(count);
  s.partition_starts.push_back(static_cast<uint32_t>(count));
  return s;
}

/// Evaluate `e` over every materialised row as `type` (casting when the expression's type differs).
Vector Evaluate(ExpressionExecutor& executor, const Expr& e, const LogicalType& type, const DataChunk& rows) {
  ExprPtr cast;
  const Expr* expr = &e;
  if (e.type != type) {
    cast = Expr::Cast(e.Copy(), type);
    expr = cast.get();
  }
  Vector v(type, std::max<size_t>(rows.size(), 1));
  executor.Execute(*expr, rows, v);
  return v;
}

/// Row `row` of a BIGINT vector (flat or constant); `is_null` tells whether it is NULL.
int64_t ReadBigInt(const Vector& v, size_t row, bool& is_null) {
  is_null = v.IsNull(row);
  return v.data<int64_t>()[v.IsConstant() ? 0 : row];
}

/// A window expression's inputs, evaluated over every row (indexed by input row).
struct WindowInputs {
  std::vector<Vector> args;
  std::vector<uint8_t> passes_filter;  // empty without FILTER
  std::unique_ptr<Vector> start_offset, end_offset;  // ROWS offsets, as BIGINT
  std::vector<uint32_t> range_start, range_end;      // RANGE offset frame ends, per sorted position
};

struct Frame {
  size_t begin, end;  // sorted positions [begin, end)
  bool operator==(const Frame&) const = default;
};

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

Frame FrameOf(const Expr& w, const WindowInputs& in, const SortedRows& s, size_t p, size_t ps, size_t pe) {
  size_t begin = FrameBound(w, true, in, s, p, ps, pe);
  size_t end = FrameBound(w, false, in, s, p, ps, pe);
  return {begin, std::max(begin, end)};
}

/// Copy row `from` of `v` to row `to`. Strings and lists stay in v's own heap and child, so the bits suffice.
void CopyRowWithin(Vector& v, size_t from, size_t to) {
  size_t width = PhysicalSize(v.type().physical());
  std::memcpy(v.raw_data() + to * width, v.raw_data() + from * width, width);
  v.SetNull(to, v.IsNull(from));
}

// ---- ranking: row_number, rank, dense_rank, percent_rank, cume_dist, ntile ----

void ComputeRanking(WindowKind kind, const WindowInputs& in, const SortedRows& s, Vector& result) {
  for (size_t part = 0; part + 1 < s.partition_starts.size(); part++) {
    size_t ps = s.partition_starts[part], pe = s.partition_starts[part + 1], n = pe - ps;
    int64_t buckets = 0;
    if (kind == WindowKind::kNtile) {
      bool is_null;
      buckets = ReadBigInt(in.args.at(0), s.perm[ps], is_null);
      if (is_null) {
        for (size_t p = ps; p < pe; p++) result.SetNull(s.perm[p]);
        continue;
      }
      if (buckets <= 0) {
        throw DataError(kInvalidArgumentForNtile, "argument of ntile must be greater than zero");
      }
    }
    int64_t dense = 0;
    for (size_t p = ps; p < pe; p++) {
      uint32_t row = s.perm[p];
      size_t rank = s.peer_begin[p] - ps + 1;
      dense += s.peer_begin[p] == p;
      int64_t* out = result.data<int64_t>();
      switch (kind) {
        case WindowKind::kRowNumber:
          out[row] = static_cast<int64_t>(p - ps + 1);
          break;
        case WindowKind::kRank:
          out[row] = static_cast<int64_t>(rank);
          break;
        case WindowKind::kDenseRank:
          out[row] = dense;
          break;
        case WindowKind::kPercentRank:
          result.data<double>()[row] = n > 1 ? static_cast<double>(rank - 1) / static_cast<double>(n - 1) : 0;
          break;
        case WindowKind::kCumeDist:
          result.data<double>()[row] = static_cast<double>(s.peer_end[p] - ps) / static_cast<double>(n);
          break;
        default: {
          // ntile as PostgreSQL: the first n % buckets buckets hold one row more than the others.
          size_t k = std::min<uint64_t>(static_cast<uint64_t>(buckets), n);
          size_t small = n / k, large_rows = (n % k) * (small + 1), i = p - ps;
          out[row] =
              static_cast<int64_t>((i < large_rows ? i / (small + 1) : n % k + (i - large_rows) / small) + 1);
        }
      }
    }
  }
}

// ---- value functions: lag, lead, first_value, last_value, nth_value ----

/// Finds the sorted positions that hold values, skipping NULLs under IGNORE NULLS.
class ValuePositions {
 public:
  ValuePositions(const Vector& arg, const SortedRows& s, bool ignore_nulls) : skip_nulls_(ignore_nulls) {
    if (!skip_nulls_) return;
    before_.resize(s.perm.size() + 1);
    for (size_t p = 0; p < s.perm.size(); p++) {
      before_[p] = static_cast<uint32_t>(positions_.size());
      if (!arg.IsNull(s.perm[p])) positions_.push_back(static_cast<uint32_t>(p));
    }
    before_.back() = static_cast<uint32_t>(positions_.size());
  }

  /// The n-th (0-based) value at or after `from` and before `to`; -1 when there is none.
  int64_t Forward(size_t from, uint64_t n, size_t to) const {
    if (from >= to) return -1;
    if (!skip_nulls_) return n < to - from ? static_cast<int64_t>(from + n) : -1;
    uint64_t k = before_[from] + n;
    return k < positions_.size() && positions_[k] < to ? positions_[k] : -1;
  }
  /// The n-th (0-based) value before `before` and at or after `limit`; -1 when there is none.
  int64_t Backward(size_t before, uint64_t n, size_t limit) const {
    if (before <= limit) return -1;
    if (!skip_nulls_) return n < before - limit ? static_cast<int64_t>(before - 1 - n) : -1;
    uint64_t k = before_[before];
    return n < k && positions_[k - 1 - n] >= limit ? positions_[k - 1 - n] : -1;
  }

 private:
  bool skip_nulls_;
  std::vector<uint32_t> positions_;  // sorted positions of non-NULL values
  std::vector<uint32_t> before_;     // before_[p]: how many of them precede position p
};

constexpr int64_t kNoValue = -1;     // the result is NULL
constexpr int64_t kUseDefault = -2;  // lag/lead ran off the partition: take the default argument

/// Where row p's lag/lead value is, as a sorted position, or kNoValue / kUseDefault.
int64_t OffsetSource(WindowKind kind, const WindowInputs& in, const ValuePositions& values, size_t p,
                     size_t ps, size_t pe, uint32_t row) {
  int64_t offset = 1;
  if (in.args.size() > 1) {
    bool is_null;
    offset = ReadBigInt(in.args[1], row, is_null);
    if (is_null) return kNoValue;
  }
  if (kind == WindowKind::kLag) {
    offset = offset == INT64_MIN ? INT64_MAX : -offset;  // lag(x, n) is lead(x, -n)
    if (offset == 0) return static_cast<int64_t>(p);
  }
  int64_t found = offset > 0 ? values.Forward(p + 1, static_cast<uint64_t>(offset) - 1, pe)
                             : values.Backward(p, static_cast<uint64_t>(-(offset + 1)), ps);
  return found >= 0 ? found : kUseDefault;
}

void ComputeValue(WindowKind kind, const Expr& w, const WindowInputs& in, const SortedRows& s,
                  Vector& result) {
  const Vector& arg = in.args.at(0);
  ValuePositions values(arg, s, w.ignore_nulls);
  size_t count = s.perm.size();
  std::vector<int64_t> source(count, kNoValue);  // per input row: the sorted position its value comes from
  for (size_t part = 0; part + 1 < s.partition_starts.size(); part++) {
    size_t ps = s.partition_starts[part], pe = s.partition_starts[part + 1];
    for (size_t p = ps; p < pe; p++) {
      uint32_t row = s.perm[p];
      if (kind == WindowKind::kLag || kind == WindowKind::kLead) {
        source[row] = OffsetSource(kind, in, values, p, ps, pe, row);
        continue;
      }
      Frame f = FrameOf(w, in, s, p, ps, pe);
      if (kind == WindowKind::kFirstValue) {
        source[row] = values.Forward(f.begin, 0, f.end);
      } else if (kind == WindowKind::kLastValue) {
        source[row] = values.Backward(f.end, 0, f.begin);
      } else {
        bool is_null;
        int64_t nth = ReadBigInt(in.args.at(1), row, is_null);
        if (is_null) continue;
        if (nth <= 0) {
          throw DataError(kInvalidArgumentForNthValue, "argument of nth_value must be greater than zero");
        }
        source[row] = values.Forward(f.begin, static_cast<uint64_t>(nth - 1), f.end);
      }
    }
  }
  // Gather in one pass: value rows, and under a default the default's own row (appended after the values).
  const Vector* fallback = in.args.size() > 2 ? &in.args[2] : nullptr;
  std::unique_ptr<Vector> combined;
  if (fallback) {
    combined = std::make_unique<Vector>(result.type(), 2 * count);
    combined->Append(arg, count, 0);
    combined->Append(*fallback, count, count);
  }
  std::vector<sel_t> sel(count);
  for (size_t r = 0; r < count; r++) {
    int64_t src = source[r];
    if (src >= 0) {
      sel[r] = s.perm[src];
    } else {
      sel[r] = src == kUseDefault && fallback ? static_cast<sel_t>(count + r) : 0;
    }
  }
  result.Slice(combined ? *combined : arg, sel.data(), count);
  for (size_t r = 0; r < count; r++) {
    if (source[r] == kNoValue || (source[r] == kUseDefault && !fallback)) result.SetNull(r);
  }
}

// ---- aggregates over frames ----

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

WindowInputs EvaluateInputs(ExpressionExecutor& executor, const Expr& w, const DataChunk& rows) {
  WindowInputs in;
  for (size_t i = 0; i < w.children.size(); i++) {
    // Aggregates take their bound argument types. Otherwise the value argument and lag/lead's default share
    // the result's type, and ntile's count, lag/lead's offset and nth_value's n are BIGINT.
    const Expr& c = *w.children[i];
    LogicalType type = TypeId::kBigInt;
    if (w.aggregate) {
      type = c.type;
    } else if (w.name != "ntile" && (i == 0 || i == 2)) {
      type = w.type;
    }
    in.args.push_back(Evaluate(executor, c, type, rows));
  }
  if (w.filter) {
    std::vector<sel_t> sel(rows.size());
    size_t kept = executor.Select(*w.filter, rows, nullptr, rows.size(), sel.data());
    in.passes_filter.assign(rows.size(), 0);
    for (size_t i = 0; i < kept; i++) in.passes_filter[sel[i]] = 1;
  }
  if (w.frame_rows && w.start_offset) {
    in.start_offset = std::make_unique<Vector>(Evaluate(executor, *w.start_offset, TypeId::kBigInt, rows));
  }
  if (w.frame_rows && w.end_offset) {
    in.end_offset = std::make_unique<Vector>(Evaluate(executor, *w.end_offset, TypeId::kBigInt, rows));
  }
  return in;
}

void ComputeWindow(const Expr& w, const WindowInputs& in, const SortedRows& s, Vector& result) {
  WindowKind kind = KindOf(w);
  if (kind == WindowKind::kAggregate) {
    ComputeAggregate(w, in, s, result);
  } else if (kind <= WindowKind::kNtile) {
    ComputeRanking(kind, in, s, result);
  } else {
    ComputeValue(kind, w, in, s, result);
  }
}

}  // namespace

PhysicalWindow::PhysicalWindow(std::vector<LogicalType> types, std::vector<ExprPtr> windows)
    : PhysicalOperator("WINDOW", std::move(types)), windows_(std::move(windows)) {
  for (size_t i = 0; i < windows_.size(); i++) {
    const Expr& w = *windows_[i];
    auto same = std::find_if(groups_.begin(), groups_.end(),
                             [&](const SpecGroup& g) { return SameSpec(*g.spec, w); });
    if (same != groups_.end()) {
      same->windows.push_back(i);
      continue;
    }
    groups_.push_back({&w, {i}, keys_.size()});
    for (auto& p : w.partition_by) keys_.push_back(p.get());
    for (auto& o : w.order_by) keys_.push_back(o.expr.get());
  }
}

std::unique_ptr<GlobalSinkState> PhysicalWindow::InitGlobalSink(ExecutionContext&) {
  return std::make_unique<WindowGlobal>();
}
std::unique_ptr<LocalSinkState> PhysicalWindow::InitLocalSink(ExecutionContext&) {
  return std::make_unique<WindowLocal>();
}

SinkResult PhysicalWindow::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState&,
                                LocalSinkState& lstate) {
  auto& local = static_cast<WindowLocal&>(lstate);
  ExpressionExecutor executor(ctx.client);
  std::vector<LogicalType> key_types;
  for (const Expr* k : keys_) key_types.push_back(k->type);
  DataChunk keys(key_types, std::max(input.size(), kVectorSize));
  for (size_t k = 0; k < keys_.size(); k++) executor.Execute(*keys_[k], input, keys.column(k));
  keys.SetCardinality(input.size());
  if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes() + keys.SizeInBytes()));
  local.data.Append(input, keys);
  return SinkResult::kNeedMoreInput;
}

void PhysicalWindow::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<WindowGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.data.Merge(std::move(static_cast<WindowLocal&>(lstate).data));
}

void PhysicalWindow::Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) {
  auto& global = static_cast<WindowGlobal&>(gstate);
  size_t count = global.data.size();
  size_t inputs = types().size() - windows_.size();
  for (size_t i = 0; i < windows_.size(); i++) {
    global.results.emplace_back(types()[inputs + i], std::max<size_t>(count, 1));
  }
  global.order.resize(count);
  std::iota(global.order.begin(), global.order.end(), 0);
  if (count == 0) return;
  ExpressionExecutor executor(ctx.client);
  // Sort positions and peer bounds: three 32-bit arrays per row while a group is being computed.
  auto sort_bytes = static_cast<int64_t>(count * 3 * sizeof(uint32_t));
  for (const SpecGroup& g : groups_) {
    if (ctx.memory) ctx.memory->Reserve(sort_bytes);
    SortedRows sorted = SortRows(global.data.keys, g.first_key, *g.spec, count);
    for (size_t i : g.windows) {
      const Expr& w = *windows_[i];
      WindowInputs in = EvaluateInputs(executor, w, global.data.rows);
      if (w.has_frame && !w.frame_rows && (w.start_offset || w.end_offset)) {
        ComputeRangeFrame(w, global.data.keys.column(g.first_key + w.partition_by.size()), sorted, in);
      }
      ComputeWindow(w, in, sorted, global.results[i]);
      if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(global.results[i].SizeInBytes(count)));
    }
    // PostgreSQL emits rows in the order of the last window sort; specs without keys do not sort.
    if (!g.spec->partition_by.empty() || !g.spec->order_by.empty()) global.order = std::move(sorted.perm);
    if (ctx.memory) ctx.memory->Release(sort_bytes);
  }
}

std::unique_ptr<GlobalSourceState> PhysicalWindow::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<WindowSource>();
}

void PhysicalWindow::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                             LocalSourceState&) {
  auto& global = static_cast<WindowGlobal&>(*sink_state);
  auto& source = static_cast<WindowSource&>(gstate);
  size_t n = std::min(kVectorSize, global.order.size() - source.next);
  if (n == 0) return;
  ctx.batch_index = static_cast<int64_t>(source.next);
  const sel_t* rows = global.order.data() + source.next;
  size_t inputs = types().size() - windows_.size();
  for (size_t c = 0; c < inputs; c++) out.column(c).Slice(global.data.rows.column(c), rows, n);
  for (size_t i = 0; i < windows_.size(); i++) out.column(inputs + i).Slice(global.results[i], rows, n);
  out.SetCardinality(n);
  source.next += n;
}

std::string PhysicalWindow::Details() const {
  std::string s;
  for (size_t i = 0; i < windows_.size(); i++) s += (i ? ", " : "") + windows_[i]->ToString();
  return s;
}

}  // namespace basin
