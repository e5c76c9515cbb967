// PostgreSQL's system information and catalog functions, for the clients that call them on connect and in
// their catalog queries (psql's \d commands, drivers, BI tools): version(), current_database(),
// current_setting(), format_type(), pg_get_expr(), pg_table_is_visible(), obj_description(), has_*_privilege(),
// pg_size_pretty(), pg_sleep(), and the casts to regclass, regtype and regnamespace (the binder calls
// regclass_in/regclass_out and the others for them). Functions that read the catalog do so through the
// session (FunctionContext::client) and are volatile: never folded at bind time.

#include <chrono>
#include <cmath>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/system_catalog.h"
#include "execution/functions/function_internal.h"
#include "execution/functions/pg_proc.h"
#include "main/client_context.h"
#include "types/pg_type.h"

namespace basin {

namespace {

using namespace function_internal;

/// A function computed one row at a time from Values: simple, and enough for catalog queries.
using RowFunction = Value (*)(const std::vector<Value>& args, ClientContext* client);

template <RowFunction kFunction>
void RowKernel(DataChunk& args, FunctionContext& ctx, Vector& result) {
  const size_t n = BeginRows(args, result);
  std::vector<Value> row(args.ColumnCount());
  for (size_t i = 0; i < n; i++) {
    for (size_t c = 0; c < args.ColumnCount(); c++) row[c] = args.column(c).GetValue(i);
    const Value v = kFunction(row, ctx.client);
    if (v.IsNull()) {
      SetNullRow(result, i);
    } else {
      result.SetValue(i, v);
    }
  }
}

ClientContext& Client(ClientContext* client) {
  if (client == nullptr) throw InternalError("a catalog function ran without a session");
  return *client;
}

uint32_t AsOid(const Value& v) {
  return static_cast<uint32_t>(v.GetInt64());
}

bool AnyNullArg(const std::vector<Value>& args) {
  for (const Value& v : args) {
    if (v.IsNull()) return true;
  }
  return false;
}

/// An identifier as PostgreSQL's quote_ident writes it: bare when lower-case letters, digits and _.
std::string QuoteIdent(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Value QuoteIdentFunction(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  return Value::Varchar(QuoteIdent(args[0].ToString()));
}

/// parse_ident: a qualified name split at its dots, unquoted parts lower-cased, quoted ones as written.
Value ParseIdent(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  const std::string text = args[0].ToString();
  std::vector<Value> parts;
  size_t i = 0;
  auto invalid = [&] {
    return DataError(sqlstate::kInvalidTextRepresentation,
                     "string is not a valid identifier: \"" + text + "\"");
  };
  for (;;) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) i++;
    std::string part;
    if (i < text.size() && text[i] == '"') {
      for (i++;; i++) {
        if (i >= text.size()) throw invalid();
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            part += '"';
            i++;
            continue;
          }
          i++;
          break;
        }
        part += text[i];
      }
      if (part.empty()) throw invalid();
    } else {
      while (i < text.size() && text[i] != '.' && !std::isspace(static_cast<unsigned char>(text[i]))) {
        part += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        i++;
      }
      if (part.empty()) throw invalid();
    }
    parts.push_back(Value::Varchar(part));
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) i++;
    if (i == text.size()) break;
    if (text[i] != '.') throw invalid();
    i++;
  }
  return Value::List(TypeId::kVarchar, std::move(parts));
}

// ---- Session information ----

