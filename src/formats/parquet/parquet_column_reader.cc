// Parquet column chunk reading: pages, decompression, definition levels and dictionary lookups.
#include <algorithm>
#include <cstring>

#include "common/exception.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_reader_internal.h"

namespace basin::parquet {

namespace {
/// Values in one page Basin will decode; more is taken as corruption (writers use far fewer).
constexpr int64_t kMaxPageValues = int64_t{1} << 24;
/// Largest decompressed page Basin will read.
constexpr size_t kMaxPageBytes = size_t{1} << 30;
}  // namespace

void ChunkRange(const ParquetFile& file, const ColumnMetaData& meta, const std::string& column,
                int64_t& start, int64_t& size) {
  start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 && *meta.dictionary_page_offset < start)
    start = *meta.dictionary_page_offset;
  size = meta.total_compressed_size;
  if (start < 4 || size < 0 || static_cast<uint64_t>(start) > file.size() ||
      static_cast<uint64_t>(size) > file.size() - static_cast<uint64_t>(start))
    Corrupt(file.path(), "column chunk of \"" + column + "\" lies outside the file");
}

ColumnReader::ColumnReader(const ParquetFile& file, size_t column, const ColumnMetaData& meta, int64_t rows,
                           LogicalType type, std::optional<OffsetIndex> pages, const RowRanges* ranges)
    : path_(file.path()),
      meta_(meta),
      element_(file.metadata.schema[file.leaf_schema_index[column]]),
      conversion_(file.conversions[column]),
      scale_(file.scales[column]),
      rows_left_(file.levels[column].max_rep > 0 ? meta.num_values : rows),
      levels_(file.levels[column]),
      value_type_(type.id() == TypeId::kList ? type.element() : type),
      group_rows_(rows),
      pages_(std::move(pages)) {
  if (!CodecSupported(meta.codec))
    throw NotImplementedError("Parquet file " + path_ + " uses codec " + CodecName(meta.codec) +
                              ", which Basin does not read");
  int64_t size;
  ChunkRange(file, meta, element_.name, chunk_start_, size);
  // Not value-initialised: the whole chunk is read over it, except below, where it is cleared first.
  chunk_ = std::shared_ptr<uint8_t[]>(new uint8_t[static_cast<size_t>(size)]);
  chunk_size_ = static_cast<size_t>(size);
  if (!pages_ || !ranges || pages_->page_locations.empty()) {
    file.Read(static_cast<uint64_t>(chunk_start_), chunk_size_, chunk_.get());
    return;
  }
  // Only what will be decoded: the bytes before the first data page (the dictionary page), and the pages
  // holding rows of `ranges`. The rest of chunk_ stays zero and is never parsed, as SkipRows jumps over it.
  std::memset(chunk_.get(), 0, chunk_size_);
  const auto& locations = pages_->page_locations;
  file.Read(static_cast<uint64_t>(chunk_start_), static_cast<uint64_t>(locations[0].offset - chunk_start_),
            chunk_.get());
  auto range = ranges->begin();
  for (size_t k = 0; k < locations.size(); ++k) {
    const int64_t first = locations[k].first_row_index;
    const int64_t end = k + 1 < locations.size() ? locations[k + 1].first_row_index : group_rows_;
    while (range != ranges->end() && range->end <= first) ++range;
    if (range == ranges->end()) break;
    if (range->begin >= end) continue;
    file.Read(static_cast<uint64_t>(locations[k].offset),
              static_cast<uint64_t>(locations[k].compressed_page_size),
              chunk_.get() + (locations[k].offset - chunk_start_));
  }
}

