#include "catalog/system_catalog.h"

#include <mutex>

#include "catalog/catalog.h"
#include "common/exception.h"

namespace basin {

namespace {

constexpr uint32_t kFirstUserOid = 16385;  // 16384 is the database

uint32_t HashOid(const std::string& text) {
  // FNV-1a, folded into [16385, 2^31).
  uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  return kFirstUserOid + h % (0x80000000u - kFirstUserOid);
}

/// A column type as PostgreSQL declares it, in Basin's terms: oid and xid are BIGINT (unsigned 32-bit),
/// name and "char" VARCHAR, int2vector and oidvector arrays.
LogicalType ColumnType(const std::string& pg) {
  if (pg == "oid" || pg == "xid" || pg == "int8") return TypeId::kBigInt;
  if (pg == "name" || pg == "text" || pg == "char") return TypeId::kVarchar;
  if (pg == "bool") return TypeId::kBoolean;
  if (pg == "int2") return TypeId::kSmallInt;
  if (pg == "int4") return TypeId::kInteger;
  if (pg == "float4") return TypeId::kReal;
  if (pg == "float8") return TypeId::kDouble;
  if (pg == "timestamptz") return TypeId::kTimestampTz;
  if (pg.size() > 2 && pg.substr(pg.size() - 2) == "[]") return LogicalType::List(ColumnType(pg.substr(0, pg.size() - 2)));
  throw InternalError("unknown system column type " + pg);
}

/// A relation from "name type, name type, ..." as PostgreSQL's catalog documentation lists its columns.
SystemTableDef Def(const char* schema, const char* name, uint32_t oid, const char* columns) {
  SystemTableDef def;
  def.schema = schema;
  def.name = name;
  def.oid = oid != 0 ? oid : HashOid(std::string(schema) + "." + name);
  def.kind = std::string(schema) == kInformationSchema ? 'v' : 'r';
  std::string text = columns;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(pos, comma - pos);
    const size_t first = item.find_first_not_of(' ');
    item = item.substr(first);
    const size_t space = item.find(' ');
    def.names.push_back(item.substr(0, space));
    def.types.push_back(ColumnType(item.substr(space + 1)));
    pos = comma + 1;
  }
  return def;
}

const char* const kPg = kPgCatalogSchema;
const char* const kIs = kInformationSchema;

std::vector<SystemTableDef> MakeSystemTables() {
  return {
      Def(kPg, "pg_namespace", 2615, "oid oid, nspname name, nspowner oid, nspacl text[]"),
      Def(kPg, "pg_class", 1259,
          "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, "
          "relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, "
          "reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind char, relnatts int2, "
          "relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, relrowsecurity bool, "
          "relforcerowsecurity bool, relispopulated bool, relreplident char, relispartition bool, relrewrite oid, "
          "relfrozenxid xid, relminmxid xid, relacl text[], reloptions text[], relpartbound text"),
      Def(kPg, "pg_attribute", 1249,
          "attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, attndims int4, "
          "attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char, attcompression char, "
          "attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char, attgenerated char, "
          "attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, attacl text[], "
          "attoptions text[], attfdwoptions text[], attmissingval text"),
      Def(kPg, "pg_type", 1247,
          "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char, "
          "typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, "
          "typsubscript text, typelem oid, typarray oid, typinput text, typoutput text, typreceive text, "
          "typsend text, typmodin text, typmodout text, typanalyze text, typalign char, typstorage char, "
          "typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, typcollation oid, typdefaultbin text, "
          "typdefault text, typacl text[]"),
      Def(kPg, "pg_attrdef", 2604, "oid oid, adrelid oid, adnum int2, adbin text"),
      Def(kPg, "pg_constraint", 2606,
          "oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool, "
          "convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, "
          "confupdtype char, confdeltype char, confmatchtype char, conislocal bool, coninhcount int4, "
          "connoinherit bool, conkey int2[], confkey int2[], conpfeqop oid[], conppeqop oid[], conffeqop oid[], "
          "confdelsetcols int2[], conexclop oid[], conbin text"),
      Def(kPg, "pg_index", 2610,
          "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, "
          "indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, "
          "indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, "
          "indisreplident bool, indkey int2[], indcollation oid[], indclass oid[], indoption int2[], "
          "indexprs text, indpred text"),
      Def(kPg, "pg_am", 2601, "oid oid, amname name, amhandler text, amtype char"),
      Def(kPg, "pg_collation", 3456,
          "oid oid, collname name, collnamespace oid, collowner oid, collprovider char, "
          "collisdeterministic bool, collencoding int4, collcollate text, collctype text, colliculocale text, "
          "collicurules text, collversion text"),
      Def(kPg, "pg_database", 1262,
          "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool, "
          "datallowconn bool, datconnlimit int4, datfrozenxid xid, datminmxid xid, dattablespace oid, "
          "datcollate text, datctype text, daticulocale text, daticurules text, datcollversion text, "
          "datacl text[]"),
      Def(kPg, "pg_roles", 0,
          "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin bool, "
          "rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz, "
          "rolbypassrls bool, rolconfig text[], oid oid"),
      Def(kPg, "pg_user", 0,
          "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, "
          "passwd text, valuntil timestamptz, useconfig text[]"),
      Def(kPg, "pg_auth_members", 1261,
          "oid oid, roleid oid, member oid, grantor oid, admin_option bool, inherit_option bool, set_option bool"),
      Def(kPg, "pg_description", 2609, "objoid oid, classoid oid, objsubid int4, description text"),
      Def(kPg, "pg_tablespace", 1213, "oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]"),
      Def(kPg, "pg_settings", 0,
          "name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, "
          "vartype text, source text, min_val text, max_val text, enumvals text[], boot_val text, "
          "reset_val text, sourcefile text, sourceline int4, pending_restart bool"),
      Def(kPg, "pg_tables", 0,
          "schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, hasrules bool, "
          "hastriggers bool, rowsecurity bool"),
      Def(kPg, "pg_views", 0, "schemaname name, viewname name, viewowner name, definition text"),
      // Basin's own: the stream processor's jobs, as SHOW MATERIALIZED VIEWS gives them.
      Def(kPg, "basin_stream_jobs", 0,
          "name text, topic text, kind text, status text, epoch int8, committed_offsets text, lag int8, "
          "watermark timestamptz, watermark_delay_seconds float8, records_per_second float8, "
          "last_checkpoint timestamptz, records_in int8, rows_out int8, late_rows int8, state_bytes int8, "
          "join_rows int8, error text"),
      Def(kPg, "pg_stat_user_tables", 0,
          "relid oid, schemaname name, relname name, seq_scan int8, last_seq_scan timestamptz, "
          "seq_tup_read int8, idx_scan int8, last_idx_scan timestamptz, idx_tup_fetch int8, n_tup_ins int8, "
          "n_tup_upd int8, n_tup_del int8, n_tup_hot_upd int8, n_tup_newpage_upd int8, n_live_tup int8, "
          "n_dead_tup int8, n_mod_since_analyze int8, n_ins_since_vacuum int8, last_vacuum timestamptz, "
          "last_autovacuum timestamptz, last_analyze timestamptz, last_autoanalyze timestamptz, "
          "vacuum_count int8, autovacuum_count int8, analyze_count int8, autoanalyze_count int8"),
      Def(kPg, "pg_matviews", 0,
          "schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool, "
          "ispopulated bool, definition text"),
      Def(kPg, "pg_inherits", 2611, "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool"),
      Def(kPg, "pg_policy", 3256,
          "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], polqual text, "
          "polwithcheck text"),
      Def(kPg, "pg_statistic_ext", 3381,
          "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, "
          "stxkeys int2[], stxkind char[], stxexprs text"),
      Def(kPg, "pg_publication", 6104,
          "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, "
          "pubdelete bool, pubtruncate bool, pubviaroot bool"),
      Def(kPg, "pg_publication_namespace", 6237, "oid oid, pnpubid oid, pnnspid oid"),
      Def(kPg, "pg_publication_rel", 6106, "oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]"),
      Def(kPg, "pg_trigger", 2620,
          "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char, "
          "tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool, "
          "tginitdeferred bool, tgnargs int2, tgattr int2[], tgargs text, tgqual text, tgoldtable name, "
          "tgnewtable name"),
      Def(kPg, "pg_rewrite", 2618,
          "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, ev_qual text, "
          "ev_action text"),
      Def(kPg, "pg_extension", 3079,
          "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion text, "
          "extconfig oid[], extcondition text[]"),
      Def(kPg, "pg_enum", 3501, "oid oid, enumtypid oid, enumsortorder float4, enumlabel name"),
      Def(kPg, "pg_sequence", 2224,
          "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, "
          "seqcache int8, seqcycle bool"),
      Def(kPg, "pg_proc", 1255,
          "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4, "
          "provariadic oid, prosupport text, prokind char, prosecdef bool, proleakproof bool, proisstrict bool, "
          "proretset bool, provolatile char, proparallel char, pronargs int2, pronargdefaults int2, "
          "prorettype oid, proargtypes oid[], proallargtypes oid[], proargmodes char[], proargnames text[], "
          "proargdefaults text, protrftypes oid[], prosrc text, probin text, prosqlbody text, proconfig text[], "
          "proacl text[]"),
      Def(kPg, "pg_language", 2612,
          "oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool, lanplcallfoid oid, "
          "laninline oid, lanvalidator oid, lanacl text[]"),
      Def(kPg, "pg_operator", 2617,
          "oid oid, oprname name, oprnamespace oid, oprowner oid, oprkind char, oprcanmerge bool, "
          "oprcanhash bool, oprleft oid, oprright oid, oprresult oid, oprcom oid, oprnegate oid, oprcode oid, "
          "oprrest oid, oprjoin oid"),
      Def(kPg, "pg_conversion", 2607,
          "oid oid, conname name, connamespace oid, conowner oid, conforencoding int4, contoencoding int4, "
          "conproc text, condefault bool"),
      Def(kPg, "pg_event_trigger", 3466,
          "oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled char, evttags text[]"),
      Def(kPg, "pg_foreign_table", 3118, "ftrelid oid, ftserver oid, ftoptions text[]"),
      Def(kPg, "pg_foreign_server", 1417,
          "oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, srvversion text, srvacl text[], "
          "srvoptions text[]"),
      Def(kIs, "schemata", 0,
          "catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name, "
          "default_character_set_schema name, default_character_set_name name, sql_path text"),
      Def(kIs, "tables", 0,
          "table_catalog name, table_schema name, table_name name, table_type text, "
          "self_referencing_column_name name, reference_generation text, user_defined_type_catalog name, "
          "user_defined_type_schema name, user_defined_type_name name, is_insertable_into text, is_typed text, "
          "commit_action text"),
      Def(kIs, "columns", 0,
          "table_catalog name, table_schema name, table_name name, column_name name, ordinal_position int4, "
          "column_default text, is_nullable text, data_type text, character_maximum_length int4, "
          "character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, "
          "numeric_scale int4, datetime_precision int4, interval_type text, interval_precision int4, "
          "character_set_catalog name, character_set_schema name, character_set_name name, "
          "collation_catalog name, collation_schema name, collation_name name, domain_catalog name, "
          "domain_schema name, domain_name name, udt_catalog name, udt_schema name, udt_name name, "
          "scope_catalog name, scope_schema name, scope_name name, maximum_cardinality int4, "
          "dtd_identifier name, is_self_referencing text, is_identity text, identity_generation text, "
          "identity_start text, identity_increment text, identity_maximum text, identity_minimum text, "
          "identity_cycle text, is_generated text, generation_expression text, is_updatable text"),
      Def(kIs, "views", 0,
          "table_catalog name, table_schema name, table_name name, view_definition text, check_option text, "
          "is_updatable text, is_insertable_into text, is_trigger_updatable text, is_trigger_deletable text, "
          "is_trigger_insertable_into text"),
      Def(kIs, "table_constraints", 0,
          "constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, "
          "table_schema name, table_name name, constraint_type text, is_deferrable text, "
          "initially_deferred text, enforced text, nulls_distinct text"),
      Def(kIs, "key_column_usage", 0,
          "constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, "
          "table_schema name, table_name name, column_name name, ordinal_position int4, "
          "position_in_unique_constraint int4"),
      Def(kIs, "routines", 0,
          "specific_catalog name, specific_schema name, specific_name name, routine_catalog name, "
          "routine_schema name, routine_name name, routine_type text, data_type text"),
  };
}

/// Split "a.b" / "\"A\".b" into its parts, unquoting quoted ones and lower-casing the others.
std::vector<std::string> SplitQualifiedName(const std::string& text) {
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        parts.back() += '"';
        i++;
      } else if (c == '"') {
        quoted = false;
      } else {
        parts.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.emplace_back();
    } else if (c != ' ') {
      parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return parts;
}

}  // namespace

