#include "execution/operator/physical_hash_aggregate.h"

#include <numeric>

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/group_hash_table.h"

namespace basin {

namespace {

// States may hold __int128, which needs 16-byte alignment.
size_t AlignState(size_t n) {
  return (n + 15) & ~size_t{15};
}

/// One grouping set's groups, with DISTINCT aggregates' seen (group, value) pairs beside them.
struct SetTable {
  std::unique_ptr<GroupHashTable> groups;
  std::vector<std::unique_ptr<GroupHashTable>> distinct;  // per aggregate; null when not DISTINCT
};

struct AggregateLocal : LocalSinkState {
  std::vector<SetTable> sets;
  size_t reserved = 0;
  // Per-chunk scratch, kept so that each chunk does not allocate and zero it again.
  std::vector<uint32_t> group_ids, created;
  std::vector<uint8_t*> states, payloads;
  std::vector<sel_t> sel;
};

struct AggregateGlobal : GlobalSinkState {
  std::mutex mutex;
  std::vector<SetTable> sets;
  size_t reserved = 0;
};

struct AggregateSource : GlobalSourceState {
  std::mutex mutex;
  size_t set = 0;
  size_t next_group = 0;
};

}  // namespace

PhysicalHashAggregate::PhysicalHashAggregate(std::vector<LogicalType> types, std::vector<ExprPtr> groups,
                                             std::vector<ExprPtr> aggregates,
                                             std::vector<std::vector<size_t>> grouping_sets,
                                             std::vector<std::vector<size_t>> grouping_functions)
    : PhysicalOperator("HASH_GROUP_BY", std::move(types)),
      groups_(std::move(groups)),
      grouping_sets_(std::move(grouping_sets)),
      grouping_functions_(std::move(grouping_functions)) {
  if (grouping_sets_.empty()) {
    grouping_sets_.emplace_back(groups_.size());
    std::iota(grouping_sets_[0].begin(), grouping_sets_[0].end(), 0);
  }
  for (auto& a : aggregates) {
    AggregateInfo info;
    info.state_offset = payload_size_;
    payload_size_ += AlignState(a->aggregate->state_size);
    info.first_arg = arg_types_.size();
    for (auto& c : a->children) arg_types_.push_back(c->type);
    info.expr = std::move(a);
    aggregates_.push_back(std::move(info));
  }
}

PhysicalHashAggregate::~PhysicalHashAggregate() {
  if (!sink_state) return;
  auto& global = static_cast<AggregateGlobal&>(*sink_state);
  for (auto& set : global.sets) {
    for (auto& a : aggregates_) {
      if (!a.expr->aggregate->destroy) continue;
      for (uint32_t g = 0; g < set.groups->GroupCount(); g++) {
        a.expr->aggregate->destroy(set.groups->Payload(g) + a.state_offset);
      }
    }
  }
}

bool PhysicalHashAggregate::ParallelSink() const {
  for (auto& a : aggregates_) {
    if (a.expr->distinct || !a.expr->order_by.empty() || a.expr->aggregate->order_dependent) return false;
  }
  return true;
}

static std::vector<SetTable> MakeSets(const std::vector<ExprPtr>& groups,
                                      const std::vector<std::vector<size_t>>& grouping_sets,
                                      const std::vector<PhysicalHashAggregate::AggregateInfo>& aggregates,
                                      size_t payload_size) {
  std::vector<SetTable> sets;
  for (auto& gs : grouping_sets) {
    SetTable t;
    std::vector<LogicalType> key_types;
    for (size_t g : gs) key_types.push_back(groups[g]->type);
    t.groups = std::make_unique<GroupHashTable>(key_types, payload_size);
    for (auto& a : aggregates) {
      if (!a.expr->distinct) {
        t.distinct.push_back(nullptr);
        continue;
      }
      std::vector<LogicalType> dtypes{TypeId::kBigInt};
      for (auto& c : a.expr->children) dtypes.push_back(c->type);
      t.distinct.push_back(std::make_unique<GroupHashTable>(dtypes, 0));
    }
    sets.push_back(std::move(t));
  }
  return sets;
}

/// Groups of rows whose keys all carry dictionary codes (see DictionaryCodes) with few combinations next to
/// the rows: each combination present is looked up once, and rows take their combination's group. False
/// (nothing done) when the keys do not qualify.
static bool FindDictionaryGroups(GroupHashTable& groups, const DataChunk& keys, uint32_t* group_ids,
                                 std::vector<uint32_t>& created) {
  const size_t n = keys.size();
  size_t combinations = 1;
  for (size_t k = 0; k < keys.ColumnCount(); k++) {
    const Vector& v = keys.column(k);
    const DictionaryCodes* d = v.dictionary();
    if (!d || v.IsConstant() || !v.validity().AllValid() || d->size == 0) return false;
    combinations *= d->size;
    if (combinations * 4 > n) return false;
  }
  // Row r's combination: its codes as digits, the first key's most significant.
  std::vector<uint32_t> combination(n, 0);
  for (size_t k = 0; k < keys.ColumnCount(); k++) {
    const DictionaryCodes& d = *keys.column(k).dictionary();
    const uint32_t* codes = d.codes.get();
    const uint32_t size = static_cast<uint32_t>(d.size);
    for (size_t r = 0; r < n; r++) combination[r] = combination[r] * size + codes[r];
  }
  // The combinations present, in order of first appearance, as rows of a keys chunk.
  std::vector<int64_t> slot(combinations, -1);
  std::vector<sel_t> first_row;
  for (size_t r = 0; r < n; r++) {
    if (slot[combination[r]] < 0) {
      slot[combination[r]] = static_cast<int64_t>(first_row.size());
      first_row.push_back(static_cast<sel_t>(r));
    }
  }
  DataChunk present;
  present.Initialize(keys.Types(), 1);
  for (size_t k = 0; k < keys.ColumnCount(); k++) {
    present.column(k).Slice(keys.column(k), first_row.data(), first_row.size());
  }
  present.SetCardinality(first_row.size());
  std::vector<uint32_t> ids(first_row.size());
  groups.FindOrCreate(present, ids.data(), &created);
  for (size_t r = 0; r < n; r++) group_ids[r] = ids[static_cast<size_t>(slot[combination[r]])];
  return true;
}

std::unique_ptr<GlobalSinkState> PhysicalHashAggregate::InitGlobalSink(ExecutionContext&) {
  auto state = std::make_unique<AggregateGlobal>();
  state->sets = MakeSets(groups_, grouping_sets_, aggregates_, payload_size_);
  return state;
}

std::unique_ptr<LocalSinkState> PhysicalHashAggregate::InitLocalSink(ExecutionContext&) {
  auto state = std::make_unique<AggregateLocal>();
  state->sets = MakeSets(groups_, grouping_sets_, aggregates_, payload_size_);
  return state;
}

SinkResult PhysicalHashAggregate::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState&,
                                       LocalSinkState& lstate) {
  auto& local = static_cast<AggregateLocal&>(lstate);
  size_t n = input.size();
  ExpressionExecutor executor(ctx.client);
  std::vector<LogicalType> group_types;
  for (auto& g : groups_) group_types.push_back(g->type);
  DataChunk group_values(group_types, std::max(n, kVectorSize));
  for (size_t g = 0; g < groups_.size(); g++) executor.Execute(*groups_[g], input, group_values.column(g));
  group_values.SetCardinality(n);
  DataChunk args(arg_types_, std::max(n, kVectorSize));
  for (auto& a : aggregates_) {
    for (size_t c = 0; c < a.expr->children.size(); c++) {
      executor.Execute(*a.expr->children[c], input, args.column(a.first_arg + c));
    }
  }
  args.SetCardinality(n);

  std::vector<uint32_t>& group_ids = local.group_ids;
  std::vector<uint32_t>& created = local.created;
  std::vector<uint8_t*>& states = local.states;
  std::vector<uint8_t*>& payloads = local.payloads;
  std::vector<sel_t>& sel = local.sel;
  group_ids.resize(n);
  states.resize(n);
  payloads.resize(n);
  sel.resize(n);
  for (size_t s = 0; s < grouping_sets_.size(); s++) {
    SetTable& table = local.sets[s];
    DataChunk keys;
    std::vector<LogicalType> key_types;
    for (size_t g : grouping_sets_[s]) key_types.push_back(groups_[g]->type);
    keys.Initialize(key_types, 1);
    for (size_t k = 0; k < grouping_sets_[s].size(); k++)
      keys.column(k).Reference(group_values.column(grouping_sets_[s][k]));
    keys.SetCardinality(n);
    created.clear();
    uint8_t* single_payload = nullptr;  // the one group's, without GROUP BY
    uint32_t single_id = 0;
    if (grouping_sets_[s].empty()) {
      // No keys: every row belongs to the one group, found (or made) once instead of hashed per row.
      DataChunk none;
      none.SetCardinality(1);
      table.groups->FindOrCreate(none, &single_id, &created);
      single_payload = table.groups->Payload(single_id);
    } else if (!FindDictionaryGroups(*table.groups, keys, group_ids.data(), created)) {
      table.groups->FindOrCreate(keys, group_ids.data(), &created);
    }
    for (uint32_t g : created) {
      uint8_t* payload = table.groups->Payload(g);
      for (auto& a : aggregates_)
        a.expr->aggregate->initialize(payload + a.state_offset, a.expr->bind_data.get());
    }
    // Each row's group id and payload, computed once for all aggregates. The one group's are spread over
    // the rows only when an aggregate needs them per row (DISTINCT, or no simple_update): the fills cost
    // as much as a sum over the chunk.
    bool rows_known = !single_payload;
    auto know_rows = [&] {
      if (rows_known) return;
      std::fill(group_ids.begin(), group_ids.end(), single_id);
      std::fill(payloads.begin(), payloads.end(), single_payload);
      rows_known = true;
    };
    if (!single_payload) {
      for (size_t i = 0; i < n; i++) payloads[i] = table.groups->Payload(group_ids[i]);
    }
    for (size_t ai = 0; ai < aggregates_.size(); ai++) {
      auto& a = aggregates_[ai];
      const AggregateFunction& fn = *a.expr->aggregate;
      // Rows this aggregate sees: those passing FILTER, and for DISTINCT those whose value is new.
      size_t count = n;
      if (a.expr->filter) count = executor.Select(*a.expr->filter, input, nullptr, n, sel.data());
      if (a.expr->distinct && !a.expr->filter) {
        for (size_t i = 0; i < n; i++) sel[i] = static_cast<sel_t>(i);
      }
      if (a.expr->distinct && count > 0) {
        know_rows();
        DataChunk dkeys;
        std::vector<LogicalType> dtypes{TypeId::kBigInt};
        for (auto& c : a.expr->children) dtypes.push_back(c->type);
        dkeys.Initialize(dtypes, std::max(count, kVectorSize));
        auto* gid = dkeys.column(0).data<int64_t>();
        for (size_t i = 0; i < count; i++) gid[i] = group_ids[sel[i]];
        for (size_t c = 0; c < a.expr->children.size(); c++) {
          dkeys.column(c + 1).Slice(args.column(a.first_arg + c), sel.data(), count);
        }
        dkeys.SetCardinality(count);
        std::vector<uint32_t> dgroups(count), dnew;
        table.distinct[ai]->FindOrCreate(dkeys, dgroups.data(), &dnew);
        // A new (group, value) pair appears in `dnew` once; keep the first row that created it.
        std::vector<uint8_t> is_new(table.distinct[ai]->GroupCount(), 0);
        for (uint32_t d : dnew) is_new[d] = 1;
        size_t kept = 0;
        for (size_t i = 0; i < count; i++) {
          if (is_new[dgroups[i]]) {
            is_new[dgroups[i]] = 0;
            sel[kept++] = sel[i];
          }
        }
        count = kept;
      }
      if (count == 0) continue;
      DataChunk agg_args;
      std::vector<LogicalType> types;
      for (auto& c : a.expr->children) types.push_back(c->type);
      agg_args.Initialize(types, 1);
      bool all_rows = count == n;
      for (size_t c = 0; c < types.size(); c++) {
        if (all_rows) {
          agg_args.column(c).Reference(args.column(a.first_arg + c));
        } else {
          agg_args.column(c).Slice(args.column(a.first_arg + c), sel.data(), count);
        }
      }
      agg_args.SetCardinality(count);
      if (single_payload && fn.simple_update) {
        fn.simple_update(agg_args, single_payload + a.state_offset, count, a.expr->bind_data.get());
        continue;
      }
      know_rows();
      if (all_rows) {
        for (size_t i = 0; i < count; i++) states[i] = payloads[i] + a.state_offset;
      } else {
        for (size_t i = 0; i < count; i++) states[i] = payloads[sel[i]] + a.state_offset;
      }
      fn.update(agg_args, states.data(), count, a.expr->bind_data.get());
    }
  }
  if (ctx.memory) {
    size_t bytes = 0;
    for (auto& t : local.sets) bytes += t.groups->SizeInBytes();
    if (bytes > local.reserved + (1 << 20)) {
      ctx.memory->Reserve(static_cast<int64_t>(bytes - local.reserved));
      local.reserved = bytes;
    }
  }
  return SinkResult::kNeedMoreInput;
}

