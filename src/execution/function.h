#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "execution/expression.h"
#include "vector/vector.h"

namespace basin {

class ClientContext;

/// What a scalar kernel sees besides its arguments.
struct FunctionContext {
  const FunctionData* bind_data = nullptr;
  ClientContext* client = nullptr;
};

/// A scalar kernel: `args` holds `args.size()` dense rows; write as many rows to `result`.
using ScalarKernel = void (*)(DataChunk& args, FunctionContext& ctx, Vector& result);

/// Called at bind time with the bound arguments: may check them, cast them, set the return type, and
/// return state shared by every call.
using ScalarBind = std::unique_ptr<FunctionData> (*)(std::vector<ExprPtr>& args, LogicalType& return_type);

/// One overload of a scalar function.
struct ScalarFunction {
  std::string name;
  std::vector<LogicalType> arguments;  // TypeId::kInvalid stands for "any type"
  LogicalType return_type;
  ScalarKernel kernel = nullptr;
  ScalarBind bind = nullptr;
  LogicalType varargs = TypeId::kInvalid;  // type of extra arguments, if variadic
  bool has_varargs = false;
  bool propagates_nulls = true;  // NULL in any argument gives NULL without calling the kernel per row
  bool volatile_ = false;        // random(), now() per statement: never folded
};

/// An aggregate over a group's rows, DuckDB style: fixed-size state per group, update with a chunk of
/// inputs and a state pointer per row, combine partial states (parallel aggregation), finalize to a value.
struct AggregateFunction {
  std::string name;
  std::vector<LogicalType> arguments;
  LogicalType return_type;
  size_t state_size = 0;
  void (*initialize)(uint8_t* state, const FunctionData* bind) = nullptr;
  /// For each row i < count: fold args row i into states[i] (rows with NULL inputs are skipped unless
  /// `handles_nulls`).
  void (*update)(DataChunk& args, uint8_t** states, size_t count, const FunctionData* bind) = nullptr;
  /// Optional: update() with every row's state the same one (aggregates without GROUP BY), so the loop
  /// needs no per-row state pointer. Whoever replaces `update` must replace or clear this too.
  void (*simple_update)(DataChunk& args, uint8_t* state, size_t count, const FunctionData* bind) = nullptr;
  void (*combine)(const uint8_t* source, uint8_t* target, const FunctionData* bind) = nullptr;
  /// Optional: target = target minus source, combine's inverse (combine(s, t) then subtract(s, t) leaves
  /// t's value as it was), for views over a changelog that retract rows. Null where a state cannot be
  /// inverted (min, max, ...). A state's own "no value yet" flag may stay set after a subtraction: a
  /// caller that needs NULL over no remaining rows counts them itself (stream::AggregateStates does).
  void (*subtract)(const uint8_t* source, uint8_t* target, const FunctionData* bind) = nullptr;
  /// Write state's value into result row `row` (SetNull for no value).
  void (*finalize)(uint8_t* state, Vector& result, size_t row, const FunctionData* bind) = nullptr;
  /// Release resources held by a state (strings, lists); may be null for trivially destructible states.
  void (*destroy)(uint8_t* state) = nullptr;
  /// For states with a `destroy` (they own memory): append the state's value to `out` as bytes, and read
  /// such bytes from the front of `in` (advancing it) into an initialized state, which then owns what it
  /// allocated (released by `destroy`). Deserialize throws DataError (XX001) on bytes it cannot read.
  /// Materialized views keep their groups' states this way (stream::AggregateStates); batch never calls them.
  void (*serialize)(const uint8_t* state, std::string& out, const FunctionData* bind) = nullptr;
  void (*deserialize)(std::string_view& in, uint8_t* state, const FunctionData* bind) = nullptr;
  std::unique_ptr<FunctionData> (*bind)(std::vector<ExprPtr>& args, LogicalType& return_type) = nullptr;
  bool handles_nulls = false;  // count(*) and friends see every row
  bool order_dependent = false;
};

/// Every built-in function, by lower-case name, with overloads. Filled once at start-up; read-only after.
class FunctionRegistry {
 public:
  static const FunctionRegistry& Get();

  void AddScalar(ScalarFunction f);
  void AddAggregate(AggregateFunction f);
  void AddAlias(const std::string& alias, const std::string& name);

  const std::vector<ScalarFunction>* FindScalar(const std::string& name) const;
  const std::vector<AggregateFunction>* FindAggregate(const std::string& name) const;
  bool IsWindowFunction(const std::string& name) const;
  /// Every function by name (pg_proc lists them).
  const std::map<std::string, std::vector<ScalarFunction>>& scalars() const { return scalars_; }
  const std::map<std::string, std::vector<AggregateFunction>>& aggregates() const { return aggregates_; }

 private:
  FunctionRegistry();
  std::map<std::string, std::vector<ScalarFunction>> scalars_;
  std::map<std::string, std::vector<AggregateFunction>> aggregates_;
};

// Registration entry points, one per function family (execution/functions/*.cc).
void RegisterArithmeticFunctions(FunctionRegistry& r);
void RegisterComparisonFunctions(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterMathFunctions(FunctionRegistry& r);
void RegisterDateTimeFunctions(FunctionRegistry& r);
void RegisterAggregateFunctions(FunctionRegistry& r);
void RegisterListFunctions(FunctionRegistry& r);
void RegisterPgCatalogFunctions(FunctionRegistry& r);

/// Cost of implicitly casting `from` to `to` for overload resolution; -1 when not allowed implicitly.
int ImplicitCastCost(const LogicalType& from, const LogicalType& to);

/// The common supertype of two types (for CASE, UNION, IN lists, comparisons); kInvalid when none.
LogicalType CommonSuperType(const LogicalType& a, const LogicalType& b);

}  // namespace basin
