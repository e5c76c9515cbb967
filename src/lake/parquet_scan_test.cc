#include "lake/parquet_scan.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/exception.h"
#include "formats/parquet/parquet_writer.h"
#include "lake/parquet_statistics.h"

namespace basin {
namespace {

/// A file of BIGINT `id` start, start+1, ... in row groups of `group_rows`, with a VARCHAR `s` of the same
/// numbers zero-padded to 6 digits.
std::string WriteFile(const std::string& name, int64_t start, int64_t rows, size_t group_rows,
                      size_t page_size = 1 << 20) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  parquet::ParquetWriterOptions options;
  options.row_group_size = group_rows;
  options.page_size = page_size;
  parquet::ParquetWriter writer(path, {"id", "s"}, {TypeId::kBigInt, TypeId::kVarchar}, {}, options);
  for (int64_t done = 0; done < rows;) {
    DataChunk chunk({TypeId::kBigInt, TypeId::kVarchar});
    const size_t n = static_cast<size_t>(std::min<int64_t>(kVectorSize, rows - done));
    for (size_t i = 0; i < n; ++i) {
      const int64_t v = start + done + static_cast<int64_t>(i);
      chunk.column(0).data<int64_t>()[i] = v;
      char text[16];
      std::snprintf(text, sizeof text, "%06lld", static_cast<long long>(v));
      chunk.column(1).SetValue(i, Value::Varchar(text));
    }
    chunk.SetCardinality(n);
    writer.WriteChunk(chunk);
    done += static_cast<int64_t>(n);
  }
  writer.Close();
  return path;
}

/// Scan every morsel; return the rows that came out and set `morsels` to the number of morsels.
int64_t Scan(ParquetFilesTable& table, const std::vector<size_t>& ids,
             const std::vector<TableFilter>& filters, size_t* morsels, int64_t* rows_read = nullptr) {
  auto state = table.InitScan(ids, filters);
  *morsels = table.MorselCount(*state);
  int64_t rows = 0;
  for (size_t m = 0; m < *morsels; ++m) {
    auto reader = table.OpenMorsel(*state, m);
    DataChunk out;
    while (reader->Next(out)) rows += static_cast<int64_t>(out.size());
  }
  if (rows_read) *rows_read = static_cast<ParquetScanState&>(*state).rows_read;
  return rows;
}

ParquetFilesTable MakeTable(std::vector<ParquetDataFile> files) {
  std::vector<ParquetScanColumn> columns = {{"id", TypeId::kBigInt, std::nullopt},
                                            {"s", TypeId::kVarchar, std::nullopt},
                                            {"part", TypeId::kBigInt, std::nullopt}};
  return ParquetFilesTable(std::move(files), std::move(columns), nullptr, 0);
}

TEST(ParquetScanTest, StatisticsSkipRowGroupsAFilterRulesOut) {
  const std::string a = WriteFile("basin_scan_test_a.parquet", 0, 10000, 1000);
  auto table = MakeTable({{a, {}}});
  size_t morsels = 0;
  EXPECT_EQ(Scan(table, {0}, {}, &morsels), 10000);
  EXPECT_EQ(morsels, 10u);
  int64_t read = 0;
  EXPECT_EQ(Scan(table, {0}, {{0, TableFilter::Op::kEqual, Value::BigInt(4321)}}, &morsels, &read), 1000);
  EXPECT_EQ(morsels, 1u);
  EXPECT_EQ(read, 1000);
  Scan(table, {0}, {{0, TableFilter::Op::kGreaterEqual, Value::BigInt(8000)}}, &morsels);
  EXPECT_EQ(morsels, 2u);
  Scan(table, {0}, {{0, TableFilter::Op::kLess, Value::BigInt(0)}}, &morsels);
  EXPECT_EQ(morsels, 0u);
  // Strings: Basin writes min_value/max_value under TYPE_ORDER, so they are trusted.
  Scan(table, {0}, {{1, TableFilter::Op::kLessEqual, Value::Varchar("001500")}}, &morsels);
  EXPECT_EQ(morsels, 2u);
  // A column the files lack is NULL: no comparison holds.
  Scan(table, {0}, {{2, TableFilter::Op::kEqual, Value::BigInt(1)}}, &morsels);
  EXPECT_EQ(morsels, 0u);
}

TEST(ParquetScanTest, PageIndexSkipsPagesAFilterRulesOut) {
  const std::string a = WriteFile("basin_scan_test_pages.parquet", 0, 10000, 10000, 1024);
  auto table = MakeTable({{a, {}}});
  auto scan = [&](const std::vector<TableFilter>& filters, int64_t* matching) {
    auto state = table.InitScan({0, 1, 2}, filters);
    auto& s = static_cast<ParquetScanState&>(*state);
    *matching = 0;
    for (size_t m = 0; m < table.MorselCount(*state); ++m) {
      auto reader = table.OpenMorsel(*state, m);
      DataChunk out;
      while (reader->Next(out)) {
        for (size_t r = 0; r < out.size(); ++r) {
          // Rows stay aligned: the string column spells the id.
          char text[16];
          const int64_t id = out.GetValue(0, r).GetInt64();
          std::snprintf(text, sizeof text, "%06lld", static_cast<long long>(id));
          EXPECT_EQ(out.GetValue(1, r).GetString(), text);
          bool pass = true;
          for (const TableFilter& f : filters) {
            const Value v = out.GetValue(f.column, r);
            const bool at_least = f.column == 0 ? v.GetInt64() >= f.constant.GetInt64()
                                                : v.GetString() >= f.constant.GetString();
            pass &= f.op == TableFilter::Op::kEqual ? v == f.constant : at_least;
          }
          *matching += pass;
        }
      }
    }
    EXPECT_EQ(s.rows_read + s.rows_skipped, 10000);
    return s.rows_read.load();
  };
  int64_t matching = 0;
  EXPECT_LT(scan({{0, TableFilter::Op::kEqual, Value::BigInt(4321)}}, &matching), 1000);
  EXPECT_EQ(matching, 1);
  // Two filters: the intersection of their pages.
  const int64_t read = scan({{0, TableFilter::Op::kGreaterEqual, Value::BigInt(5000)},
                             {1, TableFilter::Op::kGreaterEqual, Value::Varchar("009900")}},
                            &matching);
  EXPECT_EQ(matching, 100);
  EXPECT_LT(read, 1000);
}

TEST(ParquetScanTest, PartitionConstantsPruneFilesBeforeOpeningThem) {
  const std::string a = WriteFile("basin_scan_test_p1.parquet", 0, 100, 1000);
  // The second file does not exist: pruned by its constant, it is never opened.
  auto table =
      MakeTable({{a, {{2, Value::BigInt(1)}}}, {"/nonexistent/basin.parquet", {{2, Value::BigInt(2)}}}});
  size_t morsels = 0;
  EXPECT_EQ(Scan(table, {0, 2}, {{2, TableFilter::Op::kEqual, Value::BigInt(1)}}, &morsels), 100);
  EXPECT_EQ(morsels, 1u);
  EXPECT_THROW(Scan(table, {0}, {}, &morsels), IOError);
}

TEST(ParquetScanTest, StatisticsDecideOnlyWhenTheyCan) {
  parquet::ColumnStatistics stats;
  stats.value_count = 10;
  const TableFilter eq{0, TableFilter::Op::kEqual, Value::BigInt(5)};
  EXPECT_TRUE(StatisticsMayMatch(stats, eq));  // no statistics: never skip
  stats.null_count = 10;
  EXPECT_FALSE(StatisticsMayMatch(stats, eq));  // only NULLs
  EXPECT_TRUE(StatisticsMayMatch(stats, {0, TableFilter::Op::kIsNull, Value()}));
  stats.null_count = 0;
  stats.min = Value::Integer(6);
  stats.max = Value::Integer(9);
  EXPECT_FALSE(StatisticsMayMatch(stats, eq));  // INTEGER bounds against a BIGINT constant
  EXPECT_TRUE(StatisticsMayMatch(stats, {0, TableFilter::Op::kGreater, Value::BigInt(8)}));
  EXPECT_FALSE(StatisticsMayMatch(stats, {0, TableFilter::Op::kIsNull, Value()}));
  // Incomparable types (here a string bound against a number) never skip.
  stats.min = Value::Varchar("a");
  EXPECT_TRUE(StatisticsMayMatch(stats, eq));
}

}  // namespace
}  // namespace basin