Value Version(const std::vector<Value>&, ClientContext*) {
  return Value::Varchar(std::string("PostgreSQL ") + kPgServerVersion + " on x86_64-pc-linux-gnu, 64-bit");
}
Value ClientEncoding(const std::vector<Value>&, ClientContext*) {
  return Value::Varchar("UTF8");  // the only client_encoding Basin speaks
}
Value CurrentDatabase(const std::vector<Value>&, ClientContext*) {
  return Value::Varchar("basin");
}
Value CurrentSchema(const std::vector<Value>&, ClientContext*) {
  return Value::Varchar(Catalog::kDefaultSchema);
}
Value CurrentSchemas(const std::vector<Value>& args, ClientContext*) {
  std::vector<Value> schemas;
  if (args[0].GetBool()) schemas.push_back(Value::Varchar(kPgCatalogSchema));
  schemas.push_back(Value::Varchar(Catalog::kDefaultSchema));
  return Value::List(TypeId::kVarchar, std::move(schemas));
}
Value CurrentUser(const std::vector<Value>&, ClientContext* client) {
  return Value::Varchar(Client(client).user());
}
Value BackendPid(const std::vector<Value>&, ClientContext* client) {
  return Value::Integer(Client(client).process_id());
}
Value CurrentSetting(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  try {
    return Value::Varchar(Client(client).GetSetting(args[0].GetString()));
  } catch (const Exception&) {
    if (args.size() > 1 && !args[1].IsNull() && args[1].GetBool()) return Value();  // missing_ok
    throw;
  }
}
Value True(const std::vector<Value>&, ClientContext*) {
  return Value::Boolean(true);
}
Value False(const std::vector<Value>&, ClientContext*) {
  return Value::Boolean(false);
}
Value Null(const std::vector<Value>&, ClientContext*) {
  return Value();
}
Value StartTime(const std::vector<Value>&, ClientContext*) {
  static const int64_t start = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  return Value::TimestampTz(start);
}

/// pg_sleep(seconds): waits in short steps so that a cancel ends it.
Value Sleep(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::microseconds(static_cast<int64_t>(std::max(0.0, args[0].ToDouble()) * 1e6));
  while (std::chrono::steady_clock::now() < until) {
    if (client && client->interrupted()) {
      throw Exception(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(10), until - std::chrono::steady_clock::now()));
  }
  return Value();
}

// ---- Catalog ----

Value UserById(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const uint32_t oid = AsOid(args[0]);
  if (oid == pg_catalog::kOwner) return Value::Varchar("basin");
  if (client && oid == pg_catalog::RelationOid("", "role " + client->user())) return Value::Varchar(client->user());
  return Value::Varchar("unknown (OID=" + std::to_string(oid) + ")");
}

Value FormatType(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  const int32_t typmod = args.size() > 1 && !args[1].IsNull() ? static_cast<int32_t>(args[1].GetInt64()) : -1;
  return Value::Varchar(PgFormatType(AsOid(args[0]), typmod));
}

Value FirstArgument(const std::vector<Value>& args, ClientContext*) {
  return args[0];
}

Value TableIsVisible(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const auto relation = FindRelationByOid(Client(client).catalog(), AsOid(args[0]));
  if (!relation) return Value();  // as PostgreSQL for an OID that names nothing
  return Value::Boolean(IsRelationVisible(*relation));
}

Value TypeIsVisible(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  return FindPgType(AsOid(args[0])) ? Value::Boolean(true) : Value();
}

Value EncodingName(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  return Value::Varchar(args[0].GetInt64() == pg_catalog::kUtf8Encoding ? "UTF8" : "");
}

/// The table or view entry behind an OID, for comments, definitions and sizes.
struct Found {
  std::shared_ptr<TableEntry> table;
  std::shared_ptr<ViewEntry> view;
};
Found FindEntry(ClientContext* client, const Value& oid) {
  Found found;
  if (oid.IsNull()) return found;
  Catalog& catalog = Client(client).catalog();
  if (auto relation = FindRelationByOid(catalog, AsOid(oid))) {
    found.table = catalog.GetTable(relation->schema, relation->name);
    found.view = catalog.GetView(relation->schema, relation->name);
  }
  return found;
}

Value ObjDescription(const std::vector<Value>& args, ClientContext* client) {
  if (AnyNullArg(args)) return Value();
  if (args.size() > 1 && args[1].GetString() != "pg_class") return Value();
  Found found = FindEntry(client, args[0]);
  if (!found.table || found.table->comment.empty()) return Value();
  return Value::Varchar(found.table->comment);
}

Value ColDescription(const std::vector<Value>& args, ClientContext* client) {
  if (AnyNullArg(args)) return Value();
  Found found = FindEntry(client, args[0]);
  const int64_t column = args[1].GetInt64();
  if (!found.table || column < 1 || column > static_cast<int64_t>(found.table->columns.size())) return Value();
  const std::string& comment = found.table->columns[static_cast<size_t>(column - 1)].comment;
  return comment.empty() ? Value() : Value::Varchar(comment);
}

