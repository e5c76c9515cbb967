#include "execution/operator/physical_scan.h"

#include <atomic>

#include "execution/expression_executor.h"

namespace basin {

namespace {
struct MorselSourceState : GlobalSourceState {
  std::unique_ptr<TableScanState> scan;
  std::atomic<size_t> next{0};
  size_t count = 0;
};
/// The morsel this thread is reading.
struct MorselLocalState : LocalSourceState {
  std::unique_ptr<MorselReader> reader;
  int64_t morsel = 0;
};
}  // namespace

PhysicalTableScan::PhysicalTableScan(std::shared_ptr<TableStorage> storage, std::string table_name,
                                     std::vector<size_t> column_ids, std::vector<LogicalType> types,
                                     std::vector<TableFilter> filters)
    : PhysicalOperator("TABLE_SCAN", std::move(types)),
      storage_(std::move(storage)),
      table_name_(std::move(table_name)),
      column_ids_(std::move(column_ids)),
      filters_(std::move(filters)) {}

std::unique_ptr<GlobalSourceState> PhysicalTableScan::InitGlobalSource(ExecutionContext& ctx) {
  auto state = std::make_unique<MorselSourceState>();
  state->scan = storage_->InitScan(column_ids_, filters_);
  state->count = storage_->MorselCount(*state->scan);
  return state;
}

std::unique_ptr<LocalSourceState> PhysicalTableScan::InitLocalSource(ExecutionContext&, GlobalSourceState&) {
  return std::make_unique<MorselLocalState>();
}

void PhysicalTableScan::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate_base,
                                LocalSourceState& lstate_base) {
  auto& gstate = static_cast<MorselSourceState&>(gstate_base);
  auto& local = static_cast<MorselLocalState&>(lstate_base);
  for (;;) {
    if (!local.reader) {
      size_t morsel = gstate.next.fetch_add(1);
      if (morsel >= gstate.count) return;
      local.morsel = static_cast<int64_t>(morsel);
      local.reader = storage_->OpenMorsel(*gstate.scan, morsel);
    }
    ctx.batch_index = local.morsel;
    if (!local.reader->Next(out)) {
      local.reader.reset();
      out.Reset();
      continue;
    }
    if (out.size() > 0) return;
    out.Reset();
  }
}

std::string PhysicalTableScan::Details() const {
  return filters_.empty() ? table_name_
                          : table_name_ + "; " + std::to_string(filters_.size()) + " pushed filter(s)";
}

namespace {
struct ChunkSourceState : GlobalSourceState {
  std::atomic<size_t> next{0};
};
}  // namespace

std::unique_ptr<GlobalSourceState> PhysicalColumnData::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<ChunkSourceState>();
}

void PhysicalColumnData::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                                 LocalSourceState&) {
  auto& state = static_cast<ChunkSourceState&>(gstate);
  size_t i = state.next.fetch_add(1);
  if (i >= chunks_->size()) return;
  ctx.batch_index = static_cast<int64_t>(i);
  out.Reference(*(*chunks_)[i]);
}

namespace {
struct ValuesSourceState : GlobalSourceState {
  size_t next_row = 0;
};
}  // namespace

std::unique_ptr<GlobalSourceState> PhysicalValues::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<ValuesSourceState>();
}

void PhysicalValues::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                             LocalSourceState&) {
  auto& state = static_cast<ValuesSourceState&>(gstate);
  DataChunk empty;
  empty.SetCardinality(1);
  ExpressionExecutor executor(ctx.client);
  size_t n = 0;
  for (; state.next_row < rows_.size() && n < kVectorSize; state.next_row++, n++) {
    auto& row = rows_[state.next_row];
    for (size_t c = 0; c < row.size(); c++) {
      Vector v(types()[c], 1);
      executor.Execute(*row[c], empty, nullptr, 1, v);
      out.column(c).SetValue(n, v.GetValue(0));
    }
  }
  ctx.batch_index = static_cast<int64_t>(state.next_row);
  out.SetCardinality(n);
}

}  // namespace basin
