#include "types/pg_type.h"

namespace basin {

namespace {

constexpr TypeId kNone = TypeId::kInvalid;

// Base types, then their array types, as pg_type.dat has them.
const std::vector<PgTypeInfo> kTypes = {
    {pg_oid::kBool, "bool", "boolean", 1, 'B', 0, 1000, TypeId::kBoolean},
    {pg_oid::kBytea, "bytea", "bytea", -1, 'U', 0, 1001, TypeId::kBlob},
    {pg_oid::kChar, "char", "\"char\"", 1, 'Z', 0, 1002, kNone},
    {pg_oid::kName, "name", "name", 64, 'S', 0, 1003, kNone},
    {pg_oid::kInt8, "int8", "bigint", 8, 'N', 0, 1016, TypeId::kBigInt},
    {pg_oid::kInt2, "int2", "smallint", 2, 'N', 0, 1005, TypeId::kSmallInt},
    {pg_oid::kInt4, "int4", "integer", 4, 'N', 0, 1007, TypeId::kInteger},
    {pg_oid::kText, "text", "text", -1, 'S', 0, 1009, TypeId::kVarchar},
    {pg_oid::kOid, "oid", "oid", 4, 'N', 0, 1028, kNone},
    {pg_oid::kJson, "json", "json", -1, 'U', 0, 199, kNone},
    {pg_oid::kFloat4, "float4", "real", 4, 'N', 0, 1021, TypeId::kReal},
    {pg_oid::kFloat8, "float8", "double precision", 8, 'N', 0, 1022, TypeId::kDouble},
    {pg_oid::kUnknown, "unknown", "unknown", -2, 'X', 0, 0, kNone},
    {pg_oid::kBpchar, "bpchar", "character", -1, 'S', 0, 1014, kNone},
    {pg_oid::kVarchar, "varchar", "character varying", -1, 'S', 0, 1015, TypeId::kVarchar},
    {pg_oid::kDate, "date", "date", 4, 'D', 0, 1182, TypeId::kDate},
    {pg_oid::kTime, "time", "time without time zone", 8, 'D', 0, 1183, TypeId::kTime},
    {pg_oid::kTimestamp, "timestamp", "timestamp without time zone", 8, 'D', 0, 1115, TypeId::kTimestamp},
    {pg_oid::kTimestampTz, "timestamptz", "timestamp with time zone", 8, 'D', 0, 1185, TypeId::kTimestampTz},
    {pg_oid::kInterval, "interval", "interval", 16, 'T', 0, 1187, TypeId::kInterval},
    {pg_oid::kNumeric, "numeric", "numeric", -1, 'N', 0, 1231, TypeId::kDecimal},
    {pg_oid::kRegclass, "regclass", "regclass", 4, 'N', 0, 2210, kNone},
    {pg_oid::kUuid, "uuid", "uuid", 16, 'U', 0, 2951, kNone},
    {pg_oid::kJsonb, "jsonb", "jsonb", -1, 'U', 0, 3807, kNone},
    {2276, "any", "\"any\"", 4, 'P', 0, 0, kNone},
    {2277, "anyarray", "anyarray", -1, 'P', 0, 0, kNone},
    {2278, "void", "void", 4, 'P', 0, 0, kNone},
    {1000, "_bool", "boolean[]", -1, 'A', pg_oid::kBool, 0, TypeId::kList},
    {1001, "_bytea", "bytea[]", -1, 'A', pg_oid::kBytea, 0, TypeId::kList},
    {1002, "_char", "\"char\"[]", -1, 'A', pg_oid::kChar, 0, kNone},
    {1003, "_name", "name[]", -1, 'A', pg_oid::kName, 0, kNone},
    {1016, "_int8", "bigint[]", -1, 'A', pg_oid::kInt8, 0, TypeId::kList},
    {1005, "_int2", "smallint[]", -1, 'A', pg_oid::kInt2, 0, TypeId::kList},
    {1007, "_int4", "integer[]", -1, 'A', pg_oid::kInt4, 0, TypeId::kList},
    {1009, "_text", "text[]", -1, 'A', pg_oid::kText, 0, TypeId::kList},
    {1028, "_oid", "oid[]", -1, 'A', pg_oid::kOid, 0, kNone},
    {199, "_json", "json[]", -1, 'A', pg_oid::kJson, 0, kNone},
    {1021, "_float4", "real[]", -1, 'A', pg_oid::kFloat4, 0, TypeId::kList},
    {1022, "_float8", "double precision[]", -1, 'A', pg_oid::kFloat8, 0, TypeId::kList},
    {1014, "_bpchar", "character[]", -1, 'A', pg_oid::kBpchar, 0, kNone},
    {1015, "_varchar", "character varying[]", -1, 'A', pg_oid::kVarchar, 0, TypeId::kList},
    {1182, "_date", "date[]", -1, 'A', pg_oid::kDate, 0, TypeId::kList},
    {1183, "_time", "time without time zone[]", -1, 'A', pg_oid::kTime, 0, TypeId::kList},
    {1115, "_timestamp", "timestamp without time zone[]", -1, 'A', pg_oid::kTimestamp, 0, TypeId::kList},
    {1185, "_timestamptz", "timestamp with time zone[]", -1, 'A', pg_oid::kTimestampTz, 0, TypeId::kList},
    {1187, "_interval", "interval[]", -1, 'A', pg_oid::kInterval, 0, TypeId::kList},
    {1231, "_numeric", "numeric[]", -1, 'A', pg_oid::kNumeric, 0, TypeId::kList},
    {2210, "_regclass", "regclass[]", -1, 'A', pg_oid::kRegclass, 0, kNone},
    {2951, "_uuid", "uuid[]", -1, 'A', pg_oid::kUuid, 0, kNone},
    {3807, "_jsonb", "jsonb[]", -1, 'A', pg_oid::kJsonb, 0, kNone},
};

/// The innermost element of a list (of lists).
const LogicalType& Innermost(const LogicalType& type) {
  return type.id() == TypeId::kList ? Innermost(type.element()) : type;
}

}  // namespace

const std::vector<PgTypeInfo>& PgTypes() {
  return kTypes;
}

const PgTypeInfo* FindPgType(uint32_t oid) {
  for (const PgTypeInfo& t : kTypes) {
    if (t.oid == oid) return &t;
  }
  return nullptr;
}

uint32_t PgTypeOid(const LogicalType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return pg_oid::kBool;
    case TypeId::kSmallInt: return pg_oid::kInt2;
    case TypeId::kInteger: return pg_oid::kInt4;
    case TypeId::kBigInt: return pg_oid::kInt8;
    case TypeId::kReal: return pg_oid::kFloat4;
    case TypeId::kDouble: return pg_oid::kFloat8;
    case TypeId::kDecimal: return pg_oid::kNumeric;
    case TypeId::kVarchar: return type.max_length() > 0 ? pg_oid::kVarchar : pg_oid::kText;
    case TypeId::kBlob: return pg_oid::kBytea;
    case TypeId::kDate: return pg_oid::kDate;
    case TypeId::kTime: return pg_oid::kTime;
    case TypeId::kTimestamp: return pg_oid::kTimestamp;
    case TypeId::kTimestampTz: return pg_oid::kTimestampTz;
    case TypeId::kInterval: return pg_oid::kInterval;
    case TypeId::kList: {
      const PgTypeInfo* element = FindPgType(PgTypeOid(Innermost(type)));
      return element && element->array != 0 ? element->array : 1009;  // text[]
    }
    case TypeId::kInvalid:
    case TypeId::kNull: break;
  }
  return pg_oid::kText;
}

