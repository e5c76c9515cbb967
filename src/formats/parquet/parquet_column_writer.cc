#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_column_values_internal.h"
#include "formats/parquet/parquet_column_writer_internal.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/thrift_compact.h"

namespace basin::parquet {

void EncodedChunk::Place(int64_t base) {
  if (meta.dictionary_page_offset) *meta.dictionary_page_offset += base;
  meta.data_page_offset += base;
  for (PageLocation& loc : index.offset.page_locations) loc.offset += base;
}

namespace {

/// Rows encoded at a time: the scratch buffers of one batch stay in the L1/L2 cache.
constexpr size_t kBatch = kVectorSize;

/// Where a column's values sit in Parquet's record structure (Dremel levels). A flat column has definition
/// level 1 for a value and 0 for NULL (none at all when REQUIRED). A LIST column (an optional list of
/// optional elements) has definition levels 0 for a NULL list, 1 for an empty one, 2 for a NULL element and 3
/// for a value, each one lower for a REQUIRED list and again for REQUIRED elements; its repetition level is 1
/// for every element but a list's first.
struct LevelLayout {
  std::vector<std::string> path;  // path_in_schema: the column, or for a LIST {column, "list", "element"}
  bool list = false;
  bool required = false;          // the column (a LIST: the list itself)
  bool element_required = false;  // LIST
  uint8_t empty_def = 0;          // LIST: the definition level of an empty list
  uint8_t max_def = 0;            // the definition level of a value

  static LevelLayout Flat(std::string name, bool required) {
    return {{std::move(name)}, false, required, false, 0, static_cast<uint8_t>(required ? 0 : 1)};
  }
  static LevelLayout List(std::string name, bool required, bool element_required) {
    const auto empty_def = static_cast<uint8_t>(required ? 0 : 1);
    return {{std::move(name), "list", "element"},
            true,
            required,
            element_required,
            empty_def,
            static_cast<uint8_t>(empty_def + 1 + (element_required ? 0 : 1))};
  }
};

/// What every column writer shares: page bodies and their levels, compression, the page index and the
/// chunk's metadata. The typed writer below does the values.
class ColumnChunkWriter : public ColumnWriter {
 public:
  ColumnChunkWriter(Type type, LevelLayout layout, const ParquetWriterOptions& options, std::string file)
      : layout_(std::move(layout)),
        name_(layout_.path[0]),
        options_(options),
        type_(type),
        file_(std::move(file)) {}

 protected:
  [[noreturn]] void ThrowNull() const {
    throw ConstraintError("NULL in required column \"" + name_ + "\" written to Parquet file " + file_);
  }
  [[noreturn]] void ThrowNullElement() const {
    throw ConstraintError("NULL element in list column \"" + name_ +
                          "\", whose elements are required, written to Parquet file " + file_);
  }

  /// Start a data page's body with its levels (data page v1: each RLE/bit-packed hybrid after a 4-byte
  /// length): the repetition levels of a LIST, then the definition levels unless the column has none.
  /// `nulls` of the levels are below the column's maximum.
  void BeginPage(const std::vector<uint8_t>& reps, const std::vector<uint8_t>& defs, size_t nulls) {
    body_.clear();
    auto append = [&](const std::vector<uint8_t>& levels, uint8_t max, bool all_max) {
      encoded_levels_.clear();
      if (all_max) {  // one run of the maximum
        AppendUleb(static_cast<uint64_t>(levels.size()) << 1, encoded_levels_);
        encoded_levels_.push_back(static_cast<char>(max));
      } else {
        EncodeRleHybrid(levels.data(), levels.size(), BitWidth(max), encoded_levels_);
      }
      AppendLittleEndian<uint32_t>(static_cast<uint32_t>(encoded_levels_.size()), body_);
      body_ += encoded_levels_;
      AddEncoding(Encoding::kRle);
    };
    if (layout_.list) append(reps, 1, false);
    if (layout_.max_def > 0) append(defs, layout_.max_def, nulls == 0);
  }

