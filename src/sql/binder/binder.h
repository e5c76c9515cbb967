#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "execution/expression.h"
#include "lake/table_storage.h"
#include "sql/parser/ast.h"
#include "sql/planner/logical_operator.h"

namespace basin {

class ClientContext;
struct TableEntry;

/// A relation visible in a FROM clause: its alias and columns, and the bindings its columns have.
struct BindingEntry {
  std::string alias;
  uint64_t table_index = 0;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::vector<uint64_t> binding_columns;  // column_index of each name's binding
  LogicalOperator* get = nullptr;         // a base table scan: columns used are registered on it
  std::vector<bool> hidden;               // excluded from `*` (the right copy of a USING column)
};

/// A column of an outer query referenced inside a subquery.
struct CorrelatedColumn {
  ColumnBinding binding;
  LogicalType type;
  std::string name;
  bool operator==(const CorrelatedColumn& o) const { return binding == o.binding; }
};

/// A bound subquery inside an expression, planned into a join later.
struct BoundSubquery {
  LogicalOperatorPtr plan;
  std::vector<LogicalType> types;
  std::vector<CorrelatedColumn> correlated;
};

/// A bound query: its plan and its output columns (bindings of the plan's output).
struct BoundQuery {
  LogicalOperatorPtr plan;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  /// The last this many columns are fields of composite columns ("keys.x"), hidden from `*` (a FROM
  /// subquery's only).
  size_t composite_fields = 0;
};

/// Where an expression stands, which decides what it may contain.
enum class ExprContext {
  kWhere,
  kSelect,
  kGroupBy,
  kHaving,
  kOrderBy,
  kJoinCondition,
  kValues,
  kMergeWhen,
  kOther
};

/// Turns parse trees into logical plans: resolves names against the catalog and the FROM clause, types
/// every expression (inserting casts), and plans subqueries, aggregates and windows. One Binder per query
/// level; a subquery's binder has its enclosing query's as parent, for correlated names.
class Binder {
 public:
  explicit Binder(ClientContext& context, Binder* parent = nullptr);

  BoundQuery BindQuery(const sql::SelectStatement& select);
  /// INSERT, UPDATE, DELETE: a plan that yields the number of rows affected.
  LogicalOperatorPtr BindInsert(const sql::InsertStmt& stmt);
  LogicalOperatorPtr BindUpdate(const sql::UpdateStmt& stmt);
  LogicalOperatorPtr BindDelete(const sql::DeleteStmt& stmt);
  LogicalOperatorPtr BindMerge(const sql::MergeStmt& stmt);

  /// Bind a standalone expression with no FROM (defaults, SET values).
  ExprPtr BindConstantExpression(const sql::ParsedExpr& expr);
  /// A type as written (`numeric(15, 2)`, `int[]`, `pg_catalog.text`); errors point at the type.
  static LogicalType BindTypeName(const sql::TypeName& t);
  /// regclass, regtype, regnamespace, regrole, regproc: PostgreSQL's OID alias types.
  static bool ObjectIdentifierType(const sql::TypeName& t);
  /// x::regclass and the like (see ObjectIdentifierType).
  ExprPtr BindObjectIdentifierCast(const sql::ParsedExpr& expr, ExprPtr child);

  uint64_t NextTableIndex();
  ClientContext& context() { return context_; }

