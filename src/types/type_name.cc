// TypeFromName (declared in types/logical_type.h): the SQL spellings of each type.

#include <string>
#include <string_view>

#include "common/exception.h"
#include "types/logical_type.h"

namespace basin {

namespace {

/// What a type does with "(m1[, m2])" after its name.
enum class Modifiers {
  kRejected,  // INTEGER(5): an error, as in PostgreSQL
  kIgnored,   // TIMESTAMP(3): precisions Basin does not enforce
  kLength,    // VARCHAR(n), CHAR(n): a maximum length in characters (CHAR is not blank-padded)
  kDecimal,   // NUMERIC(p[, s])
  kFloat,     // FLOAT(p): REAL up to 24 bits, DOUBLE up to 53
};

struct TypeName {
  std::string_view name;
  TypeId id;
  Modifiers modifiers;
};

// PostgreSQL's names and aliases (and DuckDB's STRING, BLOB, DATETIME), lowercased with single spaces.
constexpr TypeName kTypeNames[] = {
    {"bool", TypeId::kBoolean, Modifiers::kRejected},
    {"boolean", TypeId::kBoolean, Modifiers::kRejected},
    {"int2", TypeId::kSmallInt, Modifiers::kRejected},
    {"smallint", TypeId::kSmallInt, Modifiers::kRejected},
    {"int", TypeId::kInteger, Modifiers::kRejected},
    {"int4", TypeId::kInteger, Modifiers::kRejected},
    {"integer", TypeId::kInteger, Modifiers::kRejected},
    {"int8", TypeId::kBigInt, Modifiers::kRejected},
    {"bigint", TypeId::kBigInt, Modifiers::kRejected},
    {"real", TypeId::kReal, Modifiers::kRejected},
    {"float4", TypeId::kReal, Modifiers::kRejected},
    {"float", TypeId::kDouble, Modifiers::kFloat},
    {"float8", TypeId::kDouble, Modifiers::kRejected},
    {"double", TypeId::kDouble, Modifiers::kRejected},
    {"double precision", TypeId::kDouble, Modifiers::kRejected},
    {"numeric", TypeId::kDecimal, Modifiers::kDecimal},
    {"decimal", TypeId::kDecimal, Modifiers::kDecimal},
    {"dec", TypeId::kDecimal, Modifiers::kDecimal},
    {"varchar", TypeId::kVarchar, Modifiers::kLength},
    {"character varying", TypeId::kVarchar, Modifiers::kLength},
    {"text", TypeId::kVarchar, Modifiers::kIgnored},
    {"string", TypeId::kVarchar, Modifiers::kIgnored},
    {"char", TypeId::kVarchar, Modifiers::kLength},
    {"character", TypeId::kVarchar, Modifiers::kLength},
    {"bpchar", TypeId::kVarchar, Modifiers::kLength},
    {"bytea", TypeId::kBlob, Modifiers::kRejected},
    {"blob", TypeId::kBlob, Modifiers::kRejected},
    {"date", TypeId::kDate, Modifiers::kRejected},
    {"time", TypeId::kTime, Modifiers::kIgnored},
    {"time without time zone", TypeId::kTime, Modifiers::kIgnored},
    {"timestamp", TypeId::kTimestamp, Modifiers::kIgnored},
    {"timestamp without time zone", TypeId::kTimestamp, Modifiers::kIgnored},
    {"datetime", TypeId::kTimestamp, Modifiers::kIgnored},
    {"timestamptz", TypeId::kTimestampTz, Modifiers::kIgnored},
    {"timestamp with time zone", TypeId::kTimestampTz, Modifiers::kIgnored},
    {"interval", TypeId::kInterval, Modifiers::kIgnored},
    // PostgreSQL's catalog types, as its system catalogs use them: OIDs and transaction ids are unsigned
    // 32-bit numbers, names are text.
    {"oid", TypeId::kBigInt, Modifiers::kRejected},
    {"xid", TypeId::kBigInt, Modifiers::kRejected},
    {"name", TypeId::kVarchar, Modifiers::kRejected},
};

/// Lowercase, trim, and collapse runs of whitespace, so "Double   Precision" finds "double precision".
std::string Normalize(std::string_view name) {
  std::string out;
  bool pending_space = false;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

LogicalType DecimalFromModifiers(int64_t precision, int64_t scale) {
  if (precision < 0 && scale < 0) return LogicalType::Decimal(18, 3);  // DuckDB's default
  if (precision < 1 || precision > LogicalType::kMaxDecimalWidth) {
    throw BinderError(sqlstate::kInvalidParameterValue, "NUMERIC precision " + std::to_string(precision) +
                                                            " must be between 1 and " +
                                                            std::to_string(LogicalType::kMaxDecimalWidth));
  }
  if (scale < 0) scale = 0;  // NUMERIC(p) has scale 0 (scale is -1 only when absent)
  if (scale > precision) {
    throw BinderError(sqlstate::kInvalidParameterValue, "NUMERIC scale " + std::to_string(scale) +
                                                            " must be between 0 and precision " +
                                                            std::to_string(precision));
  }
  return LogicalType::Decimal(static_cast<uint8_t>(precision), static_cast<uint8_t>(scale));
}

LogicalType FloatFromModifiers(int64_t bits, int64_t extra) {
  if (extra >= 0) {
    throw BinderError(sqlstate::kSyntaxError,
                      "type modifier is not allowed for type \"float\" with two values");
  }
  if (bits < 0) return TypeId::kDouble;
  if (bits < 1) {
    throw BinderError(sqlstate::kInvalidParameterValue, "precision for type float must be at least 1 bit");
  }
  if (bits > 53) {
    throw BinderError(sqlstate::kInvalidParameterValue, "precision for type float must be less than 54 bits");
  }
  return bits <= 24 ? TypeId::kReal : TypeId::kDouble;
}

LogicalType VarcharFromModifiers(const std::string& name, int64_t length, int64_t extra) {
  if (extra >= 0) {
    throw BinderError(sqlstate::kSyntaxError,
                      "type modifier is not allowed for type \"" + name + "\" with two values");
  }
  if (length < 0) return TypeId::kVarchar;
  if (length < 1) {
    throw BinderError(sqlstate::kInvalidParameterValue, "length for type " + name + " must be at least 1");
  }
  if (length > LogicalType::kMaxVarcharLength) {
    throw BinderError(sqlstate::kInvalidParameterValue, "length for type " + name + " cannot exceed " +
                                                            std::to_string(LogicalType::kMaxVarcharLength));
  }
  return LogicalType::Varchar(static_cast<uint32_t>(length));
}

}  // namespace

LogicalType TypeFromName(const std::string& name, int64_t mod1, int64_t mod2) {
  const std::string key = Normalize(name);
  if (key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0) {
    std::string element = key.substr(0, key.size() - 2);
    while (!element.empty() && element.back() == ' ') element.pop_back();
    return LogicalType::List(TypeFromName(element, mod1, mod2));
  }
  for (const TypeName& t : kTypeNames) {
    if (t.name != key) continue;
    switch (t.modifiers) {
      case Modifiers::kDecimal:
        return DecimalFromModifiers(mod1, mod2);
      case Modifiers::kFloat:
        return FloatFromModifiers(mod1, mod2);
      case Modifiers::kLength:
        return VarcharFromModifiers(key, mod1, mod2);
      case Modifiers::kIgnored:
        return t.id;
      case Modifiers::kRejected:
        if (mod1 >= 0 || mod2 >= 0) {
          throw BinderError(sqlstate::kSyntaxError, "type modifier is not allowed for type \"" + key + "\"");
        }
        return t.id;
    }
  }
  throw BinderError(sqlstate::kUndefinedObject, "type \"" + key + "\" does not exist");
}

}  // namespace basin
