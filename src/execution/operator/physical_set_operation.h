#pragma once

#include <memory>
#include <vector>

#include "execution/physical_operator.h"

namespace basin {

/// INTERSECT [ALL] / EXCEPT [ALL]: counts each distinct row's occurrences on both sides (rows arrive tagged
/// 0 or 1 in their last column) and emits each row as often as the operation keeps it.
class PhysicalSetOperation : public PhysicalOperator {
 public:
  PhysicalSetOperation(std::vector<LogicalType> types, bool intersect, bool all);

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override {
    return std::string(intersect_ ? "INTERSECT" : "EXCEPT") + (all_ ? " ALL" : "");
  }

 private:
  bool intersect_;
  bool all_;
};

/// Build the operator tree for `left INTERSECT|EXCEPT [ALL] right`.
PhysicalOperatorPtr MakeSetOperation(std::vector<LogicalType> types, bool intersect, bool all,
                                     PhysicalOperatorPtr left, PhysicalOperatorPtr right);

/// WITH RECURSIVE: runs the anchor, then the recursive part over the rows the previous round produced (the
/// working table, shared with the recursive part's scan) until a round produces no new rows.
class PhysicalRecursiveCte : public PhysicalOperator {
 public:
  PhysicalRecursiveCte(std::vector<LogicalType> types, bool union_all,
                       std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> working,
                       PhysicalOperatorPtr anchor, PhysicalOperatorPtr recursive);

  bool IsSource() const override { return true; }
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;

  static constexpr int64_t kMaxRounds = 1000000;

 private:
  bool union_all_;
  std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> working_;
};

}  // namespace basin
