// Iceberg manifests and manifest lists (Avro), as the table spec v2 lays them out.

#include "lake/iceberg_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/exception.h"
#include "formats/avro/avro.h"

namespace basin::iceberg {

namespace {

using avro::Datum;

/// An Iceberg map<int, T> in Avro: an array of key/value records (keys are not strings).
std::string IntMapSchema(const char* name, int key_id, int value_id, const char* value_type, int field_id,
                         const char* field) {
  return std::string(R"({"name":")") + field + R"(","type":["null",{"type":"array","logicalType":"map","items":{"type":"record","name":")" +
         name + R"(","fields":[{"name":"key","type":"int","field-id":)" + std::to_string(key_id) +
         R"(},{"name":"value","type":")" + value_type + R"(","field-id":)" + std::to_string(value_id) +
         R"(}]}}],"default":null,"field-id":)" + std::to_string(field_id) + "}";
}

/// A name Avro accepts ([A-Za-z_][A-Za-z0-9_]*), made as Iceberg's Java writer makes it: a leading digit
/// gets "_" before it, any other invalid character becomes "_x" and its hex code.
std::string AvroName(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); i++) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c))) {
      out.push_back(static_cast<char>(c));
    } else if (std::isdigit(c)) {
      out += std::string("_") + static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "_x%X", c);
      out += hex;
    }
  }
  return out;
}

/// The manifest entry schema; data_file.partition (r102) has one optional field per partition field.
std::string ManifestEntrySchema(const PartitionSpec& spec, const std::vector<LogicalType>& types) {
  std::string partition;
  for (size_t i = 0; i < spec.fields.size(); i++) {
    partition += std::string(i ? "," : "") + R"({"name":")" + AvroName(spec.fields[i].name) + R"(","type":)" +
                 PartitionAvroType(types[i]) + R"(,"default":null,"field-id":)" +
                 std::to_string(spec.fields[i].field_id) + "}";
  }
  return
      R"({"type":"record","name":"manifest_entry","fields":[)"
      R"({"name":"status","type":"int","field-id":0},)"
      R"({"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1},)"
      R"({"name":"sequence_number","type":["null","long"],"default":null,"field-id":3},)"
      R"({"name":"file_sequence_number","type":["null","long"],"default":null,"field-id":4},)"
      R"({"name":"data_file","type":{"type":"record","name":"r2","fields":[)"
      R"({"name":"content","type":"int","field-id":134},)"
      R"({"name":"file_path","type":"string","field-id":100},)"
      R"({"name":"file_format","type":"string","field-id":101},)"
      R"({"name":"partition","type":{"type":"record","name":"r102","fields":[)" + partition + R"(]},"field-id":102},)"
      R"({"name":"record_count","type":"long","field-id":103},)"
      R"({"name":"file_size_in_bytes","type":"long","field-id":104},)" +
      IntMapSchema("k117_v118", 117, 118, "long", 108, "column_sizes") + "," +
      IntMapSchema("k119_v120", 119, 120, "long", 109, "value_counts") + "," +
      IntMapSchema("k121_v122", 121, 122, "long", 110, "null_value_counts") + "," +
      IntMapSchema("k126_v127", 126, 127, "bytes", 125, "lower_bounds") + "," +
      IntMapSchema("k129_v130", 129, 130, "bytes", 128, "upper_bounds") +
      R"(,{"name":"split_offsets","type":["null",{"type":"array","items":"long","element-id":133}],"default":null,"field-id":132})"
      R"(,{"name":"equality_ids","type":["null",{"type":"array","items":"int","element-id":136}],"default":null,"field-id":135})"
      R"(,{"name":"sort_order_id","type":["null","int"],"default":null,"field-id":140})"
      R"(]},"field-id":2}]})";
}

