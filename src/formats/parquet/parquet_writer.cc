#include "formats/parquet/parquet_writer.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>

#include "common/exception.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_encoding_internal.h"

namespace basin::parquet {

/// How a Basin column's values become Parquet PLAIN bytes.
enum class ValueKind : uint8_t {
  kBool,        // BOOLEAN
  kInt16,       // SMALLINT as INT32
  kInt32,       // INTEGER, DATE
  kInt64,       // BIGINT, TIME, TIMESTAMP[TZ], DECIMAL(10..18)
  kDecimal32,   // DECIMAL(p<=9): Basin's int64 as INT32
  kDecimal128,  // DECIMAL(p>18): FIXED_LEN_BYTE_ARRAY(16), big-endian two's complement
  kFloat,
  kDouble,
  kBytes,     // VARCHAR, BLOB
  kInterval,  // FIXED_LEN_BYTE_ARRAY(12): months, days, milliseconds (little-endian)
};

namespace {

ValueKind MapType(const LogicalType& type, SchemaElement& e) {
  using K = LogicalTypeAnnotation::Kind;
  auto integer = [&](int8_t bits, ConvertedType converted) {
    e.converted_type = converted;
    e.logical_type.kind = K::kInteger;
    e.logical_type.bit_width = bits;
    e.logical_type.is_signed = true;
  };
  auto temporal = [&](K kind, bool utc) {
    e.type = Type::kInt64;
    e.logical_type.kind = kind;
    e.logical_type.unit = TimeUnit::kMicros;
    e.logical_type.is_adjusted_to_utc = utc;
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      e.type = Type::kBoolean;
      return ValueKind::kBool;
    case TypeId::kSmallInt:
      e.type = Type::kInt32;
      integer(16, ConvertedType::kInt16);
      return ValueKind::kInt16;
    case TypeId::kInteger:
      e.type = Type::kInt32;
      integer(32, ConvertedType::kInt32);
      return ValueKind::kInt32;
    case TypeId::kBigInt:
      e.type = Type::kInt64;
      integer(64, ConvertedType::kInt64);
      return ValueKind::kInt64;
    case TypeId::kReal:
      e.type = Type::kFloat;
      return ValueKind::kFloat;
    case TypeId::kDouble:
      e.type = Type::kDouble;
      return ValueKind::kDouble;
    case TypeId::kDecimal: {
      e.converted_type = ConvertedType::kDecimal;
      e.scale = type.scale();
      e.precision = type.width();
      e.logical_type.kind = K::kDecimal;
      e.logical_type.scale = type.scale();
      e.logical_type.precision = type.width();
      if (type.width() <= 9) {
        e.type = Type::kInt32;
        return ValueKind::kDecimal32;
      }
      if (type.width() <= LogicalType::kMaxInt64DecimalWidth) {
        e.type = Type::kInt64;
        return ValueKind::kInt64;
      }
      e.type = Type::kFixedLenByteArray;
      e.type_length = 16;
      return ValueKind::kDecimal128;
    }
    case TypeId::kVarchar:
      e.type = Type::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = K::kString;
      return ValueKind::kBytes;
    case TypeId::kBlob:
      e.type = Type::kByteArray;
      return ValueKind::kBytes;
    case TypeId::kDate:
      e.type = Type::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type.kind = K::kDate;
      return ValueKind::kInt32;
    case TypeId::kTime:
      // The converted type TIME_MICROS means UTC-adjusted, so a local time carries only the logical type.
      temporal(K::kTime, false);
      return ValueKind::kInt64;
    case TypeId::kTimestamp:
      temporal(K::kTimestamp, false);
      return ValueKind::kInt64;
    case TypeId::kTimestampTz:
      temporal(K::kTimestamp, true);
      e.converted_type = ConvertedType::kTimestampMicros;
      return ValueKind::kInt64;
    case TypeId::kInterval:
      e.type = Type::kFixedLenByteArray;
      e.type_length = 12;
      e.converted_type = ConvertedType::kInterval;
      return ValueKind::kInterval;
    default:
      throw NotImplementedError("cannot write a column of type " + type.ToString() + " to Parquet");
  }
}

/// Compare two PLAIN values of one kind in the column's sort order (for min/max statistics).
bool Less(ValueKind kind, std::string_view a, std::string_view b) {
  auto load = [](std::string_view s, auto zero) {
    decltype(zero) v;
    std::memcpy(&v, s.data(), sizeof(v));
    return v;
  };
  switch (kind) {
    case ValueKind::kBool:
    case ValueKind::kBytes:
      return a < b;  // std::string_view compares bytes as unsigned char
    case ValueKind::kInt16:
    case ValueKind::kInt32:
    case ValueKind::kDecimal32:
      return load(a, int32_t{}) < load(b, int32_t{});
    case ValueKind::kInt64:
      return load(a, int64_t{}) < load(b, int64_t{});
    case ValueKind::kFloat:
      return load(a, float{}) < load(b, float{});
    case ValueKind::kDouble:
      return load(a, double{}) < load(b, double{});
    case ValueKind::kDecimal128: {
      // Big-endian two's complement: the sign byte compares signed, the rest unsigned.
      if (a[0] != b[0]) return static_cast<int8_t>(a[0]) < static_cast<int8_t>(b[0]);
      return a.substr(1) < b.substr(1);
    }
    case ValueKind::kInterval:
      return false;
  }
  return false;
}

}  // namespace

/// Buffers one column's pages for the current row group and encodes them.
/// The distinct values of a column chunk, for dictionary encoding: open addressing over the values' bytes
/// kept in one buffer, so that a lookup costs a hash and a compare, not a node per value.
class ValueDictionary {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  uint32_t Find(std::string_view value) const {
    if (slots_.empty()) return kMissing;
    const uint64_t hash = Hash(value);
    for (size_t slot = hash & (slots_.size() - 1);; slot = (slot + 1) & (slots_.size() - 1)) {
      const uint64_t entry = slots_[slot];
      if (entry == 0) return kMissing;
      // The hash's high half is kept in the slot: most mismatches never touch the values.
      if ((entry >> 32) == (hash >> 32) && Key(static_cast<uint32_t>(entry) - 1) == value) {
        return static_cast<uint32_t>(entry) - 1;
      }
    }
  }
  /// Add a value Find did not find; returns its index.
  uint32_t Insert(std::string_view value) {
    if ((offsets_.size() + 1) * 2 > slots_.size()) Grow();
    uint32_t index = static_cast<uint32_t>(offsets_.size());
    offsets_.push_back(static_cast<uint32_t>(keys_.size()));
    keys_.append(value);
    Place(Hash(value), index);
    return index;
  }
  void Clear() {
    slots_.clear();
    offsets_.clear();
    keys_.clear();
  }

