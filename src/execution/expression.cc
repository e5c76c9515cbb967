#include "execution/expression.h"

#include <functional>

#include "execution/function.h"

namespace basin {

BoundOrder BoundOrder::Copy() const {
  BoundOrder o;
  o.expr = expr->Copy();
  o.type = type;
  o.nulls = nulls;
  return o;
}

ExprPtr Expr::Copy() const {
  auto e = std::make_unique<Expr>(cls);
  e->type = type;
  e->alias = alias;
  for (auto& c : children) e->children.push_back(c->Copy());
  e->value = value;
  e->binding = binding;
  e->index = index;
  e->depth = depth;
  e->negated = negated;
  e->try_cast = try_cast;
  e->string_literal = string_literal;
  e->name = name;
  e->function = function;
  e->aggregate = aggregate;
  if (bind_data) e->bind_data = bind_data->Copy();
  e->distinct = distinct;
  if (filter) e->filter = filter->Copy();
  for (auto& o : order_by) e->order_by.push_back(o.Copy());
  for (auto& p : partition_by) e->partition_by.push_back(p->Copy());
  e->has_frame = has_frame;
  e->frame_rows = frame_rows;
  e->frame_start = frame_start;
  e->frame_end = frame_end;
  if (start_offset) e->start_offset = start_offset->Copy();
  if (end_offset) e->end_offset = end_offset->Copy();
  e->ignore_nulls = ignore_nulls;
  e->subquery = subquery;
  e->subquery_kind = subquery_kind;
  e->subquery_op = subquery_op;
  return e;
}

namespace {
bool ChildrenEqual(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (!a[i]->Equals(*b[i])) return false;
  }
  return true;
}
bool OptEqual(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return a->Equals(*b);
}
}  // namespace

bool Expr::Equals(const Expr& o) const {
  if (cls != o.cls || type != o.type) return false;
  switch (cls) {
    case ExprClass::kConstant:
      return value == o.value;
    case ExprClass::kColumnRef:
      return binding == o.binding && depth == o.depth;
    case ExprClass::kReference:
      return index == o.index;
    case ExprClass::kParameter:
      return index == o.index;
    case ExprClass::kSubquery:
      return subquery == o.subquery;
    default:
      break;
  }
  if (negated != o.negated || try_cast != o.try_cast || name != o.name || function != o.function ||
      aggregate != o.aggregate || distinct != o.distinct) {
    return false;
  }
  if (!ChildrenEqual(children, o.children) || !OptEqual(filter, o.filter)) return false;
  if (order_by.size() != o.order_by.size()) return false;
  for (size_t i = 0; i < order_by.size(); i++) {
    if (order_by[i].type != o.order_by[i].type || order_by[i].nulls != o.order_by[i].nulls ||
        !order_by[i].expr->Equals(*o.order_by[i].expr)) {
      return false;
    }
  }
  if (cls == ExprClass::kWindow) {
    if (!ChildrenEqual(partition_by, o.partition_by) || has_frame != o.has_frame ||
        frame_rows != o.frame_rows || frame_start != o.frame_start || frame_end != o.frame_end ||
        !OptEqual(start_offset, o.start_offset) || !OptEqual(end_offset, o.end_offset) ||
        ignore_nulls != o.ignore_nulls) {
      return false;
    }
  }
  if (bind_data && o.bind_data) return bind_data->Equals(*o.bind_data);
  return !bind_data && !o.bind_data;
}

