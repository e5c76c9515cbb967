// The Parquet writer's encodings, statistics and threads, read back with Basin's reader and the page headers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/thrift_compact.h"
#include "helpers/temp_dir.h"

namespace basin::parquet {
namespace {

using ParquetWriterTest = test::TempDirTest;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Each page of a column chunk, from its header: the page type and the values' encoding.
std::vector<std::pair<PageType, Encoding>> Pages(const std::string& path, const ColumnMetaData& meta) {
  const std::string file = ReadFile(path);
  const auto* bytes = reinterpret_cast<const uint8_t*>(file.data());
  int64_t at = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  const int64_t end = at + meta.total_compressed_size;
  std::vector<std::pair<PageType, Encoding>> pages;
  while (at < end) {
    CompactReader r(bytes + at, static_cast<size_t>(end - at), path);
    PageHeader h;
    Read(r, h);
    pages.emplace_back(
        h.type, h.data_page_header ? h.data_page_header->encoding : h.dictionary_page_header->encoding);
    at += static_cast<int64_t>(r.position()) + h.compressed_page_size;
  }
  return pages;
}

/// Write one column of `values` in chunks of up to kVectorSize rows.
void WriteColumn(const std::string& path, const LogicalType& type, const std::vector<Value>& values,
                 const ParquetWriterOptions& options) {
  ParquetWriter writer(path, {"v"}, {type}, {}, options);
  for (size_t start = 0; start < values.size(); start += kVectorSize) {
    DataChunk chunk({type});
    const size_t n = std::min(kVectorSize, values.size() - start);
    for (size_t r = 0; r < n; ++r) chunk.SetValue(0, r, values[start + r]);
    chunk.SetCardinality(n);
    writer.WriteChunk(chunk);
  }
  writer.Close();
}

std::vector<Value> ReadColumn(const ParquetReader& reader) {
  std::vector<Value> values;
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    auto scan = reader.ReadRowGroup(g, {0});
    DataChunk out;
    while (scan->Next(out))
      for (size_t r = 0; r < out.size(); ++r) values.push_back(out.GetValue(0, r));
  }
  return values;
}

/// The smallest and largest non-NULL, non-NaN value, by `less`.
template <class Less>
std::pair<Value, Value> Bounds(const std::vector<Value>& values, Less less) {
  std::vector<Value> kept;
  for (const Value& v : values) {
    const bool nan = (v.type().id() == TypeId::kDouble || v.type().id() == TypeId::kReal) && !v.IsNull() &&
                     std::isnan(v.GetDouble());
    if (!v.IsNull() && !nan) kept.push_back(v);
  }
  return {*std::min_element(kept.begin(), kept.end(), less),
          *std::max_element(kept.begin(), kept.end(), less)};
}

bool Has(const std::vector<Encoding>& encodings, Encoding e) {
  return std::find(encodings.begin(), encodings.end(), e) != encodings.end();
}

TEST(ParquetEncodingTest, RleHybridRoundTripsEveryWidthAndLength) {
  std::mt19937 rng(3);
  const std::string file = "f";
  for (int width = 0; width <= 32; ++width) {
    const uint64_t mask = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    for (size_t count : {0, 1, 7, 8, 9, 15, 16, 17, 31, 1000, 4099}) {
      // Runs of random lengths starting anywhere, between random values.
      std::vector<uint32_t> values;
      while (values.size() < count) {
        const uint32_t v = static_cast<uint32_t>(rng() & mask);
        const size_t run = rng() % 3 == 0 ? 1 + rng() % 40 : 1;
        values.insert(values.end(), std::min(run, count - values.size()), v);
      }
      std::string encoded, encoded8;
      EncodeRleHybrid(values.data(), values.size(), width, encoded);
      std::vector<uint32_t> decoded(count);
      RleHybridDecoder(ByteReader(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), &file),
                       width)
          .Decode(decoded.data(), count);
      ASSERT_EQ(decoded, values) << width << " " << count;
      if (width > 8) continue;
      // Levels and booleans: the same from bytes.
      const std::vector<uint8_t> bytes(values.begin(), values.end());
      EncodeRleHybrid(bytes.data(), bytes.size(), width, encoded8);
      EXPECT_EQ(encoded8, encoded) << width << " " << count;
    }
  }
  // A run is one header and one value, however long.
  const std::vector<uint32_t> same(100000, 5);
  std::string encoded;
  EncodeRleHybrid(same.data(), same.size(), 3, encoded);
  EXPECT_LE(encoded.size(), 5u);
}

