#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "types/logical_type.h"
#include "types/value.h"

namespace basin {

struct ScalarFunction;
struct AggregateFunction;
struct BoundSubquery;  // defined by the binder; opaque here
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// Where a column comes from in a logical plan: the producing operator's table index and the column within.
struct ColumnBinding {
  uint64_t table_index = 0;
  uint64_t column_index = 0;
  bool operator==(const ColumnBinding& o) const = default;
};

/// State a function computes at bind time (a compiled regex, a format string) and shares across rows.
struct FunctionData {
  virtual ~FunctionData() = default;
  virtual std::unique_ptr<FunctionData> Copy() const = 0;
  /// Whether two calls with equal arguments compute the same thing. Most bind data derives from the
  /// arguments; data that replaced an argument (a percentile's fraction) must compare it.
  virtual bool Equals(const FunctionData& other) const { return true; }
};

enum class ExprClass : uint8_t {
  kConstant,   // value
  kColumnRef,  // binding (logical plans)
  kReference,  // index into the input chunk (physical plans)
  kFunction,   // function(children)
  kCast,       // children[0] as type; try_cast
  kAnd,        // children (n-ary), three-valued
  kOr,         // children (n-ary), three-valued
  kNot,        // children[0]
  kIsNull,     // children[0] IS NULL (negated: IS NOT NULL)
  kCase,       // children: when1, then1, ..., else (always present; NULL constant by default)
  kInList,     // children[0] IN (children[1..]); negated
  kCoalesce,   // children
  kAggregate,  // aggregate(children) with distinct, filter, order_by (binder/planner only)
  kWindow,     // window function (binder/planner only)
  kSubquery,   // placeholder while binding; planned away
  kParameter,  // $n
};

enum class OrderType : uint8_t { kAscending, kDescending };
enum class NullsOrder : uint8_t { kFirst, kLast };

struct BoundOrder {
  ExprPtr expr;
  OrderType type = OrderType::kAscending;
  NullsOrder nulls = NullsOrder::kLast;
  BoundOrder Copy() const;
};

enum class WindowBoundary : uint8_t {
  kUnboundedPreceding,
  kPreceding,
  kCurrentRow,
  kFollowing,
  kUnboundedFollowing
};

/// A bound expression. One struct for every class keeps copy, comparison and printing in one place;
/// the fields a class uses are listed beside ExprClass.
struct Expr {
  ExprClass cls;
  LogicalType type;
  std::string alias;
  std::vector<ExprPtr> children;

  Value value;                  // kConstant
  ColumnBinding binding;        // kColumnRef
  uint64_t index = 0;           // kReference; kParameter (1-based)
  int depth = 0;                // kColumnRef: 0 for this query level, n for a column of the n-th outer query
  bool negated = false;         // kIsNull, kInList
  bool try_cast = false;        // kCast
  bool string_literal = false;  // kConstant: a string literal as written, typed by its context later

  std::string name;  // function name
  const ScalarFunction* function = nullptr;
  const AggregateFunction* aggregate = nullptr;
  std::unique_ptr<FunctionData> bind_data;

  // kAggregate
  bool distinct = false;
  ExprPtr filter;
  std::vector<BoundOrder> order_by;

  // kWindow: name is the function; aggregate set for aggregates over windows
  std::vector<ExprPtr> partition_by;
  bool has_frame = false;
  bool frame_rows = false;  // ROWS (true) or RANGE
  WindowBoundary frame_start = WindowBoundary::kUnboundedPreceding;
  WindowBoundary frame_end = WindowBoundary::kCurrentRow;
  ExprPtr start_offset;
  ExprPtr end_offset;
  bool ignore_nulls = false;

  // kSubquery: the bound subquery, its kind (0 scalar, 1 exists, 2 any, 3 all) and comparison for ANY/ALL
  std::shared_ptr<BoundSubquery> subquery;
  int subquery_kind = 0;
  std::string subquery_op;

  explicit Expr(ExprClass c) : cls(c) {}
  ExprPtr Copy() const;
  bool Equals(const Expr& other) const;
  std::string ToString() const;
  bool IsFoldable() const;  // no column, aggregate, window, subquery or parameter inside; deterministic
  /// Whether the expression reads rows: a column, aggregate, window, subquery or parameter inside. One that
  /// does not may be computed once per statement, volatile functions included.
  bool ReadsRows() const;
  bool HasAggregate() const;
  bool HasWindow() const;
  bool HasSubquery() const;
  bool IsVolatile() const;

  static ExprPtr Constant(Value v);
  static ExprPtr ColumnRef(ColumnBinding b, LogicalType t, std::string alias = "");
  static ExprPtr Reference(uint64_t index, LogicalType t);
  static ExprPtr Cast(ExprPtr child, LogicalType target, bool try_cast = false);
  static ExprPtr And(ExprPtr l, ExprPtr r);
};

/// Visit every expression in a tree, parent first.
template <class F>
void VisitExpr(const Expr& e, F&& f) {
  f(e);
  for (auto& c : e.children) VisitExpr(*c, f);
  if (e.filter) VisitExpr(*e.filter, f);
  for (auto& o : e.order_by) VisitExpr(*o.expr, f);
  for (auto& p : e.partition_by) VisitExpr(*p, f);
  if (e.start_offset) VisitExpr(*e.start_offset, f);
  if (e.end_offset) VisitExpr(*e.end_offset, f);
}

/// Visit every expression slot in a tree (children before parents), allowing replacement.
template <class F>
void RewriteExpr(ExprPtr& e, F&& f) {
  for (auto& c : e->children) RewriteExpr(c, f);
  if (e->filter) RewriteExpr(e->filter, f);
  for (auto& o : e->order_by) RewriteExpr(o.expr, f);
  for (auto& p : e->partition_by) RewriteExpr(p, f);
  f(e);
}

/// Split a predicate into its AND-ed parts.
void SplitConjunction(ExprPtr expr, std::vector<ExprPtr>& out);
ExprPtr CombineConjunction(std::vector<ExprPtr> parts);

}  // namespace basin
