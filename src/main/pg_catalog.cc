// The rows of pg_catalog and information_schema, made from Basin's catalog each time a statement reads one.

#include "main/pg_catalog.h"

#include <functional>
#include <map>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/functions/pg_proc.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"
#include "types/pg_type.h"

namespace basin {

namespace {

using namespace pg_catalog;

constexpr const char* kDatabaseName = "basin";
constexpr const char* kOwnerName = "basin";
constexpr uint32_t kHeapAm = 2;
constexpr uint32_t kDefaultCollation = 100;

struct Column {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;
  std::string comment;
};

/// A table, view or system relation with what the catalogs say of it.
struct Relation {
  std::string schema;
  std::string name;
  uint32_t oid = 0;
  char kind = 'r';
  bool system = false;
  bool columns_known = true;  ///< false for a view whose query does not bind any more
  std::vector<Column> columns;
  std::string comment;
  std::string definition;  ///< a view's query
};

/// Every relation; views' columns come from binding their queries, done only when `view_columns`.
std::vector<Relation> Relations(ClientContext& context, bool view_columns) {
  std::vector<Relation> out;
  for (const SystemTableDef& def : SystemTables()) {
    Relation r{def.schema, def.name, def.oid, def.kind, true, true, {}, "", ""};
    for (size_t i = 0; i < def.names.size(); i++) r.columns.push_back({def.names[i], def.types[i], false, "", ""});
    out.push_back(std::move(r));
  }
  Catalog& catalog = context.catalog();
  for (const auto& t : catalog.Tables()) {
    Relation r{t->schema, t->name, RelationOid(t->schema, t->name), 'r', false, true, {}, t->comment, ""};
    for (const ColumnDefinition& c : t->columns) r.columns.push_back({c.name, c.type, c.not_null, c.default_sql, c.comment});
    out.push_back(std::move(r));
  }
  for (const auto& v : catalog.Views()) {
    Relation r{v->schema, v->name, RelationOid(v->schema, v->name), 'v', false, false, {}, "", v->query_sql};
    if (view_columns) {
      try {
        auto stmt = sql::ParseStatement(v->query_sql);
        Binder binder(context);
        BoundQuery q = binder.BindQuery(*static_cast<const sql::SelectStmt&>(*stmt).select);
        for (size_t i = 0; i < q.names.size(); i++) {
          const std::string& name = i < v->column_aliases.size() ? v->column_aliases[i] : q.names[i];
          r.columns.push_back({name, q.types[i].id() == TypeId::kNull ? LogicalType(TypeId::kVarchar) : q.types[i]});
        }
        r.columns_known = true;
      } catch (const Exception&) {
        // A view over a dropped table: listed without columns, as PostgreSQL cannot have it.
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

/// Rows of one relation, each column NULL (false or 0 for booleans and numbers) until set by name.
class Rows {
 public:
  explicit Rows(const SystemTableDef& def) : def_(def) {
    out_.names = def.names;
    out_.types = def.types;
  }
  Rows& Add() {
    auto& row = out_.rows.emplace_back();
    for (const LogicalType& t : def_.types) {
      if (t.id() == TypeId::kBoolean) {
        row.push_back(Value::Boolean(false));
      } else if (t.IsNumeric()) {
        row.push_back(CastValue(Value::Integer(0), t));
      } else {
        row.push_back(Value::Null(t));
      }
    }
    return *this;
  }
  Rows& Set(const std::string& column, const Value& value) {
    for (size_t i = 0; i < def_.names.size(); i++) {
      if (def_.names[i] != column) continue;
      const LogicalType& t = def_.types[i];
      out_.rows.back()[i] = value.IsNull() ? Value::Null(t) : value.type() == t ? value : CastValue(value, t);
      return *this;
    }
    throw InternalError("no column " + column + " in " + def_.name);
  }
  MetadataRows Take() { return std::move(out_); }

 private:
  const SystemTableDef& def_;
  MetadataRows out_;
};

Value Oid(uint32_t oid) {
  return Value::BigInt(oid);
}
Value Text(const std::string& s) {
  return Value::Varchar(s);
}
Value Char(char c) {
  return Value::Varchar(c == 0 ? std::string() : std::string(1, c));
}
Value Int(int64_t v) {
  return Value::BigInt(v);
}
Value Bool(bool b) {
  return Value::Boolean(b);
}
Value YesNo(bool b) {
  return Value::Varchar(b ? "YES" : "NO");
}

/// How many [] a type has.
int Dimensions(const LogicalType& type) {
  return type.id() == TypeId::kList ? 1 + Dimensions(type.element()) : 0;
}

char Align(int16_t length) {
  switch (length) {
    case 1: return 'c';
    case 2: return 's';
    case 8:
    case 16: return 'd';
    default: return 'i';
  }
}

bool IsTextType(uint32_t oid) {
  return oid == pg_oid::kText || oid == pg_oid::kVarchar || oid == pg_oid::kBpchar || oid == pg_oid::kName;
}

/// Schemas in the order pg_namespace lists them.
std::vector<std::string> Schemas(ClientContext& context) {
  std::vector<std::string> schemas = {kPgCatalogSchema, kInformationSchema};
  for (const std::string& s : context.catalog().SchemaNames()) schemas.push_back(s);
  return schemas;
}

// ---- pg_catalog ----

void Namespaces(ClientContext& context, Rows& rows) {
  for (const std::string& schema : Schemas(context)) {
    rows.Add().Set("oid", Oid(NamespaceOid(schema))).Set("nspname", Text(schema)).Set("nspowner", Oid(kOwner));
  }
}

void Classes(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, false)) {
    rows.Add()
        .Set("oid", Oid(r.oid))
        .Set("relname", Text(r.name))
        .Set("relnamespace", Oid(NamespaceOid(r.schema)))
        .Set("relowner", Oid(kOwner))
        .Set("relam", Oid(r.kind == 'r' ? kHeapAm : 0))
        .Set("reltuples", Value::Real(-1))
        .Set("relpersistence", Char('p'))
        .Set("relkind", Char(r.kind))
        .Set("relnatts", Int(static_cast<int64_t>(r.columns.size())))
        .Set("relhasrules", Bool(r.kind == 'v'))
        .Set("relispopulated", Bool(true))
        .Set("relreplident", Char(r.kind == 'r' ? 'd' : 'n'));
  }
}

void Attributes(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, true)) {
    for (size_t i = 0; i < r.columns.size(); i++) {
      const Column& c = r.columns[i];
      const uint32_t type = PgTypeOid(c.type);
      const int16_t length = PgTypeLength(c.type);
      rows.Add()
          .Set("attrelid", Oid(r.oid))
          .Set("attname", Text(c.name))
          .Set("atttypid", Oid(type))
          .Set("attstattarget", Int(-1))
          .Set("attlen", Int(length))
          .Set("attnum", Int(static_cast<int64_t>(i + 1)))
          .Set("attndims", Int(Dimensions(c.type)))
          .Set("attcacheoff", Int(-1))
          .Set("atttypmod", Int(PgTypeModifier(c.type)))
          .Set("attbyval", Bool(length == 1 || length == 2 || length == 4 || length == 8))
          .Set("attalign", Char(Align(length)))
          .Set("attstorage", Char(length > 0 ? 'p' : 'x'))
          .Set("attcompression", Char(0))
          .Set("attnotnull", Bool(c.not_null))
          .Set("atthasdef", Bool(!c.default_sql.empty()))
          .Set("attidentity", Char(0))
          .Set("attgenerated", Char(0))
          .Set("attislocal", Bool(true))
          .Set("attcollation", Oid(IsTextType(type) ? kDefaultCollation : 0));
    }
  }
}

void Types(Rows& rows) {
  for (const PgTypeInfo& t : PgTypes()) {
    const bool array = t.element != 0;
    const std::string base = t.name;
    rows.Add()
        .Set("oid", Oid(t.oid))
        .Set("typname", Text(t.name))
        .Set("typnamespace", Oid(kPgCatalogNamespace))
        .Set("typowner", Oid(kOwner))
        .Set("typlen", Int(t.length))
        .Set("typbyval", Bool(t.length == 1 || t.length == 2 || t.length == 4 || t.length == 8))
        .Set("typtype", Char(t.oid == pg_oid::kUnknown ? 'p' : 'b'))
        .Set("typcategory", Char(t.category))
        .Set("typispreferred", Bool(t.oid == pg_oid::kBool || t.oid == pg_oid::kText || t.oid == pg_oid::kFloat8 ||
                                    t.oid == pg_oid::kTimestampTz || t.oid == pg_oid::kInterval || t.oid == pg_oid::kOid))
        .Set("typisdefined", Bool(true))
        .Set("typdelim", Char(','))
        .Set("typsubscript", Text(array ? "array_subscript_handler" : "-"))
        .Set("typelem", Oid(t.element))
        .Set("typarray", Oid(t.array))
        .Set("typinput", Text(array ? "array_in" : base + "in"))
        .Set("typoutput", Text(array ? "array_out" : base + "out"))
        .Set("typreceive", Text(array ? "array_recv" : base + "recv"))
        .Set("typsend", Text(array ? "array_send" : base + "send"))
        .Set("typmodin", Text("-"))
        .Set("typmodout", Text("-"))
        .Set("typanalyze", Text("-"))
        .Set("typalign", Char(Align(t.length)))
        .Set("typstorage", Char(t.length > 0 ? 'p' : 'x'))
        .Set("typtypmod", Int(-1))
        .Set("typcollation", Oid(IsTextType(t.oid) ? kDefaultCollation : 0));
  }
}

void Defaults(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, false)) {
    for (size_t i = 0; i < r.columns.size(); i++) {
      if (r.columns[i].default_sql.empty()) continue;
      rows.Add()
          .Set("oid", Oid(RelationOid(r.schema, r.name + "$default" + std::to_string(i + 1))))
          .Set("adrelid", Oid(r.oid))
          .Set("adnum", Int(static_cast<int64_t>(i + 1)))
          .Set("adbin", Text(r.columns[i].default_sql));
    }
  }
}

