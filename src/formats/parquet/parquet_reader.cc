// Parquet file opening, footer and schema mapping to Basin types; ParquetReader and RowGroupReader.
#include "formats/parquet/parquet_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/exception.h"
#include "formats/parquet/parquet_reader_internal.h"

namespace basin::parquet {

namespace {
/// Largest footer Basin will read.
constexpr uint32_t kMaxFooterSize = 1u << 30;
}  // namespace

[[noreturn]] void Corrupt(const std::string& file, const std::string& what) {
  throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Parquet file " + file + ": " + what);
}

ParquetFile::ParquetFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw IOError("cannot open Parquet file " + path_ + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    const int e = errno;
    ::close(fd_);
    throw IOError("cannot read Parquet file " + path_ + ": " + std::strerror(e));
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

ParquetFile::~ParquetFile() {
  ::close(fd_);
}

void ParquetFile::Read(uint64_t offset, uint64_t size, uint8_t* out) const {
  if (offset > size_ || size > size_ - offset) Corrupt(path_, "byte range past the end of the file");
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IOError("cannot read Parquet file " + path_ + ": " + std::strerror(errno));
    if (n == 0) Corrupt(path_, "file is truncated");
    done += static_cast<uint64_t>(n);
  }
}

namespace {

LogicalType ResolveType(const SchemaElement& e, const std::string& file, Conversion& conv, int64_t& scale) {
  using K = LogicalTypeAnnotation::Kind;
  const Type physical = *e.type;
  const auto& lt = e.logical_type;
  scale = 0;
  auto bad = [&](const std::string& what) -> LogicalType {
    Corrupt(file, "column \"" + e.name + "\": " + what);
  };
  auto decimal = [&](int32_t precision, int32_t s) -> LogicalType {
    if (precision < 1 || precision > LogicalType::kMaxDecimalWidth || s < 0 || s > precision)
      throw NotImplementedError("Parquet column \"" + e.name + "\" in " + file + " has DECIMAL(" +
                                std::to_string(precision) + "," + std::to_string(s) + "), beyond Basin's");
    const bool wide = precision > LogicalType::kMaxInt64DecimalWidth;
    switch (physical) {
      case Type::kInt32:
        conv = wide ? Conversion::kInt32ToInt128 : Conversion::kInt32ToInt64;
        break;
      case Type::kInt64:
        conv = wide ? Conversion::kInt64ToInt128 : Conversion::kInt64;
        break;
      case Type::kFixedLenByteArray:
      case Type::kByteArray:
        conv = Conversion::kBigEndianDecimal;
        break;
      default:
        return bad("DECIMAL on an unsupported physical type");
    }
    return LogicalType::Decimal(static_cast<uint8_t>(precision), static_cast<uint8_t>(s));
  };
  auto time_scale = [&](TimeUnit unit) {
    return unit == TimeUnit::kMillis ? 1000 : unit == TimeUnit::kNanos ? -1000 : 1;
  };
  auto temporal = [&](TypeId id, TimeUnit unit) -> LogicalType {
    scale = time_scale(unit);
    if (physical == Type::kInt64) {
      conv = scale == 1 ? Conversion::kInt64 : Conversion::kInt64Scaled;
    } else if (physical == Type::kInt32 && id == TypeId::kTime && unit == TimeUnit::kMillis) {
      conv = Conversion::kInt32Scaled;
    } else {
      return bad("time or timestamp on an unsupported physical type");
    }
    return id;
  };
  auto integer = [&](int bits, bool is_signed) -> LogicalType {
    if (physical == Type::kInt32) {
      if (bits <= 16 && (is_signed || bits <= 8)) {
        conv = Conversion::kInt32ToInt16;
        return TypeId::kSmallInt;
      }
      if (is_signed || bits <= 16) {
        conv = Conversion::kInt32ToInt32;
        return TypeId::kInteger;
      }
      conv = Conversion::kUInt32ToInt64;
      return TypeId::kBigInt;
    }
    if (physical == Type::kInt64) {
      if (is_signed) {
        conv = Conversion::kInt64;
        return TypeId::kBigInt;
      }
      conv = Conversion::kUInt64ToInt128;
      return LogicalType::Decimal(20, 0);
    }
    return bad("integer annotation on a non-integer physical type");
  };

  switch (lt.kind) {
    case K::kString:
      if (physical != Type::kByteArray) return bad("STRING on a non-BYTE_ARRAY column");
      conv = Conversion::kBytes;
      return TypeId::kVarchar;
    case K::kDecimal:
      return decimal(lt.precision, lt.scale);
    case K::kDate:
      if (physical != Type::kInt32) return bad("DATE on a non-INT32 column");
      conv = Conversion::kInt32ToInt32;
      return TypeId::kDate;
    case K::kTime:
      return temporal(TypeId::kTime, lt.unit);
    case K::kTimestamp:
      return temporal(lt.is_adjusted_to_utc ? TypeId::kTimestampTz : TypeId::kTimestamp, lt.unit);
    case K::kInteger:
      return integer(lt.bit_width, lt.is_signed);
    case K::kNone:
    case K::kList:  // on a primitive: meaningless, so ignored
    case K::kOther:
      break;
  }
  if (e.converted_type) {
    switch (*e.converted_type) {
      case ConvertedType::kUtf8:
      case ConvertedType::kEnum:
      case ConvertedType::kJson:
        if (physical != Type::kByteArray) break;
        conv = Conversion::kBytes;
        return TypeId::kVarchar;
      case ConvertedType::kDecimal:
        return decimal(e.precision.value_or(0), e.scale.value_or(0));
      case ConvertedType::kDate:
        if (physical != Type::kInt32) break;
        conv = Conversion::kInt32ToInt32;
        return TypeId::kDate;
      case ConvertedType::kTimeMillis:
        return temporal(TypeId::kTime, TimeUnit::kMillis);
      case ConvertedType::kTimeMicros:
        return temporal(TypeId::kTime, TimeUnit::kMicros);
      case ConvertedType::kTimestampMillis:
        return temporal(TypeId::kTimestamp, TimeUnit::kMillis);
      case ConvertedType::kTimestampMicros:
        return temporal(TypeId::kTimestamp, TimeUnit::kMicros);
      case ConvertedType::kInt8:
        return integer(8, true);
      case ConvertedType::kInt16:
        return integer(16, true);
      case ConvertedType::kInt32:
        return integer(32, true);
      case ConvertedType::kInt64:
        return integer(64, true);
      case ConvertedType::kUint8:
        return integer(8, false);
      case ConvertedType::kUint16:
        return integer(16, false);
      case ConvertedType::kUint32:
        return integer(32, false);
      case ConvertedType::kUint64:
        return integer(64, false);
      case ConvertedType::kInterval:
        if (physical != Type::kFixedLenByteArray || e.type_length.value_or(0) != 12)
          return bad("INTERVAL must be FIXED_LEN_BYTE_ARRAY(12)");
        conv = Conversion::kInterval;
        return TypeId::kInterval;
      default:
        break;
    }
  }
  switch (physical) {
    case Type::kBoolean:
      conv = Conversion::kBool;
      return TypeId::kBoolean;
    case Type::kInt32:
      conv = Conversion::kInt32ToInt32;
      return TypeId::kInteger;
    case Type::kInt64:
      conv = Conversion::kInt64;
      return TypeId::kBigInt;
    case Type::kInt96:
      conv = Conversion::kInt96Timestamp;
      return TypeId::kTimestamp;
    case Type::kFloat:
      conv = Conversion::kFloat;
      return TypeId::kReal;
    case Type::kDouble:
      conv = Conversion::kDouble;
      return TypeId::kDouble;
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      conv = Conversion::kBytes;
      return TypeId::kBlob;
  }
  return bad("unknown physical type");
}

/// Maps the schema tree to Basin columns: primitives, STRUCT fields flattened as `parent.child`, and LISTs of
/// primitives (3-level and legacy 2-level encodings). MAPs and deeper nesting are left out of the columns;
/// their column chunks are still counted so that the others find theirs.
class SchemaMapper {
 public:
  SchemaMapper(ParquetFile& file, std::vector<ParquetColumn>& columns)
      : file_(file), schema_(file.metadata.schema), columns_(columns) {}

