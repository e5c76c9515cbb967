#pragma once

#include <memory>
#include <string>
#include <vector>

#include "execution/physical_operator.h"
#include "lake/table_storage.h"

namespace basin {

/// INSERT, UPDATE and DELETE: sinks that buffer the statement's changes in a storage writer, commit them
/// all at once when the input is exhausted (so a failing row leaves the table untouched), and emit the
/// number of rows affected.
class PhysicalModify : public PhysicalOperator {
 public:
  enum class Kind { kInsert, kUpdate, kDelete };

  /// kInsert: input rows are whole table rows. kDelete: input column 0 holds row ids. kUpdate: input
  /// column 0 holds row ids, the rest the new values of `update_columns`.
  PhysicalModify(Kind kind, std::shared_ptr<TableStorage> storage, std::string table_name,
                 std::vector<std::string> column_names, std::vector<bool> not_null,
                 std::vector<size_t> update_columns = {});

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
  bool ParallelSink() const override { return kind_ != Kind::kInsert; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override { return table_name_; }

 private:
  void CheckNotNull(const DataChunk& rows, const std::vector<size_t>& columns) const;

  Kind kind_;
  std::shared_ptr<TableStorage> storage_;
  std::string table_name_;
  std::vector<std::string> column_names_;
  std::vector<bool> not_null_;
  std::vector<size_t> update_columns_;
};

}  // namespace basin
