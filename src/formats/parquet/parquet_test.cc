#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/thrift_compact.h"
#include "helpers/parquet_values.h"
#include "helpers/temp_dir.h"

namespace basin::parquet {
namespace {

using ParquetTest = test::TempDirTest;
using test::AllTypes;
using test::Expected;

void WriteRows(ParquetWriter& writer, const std::vector<LogicalType>& types, int64_t rows,
               int64_t first = 0) {
  DataChunk chunk(types);
  for (int64_t start = 0; start < rows; start += kVectorSize) {
    chunk.Reset();
    const size_t n = static_cast<size_t>(std::min<int64_t>(kVectorSize, rows - start));
    for (size_t c = 0; c < types.size(); ++c)
      for (size_t r = 0; r < n; ++r) chunk.SetValue(c, r, Expected(types[c], c, first + start + r));
    chunk.SetCardinality(n);
    writer.WriteChunk(chunk);
  }
}

std::vector<std::string> Names(size_t n) {
  std::vector<std::string> names;
  for (size_t i = 0; i < n; ++i) names.push_back("c" + std::to_string(i));
  return names;
}

/// Read every row group and check each value against Expected.
void CheckRows(const ParquetReader& reader, const std::vector<LogicalType>& types, int64_t rows) {
  ASSERT_EQ(reader.RowCount(), rows);
  std::vector<size_t> ids;
  for (size_t c = 0; c < types.size(); ++c) ids.push_back(c);
  int64_t row = 0;
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    auto scan = reader.ReadRowGroup(g, ids);
    DataChunk out;
    while (scan->Next(out)) {
      for (size_t r = 0; r < out.size(); ++r, ++row)
        for (size_t c = 0; c < types.size(); ++c)
          ASSERT_EQ(out.GetValue(c, r), Expected(types[c], c, row))
              << "row " << row << " column " << c << " (" << types[c].ToString() << ")";
    }
  }
  EXPECT_EQ(row, rows);
}

TEST(ThriftCompactTest, RoundTripsFieldsAndSkipsUnknown) {
  CompactWriter w;
  w.BeginStruct();
  w.I32Field(1, -5);
  w.BinaryField(2, "hello");
  w.I64Field(40, int64_t{1} << 40);  // a long field id delta
  w.WriteBoolField(41, true);
  w.FieldHeader(42, CompactType::kList);
  w.ListHeader(CompactType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.WriteI32(i * 1000);
  w.FieldHeader(43, CompactType::kDouble);
  w.WriteDouble(2.5);
  w.WriteBoolField(44, false);
  w.EndStruct();
  const std::string bytes = w.data();
  CompactReader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "t");
  r.BeginStruct();
  int16_t id;
  CompactType type;
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.ReadI32(), -5);
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(r.ReadBinary(), "hello");
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 40);
  EXPECT_EQ(r.ReadI64(), int64_t{1} << 40);
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 41);
  EXPECT_TRUE(r.ReadBool());
  ASSERT_TRUE(r.NextField(id, type));
  r.Skip(type);  // the list
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(r.ReadDouble(), 2.5);
  ASSERT_TRUE(r.NextField(id, type));
  EXPECT_EQ(id, 44);
  EXPECT_FALSE(r.ReadBool());
  EXPECT_FALSE(r.NextField(id, type));
  EXPECT_EQ(r.position(), bytes.size());
}

TEST(ThriftCompactTest, CorruptInputThrowsDataError) {
  // Nesting past the limit.
  std::string deep(200, static_cast<char>(0x1c));  // field delta 1, type struct, repeated
  CompactReader r(reinterpret_cast<const uint8_t*>(deep.data()), deep.size(), "deep.parquet");
  EXPECT_THROW(r.Skip(CompactType::kStruct), DataError);
  // A string longer than the input.
  const std::string s = "\x7fxx";
  CompactReader r2(reinterpret_cast<const uint8_t*>(s.data()), s.size(), "f.parquet");
  try {
    r2.ReadBinary();
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt Parquet metadata in f.parquet"), std::string::npos);
  }
}

