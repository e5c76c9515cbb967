#include "execution/operator/physical_join.h"

#include <atomic>

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/row_operations.h"

namespace basin {

const char* JoinTypeName(PhysicalJoinType type) {
  switch (type) {
    case PhysicalJoinType::kInner:
      return "INNER";
    case PhysicalJoinType::kLeft:
      return "LEFT";
    case PhysicalJoinType::kRight:
      return "RIGHT";
    case PhysicalJoinType::kFull:
      return "FULL";
    case PhysicalJoinType::kSemi:
      return "SEMI";
    case PhysicalJoinType::kAnti:
      return "ANTI";
    case PhysicalJoinType::kMark:
      return "MARK";
    case PhysicalJoinType::kSingle:
      return "SINGLE";
    case PhysicalJoinType::kRightSemi:
      return "RIGHT_SEMI";
    case PhysicalJoinType::kRightAnti:
      return "RIGHT_ANTI";
  }
  return "?";
}

namespace {

/// Build side rows: key columns then payload (the build child's columns), all rows in one collection.
struct BuildLocal : LocalSinkState {
  std::vector<std::unique_ptr<DataChunk>> chunks;
  size_t reserved = 0;
};

struct BuildGlobal : GlobalSinkState {
  std::mutex mutex;
  std::vector<std::unique_ptr<DataChunk>> chunks;
  DataChunk rows;  // keys..., payload...
  size_t count = 0;
  std::vector<uint64_t> hashes;
  /// Bucket -> lower 32 bits: first row + 1 (0: empty); upper 32 bits: a one-hash Bloom filter of the
  /// bucket's chain (bit BloomBit(hash) of each row in it). Most probes that find no partner are rejected
  /// by this one load, without walking the chain.
  std::vector<uint64_t> heads;
  std::vector<uint32_t> next;  // row -> next row in bucket + 1
  uint64_t mask = 0;
  bool has_null_key = false;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;  // RIGHT/FULL: build rows that found a partner
};

/// The filter bit of a hash: its top 5 bits, independent of the low bits that pick the bucket.
inline uint64_t BloomBit(uint64_t hash) { return uint64_t{1} << (32 + (hash >> 59)); }

struct FinalState : GlobalOperatorState {
  size_t next_row = 0;
};

}  // namespace

struct PhysicalJoin::ProbeState : OperatorState {
  bool active = false;  // matches of the current input are computed and partly emitted
  std::vector<sel_t> out_probe;
  std::vector<int64_t> out_build;  // -1: no build row (NULLs)
  std::vector<int8_t> out_mark;    // mark join: 1, 0, -1 (NULL)
  size_t emitted = 0;
  // Scratch reused for every input chunk, so probing allocates little once warmed up.
  std::vector<uint64_t> hashes;
  std::vector<sel_t> candidates;       // probe rows whose bucket's filter admits their hash
  std::vector<uint32_t> chain_starts;  // their bucket's first row + 1
  std::vector<sel_t> probe_rows;       // candidate pairs, then matching pairs
  std::vector<uint32_t> build_rows;
  std::vector<uint32_t> match_count;
  std::vector<uint32_t> emit_rows;
};

PhysicalJoin::PhysicalJoin(std::vector<LogicalType> types, PhysicalJoinType join_type,
                           std::vector<JoinCondition> conditions, ExprPtr residual, bool mark_null_aware)
    : PhysicalOperator(conditions.empty() ? "NESTED_LOOP_JOIN" : "HASH_JOIN", std::move(types)),
      join_type_(join_type),
      conditions_(std::move(conditions)),
      residual_(std::move(residual)),
      mark_null_aware_(mark_null_aware) {}

std::unique_ptr<GlobalSinkState> PhysicalJoin::InitGlobalSink(ExecutionContext&) {
  probe_types_ = children[0]->types();
  build_types_ = children[1]->types();
  residual_columns_.assign(probe_types_.size() + build_types_.size(), false);
  if (residual_) {
    VisitExpr(*residual_, [&](const Expr& e) {
      if (e.cls == ExprClass::kReference) residual_columns_[e.index] = true;
    });
  }
  return std::make_unique<BuildGlobal>();
}

std::unique_ptr<LocalSinkState> PhysicalJoin::InitLocalSink(ExecutionContext&) {
  return std::make_unique<BuildLocal>();
}

SinkResult PhysicalJoin::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState&,
                              LocalSinkState& lstate) {
  auto& local = static_cast<BuildLocal&>(lstate);
  ExpressionExecutor executor(ctx.client);
  std::vector<LogicalType> types;
  for (auto& c : conditions_) types.push_back(c.right->type);
  for (auto& t : build_types_) types.push_back(t);
  auto chunk = std::make_unique<DataChunk>(types, std::max(input.size(), kVectorSize));
  for (size_t k = 0; k < conditions_.size(); k++)
    executor.Execute(*conditions_[k].right, input, chunk->column(k));
  for (size_t c = 0; c < build_types_.size(); c++)
    chunk->column(conditions_.size() + c).Reference(input.column(c));
  chunk->SetCardinality(input.size());
  if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes()));
  local.chunks.push_back(std::move(chunk));
  return SinkResult::kNeedMoreInput;
}

