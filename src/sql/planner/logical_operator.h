#pragma once

#include <memory>
#include <string>
#include <vector>

#include "execution/expression.h"
#include "execution/operator/physical_modify.h"

namespace basin {

struct TableEntry;

enum class LogicalOpType {
  kGet,        // table scan: table, column_ids (table columns read); binding (table_index, i) per read column
  kValues,     // rows of expressions (VALUES, FROM-less SELECT); binding (table_index, i)
  kChunkScan,  // rows held in memory (a materialised CTE or recursive working table); (table_index, i)
  kFilter,     // expressions: conjuncts
  kProjection,    // expressions; binding (table_index, i)
  kAggregate,     // groups (group_index), expressions: aggregates (aggregate_index), grouping calls
                  // (grouping_index)
  kWindow,        // expressions: window functions; binding (window_index, i) after the child's columns
  kJoin,          // join_type; conditions (left = right); expressions[0] optional residual over both sides
  kOrder,         // orders
  kLimit,         // limit / offset
  kDistinct,      // all columns, or DISTINCT ON (expressions) keeping the first row by orders
  kUnion,         // UNION ALL of children with positional columns; binding (table_index, i)
  kSetOp,         // INTERSECT / EXCEPT / UNION (distinct) [ALL]; binding (table_index, i)
  kRecursiveCTE,  // children[0] anchor, children[1] recursive part reading table cte_index; (table_index, i)
  kInsert,
  kUpdate,
  kDelete,
  kMerge,  // children[0]: source joined with target; expressions[0..1]: target row id, source marker; then
           // the WHEN clauses' conditions and values, which merge_actions index
  kExplain,
  kMaterialize,    // children[0]: the query; children[1..]: CTE plans run first into `materialized` (each)
  kTableFunction,  // `function` (generate_series, range, unnest) of expressions computed from each row of
                   // children[0] (the outer values of a correlated subquery, joined in by decorrelation);
                   // binding (table_index, 0) after the child's columns
};

enum class LogicalJoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti, kMark, kSingle };

/// `left = right` (IS NOT DISTINCT FROM when nulls_equal); left over children[0], right over children[1].
struct LogicalJoinCondition {
  ExprPtr left;
  ExprPtr right;
  bool nulls_equal = false;
  LogicalJoinCondition Copy() const { return {left->Copy(), right->Copy(), nulls_equal}; }
};

/// A WHEN clause of MERGE. Its condition and values live in the kMerge operator's `expressions` (by index),
/// so that optimizer passes walking `expressions` see the columns they use.
struct MergeAction {
  MergeMatch match = MergeMatch::kMatched;
  MergeActionKind kind = MergeActionKind::kDoNothing;
  size_t condition = SIZE_MAX;  // SIZE_MAX: unconditional
  std::vector<size_t> columns;  // kUpdate: the table columns set; kInsert: every column, in order
  size_t first_value = 0;       // the values of `columns` are expressions[first_value, + columns.size())
};

/// What a window table function (TUMBLE, HOP, SESSION) adds to its source: the projection it binds to ends
/// with window_start and window_end, the windows of `time` (TUMBLE's slide is its size). Batch plans run it
/// as any projection; the stream processor (src/stream/) reads it to know a query's windows.
struct WindowTableFunction {
  std::string name;   ///< "tumble", "hop" or "session"
  int64_t size = 0;   ///< microseconds; SESSION: the gap
  int64_t slide = 0;  ///< microseconds; a divisor of size (SESSION: 0)
  ColumnBinding time;
  std::string time_column;
  /// SESSION: the source columns sessions are kept apart by (its arguments after the gap), and `time` +
  /// gap, the end of a session of one event. The projection's child computes sessions over the whole input
  /// (window operators); the stream processor replaces it by the source and merges sessions in its state.
  std::vector<ColumnBinding> keys;
  std::shared_ptr<const Expr> event_end;
};

/// A node of a logical plan. One struct for all kinds, as Expr: fields are listed beside LogicalOpType.
struct LogicalOperator {
  explicit LogicalOperator(LogicalOpType t) : type(t) {}

  LogicalOpType type;
  std::vector<std::unique_ptr<LogicalOperator>> children;
  std::vector<ExprPtr> expressions;
  std::vector<LogicalType> types;  // output types (filled by ResolveTypes)

  uint64_t table_index = 0;
  uint64_t aggregate_index = 0;  // kAggregate
  uint64_t grouping_index = 0;   // kAggregate

  // kGet
  std::shared_ptr<TableEntry> table;
  std::vector<size_t> column_ids;
  bool emit_row_id = false;  // adds a BIGINT row id after the read columns (binding column kRowIdIndex)

  // kValues: rows of expressions
  std::vector<std::vector<ExprPtr>> values;
  // kChunkScan: the chunks (shared with whoever fills them)
  std::shared_ptr<std::vector<std::unique_ptr<class DataChunk>>> chunks;
  uint64_t cte_index = 0;  // kRecursiveCTE: table index the recursive part reads

  // kAggregate
  std::vector<ExprPtr> groups;
  std::vector<std::vector<size_t>> grouping_sets;
  std::vector<std::vector<size_t>> grouping_functions;

  // kJoin
  LogicalJoinType join_type = LogicalJoinType::kInner;
  std::vector<LogicalJoinCondition> conditions;
  bool mark_null_aware = true;
  uint64_t mark_index = 0;

  // kOrder, kDistinct
  std::vector<BoundOrder> orders;
  // kLimit (and top-N)
  int64_t limit = -1;
  int64_t offset = 0;

  // kSetOp
  enum class SetOpKind { kUnion, kIntersect, kExcept } set_op = SetOpKind::kUnion;
  bool set_all = false;

  // kInsert / kUpdate / kDelete
  std::vector<size_t> update_columns;
  // kMerge
  std::vector<MergeAction> merge_actions;

  // kExplain
  bool analyze = false;

  // kTableFunction
  std::string function;

  // kProjection bound from TUMBLE or HOP
  std::shared_ptr<const WindowTableFunction> window_function;

  // kMaterialize: where each CTE plan's rows go (children[i + 1] fills materialized[i])
  std::vector<std::shared_ptr<std::vector<std::unique_ptr<class DataChunk>>>> materialized;

  /// The bindings of this operator's output columns, in order.
  std::vector<ColumnBinding> GetColumnBindings() const;
  /// Fill `types` from children and expressions (recursively).
  void ResolveTypes();
  std::unique_ptr<LogicalOperator> Copy() const;
  std::string ToString(int indent = 0) const;

  static constexpr uint64_t kRowIdIndex = UINT32_MAX;
};

using LogicalOperatorPtr = std::unique_ptr<LogicalOperator>;

}  // namespace basin
