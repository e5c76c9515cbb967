#include <algorithm>
#include <string_view>

#include "sql/parser/lexer.h"

namespace basin::sql {
namespace {

// PostgreSQL 16's kwlist.h, RESERVED_KEYWORD; kept sorted for binary search.
constexpr std::string_view kReserved[] = {
    "all",          "analyse",
    "analyze",      "and",
    "any",          "array",
    "as",           "asc",
    "asymmetric",   "both",
    "case",         "cast",
    "check",        "collate",
    "column",       "constraint",
    "create",       "current_catalog",
    "current_date", "current_role",
    "current_time", "current_timestamp",
    "current_user", "default",
    "deferrable",   "desc",
    "distinct",     "do",
    "else",         "end",
    "except",       "false",
    "fetch",        "for",
    "foreign",      "from",
    "grant",        "group",
    "having",       "in",
    "initially",    "intersect",
    "into",         "lateral",
    "leading",      "limit",
    "localtime",    "localtimestamp",
    "not",          "null",
    "offset",       "on",
    "only",         "or",
    "order",        "placing",
    "primary",      "references",
    "returning",    "select",
    "session_user", "some",
    "symmetric",    "system_user",
    "table",        "then",
    "to",           "trailing",
    "true",         "union",
    "unique",       "user",
    "using",        "variadic",
    "when",         "where",
    "window",       "with",
};

// TYPE_FUNC_NAME_KEYWORD: usable as function or type names, not as column names or bare aliases.
constexpr std::string_view kTypeFunc[] = {
    "authorization", "binary", "collation", "concurrently", "cross",   "current_schema", "freeze",  "full",
    "ilike",         "inner",  "is",        "isnull",       "join",    "left",           "like",    "natural",
    "notnull",       "outer",  "overlaps",  "right",        "similar", "tablesample",    "verbose",
};

// COL_NAME_KEYWORD (the subset Basin's grammar gives meaning to): usable as column names.
constexpr std::string_view kColName[] = {
    "between",   "bigint", "bit",      "boolean",  "char",      "character", "coalesce",  "dec",
    "decimal",   "exists", "extract",  "float",    "greatest",  "grouping",  "int",       "integer",
    "interval",  "least",  "national", "nchar",    "nullif",    "numeric",   "overlay",   "position",
    "precision", "real",   "row",      "smallint", "substring", "time",      "timestamp", "trim",
};

template <size_t N>
bool Contains(const std::string_view (&words)[N], std::string_view word) {
  return std::binary_search(words, words + N, word);
}

template <size_t N>
constexpr bool IsSorted(const std::string_view (&words)[N]) {
  for (size_t i = 1; i < N; ++i) {
    if (!(words[i - 1] < words[i])) return false;
  }
  return true;
}
static_assert(IsSorted(kReserved) && IsSorted(kTypeFunc) && IsSorted(kColName),
              "keyword lists must be sorted");

}  // namespace

KeywordCategory GetKeywordCategory(std::string_view word) {
  if (Contains(kReserved, word)) return KeywordCategory::kReserved;
  if (Contains(kTypeFunc, word)) return KeywordCategory::kTypeFunc;
  if (Contains(kColName, word)) return KeywordCategory::kColName;
  return KeywordCategory::kUnreserved;
}

}  // namespace basin::sql