void PhysicalJoin::Combine(ExecutionContext&, GlobalSinkState& gstate, LocalSinkState& lstate) {
  auto& global = static_cast<BuildGlobal&>(gstate);
  auto& local = static_cast<BuildLocal&>(lstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  for (auto& c : local.chunks) global.chunks.push_back(std::move(c));
}

void PhysicalJoin::Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) {
  auto& g = static_cast<BuildGlobal&>(gstate);
  std::vector<LogicalType> types;
  for (auto& c : conditions_) types.push_back(c.right->type);
  for (auto& t : build_types_) types.push_back(t);
  size_t total = 0;
  for (auto& c : g.chunks) total += c->size();
  g.rows.Initialize(types, std::max<size_t>(total, 1));
  for (auto& c : g.chunks) g.rows.Append(*c);
  g.chunks.clear();
  g.count = total;
  if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(total * 12));
  if (HasFinalOutput()) {
    g.matched.reset(new std::atomic<uint8_t>[std::max<size_t>(total, 1)]);
    for (size_t i = 0; i < total; i++) g.matched[i].store(0, std::memory_order_relaxed);
  }
  if (conditions_.empty()) return;
  g.hashes.assign(total, 0);
  for (size_t k = 0; k < conditions_.size(); k++) HashVector(g.rows.column(k), total, g.hashes.data(), k > 0);
  size_t buckets = 1024;
  while (buckets < total * 2) buckets *= 2;
  g.heads.assign(buckets, 0);
  g.next.assign(total, 0);
  g.mask = buckets - 1;
  for (size_t row = total; row-- > 0;) {
    bool skip = false;
    for (size_t k = 0; k < conditions_.size(); k++) {
      if (g.rows.column(k).IsNull(row) && !conditions_[k].nulls_equal) {
        skip = true;
        g.has_null_key = true;
      }
    }
    if (skip) continue;  // a NULL key never equals anything
    uint64_t hash = g.hashes[row];
    uint64_t& head = g.heads[hash & g.mask];
    g.next[row] = static_cast<uint32_t>(head);
    head = (head & ~uint64_t{0xFFFFFFFF}) | BloomBit(hash) | (row + 1);
  }
}

std::unique_ptr<OperatorState> PhysicalJoin::InitOperatorState(ExecutionContext&) {
  return std::make_unique<ProbeState>();
}

std::unique_ptr<GlobalOperatorState> PhysicalJoin::InitGlobalOperatorState(ExecutionContext&) {
  return std::make_unique<FinalState>();
}