 private:
  static uint64_t Hash(std::string_view v) {
    if (v.size() > 8) return std::hash<std::string_view>()(v);
    // Numbers and short strings: one multiply-xorshift over the bytes, far cheaper than a byte-wise hash.
    uint64_t x = 0;
    std::memcpy(&x, v.data(), v.size());
    x ^= static_cast<uint64_t>(v.size()) << 59;
    x *= 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    return x ^ (x >> 32);
  }
  std::string_view Key(uint32_t index) const {
    size_t end = index + 1 < offsets_.size() ? offsets_[index + 1] : keys_.size();
    return std::string_view(keys_).substr(offsets_[index], end - offsets_[index]);
  }
  void Place(uint64_t hash, uint32_t index) {
    size_t slot = hash & (slots_.size() - 1);
    while (slots_[slot] != 0) slot = (slot + 1) & (slots_.size() - 1);
    slots_[slot] = (hash & 0xFFFFFFFF00000000ULL) | (index + 1);
  }
  void Grow() {
    slots_.assign(std::max<size_t>(1024, slots_.size() * 2), 0);
    for (uint32_t i = 0; i < offsets_.size(); i++) Place(Hash(Key(i)), i);
  }

  std::vector<uint64_t> slots_;    // the hash's high half, then dictionary index + 1; 0 is empty
  std::vector<uint32_t> offsets_;  // where each value starts in keys_
  std::string keys_;
};

class ColumnWriter {
 public:
  ColumnWriter(ValueKind kind, Type type, std::string name, bool required,
               const ParquetWriterOptions& options)
      : kind_(kind), type_(type), name_(std::move(name)), required_(required), options_(options) {
    ResetChunk();
  }

