#pragma once

// The window computations behind physical_window.cc, not part of the operator module's interface: the
// ranking and value functions (window_functions.cc), and frame bounds, RANGE offsets and aggregates over
// frames (window_frames.cc). Everything works on one spec group's rows in sorted positions.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "execution/expression.h"
#include "vector/vector.h"

namespace basin::window_internal {

/// A spec group's rows after sorting: sorted position p holds input row perm[p]. Partitions and peer groups
/// are ranges of sorted positions.
struct SortedRows {
  std::vector<uint32_t> perm;
  std::vector<uint32_t> partition_starts;  // where each partition begins, then the row count
  std::vector<uint32_t> peer_begin;        // per sorted position: its peer group [peer_begin, peer_end)
  std::vector<uint32_t> peer_end;
};

/// Row `row` of a BIGINT vector (flat or constant); `is_null` tells whether it is NULL.
inline int64_t ReadBigInt(const Vector& v, size_t row, bool& is_null) {
  is_null = v.IsNull(row);
  return v.data<int64_t>()[v.IsConstant() ? 0 : row];
}

/// A window expression's inputs, evaluated over every row (indexed by input row).
struct WindowInputs {
  std::vector<Vector> args;
  std::vector<uint8_t> passes_filter;                // empty without FILTER
  std::unique_ptr<Vector> start_offset, end_offset;  // ROWS offsets, as BIGINT
  std::vector<uint32_t> range_start, range_end;      // RANGE offset frame ends, per sorted position
};

struct Frame {
  size_t begin, end;  // sorted positions [begin, end)
  bool operator==(const Frame&) const = default;
};

/// Row p's frame in its partition [ps, pe), as sorted positions.
Frame FrameOf(const Expr& w, const WindowInputs& in, const SortedRows& s, size_t p, size_t ps, size_t pe);

/// Compute an aggregate window over each row's frame into `result` (indexed by input row).
void ComputeAggregate(const Expr& w, const WindowInputs& in, const SortedRows& s, Vector& result);

/// Compute in.range_start / in.range_end for a RANGE frame with offsets over its one ORDER BY column `order`.
void ComputeRangeFrame(const Expr& w, const Vector& order, const SortedRows& s, WindowInputs& in);

/// Compute window expression `w` for every row into `result` (indexed by input row).
void ComputeWindow(const Expr& w, const WindowInputs& in, const SortedRows& s, Vector& result);

}  // namespace basin::window_internal
