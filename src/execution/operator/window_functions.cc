// The ranking functions (row_number, rank, dense_rank, percent_rank, cume_dist, ntile) and the value
// functions (lag, lead, first_value, last_value, nth_value), and ComputeWindow, which dispatches a window
// expression to them or to the aggregates over frames in window_frames.cc.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/exception.h"
#include "execution/operator/physical_window_internal.h"

namespace basin::window_internal {

namespace {

// SQLSTATEs PostgreSQL raises for bad window arguments (errcodes.txt).
constexpr const char* kInvalidArgumentForNtile = "22014";
constexpr const char* kInvalidArgumentForNthValue = "22016";

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

}  // namespace

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

}  // namespace basin::window_internal
