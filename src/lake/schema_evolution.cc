#include "lake/schema_evolution.h"

#include "common/exception.h"

namespace basin {

bool IsWidening(const LogicalType& from, const LogicalType& to) {
  if (from.id() == TypeId::kVarchar && to.id() == TypeId::kVarchar) {
    return to.max_length() == 0 || (from.max_length() != 0 && from.max_length() <= to.max_length());
  }
  switch (from.id()) {
    case TypeId::kSmallInt: return to.id() == TypeId::kInteger || to.id() == TypeId::kBigInt;
    case TypeId::kInteger: return to.id() == TypeId::kBigInt;
    case TypeId::kReal: return to.id() == TypeId::kDouble;
    case TypeId::kDecimal: return to.id() == TypeId::kDecimal && to.scale() == from.scale() && to.width() > from.width();
    default: return false;
  }
}

namespace {
template <typename From, typename To>
void Convert(const Vector& in, Vector& out, size_t count) {
  const From* src = in.data<From>();
  To* dst = out.data<To>();
  for (size_t i = 0; i < count; i++) dst[i] = static_cast<To>(src[i]);
}
}  // namespace

void Widen(const Vector& in, Vector& out, size_t count) {
  if (in.type().id() == TypeId::kVarchar) {
    out.Reference(in);  // a longer limit: the same strings
    return;
  }
  Vector flat(in.type(), std::max(count, kVectorSize));
  flat.Reference(in);
  flat.Flatten(count);
  out.Reset();
  if (out.capacity() < count) out.Resize(count);
  using P = PhysicalType;
  P from = in.type().physical(), to = out.type().physical();
  if (from == P::kInt64 && to == P::kInt64) {
    Convert<int64_t, int64_t>(flat, out, count);  // decimals of one storage width: the type changes only
  } else if (from == P::kInt16 && to == P::kInt32) {
    Convert<int16_t, int32_t>(flat, out, count);
  } else if (from == P::kInt16 && to == P::kInt64) {
    Convert<int16_t, int64_t>(flat, out, count);
  } else if (from == P::kInt32 && to == P::kInt64) {
    Convert<int32_t, int64_t>(flat, out, count);
  } else if (from == P::kFloat && to == P::kDouble) {
    Convert<float, double>(flat, out, count);
  } else if (from == P::kInt32 && to == P::kInt128) {
    Convert<int32_t, __int128>(flat, out, count);
  } else if (from == P::kInt64 && to == P::kInt128) {
    Convert<int64_t, __int128>(flat, out, count);
  } else {
    throw InternalError("cannot widen " + in.type().ToString() + " to " + out.type().ToString());
  }
  for (size_t i = 0; i < count; i++) {
    if (flat.IsNull(i)) out.SetNull(i);
  }
}

}  // namespace basin