TEST(ParquetMetadataTest, FileMetaDataRoundTripsAndEveryPrefixFails) {
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  m.schema.push_back(root);
  SchemaElement ts;
  ts.name = "ts";
  ts.type = Type::kInt64;
  ts.repetition_type = FieldRepetitionType::kOptional;
  ts.field_id = 7;
  ts.logical_type.kind = LogicalTypeAnnotation::Kind::kTimestamp;
  ts.logical_type.unit = TimeUnit::kNanos;
  ts.logical_type.is_adjusted_to_utc = true;
  m.schema.push_back(ts);
  SchemaElement dec;
  dec.name = "d";
  dec.type = Type::kFixedLenByteArray;
  dec.type_length = 16;
  dec.converted_type = ConvertedType::kDecimal;
  dec.logical_type.kind = LogicalTypeAnnotation::Kind::kDecimal;
  dec.logical_type.precision = 30;
  dec.logical_type.scale = 5;
  m.schema.push_back(dec);
  m.num_rows = 3;
  RowGroup g;
  g.num_rows = 3;
  ColumnChunk cc;
  cc.meta_data.emplace();
  cc.meta_data->type = Type::kInt64;
  cc.meta_data->encodings = {Encoding::kPlain, Encoding::kRleDictionary};
  cc.meta_data->path_in_schema = {"ts"};
  cc.meta_data->codec = CompressionCodec::kZstd;
  cc.meta_data->statistics.emplace();
  cc.meta_data->statistics->min_value = "abc";
  cc.meta_data->statistics->null_count = 1;
  g.columns.push_back(cc);
  m.row_groups.push_back(g);
  m.key_value_metadata.push_back({"k", "v"});
  m.created_by = "test";
  CompactWriter w;
  Write(w, m);
  const std::string bytes = w.data();

  FileMetaData back;
  CompactReader r(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "m");
  Read(r, back);
  ASSERT_EQ(back.schema.size(), 3u);
  EXPECT_EQ(back.schema[1].field_id, 7);
  EXPECT_EQ(back.schema[1].logical_type.kind, LogicalTypeAnnotation::Kind::kTimestamp);
  EXPECT_EQ(back.schema[1].logical_type.unit, TimeUnit::kNanos);
  EXPECT_TRUE(back.schema[1].logical_type.is_adjusted_to_utc);
  EXPECT_EQ(back.schema[2].logical_type.precision, 30);
  EXPECT_EQ(back.schema[2].logical_type.scale, 5);
  EXPECT_EQ(back.schema[2].type_length, 16);
  ASSERT_EQ(back.row_groups.size(), 1u);
  const auto& meta = *back.row_groups[0].columns[0].meta_data;
  EXPECT_EQ(meta.codec, CompressionCodec::kZstd);
  EXPECT_EQ(meta.encodings.size(), 2u);
  EXPECT_EQ(meta.statistics->min_value, "abc");
  EXPECT_EQ(meta.statistics->null_count, 1);
  EXPECT_EQ(back.key_value_metadata[0].value, "v");
  EXPECT_EQ(back.created_by, "test");
  for (size_t n = 0; n < bytes.size(); ++n) {
    CompactReader prefix(reinterpret_cast<const uint8_t*>(bytes.data()), n, "m");
    FileMetaData partial;
    EXPECT_THROW(Read(prefix, partial), DataError) << n;
  }
}

TEST(ParquetEncodingTest, RleHybridRoundTrips) {
  std::mt19937 rng(1);
  for (int width = 0; width <= 32; ++width) {
    std::vector<uint32_t> values(1000);
    const uint64_t mask = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = (i / 50) % 2 ? (rng() & mask) : static_cast<uint32_t>(7 & mask);
    std::string encoded;
    EncodeRleHybrid(values.data(), values.size(), width, encoded);
    const std::string file = "f";
    // Decoded in one call, and in slices that start and end inside groups of 8 and inside runs.
    for (size_t slice : {values.size(), size_t{1}, size_t{5}, size_t{13}}) {
      std::vector<uint32_t> decoded(values.size());
      RleHybridDecoder decoder(
          ByteReader(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), &file), width);
      for (size_t at = 0; at < values.size(); at += slice)
        decoder.Decode(decoded.data() + at, std::min(slice, values.size() - at));
      EXPECT_EQ(decoded, values) << width << " in slices of " << slice;
    }
  }
}