  void Append(const Vector& v, size_t offset, size_t count, const std::string& path) {
    for (size_t r = offset; r < offset + count; ++r) {
      if (v.IsNull(r)) {
        if (required_) {
          throw ConstraintError("NULL in required column \"" + name_ + "\" written to Parquet file " + path);
        }
        def_levels_.push_back(0);
        ++page_nulls_;
      } else {
        EncodeValue(v, v.IsConstant() ? 0 : r);
        AddValue();
      }
      ++page_values_;
      if (EstimatedPageSize() >= options_.page_size) FlushPage();
    }
  }

  /// Flush the last page and return the chunk's bytes (dictionary page first), filling `meta` and `index`
  /// with offsets counted from `base`, the file offset the chunk will start at. Resets for the next row
  /// group.
  std::string FinishChunk(int64_t base, ColumnMetaData& meta, ChunkPageIndex& index) {
    FlushPage();
    std::string chunk;
    meta.type = type_;
    meta.path_in_schema = {name_};
    meta.codec = options_.codec;
    meta.num_values = num_values_;
    int64_t uncompressed = 0;
    if (dict_count_ > 0) {
      meta.dictionary_page_offset = base;
      PageHeader header;
      header.type = PageType::kDictionaryPage;
      header.dictionary_page_header.emplace();
      header.dictionary_page_header->num_values = static_cast<int32_t>(dict_count_);
      header.dictionary_page_header->encoding = Encoding::kPlain;
      uncompressed += AppendPage(header, dict_plain_, chunk);
      AddEncoding(Encoding::kPlain);
    }
    meta.data_page_offset = base + static_cast<int64_t>(chunk.size());
    index.offset.page_locations = std::move(page_locations_);
    for (PageLocation& loc : index.offset.page_locations) loc.offset += meta.data_page_offset;
    if (column_index_valid_) {
      column_index_.boundary_order = BoundaryOrderOf(column_index_);
      index.column = std::move(column_index_);
    } else {
      index.column.reset();
    }
    chunk += pages_;
    meta.total_uncompressed_size = uncompressed + pages_uncompressed_;
    meta.total_compressed_size = static_cast<int64_t>(chunk.size());
    meta.encodings = encodings_;
    Statistics stats;
    stats.null_count = null_count_;
    if (has_min_max_) {
      stats.min_value = min_;
      stats.max_value = max_;
    }
    meta.statistics = std::move(stats);
    ResetChunk();
    return chunk;
  }

 private:
  void ResetChunk() {
    use_dictionary_ = options_.dictionary && kind_ != ValueKind::kBool;
    dictionary_.Clear();
    dict_plain_.clear();
    dict_count_ = 0;
    pages_.clear();
    pages_uncompressed_ = 0;
    encodings_.clear();
    null_count_ = 0;
    num_values_ = 0;
    has_min_max_ = false;
    page_locations_.clear();
    column_index_ = {};
    column_index_valid_ = kind_ != ValueKind::kInterval;
  }

  void EncodeValue(const Vector& v, size_t i) {
    value_.clear();
    switch (kind_) {
      case ValueKind::kBool:
        value_.push_back(v.data<uint8_t>()[i] ? 1 : 0);
        break;
      case ValueKind::kInt16:
        AppendLittleEndian<int32_t>(v.data<int16_t>()[i], value_);
        break;
      case ValueKind::kInt32:
        AppendLittleEndian<int32_t>(v.data<int32_t>()[i], value_);
        break;
      case ValueKind::kDecimal32:
        AppendLittleEndian<int32_t>(static_cast<int32_t>(v.data<int64_t>()[i]), value_);
        break;
      case ValueKind::kInt64:
        AppendLittleEndian<int64_t>(v.data<int64_t>()[i], value_);
        break;
      case ValueKind::kFloat:
        AppendLittleEndian<float>(v.data<float>()[i], value_);
        break;
      case ValueKind::kDouble:
        AppendLittleEndian<double>(v.data<double>()[i], value_);
        break;
      case ValueKind::kDecimal128: {
        const auto x = static_cast<unsigned __int128>(v.data<__int128>()[i]);
        for (int b = 15; b >= 0; --b) value_.push_back(static_cast<char>(x >> (8 * b)));
        break;
      }
      case ValueKind::kBytes:
        value_ = v.data<string_t>()[i].view();
        break;
      case ValueKind::kInterval: {
        // Parquet's INTERVAL holds milliseconds: sub-millisecond precision is dropped.
        const interval_t& iv = v.data<interval_t>()[i];
        AppendLittleEndian<uint32_t>(static_cast<uint32_t>(iv.months), value_);
        AppendLittleEndian<uint32_t>(static_cast<uint32_t>(iv.days), value_);
        AppendLittleEndian<uint32_t>(static_cast<uint32_t>(iv.micros / 1000), value_);
        break;
      }
    }
  }

