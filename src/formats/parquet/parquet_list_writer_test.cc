// LIST columns of the Parquet writer: the 3-level schema with field ids, repetition and definition levels
// (NULL list, empty list, NULL element), element statistics, page indexes whose pages start rows, dictionary
// encoding of elements, read back with Basin's reader and checked in the pages themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/thrift_compact.h"
#include "helpers/parquet_values.h"
#include "helpers/temp_dir.h"

namespace basin::parquet {
namespace {

using ParquetListWriterTest = test::TempDirTest;

/// Row `i` of a list column of `element`s: NULL every 11th row, empty every 13th, else 1 to 9 elements of
/// test::Expected's values (so every 7th element is NULL), `distinct` of them (0: all different).
Value ExpectedList(const LogicalType& element, size_t c, int64_t i, int64_t distinct = 0) {
  if (i % 11 == 3) return Value::Null(LogicalType::List(element));
  if (i % 13 == 5) return Value::List(element, {});
  std::vector<Value> items;
  for (int64_t k = 0; k <= i % 9; ++k)
    items.push_back(test::Expected(element, c, distinct ? (i * 9 + k) % distinct : i * 9 + k));
  return Value::List(element, std::move(items));
}

/// Write `rows` rows of `row(column, i)`, kVectorSize rows a chunk.
template <class Row>
void WriteRows(ParquetWriter& writer, const std::vector<LogicalType>& types, int64_t rows, Row row) {
  for (int64_t start = 0; start < rows; start += kVectorSize) {
    DataChunk chunk(types);
    const size_t n = static_cast<size_t>(std::min<int64_t>(kVectorSize, rows - start));
    for (size_t c = 0; c < types.size(); ++c)
      for (size_t r = 0; r < n; ++r) chunk.SetValue(c, r, row(c, start + static_cast<int64_t>(r)));
    chunk.SetCardinality(n);
    writer.WriteChunk(chunk);
  }
}

/// Every row of column `column`.
std::vector<Value> ReadColumn(const ParquetReader& reader, size_t column) {
  std::vector<Value> values;
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    auto scan = reader.ReadRowGroup(g, {column});
    DataChunk out;
    while (scan->Next(out))
      for (size_t r = 0; r < out.size(); ++r) values.push_back(out.GetValue(0, r));
  }
  return values;
}

/// A data page of an uncompressed chunk: its header and its levels, decoded.
struct DataPage {
  int64_t offset = 0;  // of its header in the file
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::vector<uint32_t> reps, defs;
  /// Rows the page holds: its repetition levels of 0.
  int64_t rows() const { return std::count(reps.begin(), reps.end(), 0u); }
};

/// The data pages of an uncompressed LIST column chunk whose values have definition level `max_def`; the
/// dictionary page, if any, is in `dictionary`.
std::vector<DataPage> DataPages(const std::string& path, const ColumnMetaData& meta, int max_def,
                                bool* dictionary = nullptr) {
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto* bytes = reinterpret_cast<const uint8_t*>(file.data());
  int64_t at = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  const int64_t end = at + meta.total_compressed_size;
  std::vector<DataPage> pages;
  if (dictionary) *dictionary = false;
  while (at < end) {
    CompactReader r(bytes + at, static_cast<size_t>(end - at), path);
    PageHeader h;
    Read(r, h);
    const uint8_t* body = bytes + at + r.position();
    if (h.type == PageType::kDictionaryPage) {
      if (dictionary) *dictionary = true;
    } else {
      EXPECT_EQ(h.type, PageType::kDataPage);
      DataPage& page = pages.emplace_back();
      page.offset = at;
      page.num_values = h.data_page_header->num_values;
      page.encoding = h.data_page_header->encoding;
      ByteReader levels(body, static_cast<size_t>(h.uncompressed_page_size), &path);
      for (auto [out, width] : {std::pair{&page.reps, 1}, std::pair{&page.defs, BitWidth(max_def)}}) {
        const uint32_t length = levels.ReadLittleEndian<uint32_t>("levels");
        out->resize(static_cast<size_t>(page.num_values));
        RleHybridDecoder(ByteReader(levels.Take(length, "levels"), length, &path), width)
            .Decode(out->data(), out->size());
      }
    }
    at += static_cast<int64_t>(r.position()) + h.compressed_page_size;
  }
  return pages;
}

int32_t Int32Bound(const std::string& bytes) {
  int32_t v = 0;
  EXPECT_EQ(bytes.size(), 4u);
  std::memcpy(&v, bytes.data(), std::min<size_t>(4, bytes.size()));
  return v;
}

Value IntList(std::vector<std::optional<int32_t>> items) {
  std::vector<Value> values;
  for (const auto& i : items) values.push_back(i ? Value::Integer(*i) : Value::Null(TypeId::kInteger));
  return Value::List(TypeId::kInteger, std::move(values));
}

TEST_F(ParquetListWriterTest, SchemaIsThreeLevelWithFieldIdsOnTheListAndItsElement) {
  const std::vector<LogicalType> types = {LogicalType::List(TypeId::kInteger), TypeId::kVarchar,
                                          LogicalType::List(TypeId::kVarchar)};
  ParquetWriterOptions options;
  options.required = {false, false, true};
  options.list_elements = {{9, false}, {}, {10, true}};
  ParquetWriter writer(Path("schema.parquet"), {"a", "b", "c"}, types, {5, 6, 7}, options);
  writer.WriteChunk(DataChunk(types));
  writer.Close();

  const auto& schema = writer.metadata().schema;
  ASSERT_EQ(schema.size(), 8u);
  EXPECT_EQ(schema[0].num_children, 3);
  const SchemaElement& a = schema[1];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.repetition_type, FieldRepetitionType::kOptional);
  EXPECT_EQ(a.num_children, 1);
  EXPECT_FALSE(a.type.has_value());
  EXPECT_EQ(a.converted_type, ConvertedType::kList);
  EXPECT_EQ(a.logical_type.kind, LogicalTypeAnnotation::Kind::kList);
  EXPECT_EQ(a.field_id, 5);
  EXPECT_EQ(schema[2].name, "list");
  EXPECT_EQ(schema[2].repetition_type, FieldRepetitionType::kRepeated);
  EXPECT_EQ(schema[2].num_children, 1);
  EXPECT_FALSE(schema[2].field_id.has_value());
  EXPECT_EQ(schema[3].name, "element");
  EXPECT_EQ(schema[3].repetition_type, FieldRepetitionType::kOptional);
  EXPECT_EQ(schema[3].type, Type::kInt32);
  EXPECT_EQ(schema[3].logical_type.kind, LogicalTypeAnnotation::Kind::kInteger);
  EXPECT_EQ(schema[3].field_id, 9);
  EXPECT_EQ(schema[4].name, "b");
  EXPECT_EQ(schema[4].field_id, 6);
  EXPECT_EQ(schema[5].repetition_type, FieldRepetitionType::kRequired);
  EXPECT_EQ(schema[5].field_id, 7);
  EXPECT_EQ(schema[7].repetition_type, FieldRepetitionType::kRequired);
  EXPECT_EQ(schema[7].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(schema[7].field_id, 10);

  // The reader maps the lists back, known by their own field ids (not their elements').
  ParquetReader reader(Path("schema.parquet"));
  EXPECT_EQ(reader.Types(), types);
  EXPECT_EQ(reader.Names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(reader.columns()[0].field_id, 5);
  EXPECT_EQ(reader.columns()[2].field_id, 7);
}

TEST_F(ParquetListWriterTest, LevelsTellNullListsEmptyListsAndNullElementsApart) {
  struct Case {
    bool required, element_required;
    std::vector<Value> rows;
    std::vector<uint32_t> reps, defs;
  };
  const LogicalType type = LogicalType::List(TypeId::kInteger);
  const std::vector<Case> cases = {
      // Optional list of optional elements: NULL list 0, empty list 1, NULL element 2, value 3.
      {false,
       false,
       {IntList({1, 2}), Value::Null(type), IntList({}), IntList({std::nullopt, 3}), IntList({4})},
       {0, 1, 0, 0, 0, 1, 0},
       {3, 3, 0, 1, 2, 3, 3}},
      // Required list: empty 0, NULL element 1, value 2.
      {true,
       false,
       {IntList({7}), IntList({}), IntList({std::nullopt}), IntList({-1, 8})},
       {0, 0, 0, 0, 1},
       {2, 0, 1, 2, 2}},
      // Required elements: NULL list 0, empty list 1, value 2.
      {false, true, {IntList({5, 6}), Value::Null(type), IntList({})}, {0, 1, 0, 0}, {2, 2, 0, 1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.required) + std::to_string(c.element_required));
    ParquetWriterOptions options;
    options.codec = CompressionCodec::kUncompressed;
    options.required = {c.required};
    options.list_elements = {{-1, c.element_required}};
    const std::string path = Path("levels.parquet");
    ParquetWriter writer(path, {"l"}, {type}, {}, options);
    WriteRows(writer, {type}, static_cast<int64_t>(c.rows.size()),
              [&](size_t, int64_t i) { return c.rows[i]; });
    writer.Close();

    const ColumnChunk& chunk = writer.metadata().row_groups.at(0).columns.at(0);
    const ColumnMetaData& meta = *chunk.meta_data;
    EXPECT_EQ(meta.path_in_schema, (std::vector<std::string>{"l", "list", "element"}));
    const int max_def = (c.required ? 0 : 1) + 1 + (c.element_required ? 0 : 1);
    const auto pages = DataPages(path, meta, max_def);
    ASSERT_EQ(pages.size(), 1u);
    EXPECT_EQ(pages[0].reps, c.reps);
    EXPECT_EQ(pages[0].defs, c.defs);
    // num_values counts level entries; the NULL count, those without a value (as parquet-mr and Arrow).
    const auto entries = static_cast<int64_t>(c.defs.size());
    const auto nulls = std::count_if(c.defs.begin(), c.defs.end(),
                                     [&](uint32_t d) { return d < static_cast<uint32_t>(max_def); });
    EXPECT_EQ(pages[0].num_values, entries);
    EXPECT_EQ(meta.num_values, entries);
    EXPECT_EQ(meta.statistics->null_count, nulls);
    EXPECT_EQ(writer.metadata().row_groups[0].num_rows, static_cast<int64_t>(c.rows.size()));

    ParquetReader reader(path);
    EXPECT_EQ(ReadColumn(reader, 0), c.rows);
  }
}

TEST_F(ParquetListWriterTest, RoundTripsListsOfEveryTypeAcrossPagesRowGroupsAndThreads) {
  std::vector<LogicalType> types = {TypeId::kBigInt};
  for (const LogicalType& t : test::AllTypes()) types.push_back(LogicalType::List(t));
  std::vector<std::string> names;
  for (size_t c = 0; c < types.size(); ++c) names.push_back("c" + std::to_string(c));
  const int64_t rows = 10000;
  // Threads 1 and 3; elements all different (PLAIN pages), and of 50 values (dictionary pages).
  for (auto [threads, distinct] : {std::pair{1, 0}, std::pair{3, 0}, std::pair{1, 50}, std::pair{3, 50}}) {
    SCOPED_TRACE(std::to_string(threads) + " threads, " + std::to_string(distinct) + " distinct");
    auto row = [&](size_t c, int64_t i) {
      return c == 0 ? Value::BigInt(i) : ExpectedList(types[c].element(), c, i, distinct);
    };
    ParquetWriterOptions options;
    options.row_group_size = 3000;
    options.page_size = 4096;
    options.threads = threads;
    const std::string path =
        Path("lists" + std::to_string(threads) + "_" + std::to_string(distinct) + ".parquet");
    {
      ParquetWriter writer(path, names, types, {}, options);
      WriteRows(writer, types, rows, row);
      writer.Close();
    }
    ParquetReader reader(path);
    ASSERT_EQ(reader.Types(), types);
    EXPECT_EQ(reader.RowGroupCount(), 4u);
    std::vector<size_t> ids;
    for (size_t c = 0; c < types.size(); ++c) ids.push_back(c);
    int64_t i = 0;
    for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
      // Dictionaries where the elements repeat (BOOLEAN aside).
      for (size_t c = 2; c < types.size() && distinct > 0; ++c) {
        EXPECT_TRUE(reader.metadata().row_groups[g].columns[c].meta_data->dictionary_page_offset)
            << types[c].ToString();
      }
      auto scan = reader.ReadRowGroup(g, ids);
      DataChunk out;
      while (scan->Next(out)) {
        for (size_t r = 0; r < out.size(); ++r, ++i)
          for (size_t c = 0; c < types.size(); ++c)
            ASSERT_EQ(out.GetValue(c, r), row(c, i)) << "row " << i << " " << types[c].ToString();
      }
    }
    EXPECT_EQ(i, rows);
  }
}

TEST_F(ParquetListWriterTest, StatisticsAndPageIndexDescribeTheElementsOfWholeRows) {
  // Lists of 0 to 19 elements (NULL every 10th), NULL every 17th list: small pages, so many per chunk.
  auto list = [](int64_t i) -> Value {
    if (i % 17 == 0) return Value::Null(LogicalType::List(TypeId::kInteger));
    std::vector<std::optional<int32_t>> items;
    for (int64_t k = 0; k < i % 20; ++k)
      items.push_back(k % 10 == 9 ? std::nullopt : std::optional<int32_t>(static_cast<int32_t>(i * 3 - k)));
    return IntList(items);
  };
  const LogicalType type = LogicalType::List(TypeId::kInteger);
  ParquetWriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  options.page_size = 1024;
  options.row_group_size = 4000;
  const int64_t rows = 5000;
  const std::string path = Path("index.parquet");
  ParquetWriter writer(path, {"l"}, {type}, {}, options);
  WriteRows(writer, {type}, rows, [&](size_t, int64_t i) { return list(i); });
  writer.Close();

  ParquetReader reader(path);
  ASSERT_EQ(reader.RowGroupCount(), 2u);
  int64_t first_row_of_group = 0;
  for (size_t g = 0; g < 2; ++g) {
    const RowGroup& group = writer.metadata().row_groups[g];
    const ColumnMetaData& meta = *group.columns[0].meta_data;
    const auto pages = DataPages(path, meta, 3);
    ASSERT_GT(pages.size(), 5u);
    const auto& offsets = reader.metadata().row_groups[g].columns[0];
    ASSERT_TRUE(offsets.offset_index_offset && offsets.column_index_offset);

    // Read the page index as the file holds it.
    std::ifstream in(path, std::ios::binary);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    OffsetIndex offset_index;
    ColumnIndex column_index;
    CompactReader ro(reinterpret_cast<const uint8_t*>(file.data()) + *offsets.offset_index_offset,
                     static_cast<size_t>(*offsets.offset_index_length), path);
    Read(ro, offset_index);
    CompactReader rc(reinterpret_cast<const uint8_t*>(file.data()) + *offsets.column_index_offset,
                     static_cast<size_t>(*offsets.column_index_length), path);
    Read(rc, column_index);
    ASSERT_EQ(offset_index.page_locations.size(), pages.size());
    ASSERT_EQ(column_index.min_values.size(), pages.size());

    int64_t row = 0, chunk_nulls = 0, chunk_entries = 0;
    std::optional<int32_t> chunk_min, chunk_max;
    for (size_t p = 0; p < pages.size(); ++p) {
      SCOPED_TRACE("group " + std::to_string(g) + " page " + std::to_string(p));
      const DataPage& page = pages[p];
      // Each page starts a row, and the offset index counts rows, not values (PageIndex.md).
      EXPECT_EQ(page.reps.at(0), 0u);
      EXPECT_EQ(offset_index.page_locations[p].first_row_index, row);
      EXPECT_EQ(offset_index.page_locations[p].offset, page.offset);
      // The page's bounds and NULLs are its elements', from the rows it holds.
      std::optional<int32_t> min, max;
      int64_t nulls = 0, entries = 0;
      for (int64_t r = row; r < row + page.rows(); ++r) {
        const Value v = list(first_row_of_group + r);
        if (v.IsNull() || v.GetList().empty()) {
          ++nulls;
          ++entries;
          continue;
        }
        for (const Value& e : v.GetList()) {
          ++entries;
          if (e.IsNull()) {
            ++nulls;
            continue;
          }
          const int32_t x = static_cast<int32_t>(e.GetInt64());
          min = std::min(min.value_or(x), x);
          max = std::max(max.value_or(x), x);
        }
      }
      EXPECT_EQ(page.num_values, entries);
      EXPECT_EQ(column_index.null_counts.at(p), nulls);
      EXPECT_EQ(column_index.null_pages[p], !min.has_value());
      if (min) {
        EXPECT_EQ(Int32Bound(column_index.min_values[p]), *min);
        EXPECT_EQ(Int32Bound(column_index.max_values[p]), *max);
        chunk_min = std::min(chunk_min.value_or(*min), *min);
        chunk_max = std::max(chunk_max.value_or(*max), *max);
      }
      row += page.rows();
      chunk_nulls += nulls;
      chunk_entries += entries;
    }
    EXPECT_EQ(row, group.num_rows);
    EXPECT_EQ(meta.num_values, chunk_entries);
    EXPECT_EQ(meta.statistics->null_count, chunk_nulls);
    EXPECT_EQ(Int32Bound(*meta.statistics->min_value), *chunk_min);
    EXPECT_EQ(Int32Bound(*meta.statistics->max_value), *chunk_max);
    first_row_of_group += group.num_rows;
  }
  std::vector<Value> expected;
  for (int64_t i = 0; i < rows; ++i) expected.push_back(list(i));
  EXPECT_EQ(ReadColumn(reader, 0), expected);
}

TEST_F(ParquetListWriterTest, ElementsAreDictionaryEncodedAndFallBackToPlainBetweenRows) {
  const LogicalType type = LogicalType::List(TypeId::kVarchar);
  auto strings = [&](int64_t i, int64_t distinct) {
    std::vector<Value> items;
    for (int64_t k = 0; k < 1 + i % 6; ++k)
      items.push_back(Value::Varchar("value number " + std::to_string((i * 7 + k) % distinct)));
    return Value::List(TypeId::kVarchar, std::move(items));
  };
  struct Case {
    const char* name;
    int64_t distinct;
    size_t dictionary_bytes;
    bool dictionary_pages, plain_pages;
  };
  for (const Case& c : {Case{"few values", 40, size_t{1} << 20, true, false},
                        Case{"dictionary outgrows its bytes", 100000, 20000, true, true},
                        Case{"too many values from the start", 100000, size_t{1} << 20, false, true}}) {
    SCOPED_TRACE(c.name);
    ParquetWriterOptions options;
    options.codec = CompressionCodec::kUncompressed;
    options.page_size = 8192;
    options.dictionary_size_limit = c.dictionary_bytes;
    options.dictionary_value_limit = c.distinct > 1000 && c.dictionary_bytes > 100000 ? 500 : 0;
    const std::string path = Path("dictionary.parquet");
    const int64_t rows = 6000;
    ParquetWriter writer(path, {"s"}, {type}, {}, options);
    WriteRows(writer, {type}, rows, [&](size_t, int64_t i) { return strings(i, c.distinct); });
    writer.Close();

    const ColumnMetaData& meta = *writer.metadata().row_groups.at(0).columns.at(0).meta_data;
    bool dictionary = false;
    const auto pages = DataPages(path, meta, 3, &dictionary);
    EXPECT_EQ(dictionary, c.dictionary_pages);
    bool dictionary_pages = false, plain_pages = false;
    for (const DataPage& page : pages) {
      EXPECT_EQ(page.reps.at(0), 0u);  // a page never ends inside a list
      dictionary_pages |= page.encoding == Encoding::kRleDictionary;
      plain_pages |= page.encoding == Encoding::kPlain;
    }
    EXPECT_EQ(dictionary_pages, c.dictionary_pages);
    EXPECT_EQ(plain_pages, c.plain_pages);
    // Statistics are the elements' bounds whatever the encoding.
    EXPECT_EQ(*meta.statistics->min_value, "value number 0");
    EXPECT_EQ(meta.statistics->null_count, 0);

    ParquetReader reader(path);
    const auto values = ReadColumn(reader, 0);
    ASSERT_EQ(values.size(), static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) ASSERT_EQ(values[i], strings(i, c.distinct)) << i;
  }
}

TEST_F(ParquetListWriterTest, LongListsKeepToWholePagesAndRowGroups) {
  // Lists longer than a batch and than a page: each stays in one page, pages still hold whole rows, and
  // row groups count rows however many elements they hold.
  const LogicalType type = LogicalType::List(TypeId::kBigInt);
  auto list = [](int64_t i) {
    std::vector<Value> items;
    const int64_t n = i % 3 == 0 ? 100000 + i : i % 50;
    for (int64_t k = 0; k < n; ++k) items.push_back(Value::BigInt(i * 1000003 + k));
    return Value::List(TypeId::kBigInt, std::move(items));
  };
  for (int threads : {1, 2}) {
    ParquetWriterOptions options;
    options.codec = CompressionCodec::kUncompressed;
    options.page_size = 4096;
    options.row_group_size = 7;
    options.threads = threads;
    const std::string path = Path("long.parquet");
    const int64_t rows = 20;
    ParquetWriter writer(path, {"l"}, {type}, {}, options);
    WriteRows(writer, {type}, rows, [&](size_t, int64_t i) { return list(i); });
    writer.Close();

    EXPECT_EQ(writer.metadata().row_groups.size(), 3u);
    int64_t row = 0;
    for (const RowGroup& group : writer.metadata().row_groups) {
      int64_t group_rows = 0;
      for (const DataPage& page : DataPages(path, *group.columns[0].meta_data, 3)) {
        EXPECT_EQ(page.reps.at(0), 0u);
        group_rows += page.rows();
      }
      EXPECT_EQ(group_rows, group.num_rows);
      row += group.num_rows;
    }
    EXPECT_EQ(row, rows);
    ParquetReader reader(path);
    const auto values = ReadColumn(reader, 0);
    ASSERT_EQ(values.size(), static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) ASSERT_EQ(values[i], list(i)) << i;
  }
}

TEST_F(ParquetListWriterTest, ConstantListVectorsRepeatTheirList) {
  const LogicalType type = LogicalType::List(TypeId::kVarchar);
  const Value list = Value::List(TypeId::kVarchar, {Value::Varchar("a"), Value::Null(TypeId::kVarchar),
                                                    Value::Varchar("a string too long to inline")});
  ParquetWriter writer(Path("constant.parquet"), {"l"}, {type}, {});
  for (const Value& v : {list, Value::Null(type), Value::List(TypeId::kVarchar, {})}) {
    DataChunk chunk({type});
    chunk.column(0).Reference(Vector(v));
    chunk.SetCardinality(1000);
    writer.WriteChunk(chunk);
  }
  writer.Close();
  ParquetReader reader(Path("constant.parquet"));
  const auto values = ReadColumn(reader, 0);
  ASSERT_EQ(values.size(), 3000u);
  EXPECT_EQ(values[0], list);
  EXPECT_EQ(values[999], list);
  EXPECT_TRUE(values[1000].IsNull());
  EXPECT_EQ(values[2999], Value::List(TypeId::kVarchar, {}));
}

TEST_F(ParquetListWriterTest, NullsInRequiredListsOrElementsFailTheChunkNamingTheColumn) {
  const LogicalType type = LogicalType::List(TypeId::kInteger);
  for (int threads : {1, 3}) {
    for (bool element : {false, true}) {
      ParquetWriterOptions options;
      options.threads = threads;
      options.required = {!element};
      options.list_elements = {{-1, element}};
      ParquetWriter writer(Path("required.parquet"), {"tags"}, {type}, {}, options);
      DataChunk chunk({type});
      chunk.SetValue(0, 0, IntList({1}));
      chunk.SetValue(0, 1, element ? IntList({2, std::nullopt}) : Value::Null(type));
      chunk.SetCardinality(2);
      try {
        writer.WriteChunk(chunk);
        FAIL() << "no error";
      } catch (const ConstraintError& e) {
        EXPECT_NE(std::string(e.what()).find("\"tags\""), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("element") != std::string::npos, element) << e.what();
      }
      EXPECT_EQ(writer.rows(), 0);
      writer.Close();
      EXPECT_EQ(ParquetReader(Path("required.parquet")).RowCount(), 0);
    }
  }
}

TEST_F(ParquetListWriterTest, ReaderKnowsAListByItsLogicalTypeAlone) {
  // Some writers annotate a list with the LIST logical type and no converted type: rewrite the footer so.
  const LogicalType type = LogicalType::List(TypeId::kInteger);
  const std::string path = Path("logical.parquet");
  ParquetWriter writer(path, {"l"}, {type}, {3});
  WriteRows(writer, {type}, 100, [](size_t, int64_t i) { return IntList({static_cast<int32_t>(i), 1}); });
  writer.Close();
  FileMetaData md = writer.metadata();
  md.schema[1].converted_type.reset();
  std::ifstream in(path, std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint32_t footer = 0;
  std::memcpy(&footer, file.data() + file.size() - 8, 4);
  file.resize(file.size() - 8 - footer);
  CompactWriter w;
  Write(w, md);
  file += w.data();
  AppendLittleEndian<uint32_t>(static_cast<uint32_t>(w.data().size()), file);
  file += "PAR1";
  std::ofstream(Path("rewritten.parquet"), std::ios::binary) << file;

  ParquetReader reader(Path("rewritten.parquet"));
  ASSERT_EQ(reader.Types(), std::vector<LogicalType>{type});
  EXPECT_EQ(reader.columns()[0].field_id, 3);
  EXPECT_EQ(ReadColumn(reader, 0).at(42), IntList({42, 1}));
}

TEST_F(ParquetListWriterTest, ListsOfListsAreRefusedNamingTheColumn) {
  const LogicalType nested = LogicalType::List(LogicalType::List(TypeId::kInteger));
  try {
    ParquetWriter writer(Path("nested.parquet"), {"id", "matrix"}, {TypeId::kInteger, nested}, {});
    FAIL() << "no error";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("\"matrix\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("INTEGER[][]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CheckWritableType("m", nested), NotImplementedError);
  EXPECT_NO_THROW(CheckWritableType("m", LogicalType::List(TypeId::kInterval)));
}

}  // namespace
}  // namespace basin::parquet