TEST_F(ParquetTest, RoundTripsEveryTypeWithNullsAcrossPagesAndRowGroups) {
  const auto types = AllTypes();
  ParquetWriterOptions options;
  options.row_group_size = 3000;
  options.page_size = 4096;
  const int64_t rows = 10000;
  {
    ParquetWriter writer(Path("all.parquet"), Names(types.size()), types, {}, options);
    WriteRows(writer, types, rows);
    writer.Close();
  }
  ParquetReader reader(Path("all.parquet"));
  EXPECT_EQ(reader.RowGroupCount(), 4u);
  EXPECT_EQ(reader.Types(), types);
  CheckRows(reader, types, rows);
}

TEST_F(ParquetTest, EveryCodecRoundTrips) {
  const auto types = AllTypes();
  for (CompressionCodec codec :
       {CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kZstd,
        CompressionCodec::kGzip, CompressionCodec::kLz4Raw}) {
    ParquetWriterOptions options;
    options.codec = codec;
    options.page_size = 8192;
    const std::string path = Path(CodecName(codec) + ".parquet");
    {
      ParquetWriter writer(path, Names(types.size()), types, {}, options);
      WriteRows(writer, types, 5000);
      writer.Close();
    }
    ParquetReader reader(path);
    EXPECT_EQ(reader.metadata().row_groups[0].columns[0].meta_data->codec, codec);
    CheckRows(reader, types, 5000);
  }
}

TEST_F(ParquetTest, DictionaryFallsBackToPlainWhenItGrows) {
  const std::vector<LogicalType> types = {TypeId::kVarchar, TypeId::kBigInt};
  ParquetWriterOptions options;
  options.dictionary_size_limit = 2000;  // the strings' dictionary outgrows it, the integers' does not
  {
    ParquetWriter writer(Path("fallback.parquet"), Names(2), types, {}, options);
    WriteRows(writer, types, 6000);
    writer.Close();
  }
  ParquetReader reader(Path("fallback.parquet"));
  const auto& strings = *reader.metadata().row_groups[0].columns[0].meta_data;
  auto has = [](const ColumnMetaData& m, Encoding e) {
    return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
  };
  EXPECT_TRUE(has(strings, Encoding::kRleDictionary));
  EXPECT_TRUE(has(strings, Encoding::kPlain));
  EXPECT_TRUE(strings.dictionary_page_offset.has_value());
  CheckRows(reader, types, 6000);

  options.dictionary = false;
  {
    ParquetWriter writer(Path("plain.parquet"), Names(2), types, {}, options);
    WriteRows(writer, types, 100);
    writer.Close();
  }
  ParquetReader plain(Path("plain.parquet"));
  EXPECT_FALSE(has(*plain.metadata().row_groups[0].columns[0].meta_data, Encoding::kRleDictionary));
  CheckRows(plain, types, 100);
}

