// Iceberg table metadata files (JSON), format version 2.

#include "lake/iceberg_metadata.h"

#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

#include "common/exception.h"

namespace basin::iceberg {

namespace {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// Basin types that Iceberg widens (SMALLINT to int, VARCHAR(n) to string) are kept in a table property so
// that Basin gets back the type it was given; other engines see the Iceberg type.
constexpr const char* kBasinTypePrefix = "basin.column-type.";

template <typename T>
T Get(const json& node, const char* key, const std::string& what);

/// A field's type as Iceberg's JSON: a primitive's name, or a list object with the element's id (`elements`
/// from `depth` on: a list nested in a list has the next one).
ordered_json TypeJson(const LogicalType& type, const std::vector<ListElement>& elements, size_t depth,
                      const std::string& column) {
  if (type.id() != TypeId::kList) return IcebergTypeName(type);
  if (depth >= elements.size()) throw InternalError("list column \"" + column + "\" has no element id");
  ordered_json list;
  list["type"] = "list";
  list["element-id"] = elements[depth].id;
  list["element"] = TypeJson(type.element(), elements, depth + 1, column);
  list["element-required"] = elements[depth].required;
  return list;
}

LogicalType ParseType(const json& node, const std::string& what, std::vector<ListElement>& elements) {
  if (node.is_object() && node.value("type", "") == "list") {
    elements.push_back({Get<int32_t>(node, "element-id", what), node.value("element-required", false)});
    return LogicalType::List(ParseType(node.at("element"), what, elements));
  }
  if (!node.is_string()) {
    throw NotImplementedError("\"" + what + "\": Iceberg type " + node.dump() + " is not supported");
  }
  std::string t = node.get<std::string>();
  static const std::pair<const char*, TypeId> kTypes[] = {
      {"boolean", TypeId::kBoolean}, {"int", TypeId::kInteger},     {"long", TypeId::kBigInt},
      {"float", TypeId::kReal},      {"double", TypeId::kDouble},   {"date", TypeId::kDate},
      {"time", TypeId::kTime},       {"timestamp", TypeId::kTimestamp}, {"timestamptz", TypeId::kTimestampTz},
      {"string", TypeId::kVarchar},  {"binary", TypeId::kBlob},     {"uuid", TypeId::kVarchar}};
  for (auto& [name, id] : kTypes) {
    if (t == name) return id;
  }
  unsigned p = 0, s = 0;
  if (std::sscanf(t.c_str(), "decimal(%u, %u)", &p, &s) == 2 || std::sscanf(t.c_str(), "decimal(%u,%u)", &p, &s) == 2) {
    return LogicalType::Decimal(static_cast<uint8_t>(p), static_cast<uint8_t>(s));
  }
  if (t.rfind("fixed[", 0) == 0) return TypeId::kBlob;
  throw NotImplementedError("\"" + what + "\": Iceberg type \"" + t + "\" is not supported");
}

/// Whether Iceberg's type for `type` would read back as another Basin type (SMALLINT as INTEGER, VARCHAR(n) as
/// VARCHAR, INTERVAL as BLOB, and lists of them), so that the Basin type is kept in a table property.
bool NeedsBasinType(const LogicalType& type) {
  if (type.id() == TypeId::kList) return NeedsBasinType(type.element());
  return type.id() == TypeId::kSmallInt || type.id() == TypeId::kInterval || type.max_length() > 0;
}

/// "VARCHAR(10)", "SMALLINT" or "VARCHAR(10)[]" back to a type.
LogicalType ParseBasinType(const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "[]") == 0)
    return LogicalType::List(ParseBasinType(text.substr(0, text.size() - 2)));
  size_t open = text.find('(');
  if (open == std::string::npos) return TypeFromName(text);
  return TypeFromName(text.substr(0, open), std::stoll(text.substr(open + 1)));
}

ordered_json SchemaJson(const Schema& schema) {
  ordered_json s;
  s["type"] = "struct";
  s["schema-id"] = schema.schema_id;
  ordered_json fields = ordered_json::array();
  for (const Field& f : schema.fields) {
    ordered_json field;
    field["id"] = f.id;
    field["name"] = f.name;
    field["required"] = f.required;
    field["type"] = TypeJson(f.type, f.elements, 0, f.name);
    if (!f.doc.empty()) field["doc"] = f.doc;
    fields.push_back(std::move(field));
  }
  s["fields"] = std::move(fields);
  if (!schema.identifier_field_ids.empty()) s["identifier-field-ids"] = schema.identifier_field_ids;
  return s;
}