  void AppendPlain(std::string_view value, std::string& out) {
    if (kind_ == ValueKind::kBytes) AppendLittleEndian<uint32_t>(static_cast<uint32_t>(value.size()), out);
    out.append(value);
  }

  /// Add the non-NULL value in value_ to the page.
  void AddValue() {
    if (use_dictionary_) {
      uint32_t index = dictionary_.Find(value_);
      if (index == ValueDictionary::kMissing) {
        if (dict_plain_.size() + value_.size() + 4 > options_.dictionary_size_limit) {
          // Parquet allows a chunk's later pages to be PLAIN after dictionary-encoded ones.
          FlushPage();
          use_dictionary_ = false;
        } else {
          index = dictionary_.Insert(value_);
          dict_count_++;
          AppendPlain(value_, dict_plain_);
        }
      }
      if (use_dictionary_) indices_.push_back(index);
    }
    if (!use_dictionary_) {
      if (kind_ == ValueKind::kBool)
        bools_.push_back(value_[0]);
      else
        AppendPlain(value_, plain_);
    }
    if (!required_) def_levels_.push_back(1);
    UpdateStatistics();
  }

  void UpdateStatistics() {
    if (kind_ == ValueKind::kInterval) return;  // Parquet leaves INTERVAL's order undefined
    if (kind_ == ValueKind::kFloat) {
      float f;
      std::memcpy(&f, value_.data(), sizeof(f));
      if (std::isnan(f)) return;  // NaN must not enter min/max
    } else if (kind_ == ValueKind::kDouble) {
      double d;
      std::memcpy(&d, value_.data(), sizeof(d));
      if (std::isnan(d)) return;
    }
    // Per page only: FlushPage folds the page's bounds into the chunk's.
    if (!page_has_min_max_) {
      page_min_ = page_max_ = value_;
      page_has_min_max_ = true;
      return;
    }
    if (Less(kind_, value_, page_min_)) page_min_ = value_;
    if (Less(kind_, page_max_, value_)) page_max_ = value_;
  }

  /// Record the page just appended to pages_ at `offset` in the chunk's page index (parquet-format
  /// PageIndex.md), and fold its statistics into the chunk's.
  void IndexPage(size_t offset) {
    PageLocation& loc = page_locations_.emplace_back();
    loc.offset = static_cast<int64_t>(offset);  // made absolute by FinishChunk
    loc.compressed_page_size = static_cast<int32_t>(pages_.size() - offset);
    loc.first_row_index = num_values_;  // flat columns: one value per row
    const bool null_page = page_nulls_ == static_cast<int64_t>(page_values_);
    // A page of values without bounds (NaN only, or INTERVAL) cannot be described: no column index.
    if (!null_page && !page_has_min_max_) column_index_valid_ = false;
    column_index_.null_pages.push_back(null_page);
    column_index_.min_values.push_back(null_page ? std::string() : page_min_);
    column_index_.max_values.push_back(null_page ? std::string() : page_max_);
    column_index_.null_counts.push_back(page_nulls_);
    null_count_ += page_nulls_;
    if (page_has_min_max_) {
      if (!has_min_max_ || Less(kind_, page_min_, min_)) min_ = page_min_;
      if (!has_min_max_ || Less(kind_, max_, page_max_)) max_ = page_max_;
      has_min_max_ = true;
    }
    page_nulls_ = 0;
    page_has_min_max_ = false;
  }