void PhysicalJoin::FindMatches(ExecutionContext& ctx, DataChunk& input, ProbeState& state) {
  auto& g = static_cast<BuildGlobal&>(*sink_state);
  size_t n = input.size();
  ExpressionExecutor executor(ctx.client);
  // Candidate pairs: equal hashes (hash join) or every pair (nested loop).
  std::vector<sel_t>& probe_rows = state.probe_rows;
  std::vector<uint32_t>& build_rows = state.build_rows;
  probe_rows.clear();
  build_rows.clear();
  DataChunk keys;
  if (!conditions_.empty()) {
    std::vector<LogicalType> key_types;
    for (auto& c : conditions_) key_types.push_back(c.left->type);
    keys.Initialize(key_types, 1);  // key expressions size their own results (a column is referenced)
    for (size_t k = 0; k < conditions_.size(); k++)
      executor.Execute(*conditions_[k].left, input, keys.column(k));
    keys.SetCardinality(n);
    state.hashes.resize(n);
    uint64_t* hashes = state.hashes.data();
    for (size_t k = 0; k < conditions_.size(); k++) HashVector(keys.column(k), n, hashes, k > 0);
    // Keep the rows whose bucket's filter admits their hash; branch-free, so the loads of all rows are in
    // flight at once (large build sides live in memory, not cache).
    const uint64_t* heads = g.heads.data();
    const uint64_t mask = g.mask;
    state.candidates.resize(n);
    state.chain_starts.resize(n);
    sel_t* candidates = state.candidates.data();
    uint32_t* chain_starts = state.chain_starts.data();
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
      uint64_t head = heads[hashes[i] & mask];
      candidates[found] = static_cast<sel_t>(i);
      chain_starts[found] = static_cast<uint32_t>(head);
      found += (head & BloomBit(hashes[i])) != 0;
    }
    const uint64_t* build_hashes = g.hashes.data();
    const uint32_t* next = g.next.data();
    for (size_t k = 0; k < found; k++) __builtin_prefetch(&build_hashes[chain_starts[k] - 1]);
    for (size_t k = 0; k < found; k++) {
      const sel_t i = candidates[k];
      const uint64_t hash = hashes[i];
      for (uint32_t e = chain_starts[k]; e; e = next[e - 1]) {
        if (build_hashes[e - 1] == hash) {
          probe_rows.push_back(i);
          build_rows.push_back(e - 1);
        }
      }
    }
    size_t kept = probe_rows.size();
    for (size_t k = 0; k < conditions_.size() && kept > 0; k++) {
      kept = MatchRows(keys.column(k), probe_rows.data(), g.rows.column(k), build_rows.data(), kept,
                       conditions_[k].nulls_equal);
    }
    probe_rows.resize(kept);
    build_rows.resize(kept);
  } else {
    for (size_t i = 0; i < n; i++) {
      for (size_t b = 0; b < g.count; b++) {
        probe_rows.push_back(static_cast<sel_t>(i));
        build_rows.push_back(static_cast<uint32_t>(b));
      }
    }
  }
  // Residual predicate over gathered pairs, a vector's worth at a time.
  if (residual_ && !probe_rows.empty()) {
    std::vector<LogicalType> pair_types = probe_types_;
    pair_types.insert(pair_types.end(), build_types_.begin(), build_types_.end());
    size_t kept = 0;
    std::vector<sel_t> sel(kVectorSize);
    for (size_t start = 0; start < probe_rows.size(); start += kVectorSize) {
      size_t m = std::min(kVectorSize, probe_rows.size() - start);
      DataChunk pairs(pair_types, 1);
      // Gather only the columns the predicate reads.
      for (size_t c = 0; c < probe_types_.size(); c++) {
        if (residual_columns_[c]) pairs.column(c).Slice(input.column(c), probe_rows.data() + start, m);
      }
      for (size_t c = 0; c < build_types_.size(); c++) {
        if (!residual_columns_[probe_types_.size() + c]) continue;
        pairs.column(probe_types_.size() + c)
            .Slice(g.rows.column(conditions_.size() + c), build_rows.data() + start, m);
      }
      pairs.SetCardinality(m);
      size_t passed = executor.Select(*residual_, pairs, nullptr, m, sel.data());
      for (size_t k = 0; k < passed; k++) {
        probe_rows[kept] = probe_rows[start + sel[k]];
        build_rows[kept++] = build_rows[start + sel[k]];
      }
    }
    probe_rows.resize(kept);
    build_rows.resize(kept);
  }

  state.out_probe.clear();
  state.out_build.clear();
  state.out_mark.clear();
  state.emitted = 0;
  std::vector<uint32_t>& match_count = state.match_count;
  match_count.assign(n, 0);
  for (sel_t p : probe_rows) match_count[p]++;
  if (g.matched) {
    for (uint32_t b : build_rows) g.matched[b].store(1, std::memory_order_relaxed);
  }
  switch (join_type_) {
    case PhysicalJoinType::kRightSemi:
    case PhysicalJoinType::kRightAnti:
      break;  // matches only mark build rows; FinalOutput emits them
    case PhysicalJoinType::kInner:
    case PhysicalJoinType::kRight:
      state.out_probe.assign(probe_rows.begin(), probe_rows.end());
      state.out_build.assign(build_rows.begin(), build_rows.end());
      break;
    case PhysicalJoinType::kSingle:
      for (size_t i = 0; i < n; i++) {
        if (match_count[i] > 1) {
          throw Exception(sqlstate::kCardinalityViolation,
                          "more than one row returned by a subquery used as an expression");
        }
      }
      [[fallthrough]];
    case PhysicalJoinType::kLeft:
    case PhysicalJoinType::kFull: {
      // Matches keep probe order: walk probe rows, emitting each one's matches or a NULL-extended row.
      std::vector<size_t> first(n + 1, 0);
      for (size_t i = 0; i < n; i++) first[i + 1] = first[i] + match_count[i];
      std::vector<int64_t> ordered(probe_rows.size());
      std::vector<size_t> fill(first.begin(), first.end() - 1);
      for (size_t k = 0; k < probe_rows.size(); k++) ordered[fill[probe_rows[k]]++] = build_rows[k];
      for (size_t i = 0; i < n; i++) {
        if (match_count[i] == 0) {
          state.out_probe.push_back(static_cast<sel_t>(i));
          state.out_build.push_back(-1);
        }
        for (size_t k = first[i]; k < first[i + 1]; k++) {
          state.out_probe.push_back(static_cast<sel_t>(i));
          state.out_build.push_back(ordered[k]);
        }
      }
      break;
    }
    case PhysicalJoinType::kSemi:
    case PhysicalJoinType::kAnti:
      for (size_t i = 0; i < n; i++) {
        if ((match_count[i] > 0) == (join_type_ == PhysicalJoinType::kSemi))
          state.out_probe.push_back(static_cast<sel_t>(i));
      }
      break;
    case PhysicalJoinType::kMark:
      for (size_t i = 0; i < n; i++) {
        state.out_probe.push_back(static_cast<sel_t>(i));
        int8_t mark = match_count[i] > 0 ? 1 : 0;
        if (!mark && mark_null_aware_ && g.count > 0) {
          // x IN (...) is NULL, not FALSE, when x is NULL or the list holds a NULL.
          bool probe_null = false;
          for (size_t k = 0; k < conditions_.size(); k++) probe_null |= keys.column(k).IsNull(i);
          if (probe_null || g.has_null_key) mark = -1;
        }
        state.out_mark.push_back(mark);
      }
      break;
  }
}