bool ColumnReader::CanJumpPage(int64_t count) {
  if (!pages_ || next_page_ >= pages_->page_locations.size()) return false;
  const PageLocation& loc = pages_->page_locations[next_page_];
  const int64_t end = next_page_ + 1 < pages_->page_locations.size()
                          ? pages_->page_locations[next_page_ + 1].first_row_index
                          : group_rows_;
  if (loc.first_row_index != row_)
    Corrupt(path_, "page index of \"" + element_.name + "\" disagrees with its pages");
  if (end > row_ + count) return false;
  // Pages before the first data page (the dictionary) are read even when every data page is skipped.
  const size_t target = static_cast<size_t>(loc.offset - chunk_start_);
  while (position_ < target) {
    CompactReader header_reader(chunk_.get() + position_, target - position_, path_);
    PageHeader header;
    parquet::Read(header_reader, header);
    position_ += header_reader.position();
    if (static_cast<size_t>(header.compressed_page_size) > target - position_)
      Corrupt(path_, "page of \"" + element_.name + "\" runs into the next indexed page");
    const uint8_t* body = chunk_.get() + position_;
    position_ += static_cast<size_t>(header.compressed_page_size);
    if (header.type == PageType::kDataPage || header.type == PageType::kDataPageV2)
      Corrupt(path_, "page index of \"" + element_.name + "\" leaves out a data page");
    if (header.type == PageType::kDictionaryPage) LoadDictionary(header, body);
  }
  if (position_ != target) Corrupt(path_, "page index of \"" + element_.name + "\" disagrees with its pages");
  return true;
}

void ColumnReader::SkipRows(int64_t count) {
  if (levels_.max_rep > 0) throw InternalError("Parquet: rows of LIST columns cannot be skipped");
  const uint32_t present = static_cast<uint32_t>(levels_.max_def);
  while (count > 0) {
    if (page_row_ == page_rows_) {
      if (CanJumpPage(count)) {
        const PageLocation& loc = pages_->page_locations[next_page_++];
        const int64_t end = next_page_ < pages_->page_locations.size()
                                ? pages_->page_locations[next_page_].first_row_index
                                : group_rows_;
        position_ += static_cast<size_t>(loc.compressed_page_size);
        rows_left_ -= end - row_;
        count -= end - row_;
        row_ = end;
        continue;
      }
      LoadPage();
    }
    const size_t n =
        static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(page_rows_ - page_row_)));
    size_t values = n;
    if (page_values_ < page_rows_) {
      values = 0;
      for (size_t i = page_row_; i < page_row_ + n; ++i) values += defs_[i] == present;
    }
    if (dictionary_page_ && values > 0) NextIndices(values);
    value_index_ += values;
    page_row_ += n;
    row_ += static_cast<int64_t>(n);
    count -= static_cast<int64_t>(n);
  }
}

void ColumnReader::CheckIndexedPage(size_t header_position, int64_t num_values) {
  if (!pages_) return;
  const auto& locations = pages_->page_locations;
  const int64_t end =
      next_page_ + 1 < locations.size() ? locations[next_page_ + 1].first_row_index : group_rows_;
  if (next_page_ >= locations.size() ||
      static_cast<int64_t>(header_position) != locations[next_page_].offset - chunk_start_ ||
      locations[next_page_].first_row_index != row_ || end - row_ != num_values)
    Corrupt(path_, "page index of \"" + element_.name + "\" disagrees with its pages");
  ++next_page_;
}

template <class Rows>
void ColumnReader::CopyFromDictionary(Vector& out, Rows rows, const uint32_t* indices, size_t count) {
  const size_t width = PhysicalSize(out.type().physical());
  const uint8_t* src = dictionary_->raw_data();
  uint8_t* dst = out.raw_data();
  // A copy of a fixed width per type, so that the compiler moves values instead of calling memcpy.
  auto copy = [&](auto value) {
    using T = decltype(value);
    const T* from = reinterpret_cast<const T*>(src);
    T* to = reinterpret_cast<T*>(dst);
    for (size_t k = 0; k < count; ++k) to[rows[k]] = from[indices[k]];
  };
  switch (width) {
    case 1: copy(uint8_t{}); break;
    case 2: copy(uint16_t{}); break;
    case 4: copy(uint32_t{}); break;
    case 8: copy(uint64_t{}); break;
    case 16: copy(__int128{}); break;
    default:
      for (size_t k = 0; k < count; ++k) std::memcpy(dst + rows[k] * width, src + indices[k] * width, width);
  }
  if (out.type().physical() == PhysicalType::kString) out.AddHeapReference(*dictionary_);
}