void Descriptions(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, false)) {
    if (!r.comment.empty()) {
      rows.Add().Set("objoid", Oid(r.oid)).Set("classoid", Oid(kPgClass)).Set("objsubid", Int(0)).Set("description", Text(r.comment));
    }
    for (size_t i = 0; i < r.columns.size(); i++) {
      if (r.columns[i].comment.empty()) continue;
      rows.Add()
          .Set("objoid", Oid(r.oid))
          .Set("classoid", Oid(kPgClass))
          .Set("objsubid", Int(static_cast<int64_t>(i + 1)))
          .Set("description", Text(r.columns[i].comment));
    }
  }
}

void Roles(ClientContext& context, Rows& rows, bool pg_user) {
  std::vector<std::pair<std::string, uint32_t>> roles = {{kOwnerName, kOwner}};
  if (context.user() != kOwnerName) roles.emplace_back(context.user(), RelationOid("", "role " + context.user()));
  for (const auto& [name, oid] : roles) {
    if (pg_user) {
      rows.Add()
          .Set("usename", Text(name))
          .Set("usesysid", Oid(oid))
          .Set("usecreatedb", Bool(true))
          .Set("usesuper", Bool(true))
          .Set("usebypassrls", Bool(true))
          .Set("passwd", Text("********"));
      continue;
    }
    rows.Add()
        .Set("rolname", Text(name))
        .Set("rolsuper", Bool(true))
        .Set("rolinherit", Bool(true))
        .Set("rolcreaterole", Bool(true))
        .Set("rolcreatedb", Bool(true))
        .Set("rolcanlogin", Bool(true))
        .Set("rolconnlimit", Int(-1))
        .Set("rolpassword", Text("********"))
        .Set("rolbypassrls", Bool(true))
        .Set("oid", Oid(oid));
  }
}