void PhysicalHashAggregate::Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<AggregateGlobal&>(gstate);
  auto& local = static_cast<AggregateLocal&>(lstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  global.reserved += local.reserved;
  for (size_t s = 0; s < local.sets.size(); s++) {
    GroupHashTable& src = *local.sets[s].groups;
    GroupHashTable& dst = *global.sets[s].groups;
    if (dst.GroupCount() == 0) {
      // The first table to arrive is adopted whole, not re-inserted (and a serial aggregation's DISTINCT
      // sets stay with their groups).
      std::swap(local.sets[s], global.sets[s]);
      continue;
    }
    size_t total = src.GroupCount();
    std::vector<uint32_t> ids(kVectorSize);
    std::vector<uint32_t> created;
    for (size_t start = 0; start < total; start += kVectorSize) {
      size_t n = std::min(kVectorSize, total - start);
      DataChunk keys;
      keys.Initialize(std::vector<LogicalType>(), 1);
      for (auto& k : src.keys()) {
        keys.columns().emplace_back(k.type(), n);
        std::vector<sel_t> rows(n);
        std::iota(rows.begin(), rows.end(), static_cast<sel_t>(start));
        keys.columns().back().Slice(k, rows.data(), n);
      }
      keys.SetCardinality(n);
      created.clear();
      dst.FindOrCreate(keys, ids.data(), &created);
      for (uint32_t g : created) {
        for (auto& a : aggregates_) {
          a.expr->aggregate->initialize(dst.Payload(g) + a.state_offset, a.expr->bind_data.get());
        }
      }
      for (size_t i = 0; i < n; i++) {
        uint8_t* from = src.Payload(static_cast<uint32_t>(start + i));
        uint8_t* to = dst.Payload(ids[i]);
        for (auto& a : aggregates_) {
          a.expr->aggregate->combine(from + a.state_offset, to + a.state_offset, a.expr->bind_data.get());
          if (a.expr->aggregate->destroy) a.expr->aggregate->destroy(from + a.state_offset);
        }
      }
    }
    local.sets[s].groups = std::make_unique<GroupHashTable>(std::vector<LogicalType>(), 0);
  }
}