void PhysicalJoin::Emit(DataChunk& input, DataChunk& output, ProbeState& state) {
  auto& g = static_cast<BuildGlobal&>(*sink_state);
  size_t m = std::min(kVectorSize, state.out_probe.size() - state.emitted);
  const sel_t* probe = state.out_probe.data() + state.emitted;
  size_t probe_cols = probe_types_.size();
  for (size_t c = 0; c < probe_cols; c++) output.column(c).Slice(input.column(c), probe, m);
  if (join_type_ == PhysicalJoinType::kMark) {
    Vector& mark = output.column(probe_cols);
    for (size_t i = 0; i < m; i++) {
      int8_t v = state.out_mark[state.emitted + i];
      mark.data<uint8_t>()[i] = v == 1;
      if (v < 0) mark.SetNull(i);
    }
  } else if (join_type_ != PhysicalJoinType::kSemi && join_type_ != PhysicalJoinType::kAnti) {
    std::vector<uint32_t>& rows = state.emit_rows;
    rows.resize(m);
    bool any_null = false;
    for (size_t i = 0; i < m; i++) {
      int64_t b = state.out_build[state.emitted + i];
      rows[i] = b < 0 ? 0 : static_cast<uint32_t>(b);
      any_null |= b < 0;
    }
    for (size_t c = 0; c < build_types_.size(); c++) {
      Vector& col = output.column(probe_cols + c);
      if (g.count == 0) {
        col.validity().Initialize(std::max(m, col.capacity()));
        for (size_t i = 0; i < m; i++) col.SetNull(i);
        continue;
      }
      col.Slice(g.rows.column(conditions_.size() + c), rows.data(), m);
      if (any_null) {
        for (size_t i = 0; i < m; i++) {
          if (state.out_build[state.emitted + i] < 0) col.SetNull(i);
        }
      }
    }
  }
  output.SetCardinality(m);
  state.emitted += m;
}

