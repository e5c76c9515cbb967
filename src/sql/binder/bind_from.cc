#include "catalog/catalog.h"
#include "catalog/system_catalog.h"
#include "catalog/topic_entry.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "lake/iceberg_table.h"
#include "lake/topic_sink.h"
#include "main/client_context.h"
#include "main/database.h"
#include "main/pg_catalog.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"
#include "sql/parser/parser.h"

namespace basin {

std::pair<std::string, std::string> QualifiedName(const std::vector<std::string>& names) {
  if (names.size() == 1) return {Catalog::kDefaultSchema, names[0]};
  return {names[names.size() - 2], names.back()};
}

std::shared_ptr<TableEntry> FindTopic(ClientContext& context, const std::vector<std::string>& names) {
  if (names.size() != 1) return nullptr;
  log::LogManager* log = context.database().log_if_open();
  return log ? GetTopicEntry(*log, names[0]) : nullptr;
}

void Binder::AddBinding(BindingEntry entry, const sql::TableRef* ref, int64_t location) {
  if (ref && !ref->column_aliases.empty()) {
    if (ref->column_aliases.size() > entry.names.size()) {
      throw BinderError(sqlstate::kInvalidColumnReference,
                        "table \"" + entry.alias + "\" has " + std::to_string(entry.names.size()) +
                            " columns available but " + std::to_string(ref->column_aliases.size()) +
                            " columns specified",
                        location);
    }
    for (size_t i = 0; i < ref->column_aliases.size(); i++) entry.names[i] = ref->column_aliases[i];
  }
  for (auto& e : bindings_) {
    if (e.alias == entry.alias) {
      throw BinderError("42712",  // duplicate_alias
                        "table name \"" + entry.alias + "\" specified more than once", location);
    }
  }
  entry.hidden.resize(entry.names.size(), false);
  bindings_.push_back(std::move(entry));
}

LogicalOperatorPtr Binder::PlanQueryAsTable(BoundQuery query, const std::string& alias,
                                            const std::vector<std::string>& column_aliases,
                                            int64_t location) {
  // Give the query's columns fresh bindings of one table index.
  auto proj = std::make_unique<LogicalOperator>(LogicalOpType::kProjection);
  proj->table_index = NextTableIndex();
  auto bindings = query.plan->GetColumnBindings();
  for (size_t i = 0; i < bindings.size(); i++) {
    proj->expressions.push_back(Expr::ColumnRef(bindings[i], query.types[i], query.names[i]));
  }
  proj->children.push_back(std::move(query.plan));
  BindingEntry entry;
  entry.alias = alias;
  entry.table_index = proj->table_index;
  entry.names = query.names;
  entry.types = query.types;
  for (size_t i = 0; i < query.names.size(); i++) entry.binding_columns.push_back(i);
  sql::TableRef aliases;
  aliases.column_aliases = column_aliases;
  const size_t fields = query.composite_fields;
  AddBinding(std::move(entry), &aliases, location);
  auto& hidden = bindings_.back().hidden;
  for (size_t i = hidden.size() - fields; i < hidden.size(); i++) hidden[i] = true;
  return proj;
}

LogicalOperatorPtr Binder::ChunkScan(ChunkList chunks, std::vector<LogicalType> types) {
  auto scan = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  scan->table_index = NextTableIndex();
  scan->chunks = std::move(chunks);
  scan->types = std::move(types);
  return scan;
}

LogicalOperatorPtr Binder::BindChunks(ChunkList chunks, std::vector<std::string> names,
                                      std::vector<LogicalType> types, const std::string& alias,
                                      const sql::TableRef& ref) {
  BoundQuery q{ChunkScan(std::move(chunks), types), std::move(names), std::move(types)};
  return PlanQueryAsTable(std::move(q), alias, ref.column_aliases, ref.location);
}

LogicalOperatorPtr Binder::BindTableRef(const sql::TableRef& ref) {
  switch (ref.kind) {
    case sql::TableRef::Kind::kBaseTable:
      return BindBaseTable(ref);
    case sql::TableRef::Kind::kSubquery:
      return BindSubqueryRef(ref);
    case sql::TableRef::Kind::kJoin:
      return BindJoin(ref);
    case sql::TableRef::Kind::kTableFunction:
      return BindTableFunction(ref);
  }
  throw InternalError("unknown table reference");
}

LogicalOperatorPtr Binder::BindBaseTable(const sql::TableRef& ref) {
  if (ref.names.size() == 1) {
    // A CTE of this query or of an enclosing one.
    for (Binder* b = this; b; b = b->parent_) {
      auto it = b->ctes_.find(ref.names[0]);
      if (it == b->ctes_.end()) continue;
      CteInfo& info = it->second;
      if (info.misplaced_recursion) {
        throw BinderError("42P19",  // invalid_recursion
                          "recursive query \"" + ref.names[0] +
                              "\" does not have the form non-recursive-term UNION [ALL] recursive-term",
                          ref.location);
      }
      std::string alias = ref.alias.empty() ? ref.names[0] : ref.alias;
      if (info.recursive_ref) {
        auto scan = ChunkScan(info.working_chunks, info.types);
        BindingEntry entry;
        entry.alias = alias;
        entry.table_index = scan->table_index;
        entry.names = info.names;
        entry.types = info.types;
        for (size_t i = 0; i < info.names.size(); i++) entry.binding_columns.push_back(i);
        AddBinding(std::move(entry), &ref, ref.location);
        return scan;
      }
      auto rec = b->recursive_plans_.find(ref.names[0]);
      if (rec != b->recursive_plans_.end()) {
        BoundQuery q{rec->second->plan->Copy(), rec->second->names, rec->second->types};
        return PlanQueryAsTable(std::move(q), alias, ref.column_aliases, ref.location);
      }
      if (info.materialized && info.materialized->bound) {
        auto& m = *info.materialized;
        return BindChunks(m.chunks, m.query.names, m.query.types, alias, ref);
      }
      Binder cte_binder(context_, nullptr);
      cte_binder.root_ = root_;
      // The CTE sees the CTEs defined with it (those of binder b and above).
      for (Binder* c = b; c; c = c->parent_) {
        for (auto& [name, other] : c->ctes_) {
          if (&other != &info && !cte_binder.ctes_.count(name)) cte_binder.ctes_[name] = other;
        }
        for (auto& [name, plan] : c->recursive_plans_) {
          if (!cte_binder.recursive_plans_.count(name)) cte_binder.recursive_plans_[name] = plan;
        }
      }
      if (info.in_recursive_with) {
        // Under WITH RECURSIVE a CTE may name itself, but only as the recursive term of a UNION, which
        // BindRecursiveCte planned already; any other self-reference is an error, not another relation.
        CteInfo self = info;
        self.misplaced_recursion = true;
        cte_binder.ctes_[ref.names[0]] = self;
      }
      BoundQuery q = info.cte->query ? cte_binder.BindQuery(*info.cte->query) : BoundQuery{};
      ApplyCteColumnAliases(*info.cte, q.names);
      if (info.materialized) {
        // First reference of a CTE used several times: keep its plan to run once, read it from chunks.
        auto& m = *info.materialized;
        m.bound = true;
        m.query = std::move(q);
        return BindChunks(m.chunks, m.query.names, m.query.types, alias, ref);
      }
      return PlanQueryAsTable(std::move(q), alias, ref.column_aliases, ref.location);
    }
  }
  if (ref.names.size() == 1 && IsParquetPath(ref.names[0])) {
    return BindParquetScan({ref.names[0]}, {}, ref.alias.empty() ? "parquet" : ref.alias, ref);
  }
  if (ref.names.size() == 1 && IsCsvPath(ref.names[0])) {
    return BindCsvScan(ref.names[0], ref.alias.empty() ? "csv" : ref.alias, ref, {});
  }
  if (ref.names.size() == 1 && IsJsonPath(ref.names[0])) {
    return BindJsonScan(ref.names[0], ref.alias.empty() ? "json" : ref.alias, ref, {});
  }
  // pg_catalog's relations come first, as in PostgreSQL's search path; information_schema's by name.
  const std::string system_schema = ref.names.size() >= 2 ? ref.names[ref.names.size() - 2] : "";
  if (const SystemTableDef* def = FindSystemTable(system_schema, ref.names.back())) {
    if (ref.version_as_of || ref.timestamp_as_of) {
      throw BinderError(sqlstate::kWrongObjectType, "\"" + def->name + "\" has no history to read AS OF", ref.location);
    }
    return BindRows(SystemTableRows(context_, *def), ref.alias.empty() ? def->name : ref.alias, ref);
  }
  auto [schema, name] = QualifiedName(ref.names);
  Catalog& catalog = context_.catalog();
  if (ref.names.size() >= 2) {
    if (std::optional<MetadataRows> rows = catalog.provided_tables().Rows(schema, name)) {
      if (ref.version_as_of || ref.timestamp_as_of) {
        throw BinderError(sqlstate::kWrongObjectType, "\"" + schema + "." + name + "\" has no history to read AS OF",
                          ref.location);
      }
      return BindRows(std::move(*rows), ref.alias.empty() ? name : ref.alias, ref);
    }
  }
  if (auto view = catalog.GetView(schema, name)) {
    auto stmt = sql::ParseStatement(view->query_sql);
    auto* select = static_cast<sql::SelectStmt*>(stmt.get());
    Binder view_binder(context_, nullptr);
    view_binder.root_ = root_;
    BoundQuery q = view_binder.BindQuery(*select->select);
    for (size_t i = 0; i < view->column_aliases.size() && i < q.names.size(); i++)
      q.names[i] = view->column_aliases[i];
    return PlanQueryAsTable(std::move(q), ref.alias.empty() ? name : ref.alias, ref.column_aliases,
                            ref.location);
  }
  auto table = catalog.GetTable(schema, name);
  size_t dollar = name.rfind('$');
  if (!table && dollar != std::string::npos && dollar > 0) {
    if (auto base = catalog.GetTable(schema, name.substr(0, dollar))) {
      return BindMetadataTable(*base, name.substr(dollar + 1), ref.alias.empty() ? name : ref.alias, ref);
    }
  }
  if (!table) {
    if (auto topic = FindTopic(context_, ref.names)) {
      if (ref.version_as_of || ref.timestamp_as_of) {
        throw BinderError(sqlstate::kWrongObjectType,
                          "topic \"" + name + "\" has no history to read AS OF (filter on _timestamp)",
                          ref.location);
      }
      return BindTableEntry(topic, ref.alias.empty() ? name : ref.alias, ref);
    }
    try {
      catalog.CheckAvailable(schema, name);
    } catch (Exception& e) {
      throw Exception(e.sqlstate(), e.message(), ref.location);
    }
    // As PostgreSQL, a missing schema in a query is a missing relation (3F000 is for creating objects).
    const std::string shown = ref.names.size() == 2 ? schema + "." + name : name;
    throw BinderError(sqlstate::kUndefinedTable, "relation \"" + shown + "\" does not exist", ref.location);
  }
  if (ref.version_as_of || ref.timestamp_as_of) {
    table = TableAsOf(*table, ref);
  } else {
    table = WithSinkTails(table);
  }
  return BindTableEntry(table, ref.alias.empty() ? name : ref.alias, ref);
}

std::shared_ptr<TableEntry> Binder::WithSinkTails(const std::shared_ptr<TableEntry>& table) {
  // Events are visible once acknowledged, not once a sink commits them: a table fed by sinks reads as its
  // current snapshot plus the records each sink has not landed in it yet.
  auto iceberg = std::dynamic_pointer_cast<iceberg::IcebergTable>(table->storage);
  log::LogManager* log = context_.database().log_if_open();
  if (!iceberg || !log) return table;
  std::vector<SinkTail> tails;
  for (const auto& sink : context_.catalog().SinksInto(table->schema, table->name)) {
    tails.push_back({sink->qualified_name(), sink->topic});
  }
  if (tails.empty()) return table;
  auto copy = std::make_shared<TableEntry>(*table);
  copy->storage = basin::WithSinkTails(iceberg, *log, tails);
  return copy;
}

LogicalOperatorPtr Binder::BindIcebergScan(const std::string& path, const std::string& alias,
                                           const sql::TableRef& ref) {
  std::shared_ptr<iceberg::IcebergTable> storage;
  try {
    auto pointer = std::make_shared<iceberg::FixedPointer>(iceberg::ResolveMetadataLocation(path));
    storage = std::make_shared<iceberg::IcebergTable>(pointer);
  } catch (Exception& e) {
    throw Exception(e.sqlstate(), e.message(), ref.location);
  }
  auto table = std::make_shared<TableEntry>();
  table->name = alias;
  for (const iceberg::Field& f : storage->MetadataState()->metadata.CurrentSchema().fields) {
    ColumnDefinition col;
    col.name = f.name;
    col.type = f.type;
    col.not_null = f.required;
    table->columns.push_back(std::move(col));
  }
  table->storage = std::move(storage);
  if (ref.version_as_of || ref.timestamp_as_of) table = TableAsOf(*table, ref);
  return BindTableEntry(table, alias, ref);
}

std::shared_ptr<TableEntry> Binder::TableAsOf(const TableEntry& table, const sql::TableRef& ref) {
  const sql::ParsedExpr& expr = ref.version_as_of ? *ref.version_as_of : *ref.timestamp_as_of;
  // A constant of the statement, e.g. now() - INTERVAL '1 hour' or a scalar subquery; a column is not.
  Value v;
  try {
    v = context_.EvaluateConstant(ref.as_of_sql);
  } catch (Exception& ex) {
    throw Exception(ex.sqlstate(), ex.message(), expr.location);
  }
  if (v.IsNull()) throw BinderError(sqlstate::kInvalidParameterValue, "AS OF NULL", expr.location);
  auto copy = std::make_shared<TableEntry>(table);
  try {
    copy->storage = ref.version_as_of
                        ? table.storage->AsOf(CastValue(v, TypeId::kBigInt).GetInt64(), std::nullopt)
                        : table.storage->AsOf(std::nullopt, CastValue(v, TypeId::kTimestampTz).GetInt64());
  } catch (Exception& ex) {
    throw Exception(ex.sqlstate(), ex.message(), expr.location);
  }
  return copy;
}

LogicalOperatorPtr Binder::BindMetadataTable(const TableEntry& table, const std::string& kind,
                                             const std::string& alias, const sql::TableRef& ref) {
  std::optional<MetadataRows> rows = table.storage->Metadata(kind);
  if (!rows) {
    throw BinderError(sqlstate::kUndefinedTable,
                      "table \"" + table.name + "\" has no metadata table \"" + kind +
                          "\" (snapshots, history, files, manifests, properties)",
                      ref.location);
  }
  return BindRows(std::move(*rows), alias, ref);
}

LogicalOperatorPtr Binder::BindRows(MetadataRows rows, const std::string& alias, const sql::TableRef& ref) {
  auto chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  for (size_t r = 0; r < rows.rows.size(); r++) {
    if (chunks->empty() || chunks->back()->size() == kVectorSize) chunks->push_back(std::make_unique<DataChunk>(rows.types));
    DataChunk& chunk = *chunks->back();
    for (size_t c = 0; c < rows.types.size(); c++) chunk.SetValue(c, chunk.size(), rows.rows[r][c]);
    chunk.SetCardinality(chunk.size() + 1);
  }
  return BindChunks(chunks, std::move(rows.names), std::move(rows.types), alias, ref);
}

LogicalOperatorPtr Binder::BindTableEntry(std::shared_ptr<TableEntry> table, const std::string& alias,
                                          const sql::TableRef& ref) {
  auto get = std::make_unique<LogicalOperator>(LogicalOpType::kGet);
  get->table_index = NextTableIndex();
  get->table = table;
  BindingEntry entry;
  entry.alias = alias;
  entry.table_index = get->table_index;
  for (size_t i = 0; i < table->columns.size(); i++) {
    entry.names.push_back(table->columns[i].name);
    entry.types.push_back(table->columns[i].type);
    entry.binding_columns.push_back(i);
  }
  entry.get = get.get();
  AddBinding(std::move(entry), &ref, ref.location);
  return get;
}

LogicalOperatorPtr Binder::BindSubqueryRef(const sql::TableRef& ref) {
  if (ref.lateral) throw NotImplementedError("LATERAL subqueries are not supported yet", ref.location);
  Binder sub(context_, nullptr);
  sub.root_ = root_;
  for (Binder* b = this; b; b = b->parent_) {
    for (auto& [name, info] : b->ctes_) {
      if (!sub.ctes_.count(name)) sub.ctes_[name] = info;
    }
  }
  sub.keep_composite_fields_ = true;
  BoundQuery q = sub.BindQuery(*ref.subquery);
  std::string alias = ref.alias.empty() ? "subquery" + std::to_string(NextTableIndex()) : ref.alias;
  return PlanQueryAsTable(std::move(q), alias, ref.column_aliases, ref.location);
}

LogicalOperatorPtr Binder::BindJoin(const sql::TableRef& ref) {
  auto join = std::make_unique<LogicalOperator>(LogicalOpType::kJoin);
  size_t left_begin = bindings_.size();
  join->children.push_back(BindTableRef(*ref.left));
  size_t right_begin = bindings_.size();
  join->children.push_back(BindTableRef(*ref.right));
  size_t right_end = bindings_.size();
  switch (ref.join_type) {
    case sql::JoinType::kInner:
    case sql::JoinType::kCross:
      join->join_type = LogicalJoinType::kInner;
      break;
    case sql::JoinType::kLeft:
      join->join_type = LogicalJoinType::kLeft;
      break;
    case sql::JoinType::kRight:
      join->join_type = LogicalJoinType::kRight;
      break;
    case sql::JoinType::kFull:
      join->join_type = LogicalJoinType::kFull;
      break;
  }
  std::vector<std::string> using_columns = ref.using_columns;
  if (ref.natural) {
    for (size_t l = left_begin; l < right_begin; l++) {
      for (auto& name : bindings_[l].names) {
        for (size_t r = right_begin; r < right_end; r++) {
          for (auto& rname : bindings_[r].names) {
            if (rname == name &&
                std::find(using_columns.begin(), using_columns.end(), name) == using_columns.end()) {
              using_columns.push_back(name);
            }
          }
        }
      }
    }
  }
  std::vector<ExprPtr> conjuncts;
  for (auto& column : using_columns) {
    // Find the column on each side; the right copy is hidden from `*`.
    auto find = [&](size_t begin, size_t end, bool hide) -> ExprPtr {
      ExprPtr found;
      for (size_t b = begin; b < end; b++) {
        auto& entry = bindings_[b];
        for (size_t i = 0; i < entry.names.size(); i++) {
          if (entry.names[i] != column) continue;
          if (found) {
            throw BinderError(sqlstate::kAmbiguousColumn,
                              "common column name \"" + column + "\" appears more than once", ref.location);
          }
          if (entry.get) {
            auto& ids = entry.get->column_ids;
            if (std::find(ids.begin(), ids.end(), entry.binding_columns[i]) == ids.end())
              ids.push_back(entry.binding_columns[i]);
          }
          if (hide) entry.hidden[i] = true;
          found = Expr::ColumnRef({entry.table_index, entry.binding_columns[i]}, entry.types[i], column);
        }
      }
      return found;
    };
    ExprPtr l = find(left_begin, right_begin, false);
    ExprPtr r = find(right_begin, right_end, true);
    if (!l || !r) {
      throw BinderError(sqlstate::kUndefinedColumn,
                        "column \"" + column + "\" specified in USING clause does not exist in " +
                            (l ? "right" : "left") + " table",
                        ref.location);
    }
    ExprPtr merged;
    if (ref.join_type == sql::JoinType::kFull) {
      merged = std::make_unique<Expr>(ExprClass::kCoalesce);
      LogicalType t = UnifyTypes(*l, *r, ref.location, "JOIN/USING");
      merged->type = t;
      merged->children.push_back(CastTo(l->Copy(), t));
      merged->children.push_back(CastTo(r->Copy(), t));
    } else {
      merged = (ref.join_type == sql::JoinType::kRight ? r : l)->Copy();
    }
    using_columns_.emplace_back(column, std::move(merged));
    conjuncts.push_back(BindComparison("=", std::move(l), std::move(r), ref.location));
  }
  if (ref.condition) {
    ExprPtr cond = BindBoolean(BindExpression(*ref.condition, ExprContext::kJoinCondition), "JOIN/ON",
                               ref.condition->location);
    if (cond->HasSubquery())
      throw NotImplementedError("subqueries in JOIN conditions are not supported", ref.location);
    conjuncts.push_back(std::move(cond));
  }
  if (ExprPtr all = CombineConjunction(std::move(conjuncts))) join->expressions.push_back(std::move(all));
  return join;
}

namespace {
bool HasOuterReference(const Expr& e) {
  bool found = false;
  VisitExpr(e, [&](const Expr& x) { found |= x.cls == ExprClass::kColumnRef && x.depth > 0; });
  return found;
}
}  // namespace

LogicalOperatorPtr Binder::BindScalarFunctionInFrom(const sql::TableRef& ref) {
  // PostgreSQL: a scalar function in FROM is a table of one row, its column named by the alias
  // (Grafana's `FROM string_to_array(current_setting('search_path'), ',') s` then reads s[i]).
  const sql::ParsedExpr& fn = *ref.function;
  ExprPtr call;
  try {
    call = BindExpression(fn, ExprContext::kOther);
  } catch (const Exception& e) {
    if (std::string(e.sqlstate()) != sqlstate::kUndefinedFunction) throw;
    throw BinderError(sqlstate::kUndefinedFunction, "table function " + fn.function_name + " does not exist",
                      fn.location);
  }
  if (call->ReadsRows()) {
    throw NotImplementedError("arguments of function " + fn.function_name + " in FROM must not read rows",
                              fn.location);
  }
  const std::string alias = ref.alias.empty() ? fn.function_name : ref.alias;
  MetadataRows rows;
  rows.names = {alias};
  rows.types = {call->type};
  rows.rows.push_back({ExpressionExecutor::EvaluateScalar(*call, &context_)});
  return BindRows(std::move(rows), alias, ref);
}

void Binder::AddFunctionBinding(uint64_t table_index, const std::string& name, const LogicalType& type,
                                const sql::TableRef& ref) {
  // As PostgreSQL: the one column is named after the alias (FROM generate_series(1, 3) s gives s.s).
  BindingEntry entry;
  entry.alias = ref.alias.empty() ? name : ref.alias;
  entry.table_index = table_index;
  entry.names = {ref.alias.empty() || !ref.column_aliases.empty() ? name : ref.alias};
  entry.types = {type};
  entry.binding_columns = {0};
  AddBinding(std::move(entry), &ref, ref.location);
}

LogicalOperatorPtr Binder::BindTableFunctionOverOuterRows(const sql::TableRef& ref) {
  const sql::ParsedExpr& fn = *ref.function;
  const std::string& name = fn.function_name;
  const bool unnest = name == "unnest";
  if (unnest ? fn.children.size() != 1 : (fn.children.size() < 2 || fn.children.size() > 3)) {
    throw BinderError(sqlstate::kUndefinedFunction, name + (unnest ? " takes one array" : " takes 2 or 3 arguments"),
                      fn.location);
  }
  std::vector<ExprPtr> args;
  for (auto& c : fn.children) args.push_back(BindExpression(*c, ExprContext::kOther));
  auto call = std::make_unique<LogicalOperator>(LogicalOpType::kTableFunction);
  call->table_index = NextTableIndex();
  call->function = name;
  LogicalType type;
  if (unnest) {
    if (args[0]->type.id() != TypeId::kList) throw BinderError(sqlstate::kUndefinedFunction, "unnest takes an array", fn.location);
    type = args[0]->type.element();
    call->expressions.push_back(std::move(args[0]));
  } else {
    for (auto& a : args) {
      if (!a->type.IsInteger() && !IsUntypedLiteral(*a)) {
        throw NotImplementedError(name + " with outer references takes integers", fn.location);
      }
    }
    const bool integers = args[0]->type.id() == TypeId::kInteger && args[1]->type.id() == TypeId::kInteger;
    type = integers ? TypeId::kInteger : TypeId::kBigInt;
    for (auto& a : args) call->expressions.push_back(CastTo(std::move(a), type, fn.location));
  }
  AddFunctionBinding(call->table_index, name, type, ref);
  return call;
}

LogicalOperatorPtr Binder::BindTableFunction(const sql::TableRef& ref) {
  const sql::ParsedExpr& fn = *ref.function;
  const std::string& name = fn.function_name;
  if (IsWindowTableFunction(name)) return BindWindowTableFunction(ref);
  std::vector<Value> args;
  NamedArguments named;
  for (size_t i = 0; i < fn.children.size(); i++) {
    const sql::ParsedExpr* c = fn.children[i].get();
    std::string arg_name = i < fn.arg_names.size() ? fn.arg_names[i] : std::string();
    // DuckDB's `name = value` form.
    if (arg_name.empty() && c->kind == sql::ExprKind::kBinaryOp && c->op == "=" &&
        c->children[0]->kind == sql::ExprKind::kColumnRef && c->children[0]->names.size() == 1) {
      arg_name = c->children[0]->names[0];
      c = c->children[1].get();
    }
    ExprPtr e = BindExpression(*c, ExprContext::kOther);
    // An argument that reads no rows is computed once, volatile functions (current_setting()) included,
    // as PostgreSQL computes it once per scan.
    if (e->ReadsRows()) {
      // generate_series(0, t.n) or unnest(t.list) inside a correlated subquery runs once per outer row.
      if ((name == "generate_series" || name == "range" || name == "unnest") && arg_name.empty() &&
          HasOuterReference(*e)) {
        return BindTableFunctionOverOuterRows(ref);
      }
      throw NotImplementedError("arguments of table function " + name + " must be constants", c->location);
    }
    Value v = ExpressionExecutor::EvaluateScalar(*e, &context_);
    if (!arg_name.empty()) {
      named.emplace_back(std::move(arg_name), std::move(v));
    } else if (!named.empty()) {
      throw BinderError(sqlstate::kSyntaxError, "positional argument after a named argument", c->location);
    } else {
      args.push_back(std::move(v));
    }
  }
  if (name == "read_parquet" || name == "parquet_scan") {
    // One path or glob, or a list of them.
    std::vector<std::string> patterns;
    if (args.size() == 1 && !args[0].IsNull() && args[0].type().id() == TypeId::kVarchar) {
      patterns.push_back(args[0].GetString());
    } else if (args.size() == 1 && !args[0].IsNull() && args[0].type().id() == TypeId::kList) {
      for (const Value& item : args[0].GetList()) {
        if (!item.IsNull() && item.type().id() == TypeId::kVarchar) patterns.push_back(item.GetString());
      }
    }
    if (patterns.empty()) {
      throw BinderError(sqlstate::kUndefinedFunction, name + " takes a file path or glob, or a list of them",
                        fn.location);
    }
    return BindParquetScan(patterns, named, ref.alias.empty() ? name : ref.alias, ref);
  }
  if (name == "iceberg_scan") {
    if (args.size() != 1 || args[0].IsNull() || args[0].type().id() != TypeId::kVarchar || !named.empty()) {
      throw BinderError(sqlstate::kUndefinedFunction, "iceberg_scan takes a table folder or metadata file",
                        fn.location);
    }
    return BindIcebergScan(args[0].GetString(), ref.alias.empty() ? name : ref.alias, ref);
  }
  auto file_scan = [&](auto bind) {
    if (args.size() != 1 || args[0].IsNull() || args[0].type().id() != TypeId::kVarchar) {
      throw BinderError(sqlstate::kUndefinedFunction, name + " takes one file path or glob", fn.location);
    }
    return (this->*bind)(args[0].GetString(), ref.alias.empty() ? name : ref.alias, ref, named);
  };
  if (name == "read_csv" || name == "read_csv_auto") return file_scan(&Binder::BindCsvScan);
  if (name == "read_json" || name == "read_json_auto" || name == "read_ndjson") {
    if (name == "read_ndjson") named.emplace_back("format", Value::Varchar("newline_delimited"));
    return file_scan(&Binder::BindJsonScan);
  }
  if (!named.empty()) {
    throw BinderError(sqlstate::kSyntaxError, "table function " + name + " takes no named arguments",
                      fn.location);
  }
  if (name == "unnest" || name == "_pg_expandarray") {
    if (args.size() != 1 || (args[0].type().id() != TypeId::kList && !args[0].IsNull())) {
      throw BinderError(sqlstate::kUndefinedFunction, name + " takes one array", fn.location);
    }
    const LogicalType element = args[0].type().id() == TypeId::kList ? args[0].type().element() : TypeId::kVarchar;
    // _pg_expandarray's rows are (x, n): each element and its 1-based position.
    const bool ordinal = name == "_pg_expandarray";
    MetadataRows rows;
    rows.names = {ordinal ? "x" : ref.alias.empty() || !ref.column_aliases.empty() ? name : ref.alias};
    rows.types = {element};
    if (ordinal) {
      rows.names.push_back("n");
      rows.types.push_back(TypeId::kInteger);
    }
    if (!args[0].IsNull()) {
      int32_t position = 0;
      for (const Value& v : args[0].GetList()) {
        rows.rows.push_back({v});
        if (ordinal) rows.rows.back().push_back(Value::Integer(++position));
      }
    }
    return BindRows(std::move(rows), ref.alias.empty() ? name : ref.alias, ref);
  }
  if (name != "generate_series" && name != "range") return BindScalarFunctionInFrom(ref);
  if (args.size() < 2 || args.size() > 3) {
    throw BinderError(sqlstate::kUndefinedFunction, name + " takes 2 or 3 arguments", fn.location);
  }
  auto chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  LogicalType type;
  bool temporal = args[0].type().IsTemporal();
  bool inclusive = name == "generate_series";
  if (temporal) {
    // As PostgreSQL's overloads: TIMESTAMP arguments keep TIMESTAMP; DATE ones (no overload of their own)
    // and TIMESTAMPTZ give TIMESTAMPTZ, the preferred type (the session time zone is UTC).
    const bool plain =
        (args[0].type().id() == TypeId::kTimestamp || args[1].type().id() == TypeId::kTimestamp) &&
        args[0].type().id() != TypeId::kTimestampTz && args[1].type().id() != TypeId::kTimestampTz;
    type = plain ? TypeId::kTimestamp : TypeId::kTimestampTz;
    if (args.size() != 3)
      throw BinderError(sqlstate::kUndefinedFunction, name + " over timestamps needs a step", fn.location);
    Value start = CastValue(args[0], TypeId::kTimestamp), stop = CastValue(args[1], TypeId::kTimestamp);
    Value step = CastValue(args[2], TypeId::kInterval);
    if (!start.IsNull() && !stop.IsNull() && !step.IsNull()) {
      interval_t iv = step.GetInterval();
      if (iv.Normalized() == 0)
        throw DataError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
      bool up = iv.Normalized() > 0;
      auto chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{type});
      for (int64_t ts = start.GetInt64(); up ? (inclusive ? ts <= stop.GetInt64() : ts < stop.GetInt64())
                                             : (inclusive ? ts >= stop.GetInt64() : ts > stop.GetInt64());
           ts = interval::AddToTimestamp(ts, iv)) {
        if (chunk->size() == kVectorSize) {
          chunks->push_back(std::move(chunk));
          chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{type});
        }
        chunk->column(0).data<int64_t>()[chunk->size()] = ts;
        chunk->SetCardinality(chunk->size() + 1);
      }
      if (chunk->size()) chunks->push_back(std::move(chunk));
    }
  } else {
    type = TypeId::kBigInt;
    Value start = CastValue(args[0], TypeId::kBigInt), stop = CastValue(args[1], TypeId::kBigInt);
    Value step = args.size() == 3 ? CastValue(args[2], TypeId::kBigInt) : Value::BigInt(1);
    if (args[0].type().id() == TypeId::kInteger && args[1].type().id() == TypeId::kInteger)
      type = TypeId::kInteger;
    if (!start.IsNull() && !stop.IsNull() && !step.IsNull()) {
      int64_t s = step.GetInt64();
      if (s == 0) throw DataError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
      int64_t lo = start.GetInt64(), hi = stop.GetInt64();
      auto chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{type});
      for (__int128 v = lo; s > 0 ? (inclusive ? v <= hi : v < hi) : (inclusive ? v >= hi : v > hi); v += s) {
        if (chunk->size() == kVectorSize) {
          chunks->push_back(std::move(chunk));
          chunk = std::make_unique<DataChunk>(std::vector<LogicalType>{type});
        }
        if (type.id() == TypeId::kInteger) {
          chunk->column(0).data<int32_t>()[chunk->size()] = static_cast<int32_t>(v);
        } else {
          chunk->column(0).data<int64_t>()[chunk->size()] = static_cast<int64_t>(v);
        }
        chunk->SetCardinality(chunk->size() + 1);
      }
      if (chunk->size()) chunks->push_back(std::move(chunk));
    }
  }
  auto scan = ChunkScan(chunks, {type});
  AddFunctionBinding(scan->table_index, name, type, ref);
  return scan;
}

}  // namespace basin
