#include "execution/row_operations.h"

#include <cmath>
#include <cstring>

#include "execution/vector_ops.h"

namespace basin {

namespace {

template <class T>
inline bool ValueEqual(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a == b || (std::isnan(a) && std::isnan(b));
  } else if constexpr (std::is_same_v<T, list_entry_t>) {
    return false;  // lists are compared through Values (rare in keys)
  } else {
    return a == b;
  }
}

template <class T>
inline int ValueCompare(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    // PostgreSQL orders NaN above every other value.
    bool an = std::isnan(a), bn = std::isnan(b);
    if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
    return a < b ? -1 : (b < a ? 1 : 0);
  } else if constexpr (std::is_same_v<T, string_t>) {
    int c = a.view().compare(b.view());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else if constexpr (std::is_same_v<T, list_entry_t>) {
    return 0;
  } else {
    return a < b ? -1 : (b < a ? 1 : 0);
  }
}

int CompareListRows(const Vector& a, size_t i, const Vector& b, size_t j) {
  Value va = a.GetValue(i), vb = b.GetValue(j);
  const auto& la = va.GetList();
  const auto& lb = vb.GetList();
  for (size_t k = 0; k < la.size() && k < lb.size(); k++) {
    if (la[k].IsNull() || lb[k].IsNull()) {
      if (la[k].IsNull() != lb[k].IsNull()) return la[k].IsNull() ? 1 : -1;
      continue;
    }
    Vector x(la[k]), y(lb[k]);
    int c = CompareRows(x, 0, y, 0);
    if (c) return c;
  }
  return la.size() < lb.size() ? -1 : (la.size() > lb.size() ? 1 : 0);
}

}  // namespace

size_t MatchRows(const Vector& left, sel_t* left_rows, const Vector& right, uint32_t* right_rows,
                 size_t count, bool nulls_equal) {
  if (left.type().id() == TypeId::kList) {
    size_t kept = 0;
    for (size_t k = 0; k < count; k++) {
      if (CompareListRows(left, left_rows[k], right, right_rows[k]) == 0) {
        left_rows[kept] = left_rows[k];
        right_rows[kept++] = right_rows[k];
      }
    }
    return kept;
  }
  return DispatchOnPhysical(left.type().physical(), [&]<class T>() -> size_t {
    const T* l = left.template data<T>();
    const T* r = right.template data<T>();
    bool lc = left.IsConstant(), rc = right.IsConstant();
    bool check_nulls = !left.validity().AllValid() || !right.validity().AllValid();
    size_t kept = 0;
    for (size_t k = 0; k < count; k++) {
      size_t li = lc ? 0 : left_rows[k];
      size_t ri = rc ? 0 : right_rows[k];
      bool match;
      if (check_nulls) {
        bool ln = !left.validity().RowIsValid(li), rn = !right.validity().RowIsValid(ri);
        match = (ln || rn) ? (nulls_equal && ln && rn) : ValueEqual(l[li], r[ri]);
      } else {
        match = ValueEqual(l[li], r[ri]);
      }
      if (match) {
        left_rows[kept] = left_rows[k];
        right_rows[kept++] = right_rows[k];
      }
    }
    return kept;
  });
}

int CompareRows(const Vector& a, size_t i, const Vector& b, size_t j) {
  size_t ai = a.IsConstant() ? 0 : i, bj = b.IsConstant() ? 0 : j;
  bool an = !a.validity().RowIsValid(ai), bn = !b.validity().RowIsValid(bj);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  if (a.type().id() == TypeId::kList) return CompareListRows(a, ai, b, bj);
  return DispatchOnPhysical(a.type().physical(), [&]<class T>() -> int {
    return ValueCompare(a.template data<T>()[ai], b.template data<T>()[bj]);
  });
}

namespace {
template <class T>
int CompareSame(const Vector& v, size_t i, size_t j) {
  bool in = !v.validity().RowIsValid(i), jn = !v.validity().RowIsValid(j);
  if (in || jn) return in == jn ? 0 : (in ? 1 : -1);
  return ValueCompare(v.data<T>()[i], v.data<T>()[j]);
}
int CompareListSame(const Vector& v, size_t i, size_t j) {
  return CompareRows(v, i, v, j);
}
}  // namespace

RowComparator GetRowComparator(const LogicalType& type) {
  if (type.id() == TypeId::kList) return CompareListSame;
  return DispatchOnPhysical(type.physical(), []<class T>() -> RowComparator { return CompareSame<T>; });
}

void AppendRow(const Vector& source, size_t row, Vector& target, size_t at) {
  if (at >= target.capacity()) target.Resize(std::max(target.capacity() * 2, at + 1));
  size_t k = source.IsConstant() ? 0 : row;
  if (!source.validity().RowIsValid(k)) {
    target.SetNull(at);
    return;
  }
  if (!target.validity().AllValid()) target.validity().SetValid(at);
  if (source.type().id() == TypeId::kList) {
    target.SetValue(at, source.GetValue(k));
    return;
  }
  DispatchOnPhysical(source.type().physical(), [&]<class T>() {
    if constexpr (std::is_same_v<T, string_t>) {
      target.template data<T>()[at] = target.AddString(source.template data<T>()[k].view());
    } else {
      target.template data<T>()[at] = source.template data<T>()[k];
    }
  });
}

}  // namespace basin
