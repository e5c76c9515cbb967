// The page index: written per column chunk, read back, and used to read only some rows of a row group.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "helpers/temp_dir.h"

namespace basin::parquet {
namespace {

const std::vector<LogicalType> kTypes = {TypeId::kInteger, TypeId::kDate, TypeId::kVarchar, TypeId::kBigInt};
constexpr int64_t kRows = 6000;

class ParquetPageIndexTest : public test::TempDirTest {
 protected:
  /// Columns: `id` INTEGER sorted (row number), `d` DATE sorted with NULLs every 5th row, `s` VARCHAR
  /// unsorted (random) with NULLs every 7th row, `r` BIGINT random. Small pages: many per column chunk.
  std::string WriteFile(const std::string& name) {
    const std::string path = Path(name);
    ParquetWriterOptions options;
    options.page_size = 512;
    options.row_group_size = 4000;
    options.codec = CompressionCodec::kSnappy;
    ParquetWriter writer(path, {"id", "d", "s", "r"}, kTypes, {}, options);
    std::mt19937 rng(7);
    for (int64_t done = 0; done < kRows;) {
      DataChunk chunk(kTypes);
      const size_t n = static_cast<size_t>(std::min<int64_t>(kVectorSize, kRows - done));
      for (size_t i = 0; i < n; ++i) {
        const int64_t row = done + static_cast<int64_t>(i);
        chunk.SetValue(0, i, Value::Integer(static_cast<int32_t>(row)));
        chunk.SetValue(
            1, i, row % 5 == 0 ? Value::Null(TypeId::kDate) : Value::Date(static_cast<int32_t>(row / 3)));
        chunk.SetValue(2, i,
                       row % 7 == 0 ? Value::Null(TypeId::kVarchar)
                                    : Value::Varchar("v" + std::to_string(rng() % 100000)));
        chunk.SetValue(3, i, Value::BigInt(static_cast<int64_t>(rng() % 1000)));
      }
      chunk.SetCardinality(n);
      writer.WriteChunk(chunk);
      done += static_cast<int64_t>(n);
    }
    writer.Close();
    return path;
  }
};

/// All rows of a row group as strings, one vector per row, read through `ranges` when given.
std::vector<std::vector<std::string>> ReadRows(const ParquetReader& reader, size_t group,
                                               const RowRanges* ranges, int64_t* pages = nullptr) {
  const std::vector<size_t> ids = {0, 1, 2, 3};
  auto scan = ranges ? reader.ReadRowGroup(group, ids, *ranges) : reader.ReadRowGroup(group, ids);
  std::vector<std::vector<std::string>> rows;
  DataChunk out;
  while (scan->Next(out)) {
    for (size_t r = 0; r < out.size(); ++r) {
      auto& row = rows.emplace_back();
      for (size_t c = 0; c < out.ColumnCount(); ++c) row.push_back(out.GetValue(c, r).ToString());
    }
  }
  if (pages) *pages = scan->pages_read();
  return rows;
}

/// The rows of `all` inside `ranges`.
std::vector<std::vector<std::string>> Select(const std::vector<std::vector<std::string>>& all,
                                             const RowRanges& ranges) {
  std::vector<std::vector<std::string>> out;
  for (const RowRange& r : ranges)
    for (int64_t i = r.begin; i < std::min<int64_t>(r.end, static_cast<int64_t>(all.size())); ++i)
      out.push_back(all[static_cast<size_t>(i)]);
  return out;
}

/// a < b for the INTEGER, DATE and VARCHAR values of these tests.
bool Less(const Value& a, const Value& b) {
  if (a.type().id() == TypeId::kVarchar) return a.GetString() < b.GetString();
  return a.GetInt64() < b.GetInt64();
}

/// Pages of `column` whose bounds may hold `value` (or whose NULL count is positive when `value` is NULL).
RowRanges PagesHolding(const ParquetReader& reader, size_t group, size_t column, const Value& value) {
  RowRanges ranges;
  const auto pages = reader.PageIndex(group, column);
  for (const PageStatistics& p : *pages) {
    const bool match = value.IsNull() ? p.stats.null_count.value_or(1) > 0
                                      : p.stats.min && p.stats.max && !Less(value, *p.stats.min) &&
                                            !Less(*p.stats.max, value);
    if (match) ranges.push_back({p.first_row, p.first_row + p.rows});
  }
  return ranges;
}

/// Rewrite `src` into `dst` with `extra` bytes after the data and a footer edited by `edit`, which gets the
/// file offset of `extra`.
void Rewrite(const std::string& src, const std::string& dst, const std::string& extra,
             const std::function<void(FileMetaData&, int64_t)>& edit) {
  std::ifstream in(src, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint32_t footer_size;
  std::memcpy(&footer_size, bytes.data() + bytes.size() - 8, 4);
  FileMetaData md = ParquetReader(src).metadata();
  std::string out = bytes.substr(0, bytes.size() - 8 - footer_size);
  const int64_t extra_offset = static_cast<int64_t>(out.size());
  out += extra;
  edit(md, extra_offset);
  CompactWriter w;
  Write(w, md);
  out += w.data();
  const uint32_t size = static_cast<uint32_t>(w.data().size());
  out.append(reinterpret_cast<const char*>(&size), 4);
  out += "PAR1";
  std::ofstream(dst, std::ios::binary | std::ios::trunc)
      .write(out.data(), static_cast<std::streamsize>(out.size()));
}

TEST(PageIndexMetadataTest, ColumnAndOffsetIndexesRoundTrip) {
  ColumnIndex ci;
  ci.null_pages = {false, true, false};
  ci.min_values = {"a", "", "c"};
  ci.max_values = {"b", "", "d"};
  ci.boundary_order = BoundaryOrder::kAscending;
  ci.null_counts = {0, 10, 2};
  OffsetIndex oi;
  oi.page_locations = {{4, 100, 0}, {104, 90, 10}};
  CompactWriter w1, w2;
  Write(w1, ci);
  Write(w2, oi);
  ColumnIndex ci2;
  OffsetIndex oi2;
  CompactReader r1(reinterpret_cast<const uint8_t*>(w1.data().data()), w1.data().size(), "f");
  CompactReader r2(reinterpret_cast<const uint8_t*>(w2.data().data()), w2.data().size(), "f");
  Read(r1, ci2);
  Read(r2, oi2);
  EXPECT_EQ(ci2.null_pages, ci.null_pages);
  EXPECT_EQ(ci2.min_values, ci.min_values);
  EXPECT_EQ(ci2.max_values, ci.max_values);
  EXPECT_EQ(ci2.boundary_order, ci.boundary_order);
  EXPECT_EQ(ci2.null_counts, ci.null_counts);
  ASSERT_EQ(oi2.page_locations.size(), 2u);
  EXPECT_EQ(oi2.page_locations[1].offset, 104);
  EXPECT_EQ(oi2.page_locations[1].compressed_page_size, 90);
  EXPECT_EQ(oi2.page_locations[1].first_row_index, 10);
  // Every truncation is a DataError, never a crash.
  for (size_t n = 0; n < w1.data().size(); ++n) {
    CompactReader r(reinterpret_cast<const uint8_t*>(w1.data().data()), n, "f");
    ColumnIndex x;
    EXPECT_THROW(Read(r, x), DataError);
  }
}

TEST_F(ParquetPageIndexTest, WriterIndexesEveryPage) {
  const std::string path = WriteFile("a.parquet");
  ParquetReader reader(path);
  ASSERT_EQ(reader.RowGroupCount(), 2u);
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    for (size_t c = 0; c < kTypes.size(); ++c) {
      const ColumnChunk& chunk = reader.metadata().row_groups[g].columns[c];
      ASSERT_TRUE(chunk.column_index_offset && chunk.offset_index_offset);
      const auto pages = reader.PageIndex(g, c);
      ASSERT_TRUE(pages);
      EXPECT_GT(pages->size(), 3u);
      int64_t next = 0, nulls = 0;
      for (const PageStatistics& p : *pages) {
        EXPECT_EQ(p.first_row, next);
        next += p.rows;
        nulls += p.stats.null_count.value_or(0);
        ASSERT_TRUE(p.stats.min && p.stats.max);
        EXPECT_FALSE(Less(*p.stats.max, *p.stats.min));
      }
      EXPECT_EQ(next, reader.RowGroupRows(g));
      EXPECT_EQ(nulls, *reader.ChunkStatistics(g, c).null_count);
    }
  }
  // Sorted `id`: page bounds follow the rows.
  const auto pages = *reader.PageIndex(1, 0);
  EXPECT_EQ(pages[0].stats.min->GetInt64(), 4000);
  EXPECT_EQ(pages.back().stats.max->GetInt64(), kRows - 1);
}

TEST_F(ParquetPageIndexTest, RangesReadOnlyTheirPagesAndExactlyTheirRows) {
  const std::string path = WriteFile("a.parquet");
  ParquetReader reader(path);
  for (size_t g = 0; g < reader.RowGroupCount(); ++g) {
    int64_t all_pages = 0;
    const auto all = ReadRows(reader, g, nullptr, &all_pages);
    const int64_t base = g == 0 ? 0 : 4000;
    // Sorted INTEGER and DATE, an unsorted VARCHAR and BIGINT, NULLs: one value's pages, then odd ranges.
    const std::vector<RowRanges> cases = {
        PagesHolding(reader, g, 0, Value::Integer(static_cast<int32_t>(base + 1234))),
        PagesHolding(reader, g, 1, Value::Date(static_cast<int32_t>((base + 2000) / 3))),
        PagesHolding(reader, g, 2, Value::Varchar("v5")),
        PagesHolding(reader, g, 1, Value::Null(TypeId::kDate)),
        {{0, 1}, {17, 19}, {1500, 1501}, {1999, 2100}},
        {{1000, 999999}},
        {},
    };
    for (const RowRanges& ranges : cases) {
      int64_t pages = 0;
      EXPECT_EQ(ReadRows(reader, g, &ranges, &pages), Select(all, ranges));
      int64_t rows = 0;
      for (const RowRange& r : ranges) rows += std::min(r.end, reader.RowGroupRows(g)) - r.begin;
      if (rows < reader.RowGroupRows(g) / 2) {
        EXPECT_LT(pages, all_pages / 2) << rows;
      }
    }
    // A sorted column's value lies in one or two pages per column.
    const RowRanges one = PagesHolding(reader, g, 0, Value::Integer(static_cast<int32_t>(base + 1234)));
    int64_t pages = 0;
    const auto rows = ReadRows(reader, g, &one, &pages);
    EXPECT_LT(rows.size(), 400u);
    EXPECT_LE(pages, 4 * 4);
  }
}

TEST_F(ParquetPageIndexTest, FileWithoutPageIndexStillReadsRanges) {
  const std::string path = WriteFile("a.parquet");
  const std::string bare = Path("bare.parquet");
  Rewrite(path, bare, "", [](FileMetaData& md, int64_t) {
    for (RowGroup& g : md.row_groups) {
      for (ColumnChunk& c : g.columns) {
        c.column_index_offset = c.offset_index_offset = std::nullopt;
        c.column_index_length = c.offset_index_length = std::nullopt;
      }
    }
  });
  ParquetReader with(path), without(bare);
  EXPECT_FALSE(without.PageIndex(0, 0));
  const RowRanges ranges = {{10, 20}, {3000, 3500}};
  EXPECT_EQ(ReadRows(without, 0, &ranges), ReadRows(with, 0, &ranges));
  EXPECT_EQ(ReadRows(without, 1, nullptr), ReadRows(with, 1, nullptr));
}

TEST_F(ParquetPageIndexTest, CorruptIndexesGiveDataErrorsNamingTheFile) {
  const std::string path = WriteFile("a.parquet");
  const std::string bad = Path("bad.parquet");
  const RowRanges ranges = {{2050, 2100}};
  auto expect_error = [&](const char* what) {
    try {
      ParquetReader reader(bad);
      (void)reader.PageIndex(0, 0);
      (void)ReadRows(reader, 0, &ranges);
      ADD_FAILURE() << what;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  };
  Rewrite(path, bad, "",
          [](FileMetaData& md, int64_t) { md.row_groups[0].columns[0].offset_index_length = 1 << 30; });
  expect_error("index past the end of the file");
  Rewrite(path, bad, "garbage!", [](FileMetaData& md, int64_t at) {
    md.row_groups[0].columns[0].column_index_offset = at;
    md.row_groups[0].columns[0].column_index_length = 8;
  });
  expect_error("unparseable column index");
  // A well-formed offset index that lies about where a page's rows start.
  ParquetReader good(path);
  const ColumnChunk& chunk = good.metadata().row_groups[0].columns[0];
  std::ifstream in(path, std::ios::binary);
  std::string index(static_cast<size_t>(*chunk.offset_index_length), '\0');
  in.seekg(*chunk.offset_index_offset);
  in.read(index.data(), static_cast<std::streamsize>(index.size()));
  CompactReader r(reinterpret_cast<const uint8_t*>(index.data()), index.size(), path);
  OffsetIndex oi;
  Read(r, oi);
  // The page holding row 2050 claims to start a row later: its header's value count gives it away. (An index
  // shifted as a whole past pages that are skipped unread cannot be caught, as in other readers.)
  for (size_t k = 1; k < oi.page_locations.size(); ++k) {
    if (oi.page_locations[k].first_row_index <= 2050 &&
        (k + 1 == oi.page_locations.size() || oi.page_locations[k + 1].first_row_index > 2050)) {
      oi.page_locations[k].first_row_index += 1;
    }
  }
  CompactWriter w;
  Write(w, oi);
  Rewrite(path, bad, w.data(), [&](FileMetaData& md, int64_t at) {
    md.row_groups[0].columns[0].offset_index_offset = at;
    md.row_groups[0].columns[0].offset_index_length = static_cast<int32_t>(w.data().size());
  });
  expect_error("lying offset index");
}

}  // namespace
}  // namespace basin::parquet
