#pragma once

#include <memory>
#include <vector>

#include "execution/physical_operator.h"

namespace basin {

/// kRightSemi / kRightAnti: a semi / anti join whose preserved side is the build side (children[1]): the
/// probe side only marks build rows, which are emitted at the end. Used when the preserved side is the
/// small one, so that the large side is streamed instead of hashed.
enum class PhysicalJoinType {
  kInner,
  kLeft,
  kRight,
  kFull,
  kSemi,
  kAnti,
  kMark,
  kSingle,
  kRightSemi,
  kRightAnti
};
const char* JoinTypeName(PhysicalJoinType type);

/// `left = right` between a probe-side and a build-side expression; IS NOT DISTINCT FROM when nulls_equal.
struct JoinCondition {
  ExprPtr left;   // over the probe side (children[0])
  ExprPtr right;  // over the build side (children[1])
  bool nulls_equal = false;
};

/// Hash join: children[1] is the build side, hashed on its keys by a sink; children[0] streams through and
/// probes. Output: probe columns, then build columns (inner, outer, single), only probe columns (semi, anti),
/// or probe columns and a BOOLEAN (mark: TRUE on a match, NULL when unknown under IN's NULL rules).
/// `residual` is evaluated over [probe columns, build columns] of each candidate pair.
/// With no conditions it is a nested-loop join (every pair is a candidate).
class PhysicalJoin : public PhysicalOperator {
 public:
  PhysicalJoin(std::vector<LogicalType> types, PhysicalJoinType join_type,
               std::vector<JoinCondition> conditions, ExprPtr residual, bool mark_null_aware = true);

  bool IsStreaming() const override { return true; }
  bool IsSink() const override { return true; }
  size_t SinkChildIndex() const override { return 1; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  std::unique_ptr<LocalSinkState> InitLocalSink(ExecutionContext& ctx) override;
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;
  void Combine(ExecutionContext& ctx, GlobalSinkState& gstate, LocalSinkState& lstate) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;

  std::unique_ptr<OperatorState> InitOperatorState(ExecutionContext& ctx) override;
  std::unique_ptr<GlobalOperatorState> InitGlobalOperatorState(ExecutionContext& ctx) override;
  OperatorResult Execute(ExecutionContext& ctx, DataChunk& input, DataChunk& output, OperatorState& state,
                         GlobalOperatorState& gstate) override;
  bool HasFinalOutput() const override {
    return join_type_ == PhysicalJoinType::kRight || join_type_ == PhysicalJoinType::kFull ||
           join_type_ == PhysicalJoinType::kRightSemi || join_type_ == PhysicalJoinType::kRightAnti;
  }
  void FinalOutput(ExecutionContext& ctx, DataChunk& output, GlobalOperatorState& gstate) override;
  std::string Details() const override;

 private:
  struct ProbeState;
  void FindMatches(ExecutionContext& ctx, DataChunk& input, ProbeState& state);
  void Emit(DataChunk& input, DataChunk& output, ProbeState& state);

  PhysicalJoinType join_type_;
  std::vector<JoinCondition> conditions_;
  ExprPtr residual_;
  bool mark_null_aware_;
  std::vector<LogicalType> probe_types_;
  std::vector<LogicalType> build_types_;
  std::vector<bool> residual_columns_;  // which [probe, build] columns the residual reads
};

}  // namespace basin