void Procedures(Rows& rows) {
  for (const PgProc& p : PgProcs()) {
    std::vector<Value> arguments;
    for (uint32_t t : p.argument_types) arguments.push_back(Oid(t));
    rows.Add()
        .Set("oid", Oid(p.oid))
        .Set("proname", Text(p.name))
        .Set("pronamespace", Oid(kPgCatalogNamespace))
        .Set("proowner", Oid(kOwner))
        .Set("prolang", Oid(12))  // internal
        .Set("procost", Value::Real(1))
        .Set("provariadic", Oid(p.variadic ? p.argument_types.back() : 0))
        .Set("prosupport", Text("-"))
        .Set("prokind", Char(p.kind))
        .Set("proisstrict", Bool(p.strict))
        .Set("provolatile", Char(p.volatility))
        .Set("proparallel", Char('s'))
        .Set("pronargs", Int(static_cast<int64_t>(p.argument_types.size())))
        .Set("prorettype", Oid(p.return_type))
        .Set("proargtypes", Value::List(TypeId::kBigInt, std::move(arguments)))
        .Set("prosrc", Text(p.name));
  }
}

void Settings(ClientContext& context, Rows& rows) {
  for (const auto& [name, value] : context.Settings()) {
    rows.Add()
        .Set("name", Text(name))
        .Set("setting", Text(value))
        .Set("category", Text(name == "threads" || name == "memory_limit" || name == "lake_cache_size" ? "Basin" : "Client Connection Defaults"))
        .Set("context", Text("user"))
        .Set("vartype", Text("string"))
        .Set("source", Text("default"))
        .Set("boot_val", Text(value))
        .Set("reset_val", Text(value));
  }
}