void ColumnReader::Read(Vector& out, size_t count) {
  if (levels_.max_rep > 0) return ReadList(out, count);
  const bool required = levels_.max_def == 0;
  const uint32_t present = static_cast<uint32_t>(levels_.max_def);
  // Rows all from one dictionary and none NULL also get their codes (see DictionaryCodes).
  std::shared_ptr<uint32_t[]> codes;
  const Vector* coded_by = nullptr;
  bool coded = count > 0;
  size_t done = 0;
  while (done < count) {
    if (page_row_ == page_rows_) LoadPage();
    const size_t n = std::min(count - done, page_rows_ - page_row_);
    // A page without NULLs fills the rows in order; otherwise the rows that hold values are gathered
    // (without branches) and the others set NULL.
    size_t values = n;
    if (!required && page_values_ < page_rows_) {
      const uint32_t* defs = defs_.data() + page_row_;
      rows_.resize(n);
      values = 0;
      for (size_t i = 0; i < n; ++i) {
        rows_[values] = static_cast<uint32_t>(done + i);
        values += defs[i] == present;
      }
      for (size_t i = 0; i < n; ++i) {
        if (defs[i] != present) out.SetNull(done + i);
      }
    }
    coded = coded && values == n && dictionary_page_ && (!coded_by || coded_by == dictionary_.get());
    const uint32_t* indices = nullptr;
    if (coded) {
      if (!codes) codes = std::shared_ptr<uint32_t[]>(new uint32_t[count]);
      coded_by = dictionary_.get();
      indices = NextIndices(n, codes.get() + done);
    } else if (dictionary_page_) {
      indices = NextIndices(values);
    }
    if (values == n) {
      if (dictionary_page_) {
        CopyFromDictionary(out, DenseRows{done}, indices, n);
      } else {
        ConvertValues(conversion_, scale_, path_, element_.name, raw_, value_index_, out, done, n);
      }
    } else if (dictionary_page_) {
      CopyFromDictionary(out, ScatteredRows{rows_.data()}, indices, values);
    } else {
      Convert(raw_, value_index_, out, rows_.data(), values);
    }
    value_index_ += values;
    page_row_ += n;
    row_ += static_cast<int64_t>(n);
    done += n;
  }
  if (coded) out.SetDictionary(std::make_shared<DictionaryCodes>(DictionaryCodes{dictionary_, dictionary_size_, codes}));
}

void ColumnReader::ReadList(Vector& out, size_t count) {
  Vector& child = out.child();
  auto* entries = out.data<list_entry_t>();
  const uint32_t present = static_cast<uint32_t>(levels_.max_def);
  const uint32_t empty = static_cast<uint32_t>(levels_.list_def);
  size_t row = 0;  // rows started
  while (true) {
    if (page_row_ == page_rows_) {
      if (rows_left_ <= 0) break;
      LoadPage();
      continue;
    }
    out.ReserveChild(page_rows_ - page_row_);
    size_t element = out.child_size();
    rows_.clear();
    size_t i = page_row_;
    for (; i < page_rows_; ++i) {
      const uint32_t def = defs_[i];
      if (reps_[i] == 0) {
        if (row == count) break;  // the next row starts: leave it for the next call
        entries[row] = {element, 0};
        if (def < empty) out.SetNull(row);
        ++row;
        if (def <= empty) continue;
      } else if (row == 0) {
        Corrupt(path_, "column \"" + element_.name + "\" continues a list across row groups");
      }
      if (def == present) {
        rows_.push_back(static_cast<uint32_t>(element));
      } else {
        child.SetNull(element);
      }
      entries[row - 1].length++;
      ++element;
    }
    if (dictionary_page_) {
      CopyFromDictionary(child, ScatteredRows{rows_.data()}, NextIndices(rows_.size()), rows_.size());
    } else {
      Convert(raw_, value_index_, child, rows_.data(), rows_.size());
    }
    value_index_ += rows_.size();
    out.set_child_size(element);
    page_row_ = i;
    if (i < page_rows_) break;
  }
  if (row != count) Corrupt(path_, "column \"" + element_.name + "\" ends before its row group's rows");
}

