#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "execution/physical_operator.h"
#include "lake/table_storage.h"

namespace basin {

/// The table a DML statement writes: its storage and what its constraint errors name.
struct ModifyTarget {
  std::shared_ptr<TableStorage> storage;
  std::string table_name;
  std::vector<std::string> column_names;
  std::vector<bool> not_null;

  /// Throw 23502 if a NOT NULL column gets a NULL: `rows.column(first + i)` holds table column
  /// `table_columns[i]`.
  void CheckNotNull(const DataChunk& rows, size_t first, const std::vector<size_t>& table_columns) const;
};

/// Base of the DML sinks: their changes go to one storage writer, committed when the input is exhausted
/// (so a failing row leaves the table untouched); the only output row is the number of rows affected.
class PhysicalTableWrite : public PhysicalOperator {
 public:
  PhysicalTableWrite(std::string name, ModifyTarget target);

  bool IsSink() const override { return true; }
  bool IsSource() const override { return true; }
  std::unique_ptr<GlobalSinkState> InitGlobalSink(ExecutionContext& ctx) override;
  void Finalize(ExecutionContext& ctx, GlobalSinkState& gstate) override;
  std::unique_ptr<GlobalSourceState> InitGlobalSource(ExecutionContext& ctx) override;
  void GetData(ExecutionContext& ctx, DataChunk& out, GlobalSourceState& gstate,
               LocalSourceState& lstate) override;
  std::string Details() const override { return target_.table_name; }

 protected:
  /// Shared by the sink's threads; every field is guarded by `mutex`.
  struct WriteState : GlobalSinkState {
    std::mutex mutex;
    std::unique_ptr<TableStorage::Writer> writer;
    std::set<int64_t> touched;  // row ids updated or deleted so far
    int64_t count = 0;
  };

  ModifyTarget target_;
};

/// INSERT, UPDATE and DELETE.
class PhysicalModify : public PhysicalTableWrite {
 public:
  enum class Kind { kInsert, kUpdate, kDelete };

  /// kInsert: input rows are whole table rows. kDelete: input column 0 holds row ids. kUpdate: input
  /// column 0 holds row ids, the rest the new values of `update_columns`.
  PhysicalModify(Kind kind, ModifyTarget target, std::vector<size_t> update_columns = {});

  bool ParallelSink() const override { return kind_ != Kind::kInsert; }
  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;

 private:
  Kind kind_;
  std::vector<size_t> update_columns_;
};

/// MERGE: which rows of the source-target join a WHEN clause is for, and what it does to them.
enum class MergeMatch : uint8_t { kMatched, kNotMatchedByTarget, kNotMatchedBySource };
enum class MergeActionKind : uint8_t { kUpdate, kDelete, kInsert, kDoNothing };

/// MERGE: gives each row of the source-target join to the first WHEN clause of its kind whose condition
/// holds, evaluating each clause over the rows still unclaimed, and writes the clauses' inserts, updates and
/// deletes. A target row updated or deleted for a second source row is an error (21000), as in PostgreSQL.
class PhysicalMerge : public PhysicalTableWrite {
 public:
  struct Clause {
    MergeMatch match;
    MergeActionKind kind;
    ExprPtr condition;            // null: unconditional
    std::vector<size_t> columns;  // kUpdate: the table columns set; kInsert: every column, in order
    std::vector<ExprPtr> values;  // the new value of each of `columns`, over the input
  };

  /// Input column `row_id_column` holds the target row id (NULL: no target row), `source_column` is NULL
  /// exactly when the row has no source row.
  PhysicalMerge(ModifyTarget target, size_t row_id_column, size_t source_column, std::vector<Clause> clauses);

  SinkResult Sink(ExecutionContext& ctx, DataChunk& input, GlobalSinkState& gstate,
                  LocalSinkState& lstate) override;

 private:
  /// Evaluate the values of `clause` for input rows `sel` and hand them to the writer.
  void Apply(ExecutionContext& ctx, const Clause& clause, const DataChunk& input, const sel_t* sel,
             size_t count, WriteState& state) const;

  size_t row_id_column_;
  size_t source_column_;
  std::vector<Clause> clauses_;
};

}  // namespace basin