  /// Whether the pages' bounds ascend or descend, which lets readers binary-search them.
  BoundaryOrder BoundaryOrderOf(const ColumnIndex& index) const {
    bool ascending = true, descending = true;
    const std::string* min = nullptr;
    const std::string* max = nullptr;
    for (size_t i = 0; i < index.null_pages.size(); ++i) {
      if (index.null_pages[i]) continue;
      if (min) {
        ascending &= !Less(kind_, index.min_values[i], *min) && !Less(kind_, index.max_values[i], *max);
        descending &= !Less(kind_, *min, index.min_values[i]) && !Less(kind_, *max, index.max_values[i]);
      }
      min = &index.min_values[i];
      max = &index.max_values[i];
    }
    return ascending    ? BoundaryOrder::kAscending
           : descending ? BoundaryOrder::kDescending
                        : BoundaryOrder::kUnordered;
  }

  size_t EstimatedPageSize() const {
    return plain_.size() + indices_.size() * 4 + bools_.size() / 8 + def_levels_.size() / 8;
  }

  void AddEncoding(Encoding e) {
    for (Encoding x : encodings_)
      if (x == e) return;
    encodings_.push_back(e);
  }

  /// Compress `body` into a page after `header` (sizes filled in) appended to `out`; return the page's
  /// uncompressed size including the header.
  int64_t AppendPage(PageHeader& header, const std::string& body, std::string& out) {
    std::string compressed;
    Compress(options_.codec, body.data(), body.size(), compressed);
    if (body.size() > INT32_MAX || compressed.size() > INT32_MAX) throw IOError("Parquet page exceeds 2 GiB");
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(compressed.size());
    CompactWriter w;
    Write(w, header);
    out += w.data();
    out += compressed;
    return static_cast<int64_t>(w.data().size() + body.size());
  }