TEST_F(ParquetTest, StatisticsFieldIdsAndRequiredColumns) {
  const std::vector<LogicalType> types = {TypeId::kInteger, TypeId::kVarchar};
  ParquetWriterOptions options;
  options.required = {true, false};
  {
    ParquetWriter writer(Path("stats.parquet"), {"id", "name"}, types, {11, 12}, options);
    DataChunk chunk(types);
    const int32_t ids[] = {5, -3, 9};
    for (size_t r = 0; r < 3; ++r) {
      chunk.SetValue(0, r, Value::Integer(ids[r]));
      chunk.SetValue(1, r, r == 1 ? Value::Null(TypeId::kVarchar) : Value::Varchar(r ? "zeta" : "alpha"));
    }
    chunk.SetCardinality(3);
    writer.WriteChunk(chunk);
    chunk.SetValue(0, 0, Value::Null(TypeId::kInteger));
    chunk.SetCardinality(1);
    EXPECT_THROW(writer.WriteChunk(chunk), ConstraintError);
    writer.Close();
  }
  ParquetReader reader(Path("stats.parquet"));
  EXPECT_EQ(reader.columns()[0].field_id, 11);
  EXPECT_EQ(reader.columns()[1].field_id, 12);
  EXPECT_TRUE(reader.columns()[0].required);
  EXPECT_FALSE(reader.columns()[1].required);
  const auto& s0 = *reader.metadata().row_groups[0].columns[0].meta_data->statistics;
  int32_t min, max;
  std::memcpy(&min, s0.min_value->data(), 4);
  std::memcpy(&max, s0.max_value->data(), 4);
  EXPECT_EQ(min, -3);
  EXPECT_EQ(max, 9);
  EXPECT_EQ(s0.null_count, 0);
  const auto& s1 = *reader.metadata().row_groups[0].columns[1].meta_data->statistics;
  EXPECT_EQ(s1.min_value, "alpha");
  EXPECT_EQ(s1.max_value, "zeta");
  EXPECT_EQ(s1.null_count, 1);
  // A projection, in another order.
  auto scan = reader.ReadRowGroup(0, {1, 0});
  DataChunk out;
  ASSERT_TRUE(scan->Next(out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.GetValue(0, 2), Value::Varchar("zeta"));
  EXPECT_EQ(out.GetValue(1, 1), Value::Integer(-3));
  EXPECT_FALSE(scan->Next(out));
}

TEST_F(ParquetTest, EmptyFileHasSchemaAndNoRows) {
  {
    ParquetWriter writer(Path("empty.parquet"), {"a"}, {TypeId::kDouble}, {}, {});
    writer.Close();
  }
  ParquetReader reader(Path("empty.parquet"));
  EXPECT_EQ(reader.RowCount(), 0);
  EXPECT_EQ(reader.RowGroupCount(), 0u);
  EXPECT_EQ(reader.Types(), std::vector<LogicalType>{TypeId::kDouble});
}

/// A page: header (sizes filled in) then an uncompressed body.
std::string Page(PageHeader header, const std::string& body) {
  header.uncompressed_page_size = header.compressed_page_size = static_cast<int32_t>(body.size());
  CompactWriter w;
  Write(w, header);
  return w.data() + body;
}

TEST_F(ParquetTest, ReadsDeltaByteArrayV2PagesAndInt96Timestamps) {
  // Column "s": DELTA_BYTE_ARRAY in a data page v2 holding apple, applesauce, apricot, banana:
  // prefix lengths 0,5,2,0 and suffix lengths 5,5,5,6, each DELTA_BINARY_PACKED (block 128, 4 miniblocks).
  std::string prefixes = std::string("\x80\x01\x04\x04\x00", 5) + "\x05" +
                         std::string("\x04\x00\x00\x00", 4) + std::string("\x08\x01", 2) +
                         std::string(14, '\0');
  std::string lengths = std::string("\x80\x01\x04\x04\x0a", 5) + std::string("\x00", 1) +
                        std::string("\x01\x00\x00\x00", 4) + std::string("\x04\x00\x00\x00", 4);
  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.data_page_header_v2.emplace();
  v2.data_page_header_v2->num_values = 4;
  v2.data_page_header_v2->num_rows = 4;
  v2.data_page_header_v2->encoding = Encoding::kDeltaByteArray;
  v2.data_page_header_v2->is_compressed = false;
  const std::string page_s = Page(v2, prefixes + lengths + "applesaucericotbanana");
  // Column "t": INT96 (nanoseconds of the day, then the Julian day), PLAIN in a v1 page, 4 times the same.
  std::string int96;
  for (int i = 0; i < 4; ++i) {
    AppendLittleEndian<int64_t>(3600LL * 1000000000LL, int96);
    AppendLittleEndian<int32_t>(2440589, int96);  // 1970-01-02
  }
  PageHeader v1;
  v1.type = PageType::kDataPage;
  v1.data_page_header.emplace();
  v1.data_page_header->num_values = 4;
  const std::string page_t = Page(v1, int96);

  FileMetaData m;
  SchemaElement root, s, t;
  root.name = "schema";
  root.num_children = 2;
  s.name = "s";
  s.type = Type::kByteArray;
  s.repetition_type = FieldRepetitionType::kRequired;
  s.logical_type.kind = LogicalTypeAnnotation::Kind::kString;
  t.name = "t";
  t.type = Type::kInt96;
  t.repetition_type = FieldRepetitionType::kRequired;
  m.schema = {root, s, t};
  m.num_rows = 4;
  RowGroup g;
  g.num_rows = 4;
  int64_t offset = 4;
  for (const auto& [type, page] : {std::pair{Type::kByteArray, page_s}, std::pair{Type::kInt96, page_t}}) {
    ColumnChunk cc;
    cc.meta_data.emplace();
    cc.meta_data->type = type;
    cc.meta_data->num_values = 4;
    cc.meta_data->data_page_offset = offset;
    cc.meta_data->total_compressed_size = static_cast<int64_t>(page.size());
    offset += static_cast<int64_t>(page.size());
    g.columns.push_back(cc);
  }
  m.row_groups.push_back(g);
  CompactWriter w;
  Write(w, m);
  std::string file = "PAR1" + page_s + page_t + w.data();
  AppendLittleEndian<uint32_t>(static_cast<uint32_t>(w.data().size()), file);
  file += "PAR1";
  {
    std::ofstream out(Path("delta.parquet"), std::ios::binary);
    out << file;
  }
  ParquetReader reader(Path("delta.parquet"));
  EXPECT_EQ(reader.Types(), (std::vector<LogicalType>{TypeId::kVarchar, TypeId::kTimestamp}));
  auto scan = reader.ReadRowGroup(0, {0, 1});
  DataChunk out;
  ASSERT_TRUE(scan->Next(out));
  ASSERT_EQ(out.size(), 4u);
  const char* expected[] = {"apple", "applesauce", "apricot", "banana"};
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(out.GetValue(0, r), Value::Varchar(expected[r]));
    EXPECT_EQ(out.GetValue(1, r), Value::Timestamp((86400LL + 3600LL) * 1000000LL));
  }
}

