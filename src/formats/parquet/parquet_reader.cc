#include "formats/parquet/parquet_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/exception.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_encoding_internal.h"

namespace basin::parquet {

namespace {
/// Values in one page Basin will decode; more is taken as corruption (writers use far fewer).
constexpr int64_t kMaxPageValues = int64_t{1} << 24;
/// Largest decompressed page Basin will read.
constexpr size_t kMaxPageBytes = size_t{1} << 30;
/// Largest footer Basin will read.
constexpr uint32_t kMaxFooterSize = 1u << 30;

[[noreturn]] void Corrupt(const std::string& file, const std::string& what) {
  throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Parquet file " + file + ": " + what);
}

/// How a column's physical values become Basin values.
enum class Conversion : uint8_t {
  kBool,
  kInt32ToInt16,
  kInt32ToInt32,
  kInt32ToInt64,   // signed widening (DECIMAL in INT32)
  kUInt32ToInt64,  // UINT_32
  kInt32Scaled,    // TIME(MILLIS) in INT32 to microseconds
  kInt64,
  kInt64Scaled,  // times and timestamps in millis (scale > 0) or nanos (scale < 0)
  kUInt64ToInt128,
  kInt64ToInt128,  // DECIMAL(p>18) in INT64
  kInt32ToInt128,  // DECIMAL(p>18) in INT32
  kInt96Timestamp,
  kFloat,
  kDouble,
  kBytes,  // VARCHAR, BLOB
  kBigEndianDecimal,
  kInterval,
};

}  // namespace

/// The open file and its footer, shared by the reader and its row-group readers.
class ParquetFile {
 public:
  explicit ParquetFile(std::string path) : path_(std::move(path)) {
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
  ~ParquetFile() { ::close(fd_); }
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  /// Read `size` bytes at `offset`; the range must lie inside the file.
  void Read(uint64_t offset, uint64_t size, uint8_t* out) const {
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

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

  FileMetaData metadata;
  /// schema element index of each column
  std::vector<size_t> leaf_schema_index;
  std::vector<Conversion> conversions;
  std::vector<int64_t> scales;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

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

/// A page's values before conversion to Basin's layout; one member is used, by physical type.
struct RawValues {
  std::vector<uint8_t> bools;
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<std::string_view> bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96
  std::vector<std::string> owned;       // DELTA_BYTE_ARRAY values the views point into

  void Clear() {
    bools.clear();
    i32.clear();
    i64.clear();
    f32.clear();
    f64.clear();
    bytes.clear();
    owned.clear();
  }
};

/// Unpack `count` values of `width` bits (<= 64), LSB first, from `data` of `size` bytes.
void UnpackBits(const uint8_t* data, size_t size, int width, size_t count, uint64_t* out) {
  uint64_t bit = 0;
  for (size_t i = 0; i < count; ++i) {
    uint64_t v = 0;
    for (int got = 0; got < width;) {
      const uint64_t byte = bit / 8;
      const int shift = static_cast<int>(bit % 8);
      const int take = std::min(8 - shift, width - got);
      const uint64_t b = byte < size ? data[byte] : 0;
      v |= ((b >> shift) & ((1u << take) - 1)) << got;
      got += take;
      bit += take;
    }
    out[i] = v;
  }
}

/// Parquet DELTA_BINARY_PACKED: decode exactly `count` values (wrapping arithmetic, as the spec requires).
void DecodeDeltaBinaryPacked(ByteReader& r, size_t count, std::vector<int64_t>& out) {
  const uint64_t block_size = r.ReadUleb("DELTA_BINARY_PACKED header");
  const uint64_t miniblocks = r.ReadUleb("DELTA_BINARY_PACKED header");
  const uint64_t total = r.ReadUleb("DELTA_BINARY_PACKED header");
  uint64_t value = static_cast<uint64_t>(r.ReadZigZag("DELTA_BINARY_PACKED header"));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0)
    r.Fail("bad DELTA_BINARY_PACKED block layout");
  if (total < count) r.Fail("DELTA_BINARY_PACKED holds fewer values than the page");
  const size_t per_mini = block_size / miniblocks;
  out.clear();
  out.reserve(count);
  if (count == 0) return;
  out.push_back(static_cast<int64_t>(value));
  std::vector<uint64_t> deltas(per_mini);
  while (out.size() < count) {
    const uint64_t min_delta = static_cast<uint64_t>(r.ReadZigZag("DELTA_BINARY_PACKED block"));
    const uint8_t* widths = r.Take(miniblocks, "DELTA_BINARY_PACKED bit widths");
    for (uint64_t m = 0; m < miniblocks && out.size() < count; ++m) {
      if (widths[m] > 64) r.Fail("DELTA_BINARY_PACKED bit width above 64");
      const size_t bytes = per_mini * widths[m] / 8;
      const uint8_t* data = r.Take(bytes, "DELTA_BINARY_PACKED miniblock");
      UnpackBits(data, bytes, widths[m], per_mini, deltas.data());
      for (size_t i = 0; i < per_mini && out.size() < count; ++i) {
        value += min_delta + deltas[i];
        out.push_back(static_cast<int64_t>(value));
      }
    }
  }
}

void DecodeDeltaLengthByteArray(ByteReader& r, size_t count, RawValues& raw) {
  std::vector<int64_t> lengths;
  DecodeDeltaBinaryPacked(r, count, lengths);
  raw.bytes.reserve(count);
  for (int64_t len : lengths) {
    if (len < 0) r.Fail("negative string length");
    raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(static_cast<size_t>(len), "string data")),
                           static_cast<size_t>(len));
  }
}

void DecodeDeltaByteArray(ByteReader& r, size_t count, RawValues& raw) {
  std::vector<int64_t> prefixes;
  DecodeDeltaBinaryPacked(r, count, prefixes);
  RawValues suffixes;
  DecodeDeltaLengthByteArray(r, count, suffixes);
  raw.owned.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t p = prefixes[i];
    const std::string& previous = i ? raw.owned[i - 1] : raw.owned[0];
    if (p < 0 || (i == 0 && p != 0) || static_cast<uint64_t>(p) > (i ? previous.size() : 0))
      r.Fail("DELTA_BYTE_ARRAY prefix longer than the previous value");
    raw.owned[i].reserve(static_cast<size_t>(p) + suffixes.bytes[i].size());
    raw.owned[i].assign(previous, 0, static_cast<size_t>(p));
    raw.owned[i] += suffixes.bytes[i];
  }
  raw.bytes.reserve(count);
  for (const auto& s : raw.owned) raw.bytes.emplace_back(s);
}