Value ViewDefinition(const std::vector<Value>& args, ClientContext* client) {
  Found found = FindEntry(client, args[0]);
  return found.view ? Value::Varchar(found.view->query_sql) : Value();
}

Value RelationSize(const std::vector<Value>& args, ClientContext* client) {
  Found found = FindEntry(client, args[0]);
  if (!found.table) return found.view ? Value::BigInt(0) : Value();
  return Value::BigInt(found.table->storage ? found.table->storage->SizeInBytes() : 0);
}

Value DatabaseSize(const std::vector<Value>&, ClientContext* client) {
  int64_t bytes = 0;
  for (const auto& t : Client(client).catalog().Tables()) bytes += t->storage ? t->storage->SizeInBytes() : 0;
  return Value::BigInt(bytes);
}

/// pg_size_pretty: bytes below 10 kB, then kB, MB, GB, TB, PB below 20480 of each (halves rounded away from
/// zero), as PostgreSQL's size_pretty_units table has it.
Value SizePretty(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  struct Unit {
    const char* name;
    uint64_t limit;
    bool round;
    int bits;
  };
  static constexpr Unit kUnits[] = {{"bytes", 10 * 1024, false, 0}, {"kB", 20 * 1024 - 1, true, 10},
                                    {"MB", 20 * 1024 - 1, true, 20},  {"GB", 20 * 1024 - 1, true, 30},
                                    {"TB", 20 * 1024 - 1, true, 40},  {"PB", 20 * 1024 - 1, true, 50}};
  int64_t size = args[0].GetInt64();
  for (size_t u = 0;; u++) {
    const uint64_t magnitude = size < 0 ? 0 - static_cast<uint64_t>(size) : static_cast<uint64_t>(size);
    if (magnitude < kUnits[u].limit || u + 1 == std::size(kUnits)) {
      if (kUnits[u].round) size = (size + (size < 0 ? -1 : 1)) / 2;
      return Value::Varchar(std::to_string(size) + " " + kUnits[u].name);
    }
    const int bits = kUnits[u + 1].bits - kUnits[u].bits - (kUnits[u + 1].round ? 1 : 0) + (kUnits[u].round ? 1 : 0);
    size /= int64_t{1} << bits;
  }
}

// ---- reg* types: the binder turns casts to regclass, regtype, regnamespace and regrole into these ----

Value RegclassIn(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const std::string& text = args[0].GetString();
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Value::BigInt(std::stoll(text.substr(0, 10)));
  }
  const auto relation = ResolveRelationName(Client(client).catalog(), text);
  if (!relation) throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + text + "\" does not exist");
  return Value::BigInt(pg_catalog::RelationOid(relation->schema, relation->name));
}

Value ToRegclass(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const auto relation = ResolveRelationName(Client(client).catalog(), args[0].GetString());
  return relation ? Value::BigInt(pg_catalog::RelationOid(relation->schema, relation->name)) : Value();
}

Value RegclassOut(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const uint32_t oid = AsOid(args[0]);
  const auto relation = FindRelationByOid(Client(client).catalog(), oid);
  if (!relation) return Value::Varchar(std::to_string(oid));
  if (IsRelationVisible(*relation)) return Value::Varchar(QuoteIdent(relation->name));
  return Value::Varchar(QuoteIdent(relation->schema) + "." + QuoteIdent(relation->name));
}

Value RegtypeIn(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  std::string name = args[0].GetString();
  if (name.rfind("pg_catalog.", 0) == 0) name = name.substr(11);
  for (const PgTypeInfo& t : PgTypes()) {
    if (name == t.name || name == t.sql_name) return Value::BigInt(t.oid);
  }
  return Value::BigInt(PgTypeOid(TypeFromName(name)));
}

Value RegtypeOut(const std::vector<Value>& args, ClientContext*) {
  if (args[0].IsNull()) return Value();
  const uint32_t oid = AsOid(args[0]);
  if (!FindPgType(oid)) return Value::Varchar(std::to_string(oid));
  return Value::Varchar(PgFormatType(oid, -1));
}

Value RegnamespaceIn(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const std::string& name = args[0].GetString();
  const bool known = name == kPgCatalogSchema || name == kInformationSchema || Client(client).catalog().SchemaExists(name);
  if (!known) throw CatalogError(sqlstate::kUndefinedSchema, "schema \"" + name + "\" does not exist");
  return Value::BigInt(pg_catalog::NamespaceOid(name));
}

