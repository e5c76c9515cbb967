#pragma once

// Private to the Parquet reader's files: the open file, column conversions and the column chunk decoder.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"

namespace basin::parquet {

/// Throw DataError: `file` is a corrupt Parquet file, as `what` says.
[[noreturn]] void Corrupt(const std::string& file, const std::string& what);

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

/// Fixed-width values of a page: decoded into `owned`, or PLAIN values read in place from the page
/// (`View`), which saves copying every value once before conversion.
template <class T>
class RawArray {
 public:
  using value_type = T;
  void View(const uint8_t* bytes, size_t count) {
    view_ = bytes;
    size_ = count;
    owned_.clear();
  }
  /// The owned values, for decoders that compute them (the view is dropped).
  std::vector<T>& Owned() {
    view_ = nullptr;
    return owned_;
  }
  size_t size() const { return view_ ? size_ : owned_.size(); }
  /// The values as bytes: the view's (page data need not be aligned) or the owned values'. Loops over
  /// many values take this once rather than choosing per value.
  const uint8_t* bytes() const { return view_ ? view_ : reinterpret_cast<const uint8_t*>(owned_.data()); }
  T operator[](size_t i) const {
    T v;
    std::memcpy(&v, bytes() + i * sizeof(T), sizeof(T));
    return v;
  }
  void push_back(T v) { Owned().push_back(v); }
  void clear() {
    view_ = nullptr;
    owned_.clear();
  }

 private:
  const uint8_t* view_ = nullptr;
  size_t size_ = 0;
  std::vector<T> owned_;
};

/// A page's values before conversion to Basin's layout; one member is used, by physical type.
struct RawValues {
  std::vector<uint8_t> bools;
  RawArray<int32_t> i32;
  RawArray<int64_t> i64;
  RawArray<float> f32;
  RawArray<double> f64;
  std::vector<std::string_view> bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96
  std::vector<std::string> owned;       // DELTA_BYTE_ARRAY values the views point into
  /// When set, `bytes` point into memory it owns (the page), so strings can be used in place.
  std::shared_ptr<const void> bytes_owner;

  void Clear() {
    bools.clear();
    i32.clear();
    i64.clear();
    f32.clear();
    f64.clear();
    bytes.clear();
    owned.clear();
    bytes_owner.reset();
  }
};

/// Decoded levels or dictionary indices of one page: resized without zeroing, as the decoder writes every
/// entry (page-sized zero fills were a tenth of a scan).
class U32Buffer {
 public:
  void resize(size_t n) {
    if (n > capacity_) {
      capacity_ = std::max(n, 2 * capacity_);
      data_.reset(new uint32_t[capacity_]);
    }
    size_ = n;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  uint32_t* data() { return data_.get(); }
  const uint32_t* data() const { return data_.get(); }
  uint32_t operator[](size_t i) const { return data_[i]; }
  const uint32_t* begin() const { return data_.get(); }
  const uint32_t* end() const { return data_.get() + size_; }

 private:
  std::unique_ptr<uint32_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Where a column's values sit in the record structure (Parquet's Dremel levels). Flat columns, including
/// flattened STRUCT fields, have max_rep 0; a LIST of primitives has max_rep 1.
struct ColumnLevels {
  int16_t max_def = 0;  // definition level of a present (non-NULL) value
  int16_t max_rep = 0;
  int16_t list_def = 0;  // LIST: definition level of an empty list; below it the list is NULL
};

/// Where value k of a page slice goes: rows[k] (rows with NULLs between them), or base + k (a run).
struct ScatteredRows {
  const uint32_t* rows;
  uint32_t operator[](size_t k) const { return rows[k]; }
};
struct DenseRows {
  size_t base;
  size_t operator[](size_t k) const { return base + k; }
};

/// Convert raw values [first, first+count) to Basin values at `rows` of `out`, as `conversion` says; `path`
/// and `column` name the data in errors.
void ConvertValues(Conversion conversion, int64_t scale, const std::string& path, const std::string& column,
                   const RawValues& raw, size_t first, Vector& out, const uint32_t* rows, size_t count);
/// The same into rows [base, base+count) of `out`.
void ConvertValues(Conversion conversion, int64_t scale, const std::string& path, const std::string& column,
                   const RawValues& raw, size_t first, Vector& out, size_t base, size_t count);

/// The open file and its footer, shared by the reader and its row-group readers.
class ParquetFile {
 public:
  explicit ParquetFile(std::string path);
  ~ParquetFile();
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  /// Read `size` bytes at `offset`; the range must lie inside the file.
  void Read(uint64_t offset, uint64_t size, uint8_t* out) const;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

