#pragma once

// Basin's types as PostgreSQL names and numbers them (pg_type): the OIDs the PostgreSQL protocol puts in
// RowDescription and the virtual pg_catalog tables show, their sizes and type modifiers, and format_type's
// names. Values are fixed by PostgreSQL (src/include/catalog/pg_type.dat); clients hard-code them.

#include <cstdint>
#include <string>
#include <vector>

#include "types/logical_type.h"

namespace basin {

/// The PostgreSQL version Basin's dialect and catalog follow, as server_version and version() report it.
inline constexpr const char* kPgServerVersion = "16.0 (Basin)";
inline constexpr int kPgServerVersionNum = 160000;

namespace pg_oid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kUnknown = 705;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestampTz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kRegclass = 2205;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kJsonb = 3802;
}  // namespace pg_oid

/// One row of pg_type as Basin has it: a base type or its array type.
struct PgTypeInfo {
  uint32_t oid;
  const char* name;        ///< typname: "int4", "_int4"
  const char* sql_name;    ///< format_type's name: "integer", "integer[]"
  int16_t length;          ///< typlen: bytes, or -1 for variable length
  char category;           ///< typcategory: 'B' boolean, 'N' numeric, 'S' string, 'D' datetime, 'A' array ...
  uint32_t element;        ///< typelem of an array type, else 0
  uint32_t array;          ///< typarray of a base type, else 0
  TypeId id;               ///< the Basin type it stands for (kInvalid: none, listed for clients only)
};

/// Every type pg_type lists.
const std::vector<PgTypeInfo>& PgTypes();
/// The type of `oid`, or null.
const PgTypeInfo* FindPgType(uint32_t oid);

/// The OID of a Basin type: VARCHAR(n) is varchar, VARCHAR text, LIST(x) x's array type (a list of lists
/// too: PostgreSQL's arrays are multi-dimensional), NULL and unknown types text.
uint32_t PgTypeOid(const LogicalType& type);
/// The type modifier (atttypmod): DECIMAL(p,s) is ((p << 16) | s) + 4, VARCHAR(n) n + 4, else -1.
int32_t PgTypeModifier(const LogicalType& type);
/// The size (typlen): bytes for fixed-size types, -1 for the others.
int16_t PgTypeLength(const LogicalType& type);
/// The Basin type an OID sent by a client stands for, or TypeId::kInvalid for one without an exact match
/// (numeric, whose precision is the value's own, json, uuid, unknown, ...): such values are read as text.
LogicalType TypeFromPgOid(uint32_t oid);
/// format_type(oid, typmod): "integer", "character varying(20)", "numeric(10,2)", "text[]"; "???" for an
/// unknown OID, as PostgreSQL.
std::string PgFormatType(uint32_t oid, int32_t typmod);

}  // namespace basin
