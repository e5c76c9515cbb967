#include "execution/operator/physical_set_operation.h"

#include <numeric>

#include "common/exception.h"
#include "execution/executor.h"
#include "execution/group_hash_table.h"
#include "execution/operator/physical_scan.h"
#include "execution/operator/physical_streaming.h"
#include "main/client_context.h"

namespace basin {

namespace {

struct Counts {
  int64_t side[2];
};

struct SetOpLocal : LocalSinkState {
  std::unique_ptr<GroupHashTable> table;
};
struct SetOpGlobal : GlobalSinkState {
  std::mutex mutex;
  std::unique_ptr<GroupHashTable> table;
};
struct SetOpSource : GlobalSourceState {
  uint32_t next_group = 0;
  int64_t emitted_of_group = 0;
};

/// Find or create the groups of `keys`, creating with zero counts.
void FindGroups(GroupHashTable& table, const DataChunk& keys, std::vector<uint32_t>& ids) {
  ids.resize(keys.size());
  std::vector<uint32_t> created;
  table.FindOrCreate(keys, ids.data(), &created);
  for (uint32_t g : created) *reinterpret_cast<Counts*>(table.Payload(g)) = Counts{{0, 0}};
}

}  // namespace

PhysicalSetOperation::PhysicalSetOperation(std::vector<LogicalType> types, bool intersect, bool all)
    : PhysicalOperator("SET_OPERATION", std::move(types)), intersect_(intersect), all_(all) {}

std::unique_ptr<GlobalSinkState> PhysicalSetOperation::InitGlobalSink(ExecutionContext&) {
  auto state = std::make_unique<SetOpGlobal>();
  state->table = std::make_unique<GroupHashTable>(types(), sizeof(Counts));
  return state;
}

std::unique_ptr<LocalSinkState> PhysicalSetOperation::InitLocalSink(ExecutionContext&) {
  auto state = std::make_unique<SetOpLocal>();
  state->table = std::make_unique<GroupHashTable>(types(), sizeof(Counts));
  return state;
}

SinkResult PhysicalSetOperation::Sink(ExecutionContext&, DataChunk& input, GlobalSinkState&,
                                      LocalSinkState& lstate) {
  auto& local = static_cast<SetOpLocal&>(lstate);
  DataChunk keys;
  keys.Initialize(types(), 1);
  for (size_t c = 0; c < types().size(); c++) keys.column(c).Reference(input.column(c));
  keys.SetCardinality(input.size());
  std::vector<uint32_t> ids;
  FindGroups(*local.table, keys, ids);
  const Vector& tag = input.column(types().size());
  for (size_t i = 0; i < input.size(); i++) {
    int side = tag.data<int32_t>()[tag.IsConstant() ? 0 : i];
    reinterpret_cast<Counts*>(local.table->Payload(ids[i]))->side[side]++;
  }
  return SinkResult::kNeedMoreInput;
}

void PhysicalSetOperation::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<SetOpGlobal&>(gstate);
  auto& local = static_cast<SetOpLocal&>(lstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  size_t total = local.table->GroupCount();
  std::vector<uint32_t> ids;
  for (size_t start = 0; start < total; start += kVectorSize) {
    size_t n = std::min(kVectorSize, total - start);
    std::vector<sel_t> rows(n);
    std::iota(rows.begin(), rows.end(), static_cast<sel_t>(start));
    DataChunk keys(types(), n);
    for (size_t c = 0; c < types().size(); c++) keys.column(c).Slice(local.table->keys()[c], rows.data(), n);
    keys.SetCardinality(n);
    FindGroups(*global.table, keys, ids);
    for (size_t i = 0; i < n; i++) {
      auto* from = reinterpret_cast<Counts*>(local.table->Payload(static_cast<uint32_t>(start + i)));
      auto* to = reinterpret_cast<Counts*>(global.table->Payload(ids[i]));
      to->side[0] += from->side[0];
      to->side[1] += from->side[1];
    }
  }
}

std::unique_ptr<GlobalSourceState> PhysicalSetOperation::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<SetOpSource>();
}

void PhysicalSetOperation::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                                   LocalSourceState&) {
  auto& global = static_cast<SetOpGlobal&>(*sink_state);
  auto& source = static_cast<SetOpSource&>(gstate);
  std::vector<sel_t> rows;
  while (rows.size() < kVectorSize && source.next_group < global.table->GroupCount()) {
    auto* c = reinterpret_cast<Counts*>(global.table->Payload(source.next_group));
    int64_t keep;
    if (intersect_) {
      keep = all_ ? std::min(c->side[0], c->side[1]) : (c->side[0] > 0 && c->side[1] > 0 ? 1 : 0);
    } else {
      keep =
          all_ ? std::max<int64_t>(c->side[0] - c->side[1], 0) : (c->side[0] > 0 && c->side[1] == 0 ? 1 : 0);
    }
    while (source.emitted_of_group < keep && rows.size() < kVectorSize) {
      rows.push_back(source.next_group);
      source.emitted_of_group++;
    }
    if (source.emitted_of_group >= keep) {
      source.next_group++;
      source.emitted_of_group = 0;
    }
  }
  if (rows.empty()) return;
  ctx.batch_index = source.next_group;
  for (size_t c = 0; c < types().size(); c++)
    out.column(c).Slice(global.table->keys()[c], rows.data(), rows.size());
  out.SetCardinality(rows.size());
}