const std::vector<SystemTableDef>& SystemTables() {
  static const std::vector<SystemTableDef> tables = MakeSystemTables();
  return tables;
}

const SystemTableDef* FindSystemTable(const std::string& schema, const std::string& name) {
  const std::string& wanted = schema.empty() ? std::string(kPgCatalogSchema) : schema;
  if (wanted != kPgCatalogSchema && wanted != kInformationSchema) return nullptr;
  for (const SystemTableDef& def : SystemTables()) {
    if (def.schema == wanted && def.name == name) return &def;
  }
  return nullptr;
}

namespace pg_catalog {

uint32_t NamespaceOid(const std::string& schema) {
  if (schema == kPgCatalogSchema) return kPgCatalogNamespace;
  if (schema == Catalog::kDefaultSchema) return kPublicNamespace;
  if (schema == kInformationSchema) return kInformationSchemaNamespace;
  return HashOid("namespace " + schema);
}

uint32_t RelationOid(const std::string& schema, const std::string& name) {
  // System relations keep the fixed OIDs PostgreSQL gives the ones clients name (pg_class is 1259).
  if (const SystemTableDef* def = FindSystemTable(schema, name); def && !schema.empty()) return def->oid;
  return HashOid(schema + "." + name);
}

}  // namespace pg_catalog

