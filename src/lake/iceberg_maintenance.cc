// Iceberg tables: schema evolution, properties, time travel, metadata tables and maintenance (rollback,
// VACUUM). OPTIMIZE lives with the writer.

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "common/exception.h"
#include "lake/iceberg_internal.h"
#include "lake/iceberg_partition.h"
#include "lake/iceberg_table.h"
#include "lake/puffin.h"

namespace basin::iceberg {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultPrefix = "basin.column-default.";
/// Iceberg's defaults for expiring snapshots: older than five days, keeping at least one.
constexpr int64_t kDefaultMaxSnapshotAgeMs = 5LL * 24 * 3600 * 1000;

/// A table read as of an earlier snapshot: scans only.
class SnapshotTable : public TableStorage {
 public:
  SnapshotTable(std::shared_ptr<IcebergTable> table, std::shared_ptr<const TableState> state)
      : table_(std::move(table)), state_(std::move(state)) {}
  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>& filters) override {
    return table_->InitScanAt(state_, column_ids, filters);
  }
  size_t MorselCount(const TableScanState& state) const override { return table_->MorselCount(state); }
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override {
    return table_->OpenMorsel(state, morsel);
  }
  std::unique_ptr<Writer> BeginWrite() override {
    throw NotImplementedError("a table read as of an earlier version cannot be written");
  }
  int64_t RowCount() const override { return state_->row_count; }
  int64_t SizeInBytes() const override { return table_->SizeInBytes(); }

 private:
  std::shared_ptr<IcebergTable> table_;
  std::shared_ptr<const TableState> state_;
};

Value Timestamp(int64_t ms) { return Value::TimestampTz(ms * 1000); }
Value OptionalId(std::optional<int64_t> id) { return id ? Value::BigInt(*id) : Value::Null(TypeId::kBigInt); }

int64_t PropertyInt(const TableMetadata& md, const std::string& key, int64_t fallback) {
  auto it = md.properties.find(key);
  if (it == md.properties.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (...) {
    throw DataError(sqlstate::kInvalidParameterValue, "table property " + key + " is not a number: " + it->second);
  }
}

/// "7d", "12h", "30m", "0s" or milliseconds, as Trino's retention thresholds.
int64_t ParseDurationMs(const std::string& text) {
  size_t used = 0;
  double n = 0;
  try {
    n = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  std::string unit = text.substr(used);
  static const std::pair<const char*, double> kUnits[] = {{"", 1}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}, {"d", 8.64e7}};
  for (auto& [u, factor] : kUnits) {
    if (used > 0 && unit == u && n >= 0) return static_cast<int64_t>(n * factor);
  }
  throw DataError(sqlstate::kInvalidParameterValue,
                  "invalid retention \"" + text + "\" (use a number with ms, s, m, h or d, e.g. '7d')");
}

/// Every file a state's snapshot references: manifest list, manifests, data and delete files.
void CollectReferenced(const std::string& manifest_list, std::set<std::string>& out) {
  out.insert(manifest_list);
  for (const ManifestFile& m : ReadManifestList(manifest_list)) {
    out.insert(m.path);
    for (const ManifestEntry& e : ReadManifest(m, nullptr)) out.insert(e.file.path);
  }
}

/// The primary key's columns stay required and present, and a partition field's source stays present, as
/// Iceberg requires (a spec over a dropped column could not be evaluated for new rows).
void CheckKeyAndPartitionColumn(const TableMetadata& md, const Schema& schema, const Field& f, const SchemaChange& change) {
  using K = SchemaChange::Kind;
  const auto& key = schema.identifier_field_ids;
  bool in_key = std::find(key.begin(), key.end(), f.id) != key.end();
  if (in_key && (change.kind == K::kDropColumn || (change.kind == K::kSetNotNull && !change.not_null))) {
    throw CatalogError(sqlstate::kInvalidTableDefinition, "column \"" + f.name + "\" is in the primary key");
  }
  if (change.kind != K::kDropColumn) return;
  for (const PartitionSpec& spec : md.specs) {
    for (const PartitionField& p : spec.fields) {
      if (p.source_id == f.id) {
        throw CatalogError(sqlstate::kDependentObjects, "cannot drop column \"" + f.name + "\": partition field \"" +
                                                            p.name + "\" depends on it");
      }
    }
  }
}

/// Names of the columns `ids` in `schema`, comma-separated.
std::string ColumnNames(const Schema& schema, const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) {
    const Field* f = schema.FindField(id);
    out += (out.empty() ? "" : ", ") + (f ? f->name : "#" + std::to_string(id));
  }
  return out;
}

