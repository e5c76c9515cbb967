#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "execution/function.h"
#include "main/client_context.h"
#include "main/prepared_statement.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

using sql::ExprKind;
using sql::ParsedExpr;

bool IsStringLiteral(const Expr& e) {
  return e.cls == ExprClass::kConstant && e.type.id() == TypeId::kVarchar && e.string_literal;
}

bool IsUntypedLiteral(const Expr& e) {
  return IsStringLiteral(e) ||
         ((e.cls == ExprClass::kConstant || e.cls == ExprClass::kParameter) && e.type.id() == TypeId::kNull);
}

namespace {
/// A NULL literal, or a parameter whose type its context has not given yet: both take the type that the
/// other side of an operator or the target of a cast has.
bool IsNullLiteral(const Expr& e) {
  return (e.cls == ExprClass::kConstant || e.cls == ExprClass::kParameter) && e.type.id() == TypeId::kNull;
}

ExprPtr MakeNot(ExprPtr e) {
  auto n = std::make_unique<Expr>(ExprClass::kNot);
  n->type = TypeId::kBoolean;
  n->children.push_back(std::move(e));
  return n;
}

/// An AND or OR of `terms`, or the one term itself.
ExprPtr MakeJunction(ExprClass cls, std::vector<ExprPtr> terms) {
  if (terms.size() == 1) return std::move(terms[0]);
  auto e = std::make_unique<Expr>(cls);
  e->type = TypeId::kBoolean;
  e->children = std::move(terms);
  return e;
}

}  // namespace

ExprPtr Binder::CastTo(ExprPtr expr, const LogicalType& type, int64_t location) {
  if (expr->type == type) return expr;
  if (expr->cls == ExprClass::kParameter && expr->type.id() == TypeId::kNull) {
    // An untyped parameter of a statement being prepared takes the type its context wants, as
    // PostgreSQL infers the types of parameters left unspecified.
    StatementParameters& params = *context_.parameters();
    LogicalType& inferred = params.types[expr->index - 1];
    if (inferred.id() == TypeId::kInvalid) inferred = type.id() == TypeId::kNull ? TypeId::kVarchar : type;
    expr->type = type;
    return expr;
  }
  if (expr->cls == ExprClass::kConstant) {
    // Fold now: a literal that does not fit its target is an error of the statement, with its position.
    try {
      auto e = Expr::Constant(CastValue(expr->value, type));
      return e;
    } catch (Exception& ex) {
      throw Exception(ex.sqlstate(), ex.message(), location >= 0 ? location : ex.position());
    }
  }
  if (!CanCast(expr->type, type)) {
    throw BinderError("42846",  // cannot_coerce, as CastVector's error for constants
                      "cannot cast type " + PgTypeName(expr->type) + " to " + PgTypeName(type), location);
  }
  return Expr::Cast(std::move(expr), type);
}

ExprPtr Binder::CastWithLength(ExprPtr expr, const LogicalType& type, bool is_explicit, int64_t location) {
  const uint32_t limit = type.id() == TypeId::kVarchar ? type.max_length() : 0;
  if (limit == 0) return CastTo(std::move(expr), type, location);
  const uint32_t had = expr->type.id() == TypeId::kVarchar ? expr->type.max_length() : 0;
  ExprPtr text = CastTo(std::move(expr), TypeId::kVarchar, location);
  if (had == 0 || had > limit) {
    // PostgreSQL's length coercion function, varchar(text, typmod, is_explicit) (functions/string.cc).
    std::vector<ExprPtr> args;
    args.push_back(std::move(text));
    args.push_back(Expr::Constant(Value::Integer(static_cast<int32_t>(limit))));
    args.push_back(Expr::Constant(Value::Boolean(is_explicit)));
    text = BindFunctionCall("varchar", std::move(args), location);
  }
  text->type = type;
  return text;
}

ExprPtr Binder::BindParameter(const ParsedExpr& expr) {
  StatementParameters* params = context_.parameters();
  const size_t i = static_cast<size_t>(expr.parameter_index) - 1;
  if (params == nullptr || (params->has_values && i >= params->values.size())) {
    throw BinderError("42P02",  // undefined_parameter
                      "there is no parameter $" + std::to_string(expr.parameter_index), expr.location);
  }
  if (params->types.size() <= i) {
    params->types.resize(i + 1, TypeId::kInvalid);
    params->declared.resize(i + 1, false);
  }
  const LogicalType type = params->types[i];
  if (!params->has_values) {
    // Being prepared: a placeholder of the declared type, or untyped until CastTo gives it one.
    auto e = std::make_unique<Expr>(ExprClass::kParameter);
    e->index = i + 1;
    e->type = type.id() == TypeId::kInvalid ? LogicalType(TypeId::kNull) : type;
    return e;
  }
  const Value& value = params->values[i];
  if (!params->declared[i]) {
    // Text for a parameter of no declared type is a quoted literal: its context types it.
    auto e = Expr::Constant(value);
    e->string_literal = value.type().id() == TypeId::kVarchar;
    return e;
  }
  if (value.IsNull()) return Expr::Constant(Value::Null(type));
  return CastTo(Expr::Constant(value), type, expr.location);
}