/// The largest field id of the schema, list elements' included.
int32_t MaxFieldId(const Schema& schema) {
  int32_t max_id = 0;
  for (const Field& f : schema.fields) {
    max_id = std::max(max_id, f.id);
    for (const ListElement& e : f.elements) max_id = std::max(max_id, e.id);
  }
  return max_id;
}

template <typename T>
T Get(const json& node, const char* key, const std::string& what) {
  if (!node.contains(key)) {
    throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata \"" + what + "\" has no \"" + key + "\"");
  }
  try {
    return node[key].get<T>();
  } catch (const json::exception&) {
    throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata \"" + what + "\": bad \"" + key + "\"");
  }
}

/// "partition-specs" (v2) or "partition-spec" (v1: the fields of spec 0).
void ParseSpecs(const json& m, TableMetadata& md, const std::string& what) {
  json specs = m.contains("partition-specs")
                   ? m["partition-specs"]
                   : json::array({{{"spec-id", 0}, {"fields", m.value("partition-spec", json::array())}}});
  md.specs.clear();
  int32_t last_id = 999;
  for (const json& sj : specs) {
    PartitionSpec spec;
    spec.spec_id = sj.value("spec-id", 0);
    for (const json& fj : sj.value("fields", json::array())) {
      PartitionField f;
      f.source_id = Get<int32_t>(fj, "source-id", what);
      f.field_id = fj.value("field-id", last_id + 1);
      f.name = Get<std::string>(fj, "name", what);
      std::string transform = Get<std::string>(fj, "transform", what);
      auto t = ParseTransformName(transform, f.param);
      if (!t) throw NotImplementedError("\"" + what + "\": partition transform \"" + transform + "\" is not supported");
      f.transform = *t;
      last_id = std::max(last_id, f.field_id);
      spec.fields.push_back(std::move(f));
    }
    md.specs.push_back(std::move(spec));
  }
  if (md.specs.empty()) md.specs.emplace_back();
  md.default_spec_id = m.value("default-spec-id", md.specs[0].spec_id);
  md.last_partition_id = std::max(m.value("last-partition-id", 999), last_id);
  md.FindSpec(md.default_spec_id);  // the default spec must exist
}

}  // namespace

std::string IcebergTypeName(const LogicalType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kSmallInt:
    case TypeId::kInteger: return "int";
    case TypeId::kBigInt: return "long";
    case TypeId::kReal: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(type.width()) + ", " + std::to_string(type.scale()) + ")";
    case TypeId::kVarchar: return "string";
    case TypeId::kBlob: return "binary";
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    // Iceberg has no interval: Parquet's INTERVAL layout (months, days, milliseconds), recorded as Basin's.
    case TypeId::kInterval: return "fixed[12]";
    default:
      throw NotImplementedError("a column of type " + type.ToString() + " cannot be stored in an Iceberg table");
  }
}

void CheckIcebergType(const std::string& column, const LogicalType& type) {
  try {
    IcebergTypeName(type.id() == TypeId::kList ? type.element() : type);
  } catch (const NotImplementedError&) {
    throw NotImplementedError("column \"" + column + "\" of type " + type.ToString() +
                              " cannot be stored in an Iceberg table");
  }
}

void AssignElementIds(Field& field, int32_t& last_id) {
  field.elements.clear();
  for (const LogicalType* t = &field.type; t->id() == TypeId::kList; t = &t->element())
    field.elements.push_back({++last_id, false});
}

std::string Schema::ToJson() const { return SchemaJson(*this).dump(); }

const Schema& TableMetadata::CurrentSchema() const {
  for (const Schema& s : schemas) {
    if (s.schema_id == current_schema_id) return s;
  }
  throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata has no schema " + std::to_string(current_schema_id));
}