/// The spec as PARTITIONED BY would write it: "bucket(16, id), day(ts)".
std::string SpecSql(const Schema& schema, const PartitionSpec& spec) {
  std::string out;
  for (const PartitionField& p : spec.fields) {
    std::string column = ColumnNames(schema, {p.source_id});
    std::string name = TransformName(p.transform, 0);
    if (p.transform == Transform::kIdentity) {
      name = column;
    } else if (p.transform == Transform::kBucket || p.transform == Transform::kTruncate) {
      name = name.substr(0, name.find('[')) + "(" + std::to_string(p.param) + ", " + column + ")";
    } else {
      name += "(" + column + ")";
    }
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

}  // namespace

bool IcebergTable::AlterSchema(const SchemaChange& change) {
  Commit([&](TableMetadata& md, const TableState&, int) {
    Schema schema = md.CurrentSchema();
    int32_t last_id = md.last_column_id;
    for (const Schema& s : md.schemas) {
      for (const Field& f : s.fields) {
        last_id = std::max(last_id, f.id);
        for (const ListElement& e : f.elements) last_id = std::max(last_id, e.id);
      }
    }
    using K = SchemaChange::Kind;
    if (change.kind == K::kAddColumn) {
      CheckStorableType(change.name, change.type);
      Field f{++last_id, change.name, change.not_null, change.type, "", {}};
      AssignElementIds(f, last_id);
      if (!change.text.empty()) md.properties[kDefaultPrefix + std::to_string(f.id)] = change.text;
      schema.fields.push_back(std::move(f));
      md.last_column_id = last_id;
    } else {
      if (change.column >= schema.fields.size()) throw InternalError("ALTER TABLE: no such column");
      Field& f = schema.fields[change.column];
      CheckKeyAndPartitionColumn(md, schema, f, change);
      std::string default_key = kDefaultPrefix + std::to_string(f.id);
      switch (change.kind) {
        case K::kDropColumn:
          md.properties.erase(default_key);
          schema.fields.erase(schema.fields.begin() + static_cast<std::ptrdiff_t>(change.column));
          break;
        case K::kRenameColumn: f.name = change.name; break;
        case K::kSetType: f.type = change.type; break;
        case K::kSetNotNull: f.required = change.not_null; break;
        case K::kSetComment: f.doc = change.text; break;
        case K::kSetDefault:
          if (change.text.empty()) {
            md.properties.erase(default_key);
          } else {
            md.properties[default_key] = change.text;
          }
          break;
        case K::kAddColumn: break;
      }
    }
    int32_t schema_id = 0;
    for (const Schema& s : md.schemas) schema_id = std::max(schema_id, s.schema_id + 1);
    schema.schema_id = schema_id;
    md.schemas.push_back(std::move(schema));
    md.current_schema_id = schema_id;
  });
  // Files written before an added column read NULL for it (Iceberg v2 has no initial defaults).
  return change.kind != SchemaChange::Kind::kAddColumn;
}

void IcebergTable::SetProperties(const std::map<std::string, std::string>& properties) {
  Commit([&](TableMetadata& md, const TableState&, int) {
    for (auto& [k, v] : properties) {
      if (v.empty()) {
        md.properties.erase(k);
      } else {
        md.properties[k] = v;
      }
    }
    WriterOptionsFromProperties(md.properties);  // bad write properties fail now, not at the next write
  });
}

std::map<std::string, std::string> IcebergTable::Properties() const {
  return MetadataState()->metadata.properties;
}

std::shared_ptr<TableStorage> IcebergTable::AsOf(std::optional<int64_t> snapshot_id, std::optional<int64_t> time_us) {
  auto current = State();
  if (!snapshot_id) {
    // The snapshot current at that time: the last one made current at or before it.
    int64_t ms = *time_us / 1000;
    for (auto& [ts, id] : current->metadata.snapshot_log) {
      if (ts <= ms) snapshot_id = id;
    }
    if (!snapshot_id) {
      throw CatalogError(sqlstate::kUndefinedObject, "the table has no snapshot at or before that time");
    }
  }
  return std::make_shared<SnapshotTable>(shared_from_this(), StateAt(*snapshot_id));
}

std::shared_ptr<TableStorage> IcebergTable::AppendsBetween(std::optional<int64_t> from, int64_t to) {
  auto current = State();
  const TableMetadata& md = current->metadata;
  // The snapshots after `from` up to `to`, oldest first, by their parents.
  std::vector<const Snapshot*> chain;
  for (const Snapshot* s = md.FindSnapshot(to); s && (!from || s->snapshot_id != *from);
       s = s->parent_id ? md.FindSnapshot(*s->parent_id) : nullptr) {
    chain.push_back(s);
    if (!s->parent_id && from) {
      throw CatalogError(sqlstate::kUndefinedObject, "snapshot " + std::to_string(*from) +
                                                         " is not an ancestor of snapshot " + std::to_string(to) +
                                                         " (expired, or the table was rolled back)");
    }
  }
  if (chain.empty() && (!from || *from != to)) {
    throw CatalogError(sqlstate::kUndefinedObject, "the table has no snapshot " + std::to_string(to));
  }
  std::reverse(chain.begin(), chain.end());
  auto state = std::make_shared<TableState>();
  state->metadata_location = current->metadata_location;
  state->metadata = md;
  state->metadata.current_snapshot_id = to;
  for (const Snapshot* s : chain) {
    auto op = s->summary.find("operation");
    const std::string operation = op == s->summary.end() ? "" : op->second;
    if (operation == "replace") continue;
    if (operation != "append") {
      throw DataError(sqlstate::kObjectNotInPrerequisiteState,
                      "snapshot " + std::to_string(s->snapshot_id) + " of the table is \"" + operation +
                          "\": rows were deleted or updated, and only appended rows can be read incrementally");
    }
    // The files this append added carry its sequence number.
    auto at = StateAt(s->snapshot_id);
    for (const TableState::LiveFile& f : at->files) {
      if (f.sequence_number == s->sequence_number) state->files.push_back(f);
    }
  }
  IndexMorsels(*state);
  return std::make_shared<SnapshotTable>(shared_from_this(), std::move(state));
}

std::optional<MetadataRows> IcebergTable::Metadata(const std::string& name) {
  auto state = State();
  const TableMetadata& md = state->metadata;
  MetadataRows out;
  if (name == "snapshots") {
    out.names = {"committed_at", "snapshot_id", "parent_id", "operation", "manifest_list", "summary"};
    out.types = {TypeId::kTimestampTz, TypeId::kBigInt, TypeId::kBigInt, TypeId::kVarchar, TypeId::kVarchar, TypeId::kVarchar};
    for (const Snapshot& s : md.snapshots) {
      std::string summary;
      for (auto& [k, v] : s.summary) summary += (summary.empty() ? "" : ", ") + k + "=" + v;
      auto op = s.summary.find("operation");
      out.rows.push_back({Timestamp(s.timestamp_ms), Value::BigInt(s.snapshot_id), OptionalId(s.parent_id),
                          op == s.summary.end() ? Value::Null(TypeId::kVarchar) : Value::Varchar(op->second),
                          Value::Varchar(s.manifest_list), Value::Varchar("{" + summary + "}")});
    }
  } else if (name == "history") {
    out.names = {"made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"};
    out.types = {TypeId::kTimestampTz, TypeId::kBigInt, TypeId::kBigInt, TypeId::kBoolean};
    std::set<int64_t> ancestors;
    for (const Snapshot* s = md.CurrentSnapshot(); s; s = s->parent_id ? md.FindSnapshot(*s->parent_id) : nullptr) {
      ancestors.insert(s->snapshot_id);
    }
    for (auto& [ts, id] : md.snapshot_log) {
      const Snapshot* s = md.FindSnapshot(id);
      out.rows.push_back({Timestamp(ts), Value::BigInt(id), OptionalId(s ? s->parent_id : std::nullopt),
                          Value::Boolean(ancestors.count(id) > 0)});
    }
  } else if (name == "files") {
    out.names = {"content", "file_path", "file_format", "record_count", "file_size_in_bytes", "deleted_rows", "partition"};
    out.types = {TypeId::kInteger, TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt,
                 TypeId::kBigInt,  TypeId::kBigInt,  TypeId::kVarchar};
    auto partition = [&](const DataFile& f) {
      const PartitionSpec& spec = md.FindSpec(f.spec_id);
      return spec.fields.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(PartitionToString(spec, f.partition));
    };
    for (const auto& f : state->files) {
      out.rows.push_back({Value::Integer(0), Value::Varchar(f.file.path), Value::Varchar(f.file.format),
                          Value::BigInt(f.file.record_count), Value::BigInt(f.file.file_size),
                          Value::BigInt(f.DeletedCount()), partition(f.file)});
    }
    for (const auto& [f, seq] : state->delete_files) {
      out.rows.push_back({Value::Integer(static_cast<int32_t>(f.content)), Value::Varchar(f.path), Value::Varchar(f.format),
                          Value::BigInt(f.record_count), Value::BigInt(f.file_size), Value::Null(TypeId::kBigInt),
                          partition(f)});
    }
  } else if (name == "partitions") {
    // Live rows and data files per partition (an unpartitioned table is one partition, shown as "").
    out.names = {"partition", "record_count", "file_count"};
    out.types = {TypeId::kVarchar, TypeId::kBigInt, TypeId::kBigInt};
    std::map<std::string, std::tuple<std::string, int64_t, int64_t>> partitions;
    for (const auto& f : state->files) {
      auto& [text, records, files] = partitions[PartitionKey(f.file.spec_id, f.file.partition)];
      text = PartitionToString(md.FindSpec(f.file.spec_id), f.file.partition);
      records += f.file.record_count - f.DeletedCount();
      files++;
    }
    for (auto& [key, p] : partitions) {
      out.rows.push_back({Value::Varchar(std::get<0>(p)), Value::BigInt(std::get<1>(p)), Value::BigInt(std::get<2>(p))});
    }
  } else if (name == "manifests") {
    out.names = {"path", "length", "content", "added_snapshot_id", "added_files_count", "existing_files_count",
                 "deleted_files_count", "added_rows_count", "existing_rows_count", "deleted_rows_count"};
    out.types = {TypeId::kVarchar, TypeId::kBigInt, TypeId::kInteger, TypeId::kBigInt, TypeId::kInteger,
                 TypeId::kInteger, TypeId::kInteger, TypeId::kBigInt, TypeId::kBigInt, TypeId::kBigInt};
    for (const ManifestFile& m : state->manifests) {
      out.rows.push_back({Value::Varchar(m.path), Value::BigInt(m.length), Value::Integer(static_cast<int32_t>(m.content)),
                          Value::BigInt(m.added_snapshot_id), Value::Integer(m.added_files),
                          Value::Integer(m.existing_files), Value::Integer(m.deleted_files), Value::BigInt(m.added_rows),
                          Value::BigInt(m.existing_rows), Value::BigInt(m.deleted_rows)});
    }
  } else if (name == "properties") {
    out.names = {"key", "value"};
    out.types = {TypeId::kVarchar, TypeId::kVarchar};
    for (auto& [k, v] : md.properties) out.rows.push_back({Value::Varchar(k), Value::Varchar(v)});
    out.rows.push_back({Value::Varchar("location"), Value::Varchar(md.location)});
    const Schema& schema = md.CurrentSchema();
    if (!schema.identifier_field_ids.empty()) {
      out.rows.push_back({Value::Varchar("primary_key"), Value::Varchar(ColumnNames(schema, schema.identifier_field_ids))});
    }
    if (!md.DefaultSpec().fields.empty()) {
      out.rows.push_back({Value::Varchar("partitioning"), Value::Varchar(SpecSql(schema, md.DefaultSpec()))});
    }
    out.rows.push_back({Value::Varchar("metadata_location"), Value::Varchar(state->metadata_location)});
  } else {
    return std::nullopt;
  }
  return out;
}

int64_t IcebergTable::Execute(const std::string& procedure, const std::vector<Value>& args) {
  auto int_arg = [&](size_t i) {
    if (i >= args.size() || args[i].IsNull() || !args[i].type().IsInteger()) {
      throw BinderError(sqlstate::kInvalidParameterValue, procedure + " needs a snapshot id");
    }
    return args[i].GetInt64();
  };
  if (procedure == "rollback_to_snapshot") {
    RollbackTo(int_arg(0));
    return 1;
  }
  if (procedure == "optimize") return Optimize();
  const auto state = MetadataState();
  const TableMetadata& md = state->metadata;
  int64_t max_age = PropertyInt(md, "history.expire.max-snapshot-age-ms", kDefaultMaxSnapshotAgeMs);
  int64_t min_keep = std::max<int64_t>(1, PropertyInt(md, "history.expire.min-snapshots-to-keep", 1));
  if (procedure == "vacuum") return Vacuum(max_age, min_keep);
  if (procedure == "expire_snapshots" || procedure == "remove_orphan_files") {
    if (!args.empty() && !args[0].IsNull()) max_age = ParseDurationMs(args[0].ToString());
    return Vacuum(procedure == "expire_snapshots" ? max_age : INT64_MAX, min_keep);
  }
  throw BinderError(sqlstate::kUndefinedFunction, "unknown table procedure \"" + procedure +
                                                      "\" (rollback_to_snapshot, optimize, expire_snapshots, "
                                                      "remove_orphan_files)");
}

void IcebergTable::RollbackTo(int64_t snapshot_id) {
  Commit([&](TableMetadata& md, const TableState&, int) {
    bool ancestor = false;
    for (const Snapshot* s = md.CurrentSnapshot(); s && !ancestor; s = s->parent_id ? md.FindSnapshot(*s->parent_id) : nullptr) {
      ancestor = s->snapshot_id == snapshot_id;
    }
    if (!ancestor) {
      throw CatalogError(sqlstate::kUndefinedObject,
                         "snapshot " + std::to_string(snapshot_id) + " is not an ancestor of the current snapshot");
    }
    md.current_snapshot_id = snapshot_id;
    md.snapshot_log.emplace_back(std::max(NowMillis(), md.last_updated_ms), snapshot_id);
  });
}

int64_t IcebergTable::Vacuum(int64_t max_age_ms, int64_t min_keep) {
  // 1. Expire snapshots: old ones beyond the newest `min_keep`, never the current one.
  Commit([&](TableMetadata& md, const TableState&, int) {
    int64_t cutoff = max_age_ms == INT64_MAX ? INT64_MIN : NowMillis() - max_age_ms;
    std::vector<Snapshot> keep;
    int64_t kept_recent = 0;
    for (auto it = md.snapshots.rbegin(); it != md.snapshots.rend(); ++it) {
      bool current = md.current_snapshot_id == it->snapshot_id;
      if (current || it->timestamp_ms >= cutoff || kept_recent < min_keep) {
        keep.push_back(*it);
        kept_recent++;
      }
    }
    std::reverse(keep.begin(), keep.end());
    std::set<int64_t> ids;
    for (const Snapshot& s : keep) ids.insert(s.snapshot_id);
    md.snapshots = std::move(keep);
    std::erase_if(md.snapshot_log, [&](const auto& e) { return !ids.count(e.second); });
    for (Snapshot& s : md.snapshots) {
      if (s.parent_id && !ids.count(*s.parent_id)) s.parent_id.reset();
    }
    if (!md.statistics.empty()) md.statistics = {md.statistics.back()};  // the sketches in use
    md.metadata_log.clear();  // earlier versions are removed below
  });
  // 2. Remove what no remaining snapshot references: expired snapshots' files, files of failed or crashed
  // writes, earlier metadata versions. Writers still open in this process keep their files.
  if (open_writers_ > 0) return 0;
  auto state = State();
  const TableMetadata& md = state->metadata;
  std::set<std::string> paths = {state->metadata_location, md.location + "/metadata/version-hint.text"};
  for (const Snapshot& s : md.snapshots) CollectReferenced(s.manifest_list, paths);
  for (const StatisticsFile& st : md.statistics) paths.insert(st.path);
  // Compared in canonical form: a file is removed only when no spelling of a referenced path names it.
  std::set<fs::path> referenced;
  for (const std::string& p : paths) referenced.insert(fs::weakly_canonical(p));
  int64_t removed = 0;
  std::error_code ec;
  for (const char* folder : {"/metadata", "/data"}) {
    for (const auto& entry : fs::recursive_directory_iterator(md.location + folder, ec)) {
      if (!entry.is_regular_file() || referenced.count(fs::weakly_canonical(entry.path()))) continue;
      if (fs::remove(entry.path(), ec)) removed++;
    }
  }
  return removed;
}

}  // namespace basin::iceberg
