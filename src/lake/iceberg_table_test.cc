#include "lake/iceberg_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/exception.h"
#include "formats/parquet/parquet_writer.h"
#include "lake/iceberg_manifest.h"

namespace basin::iceberg {
namespace {

namespace fs = std::filesystem;

/// A catalog pointer held in memory, compare-and-swap under a lock.
class TestPointer : public MetadataPointer {
 public:
  explicit TestPointer(std::string location) : location_(std::move(location)) {}
  std::string Load() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return location_;
  }
  bool Swap(const std::string& expected, const std::string& next) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (location_ != expected) return false;
    location_ = next;
    return true;
  }

 private:
  std::mutex mutex_;
  std::string location_;
};

class IcebergTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("basin_iceberg_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    pointer_ = std::make_shared<TestPointer>(IcebergTable::Create(dir_.string(), {{"x", TypeId::kBigInt, true, ""}}));
    table_ = std::make_shared<IcebergTable>(pointer_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Insert(IcebergTable& table, int64_t first, int64_t count) {
    auto writer = table.BeginWrite();
    DataChunk chunk({TypeId::kBigInt});
    for (int64_t i = 0; i < count; i++) chunk.column(0).data<int64_t>()[i] = first + i;
    chunk.SetCardinality(static_cast<size_t>(count));
    writer->Append(chunk);
    writer->Commit();
  }

  int64_t CountRows(IcebergTable& table) {
    auto scan = table.InitScan({0}, {});
    int64_t rows = 0;
    for (size_t m = 0; m < table.MorselCount(*scan); m++) {
      auto reader = table.OpenMorsel(*scan, m);
      DataChunk out({TypeId::kBigInt});
      while (reader->Next(out)) {
        rows += static_cast<int64_t>(out.size());
        out.Reset();
      }
    }
    return rows;
  }

  fs::path dir_;
  std::shared_ptr<TestPointer> pointer_;
  std::shared_ptr<IcebergTable> table_;
};

TEST_F(IcebergTableTest, ConcurrentWritersAllCommitAndReadersSeeWholeCommits) {
  // Two tables objects on one folder and pointer: as two writers that each cached an older version.
  auto other = std::make_shared<IcebergTable>(pointer_);
  constexpr int kCommits = 15;
  constexpr int64_t kRows = 100;
  bool torn = false;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) torn = torn || CountRows(*table_) % kRows != 0;
  });
  std::thread a([&] { for (int i = 0; i < kCommits; i++) Insert(*table_, i * kRows, kRows); });
  std::thread b([&] { for (int i = 0; i < kCommits; i++) Insert(*other, 100000 + i * kRows, kRows); });
  a.join();
  b.join();
  done = true;
  reader.join();
  EXPECT_FALSE(torn) << "a reader saw part of a commit";
  EXPECT_EQ(CountRows(*table_), 2 * kCommits * kRows);
  EXPECT_EQ(CountRows(*other), 2 * kCommits * kRows);
}

TEST_F(IcebergTableTest, ConflictingDeletesFailTheSecondWriter) {
  Insert(*table_, 0, 10);
  auto first = table_->BeginWrite();
  auto second = table_->BeginWrite();  // the same snapshot as `first`
  first->Delete({3});
  first->Commit();
  second->Delete({3});
  try {
    second->Commit();
    FAIL() << "the second delete of row 3 committed";
  } catch (const Exception& e) {
    EXPECT_EQ(e.sqlstate(), "40001");
  }
  EXPECT_EQ(CountRows(*table_), 9);
  // Deletes of other rows commit on top of the newer version.
  auto third = table_->BeginWrite();
  auto fourth = table_->BeginWrite();
  third->Delete({4});
  third->Commit();
  fourth->Delete({5});
  fourth->Commit();
  EXPECT_EQ(CountRows(*table_), 7);
}

TEST_F(IcebergTableTest, AVersionLeftByACrashedCommitIsSkipped) {
  Insert(*table_, 0, 5);
  // A commit that wrote v3.metadata.json and died before the catalog swap leaves an unreferenced version.
  std::string current = pointer_->Load();
  fs::copy_file(current, dir_ / "metadata" / "v3.metadata.json");
  Insert(*table_, 5, 5);
  EXPECT_EQ(fs::path(pointer_->Load()).filename(), "v4.metadata.json");
  EXPECT_EQ(CountRows(*table_), 10);
  // VACUUM takes the orphan away and keeps what the current version needs.
  table_->Execute("remove_orphan_files", {});
  EXPECT_FALSE(fs::exists(dir_ / "metadata" / "v3.metadata.json"));
  EXPECT_EQ(CountRows(*std::make_shared<IcebergTable>(pointer_)), 10);
}


