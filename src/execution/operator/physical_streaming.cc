#include "execution/operator/physical_streaming.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "execution/row_operations.h"

namespace basin {

OperatorResult PhysicalFilter::Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                       OperatorState&, GlobalOperatorState&) {
  ExpressionExecutor executor(ctx.client);
  std::vector<sel_t> sel(input.size());
  size_t n = executor.Select(*predicate_, input, nullptr, input.size(), sel.data());
  if (n == input.size()) {
    output.Reference(input);
  } else if (n > 0) {
    output.Slice(input, sel.data(), n);
  }
  return OperatorResult::kNeedMoreInput;
}

OperatorResult PhysicalProjection::Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                           OperatorState&, GlobalOperatorState&) {
  ExpressionExecutor executor(ctx.client);
  for (size_t i = 0; i < expressions_.size(); i++) {
    executor.Execute(*expressions_[i], input, nullptr, input.size(), output.column(i));
  }
  output.SetCardinality(input.size());
  return OperatorResult::kNeedMoreInput;
}

namespace {
struct TableFunctionState : OperatorState {
  bool started = false;  ///< the arguments of the current input chunk are computed
  size_t row = 0;        ///< the input row being expanded
  bool row_started = false;
  __int128 next = 0;  ///< generate_series, range: the row's next value; unnest: its next element
  std::vector<std::unique_ptr<Vector>> arguments;
};
}  // namespace

std::unique_ptr<OperatorState> PhysicalTableFunction::InitOperatorState(ExecutionContext&) {
  return std::make_unique<TableFunctionState>();
}

OperatorResult PhysicalTableFunction::Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                              OperatorState& state_base, GlobalOperatorState&) {
  auto& state = static_cast<TableFunctionState&>(state_base);
  if (!state.started) {
    ExpressionExecutor executor(ctx.client);
    state.arguments.clear();
    for (auto& a : arguments_) {
      state.arguments.push_back(std::make_unique<Vector>(a->type));
      executor.Execute(*a, input, nullptr, input.size(), *state.arguments.back());
    }
    state.started = true;
    state.row = 0;
    state.row_started = false;
  }
  // _pg_expandarray gives each element (x) with its 1-based position (n): two columns.
  const bool ordinal = function_ == "_pg_expandarray";
  const size_t value_column = types().size() - (ordinal ? 2 : 1);
  const bool unnest = ordinal || function_ == "unnest";
  const bool inclusive = function_ == "generate_series";
  size_t out = 0;
  // The value of the current row at state.next, or none when the row is done.
  auto next_value = [&](Value& value) -> bool {
    auto arg = [&](size_t i) { return state.arguments[i]->GetValue(state.row); };
    if (unnest) {
      const Value list = arg(0);
      if (list.IsNull() || state.next >= static_cast<__int128>(list.GetList().size())) return false;
      value = list.GetList()[static_cast<size_t>(state.next++)];
      return true;
    }
    const Value start = arg(0), stop = arg(1);
    const Value step = state.arguments.size() > 2 ? arg(2) : Value::BigInt(1);
    if (start.IsNull() || stop.IsNull() || step.IsNull()) return false;
    const int64_t by = step.GetInt64();
    if (by == 0) throw DataError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
    if (!state.row_started) state.next = start.GetInt64();
    const __int128 end = stop.GetInt64();
    if (by > 0 ? (inclusive ? state.next > end : state.next >= end) : (inclusive ? state.next < end : state.next <= end)) {
      return false;
    }
    value = CastValue(Value::BigInt(static_cast<int64_t>(state.next)), types()[value_column]);
    state.next += by;
    return true;
  };
  while (state.row < input.size() && out < kVectorSize) {
    if (unnest && !state.row_started) state.next = 0;
    Value value;
    if (!next_value(value)) {
      state.row++;
      state.row_started = false;
      continue;
    }
    state.row_started = true;
    for (size_t c = 0; c < value_column; c++) output.SetValue(c, out, input.GetValue(c, state.row));
    output.SetValue(value_column, out, value);
    if (ordinal) output.SetValue(value_column + 1, out, Value::Integer(static_cast<int32_t>(state.next)));
    out++;
  }
  output.SetCardinality(out);
  if (state.row < input.size()) return OperatorResult::kHaveMoreOutput;
  state.started = false;
  return OperatorResult::kNeedMoreInput;
}