Value RegnamespaceOut(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  const auto name = FindNamespaceByOid(Client(client).catalog(), AsOid(args[0]));
  return Value::Varchar(name ? QuoteIdent(*name) : std::to_string(AsOid(args[0])));
}

Value RegroleIn(const std::vector<Value>& args, ClientContext* client) {
  if (args[0].IsNull()) return Value();
  if (args[0].GetString() == "basin") return Value::BigInt(pg_catalog::kOwner);
  return Value::BigInt(pg_catalog::RelationOid("", "role " + args[0].GetString()));
}

/// Array bounds: PostgreSQL's arrays start at 1; dimension 2 of a list of lists is its first list's length.
Value ArrayBound(const std::vector<Value>& args, bool upper) {
  if (AnyNullArg(args)) return Value();
  const Value* level = &args[0];
  for (int64_t d = 1; d < args[1].GetInt64(); d++) {
    if (level->GetList().empty() || level->GetList()[0].IsNull() || level->GetList()[0].type().id() != TypeId::kList) {
      return Value();
    }
    level = &level->GetList()[0];
  }
  if (args[1].GetInt64() < 1 || level->GetList().empty()) return Value();
  return Value::Integer(upper ? static_cast<int32_t>(level->GetList().size()) : 1);
}
Value ArrayUpper(const std::vector<Value>& args, ClientContext*) {
  return ArrayBound(args, true);
}
Value ArrayLower(const std::vector<Value>& args, ClientContext*) {
  return ArrayBound(args, false);
}

Value TypeOf(const std::vector<Value>& args, ClientContext*) {
  return Value::Varchar(PgFormatType(PgTypeOid(args[0].type()), -1));
}

std::unique_ptr<FunctionData> BindList(std::vector<ExprPtr>& args, LogicalType&) {
  if (args[0]->type.id() != TypeId::kList && args[0]->type.id() != TypeId::kNull) {
    throw BinderError(sqlstate::kUndefinedFunction, "function expects an array argument");
  }
  return nullptr;
}

Value FunctionResult(const std::vector<Value>& args, ClientContext*) {
  const PgProc* proc = args[0].IsNull() ? nullptr : FindPgProc(AsOid(args[0]));
  return proc ? Value::Varchar(PgProcResult(*proc)) : Value();
}

Value FunctionArguments(const std::vector<Value>& args, ClientContext*) {
  const PgProc* proc = args[0].IsNull() ? nullptr : FindPgProc(AsOid(args[0]));
  return proc ? Value::Varchar(PgProcArguments(*proc)) : Value();
}

Value TablespaceLocation(const std::vector<Value>&, ClientContext*) {
  return Value::Varchar("");
}

/// A type's OID for pg_proc: "any type" is PostgreSQL's pseudo-type "any", a list of any type anyarray.
uint32_t ProcTypeOid(const LogicalType& type) {
  if (type.id() == TypeId::kInvalid) return 2276;
  if (type.id() == TypeId::kList && type.element().id() == TypeId::kInvalid) return 2277;
  return PgTypeOid(type);
}

std::vector<PgProc> MakePgProcs() {
  std::vector<PgProc> procs;
  auto word = [](const std::string& name) { return !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])); };
  auto add = [&](const std::string& name, char kind, const std::vector<LogicalType>& arguments, const LogicalType& ret,
                 bool has_varargs, const LogicalType& varargs, bool strict, bool is_volatile) {
    PgProc proc{0, name, kind, ProcTypeOid(ret), {}, has_varargs, strict, is_volatile ? 'v' : 'i'};
    for (const LogicalType& a : arguments) proc.argument_types.push_back(ProcTypeOid(a));
    if (has_varargs) {
      const uint32_t element = ProcTypeOid(varargs);
      const PgTypeInfo* info = FindPgType(element);
      proc.argument_types.push_back(info && info->array != 0 ? info->array : 2277);
    }
    std::string signature = "function " + name + "(";
    for (uint32_t t : proc.argument_types) signature += std::to_string(t) + ",";
    proc.oid = pg_catalog::RelationOid("", signature + ")");
    procs.push_back(std::move(proc));
  };
  const FunctionRegistry& registry = FunctionRegistry::Get();
  for (const auto& [name, overloads] : registry.scalars()) {
    if (!word(name)) continue;
    for (const ScalarFunction& f : overloads) {
      add(name, 'f', f.arguments, f.return_type, f.has_varargs, f.varargs, f.propagates_nulls, f.volatile_);
    }
  }
  for (const auto& [name, overloads] : registry.aggregates()) {
    if (!word(name)) continue;
    for (const AggregateFunction& f : overloads) add(name, 'a', f.arguments, f.return_type, false, {}, false, false);
  }
  return procs;
}

}  // namespace