ExprPtr Binder::BindArrayConcat(ExprPtr left, ExprPtr right, int64_t location) {
  // array || array, array || element, element || array, as PostgreSQL's array_cat, array_append and
  // array_prepend; an untyped literal on one side is an array (or element) of the other side's type.
  const bool left_list = left->type.id() == TypeId::kList;
  const bool right_list = right->type.id() == TypeId::kList;
  const LogicalType list = left_list ? left->type : right->type;
  auto as_list = [&](ExprPtr e, bool is_list) {
    if (is_list) return CastTo(std::move(e), list, location);
    if (IsUntypedLiteral(*e) && IsStringLiteral(*e) && e->value.GetString().rfind('{', 0) == 0) {
      return CastTo(std::move(e), list, location);
    }
    std::vector<ExprPtr> element;
    element.push_back(CastTo(std::move(e), list.element(), location));
    return BindFunctionCall("list_value", std::move(element), location);
  };
  std::vector<ExprPtr> args;
  args.push_back(as_list(std::move(left), left_list));
  args.push_back(as_list(std::move(right), right_list));
  return BindFunctionCall("array_cat", std::move(args), location);
}

ExprPtr Binder::BindBoolean(ExprPtr expr, const char* what, int64_t location) {
  if (expr->type.id() == TypeId::kBoolean) return expr;
  if (IsNullLiteral(*expr) || IsStringLiteral(*expr))
    return CastTo(std::move(expr), TypeId::kBoolean, location);
  throw BinderError(
      sqlstate::kDatatypeMismatch,
      std::string("argument of ") + what + " must be type boolean, not type " + PgTypeName(expr->type),
      location);
}

/// The type both sides of a comparison (or branches of a CASE) are brought to. String literals and NULLs
/// take the other side's type, as PostgreSQL's "unknown" literals do.
namespace {
/// The type a string literal takes beside `typed`: that type, but a DECIMAL keeps the literal's own
/// fractional digits, so that 2.3 = '2.25' compares 2.30 with 2.25 instead of rounding the literal.
LogicalType LiteralTargetType(const Expr& literal, const LogicalType& typed) {
  if (typed.id() != TypeId::kDecimal) return typed;
  const std::string& text = literal.value.GetString();
  size_t dot = text.find('.');
  if (dot == std::string::npos || text.find_first_of("eE") != std::string::npos) return typed;
  size_t end = text.find_last_not_of(" \t\n");
  int scale = static_cast<int>(end == std::string::npos || end < dot ? 0 : end - dot);
  if (scale <= typed.scale()) return typed;
  int width = std::min<int>(LogicalType::kMaxDecimalWidth, typed.width() + (scale - typed.scale()));
  scale = std::min(scale, width);
  return LogicalType::Decimal(static_cast<uint8_t>(width), static_cast<uint8_t>(scale));
}
}  // namespace

LogicalType UnifyTypes(const Expr& a, const Expr& b, int64_t location, const char* context) {
  if (a.type == b.type) return a.type;
  if (IsNullLiteral(a)) return b.type;
  if (IsNullLiteral(b)) return a.type;
  if (IsStringLiteral(a) && !IsStringLiteral(b)) return LiteralTargetType(a, b.type);
  if (IsStringLiteral(b) && !IsStringLiteral(a)) return LiteralTargetType(b, a.type);
  LogicalType t = CommonSuperType(a.type, b.type);
  if (t.id() == TypeId::kInvalid) {
    throw BinderError(sqlstate::kDatatypeMismatch,
                      std::string(context) + " types " + PgTypeName(a.type) + " and " + PgTypeName(b.type) +
                          " cannot be matched",
                      location);
  }
  return t;
}

LogicalType UnifyAll(const std::vector<const Expr*>& items, int64_t location, const char* context) {
  LogicalType t = TypeId::kNull;
  for (const Expr* e : items) {
    if (IsUntypedLiteral(*e) || e->type == t) continue;
    if (t.id() == TypeId::kNull) {
      t = e->type;
      continue;
    }
    LogicalType common = CommonSuperType(t, e->type);
    if (common.id() == TypeId::kInvalid) {
      throw BinderError(sqlstate::kDatatypeMismatch,
                        std::string(context) + " types " + PgTypeName(t) + " and " + PgTypeName(e->type) +
                            " cannot be matched",
                        location);
    }
    t = common;
  }
  for (const Expr* e : items) {
    if (IsStringLiteral(*e))
      t = t.id() == TypeId::kNull ? LogicalType(TypeId::kVarchar) : LiteralTargetType(*e, t);
  }
  return t;
}

