// MERGE's sink: WHEN clauses routed over the rows of the source-target join.

#include "common/exception.h"
#include "execution/expression_executor.h"
#include "execution/operator/physical_modify.h"

namespace basin {

PhysicalMerge::PhysicalMerge(ModifyTarget target, size_t row_id_column, size_t source_column,
                             std::vector<Clause> clauses)
    : PhysicalTableWrite("MERGE", std::move(target)),
      row_id_column_(row_id_column),
      source_column_(source_column),
      clauses_(std::move(clauses)) {}

SinkResult PhysicalMerge::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                               LocalSinkState&) {
  const size_t n = input.size();
  // The rows not yet claimed by a clause, for each MergeMatch.
  std::vector<sel_t> pending[3];
  for (auto& rows : pending) rows.reserve(n);
  const Vector& ids = input.column(row_id_column_);
  const Vector& source = input.column(source_column_);
  for (size_t r = 0; r < n; r++) {
    MergeMatch match = ids.IsNull(r)      ? MergeMatch::kNotMatchedByTarget
                       : source.IsNull(r) ? MergeMatch::kNotMatchedBySource
                                          : MergeMatch::kMatched;
    pending[static_cast<size_t>(match)].push_back(static_cast<sel_t>(r));
  }
  ExpressionExecutor executor(ctx.client);
  std::vector<sel_t> taken(n);
  for (const Clause& clause : clauses_) {
    std::vector<sel_t>& rows = pending[static_cast<size_t>(clause.match)];
    if (rows.empty()) continue;
    if (!clause.condition) {
      Apply(ctx, clause, input, rows.data(), rows.size(), static_cast<WriteState&>(gstate));
      rows.clear();
      continue;
    }
    size_t count = executor.Select(*clause.condition, input, rows.data(), rows.size(), taken.data());
    if (count == 0) continue;
    // Select keeps the input order, so one pass leaves the rows it did not take.
    size_t kept = 0;
    for (size_t i = 0, t = 0; i < rows.size(); i++) {
      if (t < count && taken[t] == rows[i]) {
        t++;
      } else {
        rows[kept++] = rows[i];
      }
    }
    rows.resize(kept);
    Apply(ctx, clause, input, taken.data(), count, static_cast<WriteState&>(gstate));
  }
  return SinkResult::kNeedMoreInput;
}

void PhysicalMerge::Apply(ExecutionContext& ctx, const Clause& clause, const DataChunk& input,
                          const sel_t* sel, size_t count, WriteState& state) const {
  if (clause.kind == MergeActionKind::kDoNothing) return;
  // Values are computed for the clause's own rows only: another row's value may not be computable
  // (a division by zero the clause's condition rules out).
  DataChunk values;
  if (!clause.values.empty()) {
    std::vector<LogicalType> types;
    for (auto& v : clause.values) types.push_back(v->type);
    values.Initialize(types, std::max(count, kVectorSize));
    ExpressionExecutor executor(ctx.client);
    for (size_t c = 0; c < clause.values.size(); c++)
      executor.Execute(*clause.values[c], input, sel, count, values.column(c));
    values.SetCardinality(count);
    target_.CheckNotNull(values, 0, clause.columns);
  }
  std::vector<int64_t> row_ids;
  if (clause.kind != MergeActionKind::kInsert) {
    const Vector& ids = input.column(row_id_column_);
    const int64_t* data = ids.data<int64_t>();
    row_ids.resize(count);
    for (size_t i = 0; i < count; i++) row_ids[i] = data[ids.IsConstant() ? 0 : sel[i]];
  }
  std::lock_guard<std::mutex> lock(state.mutex);
  for (int64_t id : row_ids) {
    if (!state.touched.insert(id).second) {
      throw Exception(sqlstate::kCardinalityViolation,
                      "MERGE command cannot affect row a second time (more than one source row matches "
                      "one target row)");
    }
  }
  switch (clause.kind) {
    case MergeActionKind::kInsert:
      if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(values.SizeInBytes()));
      state.writer->Append(values);
      break;
    case MergeActionKind::kUpdate:
      state.writer->Update(row_ids, clause.columns, values);
      break;
    case MergeActionKind::kDelete:
      state.writer->Delete(row_ids);
      break;
    case MergeActionKind::kDoNothing:
      break;
  }
  state.count += static_cast<int64_t>(count);
}

}  // namespace basin