TEST_F(ParquetWriterTest, DictionaryFallsBackToPlainPagesMidChunk) {
  // 100 values repeated, then distinct ones: the dictionary's bytes pass the limit after several of its pages
  // are written, and the rest of the chunk is PLAIN. NULLs fall around the value the dictionary refuses.
  std::vector<Value> values;
  for (int64_t i = 0; i < 20000; ++i) {
    values.push_back(i % 13 == 0 ? Value::Null(TypeId::kBigInt)
                                 : Value::BigInt(i < 10000 ? i % 100 : i * 7919 - 50000000));
  }
  ParquetWriterOptions options;
  options.page_size = 4096;
  options.dictionary_size_limit = 8 * 1000;
  const std::string path = Path("bytes.parquet");
  WriteColumn(path, TypeId::kBigInt, values, options);
  ParquetReader reader(path);
  const ColumnMetaData& meta = *reader.metadata().row_groups[0].columns[0].meta_data;
  const auto pages = Pages(path, meta);
  ASSERT_GT(pages.size(), 4u);
  EXPECT_EQ(pages[0].first, PageType::kDictionaryPage);
  EXPECT_EQ(pages[1].second, Encoding::kRleDictionary);
  EXPECT_EQ(pages[2].second, Encoding::kRleDictionary);
  EXPECT_EQ(pages.back().second, Encoding::kPlain);
  // Once PLAIN, PLAIN to the end.
  const auto first_plain = std::find_if(pages.begin() + 1, pages.end(),
                                        [](const auto& p) { return p.second == Encoding::kPlain; });
  EXPECT_TRUE(
      std::all_of(first_plain, pages.end(), [](const auto& p) { return p.second == Encoding::kPlain; }));
  EXPECT_EQ(ReadColumn(reader), values);
  const auto stats = reader.ChunkStatistics(0, 0);
  const auto [min, max] =
      Bounds(values, [](const Value& a, const Value& b) { return a.GetInt64() < b.GetInt64(); });
  EXPECT_EQ(*stats.min, min);
  EXPECT_EQ(*stats.max, max);
  EXPECT_EQ(*stats.null_count, 20000 / 13 + 1);
}

TEST_F(ParquetWriterTest, TooManyDistinctValuesWritePlain) {
  // Distinct values: the dictionary passes its value limit (a tenth of the row group) before the first page
  // is written, so the whole chunk is PLAIN and has no dictionary page.
  std::vector<Value> values;
  for (int32_t i = 0; i < 50000; ++i)
    values.push_back(i % 11 == 0 ? Value::Null(TypeId::kInteger) : Value::Integer(i * 3 - 70000));
  const std::string path = Path("plain.parquet");
  WriteColumn(path, TypeId::kInteger, values, {});
  ParquetReader reader(path);
  const ColumnMetaData& meta = *reader.metadata().row_groups[0].columns[0].meta_data;
  EXPECT_FALSE(meta.dictionary_page_offset.has_value());
  EXPECT_FALSE(Has(meta.encodings, Encoding::kRleDictionary));
  for (const auto& page : Pages(path, meta)) EXPECT_EQ(page.second, Encoding::kPlain);
  EXPECT_EQ(ReadColumn(reader), values);
  EXPECT_EQ(reader.ChunkStatistics(0, 0).min->GetInt64(), 3 - 70000);

  // The same limit passed after dictionary pages were written: those keep the dictionary.
  ParquetWriterOptions small_pages;
  small_pages.page_size = 2048;
  small_pages.dictionary_value_limit = 3000;
  const std::string later = Path("later.parquet");
  WriteColumn(later, TypeId::kInteger, values, small_pages);
  ParquetReader reread(later);
  const ColumnMetaData& m = *reread.metadata().row_groups[0].columns[0].meta_data;
  EXPECT_TRUE(m.dictionary_page_offset.has_value());
  EXPECT_TRUE(Has(m.encodings, Encoding::kRleDictionary));
  EXPECT_TRUE(Has(m.encodings, Encoding::kPlain));
  EXPECT_EQ(ReadColumn(reread), values);
}