std::string PhysicalProjection::Details() const {
  std::string s;
  for (size_t i = 0; i < expressions_.size(); i++) s += (i ? ", " : "") + expressions_[i]->ToString();
  return s;
}

namespace {
struct LimitState : GlobalOperatorState {
  int64_t seen = 0;
};
}  // namespace

std::unique_ptr<GlobalOperatorState> PhysicalLimit::InitGlobalOperatorState(ExecutionContext&) {
  return std::make_unique<LimitState>();
}

OperatorResult PhysicalLimit::Execute(ExecutionContext&, DataChunk& input, DataChunk& output, OperatorState&,
                                      GlobalOperatorState& gstate) {
  auto& state = static_cast<LimitState&>(gstate);
  int64_t n = static_cast<int64_t>(input.size());
  int64_t start = std::max<int64_t>(0, offset_ - state.seen);
  int64_t end = n;
  if (limit_ >= 0) end = std::min(n, offset_ + limit_ - state.seen);
  state.seen += n;
  if (start < end) {
    if (start == 0 && end == n) {
      output.Reference(input);
    } else {
      std::vector<sel_t> sel;
      for (int64_t i = start; i < end; i++) sel.push_back(static_cast<sel_t>(i));
      output.Slice(input, sel.data(), sel.size());
    }
  }
  if (limit_ >= 0 && state.seen >= offset_ + limit_) return OperatorResult::kFinished;
  return OperatorResult::kNeedMoreInput;
}

std::string PhysicalLimit::Details() const {
  std::string s = limit_ >= 0 ? "limit " + std::to_string(limit_) : "";
  if (offset_ > 0) s += (s.empty() ? "" : ", ") + std::string("offset ") + std::to_string(offset_);
  return s;
}

namespace {
struct DistinctOnState : GlobalOperatorState {
  std::unique_ptr<DataChunk> last;  // key of the last row emitted
};
}  // namespace

std::unique_ptr<GlobalOperatorState> PhysicalDistinctOn::InitGlobalOperatorState(ExecutionContext&) {
  return std::make_unique<DistinctOnState>();
}

OperatorResult PhysicalDistinctOn::Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                           OperatorState&, GlobalOperatorState& gstate) {
  auto& state = static_cast<DistinctOnState&>(gstate);
  ExpressionExecutor executor(ctx.client);
  std::vector<LogicalType> key_types;
  for (auto& k : keys_) key_types.push_back(k->type);
  DataChunk keys(key_types, std::max(input.size(), kVectorSize));
  for (size_t k = 0; k < keys_.size(); k++) executor.Execute(*keys_[k], input, keys.column(k));
  keys.SetCardinality(input.size());
  keys.Flatten();
  std::vector<sel_t> sel;
  for (size_t i = 0; i < input.size(); i++) {
    bool same = state.last != nullptr;
    for (size_t k = 0; same && k < keys_.size(); k++) {
      same = CompareRows(keys.column(k), i, state.last->column(k), 0) == 0;
    }
    if (same) continue;
    sel.push_back(static_cast<sel_t>(i));
    sel_t row = static_cast<sel_t>(i);
    state.last = std::make_unique<DataChunk>();
    state.last->Slice(keys, &row, 1);
  }
  if (!sel.empty()) output.Slice(input, sel.data(), sel.size());
  return OperatorResult::kNeedMoreInput;
}

namespace {
struct CollectLocal : LocalSinkState {
  std::vector<std::pair<int64_t, std::unique_ptr<DataChunk>>> chunks;
};
struct CollectGlobal : GlobalSinkState {
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::unique_ptr<DataChunk>>> chunks;
};
}  // namespace

std::unique_ptr<GlobalSinkState> PhysicalCollect::InitGlobalSink(ExecutionContext&) {
  return std::make_unique<CollectGlobal>();
}
std::unique_ptr<LocalSinkState> PhysicalCollect::InitLocalSink(ExecutionContext&) {
  return std::make_unique<CollectLocal>();
}