std::string Expr::ToString() const {
  auto list = [](const std::vector<ExprPtr>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); i++) s += (i ? ", " : "") + v[i]->ToString();
    return s;
  };
  switch (cls) {
    case ExprClass::kConstant:
      if (value.IsNull()) return "NULL";
      if (value.type().IsString()) return "'" + value.ToString() + "'";
      return value.ToString();
    case ExprClass::kColumnRef:
      if (!alias.empty()) return alias;
      return "#[" + std::to_string(binding.table_index) + "." + std::to_string(binding.column_index) + "]";
    case ExprClass::kReference:
      return alias.empty() ? "#" + std::to_string(index) : alias;
    case ExprClass::kParameter:
      return "$" + std::to_string(index);
    case ExprClass::kFunction: {
      bool is_operator = !name.empty() && !std::isalpha(static_cast<unsigned char>(name[0]));
      if (is_operator && children.size() == 2) {
        return "(" + children[0]->ToString() + " " + name + " " + children[1]->ToString() + ")";
      }
      if (is_operator && children.size() == 1) return "(" + name + children[0]->ToString() + ")";
      return name + "(" + list(children) + ")";
    }
    case ExprClass::kCast:
      return std::string(try_cast ? "TRY_CAST(" : "CAST(") + children[0]->ToString() + " AS " +
             type.ToString() + ")";
    case ExprClass::kAnd:
    case ExprClass::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < children.size(); i++) {
        if (i) s += cls == ExprClass::kAnd ? " AND " : " OR ";
        s += children[i]->ToString();
      }
      return s + ")";
    }
    case ExprClass::kNot:
      return "(NOT " + children[0]->ToString() + ")";
    case ExprClass::kIsNull:
      return "(" + children[0]->ToString() + (negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprClass::kCase: {
      std::string s = "CASE";
      for (size_t i = 0; i + 1 < children.size(); i += 2) {
        s += " WHEN " + children[i]->ToString() + " THEN " + children[i + 1]->ToString();
      }
      return s + " ELSE " + children.back()->ToString() + " END";
    }
    case ExprClass::kInList: {
      std::string s = children[0]->ToString() + (negated ? " NOT IN (" : " IN (");
      for (size_t i = 1; i < children.size(); i++) s += (i > 1 ? ", " : "") + children[i]->ToString();
      return s + ")";
    }
    case ExprClass::kCoalesce:
      return "COALESCE(" + list(children) + ")";
    case ExprClass::kAggregate: {
      std::string s =
          name + "(" + (distinct ? "DISTINCT " : "") + (children.empty() ? "*" : list(children)) + ")";
      if (filter) s += " FILTER (WHERE " + filter->ToString() + ")";
      return s;
    }
    case ExprClass::kWindow:
      return name + "(" + list(children) + ") OVER (...)";
    case ExprClass::kSubquery:
      return "(SUBQUERY)";
  }
  return "?";
}

bool Expr::ReadsRows() const {
  bool reads = false;
  VisitExpr(*this, [&](const Expr& e) {
    switch (e.cls) {
      case ExprClass::kColumnRef:
      case ExprClass::kReference:
      case ExprClass::kAggregate:
      case ExprClass::kWindow:
      case ExprClass::kSubquery:
      case ExprClass::kParameter:
        reads = true;
        break;
      default:
        break;
    }
  });
  return reads;
}

bool Expr::IsFoldable() const {
  if (ReadsRows()) return false;
  bool foldable = true;
  VisitExpr(*this, [&](const Expr& e) {
    if (e.cls == ExprClass::kFunction && e.function && e.function->volatile_) foldable = false;
  });
  return foldable;
}

bool Expr::HasAggregate() const {
  bool found = false;
  VisitExpr(*this, [&](const Expr& e) { found |= e.cls == ExprClass::kAggregate; });
  return found;
}

bool Expr::HasWindow() const {
  bool found = false;
  VisitExpr(*this, [&](const Expr& e) { found |= e.cls == ExprClass::kWindow; });
  return found;
}

bool Expr::HasSubquery() const {
  bool found = false;
  VisitExpr(*this, [&](const Expr& e) { found |= e.cls == ExprClass::kSubquery; });
  return found;
}

bool Expr::IsVolatile() const {
  bool found = false;
  VisitExpr(*this, [&](const Expr& e) { found |= e.function && e.function->volatile_; });
  return found;
}

ExprPtr Expr::Constant(Value v) {
  auto e = std::make_unique<Expr>(ExprClass::kConstant);
  e->type = v.type();
  e->value = std::move(v);
  return e;
}

ExprPtr Expr::ColumnRef(ColumnBinding b, LogicalType t, std::string alias) {
  auto e = std::make_unique<Expr>(ExprClass::kColumnRef);
  e->binding = b;
  e->type = std::move(t);
  e->alias = std::move(alias);
  return e;
}

ExprPtr Expr::Reference(uint64_t index, LogicalType t) {
  auto e = std::make_unique<Expr>(ExprClass::kReference);
  e->index = index;
  e->type = std::move(t);
  return e;
}

ExprPtr Expr::Cast(ExprPtr child, LogicalType target, bool try_cast) {
  if (child->type == target) return child;
  auto e = std::make_unique<Expr>(ExprClass::kCast);
  e->type = std::move(target);
  e->try_cast = try_cast;
  e->children.push_back(std::move(child));
  return e;
}

ExprPtr Expr::And(ExprPtr l, ExprPtr r) {
  auto e = std::make_unique<Expr>(ExprClass::kAnd);
  e->type = TypeId::kBoolean;
  e->children.push_back(std::move(l));
  e->children.push_back(std::move(r));
  return e;
}

void SplitConjunction(ExprPtr expr, std::vector<ExprPtr>& out) {
  if (expr->cls == ExprClass::kAnd) {
    for (auto& c : expr->children) SplitConjunction(std::move(c), out);
  } else {
    out.push_back(std::move(expr));
  }
}

ExprPtr CombineConjunction(std::vector<ExprPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts[0]);
  auto e = std::make_unique<Expr>(ExprClass::kAnd);
  e->type = TypeId::kBoolean;
  e->children = std::move(parts);
  return e;
}

}  // namespace basin