  // Expression binding (bind_expression.cc).
  ExprPtr BindExpression(const sql::ParsedExpr& expr, ExprContext where);
  /// $n: the value bound to it (a constant), or while the statement is prepared a placeholder whose type
  /// is declared or inferred from its context (ClientContext::parameters()).
  ExprPtr BindParameter(const sql::ParsedExpr& expr);
  ExprPtr BindFunctionCall(const std::string& name, std::vector<ExprPtr> args, int64_t location);
  ExprPtr BindComparison(const std::string& op, ExprPtr left, ExprPtr right, int64_t location);
  /// (a, b) op (c, d) with PostgreSQL's row-wise semantics, as scalar comparisons: = is the AND of the
  /// pairs' =, <> the OR of their <>, orderings lexicographic (the first unequal or NULL pair decides).
  /// `op` may also be is_distinct_from or is_not_distinct_from.
  ExprPtr BindRowComparison(const std::string& op, std::vector<ExprPtr> left, std::vector<ExprPtr> right,
                            int64_t location);
  ExprPtr BindBoolean(ExprPtr expr, const char* what, int64_t location);
  /// `||` with an array on either side.
  ExprPtr BindArrayConcat(ExprPtr left, ExprPtr right, int64_t location);
  /// Cast `expr` to `type`; constants are folded now so that bad literals fail at bind time.
  ExprPtr CastTo(ExprPtr expr, const LogicalType& type, int64_t location = -1);
  /// CastTo, then VARCHAR(n)'s length rule as PostgreSQL: an explicit cast truncates to n characters, a store
  /// into a column (assignment) fails with 22001 unless only spaces are cut.
  ExprPtr CastWithLength(ExprPtr expr, const LogicalType& type, bool is_explicit, int64_t location = -1);

 private:
  friend class SelectBinder;

  struct CteInfo {
    const sql::CommonTableExpr* cte;
    bool recursive_ref = false;        // inside the recursive part: refers to the working table
    bool in_recursive_with = false;    // defined by WITH RECURSIVE
    bool misplaced_recursion = false;  // a self-reference outside a recursive UNION term: 42P19
    uint64_t working_index = 0;
    std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> working_chunks;
    std::vector<LogicalType> types;
    std::vector<std::string> names;
    /// Referenced more than once: bound once, computed once (before the query) into shared chunks.
    struct Materialized {
      std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>> chunks;
      BoundQuery query;  // plan taken by the defining binder when the query is finished
      bool bound = false;
    };
    std::shared_ptr<Materialized> materialized;
  };

  // Queries (bind_select.cc).
  BoundQuery BindQueryNode(const sql::QueryNode& node, const sql::SelectStatement& select);
  BoundQuery BindSelectNode(const sql::QueryNode& node, const sql::SelectStatement& select);
  BoundQuery BindSetOperation(const sql::QueryNode& node);
  BoundQuery BindValues(const sql::QueryNode& node);
  BoundQuery BindRecursiveCte(const sql::CommonTableExpr& cte);
  void ApplyOrderLimit(BoundQuery& query, const sql::SelectStatement& select);
  int64_t BindLimitValue(const sql::ParsedExpr* expr, const char* what);