ExprPtr Binder::BindComparison(const std::string& op, ExprPtr left, ExprPtr right, int64_t location) {
  const bool untyped =
      IsNullLiteral(*left) || IsNullLiteral(*right) || IsStringLiteral(*left) || IsStringLiteral(*right);
  if (!untyped && left->type != right->type &&
      CommonSuperType(left->type, right->type).id() == TypeId::kInvalid) {
    // No operator takes the pair (PostgreSQL resolves comparisons as operators, hence 42883, not 42804).
    throw BinderError(
        sqlstate::kUndefinedFunction,
        "operator does not exist: " + PgTypeName(left->type) + " " + op + " " + PgTypeName(right->type),
        location);
  }
  LogicalType t = UnifyTypes(*left, *right, location, "comparison of");
  if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
  left = CastTo(std::move(left), t, location);
  right = CastTo(std::move(right), t, location);
  std::vector<ExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return BindFunctionCall(op, std::move(args), location);
}

std::vector<ExprPtr> Binder::BindRowElements(const ParsedExpr& expr, ExprContext where) {
  std::vector<ExprPtr> elements;
  for (auto& c : expr.children) {
    if (c->kind == ExprKind::kRow)
      throw NotImplementedError("nested row constructors are not supported", c->location);
    elements.push_back(BindExpression(*c, where));
  }
  return elements;
}

ExprPtr Binder::BindRowComparison(const std::string& op, const ParsedExpr& left, const ParsedExpr& right,
                                  ExprContext where, int64_t location) {
  if (left.kind != ExprKind::kRow || right.kind != ExprKind::kRow) {
    // PostgreSQL has no operator between a row and a scalar.
    const ParsedExpr& scalar = left.kind == ExprKind::kRow ? right : left;
    std::string type = PgTypeName(BindExpression(scalar, where)->type);
    std::string shown = op == "is_distinct_from" || op == "is_not_distinct_from" ? "=" : op;
    throw BinderError(
        sqlstate::kUndefinedFunction,
        "operator does not exist: " +
            (left.kind == ExprKind::kRow ? "record " + shown + " " + type : type + " " + shown + " record"),
        location);
  }
  return BindRowComparison(op, BindRowElements(left, where), BindRowElements(right, where), location);
}

ExprPtr Binder::BindRowComparison(const std::string& op, std::vector<ExprPtr> left,
                                  std::vector<ExprPtr> right, int64_t location) {
  if (left.size() != right.size()) {
    throw BinderError(sqlstate::kSyntaxError, "unequal number of entries in row expressions", location);
  }
  std::vector<ExprPtr> terms;
  if (op == "=" || op == "<>" || op == "is_distinct_from" || op == "is_not_distinct_from") {
    // = and IS NOT DISTINCT FROM hold when every pair does; <> and IS DISTINCT FROM when any pair does.
    for (size_t i = 0; i < left.size(); i++)
      terms.push_back(BindComparison(op, std::move(left[i]), std::move(right[i]), location));
    bool all = op == "=" || op == "is_not_distinct_from";
    return MakeJunction(all ? ExprClass::kAnd : ExprClass::kOr, std::move(terms));
  }
  // Ordering: the first pair that is unequal (or NULL) decides, so (a, b) < (c, d) is
  // a < c OR (a = c AND b < d); the last pair keeps <= or >= so that equal rows compare as the operator says.
  const std::string strict = op.substr(0, 1);
  size_t n = left.size();
  ExprPtr result = BindComparison(op, std::move(left[n - 1]), std::move(right[n - 1]), location);
  for (size_t i = n - 1; i-- > 0;) {
    ExprPtr equal = BindComparison("=", left[i]->Copy(), right[i]->Copy(), location);
    std::vector<ExprPtr> either;
    either.push_back(BindComparison(strict, std::move(left[i]), std::move(right[i]), location));
    either.push_back(Expr::And(std::move(equal), std::move(result)));
    result = MakeJunction(ExprClass::kOr, std::move(either));
  }
  return result;
}