void PhysicalHashAggregate::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  auto& global = static_cast<AggregateGlobal&>(gstate);
  // An empty grouping set yields one row even over no input (SELECT count(*) FROM empty).
  for (size_t s = 0; s < grouping_sets_.size(); s++) {
    if (!grouping_sets_[s].empty() || global.sets[s].groups->GroupCount() > 0) continue;
    DataChunk none;
    none.SetCardinality(1);
    uint32_t id;
    global.sets[s].groups->FindOrCreate(none, &id);
    for (auto& a : aggregates_) {
      a.expr->aggregate->initialize(global.sets[s].groups->Payload(id) + a.state_offset,
                                    a.expr->bind_data.get());
    }
  }
}

std::unique_ptr<GlobalSourceState> PhysicalHashAggregate::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<AggregateSource>();
}

void PhysicalHashAggregate::GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate_base,
                                    LocalSourceState&) {
  auto& global = static_cast<AggregateGlobal&>(*sink_state);
  auto& source = static_cast<AggregateSource&>(gstate_base);
  size_t set, start, n;
  {
    std::lock_guard<std::mutex> lock(source.mutex);
    while (source.set < global.sets.size() &&
           source.next_group >= global.sets[source.set].groups->GroupCount()) {
      source.set++;
      source.next_group = 0;
    }
    if (source.set >= global.sets.size()) return;
    set = source.set;
    start = source.next_group;
    n = std::min(kVectorSize, global.sets[set].groups->GroupCount() - start);
    source.next_group += n;
    ctx.batch_index = static_cast<int64_t>(set * (1ULL << 32) + start);
  }
  GroupHashTable& table = *global.sets[set].groups;
  std::vector<sel_t> rows(n);
  std::iota(rows.begin(), rows.end(), static_cast<sel_t>(start));
  const auto& gs = grouping_sets_[set];
  for (size_t g = 0; g < groups_.size(); g++) {
    Vector& col = out.column(g);
    auto it = std::find(gs.begin(), gs.end(), g);
    if (it == gs.end()) {
      col.validity().Initialize(std::max(n, col.capacity()));
      for (size_t i = 0; i < n; i++) col.SetNull(i);
    } else {
      col.Slice(table.keys()[it - gs.begin()], rows.data(), n);
    }
  }
  for (size_t a = 0; a < aggregates_.size(); a++) {
    Vector& col = out.column(groups_.size() + a);
    auto& info = aggregates_[a];
    for (size_t i = 0; i < n; i++) {
      info.expr->aggregate->finalize(table.Payload(static_cast<uint32_t>(start + i)) + info.state_offset, col,
                                     i, info.expr->bind_data.get());
    }
  }
  for (size_t f = 0; f < grouping_functions_.size(); f++) {
    // GROUPING(a, b, ...): bit set (most significant first) for each argument not grouped in this set.
    int64_t value = 0;
    for (size_t g : grouping_functions_[f]) {
      value = (value << 1) | (std::find(gs.begin(), gs.end(), g) == gs.end() ? 1 : 0);
    }
    Vector& col = out.column(groups_.size() + aggregates_.size() + f);
    for (size_t i = 0; i < n; i++) col.data<int64_t>()[i] = value;
  }
  out.SetCardinality(n);
}

std::string PhysicalHashAggregate::Details() const {
  std::string s;
  for (size_t i = 0; i < groups_.size(); i++) s += (i ? ", " : "") + groups_[i]->ToString();
  if (!groups_.empty() && !aggregates_.empty()) s += "; ";
  for (size_t i = 0; i < aggregates_.size(); i++) s += (i ? ", " : "") + aggregates_[i].expr->ToString();
  return s;
}

}  // namespace basin