SinkResult PhysicalCollect::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState&,
                                 LocalSinkState& lstate) {
  auto& local = static_cast<CollectLocal&>(lstate);
  auto chunk = std::make_unique<DataChunk>();
  chunk->Reference(input);
  if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes()));
  local.chunks.emplace_back(ctx.batch_index, std::move(chunk));
  return SinkResult::kNeedMoreInput;
}

void PhysicalCollect::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<CollectGlobal&>(gstate);
  auto& local = static_cast<CollectLocal&>(lstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  for (auto& c : local.chunks) global.chunks.push_back(std::move(c));
}

void PhysicalCollect::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  auto& global = static_cast<CollectGlobal&>(gstate);
  // Stable: chunks of one morsel keep the order their thread produced them in.
  std::stable_sort(global.chunks.begin(), global.chunks.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::vector<std::unique_ptr<DataChunk>> PhysicalCollect::TakeChunks() {
  auto& global = static_cast<CollectGlobal&>(*sink_state);
  std::vector<std::unique_ptr<DataChunk>> result;
  for (auto& c : global.chunks) result.push_back(std::move(c.second));
  global.chunks.clear();
  return result;
}

namespace {
struct StreamLocal : LocalSinkState {
  size_t slot = 0;
};
struct StreamGlobal : GlobalSinkState {
  std::mutex mutex;
  /// Per thread that has a local sink state: the batch it is on (INT64_MIN before its first, INT64_MAX
  /// once it is done). A value is never above the batch its thread is really on, only late.
  std::vector<int64_t> batches;
  std::multimap<int64_t, std::unique_ptr<DataChunk>> waiting;  // by batch; equal batches in arrival order
  bool stopped = false;
  int64_t rows = 0;

  /// Hand out every waiting chunk of a batch below `below`, or every one with `all` (mutex held).
  void Release(const PhysicalStream::Consumer& consumer, int64_t below, bool all = false) {
    while (!waiting.empty() && (all || waiting.begin()->first < below)) {
      auto chunk = std::move(waiting.begin()->second);
      waiting.erase(waiting.begin());
      if (stopped) continue;
      rows += static_cast<int64_t>(chunk->size());
      stopped = !consumer(*chunk);
    }
  }
  int64_t Lowest() const { return *std::min_element(batches.begin(), batches.end()); }
};
}  // namespace

std::unique_ptr<GlobalSinkState> PhysicalStream::InitGlobalSink(ExecutionContext&) {
  return std::make_unique<StreamGlobal>();
}

std::unique_ptr<LocalSinkState> PhysicalStream::InitLocalSink(ExecutionContext&) {
  auto& global = static_cast<StreamGlobal&>(*sink_state);
  auto local = std::make_unique<StreamLocal>();
  std::lock_guard<std::mutex> lock(global.mutex);
  local->slot = global.batches.size();
  global.batches.push_back(INT64_MIN);
  return local;
}

void PhysicalStream::BatchStarted(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<StreamGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.batches[static_cast<StreamLocal&>(lstate).slot] = ctx.batch_index;
  global.Release(consumer_, global.Lowest());
}

SinkResult PhysicalStream::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                                LocalSinkState& lstate) {
  auto& global = static_cast<StreamGlobal&>(gstate);
  auto chunk = std::make_unique<DataChunk>();
  chunk->Reference(input);
  std::lock_guard<std::mutex> lock(global.mutex);
  if (global.stopped) return SinkResult::kFinished;
  global.batches[static_cast<StreamLocal&>(lstate).slot] = ctx.batch_index;
  global.waiting.emplace(ctx.batch_index, std::move(chunk));
  global.Release(consumer_, global.Lowest());
  return global.stopped ? SinkResult::kFinished : SinkResult::kNeedMoreInput;
}

void PhysicalStream::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<StreamGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.batches[static_cast<StreamLocal&>(lstate).slot] = INT64_MAX;
  global.Release(consumer_, global.Lowest());
}

void PhysicalStream::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  auto& global = static_cast<StreamGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.Release(consumer_, INT64_MAX, /*all=*/true);  // operators' final output is batch INT64_MAX
}

int64_t PhysicalStream::rows() const {
  auto& global = static_cast<StreamGlobal&>(*sink_state);
  std::lock_guard<std::mutex> lock(global.mutex);
  return global.rows;
}

}  // namespace basin