PhysicalOperatorPtr MakeSetOperation(std::vector<LogicalType> types, bool intersect, bool all,
                                     PhysicalOperatorPtr left, PhysicalOperatorPtr right) {
  // Tag each side's rows with 0 or 1 in an extra column and feed both into one counting sink.
  auto tagged = [&](PhysicalOperatorPtr side, int32_t tag) {
    std::vector<ExprPtr> exprs;
    std::vector<LogicalType> out_types = types;
    for (size_t i = 0; i < types.size(); i++) exprs.push_back(Expr::Reference(i, types[i]));
    exprs.push_back(Expr::Constant(Value::Integer(tag)));
    out_types.push_back(TypeId::kInteger);
    auto proj = std::make_unique<PhysicalProjection>(out_types, std::move(exprs));
    proj->children.push_back(std::move(side));
    return proj;
  };
  std::vector<LogicalType> union_types = types;
  union_types.push_back(TypeId::kInteger);
  auto both = std::make_unique<PhysicalUnionAll>(union_types);
  both->children.push_back(tagged(std::move(left), 0));
  both->children.push_back(tagged(std::move(right), 1));
  auto op = std::make_unique<PhysicalSetOperation>(std::move(types), intersect, all);
  op->children.push_back(std::move(both));
  return op;
}

namespace {
struct RecursiveSource : GlobalSourceState {
  std::vector<std::unique_ptr<DataChunk>> result;
  size_t next = 0;
  bool computed = false;
};

std::vector<std::unique_ptr<DataChunk>> RunPlan(ExecutionContext& ctx, PhysicalOperator& plan) {
  PhysicalCollect collect(plan.types());
  Executor executor(ctx, ctx.client->scheduler());
  executor.Execute(plan, collect);
  return collect.TakeChunks();
}
}  // namespace

PhysicalRecursiveCte::PhysicalRecursiveCte(std::vector<LogicalType> types, bool union_all,
                                           std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> working,
                                           PhysicalOperatorPtr anchor, PhysicalOperatorPtr recursive)
    : PhysicalOperator("RECURSIVE_CTE", std::move(types)),
      union_all_(union_all),
      working_(std::move(working)) {
  children.push_back(std::move(anchor));
  children.push_back(std::move(recursive));
}

std::unique_ptr<GlobalSourceState> PhysicalRecursiveCte::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<RecursiveSource>();
}

void PhysicalRecursiveCte::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
                                   LocalSourceState&) {
  auto& state = static_cast<RecursiveSource&>(gstate);
  if (!state.computed) {
    state.computed = true;
    GroupHashTable seen(types(), 0);  // UNION (not ALL): rows already produced
    auto keep_new = [&](std::vector<std::unique_ptr<DataChunk>> chunks) {
      std::vector<std::unique_ptr<DataChunk>> fresh;
      for (auto& chunk : chunks) {
        if (chunk->size() == 0) continue;
        if (!union_all_) {
          size_t before = seen.GroupCount();
          std::vector<uint32_t> ids(chunk->size()), created;
          seen.FindOrCreate(*chunk, ids.data(), &created);
          if (seen.GroupCount() == before) continue;
          // Keep only the first occurrence of each new row.
          std::vector<uint8_t> is_new(seen.GroupCount(), 0);
          for (uint32_t g : created) is_new[g] = 1;
          std::vector<sel_t> sel;
          for (size_t i = 0; i < ids.size(); i++) {
            if (is_new[ids[i]]) {
              is_new[ids[i]] = 0;
              sel.push_back(static_cast<sel_t>(i));
            }
          }
          auto part = std::make_unique<DataChunk>();
          part->Slice(*chunk, sel.data(), sel.size());
          chunk = std::move(part);
        }
        if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(chunk->SizeInBytes()));
        fresh.push_back(std::move(chunk));
      }
      return fresh;
    };
    auto round = keep_new(RunPlan(ctx, *children[0]));
    for (int64_t rounds = 0; !round.empty(); rounds++) {
      if (rounds >= kMaxRounds) {
        throw Exception(sqlstate::kProgramLimitExceeded,
                        "recursive query did not finish after " + std::to_string(kMaxRounds) + " rounds");
      }
      working_->clear();
      for (auto& c : round) {
        auto copy = std::make_unique<DataChunk>();
        copy->Reference(*c);
        working_->push_back(std::move(copy));
      }
      for (auto& c : round) state.result.push_back(std::move(c));
      round = keep_new(RunPlan(ctx, *children[1]));
    }
    working_->clear();
  }
  if (state.next >= state.result.size()) return;
  ctx.batch_index = static_cast<int64_t>(state.next);
  out.Reference(*state.result[state.next++]);
}

}  // namespace basin