ExprPtr Binder::BindFunctionCall(const std::string& name, std::vector<ExprPtr> args, int64_t location) {
  const auto* overloads = FunctionRegistry::Get().FindScalar(name);
  if (!overloads) {
    throw BinderError(sqlstate::kUndefinedFunction, "function " + name + "() does not exist", location);
  }
  // Pick the overload whose parameters the arguments reach with the least implicit casting.
  const ScalarFunction* best = nullptr;
  int best_cost = INT32_MAX;
  for (const auto& f : *overloads) {
    size_t fixed = f.arguments.size();
    if (args.size() < fixed || (args.size() > fixed && !f.has_varargs)) continue;
    int cost = 0;
    for (size_t i = 0; i < args.size() && cost >= 0; i++) {
      const LogicalType& want = i < fixed ? f.arguments[i] : f.varargs;
      if (want.id() == TypeId::kInvalid) continue;  // any type
      const Expr& arg = *args[i];
      int c;
      if (arg.type == want || (want.id() == TypeId::kDecimal && arg.type.id() == TypeId::kDecimal) ||
          (want.id() == TypeId::kList && arg.type.id() == TypeId::kList)) {
        c = 0;
      } else if (IsNullLiteral(arg)) {
        c = 1;
      } else if (IsStringLiteral(arg)) {
        c = want.id() == TypeId::kVarchar ? 0 : 2;
      } else {
        c = ImplicitCastCost(arg.type, want);
      }
      cost = c < 0 ? -1 : cost + c;
    }
    if (cost < 0) continue;
    if (cost < best_cost) {
      best = &f;
      best_cost = cost;
    }
  }
  if (!best) {
    std::string sig;
    for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + PgTypeName(args[i]->type);
    throw BinderError(sqlstate::kUndefinedFunction,
                      "function " + name + "(" + sig +
                          ") does not exist (no function matches the given name and "
                          "argument types; you might need to add explicit casts)",
                      location);
  }
  // On equal cost the overload registered first wins: registration order puts the natural one first.
  for (size_t i = 0; i < args.size(); i++) {
    const LogicalType& want = i < best->arguments.size() ? best->arguments[i] : best->varargs;
    if (want.id() == TypeId::kInvalid) continue;
    if (want.id() == TypeId::kDecimal && args[i]->type.id() == TypeId::kDecimal) continue;
    if (want.id() == TypeId::kList && args[i]->type.id() == TypeId::kList) continue;
    args[i] = CastTo(std::move(args[i]), want, location);
  }
  auto e = std::make_unique<Expr>(ExprClass::kFunction);
  e->name = name;
  e->function = best;
  e->type = best->return_type;
  if (best->bind) {
    try {
      e->bind_data = best->bind(args, e->type);
    } catch (Exception& ex) {
      throw Exception(ex.sqlstate(), ex.message(), location);
    }
  }
  e->children = std::move(args);
  // Fold calls on constants now (they are cheap, and errors then point at the call).
  if (!best->volatile_ && e->IsFoldable()) {
    try {
      Value v = ExpressionExecutor::EvaluateScalar(*e);
      return Expr::Constant(v.IsNull() ? Value::Null(e->type) : v);
    } catch (Exception&) {
      // Leave it to run time: COALESCE(1, 1/0) never evaluates the division.
    }
  }
  return e;
}

ExprPtr Binder::BindConstant(const ParsedExpr& expr) {
  switch (expr.constant_kind) {
    case sql::ConstantKind::kNull:
      return Expr::Constant(Value());
    case sql::ConstantKind::kBoolean:
      return Expr::Constant(Value::Boolean(expr.text == "true" || expr.text == "t"));
    case sql::ConstantKind::kInteger: {
      int64_t v;
      if (ParseInteger(expr.text, INT32_MIN, INT32_MAX, v) == ParseStatus::kOk) {
        return Expr::Constant(Value::Integer(static_cast<int32_t>(v)));
      }
      if (ParseInteger(expr.text, INT64_MIN, INT64_MAX, v) == ParseStatus::kOk)
        return Expr::Constant(Value::BigInt(v));
      [[fallthrough]];
    }
    case sql::ConstantKind::kNumeric: {
      // Exact: a numeric literal is DECIMAL with as many digits as written (PostgreSQL's numeric).
      std::string digits = expr.text;
      bool has_exp = digits.find_first_of("eE") != std::string::npos;
      if (!has_exp) {
        size_t dot = digits.find('.');
        size_t scale = dot == std::string::npos ? 0 : digits.size() - dot - 1;
        size_t int_digits = 0;
        for (size_t i = 0; i < (dot == std::string::npos ? digits.size() : dot); i++) {
          if (int_digits > 0 || digits[i] != '0') int_digits++;
        }
        size_t width = std::max<size_t>(int_digits + scale, 1);
        if (width <= LogicalType::kMaxDecimalWidth) {
          hugeint_t unscaled;
          if (ParseDecimal(digits, static_cast<uint8_t>(width), static_cast<uint8_t>(scale), unscaled) ==
              ParseStatus::kOk) {
            return Expr::Constant(
                Value::Decimal(unscaled, static_cast<uint8_t>(width), static_cast<uint8_t>(scale)));
          }
        }
      }
      double d;
      const ParseStatus status = ParseDouble(digits, d);
      if (status == ParseStatus::kOutOfRange) {
        // PostgreSQL reads 1e400 as NUMERIC and fails on the conversion to float8; Basin's literals beyond
        // DECIMAL are DOUBLE, so the same error comes here.
        throw DataError(sqlstate::kNumericValueOutOfRange,
                        "\"" + digits + "\" is out of range for type double precision");
      }
      if (status != ParseStatus::kOk) throw ParserError("invalid number \"" + digits + "\"", expr.location);
      return Expr::Constant(Value::Double(d));
    }
    case sql::ConstantKind::kString:
    case sql::ConstantKind::kBitString: {
      auto e = Expr::Constant(Value::Varchar(expr.text));
      e->string_literal = true;
      return e;
    }
  }
  throw InternalError("unknown constant kind");
}

