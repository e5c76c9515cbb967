#pragma once

#include "execution/expression.h"
#include "sql/parser/ast.h"
#include "sql/planner/logical_operator.h"

namespace basin {

class Binder;
class ClientContext;
struct ColumnDefinition;
struct TableEntry;

/// A string literal as written: like PostgreSQL's "unknown" literals it takes the type its context wants
/// (date_col = '2024-01-01').
bool IsStringLiteral(const Expr& e);
/// A NULL or a string literal: an expression whose type its context decides.
bool IsUntypedLiteral(const Expr& e);

/// The type two expressions are brought to for comparison.
LogicalType UnifyTypes(const Expr& a, const Expr& b, int64_t location, const char* context);
/// The type a list of expressions is brought to (CASE branches, COALESCE, GREATEST, VALUES columns):
/// the common supertype of the typed ones, which untyped literals take; VARCHAR when all are string
/// literals, NULL when all are NULL.
LogicalType UnifyAll(const std::vector<const Expr*>& items, int64_t location, const char* context);

/// The files a path names: itself, or the sorted matches of a glob pattern (IOError when none match).
std::vector<std::string> ExpandGlob(const std::string& pattern, int64_t location);

/// An integer literal (a GROUP BY / ORDER BY position).
bool IsOrdinal(const sql::ParsedExpr& e, int64_t& value);
/// A bound ORDER BY item with PostgreSQL's NULL placement defaults (NULLS LAST ascending, FIRST descending).
BoundOrder MakeOrder(ExprPtr e, const sql::OrderByItem& o);
/// Replace aggregates, group expressions and GROUPING() calls in `e` by references to `agg`'s outputs.
void ExtractAggregatesInto(ExprPtr& e, LogicalOperator& agg);
/// Replace window functions in `e` by references to `window`'s outputs.
void ExtractWindowsInto(ExprPtr& e, LogicalOperator& window);

/// The table an INSERT, UPDATE, DELETE or MERGE (`statement`) changes: 42P01 when missing, 42809 for a
/// view, and for a topic unless the statement is an INSERT.
std::shared_ptr<TableEntry> FindTargetTable(ClientContext& context, const std::vector<std::string>& names,
                                            int64_t location, const char* statement);
/// The table a topic reads as when `names` is one unquoted-or-quoted name of a topic (tables and views of
/// that name win; callers look them up first), else null.
std::shared_ptr<TableEntry> FindTopic(ClientContext& context, const std::vector<std::string>& names);
/// Bring a value to its column's type as PostgreSQL's assignment does: 42804 naming the column when no cast
/// exists, and VARCHAR(n)'s length checked rather than truncated.
ExprPtr AssignTo(Binder& binder, ExprPtr e, const ColumnDefinition& column, int64_t location);
/// The column's DEFAULT (NULL without one), of the column's type.
ExprPtr BindColumnDefault(Binder& binder, const ColumnDefinition& column);
/// The table columns an INSERT's column list names, in order (for an empty list all columns but a topic's
/// pseudo columns).
std::vector<size_t> InsertTargets(const TableEntry& table, const std::vector<std::string>& columns,
                                  int64_t location);

}  // namespace basin
