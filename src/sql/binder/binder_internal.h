#pragma once

#include "execution/expression.h"
#include "sql/parser/ast.h"
#include "sql/planner/logical_operator.h"

namespace basin {

/// Alias given to a constant that is a string literal as written: like PostgreSQL's "unknown" literals it
/// takes the type its context wants (date_col = '2024-01-01').
extern const char* const kLiteralMarker;

/// The type two expressions are brought to for comparison or as CASE branches.
LogicalType UnifyTypes(const Expr& a, const Expr& b, int64_t location, const char* context);

/// An integer literal (a GROUP BY / ORDER BY position).
bool IsOrdinal(const sql::ParsedExpr& e, int64_t& value);
/// A bound ORDER BY item with PostgreSQL's NULL placement defaults (NULLS LAST ascending, FIRST descending).
BoundOrder MakeOrder(ExprPtr e, const sql::OrderByItem& o);
/// Replace aggregates, group expressions and GROUPING() calls in `e` by references to `agg`'s outputs.
void ExtractAggregatesInto(ExprPtr& e, LogicalOperator& agg);
/// Replace window functions in `e` by references to `window`'s outputs.
void ExtractWindowsInto(ExprPtr& e, LogicalOperator& window);

}  // namespace basin