TEST_F(ParquetWriterTest, NullPagesAndNullChunks) {
  // Column a: NULL pages, value pages, NULL pages (a constant NULL vector among them); column b: NULL only.
  // A NULL counts an eighth of a byte (its definition level) towards a page's size.
  const std::vector<LogicalType> types = {TypeId::kDouble, TypeId::kVarchar};
  ParquetWriterOptions options;
  options.page_size = 64;
  const std::string path = Path("nulls.parquet");
  {
    ParquetWriter writer(path, {"a", "b"}, types, {}, options);
    for (int part = 0; part < 3; ++part) {
      DataChunk chunk(types);
      for (size_t r = 0; r < 2000; ++r) {
        chunk.SetValue(
            0, r, part == 1 ? Value::Double(static_cast<double>(r) - 500.5) : Value::Null(TypeId::kDouble));
        chunk.SetValue(1, r, Value::Null(TypeId::kVarchar));
      }
      if (part == 2) chunk.column(0).Reference(Vector(Value::Null(TypeId::kDouble)));
      chunk.SetCardinality(2000);
      writer.WriteChunk(chunk);
    }
    writer.Close();
  }
  ParquetReader reader(path);
  const auto a = reader.ChunkStatistics(0, 0);
  EXPECT_EQ(*a.null_count, 4000);
  EXPECT_EQ(a.min->GetDouble(), -500.5);
  EXPECT_EQ(a.max->GetDouble(), 1498.5);
  const auto b = reader.ChunkStatistics(0, 1);
  EXPECT_EQ(*b.null_count, 6000);
  EXPECT_FALSE(b.min || b.max);
  for (size_t c = 0; c < 2; ++c) {
    const auto pages = reader.PageIndex(0, c);
    ASSERT_TRUE(pages);
    size_t null_pages = 0;
    for (const PageStatistics& p : *pages) {
      if (*p.stats.null_count == p.rows) {
        ++null_pages;
        EXPECT_FALSE(p.stats.min);
      } else {
        EXPECT_TRUE(p.stats.min && p.stats.max);
      }
    }
    EXPECT_GE(null_pages, c == 0 ? 2u : pages->size());
  }
  auto scan = reader.ReadRowGroup(0, {0, 1});
  DataChunk out;
  int64_t row = 0;
  while (scan->Next(out)) {
    for (size_t r = 0; r < out.size(); ++r, ++row) {
      const bool value = row >= 2000 && row < 4000;
      EXPECT_EQ(out.GetValue(0, r), value ? Value::Double(static_cast<double>(row - 2000) - 500.5)
                                          : Value::Null(TypeId::kDouble));
      EXPECT_TRUE(out.GetValue(1, r).IsNull());
    }
  }
  EXPECT_EQ(row, 6000);
}

TEST_F(ParquetWriterTest, NaNStaysOutOfStatisticsAndNaNOnlyPagesDropTheColumnIndex) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ParquetWriterOptions options;
  options.page_size = 1024;
  // Pages of NaN only, then values with NaN among them: the bounds skip NaN, and the NaN-only pages cannot
  // be described, so the chunk has no column index (its offset index stays).
  std::vector<Value> values;
  for (int i = 0; i < 3000; ++i)
    values.push_back(Value::Double(i < 1000 || i % 7 == 0 ? nan : i * 0.25 - 100));
  const std::string path = Path("nan.parquet");
  WriteColumn(path, TypeId::kDouble, values, options);
  ParquetReader reader(path);
  const ColumnChunk& chunk = reader.metadata().row_groups[0].columns[0];
  EXPECT_FALSE(chunk.column_index_offset.has_value());
  EXPECT_TRUE(chunk.offset_index_offset.has_value());
  EXPECT_FALSE(reader.PageIndex(0, 0));
  const auto stats = reader.ChunkStatistics(0, 0);
  EXPECT_EQ(stats.min->GetDouble(), 1000 * 0.25 - 100);
  EXPECT_EQ(stats.max->GetDouble(), 2999 * 0.25 - 100);
  EXPECT_EQ(ReadColumn(reader), values);

  // NaN among values only: every page has bounds, none of them NaN.
  std::vector<Value> mixed;
  for (int i = 0; i < 3000; ++i)
    mixed.push_back(Value::Real(i % 5 == 0 ? NAN : static_cast<float>(i % 100) - 50));
  const std::string mixed_path = Path("mixed.parquet");
  WriteColumn(mixed_path, TypeId::kReal, mixed, options);
  ParquetReader mixed_reader(mixed_path);
  const auto pages = mixed_reader.PageIndex(0, 0);
  ASSERT_TRUE(pages);
  for (const PageStatistics& p : *pages) {
    ASSERT_TRUE(p.stats.min && p.stats.max);
    EXPECT_FALSE(std::isnan(p.stats.min->GetDouble()) || std::isnan(p.stats.max->GetDouble()));
  }
  EXPECT_EQ(ReadColumn(mixed_reader), mixed);
}