const std::vector<PgProc>& PgProcs() {
  static const std::vector<PgProc> procs = MakePgProcs();
  return procs;
}

const PgProc* FindPgProc(uint32_t oid) {
  for (const PgProc& p : PgProcs()) {
    if (p.oid == oid) return &p;
  }
  return nullptr;
}

std::string PgProcResult(const PgProc& proc) {
  return PgFormatType(proc.return_type, -1);
}

std::string PgProcArguments(const PgProc& proc) {
  std::string out;
  for (size_t i = 0; i < proc.argument_types.size(); i++) {
    if (i > 0) out += ", ";
    if (proc.variadic && i + 1 == proc.argument_types.size()) out += "VARIADIC ";
    out += PgFormatType(proc.argument_types[i], -1);
  }
  return out;
}

void RegisterPgCatalogFunctions(FunctionRegistry& r) {
  const LogicalType any = TypeId::kInvalid;
  const LogicalType oid = TypeId::kBigInt;
  const LogicalType text = TypeId::kVarchar;
  const LogicalType integer = TypeId::kInteger;
  const LogicalType boolean = TypeId::kBoolean;
  // `reads_catalog`: volatile (the catalog changes between statements) and not strict where the
  // function handles NULL itself.
  auto add = [&](const char* name, std::vector<LogicalType> args, LogicalType ret, ScalarKernel kernel,
                 bool reads_catalog = false) {
    ScalarFunction f = MakeScalar(name, std::move(args), std::move(ret), kernel);
    f.volatile_ = reads_catalog;
    f.propagates_nulls = false;
    r.AddScalar(std::move(f));
  };
  add("version", {}, text, RowKernel<Version>);
  add("quote_ident", {text}, text, RowKernel<QuoteIdentFunction>);
  add("parse_ident", {text}, LogicalType::List(text), RowKernel<ParseIdent>);
  add("parse_ident", {text, boolean}, LogicalType::List(text), RowKernel<ParseIdent>);
  add("current_database", {}, text, RowKernel<CurrentDatabase>);
  add("pg_client_encoding", {}, text, RowKernel<ClientEncoding>);
  add("current_catalog", {}, text, RowKernel<CurrentDatabase>);
  add("current_schema", {}, text, RowKernel<CurrentSchema>);
  add("current_schemas", {boolean}, LogicalType::List(text), RowKernel<CurrentSchemas>);
  for (const char* name : {"current_user", "session_user", "user", "current_role"}) {
    add(name, {}, text, RowKernel<CurrentUser>, true);
  }
  add("pg_backend_pid", {}, integer, RowKernel<BackendPid>, true);
  add("current_setting", {text}, text, RowKernel<CurrentSetting>, true);
  add("current_setting", {text, boolean}, text, RowKernel<CurrentSetting>, true);
  add("pg_postmaster_start_time", {}, TypeId::kTimestampTz, RowKernel<StartTime>);
  add("pg_sleep", {TypeId::kDouble}, TypeId::kVarchar, RowKernel<Sleep>, true);
  add("pg_is_in_recovery", {}, boolean, RowKernel<False>);
  add("pg_get_userbyid", {oid}, text, RowKernel<UserById>, true);
  add("format_type", {oid, integer}, text, RowKernel<FormatType>);
  add("pg_get_expr", {text, oid}, text, RowKernel<FirstArgument>);
  add("pg_get_expr", {text, oid, boolean}, text, RowKernel<FirstArgument>);
  add("pg_table_is_visible", {oid}, boolean, RowKernel<TableIsVisible>, true);
  add("pg_type_is_visible", {oid}, boolean, RowKernel<TypeIsVisible>);
  for (const char* name : {"pg_function_is_visible", "pg_operator_is_visible", "pg_conversion_is_visible",
                           "pg_collation_is_visible", "pg_opclass_is_visible"}) {
    add(name, {oid}, boolean, RowKernel<True>);  // everything of these kinds is in pg_catalog
  }
  add("pg_encoding_to_char", {integer}, text, RowKernel<EncodingName>);
  add("obj_description", {oid}, text, RowKernel<ObjDescription>, true);
  add("obj_description", {oid, text}, text, RowKernel<ObjDescription>, true);
  add("col_description", {oid, integer}, text, RowKernel<ColDescription>, true);
  add("shobj_description", {oid, text}, text, RowKernel<Null>);
  add("pg_get_viewdef", {oid}, text, RowKernel<ViewDefinition>, true);
  add("pg_get_viewdef", {oid, boolean}, text, RowKernel<ViewDefinition>, true);
  // Basin has no indexes, constraints beyond NOT NULL, rules, triggers, statistics objects or publications.
  add("pg_get_indexdef", {oid}, text, RowKernel<Null>);
  add("pg_get_indexdef", {oid, integer, boolean}, text, RowKernel<Null>);
  add("pg_get_constraintdef", {oid}, text, RowKernel<Null>);
  add("pg_get_constraintdef", {oid, boolean}, text, RowKernel<Null>);
  add("pg_get_statisticsobjdef_columns", {oid}, text, RowKernel<Null>);
  add("pg_get_function_sqlbody", {oid}, text, RowKernel<Null>);
  add("pg_get_ruledef", {oid}, text, RowKernel<Null>);
  add("pg_get_ruledef", {oid, boolean}, text, RowKernel<Null>);
  add("pg_get_triggerdef", {oid}, text, RowKernel<Null>);
  add("pg_get_triggerdef", {oid, boolean}, text, RowKernel<Null>);
  add("pg_relation_is_publishable", {oid}, boolean, RowKernel<False>);
  for (const char* name : {"pg_relation_size", "pg_table_size", "pg_total_relation_size"}) {
    add(name, {oid}, TypeId::kBigInt, RowKernel<RelationSize>, true);
  }
  add("pg_database_size", {any}, TypeId::kBigInt, RowKernel<DatabaseSize>, true);
  add("pg_size_pretty", {TypeId::kBigInt}, text, RowKernel<SizePretty>);
  // Every user may do everything (no grants yet).
  for (const char* name : {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
                           "has_column_privilege", "has_function_privilege", "has_sequence_privilege",
                           "has_any_column_privilege", "pg_has_role"}) {
    add(name, {any, any}, boolean, RowKernel<True>);
    add(name, {any, any, any}, boolean, RowKernel<True>);
  }
  add("regclass_in", {text}, oid, RowKernel<RegclassIn>, true);
  add("to_regclass", {text}, oid, RowKernel<ToRegclass>, true);
  add("regclass_out", {oid}, text, RowKernel<RegclassOut>, true);
  add("regtype_in", {text}, oid, RowKernel<RegtypeIn>);
  add("regtype_out", {oid}, text, RowKernel<RegtypeOut>);
  add("regnamespace_in", {text}, oid, RowKernel<RegnamespaceIn>, true);
  add("regnamespace_out", {oid}, text, RowKernel<RegnamespaceOut>, true);
  add("regrole_in", {text}, oid, RowKernel<RegroleIn>, true);
  add("regrole_out", {oid}, text, RowKernel<UserById>, true);
  add("pg_typeof", {any}, text, RowKernel<TypeOf>);
  add("pg_get_function_result", {oid}, text, RowKernel<FunctionResult>, true);
  add("pg_get_function_arguments", {oid}, text, RowKernel<FunctionArguments>, true);
  add("pg_get_function_identity_arguments", {oid}, text, RowKernel<FunctionArguments>, true);
  add("pg_tablespace_location", {oid}, text, RowKernel<TablespaceLocation>);
  for (bool upper : {true, false}) {
    ScalarFunction f = MakeScalar(upper ? "array_upper" : "array_lower", {any, integer}, integer,
                                  upper ? RowKernel<ArrayUpper> : RowKernel<ArrayLower>, BindList);
    r.AddScalar(std::move(f));
  }
}

}  // namespace basin