  void MapAll() {
    const int32_t children = schema_[0].num_children.value_or(0);
    for (int32_t i = 0; i < children; ++i) Field("", 0);
    if (next_ != schema_.size()) Corrupt(file_.path(), "schema has elements outside its root");
  }
  size_t leaves() const { return leaf_; }

 private:
  const SchemaElement& Take() {
    if (next_ >= schema_.size()) Corrupt(file_.path(), "schema ends inside a group");
    return schema_[next_++];
  }
  /// Bounds the recursion over a corrupt schema's groups.
  struct Depth {
    explicit Depth(SchemaMapper& m) : m(m) {
      if (++m.depth_ > 64) Corrupt(m.file_.path(), "schema nested more than 64 levels deep");
    }
    ~Depth() { --m.depth_; }
    SchemaMapper& m;
  };
  static bool IsPrimitive(const SchemaElement& e) { return e.type && e.num_children.value_or(0) <= 0; }
  static FieldRepetitionType Repetition(const SchemaElement& e) {
    return e.repetition_type.value_or(FieldRepetitionType::kOptional);
  }
  /// Pass over the subtree whose root was just taken, counting its column chunks.
  void SkipChildren(const SchemaElement& e) {
    Depth depth(*this);
    if (IsPrimitive(e)) {
      ++leaf_;
      return;
    }
    const int32_t n = e.num_children.value_or(0);
    if (n < 0) Corrupt(file_.path(), "negative child count");
    for (int32_t i = 0; i < n; ++i) SkipChildren(Take());
  }
  /// Add the column whose values are those of schema element `element`; `field` is the column's own element
  /// (the LIST group of a list, whose field id is the column's).
  void AddColumn(const std::string& name, size_t element, const ColumnLevels& levels, bool list,
                 const SchemaElement& field) {
    const SchemaElement& e = schema_[element];
    ParquetColumn column;
    column.name = name;
    Conversion conversion;
    int64_t scale;
    const LogicalType type = ResolveType(e, file_.path(), conversion, scale);
    column.type = list ? LogicalType::List(type) : type;
    column.field_id = field.field_id;
    column.required = levels.max_def == 0;
    file_.leaf_schema_index.push_back(element);
    file_.chunk_index.push_back(leaf_++);
    file_.levels.push_back(levels);
    file_.conversions.push_back(conversion);
    file_.scales.push_back(scale);
    columns_.push_back(std::move(column));
  }
  /// Map the field at next_, whose parent has definition level `def`.
  void Field(const std::string& prefix, int16_t def) {
    Depth depth(*this);
    const size_t index = next_;
    const SchemaElement& e = Take();
    const std::string name = prefix.empty() ? e.name : prefix + "." + e.name;
    const auto repetition = Repetition(e);
    const int16_t d = static_cast<int16_t>(def + (repetition != FieldRepetitionType::kRequired));
    if (IsPrimitive(e)) {
      if (repetition == FieldRepetitionType::kRepeated) {
        AddColumn(name, index, {d, 1, def}, true, e);  // a bare repeated primitive: a list never NULL
      } else {
        AddColumn(name, index, {d, 0, 0}, false, e);
      }
      return;
    }
    const bool list_annotated =
        e.converted_type == ConvertedType::kList || e.logical_type.kind == LogicalTypeAnnotation::Kind::kList;
    if (list_annotated && repetition != FieldRepetitionType::kRepeated && e.num_children.value_or(0) == 1) {
      const size_t repeated_index = next_;
      const SchemaElement& repeated = Take();
      if (Repetition(repeated) == FieldRepetitionType::kRepeated) {
        const int16_t rd = static_cast<int16_t>(d + 1);
        if (IsPrimitive(repeated)) {  // legacy 2-level list: the repeated field is the element
          AddColumn(name, repeated_index, {rd, 1, d}, true, e);
          return;
        }
        // 3-level list, unless the repeated group is itself the element (parquet-format's
        // backward-compatibility rules: several children, or named "array" or "<list>_tuple").
        if (repeated.num_children.value_or(0) == 1 && repeated.name != "array" &&
            repeated.name != e.name + "_tuple" && IsPrimitive(schema_[next_]) &&
            Repetition(schema_[next_]) != FieldRepetitionType::kRepeated) {
          const size_t element_index = next_;
          const SchemaElement& element = Take();
          AddColumn(
              name, element_index,
              {static_cast<int16_t>(rd + (Repetition(element) != FieldRepetitionType::kRequired)), 1, d},
              true, e);
          return;
        }
      }
      SkipChildren(repeated);
      return;
    }
    if (repetition == FieldRepetitionType::kRepeated || list_annotated ||
        e.converted_type == ConvertedType::kMap || e.converted_type == ConvertedType::kMapKeyValue) {
      const int32_t n = e.num_children.value_or(0);
      if (n < 0) Corrupt(file_.path(), "negative child count");
      for (int32_t i = 0; i < n; ++i) SkipChildren(Take());
      return;
    }
    const int32_t n = e.num_children.value_or(0);  // a STRUCT: its fields become columns
    if (n < 0) Corrupt(file_.path(), "negative child count");
    for (int32_t i = 0; i < n; ++i) Field(name, d);
  }