ExprPtr Binder::BindExpression(const ParsedExpr& expr, ExprContext where) {
  if (++depth_guard_ > 2000) {
    depth_guard_ = 0;
    throw Exception(sqlstate::kProgramLimitExceeded, "expression is nested too deeply", expr.location);
  }
  struct Guard {
    int& d;
    ~Guard() { d--; }
  } guard{depth_guard_};
  switch (expr.kind) {
    case ExprKind::kConstant:
      return BindConstant(expr);
    case ExprKind::kColumnRef:
      return BindColumnRef(expr);
    case ExprKind::kStar:
      throw BinderError(sqlstate::kSyntaxError, "* is only allowed in a select list or count(*)",
                        expr.location);
    case ExprKind::kParameter:
      return BindParameter(expr);
    case ExprKind::kUnaryOp:
    case ExprKind::kBinaryOp:
      return BindOperator(expr, where);
    case ExprKind::kIsNull: {
      auto e = std::make_unique<Expr>(ExprClass::kIsNull);
      e->type = TypeId::kBoolean;
      e->negated = expr.negated;
      e->children.push_back(BindExpression(*expr.children[0], where));
      return e;
    }
    case ExprKind::kIsBool: {
      ExprPtr value = BindBoolean(BindExpression(*expr.children[0], where), "IS", expr.location);
      ExprPtr result;
      if (expr.op == "UNKNOWN") {
        result = std::make_unique<Expr>(ExprClass::kIsNull);
        result->type = TypeId::kBoolean;
        result->children.push_back(std::move(value));
      } else {
        // x IS TRUE: COALESCE(x, false); x IS FALSE: COALESCE(NOT x, false).
        if (expr.op == "FALSE") {
          auto n = std::make_unique<Expr>(ExprClass::kNot);
          n->type = TypeId::kBoolean;
          n->children.push_back(std::move(value));
          value = std::move(n);
        }
        result = std::make_unique<Expr>(ExprClass::kCoalesce);
        result->type = TypeId::kBoolean;
        result->children.push_back(std::move(value));
        result->children.push_back(Expr::Constant(Value::Boolean(false)));
      }
      if (!expr.negated) return result;
      auto n = std::make_unique<Expr>(ExprClass::kNot);
      n->type = TypeId::kBoolean;
      n->children.push_back(std::move(result));
      return n;
    }
    case ExprKind::kIsDistinct: {
      if (expr.children[0]->kind == ExprKind::kRow || expr.children[1]->kind == ExprKind::kRow) {
        return BindRowComparison(expr.negated ? "is_not_distinct_from" : "is_distinct_from",
                                 *expr.children[0], *expr.children[1], where, expr.location);
      }
      ExprPtr l = BindExpression(*expr.children[0], where);
      ExprPtr r = BindExpression(*expr.children[1], where);
      return BindComparison(expr.negated ? "is_not_distinct_from" : "is_distinct_from", std::move(l),
                            std::move(r), expr.location);
    }
    case ExprKind::kBetween: {
      // Operands are one expression each, or the elements of row constructors (compared row-wise).
      using Operand = std::vector<ExprPtr>;
      bool rows = false;
      for (auto& c : expr.children) rows |= c->kind == ExprKind::kRow;
      auto bind = [&](const ParsedExpr& p) {
        if (rows && p.kind != ExprKind::kRow) {
          BindRowComparison(">=", *expr.children[0], p, where, expr.location);  // throws: record >= type
        }
        if (rows) return BindRowElements(p, where);
        Operand v;
        v.push_back(BindExpression(p, where));
        return v;
      };
      auto copy = [](const Operand& v) {
        Operand c;
        for (auto& e : v) c.push_back(e->Copy());
        return c;
      };
      auto compare = [&](const char* op, Operand l, Operand r) {
        if (rows) return BindRowComparison(op, std::move(l), std::move(r), expr.location);
        return BindComparison(op, std::move(l[0]), std::move(r[0]), expr.location);
      };
      Operand x = bind(*expr.children[0]);
      Operand low = bind(*expr.children[1]);
      Operand high = bind(*expr.children[2]);
      auto between = [&](Operand v, Operand lo, Operand hi) {
        ExprPtr ge = compare(">=", copy(v), std::move(lo));
        ExprPtr le = compare("<=", std::move(v), std::move(hi));
        return Expr::And(std::move(ge), std::move(le));
      };
      ExprPtr result;
      if (expr.symmetric) {
        auto e = std::make_unique<Expr>(ExprClass::kOr);
        e->type = TypeId::kBoolean;
        e->children.push_back(between(copy(x), copy(low), copy(high)));
        e->children.push_back(between(std::move(x), std::move(high), std::move(low)));
        result = std::move(e);
      } else {
        result = between(std::move(x), std::move(low), std::move(high));
      }
      if (!expr.negated) return result;
      auto n = std::make_unique<Expr>(ExprClass::kNot);
      n->type = TypeId::kBoolean;
      n->children.push_back(std::move(result));
      return n;
    }
    case ExprKind::kInList: {
      // x IN (a, b) is x = a OR x = b, three-valued logic included; rows compare as rows.
      std::vector<ExprPtr> terms;
      const ParsedExpr& lhs = *expr.children[0];
      if (lhs.kind == ExprKind::kRow) {
        for (size_t i = 1; i < expr.children.size(); i++)
          terms.push_back(BindRowComparison("=", lhs, *expr.children[i], where, expr.children[i]->location));
      } else {
        ExprPtr x = BindExpression(lhs, where);
        for (size_t i = 1; i < expr.children.size(); i++) {
          if (expr.children[i]->kind == ExprKind::kRow)
            BindRowComparison("=", lhs, *expr.children[i], where, expr.children[i]->location);  // throws
          ExprPtr item = BindExpression(*expr.children[i], where);
          terms.push_back(BindComparison("=", x->Copy(), std::move(item), expr.children[i]->location));
        }
      }
      ExprPtr result = MakeJunction(ExprClass::kOr, std::move(terms));
      return expr.negated ? MakeNot(std::move(result)) : std::move(result);
    }
    case ExprKind::kLike: {
      std::vector<ExprPtr> args;
      for (auto& c : expr.children) {
        ExprPtr arg = BindExpression(*c, where);
        // Untyped literals become text (bytea as before, through its text form); other types have no LIKE
        // operator (PostgreSQL: integer ~~ integer).
        if (arg->type.id() != TypeId::kVarchar && arg->type.id() != TypeId::kBlob && !IsNullLiteral(*arg)) {
          throw BinderError(sqlstate::kUndefinedFunction,
                            "operator does not exist: " + PgTypeName(arg->type) + " " + expr.op + " ...",
                            c->location);
        }
        args.push_back(CastTo(std::move(arg), TypeId::kVarchar, c->location));
      }
      std::string name = expr.op == "LIKE" ? "like" : (expr.op == "ILIKE" ? "ilike" : "similar_to");
      ExprPtr result = BindFunctionCall(name, std::move(args), expr.location);
      if (!expr.negated) return result;
      auto n = std::make_unique<Expr>(ExprClass::kNot);
      n->type = TypeId::kBoolean;
      n->children.push_back(std::move(result));
      return n;
    }
    case ExprKind::kCase:
      return BindCase(expr, where);
    case ExprKind::kCast: {
      ExprPtr child = BindExpression(*expr.children[0], where);
      if (ObjectIdentifierType(expr.type_name)) return BindObjectIdentifierCast(expr, std::move(child));
      LogicalType target = BindTypeName(expr.type_name);
      const sql::ParsedExpr& inner = *expr.children[0];
      if (target.id() == TypeId::kVarchar && inner.kind == ExprKind::kCast && ObjectIdentifierType(inner.type_name) &&
          child->type.id() == TypeId::kBigInt) {
        // 'orders'::regclass::text: the OID that text found, named again by the alias type's output function.
        std::vector<ExprPtr> args;
        args.push_back(std::move(child));
        std::string name = inner.type_name.name.substr(inner.type_name.name.rfind('.') + 1);
        child = BindFunctionCall(name + "_out", std::move(args), expr.location);
      }
      if (expr.try_cast) {
        const LogicalType plain = target.id() == TypeId::kVarchar ? LogicalType(TypeId::kVarchar) : target;
        if (child->cls == ExprClass::kConstant) {
          child = Expr::Constant(CastValue(child->value, plain, true));
        } else {
          child = Expr::Cast(std::move(child), plain, true);
        }
        return CastWithLength(std::move(child), target, /*is_explicit=*/true, expr.location);
      }
      return CastWithLength(std::move(child), target, /*is_explicit=*/true, expr.location);
    }
    case ExprKind::kFunction:
      if (IsSetReturningCall(expr)) return BindSetReturningCall(expr, nullptr);
      return BindFunction(expr, where);
    case ExprKind::kFieldAccess:
      return BindFieldAccess(expr, where);
    case ExprKind::kSubquery:
      if (!expr.subquery) return BindArrayComparison(expr, where);
      return BindSubqueryExpr(expr);
    case ExprKind::kArray: {
      std::vector<ExprPtr> args;
      for (auto& c : expr.children) args.push_back(BindExpression(*c, where));
      return BindFunctionCall("list_value", std::move(args), expr.location);
    }
    case ExprKind::kRow:
      throw NotImplementedError("row constructors are only supported in comparisons", expr.location);
    case ExprKind::kDefault:
      throw BinderError(sqlstate::kSyntaxError, "DEFAULT is not allowed here", expr.location);
  }
  throw InternalError("unknown expression kind");
}