  /// Compress body_ into a data page of `levels` level entries (one per value or NULL, and per empty or NULL
  /// list) that make `rows` rows, `nulls` of the entries without a value, and enter it in the page index with
  /// its bounds (Parquet bytes; null when the page has none: NaN only, INTERVAL, or no value at all).
  void EndPage(Encoding encoding, size_t levels, size_t rows, size_t nulls, const std::string* min,
               const std::string* max) {
    AddEncoding(encoding);
    PageHeader header;
    header.type = PageType::kDataPage;
    header.data_page_header.emplace();
    header.data_page_header->num_values = static_cast<int32_t>(levels);
    header.data_page_header->encoding = encoding;
    const size_t offset = pages_.size();
    pages_uncompressed_ += AppendPage(header, body_, pages_);
    PageLocation& loc = page_locations_.emplace_back();
    loc.offset = static_cast<int64_t>(offset);  // from the first data page; FinishChunk adds the dictionary's
    loc.compressed_page_size = static_cast<int32_t>(pages_.size() - offset);
    loc.first_row_index = num_rows_;  // PageIndex.md: rows, which pages of a LIST column begin
    const bool null_page = nulls == levels;
    // A page of values without bounds (NaN only, or INTERVAL) cannot be described: no column index.
    if (!null_page && !min) column_index_valid_ = false;
    column_index_.null_pages.push_back(null_page);
    column_index_.min_values.push_back(null_page || !min ? std::string() : *min);
    column_index_.max_values.push_back(null_page || !max ? std::string() : *max);
    column_index_.null_counts.push_back(static_cast<int64_t>(nulls));
    null_count_ += static_cast<int64_t>(nulls);
    num_values_ += static_cast<int64_t>(levels);
    num_rows_ += static_cast<int64_t>(rows);
  }

  bool has_pages() const { return !page_locations_.empty(); }

  /// Move the chunk into `out`: the dictionary page first when `dictionary_values` > 0, the metadata with the
  /// chunk's bounds (Parquet bytes, null when none), the page index with the pages' `order`. Then start the
  /// next chunk.
  void FinishChunkBytes(EncodedChunk& out, std::string_view dictionary, size_t dictionary_values,
                        const std::string* min, const std::string* max, BoundaryOrder order) {
    out.dictionary_page.clear();
    ColumnMetaData& meta = out.meta;
    meta = ColumnMetaData{};
    meta.type = type_;
    meta.path_in_schema = layout_.path;
    meta.codec = options_.codec;
    meta.num_values = num_values_;
    int64_t uncompressed = 0;
    if (dictionary_values > 0) {
      meta.dictionary_page_offset = 0;
      PageHeader header;
      header.type = PageType::kDictionaryPage;
      header.dictionary_page_header.emplace();
      header.dictionary_page_header->num_values = static_cast<int32_t>(dictionary_values);
      header.dictionary_page_header->encoding = Encoding::kPlain;
      uncompressed += AppendPage(header, dictionary, out.dictionary_page);
      AddEncoding(Encoding::kPlain);
    }
    meta.data_page_offset = static_cast<int64_t>(out.dictionary_page.size());
    out.index.offset.page_locations = std::move(page_locations_);
    for (PageLocation& loc : out.index.offset.page_locations) loc.offset += meta.data_page_offset;
    if (column_index_valid_) {
      column_index_.boundary_order = order;
      out.index.column = std::move(column_index_);
    } else {
      out.index.column.reset();
    }
    std::swap(out.data_pages, pages_);
    meta.total_uncompressed_size = uncompressed + pages_uncompressed_;
    meta.total_compressed_size = static_cast<int64_t>(out.dictionary_page.size() + out.data_pages.size());
    meta.encodings = encodings_;
    Statistics stats;
    stats.null_count = null_count_;
    if (min && max) {
      stats.min_value = *min;
      stats.max_value = *max;
    }
    meta.statistics = std::move(stats);

    pages_.clear();
    pages_uncompressed_ = 0;
    encodings_.clear();
    null_count_ = 0;
    num_values_ = 0;
    num_rows_ = 0;
    page_locations_.clear();
    column_index_ = {};
    column_index_valid_ = true;
  }

  const LevelLayout layout_;
  const std::string name_;  // the column's, for errors
  const ParquetWriterOptions& options_;
  std::string body_;  // the page being assembled