  ParquetFile& file_;
  const std::vector<SchemaElement>& schema_;
  std::vector<ParquetColumn>& columns_;
  size_t next_ = 1;
  size_t leaf_ = 0;
  int depth_ = 0;
};

}  // namespace

RowGroupReader::RowGroupReader(std::shared_ptr<const ParquetFile> file, RowRanges ranges,
                               std::vector<std::unique_ptr<ColumnReader>> columns,
                               std::vector<LogicalType> types)
    : file_(std::move(file)),
      ranges_(std::move(ranges)),
      columns_(std::move(columns)),
      types_(std::move(types)) {}

RowGroupReader::~RowGroupReader() = default;

bool RowGroupReader::Next(DataChunk& out) {
  while (range_ < ranges_.size() && row_ >= ranges_[range_].end) ++range_;
  if (range_ == ranges_.size()) return false;
  if (row_ < ranges_[range_].begin) {
    for (auto& column : columns_) column->SkipRows(ranges_[range_].begin - row_);
    row_ = ranges_[range_].begin;
  }
  if (out.ColumnCount() == 0) {
    out.Initialize(types_);
  } else {
    out.Reset();
  }
  const size_t n =
      static_cast<size_t>(std::min<int64_t>(ranges_[range_].end - row_, static_cast<int64_t>(kVectorSize)));
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->Read(out.column(c), n);
  out.SetCardinality(n);
  first_row_ = row_;
  row_ += static_cast<int64_t>(n);
  return true;
}

int64_t RowGroupReader::pages_read() const {
  int64_t n = 0;
  for (const auto& column : columns_) n += column->pages_read();
  return n;
}

ParquetReader::ParquetReader(std::string path) {
  auto file = std::make_shared<ParquetFile>(std::move(path));
  const std::string& name = file->path();
  if (file->size() < 12) Corrupt(name, "file is too small to be Parquet");
  uint8_t head[4], tail[8];
  file->Read(0, 4, head);
  file->Read(file->size() - 8, 8, tail);
  if (std::memcmp(tail + 4, "PARE", 4) == 0)
    throw NotImplementedError("Parquet file " + name + " is encrypted, which Basin does not read");
  if (std::memcmp(head, "PAR1", 4) != 0 || std::memcmp(tail + 4, "PAR1", 4) != 0)
    Corrupt(name, "missing PAR1 magic (not a Parquet file, or truncated)");
  uint32_t footer_size;
  std::memcpy(&footer_size, tail, 4);
  if (footer_size > file->size() - 12 || footer_size > kMaxFooterSize)
    Corrupt(name, "footer size out of range");
  std::vector<uint8_t> footer(footer_size);
  file->Read(file->size() - 8 - footer_size, footer_size, footer.data());
  CompactReader reader(footer.data(), footer.size(), name);
  Read(reader, file->metadata);

  SchemaMapper mapper(*file, columns_);
  mapper.MapAll();
  const auto& schema = file->metadata.schema;
  for (const RowGroup& group : file->metadata.row_groups) {
    if (group.columns.size() != mapper.leaves())
      Corrupt(name, "row group column count does not match the schema");
    if (group.num_rows < 0) Corrupt(name, "negative row count");
    for (size_t c = 0; c < columns_.size(); ++c) {
      const ColumnChunk& chunk = group.columns[file->chunk_index[c]];
      if (!chunk.meta_data) Corrupt(name, "column chunk without metadata");
      if (chunk.meta_data->type != *schema[file->leaf_schema_index[c]].type)
        Corrupt(name, "column chunk type differs from the schema");
      if (chunk.file_path)
        throw NotImplementedError("Parquet file " + name + " keeps column data in another file");
    }
  }
  file_ = std::move(file);
}

ParquetReader::~ParquetReader() = default;

std::vector<std::string> ParquetReader::Names() const {
  std::vector<std::string> names;
  for (const auto& c : columns_) names.push_back(c.name);
  return names;
}

std::vector<LogicalType> ParquetReader::Types() const {
  std::vector<LogicalType> types;
  for (const auto& c : columns_) types.push_back(c.type);
  return types;
}

size_t ParquetReader::RowGroupCount() const {
  return file_->metadata.row_groups.size();
}

int64_t ParquetReader::RowGroupRows(size_t row_group) const {
  return file_->metadata.row_groups.at(row_group).num_rows;
}

int64_t ParquetReader::RowCount() const {
  int64_t n = 0;
  for (const auto& g : file_->metadata.row_groups) n += g.num_rows;
  return n;
}

const FileMetaData& ParquetReader::metadata() const {
  return file_->metadata;
}

const std::string& ParquetReader::path() const {
  return file_->path();
}

std::unique_ptr<RowGroupReader> ParquetReader::ReadRowGroup(size_t row_group,
                                                            const std::vector<size_t>& column_ids) const {
  if (row_group >= RowGroupCount()) throw InternalError("Parquet row group index out of range");
  const RowGroup& group = file_->metadata.row_groups[row_group];
  std::vector<std::unique_ptr<ColumnReader>> readers;
  std::vector<LogicalType> types;
  for (size_t id : column_ids) {
    if (id >= columns_.size()) throw InternalError("Parquet column index out of range");
    readers.push_back(std::make_unique<ColumnReader>(
        *file_, id, *group.columns[file_->chunk_index[id]].meta_data, group.num_rows, columns_[id].type));
    types.push_back(columns_[id].type);
  }
  return std::unique_ptr<RowGroupReader>(
      new RowGroupReader(file_, {{0, group.num_rows}}, std::move(readers), std::move(types)));
}

std::unique_ptr<RowGroupReader> ParquetReader::ReadRowGroup(size_t row_group,
                                                            const std::vector<size_t>& column_ids,
                                                            RowRanges ranges) const {
  if (row_group >= RowGroupCount()) throw InternalError("Parquet row group index out of range");
  const RowGroup& group = file_->metadata.row_groups[row_group];
  // Sorted, clamped, merged: SkipRows and the page selection rely on it.
  std::sort(ranges.begin(), ranges.end(),
            [](const RowRange& a, const RowRange& b) { return a.begin < b.begin; });
  RowRanges merged;
  for (RowRange r : ranges) {
    r.begin = std::max<int64_t>(r.begin, 0);
    r.end = std::min(r.end, group.num_rows);
    if (r.begin >= r.end) continue;
    if (!merged.empty() && r.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  std::vector<std::unique_ptr<ColumnReader>> readers;
  std::vector<LogicalType> types;
  for (size_t id : column_ids) {
    if (id >= columns_.size()) throw InternalError("Parquet column index out of range");
    if (file_->levels[id].max_rep > 0) throw InternalError("Parquet: row ranges of a LIST column");
    readers.push_back(std::make_unique<ColumnReader>(
        *file_, id, *group.columns[file_->chunk_index[id]].meta_data, group.num_rows, columns_[id].type,
        LoadOffsetIndex(*file_, group, id), &merged));
    types.push_back(columns_[id].type);
  }
  return std::unique_ptr<RowGroupReader>(
      new RowGroupReader(file_, std::move(merged), std::move(readers), std::move(types)));
}

}  // namespace basin::parquet