ExprPtr Binder::BindOperator(const ParsedExpr& expr, ExprContext where) {
  const std::string& op = expr.op;
  if (expr.kind == ExprKind::kUnaryOp) {
    if (op == "-" && expr.children[0]->kind == ExprKind::kConstant &&
        (expr.children[0]->constant_kind == sql::ConstantKind::kInteger ||
         expr.children[0]->constant_kind == sql::ConstantKind::kNumeric)) {
      // Fold the sign into the literal so that -2147483648 is still an INTEGER.
      ParsedExpr negated;
      negated.kind = ExprKind::kConstant;
      negated.constant_kind = expr.children[0]->constant_kind;
      negated.text = "-" + expr.children[0]->text;
      negated.location = expr.location;
      return BindConstant(negated);
    }
    ExprPtr child = BindExpression(*expr.children[0], where);
    if (op == "NOT") {
      auto n = std::make_unique<Expr>(ExprClass::kNot);
      n->type = TypeId::kBoolean;
      n->children.push_back(BindBoolean(std::move(child), "NOT", expr.location));
      return n;
    }
    if (op == "+") return child;
    std::vector<ExprPtr> args;
    args.push_back(std::move(child));
    return BindFunctionCall(op == "-" ? "-" : op, std::move(args), expr.location);
  }
  if (op == "AND" || op == "OR") {
    auto e = std::make_unique<Expr>(op == "AND" ? ExprClass::kAnd : ExprClass::kOr);
    e->type = TypeId::kBoolean;
    for (auto& c : expr.children) {
      ExprPtr child = BindBoolean(BindExpression(*c, where), op.c_str(), c->location);
      // Flatten nested ANDs / ORs: long chains evaluate without deep recursion.
      if (child->cls == e->cls) {
        for (auto& g : child->children) e->children.push_back(std::move(g));
      } else {
        e->children.push_back(std::move(child));
      }
    }
    return e;
  }
  const bool comparison =
      op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  if (expr.children[0]->kind == ExprKind::kRow || expr.children[1]->kind == ExprKind::kRow) {
    if (!comparison)
      throw NotImplementedError("row constructors are only supported in comparisons", expr.location);
    return BindRowComparison(op == "!=" ? "<>" : op, *expr.children[0], *expr.children[1], where,
                             expr.location);
  }
  ExprPtr left = BindExpression(*expr.children[0], where);
  ExprPtr right = BindExpression(*expr.children[1], where);
  if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    return BindComparison(op == "!=" ? "<>" : op, std::move(left), std::move(right), expr.location);
  }
  if (op == "||" && (left->type.id() == TypeId::kList || right->type.id() == TypeId::kList)) {
    return BindArrayConcat(std::move(left), std::move(right), expr.location);
  }
  if (op == "||") {
    if (left->type.id() != TypeId::kBlob) left = CastTo(std::move(left), TypeId::kVarchar, expr.location);
    if (right->type.id() != TypeId::kBlob) right = CastTo(std::move(right), TypeId::kVarchar, expr.location);
  }
  // Untyped literals take the other operand's type (date '...' - '1 day' style arithmetic aside).
  if (IsStringLiteral(*left) && !IsStringLiteral(*right) && right->type.id() != TypeId::kVarchar) {
    if (!(right->type.IsTemporal() && (op == "+" || op == "-")))
      left = CastTo(std::move(left), right->type, expr.location);
    else
      left = CastTo(std::move(left), TypeId::kInterval, expr.location);
  } else if (IsStringLiteral(*right) && !IsStringLiteral(*left) && left->type.id() != TypeId::kVarchar) {
    if (!(left->type.IsTemporal() && (op == "+" || op == "-")))
      right = CastTo(std::move(right), left->type, expr.location);
    else
      right = CastTo(std::move(right), TypeId::kInterval, expr.location);
  }
  // Numeric operands of different types meet at their common type, so one kernel per type suffices.
  if (left->type.IsNumeric() && right->type.IsNumeric() && left->type.id() != right->type.id() && op != "^") {
    LogicalType t = CommonSuperType(left->type, right->type);
    // REAL with an integer or numeric is DOUBLE, as PostgreSQL's float48 operators (float8 is the
    // preferred numeric type), though CASE and UNION of the two stay REAL.
    if (t.id() == TypeId::kReal) t = TypeId::kDouble;
    if (t.id() != TypeId::kDecimal) {
      left = CastTo(std::move(left), t, expr.location);
      right = CastTo(std::move(right), t, expr.location);
    } else {
      if (left->type.id() != TypeId::kDecimal)
        left = CastTo(
            std::move(left),
            LogicalType::Decimal(
                left->type.id() == TypeId::kBigInt ? 19 : (left->type.id() == TypeId::kSmallInt ? 5 : 10), 0),
            expr.location);
      if (right->type.id() != TypeId::kDecimal)
        right = CastTo(
            std::move(right),
            LogicalType::Decimal(
                right->type.id() == TypeId::kBigInt ? 19 : (right->type.id() == TypeId::kSmallInt ? 5 : 10),
                0),
            expr.location);
    }
  }
  if (IsNullLiteral(*left) && !IsNullLiteral(*right)) left = CastTo(std::move(left), right->type);
  if (IsNullLiteral(*right) && !IsNullLiteral(*left)) right = CastTo(std::move(right), left->type);
  std::vector<ExprPtr> args;
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return BindFunctionCall(op, std::move(args), expr.location);
}

