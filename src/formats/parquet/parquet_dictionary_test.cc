// Vectors read from dictionary-encoded pages carry their dictionary codes (DictionaryCodes); others do not.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace basin::parquet {
namespace {

TEST(ParquetDictionaryTest, DictionaryPagesGiveCodesThatMatchTheValues) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("basin_dictionary_test_" + std::to_string(::getpid()) + ".parquet"))
                               .string();
  const std::vector<LogicalType> types = {TypeId::kVarchar, TypeId::kVarchar, TypeId::kBigInt};
  const std::vector<std::string> modes = {"MAIL", "SHIP", "a mode longer than twelve bytes"};
  constexpr int64_t kRows = 5000;
  {
    ParquetWriterOptions options;
    options.dictionary_size_limit = 1000;  // the unique strings fall back to PLAIN; the modes stay encoded
    ParquetWriter writer(path, {"mode", "unique", "n"}, types, {}, options);
    DataChunk chunk(types);
    for (int64_t row = 0; row < kRows;) {
      chunk.Reset();
      size_t n = 0;
      for (; n < kVectorSize && row < kRows; ++n, ++row) {
        chunk.SetValue(0, n, Value::Varchar(modes[row % 3]));
        chunk.SetValue(1, n, Value::Varchar("unique value " + std::to_string(row)));
        chunk.SetValue(2, n, row % 10 == 0 ? Value::Null(TypeId::kBigInt) : Value::BigInt(row % 4));
      }
      chunk.SetCardinality(n);
      writer.WriteChunk(chunk);
    }
    writer.Close();
  }
  ParquetReader reader(path);
  auto rows = reader.ReadRowGroup(0, {0, 1, 2});
  int64_t row = 0, coded_chunks = 0, plain_tail_chunks = 0;
  DataChunk out;
  while (rows->Next(out)) {
    const DictionaryCodes* codes = out.column(0).dictionary();
    ASSERT_NE(codes, nullptr) << "row " << row;
    EXPECT_EQ(codes->size, modes.size());
    for (size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(codes->values->GetValue(codes->codes[i]), out.column(0).GetValue(i));
      EXPECT_EQ(out.column(0).GetValue(i), Value::Varchar(modes[(row + static_cast<int64_t>(i)) % 3]));
    }
    ++coded_chunks;
    // The unique strings outgrow their dictionary: chunks from PLAIN pages have no codes.
    if (out.column(1).dictionary() == nullptr) ++plain_tail_chunks;
    // The integers have NULLs: no codes, since NULL rows have no entry.
    EXPECT_EQ(out.column(2).dictionary(), nullptr);
    row += static_cast<int64_t>(out.size());
  }
  EXPECT_EQ(row, kRows);
  EXPECT_GT(coded_chunks, 1);
  EXPECT_GT(plain_tail_chunks, 0);

  // A change to the rows drops the codes; a reference keeps them.
  Vector copy(TypeId::kVarchar);
  rows = reader.ReadRowGroup(0, {0});
  ASSERT_TRUE(rows->Next(out));
  copy.Reference(out.column(0));
  EXPECT_NE(copy.dictionary(), nullptr);
  copy.SetValue(0, Value::Varchar("changed"));
  EXPECT_EQ(copy.dictionary(), nullptr);
  sel_t sel[] = {1, 0};
  Vector sliced(TypeId::kVarchar);
  sliced.Slice(out.column(0), sel, 2);
  EXPECT_EQ(sliced.dictionary(), nullptr);
  out.Reset();
  EXPECT_EQ(out.column(0).dictionary(), nullptr);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace basin::parquet
