#include "lake/memory_table.h"

#include <gtest/gtest.h>

namespace basin {
namespace {

/// A table of `rows` BIGINT values 0, 1, 2, ... appended in one commit.
std::shared_ptr<MemoryTable> MakeTable(int64_t rows) {
  auto table = std::make_shared<MemoryTable>(std::vector<LogicalType>{TypeId::kBigInt});
  auto writer = table->BeginWrite();
  for (int64_t start = 0; start < rows; start += kVectorSize) {
    DataChunk chunk({TypeId::kBigInt});
    size_t n = std::min<int64_t>(kVectorSize, rows - start);
    for (size_t i = 0; i < n; i++) chunk.column(0).data<int64_t>()[i] = start + static_cast<int64_t>(i);
    chunk.SetCardinality(n);
    writer->Append(chunk);
  }
  writer->Commit();
  return table;
}

int64_t CountScanned(MemoryTable& table, const std::vector<TableFilter>& filters, size_t* morsels_read) {
  auto scan = table.InitScan({0}, filters);
  int64_t rows = 0;
  *morsels_read = 0;
  for (size_t m = 0; m < table.MorselCount(*scan); m++) {
    DataChunk out({TypeId::kBigInt});
    if (table.ScanSegment(*scan, m, out)) {
      rows += static_cast<int64_t>(out.size());
      (*morsels_read)++;
    }
  }
  return rows;
}

TEST(MemoryTableTest, ZoneMapsSkipSegmentsAFilterRulesOut) {
  auto table = MakeTable(10 * kVectorSize);
  size_t read = 0;
  EXPECT_EQ(CountScanned(*table, {}, &read), 10 * static_cast<int64_t>(kVectorSize));
  EXPECT_EQ(read, 10u);
  TableFilter eq{0, TableFilter::Op::kEqual, Value::BigInt(5000)};
  CountScanned(*table, {eq}, &read);
  EXPECT_EQ(read, 1u);  // only the segment holding 5000
  TableFilter ge{0, TableFilter::Op::kGreaterEqual, Value::BigInt(8 * kVectorSize)};
  EXPECT_EQ(CountScanned(*table, {ge}, &read), 2 * static_cast<int64_t>(kVectorSize));
  EXPECT_EQ(read, 2u);
  TableFilter lt{0, TableFilter::Op::kLess, Value::BigInt(0)};
  CountScanned(*table, {lt}, &read);
  EXPECT_EQ(read, 0u);
}

TEST(MemoryTableTest, WritesBecomeVisibleAtCommitAndScansKeepTheirSnapshot) {
  auto table = MakeTable(100);
  auto before = table->InitScan({0}, {});
  auto writer = table->BeginWrite();
  writer->Delete({0, 1, 2});
  EXPECT_EQ(table->RowCount(), 100);  // not yet committed
  writer->Commit();
  EXPECT_EQ(table->RowCount(), 97);
  DataChunk out({TypeId::kBigInt});
  ASSERT_TRUE(table->ScanSegment(*before, 0, out));
  EXPECT_EQ(out.size(), 100u);  // the earlier scan still sees its snapshot
}

TEST(MemoryTableTest, UpdatesRecomputeZoneMaps) {
  auto table = MakeTable(kVectorSize);
  auto writer = table->BeginWrite();
  DataChunk values({TypeId::kBigInt});
  values.column(0).data<int64_t>()[0] = 1000000;
  values.SetCardinality(1);
  writer->Update({7}, {0}, values);
  writer->Commit();
  size_t read = 0;
  TableFilter eq{0, TableFilter::Op::kEqual, Value::BigInt(1000000)};
  EXPECT_EQ(CountScanned(*table, {eq}, &read), static_cast<int64_t>(kVectorSize));
  EXPECT_EQ(read, 1u);
}

}  // namespace
}  // namespace basin
