#include "execution/operator/physical_order.h"

#include "execution/expression_executor.h"
#include "execution/sort.h"

namespace basin {

void SortedCollection::Append(const DataChunk& r, const DataChunk& k) {
  rows.Append(r);
  keys.Append(k);
}

void SortedCollection::Merge(SortedCollection&& other) {
  if (other.size() == 0) return;
  if (size() == 0) {
    rows = std::move(other.rows);
    keys = std::move(other.keys);
    return;
  }
  rows.Append(other.rows);
  keys.Append(other.keys);
}

namespace {
struct OrderLocal : LocalSinkState {
  SortedCollection data;
};
struct OrderGlobal : GlobalSinkState {
  std::mutex mutex;
  SortedCollection data;
  std::vector<uint32_t> perm;
};
struct OrderSource : GlobalSourceState {
  size_t next = 0;
};
}  // namespace

PhysicalOrder::PhysicalOrder(std::vector<LogicalType> types, std::vector<BoundOrder> orders, int64_t limit,
                             int64_t offset)
    : PhysicalOperator(limit >= 0 ? "TOP_N" : "ORDER_BY", std::move(types)),
      orders_(std::move(orders)),
      limit_(limit),
      offset_(offset) {}

std::unique_ptr<GlobalSinkState> PhysicalOrder::InitGlobalSink(ExecutionContext&) {
  return std::make_unique<OrderGlobal>();
}
std::unique_ptr<LocalSinkState> PhysicalOrder::InitLocalSink(ExecutionContext&) {
  return std::make_unique<OrderLocal>();
}

SinkResult PhysicalOrder::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState&,
                               LocalSinkState& lstate) {
  auto& local = static_cast<OrderLocal&>(lstate);
  ExpressionExecutor executor(ctx.client);
  std::vector<LogicalType> key_types;
  for (auto& o : orders_) key_types.push_back(o.expr->type);
  DataChunk keys(key_types, std::max(input.size(), kVectorSize));
  for (size_t k = 0; k < orders_.size(); k++) executor.Execute(*orders_[k].expr, input, keys.column(k));
  keys.SetCardinality(input.size());
  if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes() + keys.SizeInBytes()));
  local.data.Append(input, keys);
  return SinkResult::kNeedMoreInput;
}

void PhysicalOrder::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<OrderGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.data.Merge(std::move(static_cast<OrderLocal&>(lstate).data));
}

void PhysicalOrder::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  auto& global = static_cast<OrderGlobal&>(gstate);
  if (global.data.size() == 0) return;
  std::vector<SortKey> keys;
  for (size_t k = 0; k < orders_.size(); k++)
    keys.push_back({&global.data.keys.column(k), orders_[k].type, orders_[k].nulls});
  size_t count = global.data.size();
  size_t keep = limit_ >= 0 ? std::min<size_t>(count, static_cast<size_t>(offset_ + limit_)) : count;
  global.perm = SortPermutation(keys, count, keep);
  global.perm.resize(keep);
  if (offset_ > 0) {
    global.perm.erase(global.perm.begin(),
                      global.perm.begin() + std::min<size_t>(offset_, global.perm.size()));
  }
}

std::unique_ptr<GlobalSourceState> PhysicalOrder::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<OrderSource>();
}

void PhysicalOrder::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                            LocalSourceState&) {
  auto& global = static_cast<OrderGlobal&>(*sink_state);
  auto& source = static_cast<OrderSource&>(gstate);
  size_t n = std::min(kVectorSize, global.perm.size() - source.next);
  if (n == 0) return;
  ctx.batch_index = static_cast<int64_t>(source.next);
  for (size_t c = 0; c < out.ColumnCount(); c++) {
    out.column(c).Slice(global.data.rows.column(c), global.perm.data() + source.next, n);
  }
  out.SetCardinality(n);
  source.next += n;
}

std::string PhysicalOrder::Details() const {
  std::string s;
  for (size_t i = 0; i < orders_.size(); i++) {
    s += (i ? ", " : "") + orders_[i].expr->ToString() +
         (orders_[i].type == OrderType::kDescending ? " DESC" : "");
  }
  if (limit_ >= 0) s += "; limit " + std::to_string(limit_);
  if (offset_ > 0) s += " offset " + std::to_string(offset_);
  return s;
}

}  // namespace basin