/// basin_stream_jobs: SHOW MATERIALIZED VIEWS' rows.
void StreamJobs(ClientContext& context, Rows& rows) {
  std::unique_ptr<QueryResult> jobs = context.ShowMaterializedViews();
  for (size_t r = 0; r < jobs->RowCount(); r++) {
    rows.Add();
    for (size_t c = 0; c < jobs->ColumnCount(); c++) rows.Set(jobs->names()[c], jobs->GetValue(c, r));
  }
}

// ---- information_schema ----

/// information_schema.columns' facts about a type: data_type, lengths, precisions.
void ColumnTypeFacts(const LogicalType& type, Rows& rows) {
  const uint32_t oid = PgTypeOid(type);
  const PgTypeInfo* info = FindPgType(oid);
  rows.Set("data_type", Text(type.id() == TypeId::kList ? "ARRAY" : info ? info->sql_name : "text"));
  rows.Set("udt_catalog", Text(kDatabaseName)).Set("udt_schema", Text(kPgCatalogSchema));
  rows.Set("udt_name", Text(info ? info->name : "text"));
  switch (type.id()) {
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kBigInt:
      rows.Set("numeric_precision", Int(type.id() == TypeId::kSmallInt ? 16 : type.id() == TypeId::kInteger ? 32 : 64));
      rows.Set("numeric_precision_radix", Int(2)).Set("numeric_scale", Int(0));
      break;
    case TypeId::kReal:
    case TypeId::kDouble:
      rows.Set("numeric_precision", Int(type.id() == TypeId::kReal ? 24 : 53)).Set("numeric_precision_radix", Int(2));
      break;
    case TypeId::kDecimal:
      rows.Set("numeric_precision", Int(type.width())).Set("numeric_precision_radix", Int(10));
      rows.Set("numeric_scale", Int(type.scale()));
      break;
    case TypeId::kVarchar:
      if (type.max_length() > 0) {
        rows.Set("character_maximum_length", Int(type.max_length()));
        rows.Set("character_octet_length", Int(int64_t{type.max_length()} * 4));
      } else {
        rows.Set("character_octet_length", Int(1073741824));
      }
      break;
    case TypeId::kDate:
      rows.Set("datetime_precision", Int(0));
      break;
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kInterval:
      rows.Set("datetime_precision", Int(6));
      break;
    default:
      break;
  }
}

void InformationSchemata(ClientContext& context, Rows& rows) {
  for (const std::string& schema : Schemas(context)) {
    rows.Add().Set("catalog_name", Text(kDatabaseName)).Set("schema_name", Text(schema)).Set("schema_owner", Text(kOwnerName));
  }
}

void InformationTables(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, false)) {
    rows.Add()
        .Set("table_catalog", Text(kDatabaseName))
        .Set("table_schema", Text(r.schema))
        .Set("table_name", Text(r.name))
        .Set("table_type", Text(r.kind == 'v' ? "VIEW" : "BASE TABLE"))
        .Set("is_insertable_into", YesNo(r.kind == 'r' && !r.system))
        .Set("is_typed", YesNo(false));
  }
}

void InformationColumns(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, true)) {
    for (size_t i = 0; i < r.columns.size(); i++) {
      const Column& c = r.columns[i];
      rows.Add()
          .Set("table_catalog", Text(kDatabaseName))
          .Set("table_schema", Text(r.schema))
          .Set("table_name", Text(r.name))
          .Set("column_name", Text(c.name))
          .Set("ordinal_position", Int(static_cast<int64_t>(i + 1)))
          .Set("column_default", c.default_sql.empty() ? Value() : Text(c.default_sql))
          .Set("is_nullable", YesNo(!c.not_null))
          .Set("dtd_identifier", Text(std::to_string(i + 1)))
          .Set("is_self_referencing", YesNo(false))
          .Set("is_identity", YesNo(false))
          .Set("is_generated", Text("NEVER"))
          .Set("is_updatable", YesNo(r.kind == 'r' && !r.system));
      ColumnTypeFacts(c.type, rows);
    }
  }
}

void InformationViews(ClientContext& context, Rows& rows) {
  for (const Relation& r : Relations(context, false)) {
    if (r.kind != 'v') continue;
    rows.Add()
        .Set("table_catalog", Text(kDatabaseName))
        .Set("table_schema", Text(r.schema))
        .Set("table_name", Text(r.name))
        .Set("view_definition", r.definition.empty() ? Value() : Text(r.definition))
        .Set("check_option", Text("NONE"));
    for (const char* c : {"is_updatable", "is_insertable_into", "is_trigger_updatable", "is_trigger_deletable",
                          "is_trigger_insertable_into"}) {
      rows.Set(c, YesNo(false));
    }
  }
}

}  // namespace