ExprPtr Binder::BindCase(const ParsedExpr& expr, ExprContext where) {
  auto e = std::make_unique<Expr>(ExprClass::kCase);
  ExprPtr operand = expr.case_operand ? BindExpression(*expr.case_operand, where) : nullptr;
  std::vector<ExprPtr> values;
  for (size_t i = 0; i + 1 < expr.children.size(); i += 2) {
    ExprPtr cond = BindExpression(*expr.children[i], where);
    if (operand) {
      cond = BindComparison("=", operand->Copy(), std::move(cond), expr.children[i]->location);
    } else {
      cond = BindBoolean(std::move(cond), "CASE/WHEN", expr.children[i]->location);
    }
    e->children.push_back(std::move(cond));
    e->children.push_back(nullptr);
    values.push_back(BindExpression(*expr.children[i + 1], where));
  }
  values.push_back(expr.case_else ? BindExpression(*expr.case_else, where) : Expr::Constant(Value()));
  std::vector<const Expr*> branches;
  for (auto& v : values) branches.push_back(v.get());
  LogicalType t = UnifyAll(branches, expr.location, "CASE");
  if (t.id() == TypeId::kNull) t = TypeId::kVarchar;
  for (size_t i = 0; i + 1 < values.size(); i++)
    e->children[2 * i + 1] = CastTo(std::move(values[i]), t, expr.location);
  e->children.push_back(CastTo(std::move(values.back()), t, expr.location));
  e->type = t;
  return e;
}

