#pragma once

#include <memory>
#include <vector>

#include "execution/function.h"
#include "execution/physical_operator.h"

namespace basin {

/// GROUP BY with aggregates, for one or more grouping sets. Each thread aggregates into its own hash
/// tables; Combine merges them into the global ones; the source emits one row per group per set.
/// Output: every group column (NULL where a set leaves it out), then the aggregates, then one BIGINT per
/// GROUPING() call.
class PhysicalHashAggregate : public PhysicalOperator {
 public:
  PhysicalHashAggregate(std::vector<LogicalType> types, std::vector<ExprPtr> groups,
                        std::vector<ExprPtr> aggregates, std::vector<std::vector<size_t>> grouping_sets,
                        std::vector<std::vector<size_t>> grouping_functions);
  ~PhysicalHashAggregate() override;

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
  bool ParallelSource() const override { return true; }
  bool ParallelSink() const override;
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override;

  struct AggregateInfo {
    ExprPtr expr;
    size_t state_offset = 0;
    size_t first_arg = 0;  // position of its arguments in the evaluated argument chunk
  };

 private:
  std::vector<ExprPtr> groups_;
  std::vector<AggregateInfo> aggregates_;
  std::vector<std::vector<size_t>> grouping_sets_;
  std::vector<std::vector<size_t>> grouping_functions_;
  std::vector<LogicalType> arg_types_;
  size_t payload_size_ = 0;
};

}  // namespace basin