/// Commit an equality-delete file of `keys` (values of field 1, `x`) onto the table, as an engine that
/// upserts by key (Flink) would: a Parquet file with field ids, a deletes manifest, a new snapshot.
void CommitEqualityDeletes(TestPointer& pointer, const fs::path& dir, const std::vector<int64_t>& keys) {
  const std::string current = pointer.Load();
  TableMetadata md = ParseTableMetadata(ReadFileBytes(current), current);
  const std::string path = (dir / "data" / ("eq-delete-" + NewUuid() + ".parquet")).string();
  {
    parquet::ParquetWriter writer(path, {"x"}, {TypeId::kBigInt}, {1});
    DataChunk chunk({TypeId::kBigInt});
    for (size_t i = 0; i < keys.size(); i++) chunk.column(0).data<int64_t>()[i] = keys[i];
    chunk.SetCardinality(keys.size());
    writer.WriteChunk(chunk);
    writer.Close();
  }
  DataFile file;
  file.content = FileContent::kEqualityDeletes;
  file.path = path;
  file.record_count = static_cast<int64_t>(keys.size());
  file.file_size = static_cast<int64_t>(fs::file_size(path));
  file.equality_ids = {1};
  Snapshot snap;
  snap.snapshot_id = md.last_sequence_number + 1000;
  snap.parent_id = md.current_snapshot_id;
  snap.sequence_number = md.last_sequence_number + 1;
  snap.timestamp_ms = NowMillis();
  snap.schema_id = md.current_schema_id;
  snap.summary = {{"operation", "delete"}};
  snap.manifest_list = (dir / "metadata" / ("snap-" + std::to_string(snap.snapshot_id) + ".avro")).string();
  std::vector<ManifestFile> manifests = ReadManifestList(md.CurrentSnapshot()->manifest_list);
  manifests.push_back(WriteManifest((dir / "metadata" / ("eq-" + NewUuid() + "-m0.avro")).string(),
                                    {{EntryStatus::kAdded, snap.snapshot_id, snap.sequence_number,
                                      snap.sequence_number, file}},
                                    md, 0, FileContent::kEqualityDeletes, snap.snapshot_id, snap.sequence_number));
  WriteManifestList(snap.manifest_list, manifests, snap.snapshot_id, snap.parent_id, snap.sequence_number);
  md.snapshots.push_back(snap);
  md.current_snapshot_id = snap.snapshot_id;
  md.last_sequence_number = snap.sequence_number;
  const std::string next = (dir / "metadata" / ("eq-" + NewUuid() + ".metadata.json")).string();
  WriteFileAtomic(next, md.ToJson());
  ASSERT_TRUE(pointer.Swap(current, next));
}

TEST_F(IcebergTableTest, EqualityDeletesFromAnotherEngineRemoveEarlierRowsOnly) {
  Insert(*table_, 0, 100);
  Insert(*table_, 5, 1);  // a second 5, also before the delete
  CommitEqualityDeletes(*pointer_, dir_, {5, 7, 1000});
  Insert(*table_, 5, 3);  // 5, 6, 7 again, after it: kept
  auto table = std::make_shared<IcebergTable>(pointer_);
  auto values = [&] {
    std::map<int64_t, int> counts;
    auto scan = table->InitScan({0}, {});
    for (size_t m = 0; m < table->MorselCount(*scan); m++) {
      auto reader = table->OpenMorsel(*scan, m);
      DataChunk out({TypeId::kBigInt});
      while (reader->Next(out)) {
        for (size_t i = 0; i < out.size(); i++) counts[out.column(0).GetValue(i).GetInt64()]++;
        out.Reset();
      }
    }
    return counts;
  };
  auto counts = values();
  EXPECT_EQ(counts[5], 1);
  EXPECT_EQ(counts[6], 2);
  EXPECT_EQ(counts[7], 1);
  EXPECT_EQ(counts[8], 1);
  EXPECT_EQ(CountRows(*table), 100 + 1 + 3 - 3);
  // Deletes written by Basin afterwards combine with them; OPTIMIZE folds both into new files.
  EXPECT_GT(table->Execute("optimize", {}), 0);
  EXPECT_EQ(values(), counts);
  EXPECT_EQ(table->State()->delete_files.size(), 0u);
}

}  // namespace
}  // namespace basin::iceberg