  // FROM (bind_from.cc).
  LogicalOperatorPtr BindTableRef(const sql::TableRef& ref);
  LogicalOperatorPtr BindBaseTable(const sql::TableRef& ref);
  LogicalOperatorPtr BindSubqueryRef(const sql::TableRef& ref);
  LogicalOperatorPtr BindJoin(const sql::TableRef& ref);
  LogicalOperatorPtr BindTableFunction(const sql::TableRef& ref);
  /// generate_series, range or unnest with arguments from an outer query: a kTableFunction that decorrelation
  /// runs once per outer row.
  LogicalOperatorPtr BindTableFunctionOverOuterRows(const sql::TableRef& ref);
  /// A scalar function in FROM: a one-row table, its column named by the alias.
  LogicalOperatorPtr BindScalarFunctionInFrom(const sql::TableRef& ref);
  /// The binding of a one-column table function's output.
  void AddFunctionBinding(uint64_t table_index, const std::string& name, const LogicalType& type,
                          const sql::TableRef& ref);
  /// TUMBLE(source, time, size), HOP(source, time, slide, size) and SESSION(source, time, gap [, key ...])
  /// (bind_window_function.cc): the source's columns, then window_start and window_end; a projection
  /// carrying its WindowTableFunction.
  LogicalOperatorPtr BindWindowTableFunction(const sql::TableRef& ref);
  /// TUMBLE's and HOP's window_start and window_end over `plan` (HOP: crossed with its windows' offsets).
  std::pair<ExprPtr, ExprPtr> BindFixedWindows(const sql::ParsedExpr& fn, ColumnBinding time,
                                               const LogicalType& time_type, int64_t size, int64_t slide,
                                               LogicalOperatorPtr& plan);
  /// SESSION's (bind_session_window.cc): window operators over `plan` number each key's sessions; fills the
  /// keys and event_end of `window`.
  std::pair<ExprPtr, ExprPtr> BindSessionWindows(const sql::ParsedExpr& fn, const BindingEntry& src,
                                                 size_t time_index, LogicalOperatorPtr& plan,
                                                 WindowTableFunction& window);
  /// Named arguments of a table function (`name => value` or `name = value`), names lower-cased.
  using NamedArguments = std::vector<std::pair<std::string, Value>>;
  /// read_parquet(globs, options) and FROM 'file.parquet' (bind_parquet.cc): a scan of the files' storage.
  /// Options: hive_partitioning, union_by_name, filename.
  LogicalOperatorPtr BindParquetScan(const std::vector<std::string>& patterns, const NamedArguments& options,
                                     const std::string& alias, const sql::TableRef& ref);
  /// iceberg_scan('table folder or metadata file'): an Iceberg table read by path, read-only.
  LogicalOperatorPtr BindIcebergScan(const std::string& path, const std::string& alias, const sql::TableRef& ref);
  /// The table as of FOR VERSION AS OF / FOR TIMESTAMP AS OF.
  std::shared_ptr<TableEntry> TableAsOf(const TableEntry& table, const sql::TableRef& ref);
  /// `table` with the records its sinks have not committed yet (lake/topic_sink.h); itself without sinks.
  std::shared_ptr<TableEntry> WithSinkTails(const std::shared_ptr<TableEntry>& table);
  /// "t$snapshots" and the other metadata tables of a table with history.
  /// Rows made in memory (a metadata table, a pg_catalog relation) as a relation named `alias`.
  LogicalOperatorPtr BindRows(MetadataRows rows, const std::string& alias, const sql::TableRef& ref);
  LogicalOperatorPtr BindMetadataTable(const TableEntry& table, const std::string& kind, const std::string& alias,
                                       const sql::TableRef& ref);
  /// A scan of a table's storage under `alias`.
  LogicalOperatorPtr BindTableEntry(std::shared_ptr<TableEntry> table, const std::string& alias,
                                    const sql::TableRef& ref);
  /// read_csv(glob) and FROM 'file.csv': dialect, header and column types sniffed from the first lines.
  LogicalOperatorPtr BindCsvScan(const std::string& pattern, const std::string& alias,
                                 const sql::TableRef& ref, const NamedArguments& options);
  /// read_json(glob) and FROM 'file.json' / '.ndjson' / '.jsonl': columns inferred from a sample of records.
  LogicalOperatorPtr BindJsonScan(const std::string& pattern, const std::string& alias,
                                  const sql::TableRef& ref, const NamedArguments& options);
  void AddBinding(BindingEntry entry, const sql::TableRef* ref, int64_t location);
  using ChunkList = std::shared_ptr<std::vector<std::unique_ptr<DataChunk>>>;
  /// A scan of rows held in memory, with a fresh table index.
  LogicalOperatorPtr ChunkScan(ChunkList chunks, std::vector<LogicalType> types);
  /// Rows held in memory (a materialized CTE, a file read when the query is bound) bound as a table.
  LogicalOperatorPtr BindChunks(ChunkList chunks, std::vector<std::string> names,
                                std::vector<LogicalType> types, const std::string& alias,
                                const sql::TableRef& ref);
  LogicalOperatorPtr PlanQueryAsTable(BoundQuery query, const std::string& alias,
                                      const std::vector<std::string>& column_aliases, int64_t location);

