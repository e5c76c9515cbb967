#include "execution/operator/physical_modify.h"

#include <numeric>

#include "common/exception.h"

namespace basin {

void ModifyTarget::CheckNotNull(const DataChunk& rows, size_t first,
                                const std::vector<size_t>& table_columns) const {
  for (size_t i = 0; i < table_columns.size(); i++) {
    size_t table_column = table_columns[i];
    if (!not_null[table_column]) continue;
    const Vector& v = rows.column(first + i);
    for (size_t r = 0; r < rows.size(); r++) {
      if (v.IsNull(r)) {
        throw ConstraintError("null value in column \"" + column_names[table_column] + "\" of relation \"" +
                              table_name + "\" violates not-null constraint");
      }
    }
  }
}

namespace {
struct WriteSource : GlobalSourceState {
  bool done = false;
};
}  // namespace

PhysicalTableWrite::PhysicalTableWrite(std::string name, ModifyTarget target)
    : PhysicalOperator(std::move(name), {TypeId::kBigInt}), target_(std::move(target)) {}

std::unique_ptr<GlobalSinkState> PhysicalTableWrite::InitGlobalSink(ExecutionContext& ctx) {
  auto state = std::make_unique<WriteState>();
  state->writer = target_.storage->BeginWrite();
  if (ctx.max_threads > 0) state->writer->SetThreads(ctx.max_threads);
  return state;
}

void PhysicalTableWrite::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  static_cast<WriteState&>(gstate).writer->Commit();
}

std::unique_ptr<GlobalSourceState> PhysicalTableWrite::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<WriteSource>();
}

void PhysicalTableWrite::GetData(ExecutionContext&, DataChunk& out, GlobalSourceState& gstate,
                                 LocalSourceState&) {
  auto& source = static_cast<WriteSource&>(gstate);
  if (source.done) return;
  source.done = true;
  out.column(0).data<int64_t>()[0] = static_cast<WriteState&>(*sink_state).count;
  out.SetCardinality(1);
}

PhysicalModify::PhysicalModify(Kind kind, ModifyTarget target, std::vector<size_t> update_columns)
    : PhysicalTableWrite(kind == Kind::kInsert ? "INSERT" : (kind == Kind::kUpdate ? "UPDATE" : "DELETE"),
                         std::move(target)),
      kind_(kind),
      update_columns_(std::move(update_columns)) {}

SinkResult PhysicalModify::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                                LocalSinkState&) {
  auto& global = static_cast<WriteState&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  switch (kind_) {
    case Kind::kInsert: {
      std::vector<size_t> all(target_.column_names.size());
      std::iota(all.begin(), all.end(), 0);
      target_.CheckNotNull(input, 0, all);
      if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes()));
      global.writer->Append(input);
      global.count += static_cast<int64_t>(input.size());
      break;
    }
    case Kind::kDelete:
    case Kind::kUpdate: {
      if (kind_ == Kind::kUpdate) target_.CheckNotNull(input, 1, update_columns_);
      const Vector& ids = input.column(0);
      std::vector<int64_t> row_ids;
      std::vector<sel_t> keep;
      for (size_t r = 0; r < input.size(); r++) {
        int64_t id = ids.data<int64_t>()[ids.IsConstant() ? 0 : r];
        // UPDATE ... FROM joining a row several times changes it once, with one of the joined rows.
        if (!global.touched.insert(id).second) continue;
        row_ids.push_back(id);
        keep.push_back(static_cast<sel_t>(r));
      }
      if (row_ids.empty()) break;
      if (kind_ == Kind::kDelete) {
        global.writer->Delete(row_ids);
      } else {
        DataChunk values;
        std::vector<LogicalType> types;
        for (size_t c = 1; c < input.ColumnCount(); c++) types.push_back(input.column(c).type());
        values.Initialize(types, std::max(keep.size(), kVectorSize));
        for (size_t c = 1; c < input.ColumnCount(); c++)
          values.column(c - 1).Slice(input.column(c), keep.data(), keep.size());
        values.SetCardinality(keep.size());
        global.writer->Update(row_ids, update_columns_, values);
      }
      global.count += static_cast<int64_t>(row_ids.size());
      break;
    }
  }
  return SinkResult::kNeedMoreInput;
}

}  // namespace basin