const Field* Schema::FindField(int32_t id) const {
  for (const Field& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

const PartitionSpec& TableMetadata::DefaultSpec() const { return FindSpec(default_spec_id); }

const PartitionSpec& TableMetadata::FindSpec(int32_t spec_id) const {
  for (const PartitionSpec& s : specs) {
    if (s.spec_id == spec_id) return s;
  }
  throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata has no partition spec " + std::to_string(spec_id));
}

const Snapshot* TableMetadata::FindSnapshot(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const StatisticsFile* TableMetadata::FindStatistics(int64_t snapshot_id) const {
  for (const StatisticsFile& s : statistics) {
    if (s.snapshot_id == snapshot_id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  return current_snapshot_id ? FindSnapshot(*current_snapshot_id) : nullptr;
}

std::string TableMetadata::ToJson() const {
  ordered_json m;
  m["format-version"] = 2;
  m["table-uuid"] = table_uuid;
  m["location"] = location;
  m["last-sequence-number"] = last_sequence_number;
  m["last-updated-ms"] = last_updated_ms;
  int32_t last_id = last_column_id;
  ordered_json schema_list = ordered_json::array();
  for (const Schema& s : schemas) {
    last_id = std::max(last_id, MaxFieldId(s));
    schema_list.push_back(SchemaJson(s));
  }
  m["last-column-id"] = last_id;
  m["current-schema-id"] = current_schema_id;
  m["schemas"] = std::move(schema_list);
  m["default-spec-id"] = default_spec_id;
  ordered_json spec_list = ordered_json::array();
  for (const PartitionSpec& s : specs) {
    spec_list.push_back({{"spec-id", s.spec_id}, {"fields", ordered_json::parse(s.FieldsJson())}});
  }
  m["partition-specs"] = std::move(spec_list);
  m["last-partition-id"] = last_partition_id;
  m["default-sort-order-id"] = 0;
  m["sort-orders"] = ordered_json::array({{{"order-id", 0}, {"fields", ordered_json::array()}}});
  ordered_json props = ordered_json::object();
  for (auto& [k, v] : properties) {
    if (k.rfind(kBasinTypePrefix, 0) != 0) props[k] = v;
  }
  for (const Field& f : CurrentSchema().fields) {
    if (NeedsBasinType(f.type)) props[kBasinTypePrefix + std::to_string(f.id)] = f.type.ToString();
  }
  m["properties"] = std::move(props);
  m["current-snapshot-id"] = current_snapshot_id ? *current_snapshot_id : -1;
  ordered_json snaps = ordered_json::array();
  for (const Snapshot& s : snapshots) {
    ordered_json j;
    j["snapshot-id"] = s.snapshot_id;
    if (s.parent_id) j["parent-snapshot-id"] = *s.parent_id;
    j["sequence-number"] = s.sequence_number;
    j["timestamp-ms"] = s.timestamp_ms;
    j["manifest-list"] = s.manifest_list;
    j["summary"] = s.summary;
    j["schema-id"] = s.schema_id;
    snaps.push_back(std::move(j));
  }
  m["snapshots"] = std::move(snaps);
  ordered_json refs = ordered_json::object();
  if (current_snapshot_id) refs["main"] = {{"snapshot-id", *current_snapshot_id}, {"type", "branch"}};
  m["refs"] = std::move(refs);
  ordered_json slog = ordered_json::array();
  for (auto& [ts, id] : snapshot_log) slog.push_back({{"timestamp-ms", ts}, {"snapshot-id", id}});
  m["snapshot-log"] = std::move(slog);
  ordered_json mlog = ordered_json::array();
  for (auto& [ts, file] : metadata_log) mlog.push_back({{"timestamp-ms", ts}, {"metadata-file", file}});
  m["metadata-log"] = std::move(mlog);
  ordered_json stats = ordered_json::array();
  for (const StatisticsFile& st : statistics) {
    stats.push_back({{"snapshot-id", st.snapshot_id},
                     {"statistics-path", st.path},
                     {"file-size-in-bytes", st.file_size},
                     {"file-footer-size-in-bytes", st.footer_size},
                     {"blob-metadata", ordered_json::parse(st.blob_metadata_json)}});
  }
  m["statistics"] = std::move(stats);
  return m.dump(2);
}

namespace {

TableMetadata ParseDocument(const json& m, const std::string& what) {
  int version = Get<int>(m, "format-version", what);
  if (version < 1 || version > 2) {
    throw NotImplementedError("\"" + what + "\": Iceberg format version " + std::to_string(version) + " is not supported");
  }
  TableMetadata md;
  md.table_uuid = m.value("table-uuid", "");
  md.location = Get<std::string>(m, "location", what);
  md.last_sequence_number = m.value("last-sequence-number", int64_t{0});
  md.last_updated_ms = m.value("last-updated-ms", int64_t{0});
  md.last_column_id = m.value("last-column-id", 0);
  std::map<std::string, std::string> props;
  if (m.contains("properties") && m["properties"].is_object()) {
    for (auto& [k, v] : m["properties"].items()) props[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  json schemas = m.contains("schemas") ? m["schemas"] : json::array({m.value("schema", json::object())});
  for (const json& sj : schemas) {
    Schema s;
    s.schema_id = sj.value("schema-id", 0);
    for (const json& fj : sj.value("fields", json::array())) {
      Field f;
      f.id = Get<int32_t>(fj, "id", what);
      f.name = Get<std::string>(fj, "name", what);
      f.required = fj.value("required", false);
      f.doc = fj.value("doc", "");
      f.type = ParseType(fj.at("type"), what + " column " + f.name, f.elements);
      auto basin = props.find(kBasinTypePrefix + std::to_string(f.id));
      if (basin != props.end()) f.type = ParseBasinType(basin->second);
      s.fields.push_back(std::move(f));
    }
    for (const json& id : sj.value("identifier-field-ids", json::array())) {
      if (id.is_number_integer()) s.identifier_field_ids.push_back(id.get<int32_t>());
    }
    md.schemas.push_back(std::move(s));
  }
  md.current_schema_id = m.value("current-schema-id", md.schemas.empty() ? 0 : md.schemas[0].schema_id);
  md.properties = std::move(props);
  ParseSpecs(m, md, what);
  int64_t current = m.value("current-snapshot-id", int64_t{-1});
  if (current >= 0) md.current_snapshot_id = current;
  for (const json& sj : m.value("snapshots", json::array())) {
    Snapshot s;
    s.snapshot_id = Get<int64_t>(sj, "snapshot-id", what);
    if (sj.contains("parent-snapshot-id") && !sj["parent-snapshot-id"].is_null()) {
      s.parent_id = sj["parent-snapshot-id"].get<int64_t>();
    }
    s.sequence_number = sj.value("sequence-number", int64_t{0});
    s.timestamp_ms = sj.value("timestamp-ms", int64_t{0});
    s.manifest_list = sj.value("manifest-list", "");
    if (s.manifest_list.empty()) throw NotImplementedError("\"" + what + "\": snapshots without a manifest list (format v1 manifests field) are not supported");
    s.schema_id = sj.value("schema-id", md.current_schema_id);
    json summary = sj.value("summary", json::object());
    for (auto& [k, v] : summary.items()) s.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
    md.snapshots.push_back(std::move(s));
  }
  for (const json& e : m.value("snapshot-log", json::array())) {
    md.snapshot_log.emplace_back(e.value("timestamp-ms", int64_t{0}), e.value("snapshot-id", int64_t{0}));
  }
  for (const json& e : m.value("metadata-log", json::array())) {
    md.metadata_log.emplace_back(e.value("timestamp-ms", int64_t{0}), e.value("metadata-file", ""));
  }
  for (const json& e : m.value("statistics", json::array())) {
    StatisticsFile st;
    st.snapshot_id = e.value("snapshot-id", int64_t{0});
    st.path = e.value("statistics-path", "");
    st.file_size = e.value("file-size-in-bytes", int64_t{0});
    st.footer_size = e.value("file-footer-size-in-bytes", int64_t{0});
    st.blob_metadata_json = e.value("blob-metadata", json::array()).dump();
    md.statistics.push_back(std::move(st));
  }
  md.CurrentSchema();  // the current schema must exist
  return md;
}

}  // namespace

TableMetadata ParseTableMetadata(const std::string& text, const std::string& what) {
  json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object()) {
    throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata \"" + what + "\" is not a JSON object");
  }
  try {
    return ParseDocument(m, what);
  } catch (const json::exception& e) {
    // A member of an unexpected JSON type (an object where a number belongs, ...).
    throw DataError(sqlstate::kBadCopyFileFormat, "Iceberg metadata \"" + what + "\" is malformed: " + e.what());
  }
}

std::string NewUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(NowMillis()));
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                 // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 1
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace basin::iceberg
