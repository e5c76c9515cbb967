#pragma once

// The PostgreSQL system catalogs (pg_catalog) and information_schema views as Basin has them: their names,
// columns and OIDs, and the OIDs Basin's objects are known by there. Clients (psql's \d commands, drivers,
// BI tools) read them to discover tables; main/pg_catalog.cc fills their rows from the catalog whenever a
// statement reads one, so they are always current and never stored.
//
// OIDs: PostgreSQL's fixed ones for the built-in types, namespaces and the catalogs clients name (pg_class is
// 1259); for tables, views and schemas a hash of the qualified name, in [16384, 2^31) as PostgreSQL's user
// objects, stable across statements and restarts (a rename gives a new OID; two names colliding is as
// unlikely as a 31-bit hash collision in a catalog of that size).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types/logical_type.h"

namespace basin {

class Catalog;

/// One virtual relation of pg_catalog or information_schema.
struct SystemTableDef {
  std::string schema;  ///< "pg_catalog" or "information_schema"
  std::string name;
  uint32_t oid = 0;
  char kind = 'r';  ///< relkind: 'r' for pg_catalog's tables, 'v' for views
  std::vector<std::string> names;
  std::vector<LogicalType> types;
};

inline constexpr const char* kPgCatalogSchema = "pg_catalog";
inline constexpr const char* kInformationSchema = "information_schema";

/// Every virtual relation, pg_catalog's first.
const std::vector<SystemTableDef>& SystemTables();
/// The relation `schema.name`, or null. An unqualified name (empty schema) finds pg_catalog's relations,
/// which PostgreSQL searches before any other schema.
const SystemTableDef* FindSystemTable(const std::string& schema, const std::string& name);

/// OIDs of Basin's objects.
namespace pg_catalog {
inline constexpr uint32_t kPgCatalogNamespace = 11;
inline constexpr uint32_t kPublicNamespace = 2200;
inline constexpr uint32_t kInformationSchemaNamespace = 13000;
inline constexpr uint32_t kOwner = 10;  ///< the one role that owns everything: basin
inline constexpr uint32_t kDatabase = 16384;
inline constexpr uint32_t kPgClass = 1259;  ///< pg_description.classoid of tables and columns
inline constexpr int32_t kUtf8Encoding = 6;

uint32_t NamespaceOid(const std::string& schema);
/// A table's or view's OID (system relations included).
uint32_t RelationOid(const std::string& schema, const std::string& name);
}  // namespace pg_catalog

/// A relation found by OID.
struct RelationName {
  std::string schema;
  std::string name;
  char kind = 'r';  ///< 'r' table, 'v' view
};
/// The table, view or system relation with this OID, or nullopt.
std::optional<RelationName> FindRelationByOid(const Catalog& catalog, uint32_t oid);
/// The schema with this OID, or nullopt.
std::optional<std::string> FindNamespaceByOid(const Catalog& catalog, uint32_t oid);
/// The relation a name denotes as regclass input does: "t", "s.t", quoted parts; unqualified names are
/// looked up in pg_catalog, then public. Nullopt when no such relation exists.
std::optional<RelationName> ResolveRelationName(const Catalog& catalog, const std::string& text);
/// Whether a relation is visible without qualification (pg_table_is_visible): it is in pg_catalog, or in
/// public with no pg_catalog relation of its name.
bool IsRelationVisible(const RelationName& relation);

}  // namespace basin
