#pragma once

// Kernel templates: apply a per-value operation over vectors, handling constant vectors and NULL
// propagation once so that every function body is a plain loop the compiler can vectorise.

#include "vector/physical_dispatch.h"
#include "vector/vector.h"

namespace basin {

/// result[i] = op(input[i]) for valid rows; NULL in gives NULL out.
template <class A, class R, class Op>
void UnaryExecute(const Vector& input, Vector& result, size_t count, Op&& op) {
  const A* in = input.data<A>();
  R* out = result.data<R>();
  if (input.IsConstant()) {
    result.SetConstant(true);
    if (input.IsNull(0)) {
      result.SetNull(0);
    } else {
      result.validity().SetValid(0);
      out[0] = op(in[0]);
    }
    return;
  }
  result.SetConstant(false);
  result.validity() = input.validity();
  if (input.validity().AllValid()) {
    for (size_t i = 0; i < count; i++) out[i] = op(in[i]);
  } else {
    for (size_t i = 0; i < count; i++) {
      if (input.validity().RowIsValid(i)) out[i] = op(in[i]);
    }
  }
}

/// Like UnaryExecute, but op(value, result, row) may set NULL itself (e.g. a failed TRY_CAST).
template <class A, class R, class Op>
void UnaryExecuteWithNulls(const Vector& input, Vector& result, size_t count, Op&& op) {
  const A* in = input.data<A>();
  R* out = result.data<R>();
  size_t n = input.IsConstant() ? 1 : count;
  result.SetConstant(input.IsConstant());
  result.validity() = input.validity();
  for (size_t i = 0; i < n; i++) {
    if (input.validity().RowIsValid(i)) out[i] = op(in[i], result, i);
  }
}

namespace vector_ops_internal {
inline void MergeValidity(const Vector& l, const Vector& r, Vector& result, size_t count) {
  bool lc = l.IsConstant(), rc = r.IsConstant();
  if (l.validity().AllValid() && r.validity().AllValid()) {
    result.validity().SetAllValid();
    return;
  }
  result.validity().Initialize(std::max(count, result.capacity()));
  for (size_t i = 0; i < count; i++) {
    if (!l.validity().RowIsValid(lc ? 0 : i) || !r.validity().RowIsValid(rc ? 0 : i)) {
      result.validity().SetInvalid(i);
    }
  }
}
}  // namespace vector_ops_internal

/// result[i] = op(left[i], right[i]) for rows where both are valid.
template <class A, class B, class R, class Op>
void BinaryExecute(const Vector& left, const Vector& right, Vector& result, size_t count, Op&& op) {
  const A* l = left.data<A>();
  const B* r = right.data<B>();
  R* out = result.data<R>();
  bool lc = left.IsConstant(), rc = right.IsConstant();
  if (lc && rc) {
    result.SetConstant(true);
    if (left.IsNull(0) || right.IsNull(0)) {
      result.SetNull(0);
    } else {
      result.validity().SetValid(0);
      out[0] = op(l[0], r[0]);
    }
    return;
  }
  result.SetConstant(false);
  if ((lc && left.IsNull(0)) || (rc && right.IsNull(0))) {
    result.validity().Initialize(std::max(count, result.capacity()));
    for (size_t i = 0; i < count; i++) result.validity().SetInvalid(i);
    return;
  }
  vector_ops_internal::MergeValidity(left, right, result, count);
  const ValidityMask& v = result.validity();
  if (v.AllValid()) {
    if (lc) {
      A lv = l[0];
      for (size_t i = 0; i < count; i++) out[i] = op(lv, r[i]);
    } else if (rc) {
      B rv = r[0];
      for (size_t i = 0; i < count; i++) out[i] = op(l[i], rv);
    } else {
      for (size_t i = 0; i < count; i++) out[i] = op(l[i], r[i]);
    }
  } else {
    for (size_t i = 0; i < count; i++) {
      if (v.RowIsValid(i)) out[i] = op(l[lc ? 0 : i], r[rc ? 0 : i]);
    }
  }
}

/// Write src's rows [0, count) into dst at rows positions[0..count) (dst must be flat).
void ScatterVector(const Vector& src, Vector& dst, const sel_t* positions, size_t count);

}  // namespace basin
