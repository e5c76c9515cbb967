// The window operator: sinks the input with every spec group's sort keys, sorts once per group in
// Finalize and fills one result column per window expression (computed by window_functions.cc and
// window_frames.cc), then emits the rows in the last group's sort order.

#include "execution/operator/physical_window.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <numeric>
#include <vector>

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/operator/physical_order.h"
#include "execution/operator/physical_window_internal.h"
#include "execution/row_operations.h"
#include "execution/sort.h"

namespace basin {

namespace {

using window_internal::ComputeRangeFrame;
using window_internal::ComputeWindow;
using window_internal::SortedRows;
using window_internal::WindowInputs;

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