const char* kManifestListSchema =
    R"({"type":"record","name":"manifest_file","fields":[)"
    R"({"name":"manifest_path","type":"string","field-id":500},)"
    R"({"name":"manifest_length","type":"long","field-id":501},)"
    R"({"name":"partition_spec_id","type":"int","field-id":502},)"
    R"({"name":"content","type":"int","field-id":517},)"
    R"({"name":"sequence_number","type":"long","field-id":515},)"
    R"({"name":"min_sequence_number","type":"long","field-id":516},)"
    R"({"name":"added_snapshot_id","type":"long","field-id":503},)"
    R"({"name":"added_files_count","type":"int","field-id":504},)"
    R"({"name":"existing_files_count","type":"int","field-id":505},)"
    R"({"name":"deleted_files_count","type":"int","field-id":506},)"
    R"({"name":"added_rows_count","type":"long","field-id":512},)"
    R"({"name":"existing_rows_count","type":"long","field-id":513},)"
    R"({"name":"deleted_rows_count","type":"long","field-id":514},)"
    R"({"name":"partitions","type":["null",{"type":"array","element-id":508,"items":{"type":"record","name":"r508","fields":[)"
    R"({"name":"contains_null","type":"boolean","field-id":509},)"
    R"({"name":"contains_nan","type":["null","boolean"],"default":null,"field-id":518},)"
    R"({"name":"lower_bound","type":["null","bytes"],"default":null,"field-id":510},)"
    R"({"name":"upper_bound","type":["null","bytes"],"default":null,"field-id":511})"
    R"(]}}],"default":null,"field-id":507})"
    R"(]})";

Datum ToDatum(const Value& v) {
  if (v.IsNull()) return Datum::Null();
  switch (v.type().id()) {
    case TypeId::kBoolean: return Datum::Bool(v.GetBool());
    case TypeId::kSmallInt:
    case TypeId::kInteger:
    case TypeId::kDate: return Datum::Int(static_cast<int32_t>(v.GetInt64()));
    case TypeId::kReal:
    case TypeId::kDouble: {
      Datum d;
      d.kind = v.type().id() == TypeId::kReal ? avro::Kind::kFloat : avro::Kind::kDouble;
      d.d = v.GetDouble();
      return d;
    }
    case TypeId::kVarchar: return Datum::String(v.GetString());
    case TypeId::kBlob: return Datum::Bytes(v.GetString());
    default: return Datum::Long(v.GetInt64());
  }
}

Value FromDatum(const Datum* d, const LogicalType& type) {
  if (d == nullptr || d->IsNull()) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBoolean: return Value::Boolean(d->i != 0);
    case TypeId::kSmallInt: return Value::SmallInt(static_cast<int16_t>(d->i));
    case TypeId::kInteger: return Value::Integer(static_cast<int32_t>(d->i));
    case TypeId::kDate: return Value::Date(static_cast<int32_t>(d->i));
    case TypeId::kTime: return Value::Time(d->i);
    case TypeId::kTimestamp: return Value::Timestamp(d->i);
    case TypeId::kTimestampTz: return Value::TimestampTz(d->i);
    case TypeId::kReal: return Value::Real(static_cast<float>(d->d));
    case TypeId::kDouble: return Value::Double(d->d);
    case TypeId::kVarchar: return Value::Varchar(d->s);
    case TypeId::kBlob: return Value::Blob(d->s);
    default: return Value::BigInt(d->i);
  }
}

/// The manifest list's summary of each partition field over a manifest's entries.
std::vector<PartitionFieldSummary> Summarize(const std::vector<ManifestEntry>& entries, size_t fields) {
  std::vector<PartitionFieldSummary> out(fields);
  for (size_t i = 0; i < fields; i++) {
    const Value* lo = nullptr;
    const Value* hi = nullptr;
    bool floating = false, nan = false;
    for (const ManifestEntry& e : entries) {
      const Value& v = e.file.partition.at(i);
      floating = v.type().id() == TypeId::kReal || v.type().id() == TypeId::kDouble;
      if (v.IsNull()) {
        out[i].contains_null = true;
      } else if (floating && std::isnan(v.GetDouble())) {
        nan = true;  // NaN takes no part in the bounds
      } else {
        if (!lo || PartitionLess(v, *lo)) lo = &v;
        if (!hi || PartitionLess(*hi, v)) hi = &v;
      }
    }
    if (floating) out[i].contains_nan = nan;
    if (lo) out[i].lower_bound = PartitionBound(*lo);
    if (hi) out[i].upper_bound = PartitionBound(*hi);
  }
  return out;
}