TEST_F(ParquetWriterTest, StringsInlineAndLongKeepTheirBytesAndOrder) {
  // Inline (up to 12 bytes) and longer strings, equal 4-byte prefixes, bytes above 0x7f (ordered unsigned),
  // the empty string; repeated (dictionary), all distinct (the dictionary's bytes move as it grows), and
  // written PLAIN.
  const std::vector<std::string> seeds = {"",
                                          "a",
                                          "abcd",
                                          "abcdefghijkl",
                                          "abcdefghijklm",
                                          "abcdefghijklmnop",
                                          "abcdefghijklmnopq",
                                          std::string("\xff\x01 high byte"),
                                          "zzzz",
                                          "a string that is rather longer than the inline size, one",
                                          "a string that is rather longer than the inline size, two"};
  auto less = [](const Value& a, const Value& b) { return a.GetString() < b.GetString(); };
  for (int variant = 0; variant < 3; ++variant) {
    std::vector<Value> values;
    for (size_t i = 0; i < 6000; ++i) {
      std::string s = seeds[i % seeds.size()];
      if (variant == 1) s += " #" + std::to_string(i % 3000);  // 3000 distinct, each twice
      values.push_back(i % 17 == 3 ? Value::Null(TypeId::kBlob) : Value::Blob(s));
    }
    ParquetWriterOptions options;
    options.page_size = 2048;
    options.dictionary = variant != 2;
    options.dictionary_value_limit = 5000;
    const std::string path = Path("strings" + std::to_string(variant) + ".parquet");
    WriteColumn(path, TypeId::kBlob, values, options);
    ParquetReader reader(path);
    EXPECT_EQ(ReadColumn(reader), values) << variant;
    const auto [min, max] = Bounds(values, less);
    const auto stats = reader.ChunkStatistics(0, 0);
    EXPECT_EQ(*stats.min, min) << variant;
    EXPECT_EQ(*stats.max, max) << variant;
    // Each page's bounds hold its values; the pages' bounds together give the chunk's.
    const auto pages = reader.PageIndex(0, 0);
    ASSERT_TRUE(pages);
    std::optional<Value> lowest;
    for (const PageStatistics& p : *pages) {
      const std::vector<Value> page(values.begin() + p.first_row, values.begin() + p.first_row + p.rows);
      const auto [page_min, page_max] = Bounds(page, less);
      EXPECT_EQ(*p.stats.min, page_min);
      EXPECT_EQ(*p.stats.max, page_max);
      if (!lowest || less(*p.stats.min, *lowest)) lowest = p.stats.min;
    }
    EXPECT_EQ(*lowest, min);
    const ColumnMetaData& meta = *reader.metadata().row_groups[0].columns[0].meta_data;
    const auto headers = Pages(path, meta);
    EXPECT_EQ(headers[0].first == PageType::kDictionaryPage, variant != 2) << variant;
  }
}

TEST_F(ParquetWriterTest, Decimal128BoundsAndValues) {
  const LogicalType type = LogicalType::Decimal(38, 10);
  const hugeint_t big = static_cast<hugeint_t>(1000000000000000000LL) * 1000000000000LL;  // 10^30
  std::vector<Value> values;
  for (int64_t i = 0; i < 5000; ++i) {
    const hugeint_t v = (i % 3 == 0 ? -big : big) * (i % 50) + i % 7 - 3;
    values.push_back(i % 9 == 0 ? Value::Null(type) : Value::Decimal(v, 38, 10));
  }
  auto less = [](const Value& a, const Value& b) { return a.GetHugeInt() < b.GetHugeInt(); };
  const auto [min, max] = Bounds(values, less);
  for (bool dictionary : {true, false}) {
    ParquetWriterOptions options;
    options.dictionary = dictionary;
    options.page_size = 4096;
    const std::string path = Path(dictionary ? "dict.parquet" : "plain.parquet");
    WriteColumn(path, type, values, options);
    ParquetReader reader(path);
    EXPECT_EQ(ReadColumn(reader), values);
    const auto stats = reader.ChunkStatistics(0, 0);
    EXPECT_EQ(*stats.min, min);
    EXPECT_EQ(*stats.max, max);
    EXPECT_EQ(Has(reader.metadata().row_groups[0].columns[0].meta_data->encodings, Encoding::kRleDictionary),
              dictionary);
  }
}

