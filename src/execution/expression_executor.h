#pragma once

#include <vector>

#include "execution/expression.h"
#include "execution/function.h"
#include "vector/vector.h"

namespace basin {

/// Evaluates bound expressions (columns as kReference indexes into the input chunk) over chunks.
/// Stateless between calls apart from the client pointer; one per thread.
class ExpressionExecutor {
 public:
  explicit ExpressionExecutor(ClientContext* client = nullptr) : client_(client) {}

  /// Evaluate `expr` over the input rows `sel[0..count)` (or rows [0, count) when sel is null) into
  /// `result`, whose row i then holds the value for the i-th selected row.
  void Execute(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count, Vector& result);
  void Execute(const Expr& expr, const DataChunk& input, Vector& result) {
    Execute(expr, input, nullptr, input.size(), result);
  }

  /// Evaluate a predicate over the selected rows and write the input row numbers for which it is TRUE
  /// (not FALSE, not NULL) into `out`; return how many.
  size_t Select(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count, sel_t* out);

  /// Evaluate an expression without columns (constant folding, LIMIT values, defaults).
  static Value EvaluateScalar(const Expr& expr, ClientContext* client = nullptr);

 private:
  /// Fast path of Select for `column op constant` on integer-like columns; false when it does not apply.
  bool SelectComparison(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count, sel_t* out,
                        size_t& selected);
  /// Select over one dictionary-encoded column (see DictionaryCodes): the predicate is evaluated once per
  /// entry, rows pick their entry's result. False when it does not apply.
  bool SelectDictionary(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count, sel_t* out,
                        size_t& selected);
  void ExecuteFunction(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                       Vector& result);
  void ExecuteConjunction(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                          Vector& result);
  void ExecuteCase(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count, Vector& result);
  void ExecuteCoalesce(const Expr& expr, const DataChunk& input, const sel_t* sel, size_t count,
                       Vector& result);

  ClientContext* client_;
};

/// Make `v` a private flat vector of its type able to hold `count` rows, ready to be written.
void PrepareResult(Vector& v, size_t count);

}  // namespace basin