/// Read the whole file; any error must be a basin::Exception.
void ReadAllOrThrow(const std::string& path) {
  ParquetReader reader(path);
  std::vector<size_t> ids;
  for (size_t c = 0; c < reader.columns().size(); ++c) ids.push_back(c);
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    auto scan = reader.ReadRowGroup(g, ids);
    DataChunk out;
    while (scan->Next(out)) {
    }
  }
}

TEST_F(ParquetTest, CorruptAndTruncatedFilesGiveErrorsNamingTheFile) {
  const auto types = AllTypes();
  ParquetWriterOptions options;
  options.page_size = 512;
  options.codec = CompressionCodec::kSnappy;
  {
    ParquetWriter writer(Path("good.parquet"), Names(types.size()), types, {}, options);
    WriteRows(writer, types, 300);
    writer.Close();
  }
  std::ifstream in(Path("good.parquet"), std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string bad = Path("bad.parquet");
  auto write = [&](const std::string& bytes) {
    std::ofstream out(bad, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  };
  write(good.substr(0, good.size() - 1));
  try {
    ReadAllOrThrow(bad);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
  std::mt19937 rng(42);
  for (int i = 0; i < 400; ++i) {
    std::string bytes = good;
    if (i % 2) {
      bytes = bytes.substr(0, rng() % bytes.size()) + bytes.substr(bytes.size() - 8);
    } else {
      for (int k = 0; k < 1 + i % 5; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    write(bytes);
    try {
      ReadAllOrThrow(bad);
    } catch (const Exception&) {
    }
  }
}

TEST_F(ParquetTest, DictionaryIndexPastTheDictionaryIsCorrupt) {
  // 0, 1, 2 repeated: a dictionary of 3 values, indices bit-packed 2 bits wide (so 3 is representable).
  ParquetWriterOptions options;
  options.codec = CompressionCodec::kUncompressed;
  options.required = {true};
  const std::vector<LogicalType> types = {TypeId::kInteger};
  {
    ParquetWriter writer(Path("dict.parquet"), {"v"}, types, {}, options);
    DataChunk chunk(types);
    for (size_t r = 0; r < 64; ++r) chunk.SetValue(0, r, Value::Integer(static_cast<int32_t>(r % 3)));
    chunk.SetCardinality(64);
    writer.WriteChunk(chunk);
    writer.Close();
  }
  std::ifstream in(Path("dict.parquet"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int64_t page =
      ParquetReader(Path("dict.parquet")).metadata().row_groups[0].columns[0].meta_data->data_page_offset;
  CompactReader header_reader(reinterpret_cast<const uint8_t*>(bytes.data()) + page, bytes.size() - page,
                              "h");
  PageHeader header;
  Read(header_reader, header);
  // The page body: the bit width (2), the bit-packed run's header, then its bytes: the first four indices
  // become 3.
  const size_t body = static_cast<size_t>(page) + header_reader.position();
  ASSERT_EQ(bytes[body], 2);
  bytes[body + 2] = static_cast<char>(0xff);
  std::ofstream(Path("dict.parquet"), std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  try {
    ReadAllOrThrow(Path("dict.parquet"));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("dictionary index out of range"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace basin::parquet