Datum OptionalBytes(const std::optional<std::string>& b) { return b ? Datum::Bytes(*b) : Datum::Null(); }

template <typename T>
Datum IntMap(const std::map<int32_t, T>& m) {
  std::vector<Datum> items;
  for (auto& [k, v] : m) {
    if constexpr (std::is_same_v<T, std::string>) {
      items.push_back(Datum::Record({Datum::Int(k), Datum::Bytes(v)}));
    } else {
      items.push_back(Datum::Record({Datum::Int(k), Datum::Long(v)}));
    }
  }
  return Datum::Array(std::move(items));
}

Datum SplitOffsets(const std::vector<int64_t>& offsets) {
  if (offsets.empty()) return Datum::Null();
  std::vector<Datum> items;
  for (int64_t o : offsets) items.push_back(Datum::Long(o));
  return Datum::Array(std::move(items));
}

Datum EqualityIds(const std::vector<int32_t>& ids) {
  if (ids.empty()) return Datum::Null();
  std::vector<Datum> items;
  for (int32_t id : ids) items.push_back(Datum::Int(id));
  return Datum::Array(std::move(items));
}

template <typename T>
void ReadIntMap(const Datum* d, std::map<int32_t, T>& out) {
  if (d == nullptr || d->IsNull()) return;
  for (const Datum& kv : d->items) {
    if (kv.items.size() != 2) continue;
    if constexpr (std::is_same_v<T, std::string>) {
      out[static_cast<int32_t>(kv.items[0].i)] = kv.items[1].s;
    } else {
      out[static_cast<int32_t>(kv.items[0].i)] = kv.items[1].i;
    }
  }
}

}  // namespace

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError("could not open \"" + path + "\": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool WriteFileAtomic(const std::string& path, const std::string& bytes, bool exclusive) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(&bytes));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw IOError("could not create \"" + tmp + "\": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw IOError("could not write \"" + tmp + "\": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw IOError("could not flush \"" + tmp + "\": " + std::strerror(errno));
  }
  if (exclusive) {
    // link() fails when the target exists: two writers cannot both create version N.
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc != 0) {
      if (err == EEXIST) return false;
      throw IOError("could not create \"" + path + "\": " + std::strerror(err));
    }
    return true;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw IOError("could not rename to \"" + path + "\": " + std::strerror(err));
  }
  return true;
}