/// Several types with NULLs, as rows of chunks of `rows_per_chunk`.
std::vector<DataChunk> MixedChunks(const std::vector<LogicalType>& types, size_t chunks,
                                   size_t rows_per_chunk) {
  std::vector<DataChunk> out;
  std::mt19937 rng(11);
  for (size_t k = 0; k < chunks; ++k) {
    DataChunk& chunk = out.emplace_back(types);
    for (size_t r = 0; r < rows_per_chunk; ++r) {
      const int64_t x = static_cast<int64_t>(rng() % 5000);
      chunk.SetValue(0, r, Value::BigInt(static_cast<int64_t>(k * rows_per_chunk + r)));
      chunk.SetValue(
          1, r,
          x % 10 == 0 ? Value::Null(TypeId::kVarchar) : Value::Varchar("value " + std::to_string(x % 700)));
      chunk.SetValue(2, r, Value::Decimal(x * 1001 - 2000000, 38, 3));
      chunk.SetValue(3, r, Value::Double(static_cast<double>(x) / 7));
      chunk.SetValue(
          4, r,
          Value::Interval(interval_t{static_cast<int32_t>(x % 12), static_cast<int32_t>(x % 30), x * 1000}));
      chunk.SetValue(5, r, Value::Boolean(x % 3 == 0));
    }
    chunk.SetCardinality(rows_per_chunk);
  }
  return out;
}

TEST_F(ParquetWriterTest, ThreadsWriteTheSameFile) {
  const std::vector<LogicalType> types = {TypeId::kBigInt, TypeId::kVarchar,  LogicalType::Decimal(38, 3),
                                          TypeId::kDouble, TypeId::kInterval, TypeId::kBoolean};
  const std::vector<std::string> names = {"id", "s", "d", "f", "i", "b"};
  const auto chunks = MixedChunks(types, 23, 1500);
  auto write = [&](const std::string& name, int threads, bool shared) {
    ParquetWriterOptions options;
    options.threads = threads;
    options.row_group_size = 4000;  // row groups cut across chunks
    options.page_size = 4096;
    ParquetWriter writer(Path(name), names, types, {7, 8, 9, 10, 11, 12}, options);
    for (const DataChunk& chunk : chunks) {
      if (shared) {
        auto copy = std::make_shared<DataChunk>(types);
        copy->Append(chunk);
        writer.WriteChunk(std::move(copy));
      } else {
        writer.WriteChunk(chunk);
      }
    }
    writer.Close();
    EXPECT_EQ(writer.rows(), 23 * 1500);
    return ReadFile(Path(name));
  };
  const std::string one = write("one.parquet", 1, false);
  EXPECT_EQ(write("three.parquet", 3, false), one);
  EXPECT_EQ(write("two_shared.parquet", 2, true), one);
  EXPECT_EQ(write("one_shared.parquet", 1, true), one);
  ParquetReader reader(Path("three.parquet"));
  EXPECT_EQ(reader.RowGroupCount(), 9u);
  EXPECT_EQ(reader.columns()[2].field_id, 9);
}

TEST_F(ParquetWriterTest, RequiredNullFailsTheChunkWithThreads) {
  ParquetWriterOptions options;
  options.threads = 2;
  options.row_group_size = 1000;
  options.required = {true};
  const std::string path = Path("required.parquet");
  {
    ParquetWriter writer(path, {"v"}, {TypeId::kInteger}, {}, options);
    DataChunk chunk({TypeId::kInteger});
    for (size_t r = 0; r < 1500; ++r) chunk.SetValue(0, r, Value::Integer(static_cast<int32_t>(r)));
    chunk.SetCardinality(1500);
    writer.WriteChunk(chunk);
    chunk.SetValue(0, 700, Value::Null(TypeId::kInteger));
    EXPECT_THROW(writer.WriteChunk(chunk), ConstraintError);
    EXPECT_EQ(writer.rows(), 1500);
    writer.Close();
  }
  ParquetReader reader(path);
  EXPECT_TRUE(reader.columns()[0].required);
  const auto values = ReadColumn(reader);
  ASSERT_EQ(values.size(), 1500u);
  EXPECT_EQ(values[1499], Value::Integer(1499));
}

}  // namespace
}  // namespace basin::parquet