  // Names (bind_expression.cc).
  ExprPtr BindColumnRef(const sql::ParsedExpr& expr);
  ExprPtr ResolveColumn(const std::string* table, const std::string& column, int64_t location, bool& found);
  ExprPtr BindSubqueryExpr(const sql::ParsedExpr& expr);
  /// x op ANY (array) and x op ALL (array).
  ExprPtr BindArrayComparison(const sql::ParsedExpr& expr, ExprContext where);
  ExprPtr BindFunction(const sql::ParsedExpr& expr, ExprContext where);
  ExprPtr BindAggregate(const sql::ParsedExpr& expr, ExprContext where);
  ExprPtr BindWindow(const sql::ParsedExpr& expr, ExprContext where);
  ExprPtr BindCase(const sql::ParsedExpr& expr, ExprContext where);
  ExprPtr BindConstant(const sql::ParsedExpr& expr);
  ExprPtr BindOperator(const sql::ParsedExpr& expr, ExprContext where);
  /// BindRowComparison of two parsed operands, which must both be row constructors.
  ExprPtr BindRowComparison(const std::string& op, const sql::ParsedExpr& left, const sql::ParsedExpr& right,
                            ExprContext where, int64_t location);
  std::vector<ExprPtr> BindRowElements(const sql::ParsedExpr& row, ExprContext where);
  void ApplyWindowSpec(const sql::WindowSpec& spec, Expr& window, ExprContext where);

  // Set-returning functions in a select list, composite fields (bind_set_returning.cc).
  static bool IsSetReturningCall(const sql::ParsedExpr& e);
  /// unnest(list) or _pg_expandarray(list) in the select list: one kTableFunction per distinct call, planned
  /// by PlanSetReturningCalls; its value, or `field` of _pg_expandarray's (x, n).
  ExprPtr BindSetReturningCall(const sql::ParsedExpr& call, const std::string* field);
  /// (expr).field: of a set-returning call, or of a FROM subquery's composite column.
  ExprPtr BindFieldAccess(const sql::ParsedExpr& expr, ExprContext where);
  /// The fields of a composite select-list item named `name`, as ("name.field", value); none for others.
  std::vector<std::pair<std::string, ExprPtr>> CompositeFields(const sql::ParsedExpr& item, const std::string& name);
  /// Stack the select list's set-returning calls over `plan` (the FROM rows).
  void PlanSetReturningCalls(LogicalOperatorPtr& plan);

  /// Scan of the table a DML statement changes, with row ids, bound under `alias` (the table's name if
  /// empty).
  LogicalOperatorPtr BindTargetScan(const std::shared_ptr<TableEntry>& table, const std::string& alias);
  /// A SET list: the table columns assigned (into `columns`) and their values, cast to the column types;
  /// subqueries become joins over `plan`. `statement` names the statement in errors.
  std::vector<ExprPtr> BindAssignments(const TableEntry& table,
                                       const std::vector<sql::Assignment>& assignments, const char* statement,
                                       LogicalOperatorPtr& plan, std::vector<size_t>& columns);
  /// A whole table row from INSERT's `given` values for columns `targets` (DEFAULT allowed), the other
  /// columns' defaults filling the rest; `explicit_columns` when the statement listed its columns.
  std::vector<ExprPtr> BindInsertRow(const TableEntry& table, const std::vector<size_t>& targets,
                                     bool explicit_columns, const std::vector<sql::ParsedExprPtr>& given,
                                     int64_t location);
  /// MERGE's source, with a TRUE marker column appended (its binding returned) so that rows an outer join
  /// pads with NULLs are told apart from source rows whose columns are NULL (bind_merge.cc).
  ColumnBinding BindMergeSource(const sql::TableRef& ref, LogicalOperatorPtr& plan);
  /// One WHEN clause of MERGE into `merge` (its expressions and merge_actions), binding names of the sides
  /// the clause may see.
  void BindMergeClause(const sql::MergeWhen& when, const TableEntry& table, size_t source_begin,
                       size_t target_entry, LogicalOperatorPtr& plan, LogicalOperator& merge);

  /// UPDATE/DELETE: the target table's rows (with row ids) joined with FROM/USING and filtered by WHERE;
  /// `proj` is set to a projection whose first column is the row id, for the caller to extend.
  LogicalOperatorPtr BindTargetRows(const std::shared_ptr<TableEntry>& table, const std::string& alias,
                                    const sql::TableRef* other, const sql::ParsedExpr* where,
                                    LogicalOperatorPtr& proj);