void ColumnReader::LoadPage() {
  while (true) {
    if (rows_left_ <= 0 || position_ >= chunk_size_)
      Corrupt(path_, "column \"" + element_.name + "\" ends before its row group's rows");
    const size_t header_position = position_;
    CompactReader header_reader(chunk_.get() + position_, chunk_size_ - position_, path_);
    PageHeader header;
    parquet::Read(header_reader, header);
    position_ += header_reader.position();
    if (static_cast<size_t>(header.compressed_page_size) > chunk_size_ - position_)
      Corrupt(path_, "page of \"" + element_.name + "\" runs past its column chunk");
    const uint8_t* body = chunk_.get() + position_;
    position_ += static_cast<size_t>(header.compressed_page_size);
    switch (header.type) {
      case PageType::kDictionaryPage:
        LoadDictionary(header, body);
        continue;
      case PageType::kDataPage:
        if (!header.data_page_header) Corrupt(path_, "data page without its header");
        CheckIndexedPage(header_position, header.data_page_header->num_values);
        LoadDataPageV1(header, body);
        ++pages_read_;
        return;
      case PageType::kDataPageV2:
        if (!header.data_page_header_v2) Corrupt(path_, "data page v2 without its header");
        CheckIndexedPage(header_position, header.data_page_header_v2->num_values);
        LoadDataPageV2(header, body);
        ++pages_read_;
        return;
      default:
        continue;  // index pages and unknown page types carry no rows
    }
  }
}

const uint8_t* ColumnReader::Decompressed(const PageHeader& h, const uint8_t* body, size_t skip) {
  page_owner_.reset();
  const size_t compressed = static_cast<size_t>(h.compressed_page_size) - skip;
  const size_t uncompressed = static_cast<size_t>(h.uncompressed_page_size) - skip;
  if (meta_.codec == CompressionCodec::kUncompressed) {
    if (compressed != uncompressed) Corrupt(path_, "uncompressed page sizes disagree");
    page_owner_ = chunk_;
    return body + skip;
  }
  if (uncompressed > kMaxPageBytes) Corrupt(path_, "page of " + std::to_string(uncompressed) + " bytes");
  if (uncompressed > page_capacity_ || page_buffer_.use_count() > 1) {
    // Not value-initialised: a corrupt header claiming a huge page costs address space, not memory.
    page_capacity_ = std::max(uncompressed, page_capacity_);
    page_buffer_ = std::shared_ptr<uint8_t[]>(new uint8_t[page_capacity_]);
  }
  page_owner_ = page_buffer_;
  Decompress(meta_.codec, reinterpret_cast<const char*>(body + skip), compressed,
             reinterpret_cast<char*>(page_buffer_.get()), uncompressed, path_);
  return page_buffer_.get();
}

void ColumnReader::LoadDictionary(const PageHeader& h, const uint8_t* body) {
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
      std::make_shared<Vector>(value_type_, std::max<size_t>(1, static_cast<size_t>(d.num_values)));
  std::vector<uint32_t> rows(static_cast<size_t>(d.num_values));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<uint32_t>(i);
  Convert(raw, 0, *dictionary_, rows.data(), rows.size());
  dictionary_size_ = rows.size();
}

void ColumnReader::StartPage(int64_t num_values) {
  if (num_values < 0 || num_values > kMaxPageValues) Corrupt(path_, "bad page value count");
  if (num_values > rows_left_) Corrupt(path_, "page holds more rows than its row group");
  page_rows_ = static_cast<size_t>(num_values);
  page_row_ = 0;
  value_index_ = 0;
  rows_left_ -= num_values;
  raw_.Clear();
  index_decoder_.reset();
  defs_.clear();
}