MetadataRows SystemTableRows(ClientContext& context, const SystemTableDef& def) {
  Rows rows(def);
  const std::string& name = def.name;
  if (def.schema == kInformationSchema) {
    if (name == "schemata") InformationSchemata(context, rows);
    if (name == "tables") InformationTables(context, rows);
    if (name == "columns") InformationColumns(context, rows);
    if (name == "views") InformationViews(context, rows);
    return rows.Take();
  }
  if (name == "pg_namespace") Namespaces(context, rows);
  if (name == "pg_class") Classes(context, rows);
  if (name == "pg_attribute") Attributes(context, rows);
  if (name == "pg_type") Types(rows);
  if (name == "pg_attrdef") Defaults(context, rows);
  if (name == "pg_description") Descriptions(context, rows);
  if (name == "pg_roles") Roles(context, rows, false);
  if (name == "pg_user") Roles(context, rows, true);
  if (name == "pg_settings") Settings(context, rows);
  if (name == "basin_stream_jobs") StreamJobs(context, rows);
  if (name == "pg_proc") Procedures(rows);
  if (name == "pg_am") {
    rows.Add().Set("oid", Oid(kHeapAm)).Set("amname", Text("heap")).Set("amhandler", Text("heap_tableam_handler")).Set("amtype", Char('t'));
    rows.Add().Set("oid", Oid(403)).Set("amname", Text("btree")).Set("amhandler", Text("bthandler")).Set("amtype", Char('i'));
  }
  if (name == "pg_collation") {
    const std::tuple<uint32_t, const char*, char> collations[] = {{kDefaultCollation, "default", 'd'}, {950, "C", 'c'}, {951, "POSIX", 'c'}};
    for (const auto& [oid, coll, provider] : collations) {
      rows.Add()
          .Set("oid", Oid(oid))
          .Set("collname", Text(coll))
          .Set("collnamespace", Oid(kPgCatalogNamespace))
          .Set("collowner", Oid(kOwner))
          .Set("collprovider", Char(provider))
          .Set("collisdeterministic", Bool(true))
          .Set("collencoding", Int(-1))
          .Set("collcollate", provider == 'd' ? Value() : Text(coll))
          .Set("collctype", provider == 'd' ? Value() : Text(coll));
    }
  }
  if (name == "pg_database") {
    rows.Add()
        .Set("oid", Oid(kDatabase))
        .Set("datname", Text(kDatabaseName))
        .Set("datdba", Oid(kOwner))
        .Set("encoding", Int(kUtf8Encoding))
        .Set("datlocprovider", Char('c'))
        .Set("datallowconn", Bool(true))
        .Set("datconnlimit", Int(-1))
        .Set("dattablespace", Oid(1663))
        .Set("datcollate", Text("C"))
        .Set("datctype", Text("C"));
  }
  if (name == "pg_language") {
    for (const auto& [oid, language] : {std::pair<uint32_t, const char*>{12, "internal"}, {13, "c"}, {14, "sql"}}) {
      rows.Add().Set("oid", Oid(oid)).Set("lanname", Text(language)).Set("lanowner", Oid(kOwner));
    }
  }
  if (name == "pg_tablespace") {
    rows.Add().Set("oid", Oid(1663)).Set("spcname", Text("pg_default")).Set("spcowner", Oid(kOwner));
    rows.Add().Set("oid", Oid(1664)).Set("spcname", Text("pg_global")).Set("spcowner", Oid(kOwner));
  }
  if (name == "pg_stat_user_tables") {
    // Basin counts no scans or tuple changes; n_live_tup is the row count the storage keeps (PostgreSQL's is
    // an estimate too).
    for (const auto& t : context.catalog().Tables()) {
      rows.Add()
          .Set("relid", Oid(RelationOid(t->schema, t->name)))
          .Set("schemaname", Text(t->schema))
          .Set("relname", Text(t->name))
          .Set("n_live_tup", Value::BigInt(t->storage ? t->storage->RowCount() : 0));
    }
  }
  if (name == "pg_tables" || name == "pg_views") {
    const bool views = name == "pg_views";
    for (const Relation& r : Relations(context, false)) {
      if ((r.kind == 'v') != views) continue;
      rows.Add().Set("schemaname", Text(r.schema)).Set(views ? "viewname" : "tablename", Text(r.name));
      rows.Set(views ? "viewowner" : "tableowner", Text(kOwnerName));
      if (views) rows.Set("definition", r.definition.empty() ? Value() : Text(r.definition));
    }
  }
  return rows.Take();
}

}  // namespace basin