 private:
  void AddEncoding(Encoding e) {
    if (std::find(encodings_.begin(), encodings_.end(), e) == encodings_.end()) encodings_.push_back(e);
  }

  /// Compress `body` into a page after `header` (sizes filled in) appended to `out`; return the page's
  /// uncompressed size including the header.
  int64_t AppendPage(PageHeader& header, std::string_view body, std::string& out) {
    const std::string_view compressed = CompressPage(options_.codec, body.data(), body.size());
    if (body.size() > INT32_MAX || compressed.size() > INT32_MAX) throw IOError("Parquet page exceeds 2 GiB");
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(compressed.size());
    CompactWriter w;
    Write(w, header);
    out += w.data();
    out += compressed;
    return static_cast<int64_t>(w.data().size() + body.size());
  }

  const Type type_;
  const std::string file_;
  std::string encoded_levels_;
  // The chunk so far.
  std::string pages_;
  int64_t pages_uncompressed_ = 0;
  std::vector<Encoding> encodings_;
  int64_t null_count_ = 0;  // level entries without a value (as parquet-mr and Arrow count a LIST's NULLs)
  int64_t num_values_ = 0;  // level entries
  int64_t num_rows_ = 0;
  std::vector<PageLocation> page_locations_;
  ColumnIndex column_index_;
  bool column_index_valid_ = true;
};

/// The writer of one physical type (Tr: the value traits above). Takes vectors a batch of rows at a time: the
/// batch's non-NULL values (a LIST column's: its elements') are gathered (converted where Parquet's type
/// differs) with their levels, their bounds taken in the column's type, and then dictionary-encoded or
/// written PLAIN. Pages end between rows, so a list never spans two pages.
template <class Tr>
class TypedColumnWriter final : public ColumnChunkWriter {
  using S = typename Tr::Source;
  using V = typename Tr::Value;
  static constexpr bool kString = std::is_same_v<V, string_t>;
  static constexpr bool kBool = std::is_same_v<Tr, BoolTraits>;

 public:
  TypedColumnWriter(Type type, LevelLayout layout, const ParquetWriterOptions& options, std::string file)
      : ColumnChunkWriter(type, std::move(layout), options, std::move(file)),
        values_(kBatch),
        batch_levels_(kBatch),
        batch_reps_(layout_.list ? kBatch : 0),
        batch_indices_(kBatch) {
    ResetChunk();
  }

  void Append(const Vector& v, size_t offset, size_t count) override {
    while (count > 0) {
      size_t n;
      if (layout_.list) {
        size_t levels;
        n = ListRowsForPage(v, offset, count, levels);
        AppendListBatch(v, offset, n, levels);
      } else {
        n = RowsForPage(v, offset, count);
        AppendBatch(v, offset, n);
      }
      offset += n;
      count -= n;
      if (EstimatedPageSize() >= options_.page_size) FlushPage();
    }
  }

  void FinishChunk(EncodedChunk& out) override {
    FlushPage();
    std::string min, max;
    const bool bounds = !chunk_bounds_.empty();
    if (bounds) {
      min = chunk_bounds_.MinBytes();
      max = chunk_bounds_.MaxBytes();
    }
    const BoundaryOrder order = ascending_    ? BoundaryOrder::kAscending
                                : descending_ ? BoundaryOrder::kDescending
                                              : BoundaryOrder::kUnordered;
    const size_t dictionary_values = dictionary_.size();
    FinishChunkBytes(out, dictionary_values ? dictionary_.Page() : std::string_view(), dictionary_values,
                     bounds ? &min : nullptr, bounds ? &max : nullptr, order);
    ResetChunk();
  }

 private:
  void ResetChunk() {
    use_dictionary_ = Tr::kDictionary && options_.dictionary;
    dictionary_.Reset(options_.dictionary_value_limit, options_.dictionary_size_limit);
    page_marks_.clear();
    chunk_bounds_.Clear();
    last_page_bounds_.Clear();
    ascending_ = descending_ = true;
  }

