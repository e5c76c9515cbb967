#include "execution/operator/physical_modify.h"

#include <numeric>
#include <set>

#include "common/exception.h"

namespace basin {

namespace {
struct ModifyGlobal : GlobalSinkState {
  std::mutex mutex;
  std::unique_ptr<TableStorage::Writer> writer;
  std::set<int64_t> touched;  // UPDATE/DELETE: each row counts once even if joined several times
  int64_t count = 0;
};
struct ModifySource : GlobalSourceState {
  bool done = false;
};
}  // namespace

PhysicalModify::PhysicalModify(Kind kind, std::shared_ptr<TableStorage> storage, std::string table_name,
                               std::vector<std::string> column_names, std::vector<bool> not_null,
                               std::vector<size_t> update_columns)
    : PhysicalOperator(kind == Kind::kInsert ? "INSERT" : (kind == Kind::kUpdate ? "UPDATE" : "DELETE"),
                       {TypeId::kBigInt}),
      kind_(kind),
      storage_(std::move(storage)),
      table_name_(std::move(table_name)),
      column_names_(std::move(column_names)),
      not_null_(std::move(not_null)),
      update_columns_(std::move(update_columns)) {}

std::unique_ptr<GlobalSinkState> PhysicalModify::InitGlobalSink(ExecutionContext&) {
  auto state = std::make_unique<ModifyGlobal>();
  state->writer = storage_->BeginWrite();
  return state;
}

void PhysicalModify::CheckNotNull(const DataChunk& rows, const std::vector<size_t>& columns) const {
  for (size_t i = 0; i < columns.size(); i++) {
    size_t table_column = columns[i];
    if (!not_null_[table_column]) continue;
    const Vector& v = rows.column(kind_ == Kind::kInsert ? i : i + 1);
    for (size_t r = 0; r < rows.size(); r++) {
      if (v.IsNull(r)) {
        throw ConstraintError("null value in column \"" + column_names_[table_column] + "\" of relation \"" +
                              table_name_ + "\" violates not-null constraint");
      }
    }
  }
}

SinkResult PhysicalModify::Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                                LocalSinkState&) {
  auto& global = static_cast<ModifyGlobal&>(gstate);
  std::lock_guard<std::mutex> lock(global.mutex);
  switch (kind_) {
    case Kind::kInsert: {
      std::vector<size_t> all(column_names_.size());
      std::iota(all.begin(), all.end(), 0);
      CheckNotNull(input, all);
      if (ctx.memory) ctx.memory->Reserve(static_cast<int64_t>(input.SizeInBytes()));
      global.writer->Append(input);
      global.count += static_cast<int64_t>(input.size());
      break;
    }
    case Kind::kDelete:
    case Kind::kUpdate: {
      if (kind_ == Kind::kUpdate) CheckNotNull(input, update_columns_);
      const Vector& ids = input.column(0);
      std::vector<int64_t> row_ids;
      std::vector<sel_t> keep;
      for (size_t r = 0; r < input.size(); r++) {
        int64_t id = ids.data<int64_t>()[ids.IsConstant() ? 0 : r];
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

void PhysicalModify::Finalize(ExecutionContext&, GlobalSinkState& gstate) {
  static_cast<ModifyGlobal&>(gstate).writer->Commit();
}

std::unique_ptr<GlobalSourceState> PhysicalModify::InitGlobalSource(ExecutionContext&) {
  return std::make_unique<ModifySource>();
}

void PhysicalModify::GetData(ExecutionContext&, DataChunk& out, GlobalSourceState& gstate,
                             LocalSourceState&) {
  auto& source = static_cast<ModifySource&>(gstate);
  if (source.done) return;
  source.done = true;
  out.column(0).data<int64_t>()[0] = static_cast<ModifyGlobal&>(*sink_state).count;
  out.SetCardinality(1);
}

}  // namespace basin