std::optional<RelationName> FindRelationByOid(const Catalog& catalog, uint32_t oid) {
  for (const SystemTableDef& def : SystemTables()) {
    if (def.oid == oid) return RelationName{def.schema, def.name, def.kind};
  }
  if (oid < kFirstUserOid) return std::nullopt;
  for (const auto& t : catalog.Tables()) {
    if (pg_catalog::RelationOid(t->schema, t->name) == oid) return RelationName{t->schema, t->name, 'r'};
  }
  for (const auto& v : catalog.Views()) {
    if (pg_catalog::RelationOid(v->schema, v->name) == oid) return RelationName{v->schema, v->name, 'v'};
  }
  return std::nullopt;
}

std::optional<std::string> FindNamespaceByOid(const Catalog& catalog, uint32_t oid) {
  for (const char* schema : {kPgCatalogSchema, kInformationSchema}) {
    if (pg_catalog::NamespaceOid(schema) == oid) return std::string(schema);
  }
  for (const std::string& schema : catalog.SchemaNames()) {
    if (pg_catalog::NamespaceOid(schema) == oid) return schema;
  }
  return std::nullopt;
}

std::optional<RelationName> ResolveRelationName(const Catalog& catalog, const std::string& text) {
  const std::vector<std::string> parts = SplitQualifiedName(text);
  if (parts.empty() || parts.size() > 3 || parts.back().empty()) return std::nullopt;
  const std::string& name = parts.back();
  std::vector<std::string> schemas;
  if (parts.size() >= 2) {
    schemas.push_back(parts[parts.size() - 2]);
  } else {
    schemas = {kPgCatalogSchema, Catalog::kDefaultSchema};
  }
  for (const std::string& schema : schemas) {
    if (const SystemTableDef* def = FindSystemTable(schema, name)) return RelationName{def->schema, def->name, def->kind};
    if (catalog.GetTable(schema, name)) return RelationName{schema, name, 'r'};
    if (catalog.GetView(schema, name)) return RelationName{schema, name, 'v'};
  }
  return std::nullopt;
}

bool IsRelationVisible(const RelationName& relation) {
  if (relation.schema == kPgCatalogSchema) return true;
  return relation.schema == Catalog::kDefaultSchema && FindSystemTable(kPgCatalogSchema, relation.name) == nullptr;
}

}  // namespace basin