int32_t PgTypeModifier(const LogicalType& type) {
  const LogicalType& t = Innermost(type);
  if (t.id() == TypeId::kDecimal) return ((int32_t{t.width()} << 16) | t.scale()) + 4;
  if (t.id() == TypeId::kVarchar && t.max_length() > 0) return static_cast<int32_t>(t.max_length()) + 4;
  return -1;
}

int16_t PgTypeLength(const LogicalType& type) {
  const PgTypeInfo* info = FindPgType(PgTypeOid(type));
  return info ? info->length : -1;
}

LogicalType TypeFromPgOid(uint32_t oid) {
  const PgTypeInfo* info = FindPgType(oid);
  if (!info || info->id == TypeId::kInvalid || info->id == TypeId::kDecimal) return TypeId::kInvalid;
  if (info->element != 0) {
    const LogicalType element = TypeFromPgOid(info->element);
    if (element.id() == TypeId::kInvalid) return TypeId::kInvalid;
    return LogicalType::List(element);
  }
  return info->id;
}

std::string PgFormatType(uint32_t oid, int32_t typmod) {
  const PgTypeInfo* info = FindPgType(oid);
  if (!info) return "???";
  if (info->element != 0) return PgFormatType(info->element, typmod) + "[]";
  std::string name = info->sql_name;
  if (typmod < 4) return name;
  if (oid == pg_oid::kNumeric) {
    const int32_t bits = typmod - 4;
    return name + "(" + std::to_string(bits >> 16) + "," + std::to_string(bits & 0xffff) + ")";
  }
  if (oid == pg_oid::kVarchar || oid == pg_oid::kBpchar) return name + "(" + std::to_string(typmod - 4) + ")";
  return name;
}

}  // namespace basin