  /// The page's size before compression as the page size limit counts it.
  size_t EstimatedPageSize() const {
    return plain_.size() + indices_.size() * 4 + bools_.size() / 8 + (levels_.size() + reps_.size()) / 8;
  }

  /// Eighths of a byte that a value takes as EstimatedPageSize counts it (not for PLAIN strings).
  size_t ValueEighths() const { return use_dictionary_ ? 32 : kBool ? 1 : 8 * sizeof(V); }

  /// How many of the `count` rows from `offset` to take in the next batch: at most kBatch, and about as many
  /// as fill the page.
  size_t RowsForPage(const Vector& v, size_t offset, size_t count) const {
    const size_t used = EstimatedPageSize();
    const size_t room = used < options_.page_size ? options_.page_size - used : 1;
    const size_t limit = std::min(count, kBatch);
    if constexpr (kString) {
      if (!use_dictionary_) {
        const string_t* s = v.data<string_t>();
        size_t n = 0, bytes = 0;
        for (; n < limit && bytes < room; ++n) {
          const size_t row = v.IsConstant() ? 0 : offset + n;
          if (v.validity().RowIsValid(row)) bytes += 4 + s[row].size();
        }
        return std::max<size_t>(n, 1);
      }
    }
    // Eighths of a byte per row: the value as EstimatedPageSize counts it, and the definition level.
    const size_t eighths = ValueEighths() + (layout_.max_def > 0 ? 1 : 0);
    return std::clamp<size_t>((room * 8 + eighths - 1) / eighths, 1, limit);
  }

  /// RowsForPage for a LIST column: whole rows, about kBatch level entries (more when one list is longer) or
  /// as many as fill the page; `levels` is set to their level entries.
  size_t ListRowsForPage(const Vector& v, size_t offset, size_t count, size_t& levels) const {
    const size_t used = EstimatedPageSize();
    const size_t room_eighths = 8 * (used < options_.page_size ? options_.page_size - used : 1);
    const auto* entries = v.data<list_entry_t>();
    const string_t* strings = nullptr;
    if constexpr (kString) strings = use_dictionary_ ? nullptr : v.child().template data<string_t>();
    const ValidityMask& elements = v.child().validity();
    const size_t value_eighths = ValueEighths();
    size_t n = 0, eighths = 0;
    levels = 0;
    while (n < count && (n == 0 || (levels < kBatch && eighths < room_eighths))) {
      const size_t row = v.IsConstant() ? 0 : offset + n;
      const list_entry_t e = v.IsNull(row) ? list_entry_t{0, 0} : entries[row];
      levels += std::max<uint64_t>(e.length, 1);
      eighths += 2 * std::max<uint64_t>(e.length, 1);  // the levels
      if (strings) {
        for (uint64_t i = e.offset; i < e.offset + e.length; ++i)
          if (elements.RowIsValid(i)) eighths += 8 * (4 + strings[i].size());
      } else {
        eighths += value_eighths * e.length;
      }
      ++n;
    }
    return n;
  }

  /// Add `n` rows from `offset`: gather their non-NULL values and definition levels, then encode.
  void AppendBatch(const Vector& v, size_t offset, size_t n) {
    const S* source = v.data<S>();
    const ValidityMask& validity = v.validity();
    if (v.IsConstant()) {
      if (v.IsNull(0)) {
        if (layout_.required) ThrowNull();
        std::fill_n(batch_levels_.begin(), n, 0);
        AddValues(values_.data(), 0, batch_levels_.data(), nullptr, n);
        return;
      }
      std::fill_n(values_.begin(), n, Tr::Convert(source[0]));
      AddValues(values_.data(), n, nullptr, nullptr, n);
      return;
    }
    if (validity.AllValid() || AllValid(validity, offset, n)) {
      if constexpr (Tr::kSame) {
        AddValues(source + offset, n, nullptr, nullptr, n);
      } else {
        for (size_t r = 0; r < n; ++r) values_[r] = Tr::Convert(source[offset + r]);
        AddValues(values_.data(), n, nullptr, nullptr, n);
      }
      return;
    }
    if (layout_.required) ThrowNull();
    size_t k = 0;
    for (size_t r = 0; r < n; ++r) {
      const bool valid = validity.RowIsValid(offset + r);
      batch_levels_[r] = valid;
      values_[k] = Tr::Convert(source[offset + r]);  // overwritten by the next value when NULL
      k += valid;
    }
    AddValues(values_.data(), k, batch_levels_.data(), nullptr, n);
  }

