#pragma once

#include <memory>
#include <vector>

#include "execution/physical_operator.h"
#include "lake/table_storage.h"

namespace basin {

/// Scans a table's columns morsel by morsel; threads claim morsels from a shared counter.
class PhysicalTableScan : public PhysicalOperator {
 public:
  PhysicalTableScan(std::shared_ptr<TableStorage> storage, std::string table_name,
                    std::vector<size_t> column_ids, std::vector<LogicalType> types,
                    std::vector<TableFilter> filters);

  bool IsSource() const override { return true; }
  bool ParallelSource() const override { return true; }
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSourceState> InitLocalSource(ExecutionContext& ctx, GlobalSourceState& gstate) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override;
  /// Conjuncts `column op constant` the storage may use to skip data (the engine still applies them).
  void SetFilters(std::vector<TableFilter> filters) { filters_ = std::move(filters); }

 private:
  std::shared_ptr<TableStorage> storage_;
  std::string table_name_;
  std::vector<size_t> column_ids_;
  std::vector<TableFilter> filters_;
};

/// Emits chunks held in memory: VALUES lists, a single empty row for FROM-less SELECTs, materialised CTEs.
class PhysicalColumnData : public PhysicalOperator {
 public:
  PhysicalColumnData(std::string name, std::vector<LogicalType> types,
                     std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> chunks)
      : PhysicalOperator(std::move(name), std::move(types)), chunks_(std::move(chunks)) {}

  bool IsSource() const override { return true; }
  bool ParallelSource() const override { return true; }
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;

  /// Shared so that a CTE's materialisation can be filled after the plan is built.
  std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> chunks_;
};

/// Evaluates expressions over rows, producing one column per expression, each in one vector with
/// rows of no columns: `expressions` rows of a VALUES list are evaluated per row.
class PhysicalValues : public PhysicalOperator {
 public:
  PhysicalValues(std::vector<LogicalType> types, std::vector<std::vector<ExprPtr>> rows)
      : PhysicalOperator("VALUES", std::move(types)), rows_(std::move(rows)) {}

  bool IsSource() const override { return true; }
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;

 private:
  std::vector<std::vector<ExprPtr>> rows_;
};

/// Marks where several inputs feed the rest of a pipeline (UNION ALL); the executor duplicates the pipeline.
class PhysicalUnionAll : public PhysicalOperator {
 public:
  explicit PhysicalUnionAll(std::vector<LogicalType> types)
      : PhysicalOperator("UNION_ALL", std::move(types)) {}
};

}  // namespace basin