  FileMetaData metadata;
  /// Per column: its schema element, its column chunk index in each row group, and its levels.
  std::vector<size_t> leaf_schema_index;
  std::vector<size_t> chunk_index;
  std::vector<ColumnLevels> levels;
  std::vector<Conversion> conversions;
  std::vector<int64_t> scales;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

/// Read and validate column `column`'s offset index in `group`: nullopt when the chunk has none. Its pages
/// lie in order inside the column chunk and start at row 0, at increasing rows below the group's count.
std::optional<OffsetIndex> LoadOffsetIndex(const ParquetFile& file, const RowGroup& group, size_t column);
/// Read column `column`'s column index in `group`, which must describe `pages` pages; nullopt when absent.
std::optional<ColumnIndex> LoadColumnIndex(const ParquetFile& file, const RowGroup& group, size_t column,
                                           size_t pages);
/// The byte range [start, start + size) of a column chunk, checked to lie inside the file.
void ChunkRange(const ParquetFile& file, const ColumnMetaData& meta, const std::string& column,
                int64_t& start, int64_t& size);

/// Decodes one column chunk page by page.
class ColumnReader {
 public:
  /// With `pages` (the chunk's offset index) and `ranges`, only the bytes of pages holding rows of `ranges`
  /// (and those before the first data page: the dictionary) are read from the file; the caller must then
  /// skip exactly the rows outside `ranges` (flat columns only).
  ColumnReader(const ParquetFile& file, size_t column, const ColumnMetaData& meta, int64_t rows,
               LogicalType type, std::optional<OffsetIndex> pages = std::nullopt,
               const RowRanges* ranges = nullptr);

  /// Write the next `count` rows into `out` rows [0, count).
  void Read(Vector& out, size_t count);
  /// Pass over the next `count` rows (flat columns): whole pages are jumped over with the offset index.
  void SkipRows(int64_t count);
  int64_t pages_read() const { return pages_read_; }

 private:
  /// Whether the next data page per the offset index lies wholly within the next `count` rows; reads the
  /// dictionary page first if it has not been.
  bool CanJumpPage(int64_t count);
  /// Check that the data page whose header starts at `header_position` is the offset index's next page.
  void CheckIndexedPage(size_t header_position, int64_t num_values);
  /// Read page headers until a data page is loaded (dictionary pages are decoded on the way).
  void LoadPage();
  const uint8_t* Decompressed(const PageHeader& h, const uint8_t* body, size_t skip = 0);
  void LoadDictionary(const PageHeader& h, const uint8_t* body);
  void StartPage(int64_t num_values);
  void LoadDataPageV1(const PageHeader& h, const uint8_t* body);
  void LoadDataPageV2(const PageHeader& h, const uint8_t* body);
  /// Decode the dictionary page's next `count` indices into `out` (by default indices_), checked against
  /// the dictionary; return where they are. Indices are decoded a chunk at a time, as rows are read, so
  /// they go straight to the chunk's codes and gather without a page-sized buffer between.
  const uint32_t* NextIndices(size_t count, uint32_t* out = nullptr);
  /// Copy the dictionary entries at `indices` to `rows` of `out` (rows_, or base.. when dense).
  template <class Rows>
  void CopyFromDictionary(Vector& out, Rows rows, const uint32_t* indices, size_t count);
  /// Read() of a LIST column: rows end where the next repetition level 0 starts.
  void ReadList(Vector& out, size_t count);
  /// Decode the page's levels (repetition, then definition) from `levels`; return the present values.
  size_t DecodeLevels(ByteReader reps, ByteReader defs, size_t count);

  // Value decoding and conversion, in parquet_value_decoder.cc.
  void DecodePlain(ByteReader& r, size_t count, RawValues& raw);
  size_t FixedWidth() const;
  void DecodeValues(Encoding encoding, ByteReader& r, size_t count);
  /// Convert raw values [first, first+count) to Basin values at `rows` of `out`.
  void Convert(const RawValues& raw, size_t first, Vector& out, const uint32_t* rows, size_t count) {
    ConvertValues(conversion_, scale_, path_, element_.name, raw, first, out, rows, count);
  }

  const std::string& path_;
  const ColumnMetaData& meta_;
  const SchemaElement& element_;
  const Conversion conversion_;
  const int64_t scale_;
  int64_t rows_left_;  // level entries left in the chunk (rows, for flat columns)
  const ColumnLevels levels_;
  LogicalType value_type_;  // of the values: a LIST column's element type

  std::shared_ptr<uint8_t[]> chunk_;  // the column chunk's bytes
  size_t chunk_size_ = 0;
  int64_t chunk_start_ = 0;  // file offset of chunk_[0]
  size_t position_ = 0;
  int64_t row_ = 0;  // rows read or skipped (flat columns)
  int64_t group_rows_ = 0;
  std::optional<OffsetIndex> pages_;
  size_t next_page_ = 0;  // in pages_
  int64_t pages_read_ = 0;
  std::shared_ptr<Vector> dictionary_;
  size_t dictionary_size_ = 0;

  // The current page.
  // Decompressed pages; strings read from one point into it, so it is replaced, not reused, while a vector
  // still holds it.
  std::shared_ptr<uint8_t[]> page_buffer_;
  std::shared_ptr<const void> page_owner_;  // page_buffer_ or chunk_: where the current page's values are
  size_t page_capacity_ = 0;
  size_t page_rows_ = 0;
  size_t page_row_ = 0;
  size_t page_values_ = 0;  // of page_rows_, those not NULL
  size_t value_index_ = 0;
  bool dictionary_page_ = false;
  U32Buffer defs_;
  U32Buffer reps_;
  U32Buffer indices_;                              // dictionary indices not kept as codes
  std::optional<RleHybridDecoder> index_decoder_;  // of a dictionary page: the indices not read yet
  RawValues raw_;
  std::vector<uint32_t> rows_;
};

}  // namespace basin::parquet