  /// Add `n` rows of a LIST vector from `offset`, `levels` level entries: their elements' non-NULL values
  /// and their levels.
  void AppendListBatch(const Vector& v, size_t offset, size_t n, size_t levels) {
    if (values_.size() < levels) {  // a long list: more than a batch of elements
      values_.resize(levels);
      batch_levels_.resize(levels);
      batch_reps_.resize(levels);
      batch_indices_.resize(levels);
    }
    const auto* entries = v.data<list_entry_t>();
    const Vector& child = v.child();
    const S* source = child.data<S>();
    const ValidityMask& elements = child.validity();
    const bool all_valid = elements.AllValid();
    const uint8_t present = layout_.max_def;
    size_t level = 0, k = 0;
    for (size_t r = 0; r < n; ++r) {
      const size_t row = v.IsConstant() ? 0 : offset + r;
      if (v.IsNull(row)) {
        if (layout_.required) ThrowNull();
        batch_reps_[level] = 0;
        batch_levels_[level++] = layout_.empty_def - 1;
        continue;
      }
      const list_entry_t e = entries[row];
      if (e.length == 0) {
        batch_reps_[level] = 0;
        batch_levels_[level++] = layout_.empty_def;
        continue;
      }
      std::fill_n(batch_reps_.begin() + level + 1, e.length - 1, 1);
      batch_reps_[level] = 0;
      if (all_valid) {
        std::fill_n(batch_levels_.begin() + level, e.length, present);
        for (uint64_t i = 0; i < e.length; ++i) values_[k + i] = Tr::Convert(source[e.offset + i]);
        k += e.length;
        level += e.length;
        continue;
      }
      for (uint64_t i = e.offset; i < e.offset + e.length; ++i) {
        const bool valid = elements.RowIsValid(i);
        if (!valid && layout_.element_required) ThrowNullElement();
        batch_levels_[level++] = valid ? present : present - 1;
        values_[k] = Tr::Convert(source[i]);  // overwritten by the next value when NULL
        k += valid;
      }
    }
    AddValues(values_.data(), k, batch_levels_.data(), batch_reps_.data(), levels);
  }

  static bool AllValid(const ValidityMask& validity, size_t offset, size_t n) {
    for (size_t r = offset; r < offset + n; ++r)
      if (!validity.RowIsValid(r)) return false;
    return true;
  }

  /// Add `entries` level entries holding the `count` non-NULL `values`: their definition `levels` (null when
  /// every entry holds a value) and, for a LIST, their repetition levels `reps` (whole rows).
  void AddValues(const V* values, size_t count, const uint8_t* levels, const uint8_t* reps, size_t entries) {
    if constexpr (Tr::kDictionary) {
      if (use_dictionary_) {
        const size_t encoded = dictionary_.Encode(values, count, batch_indices_.data());
        if (encoded < count) {
          // The dictionary is full: the rows before the value it refused go in dictionary-encoded, the rest
          // (that value's row whole, as a page may end only between rows) after the fallback.
          size_t split = encoded, taken = encoded;
          if (levels) {
            split = 0;
            for (size_t seen = 0; seen < encoded || levels[split] != layout_.max_def; ++split)
              seen += levels[split] == layout_.max_def;
            if (reps) {
              while (split > 0 && reps[split] != 0) --split;
              taken = 0;
              for (size_t i = 0; i < split; ++i) taken += levels[i] == layout_.max_def;
            }
          }
          Commit(values, taken, levels, reps, split);
          AbandonDictionary();
          AddValues(values + taken, count - taken, levels ? levels + split : nullptr,
                    reps ? reps + split : nullptr, entries - split);
          return;
        }
      }
    }
    Commit(values, count, levels, reps, entries);
  }