OperatorResult PhysicalJoin::Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output,
                                     OperatorState& s, GlobalOperatorState&) {
  auto& state = static_cast<ProbeState&>(s);
  if (!state.active) {
    FindMatches(ctx, input, state);
    state.active = true;
  }
  if (state.emitted < state.out_probe.size()) Emit(input, output, state);
  if (state.emitted >= state.out_probe.size()) {
    state.active = false;
    return OperatorResult::kNeedMoreInput;
  }
  return OperatorResult::kHaveMoreOutput;
}

void PhysicalJoin::FinalOutput(ExecutionContext&, DataChunk& output, GlobalOperatorState& gstate) {
  auto& g = static_cast<BuildGlobal&>(*sink_state);
  auto& fs = static_cast<FinalState&>(gstate);
  std::vector<uint32_t> rows;
  bool want_matched = join_type_ == PhysicalJoinType::kRightSemi;
  while (fs.next_row < g.count && rows.size() < kVectorSize) {
    if (g.matched[fs.next_row].load(std::memory_order_relaxed) == want_matched) {
      rows.push_back(static_cast<uint32_t>(fs.next_row));
    }
    fs.next_row++;
  }
  size_t m = rows.size();
  if (m == 0) return;
  if (want_matched || join_type_ == PhysicalJoinType::kRightAnti) {
    for (size_t c = 0; c < build_types_.size(); c++) {
      output.column(c).Slice(g.rows.column(conditions_.size() + c), rows.data(), m);
    }
    output.SetCardinality(m);
    return;
  }
  size_t probe_cols = probe_types_.size();
  for (size_t c = 0; c < probe_cols; c++) {
    Vector& col = output.column(c);
    col.validity().Initialize(std::max(m, col.capacity()));
    for (size_t i = 0; i < m; i++) col.SetNull(i);
  }
  for (size_t c = 0; c < build_types_.size(); c++) {
    output.column(probe_cols + c).Slice(g.rows.column(conditions_.size() + c), rows.data(), m);
  }
  output.SetCardinality(m);
}

std::string PhysicalJoin::Details() const {
  std::string s = JoinTypeName(join_type_);
  for (auto& c : conditions_) {
    s += " " + c.left->ToString() + (c.nulls_equal ? " IS NOT DISTINCT FROM " : " = ") + c.right->ToString();
  }
  if (residual_) s += " " + residual_->ToString();
  return s;
}

}  // namespace basin
