#pragma once

// Helpers shared by the parser's unit tests: a compact printer for expressions and typed parse helpers.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception.h"
#include "sql/parser/parser.h"

namespace basin::sql::test {

// Renders an expression as a compact S-expression, so precedence tests read as one line.
inline std::string Show(const ParsedExpr& e);

inline std::string ShowList(const std::vector<ParsedExprPtr>& items, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i) out += (i > from ? " " : "") + Show(*items[i]);
  return out;
}

inline std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ".") + n;
  return out;
}

inline std::string Show(const ParsedExpr& e) {
  switch (e.kind) {
    case ExprKind::kConstant:
      switch (e.constant_kind) {
        case ConstantKind::kNull:
          return "NULL";
        case ConstantKind::kString:
          return "'" + e.text + "'";
        case ConstantKind::kBitString:
          return "B'" + e.text + "'";
        default:
          return e.text;
      }
    case ExprKind::kColumnRef:
      return Join(e.names);
    case ExprKind::kStar:
      return e.names.empty() ? "*" : Join(e.names) + ".*";
    case ExprKind::kParameter:
      return "$" + std::to_string(e.parameter_index);
    case ExprKind::kUnaryOp:
      return "(" + e.op + " " + Show(*e.children[0]) + ")";
    case ExprKind::kBinaryOp:
      return "(" + Show(*e.children[0]) + " " + e.op + " " + Show(*e.children[1]) + ")";
    case ExprKind::kIsNull:
      return "(" + Show(*e.children[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kIsBool:
      return "(" + Show(*e.children[0]) + (e.negated ? " IS NOT " : " IS ") + e.op + ")";
    case ExprKind::kIsDistinct:
      return "(" + Show(*e.children[0]) + (e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") +
             Show(*e.children[1]) + ")";
    case ExprKind::kBetween:
      return "(" + Show(*e.children[0]) + (e.negated ? " NOT" : "") + " BETWEEN" +
             (e.symmetric ? " SYMMETRIC " : " ") + Show(*e.children[1]) + " AND " + Show(*e.children[2]) +
             ")";
    case ExprKind::kInList:
      return "(" + Show(*e.children[0]) + (e.negated ? " NOT IN [" : " IN [") + ShowList(e.children, 1) +
             "])";
    case ExprKind::kLike:
      return "(" + Show(*e.children[0]) + (e.negated ? " NOT " : " ") + e.op + " " + Show(*e.children[1]) +
             (e.children.size() > 2 ? " ESCAPE " + Show(*e.children[2]) : "") + ")";
    case ExprKind::kCase: {
      std::string out = "(CASE";
      if (e.case_operand) out += " " + Show(*e.case_operand);
      for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
        out += " WHEN " + Show(*e.children[i]) + " THEN " + Show(*e.children[i + 1]);
      }
      if (e.case_else) out += " ELSE " + Show(*e.case_else);
      return out + ")";
    }
    case ExprKind::kCast: {
      std::string type = e.type_name.name;
      if (!e.type_name.modifiers.empty()) {
        type += "(";
        for (size_t i = 0; i < e.type_name.modifiers.size(); ++i) {
          type += (i ? "," : "") + std::to_string(e.type_name.modifiers[i]);
        }
        type += ")";
      }
      for (int i = 0; i < e.type_name.array_bounds; ++i) type += "[]";
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + Show(*e.children[0]) + " AS " + type + ")";
    }
    case ExprKind::kFunction: {
      std::string out = (e.names.empty() ? "" : Join(e.names) + ".") + e.function_name + "(";
      if (e.distinct) out += "DISTINCT ";
      out += e.star ? "*" : ShowList(e.children);
      if (!e.agg_order_by.empty()) out += e.within_group ? " WITHIN GROUP" : " ORDER BY";
      out += ")";
      if (e.filter) out += " FILTER " + Show(*e.filter);
      if (e.ignore_nulls) out += " IGNORE NULLS";
      if (e.window) out += " OVER";
      return out;
    }
    case ExprKind::kSubquery: {
      const char* kinds[] = {"SCALAR", "EXISTS", "ANY", "ALL", "ARRAY"};
      std::string out = std::string("(") + kinds[static_cast<int>(e.subquery_kind)];
      if (!e.children.empty()) out = "(" + Show(*e.children[0]) + " " + e.op + " " + (out.c_str() + 1);
      if (e.children.size() > 1) out += " " + Show(*e.children[1]);
      return out + (e.subquery ? " <query>)" : ")");
    }
    case ExprKind::kArray:
      return "ARRAY[" + ShowList(e.children) + "]";
    case ExprKind::kRow:
      return "ROW(" + ShowList(e.children) + ")";
    case ExprKind::kDefault:
      return "DEFAULT";
    case ExprKind::kFieldAccess:
      return "(" + Show(*e.children[0]) + ")." + e.names[0];
  }
  return "?";
}

inline std::string Expr(std::string_view sql) {
  return Show(*ParseExpression(sql));
}

template <typename T>
std::unique_ptr<T> Parse(std::string_view sql, StatementKind kind) {
  std::unique_ptr<Statement> stmt = ParseStatement(sql);
  EXPECT_EQ(stmt->kind, kind) << sql;
  return std::unique_ptr<T>(static_cast<T*>(stmt.release()));
}

inline std::unique_ptr<SelectStatement> Select(std::string_view sql) {
  return std::move(Parse<SelectStmt>(sql, StatementKind::kSelect)->select);
}

// Returns the ParserError (or other basin::Exception) that parsing throws; fails if none is thrown.
inline Exception ErrorOf(std::string_view sql) {
  try {
    ParseStatement(sql);
  } catch (const Exception& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error for: " << sql;
  return Exception("", "", -2);
}

}  // namespace basin::sql::test