  void Commit(const V* values, size_t count, const uint8_t* levels, const uint8_t* reps, size_t entries) {
    if (layout_.max_def > 0) {
      if (levels) {
        levels_.insert(levels_.end(), levels, levels + entries);
      } else {
        levels_.resize(levels_.size() + entries, layout_.max_def);
      }
    }
    if (reps) {
      reps_.insert(reps_.end(), reps, reps + entries);
      page_rows_ += static_cast<size_t>(std::count(reps, reps + entries, 0));
    } else {
      page_rows_ += entries;
    }
    page_levels_ += entries;
    page_nulls_ += entries - count;
    if constexpr (Tr::kStatistics) {
      if (kString && use_dictionary_) {
        MarkEntries(count);
      } else {
        page_bounds_.Add(values, count);
      }
    }
    if (use_dictionary_) {
      indices_.insert(indices_.end(), batch_indices_.begin(), batch_indices_.begin() + count);
    } else if constexpr (kBool) {
      bools_.insert(bools_.end(), values, values + count);
    } else {
      WritePlain(values, count);
    }
  }

  /// Strings, dictionary-encoded: note the dictionary entries the batch uses; FoldEntries compares each once
  /// for the page's bounds, instead of comparing every value.
  void MarkEntries(size_t count) {
    if (page_marks_.size() < dictionary_.size()) page_marks_.resize(dictionary_.size(), 0);
    for (size_t i = 0; i < count; ++i) {
      const uint32_t entry = batch_indices_[i];
      if (page_marks_[entry] == page_number_) continue;
      page_marks_[entry] = page_number_;
      page_entries_.push_back(entry);
    }
  }
  void FoldEntries() {
    for (size_t done = 0; done < page_entries_.size(); done += kBatch) {
      const size_t n = std::min(kBatch, page_entries_.size() - done);
      for (size_t i = 0; i < n; ++i) entry_values_[i] = dictionary_[page_entries_[done + i]];
      page_bounds_.Add(entry_values_.data(), n);
    }
    page_entries_.clear();
    if (++page_number_ == 0) {  // wrapped: forget every mark
      std::fill(page_marks_.begin(), page_marks_.end(), 0);
      page_number_ = 1;
    }
  }

  void WritePlain(const V* values, size_t count) {
    if constexpr (kString) {
      size_t bytes = 0;
      for (size_t i = 0; i < count; ++i) bytes += 4 + values[i].size();
      char* out = plain_.Extend(bytes);
      for (size_t i = 0; i < count; ++i) out = Tr::WritePlain(values[i], out);
    } else if constexpr (Tr::kSame) {
      plain_.Append(values, count * sizeof(V));
    } else {
      char* out = plain_.Extend(count * Tr::PlainSize(V{}));
      for (size_t i = 0; i < count; ++i) out = Tr::WritePlain(values[i], out);
    }
  }

  /// Stop dictionary-encoding this chunk (Parquet allows a chunk's later pages to be PLAIN after
  /// dictionary-encoded ones). Too many distinct values before any page is written mean the dictionary does
  /// not pay: the page so far is rewritten PLAIN and the chunk has no dictionary. Otherwise (the dictionary's
  /// bytes passed their limit, or pages already use it) the page so far is written with the dictionary.
  void AbandonDictionary() {
    if constexpr (Tr::kDictionary) {
      if (dictionary_.full_of_values() && !has_pages()) {
        FoldEntries();
        for (uint32_t i : indices_) {
          const V& v = dictionary_[i];
          Tr::WritePlain(v, plain_.Extend(Tr::PlainSize(v)));
        }
        indices_.clear();
        dictionary_.Reset(options_.dictionary_value_limit, options_.dictionary_size_limit);
      } else {
        FlushPage();
      }
      use_dictionary_ = false;
    }
  }