template <class T>
void DecodeFixedPlain(ByteReader& r, size_t count, std::vector<T>& out) {
  const uint8_t* p = r.Take(count * sizeof(T), "PLAIN values");
  out.resize(count);
  if (count) std::memcpy(out.data(), p, count * sizeof(T));
}

template <class T>
void DecodeByteStreamSplit(ByteReader& r, size_t count, std::vector<T>& out) {
  const uint8_t* p = r.Take(count * sizeof(T), "BYTE_STREAM_SPLIT values");
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    uint8_t b[sizeof(T)];
    for (size_t j = 0; j < sizeof(T); ++j) b[j] = p[j * count + i];
    std::memcpy(&out[i], b, sizeof(T));
  }
}

}  // namespace

/// Decodes one column chunk page by page.
class ColumnReader {
 public:
  ColumnReader(const ParquetFile& file, size_t column, const ColumnMetaData& meta, int64_t rows,
               LogicalType type)
      : path_(file.path()),
        meta_(meta),
        element_(file.metadata.schema[file.leaf_schema_index[column]]),
        conversion_(file.conversions[column]),
        scale_(file.scales[column]),
        rows_left_(rows),
        output_type_(std::move(type)) {
    if (!CodecSupported(meta.codec))
      throw NotImplementedError("Parquet file " + path_ + " uses codec " + CodecName(meta.codec) +
                                ", which Basin does not read");
    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start)
      start = *meta.dictionary_page_offset;
    if (start < 4 || meta.total_compressed_size < 0 || static_cast<uint64_t>(start) > file.size() ||
        static_cast<uint64_t>(meta.total_compressed_size) > file.size() - static_cast<uint64_t>(start))
      Corrupt(path_, "column chunk of \"" + element_.name + "\" lies outside the file");
    chunk_.resize(static_cast<size_t>(meta.total_compressed_size));
    file.Read(static_cast<uint64_t>(start), chunk_.size(), chunk_.data());
    required_ =
        element_.repetition_type.value_or(FieldRepetitionType::kOptional) == FieldRepetitionType::kRequired;
  }

  /// Write the next `count` rows into `out` rows [0, count).
  void Read(Vector& out, size_t count) {
    size_t done = 0;
    while (done < count) {
      if (page_row_ == page_rows_) LoadPage();
      const size_t n = std::min(count - done, page_rows_ - page_row_);
      // Rows of this slice that hold values (the others are NULL).
      rows_.clear();
      for (size_t i = 0; i < n; ++i) {
        if (required_ || defs_[page_row_ + i] == 1) {
          rows_.push_back(static_cast<uint32_t>(done + i));
        } else {
          out.SetNull(done + i);
        }
      }
      if (dictionary_page_) {
        CopyFromDictionary(out, rows_.size());
      } else {
        Convert(raw_, value_index_, out, rows_.data(), rows_.size());
      }
      value_index_ += rows_.size();
      page_row_ += n;
      done += n;
    }
  }

 private:
  /// Read page headers until a data page is loaded (dictionary pages are decoded on the way).
  void LoadPage() {
    while (true) {
      if (rows_left_ <= 0 || position_ >= chunk_.size())
        Corrupt(path_, "column \"" + element_.name + "\" ends before its row group's rows");
      CompactReader header_reader(chunk_.data() + position_, chunk_.size() - position_, path_);
      PageHeader header;
      parquet::Read(header_reader, header);
      position_ += header_reader.position();
      if (static_cast<size_t>(header.compressed_page_size) > chunk_.size() - position_)
        Corrupt(path_, "page of \"" + element_.name + "\" runs past its column chunk");
      const uint8_t* body = chunk_.data() + position_;
      position_ += static_cast<size_t>(header.compressed_page_size);
      switch (header.type) {
        case PageType::kDictionaryPage:
          LoadDictionary(header, body);
          continue;
        case PageType::kDataPage:
          if (!header.data_page_header) Corrupt(path_, "data page without its header");
          LoadDataPageV1(header, body);
          return;
        case PageType::kDataPageV2:
          if (!header.data_page_header_v2) Corrupt(path_, "data page v2 without its header");
          LoadDataPageV2(header, body);
          return;
        default:
          continue;  // index pages and unknown page types carry no rows
      }
    }
  }

  const uint8_t* Decompressed(const PageHeader& h, const uint8_t* body, size_t skip = 0) {
    const size_t compressed = static_cast<size_t>(h.compressed_page_size) - skip;
    const size_t uncompressed = static_cast<size_t>(h.uncompressed_page_size) - skip;
    if (meta_.codec == CompressionCodec::kUncompressed) {
      if (compressed != uncompressed) Corrupt(path_, "uncompressed page sizes disagree");
      return body + skip;
    }
    if (uncompressed > kMaxPageBytes) Corrupt(path_, "page of " + std::to_string(uncompressed) + " bytes");
    if (uncompressed > page_capacity_) {
      // Not value-initialised: a corrupt header claiming a huge page costs address space, not memory.
      page_buffer_.reset(new uint8_t[uncompressed]);
      page_capacity_ = uncompressed;
    }
    Decompress(meta_.codec, reinterpret_cast<const char*>(body + skip), compressed,
               reinterpret_cast<char*>(page_buffer_.get()), uncompressed, path_);
    return page_buffer_.get();
  }

  void LoadDictionary(const PageHeader& h, const uint8_t* body) {
    if (!h.dictionary_page_header) Corrupt(path_, "dictionary page without its header");
    const auto& d = *h.dictionary_page_header;
    if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary)
      Corrupt(path_, "dictionary page not PLAIN-encoded");
    if (d.num_values < 0 || d.num_values > kMaxPageValues) Corrupt(path_, "bad dictionary size");
    const uint8_t* data = Decompressed(h, body);
    ByteReader r(data, static_cast<size_t>(h.uncompressed_page_size), &path_);
    RawValues raw;
    DecodePlain(r, static_cast<size_t>(d.num_values), raw);
    dictionary_ =
        std::make_unique<Vector>(output_type_, std::max<size_t>(1, static_cast<size_t>(d.num_values)));
    std::vector<uint32_t> rows(static_cast<size_t>(d.num_values));
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<uint32_t>(i);
    Convert(raw, 0, *dictionary_, rows.data(), rows.size());
    dictionary_size_ = rows.size();
  }

  void StartPage(int64_t num_values) {
    if (num_values < 0 || num_values > kMaxPageValues) Corrupt(path_, "bad page value count");
    if (num_values > rows_left_) Corrupt(path_, "page holds more rows than its row group");
    page_rows_ = static_cast<size_t>(num_values);
    page_row_ = 0;
    value_index_ = 0;
    rows_left_ -= num_values;
    raw_.Clear();
    indices_.clear();
    defs_.clear();
  }

  /// Decode `count` definition levels (max level 1) from RLE/bit-packed hybrid data; return non-NULLs.
  size_t DecodeDefinitionLevels(ByteReader levels, size_t count) {
    defs_.resize(count);
    RleHybridDecoder decoder(levels, 1);
    decoder.Decode(defs_.data(), count);
    size_t values = 0;
    for (uint32_t d : defs_) values += d == 1;
    return values;
  }

  void LoadDataPageV1(const PageHeader& h, const uint8_t* body) {
    const auto& d = *h.data_page_header;
    StartPage(d.num_values);
    const uint8_t* data = Decompressed(h, body);
    ByteReader r(data, static_cast<size_t>(h.uncompressed_page_size), &path_);
    size_t values = page_rows_;
    if (!required_) {
      // Parquet (data page v1): definition levels are RLE/bit-packed hybrid, 4-byte length prefix.
      if (d.definition_level_encoding != Encoding::kRle)
        throw NotImplementedError("Parquet file " + path_ + " uses BIT_PACKED definition levels");
      const uint32_t length = r.ReadLittleEndian<uint32_t>("definition levels");
      ByteReader levels(r.Take(length, "definition levels"), length, &path_);
      values = DecodeDefinitionLevels(levels, page_rows_);
    }
    DecodeValues(d.encoding, r, values);
  }

  void LoadDataPageV2(const PageHeader& h, const uint8_t* body) {
    const auto& d = *h.data_page_header_v2;
    StartPage(d.num_values);
    if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
        static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
            std::min(h.compressed_page_size, h.uncompressed_page_size))
      Corrupt(path_, "data page v2 level lengths exceed the page");
    // Levels are never compressed in v2 pages; the values after them may be.
    const size_t levels_size = static_cast<size_t>(d.repetition_levels_byte_length) +
                               static_cast<size_t>(d.definition_levels_byte_length);
    size_t values = page_rows_;
    if (!required_) {
      ByteReader levels(body + d.repetition_levels_byte_length,
                        static_cast<size_t>(d.definition_levels_byte_length), &path_);
      values = DecodeDefinitionLevels(levels, page_rows_);
    }
    const uint8_t* data;
    if (d.is_compressed) {
      data = Decompressed(h, body, levels_size);
    } else {
      if (h.compressed_page_size != h.uncompressed_page_size)
        Corrupt(path_, "uncompressed page sizes disagree");
      data = body + levels_size;
    }
    ByteReader r(data, static_cast<size_t>(h.uncompressed_page_size) - levels_size, &path_);
    DecodeValues(d.encoding, r, values);
  }

  void DecodePlain(ByteReader& r, size_t count, RawValues& raw) {
    switch (meta_.type) {
      case Type::kBoolean: {
        const uint8_t* p = r.Take((count + 7) / 8, "PLAIN booleans");
        raw.bools.resize(count);
        for (size_t i = 0; i < count; ++i) raw.bools[i] = (p[i / 8] >> (i % 8)) & 1;
        return;
      }
      case Type::kInt32:
        return DecodeFixedPlain(r, count, raw.i32);
      case Type::kInt64:
        return DecodeFixedPlain(r, count, raw.i64);
      case Type::kFloat:
        return DecodeFixedPlain(r, count, raw.f32);
      case Type::kDouble:
        return DecodeFixedPlain(r, count, raw.f64);
      case Type::kInt96:
      case Type::kFixedLenByteArray: {
        const size_t width = FixedWidth();
        raw.bytes.reserve(count);
        for (size_t i = 0; i < count; ++i)
          raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(width, "PLAIN values")), width);
        return;
      }
      case Type::kByteArray:
        for (size_t i = 0; i < count; ++i) {
          const uint32_t len = r.ReadLittleEndian<uint32_t>("string length");
          raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(len, "string data")), len);
        }
        return;
    }
  }

  size_t FixedWidth() const {
    if (meta_.type == Type::kInt96) return 12;
    const int32_t w = element_.type_length.value_or(0);
    if (w <= 0 || w > (1 << 20)) Corrupt(path_, "bad FIXED_LEN_BYTE_ARRAY length");
    return static_cast<size_t>(w);
  }

  void DecodeValues(Encoding encoding, ByteReader& r, size_t count) {
    dictionary_page_ = false;
    switch (encoding) {
      case Encoding::kPlain:
        return DecodePlain(r, count, raw_);
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (!dictionary_) Corrupt(path_, "dictionary-encoded page without a dictionary page");
        dictionary_page_ = true;
        if (count == 0) return;
        const int width = *r.Take(1, "dictionary index bit width");
        indices_.resize(count);
        RleHybridDecoder(ByteReader(r.current(), r.remaining(), &path_), width)
            .Decode(indices_.data(), count);
        for (uint32_t i : indices_)
          if (i >= dictionary_size_) Corrupt(path_, "dictionary index out of range");
        return;
      }
      case Encoding::kRle: {
        if (meta_.type != Type::kBoolean) break;
        const uint32_t length = r.ReadLittleEndian<uint32_t>("RLE booleans");
        std::vector<uint32_t> bits(count);
        RleHybridDecoder(ByteReader(r.Take(length, "RLE booleans"), length, &path_), 1)
            .Decode(bits.data(), count);
        raw_.bools.assign(bits.begin(), bits.end());
        return;
      }
      case Encoding::kDeltaBinaryPacked:
        if (meta_.type == Type::kInt64) return DecodeDeltaBinaryPacked(r, count, raw_.i64);
        if (meta_.type == Type::kInt32) {
          std::vector<int64_t> wide;
          DecodeDeltaBinaryPacked(r, count, wide);
          raw_.i32.resize(count);
          for (size_t i = 0; i < count; ++i)
            raw_.i32[i] = static_cast<int32_t>(static_cast<uint32_t>(wide[i]));
          return;
        }
        break;
      case Encoding::kDeltaLengthByteArray:
        if (meta_.type != Type::kByteArray) break;
        return DecodeDeltaLengthByteArray(r, count, raw_);
      case Encoding::kDeltaByteArray:
        if (meta_.type != Type::kByteArray && meta_.type != Type::kFixedLenByteArray) break;
        return DecodeDeltaByteArray(r, count, raw_);
      case Encoding::kByteStreamSplit:
        switch (meta_.type) {
          case Type::kFloat:
            return DecodeByteStreamSplit(r, count, raw_.f32);
          case Type::kDouble:
            return DecodeByteStreamSplit(r, count, raw_.f64);
          case Type::kInt32:
            return DecodeByteStreamSplit(r, count, raw_.i32);
          case Type::kInt64:
            return DecodeByteStreamSplit(r, count, raw_.i64);
          case Type::kFixedLenByteArray: {
            const size_t width = FixedWidth();
            const uint8_t* p = r.Take(count * width, "BYTE_STREAM_SPLIT values");
            raw_.owned.assign(count, std::string(width, '\0'));
            for (size_t i = 0; i < count; ++i)
              for (size_t j = 0; j < width; ++j) raw_.owned[i][j] = static_cast<char>(p[j * count + i]);
            for (const auto& s : raw_.owned) raw_.bytes.emplace_back(s);
            return;
          }
          default:
            break;
        }
        break;
      default:
        break;
    }
    throw NotImplementedError("Parquet file " + path_ + ": encoding " +
                              std::to_string(static_cast<int>(encoding)) + " for column \"" + element_.name +
                              "\" is not supported");
  }

  void CopyFromDictionary(Vector& out, size_t count) {
    const size_t width = PhysicalSize(out.type().physical());
    const uint8_t* src = dictionary_->raw_data();
    uint8_t* dst = out.raw_data();
    for (size_t k = 0; k < count; ++k) {
      const uint32_t index = indices_[value_index_ + k];
      std::memcpy(dst + rows_[k] * width, src + index * width, width);
    }
    if (out.type().physical() == PhysicalType::kString) out.AddHeapReference(*dictionary_);
  }

  /// Convert raw values [first, first+count) to Basin values at `rows` of `out`.
  void Convert(const RawValues& raw, size_t first, Vector& out, const uint32_t* rows, size_t count) {
    auto need = [&](size_t have) {
      if (first + count > have) Corrupt(path_, "page holds fewer values than its levels say");
    };
    switch (conversion_) {
      case Conversion::kBool:
        need(raw.bools.size());
        for (size_t k = 0; k < count; ++k) out.data<uint8_t>()[rows[k]] = raw.bools[first + k];
        return;
      case Conversion::kInt32ToInt16:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k)
          out.data<int16_t>()[rows[k]] = static_cast<int16_t>(raw.i32[first + k]);
        return;
      case Conversion::kInt32ToInt32:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k) out.data<int32_t>()[rows[k]] = raw.i32[first + k];
        return;
      case Conversion::kInt32ToInt64:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k) out.data<int64_t>()[rows[k]] = raw.i32[first + k];
        return;
      case Conversion::kUInt32ToInt64:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k)
          out.data<int64_t>()[rows[k]] = static_cast<uint32_t>(raw.i32[first + k]);
        return;
      case Conversion::kInt32Scaled:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k)
          out.data<int64_t>()[rows[k]] = int64_t{raw.i32[first + k]} * scale_;
        return;
      case Conversion::kInt64:
        need(raw.i64.size());
        for (size_t k = 0; k < count; ++k) out.data<int64_t>()[rows[k]] = raw.i64[first + k];
        return;
      case Conversion::kInt64Scaled:
        need(raw.i64.size());
        for (size_t k = 0; k < count; ++k) {
          const int64_t v = raw.i64[first + k];
          int64_t result;
          if (scale_ < 0) {
            result = v / -scale_ - (v % -scale_ < 0);  // floor, so times before 1970 round down
          } else if (__builtin_mul_overflow(v, scale_, &result)) {
            throw DataError(
                sqlstate::kDatetimeFieldOverflow,
                "timestamp out of range in Parquet file " + path_ + ", column \"" + element_.name + "\"");
          }
          out.data<int64_t>()[rows[k]] = result;
        }
        return;
      case Conversion::kUInt64ToInt128:
        need(raw.i64.size());
        for (size_t k = 0; k < count; ++k)
          out.data<__int128>()[rows[k]] = static_cast<__int128>(static_cast<uint64_t>(raw.i64[first + k]));
        return;
      case Conversion::kInt64ToInt128:
        need(raw.i64.size());
        for (size_t k = 0; k < count; ++k) out.data<__int128>()[rows[k]] = raw.i64[first + k];
        return;
      case Conversion::kInt32ToInt128:
        need(raw.i32.size());
        for (size_t k = 0; k < count; ++k) out.data<__int128>()[rows[k]] = raw.i32[first + k];
        return;
      case Conversion::kInt96Timestamp:
        need(raw.bytes.size());
        for (size_t k = 0; k < count; ++k) {
          // INT96 (legacy Impala/Spark): nanoseconds of the day (8 bytes), then the Julian day (4 bytes).
          int64_t nanos;
          int32_t julian;
          std::memcpy(&nanos, raw.bytes[first + k].data(), 8);
          std::memcpy(&julian, raw.bytes[first + k].data() + 8, 4);
          constexpr int64_t kJulianEpoch = 2440588;  // Julian day of 1970-01-01
          out.data<int64_t>()[rows[k]] = (int64_t{julian} - kJulianEpoch) * kMicrosPerDay + nanos / 1000;
        }
        return;
      case Conversion::kFloat:
        need(raw.f32.size());
        for (size_t k = 0; k < count; ++k) out.data<float>()[rows[k]] = raw.f32[first + k];
        return;
      case Conversion::kDouble:
        need(raw.f64.size());
        for (size_t k = 0; k < count; ++k) out.data<double>()[rows[k]] = raw.f64[first + k];
        return;
      case Conversion::kBytes:
        need(raw.bytes.size());
        for (size_t k = 0; k < count; ++k)
          out.data<string_t>()[rows[k]] = out.AddString(raw.bytes[first + k]);
        return;
      case Conversion::kBigEndianDecimal: {
        need(raw.bytes.size());
        const bool wide = out.type().physical() == PhysicalType::kInt128;
        for (size_t k = 0; k < count; ++k) {
          const std::string_view b = raw.bytes[first + k];
          if (b.size() > 16) Corrupt(path_, "DECIMAL value wider than 16 bytes");
          unsigned __int128 v =
              (!b.empty() && (static_cast<uint8_t>(b[0]) & 0x80)) ? ~static_cast<unsigned __int128>(0) : 0;
          for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
          const auto s = static_cast<__int128>(v);
          if (wide) {
            out.data<__int128>()[rows[k]] = s;
          } else {
            if (s > INT64_MAX || s < INT64_MIN) Corrupt(path_, "DECIMAL value exceeds its precision");
            out.data<int64_t>()[rows[k]] = static_cast<int64_t>(s);
          }
        }
        return;
      }
      case Conversion::kInterval:
        need(raw.bytes.size());
        for (size_t k = 0; k < count; ++k) {
          uint32_t parts[3];
          std::memcpy(parts, raw.bytes[first + k].data(), 12);
          interval_t iv;
          iv.months = static_cast<int32_t>(parts[0]);
          iv.days = static_cast<int32_t>(parts[1]);
          iv.micros = int64_t{static_cast<int32_t>(parts[2])} * 1000;
          out.data<interval_t>()[rows[k]] = iv;
        }
        return;
    }
  }

  const std::string& path_;
  const ColumnMetaData& meta_;
  const SchemaElement& element_;
  const Conversion conversion_;
  const int64_t scale_;
  int64_t rows_left_;
  bool required_ = false;
  LogicalType output_type_;

  std::vector<uint8_t> chunk_;
  size_t position_ = 0;
  std::unique_ptr<Vector> dictionary_;
  size_t dictionary_size_ = 0;

  // The current page.
  std::unique_ptr<uint8_t[]> page_buffer_;
  size_t page_capacity_ = 0;
  size_t page_rows_ = 0;
  size_t page_row_ = 0;
  size_t value_index_ = 0;
  bool dictionary_page_ = false;
  std::vector<uint32_t> defs_;
  std::vector<uint32_t> indices_;
  RawValues raw_;
  std::vector<uint32_t> rows_;
};

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