size_t ColumnReader::DecodeLevels(ByteReader reps, ByteReader defs, size_t count) {
  auto bits = [](int16_t max) { return max == 0 ? 0 : 32 - __builtin_clz(static_cast<uint32_t>(max)); };
  reps_.clear();
  if (levels_.max_rep > 0) {
    reps_.resize(count);
    RleHybridDecoder(reps, bits(levels_.max_rep)).Decode(reps_.data(), count);
  }
  page_values_ = count;
  if (levels_.max_def == 0) return count;
  const uint32_t present = static_cast<uint32_t>(levels_.max_def);
  RleHybridDecoder decoder(defs, bits(levels_.max_def));
  // A page without NULLs (and outside a LIST) is usually one run of the maximum level: no levels to keep.
  if (levels_.max_rep == 0 && decoder.StartsWithRun(present, count)) return count;
  defs_.resize(count);
  decoder.Decode(defs_.data(), count);
  size_t values = 0;
  for (uint32_t d : defs_) {
    if (d > present) Corrupt(path_, "definition level above the column's maximum");
    values += d == present;
  }
  page_values_ = values;
  return values;
}

void ColumnReader::LoadDataPageV1(const PageHeader& h, const uint8_t* body) {
  const auto& d = *h.data_page_header;
  StartPage(d.num_values);
  const uint8_t* data = Decompressed(h, body);
  ByteReader r(data, static_cast<size_t>(h.uncompressed_page_size), &path_);
  // Parquet (data page v1): repetition then definition levels, each RLE/bit-packed hybrid with a 4-byte
  // length prefix, present only when the column's maximum level is above 0.
  auto levels = [&](int16_t max, Encoding encoding, const char* what) {
    if (max == 0) return ByteReader(nullptr, 0, &path_);
    if (encoding != Encoding::kRle)
      throw NotImplementedError("Parquet file " + path_ + " uses BIT_PACKED " + what);
    const uint32_t length = r.ReadLittleEndian<uint32_t>(what);
    return ByteReader(r.Take(length, what), length, &path_);
  };
  ByteReader reps = levels(levels_.max_rep, d.repetition_level_encoding, "repetition levels");
  ByteReader defs = levels(levels_.max_def, d.definition_level_encoding, "definition levels");
  DecodeValues(d.encoding, r, DecodeLevels(reps, defs, page_rows_));
}

void ColumnReader::LoadDataPageV2(const PageHeader& h, const uint8_t* body) {
  const auto& d = *h.data_page_header_v2;
  StartPage(d.num_values);
  if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
      static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
          std::min(h.compressed_page_size, h.uncompressed_page_size))
    Corrupt(path_, "data page v2 level lengths exceed the page");
  // Levels are never compressed in v2 pages; the values after them may be.
  const size_t levels_size = static_cast<size_t>(d.repetition_levels_byte_length) +
                             static_cast<size_t>(d.definition_levels_byte_length);
  const size_t values =
      DecodeLevels(ByteReader(body, static_cast<size_t>(d.repetition_levels_byte_length), &path_),
                   ByteReader(body + d.repetition_levels_byte_length,
                              static_cast<size_t>(d.definition_levels_byte_length), &path_),
                   page_rows_);
  const uint8_t* data;
  if (d.is_compressed) {
    data = Decompressed(h, body, levels_size);
  } else {
    if (h.compressed_page_size != h.uncompressed_page_size)
      Corrupt(path_, "uncompressed page sizes disagree");
    data = body + levels_size;
    page_owner_ = chunk_;
  }
  ByteReader r(data, static_cast<size_t>(h.uncompressed_page_size) - levels_size, &path_);
  DecodeValues(d.encoding, r, values);
}

}  // namespace basin::parquet