  void FlushPage() {
    if (page_levels_ == 0) return;
    FoldEntries();
    BeginPage(reps_, levels_, page_nulls_);
    Encoding encoding = Encoding::kPlain;
    if (use_dictionary_ && !indices_.empty()) {
      encoding = Encoding::kRleDictionary;
      const int width = BitWidth(dictionary_.size() - 1);
      body_.push_back(static_cast<char>(width));
      EncodeRleHybrid(indices_.data(), indices_.size(), width, body_);
    } else if constexpr (kBool) {
      const size_t at = body_.size();
      body_.resize(at + (bools_.size() + 7) / 8, '\0');
      for (size_t i = 0; i < bools_.size(); ++i) body_[at + i / 8] |= static_cast<char>(bools_[i] << (i % 8));
    } else {
      body_.append(plain_.data(), plain_.size());
    }
    if (page_bounds_.empty()) {
      EndPage(encoding, page_levels_, page_rows_, page_nulls_, nullptr, nullptr);
    } else {
      const std::string min = page_bounds_.MinBytes(), max = page_bounds_.MaxBytes();
      EndPage(encoding, page_levels_, page_rows_, page_nulls_, &min, &max);
      chunk_bounds_.Add(page_bounds_);
      if (!last_page_bounds_.empty()) {
        ascending_ &= last_page_bounds_.NotBelow(page_bounds_);
        descending_ &= last_page_bounds_.NotAbove(page_bounds_);
      }
      last_page_bounds_ = page_bounds_;
    }
    page_levels_ = page_rows_ = page_nulls_ = 0;
    page_bounds_.Clear();
    levels_.clear();
    reps_.clear();
    indices_.clear();
    plain_.clear();
    bools_.clear();
  }

  // Scratch for one batch.
  std::vector<V> values_;
  std::vector<uint8_t> batch_levels_;
  std::vector<uint8_t> batch_reps_;  // LIST
  std::vector<uint32_t> batch_indices_;
  // The page being gathered.
  size_t page_levels_ = 0;  // level entries (rows, for a flat column)
  size_t page_rows_ = 0;
  size_t page_nulls_ = 0;  // level entries without a value
  std::vector<uint8_t> levels_;
  std::vector<uint8_t> reps_;  // LIST
  std::vector<uint32_t> indices_;
  ByteBuffer plain_;
  std::vector<uint8_t> bools_;
  ValueBounds<Tr> page_bounds_;
  std::vector<uint32_t> page_marks_;    // per dictionary entry: the last page_number_ that used it
  std::vector<uint32_t> page_entries_;  // the entries the page uses, unfolded
  uint32_t page_number_ = 1;
  std::vector<V> entry_values_ = std::vector<V>(kBatch);
  // The chunk.
  bool use_dictionary_ = true;
  ValueDictionary<Tr> dictionary_;
  ValueBounds<Tr> chunk_bounds_;
  ValueBounds<Tr> last_page_bounds_;
  bool ascending_ = true;
  bool descending_ = true;
};

/// Describe values of primitive `type` in `e` (physical type and annotations) and return the writer of a
/// column of them laid out as `layout` says.
std::unique_ptr<ColumnWriter> MakeTypedWriter(const LogicalType& type, SchemaElement& e, LevelLayout layout,
                                              const ParquetWriterOptions& options, const std::string& file) {
  using K = LogicalTypeAnnotation::Kind;
  auto make = [&]<class Tr>(Tr) -> std::unique_ptr<ColumnWriter> {
    return std::make_unique<TypedColumnWriter<Tr>>(*e.type, std::move(layout), options, file);
  };
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
    return make(NumberTraits<int64_t, int64_t>{});
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      e.type = Type::kBoolean;
      return make(BoolTraits{});
    case TypeId::kSmallInt:
      e.type = Type::kInt32;
      integer(16, ConvertedType::kInt16);
      return make(NumberTraits<int16_t, int32_t>{});
    case TypeId::kInteger:
      e.type = Type::kInt32;
      integer(32, ConvertedType::kInt32);
      return make(NumberTraits<int32_t, int32_t>{});
    case TypeId::kBigInt:
      e.type = Type::kInt64;
      integer(64, ConvertedType::kInt64);
      return make(NumberTraits<int64_t, int64_t>{});
    case TypeId::kReal:
      e.type = Type::kFloat;
      return make(NumberTraits<float, float>{});
    case TypeId::kDouble:
      e.type = Type::kDouble;
      return make(NumberTraits<double, double>{});
    case TypeId::kDecimal: {
      e.converted_type = ConvertedType::kDecimal;
      e.scale = type.scale();
      e.precision = type.width();
      e.logical_type.kind = K::kDecimal;
      e.logical_type.scale = type.scale();
      e.logical_type.precision = type.width();
      if (type.width() <= 9) {
        e.type = Type::kInt32;  // Basin's int64 as INT32
        return make(NumberTraits<int64_t, int32_t>{});
      }
      if (type.width() <= LogicalType::kMaxInt64DecimalWidth) {
        e.type = Type::kInt64;
        return make(NumberTraits<int64_t, int64_t>{});
      }
      e.type = Type::kFixedLenByteArray;
      e.type_length = 16;
      return make(Decimal128Traits{});
    }
    case TypeId::kVarchar:
      e.type = Type::kByteArray;
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type.kind = K::kString;
      return make(StringTraits{});
    case TypeId::kBlob:
      e.type = Type::kByteArray;
      return make(StringTraits{});
    case TypeId::kDate:
      e.type = Type::kInt32;
      e.converted_type = ConvertedType::kDate;
      e.logical_type.kind = K::kDate;
      return make(NumberTraits<int32_t, int32_t>{});
    case TypeId::kTime:
      // The converted type TIME_MICROS means UTC-adjusted, so a local time carries only the logical type.
      return temporal(K::kTime, false);
    case TypeId::kTimestamp:
      return temporal(K::kTimestamp, false);
    case TypeId::kTimestampTz:
      e.converted_type = ConvertedType::kTimestampMicros;
      return temporal(K::kTimestamp, true);
    case TypeId::kInterval:
      e.type = Type::kFixedLenByteArray;
      e.type_length = 12;
      e.converted_type = ConvertedType::kInterval;
      return make(IntervalTraits{});
    default:
      throw NotImplementedError("cannot write a column of type " + type.ToString() + " to Parquet");
  }
}

}  // namespace