  // Subqueries into joins (plan_subquery.cc).
 public:
  /// Replace every subquery in `expr` by a column of a join added on top of `plan`.
  void PlanSubqueries(ExprPtr& expr, LogicalOperatorPtr& plan);
  /// For WHERE: conjuncts that are [NOT] EXISTS / IN subqueries become semi and anti joins.
  void PlanFilterWithSubqueries(ExprPtr predicate, LogicalOperatorPtr& plan);

 private:
  ExprPtr PlanSubquery(Expr& subquery_expr, LogicalOperatorPtr& plan, bool as_filter, bool negate);
  /// The join predicate of `lhs op ANY (subquery)` with the subquery's columns `rhs`: for =, one hash
  /// condition per column; otherwise a residual comparison (row-wise for rows). With `exact_nulls`, return
  /// the second mark join AddNullMatchJoin needs (the rows comparing NULL, under `join`'s predicates so far).
  LogicalOperatorPtr AddAnyPredicate(LogicalOperator& join, const std::string& op, std::vector<ExprPtr> lhs,
                                     std::vector<ExprPtr> rhs, bool exact_nulls);
  /// `x op ANY (S)` is NULL, not FALSE, when no row of S compares TRUE and one compares NULL (PostgreSQL;
  /// for rows, NULL when no pair of elements is unequal and some pair has a NULL). `matched` is the mark of
  /// the join for TRUE; join `maybe` (over `right`, a copy of S's plan) above `plan` and return the
  /// three-valued result.
  ExprPtr AddNullMatchJoin(LogicalOperatorPtr maybe, LogicalOperatorPtr right, LogicalOperatorPtr& plan,
                           ExprPtr matched);
  ExprPtr TrySimpleDecorrelation(Expr& subquery_expr, LogicalOperatorPtr& plan, bool as_filter, bool negate);

  ClientContext& context_;
  Binder* parent_;
  Binder* root_;
  uint64_t next_table_index_ = 1;
  std::vector<BindingEntry> bindings_;
  /// Unqualified names of USING/NATURAL join columns and the expression each stands for.
  std::vector<std::pair<std::string, ExprPtr>> using_columns_;
  std::map<std::string, CteInfo> ctes_;
  /// Recursive CTEs, planned once where they are defined; each reference copies the plan.
  std::map<std::string, std::shared_ptr<BoundQuery>> recursive_plans_;
  std::vector<CorrelatedColumn> correlated_;
  /// Select-list aliases visible to GROUP BY / ORDER BY, with their bound expressions.
  std::vector<std::pair<std::string, const Expr*>> select_aliases_;
  /// The WINDOW clause of the SELECT being bound, for OVER w.
  const std::vector<sql::WindowSpec>* windows_ = nullptr;
  int depth_guard_ = 0;
  /// Binding a select list, where set-returning calls are allowed; those bound, with their keys.
  bool set_returning_allowed_ = false;
  std::vector<LogicalOperatorPtr> set_returning_calls_;
  std::vector<std::string> set_returning_keys_;
  /// A FROM subquery's binder: its select node passes composite fields on (BoundQuery::composite_fields).
  bool keep_composite_fields_ = false;
};

/// Rename a CTE's columns by its column list (42P10 when the list is longer than the query's columns).
void ApplyCteColumnAliases(const sql::CommonTableExpr& cte, std::vector<std::string>& names);

/// Whether a FROM-clause function is a window table function (TUMBLE, HOP), whose first argument names a
/// relation rather than a value.
bool IsWindowTableFunction(const std::string& name);

/// Whether a FROM-clause name is a Parquet file path ("data/x.parquet", "data/*.parquet").
bool IsParquetPath(const std::string& path);
/// Whether a FROM-clause name is a delimited text file path (.csv, .tsv, .tbl).
bool IsCsvPath(const std::string& path);
/// Whether a file name is a JSON file's (.json, .ndjson, .jsonl).
bool IsJsonPath(const std::string& path);

/// Names a table by its parse-tree name (["t"] or ["schema", "t"]) as (schema, name), defaulting the schema.
std::pair<std::string, std::string> QualifiedName(const std::vector<std::string>& names);

}  // namespace basin