ManifestFile WriteManifest(const std::string& path, const std::vector<ManifestEntry>& entries, const TableMetadata& md,
                           int32_t spec_id, FileContent content, int64_t snapshot_id, int64_t sequence_number) {
  const PartitionSpec& spec = md.FindSpec(spec_id);
  std::vector<LogicalType> partition_types = PartitionTypes(spec, md.CurrentSchema());
  ManifestFile mf;
  mf.path = path;
  mf.spec_id = spec_id;
  mf.partitions = Summarize(entries, spec.fields.size());
  mf.content = content == FileContent::kData ? FileContent::kData : FileContent::kPositionDeletes;
  mf.sequence_number = sequence_number;
  mf.min_sequence_number = sequence_number;
  mf.added_snapshot_id = snapshot_id;
  std::vector<Datum> records;
  for (const ManifestEntry& e : entries) {
    const DataFile& f = e.file;
    if (f.spec_id != spec_id || f.partition.size() != spec.fields.size()) {
      throw InternalError("manifest entry \"" + f.path + "\" does not match partition spec " + std::to_string(spec_id));
    }
    std::vector<Datum> partition;
    for (const Value& v : f.partition) partition.push_back(ToDatum(v));
    Datum file = Datum::Record({Datum::Int(static_cast<int32_t>(f.content)), Datum::String(f.path),
                                Datum::String(f.format), Datum::Record(std::move(partition)), Datum::Long(f.record_count),
                                Datum::Long(f.file_size), IntMap(f.column_sizes), IntMap(f.value_counts),
                                IntMap(f.null_value_counts), IntMap(f.lower_bounds), IntMap(f.upper_bounds),
                                SplitOffsets(f.split_offsets), EqualityIds(f.equality_ids), Datum::Null()});
    // Added entries leave their sequence numbers to be inherited from the manifest list, as writers must.
    bool added = e.status == EntryStatus::kAdded;
    records.push_back(Datum::Record({Datum::Int(static_cast<int32_t>(e.status)), Datum::Long(e.snapshot_id),
                                     added ? Datum::Null() : Datum::Long(e.sequence_number),
                                     added ? Datum::Null() : Datum::Long(e.file_sequence_number),
                                     std::move(file)}));
    if (!added) mf.min_sequence_number = std::min(mf.min_sequence_number, e.sequence_number);
    switch (e.status) {
      case EntryStatus::kAdded: mf.added_files++; mf.added_rows += f.record_count; break;
      case EntryStatus::kExisting: mf.existing_files++; mf.existing_rows += f.record_count; break;
      case EntryStatus::kDeleted: mf.deleted_files++; mf.deleted_rows += f.record_count; break;
    }
  }
  std::map<std::string, std::string> meta = {{"schema", md.CurrentSchema().ToJson()},
                                             {"schema-id", std::to_string(md.current_schema_id)},
                                             {"partition-spec", spec.FieldsJson()},
                                             {"partition-spec-id", std::to_string(spec_id)},
                                             {"format-version", "2"},
                                             {"content", content == FileContent::kData ? "data" : "deletes"}};
  std::string bytes = avro::WriteContainer(ManifestEntrySchema(spec, partition_types), meta, records);
  WriteFileAtomic(path, bytes);
  mf.length = static_cast<int64_t>(bytes.size());
  return mf;
}