void CheckWritableType(const std::string& column, const LogicalType& type) {
  if (type.id() == TypeId::kList && type.element().id() == TypeId::kList) {
    throw NotImplementedError("column \"" + column + "\" of type " + type.ToString() +
                              " cannot be written to Parquet: lists of lists are not supported yet");
  }
}

std::unique_ptr<ColumnWriter> MakeColumnWriter(const ColumnSpec& column, const ParquetWriterOptions& options,
                                               const std::string& file, std::vector<SchemaElement>* schema) {
  CheckWritableType(column.name, column.type);
  auto repetition = [](bool required) {
    return required ? FieldRepetitionType::kRequired : FieldRepetitionType::kOptional;
  };
  SchemaElement leaf;
  if (column.type.id() != TypeId::kList) {
    leaf.name = column.name;
    leaf.repetition_type = repetition(column.required);
    if (column.field_id >= 0) leaf.field_id = column.field_id;
    auto writer =
        MakeTypedWriter(column.type, leaf, LevelLayout::Flat(column.name, column.required), options, file);
    if (schema) schema->push_back(std::move(leaf));
    return writer;
  }
  // LogicalTypes.md, Lists: <list-repetition> group <name> (LIST) { repeated group list {
  // <element-repetition> <element-type> element; } }
  leaf.name = "element";
  leaf.repetition_type = repetition(column.element.required);
  if (column.element.field_id >= 0) leaf.field_id = column.element.field_id;
  auto writer = MakeTypedWriter(column.type.element(), leaf,
                                LevelLayout::List(column.name, column.required, column.element.required),
                                options, file);
  if (schema) {
    SchemaElement group;
    group.name = column.name;
    group.repetition_type = repetition(column.required);
    group.num_children = 1;
    group.converted_type = ConvertedType::kList;
    group.logical_type.kind = LogicalTypeAnnotation::Kind::kList;
    if (column.field_id >= 0) group.field_id = column.field_id;
    SchemaElement repeated;
    repeated.name = "list";
    repeated.repetition_type = FieldRepetitionType::kRepeated;
    repeated.num_children = 1;
    schema->push_back(std::move(group));
    schema->push_back(std::move(repeated));
    schema->push_back(std::move(leaf));
  }
  return writer;
}

}  // namespace basin::parquet
