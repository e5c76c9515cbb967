#pragma once

#include <memory>
#include <vector>

#include "execution/physical_operator.h"

namespace basin {

/// Sorts its whole input (ORDER BY), optionally keeping only the first offset+limit rows (top-N), and emits
/// rows in order: its source runs on one thread.
class PhysicalOrder : public PhysicalOperator {
 public:
  PhysicalOrder(std::vector<LogicalType> types, std::vector<BoundOrder> orders, int64_t limit = -1,
                int64_t offset = 0);

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
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

 private:
  std::vector<BoundOrder> orders_;
  int64_t limit_;
  int64_t offset_;
};

/// Materialises input rows with their sort keys, for operators that sort (ORDER BY, windows).
struct SortedCollection {
  /// Append a chunk of rows and its evaluated keys.
  void Append(const DataChunk& rows, const DataChunk& keys);
  void Merge(SortedCollection&& other);
  size_t size() const { return rows.size(); }
  DataChunk rows;
  DataChunk keys;
};

}  // namespace basin