namespace {
/// A type name without the pg_catalog qualifier PostgreSQL's clients often write (pg_catalog.text).
std::string UnqualifiedTypeName(const std::string& name) {
  return name.rfind("pg_catalog.", 0) == 0 ? name.substr(11) : name;
}
}  // namespace

bool Binder::ObjectIdentifierType(const sql::TypeName& t) {
  const std::string name = UnqualifiedTypeName(t.name);
  return t.array_bounds == 0 && (name == "regclass" || name == "regtype" || name == "regnamespace" ||
                                 name == "regrole" || name == "regproc" || name == "regprocedure");
}

ExprPtr Binder::BindObjectIdentifierCast(const sql::ParsedExpr& expr, ExprPtr child) {
  // PostgreSQL's OID alias types: Basin keeps OIDs as BIGINT, so a cast from text finds the object's OID
  // (the alias type's input function) and a cast from a number names the object (its output function).
  std::string name = UnqualifiedTypeName(expr.type_name.name);
  if (name == "regproc" || name == "regprocedure") {
    // Functions have no OIDs in Basin: their names stay names.
    return CastTo(std::move(child), TypeId::kVarchar, expr.location);
  }
  const bool from_text = child->type.id() == TypeId::kVarchar || IsUntypedLiteral(*child);
  std::vector<ExprPtr> args;
  args.push_back(CastTo(std::move(child), from_text ? TypeId::kVarchar : TypeId::kBigInt, expr.location));
  return BindFunctionCall(name + (from_text ? "_in" : "_out"), std::move(args), expr.location);
}

LogicalType Binder::BindTypeName(const sql::TypeName& t) {
  try {
    LogicalType type = TypeFromName(UnqualifiedTypeName(t.name), t.modifiers.size() > 0 ? t.modifiers[0] : -1,
                                    t.modifiers.size() > 1 ? t.modifiers[1] : -1);
    for (int i = 0; i < t.array_bounds; i++) type = LogicalType::List(type);
    return type;
  } catch (Exception& e) {
    throw Exception(e.sqlstate(), e.message(), t.location);
  }
}

}  // namespace basin