std::vector<ManifestEntry> ReadManifest(const ManifestFile& manifest, const TableMetadata* md) {
  avro::ContainerFile file = avro::ReadContainer(ReadFileBytes(manifest.path), manifest.path);
  const PartitionSpec* spec = md ? &md->FindSpec(manifest.spec_id) : nullptr;
  std::vector<LogicalType> partition_types;
  if (spec) partition_types = PartitionTypes(*spec, md->CurrentSchema());
  std::vector<ManifestEntry> entries;
  for (const Datum& r : file.records) {
    ManifestEntry e;
    e.status = static_cast<EntryStatus>(r.FieldInt("status"));
    e.snapshot_id = r.FieldInt("snapshot_id", manifest.added_snapshot_id);
    // Inheritance (spec, "Sequence Number Inheritance"): absent numbers come from the manifest.
    e.sequence_number = r.FieldInt("sequence_number", manifest.sequence_number);
    e.file_sequence_number = r.FieldInt("file_sequence_number", manifest.sequence_number);
    const Datum* df = r.Field("data_file");
    if (df == nullptr) throw DataError(sqlstate::kBadCopyFileFormat, "manifest \"" + manifest.path + "\" has no data_file");
    DataFile& f = e.file;
    f.content = static_cast<FileContent>(df->FieldInt("content"));
    f.path = df->FieldString("file_path");
    f.format = df->FieldString("file_format");
    f.record_count = df->FieldInt("record_count");
    f.file_size = df->FieldInt("file_size_in_bytes");
    f.spec_id = manifest.spec_id;
    if (spec) {
      // By name: the record's fields are the spec's, named as the spec names them.
      const Datum* partition = df->Field("partition");
      for (size_t i = 0; i < spec->fields.size(); i++) {
        f.partition.push_back(FromDatum(partition ? partition->Field(AvroName(spec->fields[i].name)) : nullptr, partition_types[i]));
      }
    }
    ReadIntMap(df->Field("column_sizes"), f.column_sizes);
    ReadIntMap(df->Field("value_counts"), f.value_counts);
    ReadIntMap(df->Field("null_value_counts"), f.null_value_counts);
    ReadIntMap(df->Field("lower_bounds"), f.lower_bounds);
    ReadIntMap(df->Field("upper_bounds"), f.upper_bounds);
    if (const Datum* splits = df->Field("split_offsets"); splits && !splits->IsNull()) {
      for (const Datum& offset : splits->items) f.split_offsets.push_back(offset.i);
    }
    if (const Datum* ids = df->Field("equality_ids"); ids && !ids->IsNull()) {
      for (const Datum& id : ids->items) f.equality_ids.push_back(static_cast<int32_t>(id.i));
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

namespace {

Datum Summaries(const ManifestFile& m) {
  std::vector<Datum> items;
  for (const PartitionFieldSummary& p : m.partitions) {
    items.push_back(Datum::Record({Datum::Bool(p.contains_null),
                                   p.contains_nan ? Datum::Bool(*p.contains_nan) : Datum::Null(),
                                   OptionalBytes(p.lower_bound), OptionalBytes(p.upper_bound)}));
  }
  return Datum::Array(std::move(items));
}

}  // namespace

void WriteManifestList(const std::string& path, const std::vector<ManifestFile>& manifests, int64_t snapshot_id,
                       std::optional<int64_t> parent_id, int64_t sequence_number) {
  std::vector<Datum> records;
  for (const ManifestFile& m : manifests) {
    records.push_back(Datum::Record(
        {Datum::String(m.path), Datum::Long(m.length), Datum::Int(m.spec_id), Datum::Int(static_cast<int32_t>(m.content)),
         Datum::Long(m.sequence_number), Datum::Long(m.min_sequence_number), Datum::Long(m.added_snapshot_id),
         Datum::Int(m.added_files), Datum::Int(m.existing_files), Datum::Int(m.deleted_files),
         Datum::Long(m.added_rows), Datum::Long(m.existing_rows), Datum::Long(m.deleted_rows), Summaries(m)}));
  }
  std::map<std::string, std::string> meta = {{"snapshot-id", std::to_string(snapshot_id)},
                                             {"parent-snapshot-id", parent_id ? std::to_string(*parent_id) : "null"},
                                             {"sequence-number", std::to_string(sequence_number)},
                                             {"format-version", "2"}};
  WriteFileAtomic(path, avro::WriteContainer(kManifestListSchema, meta, records));
}

std::vector<ManifestFile> ReadManifestList(const std::string& path) {
  avro::ContainerFile file = avro::ReadContainer(ReadFileBytes(path), path);
  std::vector<ManifestFile> manifests;
  for (const Datum& r : file.records) {
    ManifestFile m;
    m.path = r.FieldString("manifest_path");
    m.length = r.FieldInt("manifest_length");
    m.spec_id = static_cast<int32_t>(r.FieldInt("partition_spec_id"));
    m.content = static_cast<FileContent>(r.FieldInt("content"));
    m.sequence_number = r.FieldInt("sequence_number");
    m.min_sequence_number = r.FieldInt("min_sequence_number");
    m.added_snapshot_id = r.FieldInt("added_snapshot_id");
    m.added_files = static_cast<int32_t>(r.FieldInt("added_files_count"));
    m.existing_files = static_cast<int32_t>(r.FieldInt("existing_files_count"));
    m.deleted_files = static_cast<int32_t>(r.FieldInt("deleted_files_count"));
    m.added_rows = r.FieldInt("added_rows_count");
    m.existing_rows = r.FieldInt("existing_rows_count");
    m.deleted_rows = r.FieldInt("deleted_rows_count");
    const Datum* partitions = r.Field("partitions");
    for (const Datum& p : partitions && !partitions->IsNull() ? partitions->items : std::vector<Datum>{}) {
      PartitionFieldSummary summary;
      summary.contains_null = p.FieldInt("contains_null") != 0;
      const Datum* nan = p.Field("contains_nan");
      if (nan && !nan->IsNull()) summary.contains_nan = nan->i != 0;
      for (auto [name, bound] : {std::pair{"lower_bound", &summary.lower_bound}, std::pair{"upper_bound", &summary.upper_bound}}) {
        const Datum* b = p.Field(name);
        if (b && !b->IsNull()) *bound = b->s;
      }
      m.partitions.push_back(std::move(summary));
    }
    manifests.push_back(std::move(m));
  }
  return manifests;
}

}  // namespace basin::iceberg
