// Parquet file opening, footer and schema mapping to Basin types; ParquetReader and RowGroupReader.
#include "formats/parquet/parquet_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

RowGroupReader::RowGroupReader(std::shared_ptr<const ParquetFile> file, int64_t rows,
                               std::vector<std::unique_ptr<ColumnReader>> columns,
                               std::vector<LogicalType> types)
    : file_(std::move(file)), rows_left_(rows), columns_(std::move(columns)), types_(std::move(types)) {}

RowGroupReader::~RowGroupReader() = default;

bool RowGroupReader::Next(DataChunk& out) {
  if (rows_left_ <= 0) return false;
  if (out.ColumnCount() == 0) {
    out.Initialize(types_);
  } else {
    out.Reset();
  }
  const size_t n = static_cast<size_t>(std::min<int64_t>(rows_left_, static_cast<int64_t>(kVectorSize)));
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->Read(out.column(c), n);
  out.SetCardinality(n);
  rows_left_ -= static_cast<int64_t>(n);
  return true;
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

  const auto& schema = file->metadata.schema;
  const SchemaElement& root = schema[0];
  if (root.num_children.value_or(0) < 0 ||
      static_cast<size_t>(root.num_children.value_or(0)) != schema.size() - 1) {
    for (size_t i = 1; i < schema.size(); ++i)
      if (schema[i].num_children.value_or(0) > 0 || !schema[i].type)
        throw NotImplementedError("Parquet file " + name + " has nested column \"" + schema[i].name +
                                  "\", which Basin does not read yet");
    Corrupt(name, "schema root's child count does not match the schema");
  }
  for (size_t i = 1; i < schema.size(); ++i) {
    const SchemaElement& e = schema[i];
    if (e.num_children.value_or(0) > 0 || !e.type ||
        e.repetition_type.value_or(FieldRepetitionType::kOptional) == FieldRepetitionType::kRepeated)
      throw NotImplementedError("Parquet file " + name + " has nested column \"" + e.name +
                                "\", which Basin does not read yet");
    ParquetColumn column;
    column.name = e.name;
    Conversion conversion;
    int64_t scale;
    column.type = ResolveType(e, name, conversion, scale);
    column.field_id = e.field_id;
    column.required =
        e.repetition_type.value_or(FieldRepetitionType::kOptional) == FieldRepetitionType::kRequired;
    file->leaf_schema_index.push_back(i);
    file->conversions.push_back(conversion);
    file->scales.push_back(scale);
    columns_.push_back(std::move(column));
  }
  for (const RowGroup& group : file->metadata.row_groups) {
    if (group.columns.size() != columns_.size())
      Corrupt(name, "row group column count does not match the schema");
    if (group.num_rows < 0) Corrupt(name, "negative row count");
    for (size_t c = 0; c < group.columns.size(); ++c) {
      if (!group.columns[c].meta_data) Corrupt(name, "column chunk without metadata");
      if (group.columns[c].meta_data->type != *schema[file->leaf_schema_index[c]].type)
        Corrupt(name, "column chunk type differs from the schema");
      if (group.columns[c].file_path)
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
    readers.push_back(std::make_unique<ColumnReader>(*file_, id, *group.columns[id].meta_data, group.num_rows,
                                                     columns_[id].type));
    types.push_back(columns_[id].type);
  }
  return std::unique_ptr<RowGroupReader>(
      new RowGroupReader(file_, group.num_rows, std::move(readers), std::move(types)));
}

}  // namespace basin::parquet