  void FlushPage() {
    if (page_values_ == 0) return;
    std::string body;
    if (!required_) {
      // Parquet (data page v1): definition levels are RLE/bit-packed hybrid, 4-byte length prefix.
      std::string levels;
      EncodeRleHybrid(def_levels_.data(), def_levels_.size(), 1, levels);
      AppendLittleEndian<uint32_t>(static_cast<uint32_t>(levels.size()), body);
      body += levels;
      AddEncoding(Encoding::kRle);
    }
    Encoding encoding = Encoding::kPlain;
    if (!indices_.empty()) {
      encoding = Encoding::kRleDictionary;
      const int width = BitWidth(dict_count_ > 0 ? dict_count_ - 1 : 0);
      body.push_back(static_cast<char>(width));
      EncodeRleHybrid(indices_.data(), indices_.size(), width, body);
    } else if (kind_ == ValueKind::kBool) {
      std::string bits((bools_.size() + 7) / 8, '\0');
      for (size_t i = 0; i < bools_.size(); ++i)
        if (bools_[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
      body += bits;
    } else {
      body += plain_;
    }
    AddEncoding(encoding);
    PageHeader header;
    header.type = PageType::kDataPage;
    header.data_page_header.emplace();
    header.data_page_header->num_values = static_cast<int32_t>(page_values_);
    header.data_page_header->encoding = encoding;
    const size_t page_offset = pages_.size();
    pages_uncompressed_ += AppendPage(header, body, pages_);
    IndexPage(page_offset);
    num_values_ += static_cast<int64_t>(page_values_);
    page_values_ = 0;
    def_levels_.clear();
    indices_.clear();
    plain_.clear();
    bools_.clear();
  }

  const ValueKind kind_;
  const Type type_;
  const std::string name_;
  const bool required_;
  const ParquetWriterOptions& options_;

  std::string value_;  // the value being added, PLAIN-encoded (no length prefix)
  // The current page.
  size_t page_values_ = 0;
  std::vector<uint32_t> def_levels_;
  std::vector<uint32_t> indices_;
  std::string plain_;
  std::vector<uint8_t> bools_;
  // The current column chunk.
  bool use_dictionary_ = true;
  ValueDictionary dictionary_;
  std::string dict_plain_;
  uint32_t dict_count_ = 0;
  std::string pages_;
  int64_t pages_uncompressed_ = 0;
  std::vector<Encoding> encodings_;
  int64_t null_count_ = 0;
  int64_t num_values_ = 0;
  bool has_min_max_ = false;
  std::string min_, max_;
  // The current page's statistics, and the chunk's page index.
  int64_t page_nulls_ = 0;
  bool page_has_min_max_ = false;
  std::string page_min_, page_max_;
  std::vector<PageLocation> page_locations_;
  ColumnIndex column_index_;
  bool column_index_valid_ = true;
};

std::optional<CompressionCodec> CodecFromName(const std::string& name) {
  if (name == "zstd") return CompressionCodec::kZstd;
  if (name == "snappy") return CompressionCodec::kSnappy;
  if (name == "gzip") return CompressionCodec::kGzip;
  if (name == "lz4" || name == "lz4_raw") return CompressionCodec::kLz4Raw;
  if (name == "uncompressed" || name == "none") return CompressionCodec::kUncompressed;
  return std::nullopt;
}

ParquetWriter::ParquetWriter(std::string path, std::vector<std::string> names, std::vector<LogicalType> types,
                             std::vector<int32_t> field_ids, ParquetWriterOptions options)
    : path_(std::move(path)), types_(std::move(types)), options_(std::move(options)) {
  if (names.size() != types_.size() || (!field_ids.empty() && field_ids.size() != types_.size()) ||
      (!options_.required.empty() && options_.required.size() != types_.size())) {
    throw InternalError("ParquetWriter: names, types, field ids and required flags differ in count");
  }
  if (!CodecSupported(options_.codec))
    throw NotImplementedError("Parquet codec " + CodecName(options_.codec) + " is not supported");
  if (options_.row_group_size == 0) options_.row_group_size = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(types_.size());
  metadata_.schema.push_back(root);
  for (size_t i = 0; i < types_.size(); ++i) {
    SchemaElement e;
    e.name = names[i];
    const bool required = !options_.required.empty() && options_.required[i];
    e.repetition_type = required ? FieldRepetitionType::kRequired : FieldRepetitionType::kOptional;
    if (!field_ids.empty() && field_ids[i] >= 0) e.field_id = field_ids[i];
    const ValueKind kind = MapType(types_[i], e);
    columns_.push_back(std::make_unique<ColumnWriter>(kind, *e.type, names[i], required, options_));
    metadata_.schema.push_back(std::move(e));
  }
  metadata_.created_by = options_.created_by;
  metadata_.key_value_metadata = options_.key_value_metadata;
  metadata_.type_defined_column_orders = true;
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IOError("cannot create Parquet file " + path_ + ": " + std::strerror(errno));
  WriteBytes("PAR1");
}

ParquetWriter::~ParquetWriter() { StopEncoder(); }

void ParquetWriter::StopEncoder() {
  if (!encoder_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  encoder_.join();
}

void ParquetWriter::WaitIdle(std::unique_lock<std::mutex>& lock) {
  cv_.wait(lock, [&] { return !busy_; });
  if (error_) {
    auto error = error_;
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

void ParquetWriter::EncoderLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || busy_; });
    if (!busy_) return;  // stopped with no work
    std::vector<Span> spans = std::move(job_);
    lock.unlock();
    std::exception_ptr error;
    try {
      EncodeRowGroup(spans);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    busy_ = false;
    cv_.notify_all();
  }
}

void ParquetWriter::SubmitRowGroup() {
  std::unique_lock<std::mutex> lock(mutex_);
  WaitIdle(lock);
  job_ = std::move(gathering_);
  gathering_.clear();
  gathering_rows_ = 0;
  busy_ = true;
  if (!encoder_.joinable()) encoder_ = std::thread([this] { EncoderLoop(); });
  cv_.notify_all();
}

void ParquetWriter::EncodeRowGroup(const std::vector<Span>& spans) {
  size_t rows = 0;
  for (const Span& span : spans) rows += span.count;
  // Columns encode independently: a full row group spreads them over the cores (dictionaries, levels and
  // compression are per column); the bytes are then written in column order by FlushRowGroup.
  auto encode = [&](size_t first, size_t step) {
    for (size_t c = first; c < columns_.size(); c += step) {
      for (const Span& span : spans) columns_[c]->Append(span.chunk->column(c), span.offset, span.count, path_);
    }
  };
  const size_t threads = rows >= options_.row_group_size / 2
                             ? std::min<size_t>(columns_.size(), std::max(1u, std::thread::hardware_concurrency()))
                             : 1;
  std::vector<std::thread> helpers;
  std::vector<std::exception_ptr> errors(threads);
  for (size_t t = 1; t < threads; ++t) {
    helpers.emplace_back([&, t] {
      try {
        encode(t, threads);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  try {
    encode(0, threads);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& h : helpers) h.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  group_rows_ += rows;
  FlushRowGroup();
}

void ParquetWriter::WriteBytes(const std::string& bytes) {
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw IOError("cannot write Parquet file " + path_ + ": " + std::strerror(errno));
  offset_ += static_cast<int64_t>(bytes.size());
}

void ParquetWriter::WriteChunk(const DataChunk& chunk) {
  if (closed_) throw InternalError("ParquetWriter: write after Close");
  if (chunk.ColumnCount() != columns_.size())
    throw InternalError("ParquetWriter: chunk has wrong column count");
  if (chunk.size() == 0) return;
  // NULLs in REQUIRED columns fail the write now, not when the encoder reaches them.
  for (size_t c = 0; c < options_.required.size(); ++c) {
    if (!options_.required[c]) continue;
    for (size_t r = 0; r < chunk.size(); ++r) {
      if (chunk.column(c).IsNull(r)) {
        throw ConstraintError("NULL in required column \"" + metadata_.schema[c + 1].name + "\" written to Parquet file " + path_);
      }
    }
  }
  // A copy: the caller reuses its chunk, the encoder reads this one later.
  auto copy = std::make_shared<DataChunk>(chunk.Types(), std::max(chunk.size(), kVectorSize));
  copy->Append(chunk);
  size_t offset = 0;
  while (offset < copy->size()) {
    const size_t n = std::min(copy->size() - offset, options_.row_group_size - gathering_rows_);
    gathering_.push_back({copy, offset, n});
    offset += n;
    gathering_rows_ += n;
    if (gathering_rows_ >= options_.row_group_size) SubmitRowGroup();
  }
  rows_accepted_ += static_cast<int64_t>(chunk.size());
}

void ParquetWriter::FlushRowGroup() {
  if (group_rows_ == 0) return;
  RowGroup group;
  group.num_rows = static_cast<int64_t>(group_rows_);
  group.file_offset = offset_;
  group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  int64_t compressed = 0;
  std::vector<ChunkPageIndex>& indexes = page_indexes_.emplace_back(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    ColumnChunk cc;
    cc.file_offset = offset_;
    cc.meta_data.emplace();
    const std::string bytes = columns_[c]->FinishChunk(offset_, *cc.meta_data, indexes[c]);
    WriteBytes(bytes);
    group.total_byte_size += cc.meta_data->total_uncompressed_size;
    compressed += cc.meta_data->total_compressed_size;
    group.columns.push_back(std::move(cc));
  }
  group.total_compressed_size = compressed;
  metadata_.row_groups.push_back(std::move(group));
  metadata_.num_rows += static_cast<int64_t>(group_rows_);
  total_rows_ += static_cast<int64_t>(group_rows_);
  group_rows_ = 0;
}

void ParquetWriter::Close() {
  if (closed_) return;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    WaitIdle(lock);
  }
  StopEncoder();
  // The last, partial row group is encoded here.
  std::vector<Span> rest = std::move(gathering_);
  gathering_.clear();
  gathering_rows_ = 0;
  EncodeRowGroup(rest);
  WritePageIndexes();
  CompactWriter w;
  Write(w, metadata_);
  std::string tail = w.Release();
  AppendLittleEndian<uint32_t>(static_cast<uint32_t>(tail.size()), tail);
  tail += "PAR1";
  WriteBytes(tail);
  out_.close();
  if (!out_) throw IOError("cannot close Parquet file " + path_ + ": " + std::strerror(errno));
  closed_ = true;
}

void ParquetWriter::WritePageIndexes() {
  // PageIndex.md: all column indexes, then all offset indexes, between the last row group and the footer.
  auto write = [&](const auto& index, std::optional<int64_t>& offset, std::optional<int32_t>& length) {
    CompactWriter w;
    Write(w, index);
    offset = offset_;
    length = static_cast<int32_t>(w.data().size());
    WriteBytes(w.data());
  };
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      ColumnChunk& cc = metadata_.row_groups[g].columns[c];
      if (page_indexes_[g][c].column)
        write(*page_indexes_[g][c].column, cc.column_index_offset, cc.column_index_length);
    }
  }
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      ColumnChunk& cc = metadata_.row_groups[g].columns[c];
      write(page_indexes_[g][c].offset, cc.offset_index_offset, cc.offset_index_length);
    }
  }
  page_indexes_.clear();
}

}  // namespace basin::parquet
