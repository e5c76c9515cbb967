#include "lake/iceberg_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "helpers/temp_dir.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_metadata.h"

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

/// A table of one BIGINT column "x" in the test's folder.
class IcebergTableTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    pointer_ = std::make_shared<TestPointer>(IcebergTable::Create(dir_.string(), {{"x", TypeId::kBigInt, true, ""}}));
    table_ = std::make_shared<IcebergTable>(pointer_);
  }

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

/// The values of `storage`'s column 0, sorted.
std::vector<int64_t> Values(TableStorage& storage) {
  auto scan = storage.InitScan({0}, {});
  std::vector<int64_t> values;
  for (size_t m = 0; m < storage.MorselCount(*scan); m++) {
    auto reader = storage.OpenMorsel(*scan, m);
    DataChunk out({TypeId::kBigInt});
    while (reader->Next(out)) {
      for (size_t r = 0; r < out.size(); r++) values.push_back(out.GetValue(0, r).GetInt64());
      out.Reset();
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

TEST_F(IcebergTableTest, AppendsBetweenSnapshotsReadOnlyWhatEachAppendAdded) {
  auto snapshot = [&] { return *table_->State()->metadata.current_snapshot_id; };
  Insert(*table_, 0, 2);
  const int64_t first = snapshot();
  Insert(*table_, 10, 2);
  Insert(*table_, 20, 1);
  const int64_t third = snapshot();
  EXPECT_EQ(Values(*table_->AppendsBetween(std::nullopt, first)), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(Values(*table_->AppendsBetween(first, third)), (std::vector<int64_t>{10, 11, 20}));
  EXPECT_EQ(Values(*table_->AppendsBetween(third, third)), std::vector<int64_t>{});
  // A compaction moves rows (a "replace"): nothing new to read; the next append's rows only.
  ASSERT_GT(table_->CompactSmallFiles(int64_t{1} << 30, 2), 0);
  Insert(*table_, 30, 1);
  const int64_t fifth = snapshot();
  EXPECT_EQ(Values(*table_->AppendsBetween(third, fifth)), std::vector<int64_t>{30});
  // Deleted rows cannot be read as appends.
  {
    auto writer = table_->BeginWrite();
    writer->Delete({0});
    writer->Commit();
  }
  try {
    table_->AppendsBetween(fifth, snapshot());
    ADD_FAILURE() << "a delete read as appends";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "55000");
    EXPECT_NE(std::string(e.what()).find("\"delete\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(table_->AppendsBetween(snapshot(), first), CatalogError);  // not an ancestor
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

TEST(IcebergListMetadataTest, ElementIdsRoundTripAndCountInLastColumnId) {
  TableMetadata md;
  md.location = "/t";
  Schema schema;
  schema.fields.push_back({1, "id", true, TypeId::kBigInt, "", {}});
  schema.fields.push_back({2, "tags", false, LogicalType::List(LogicalType::Varchar(5)), "", {}});
  schema.fields.push_back({3, "small", false, LogicalType::List(TypeId::kSmallInt), "", {}});
  md.last_column_id = 3;
  for (Field& f : schema.fields) AssignElementIds(f, md.last_column_id);
  EXPECT_EQ(md.last_column_id, 5);
  md.schemas.push_back(schema);
  const TableMetadata back = ParseTableMetadata(md.ToJson(), "test");
  const Schema& s = back.CurrentSchema();
  EXPECT_EQ(back.last_column_id, 5);
  ASSERT_EQ(s.fields.size(), 3u);
  ASSERT_EQ(s.fields[1].elements.size(), 1u);
  EXPECT_EQ(s.fields[1].elements[0].id, 4);
  EXPECT_FALSE(s.fields[1].elements[0].required);
  EXPECT_EQ(s.fields[2].elements[0].id, 5);
  // Iceberg's list<string> and list<int> read back as the Basin types they were (kept in properties).
  EXPECT_EQ(s.fields[1].type.ToString(), "VARCHAR(5)[]");
  EXPECT_EQ(s.fields[2].type, LogicalType::List(TypeId::kSmallInt));
  // The Parquet footer's schema names the same element ids.
  EXPECT_NE(s.ToJson().find(R"("element-id":4)"), std::string::npos) << s.ToJson();
}

TEST(IcebergListMetadataTest, ListsWrittenByOtherEnginesAreRead) {
  // As Spark writes them: nested lists and required elements parse (the writer refuses only lists of lists).
  const std::string json = R"({"format-version": 2, "location": "/t", "last-column-id": 6, "current-schema-id": 0,
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [
      {"id": 1, "name": "ids", "required": true, "type": {"type": "list", "element-id": 3, "element": "long",
       "element-required": true}},
      {"id": 2, "name": "grid", "required": false, "type": {"type": "list", "element-id": 4,
       "element-required": false, "element": {"type": "list", "element-id": 5, "element": "double",
       "element-required": true}}}]}]})";
  const TableMetadata md = ParseTableMetadata(json, "spark");
  const auto& fields = md.CurrentSchema().fields;
  EXPECT_EQ(fields[0].type, LogicalType::List(TypeId::kBigInt));
  ASSERT_EQ(fields[0].elements.size(), 1u);
  EXPECT_EQ(fields[0].elements[0].id, 3);
  EXPECT_TRUE(fields[0].elements[0].required);
  EXPECT_EQ(fields[1].type, LogicalType::List(LogicalType::List(TypeId::kDouble)));
  ASSERT_EQ(fields[1].elements.size(), 2u);
  EXPECT_EQ(fields[1].elements[1].id, 5);
  EXPECT_TRUE(fields[1].elements[1].required);
  // Written back unchanged.
  const TableMetadata again = ParseTableMetadata(md.ToJson(), "again");
  EXPECT_EQ(again.CurrentSchema().fields[1].elements[1].id, 5);
  EXPECT_EQ(again.last_column_id, 6);
  // A list without its element id is malformed.
  std::string bad = json;
  bad.replace(bad.find(R"("element-id": 3, )"), 17, "");
  EXPECT_THROW(ParseTableMetadata(bad, "bad"), DataError);
}

/// A table of columns "id" BIGINT and "tags" VARCHAR[] in the test's folder.
class IcebergListTableTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    location_ = IcebergTable::Create(
        dir_.string(), {{"id", TypeId::kBigInt, true, ""}, {"tags", LogicalType::List(TypeId::kVarchar), false, ""}});
  }

  static Value Tags(std::vector<Value> items) { return Value::List(TypeId::kVarchar, std::move(items)); }

  /// Commit rows (id, tags) and more columns (NULL) as one write.
  static void Write(IcebergTable& table, const std::vector<std::pair<int64_t, Value>>& rows) {
    const Schema& schema = table.State()->metadata.CurrentSchema();
    std::vector<LogicalType> types;
    for (const Field& f : schema.fields) types.push_back(f.type);
    DataChunk chunk(types);
    for (size_t r = 0; r < rows.size(); r++) {
      chunk.SetValue(0, r, Value::BigInt(rows[r].first));
      chunk.SetValue(1, r, rows[r].second);
      for (size_t c = 2; c < types.size(); c++) chunk.SetValue(c, r, Value::Null(types[c]));
    }
    chunk.SetCardinality(rows.size());
    auto writer = table.BeginWrite();
    writer->Append(chunk);
    writer->Commit();
  }

  /// Every row of the table, in file order.
  static std::vector<std::vector<Value>> Rows(IcebergTable& table) {
    const Schema& schema = table.State()->metadata.CurrentSchema();
    std::vector<size_t> columns;
    std::vector<LogicalType> types;
    for (size_t c = 0; c < schema.fields.size(); c++) {
      columns.push_back(c);
      types.push_back(schema.fields[c].type);
    }
    std::vector<std::vector<Value>> rows;
    auto scan = table.InitScan(columns, {});
    for (size_t m = 0; m < table.MorselCount(*scan); m++) {
      auto reader = table.OpenMorsel(*scan, m);
      DataChunk out(types);
      while (reader->Next(out)) {
        for (size_t r = 0; r < out.size(); r++) {
          std::vector<Value>& row = rows.emplace_back();
          for (size_t c = 0; c < types.size(); c++) row.push_back(out.GetValue(c, r));
        }
        out.Reset();
      }
    }
    return rows;
  }

  std::string location_;
};

TEST_F(IcebergListTableTest, DataFilesCarryTheElementIdAndManifestsKeyOnlyItsSize) {
  auto pointer = std::make_shared<TestPointer>(location_);
  auto table = std::make_shared<IcebergTable>(pointer);
  const Schema& schema = table->State()->metadata.CurrentSchema();
  ASSERT_EQ(schema.fields[1].elements.size(), 1u);
  EXPECT_EQ(schema.fields[1].elements[0].id, 3);  // after the columns' ids 1 and 2
  Write(*table, {{1, Tags({Value::Varchar("a"), Value::Null(TypeId::kVarchar)})},
                 {2, Value::Null(LogicalType::List(TypeId::kVarchar))},
                 {3, Tags({})}});

  // As read back from the manifests.
  auto state = std::make_shared<IcebergTable>(pointer)->State();
  ASSERT_EQ(state->files.size(), 1u);
  const DataFile& file = state->files[0].file;
  // The element's chunk size, keyed by its id; no counts or bounds that would describe list slots as
  // elements, and nothing under the list's own id.
  EXPECT_TRUE(file.column_sizes.count(3));
  EXPECT_FALSE(file.column_sizes.count(2));
  for (int32_t id : {2, 3}) {
    EXPECT_FALSE(file.value_counts.count(id));
    EXPECT_FALSE(file.null_value_counts.count(id));
    EXPECT_FALSE(file.lower_bounds.count(id));
    EXPECT_FALSE(file.upper_bounds.count(id));
  }
  EXPECT_EQ(file.value_counts.at(1), 3);
  // In the Parquet file: the list group has the column's id, its element the element's.
  parquet::ParquetReader reader(file.path);
  const auto& elements = reader.metadata().schema;
  ASSERT_EQ(elements.size(), 5u);
  EXPECT_EQ(elements[2].name, "tags");
  EXPECT_EQ(elements[2].field_id, 2);
  EXPECT_EQ(elements[4].name, "element");
  EXPECT_EQ(elements[4].field_id, 3);

  const auto rows = Rows(*table);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], Tags({Value::Varchar("a"), Value::Null(TypeId::kVarchar)}));
  EXPECT_TRUE(rows[1][1].IsNull());
  EXPECT_EQ(rows[2][1], Tags({}));
}

TEST_F(IcebergListTableTest, AddedListColumnsTakeIdsAfterEveryOther) {
  auto table = std::make_shared<IcebergTable>(std::make_shared<TestPointer>(location_));
  Write(*table, {{1, Tags({Value::Varchar("old")})}});
  SchemaChange add;
  add.kind = SchemaChange::Kind::kAddColumn;
  add.name = "scores";
  add.type = LogicalType::List(TypeId::kDouble);
  table->AlterSchema(add);
  const TableMetadata& md = table->State()->metadata;
  const Field& scores = md.CurrentSchema().fields.at(2);
  EXPECT_EQ(scores.id, 4);
  ASSERT_EQ(scores.elements.size(), 1u);
  EXPECT_EQ(scores.elements[0].id, 5);
  EXPECT_EQ(md.last_column_id, 5);
  // Lists of lists cannot be added: the writer could not store them.
  add.name = "grid";
  add.type = LogicalType::List(add.type);
  EXPECT_THROW(table->AlterSchema(add), NotImplementedError);

  DataChunk chunk({TypeId::kBigInt, LogicalType::List(TypeId::kVarchar), LogicalType::List(TypeId::kDouble)});
  chunk.SetValue(0, 0, Value::BigInt(2));
  chunk.SetValue(1, 0, Tags({}));
  chunk.SetValue(2, 0, Value::List(TypeId::kDouble, {Value::Double(0.5), Value::Null(TypeId::kDouble)}));
  chunk.SetCardinality(1);
  auto writer = table->BeginWrite();
  writer->Append(chunk);
  writer->Commit();
  const auto rows = Rows(*table);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0][2].IsNull());  // the older file has no such column
  EXPECT_EQ(rows[1][2], Value::List(TypeId::kDouble, {Value::Double(0.5), Value::Null(TypeId::kDouble)}));
}

TEST_F(IcebergListTableTest, RequiredElementsOfAnotherEnginesTableAreWrittenRequired) {
  // As if another engine had declared the elements required.
  std::string json;
  {
    std::ifstream in(location_);
    json.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const size_t at = json.find(R"("element-required": false)");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 25, R"("element-required": true)");
  std::ofstream(location_, std::ios::trunc) << json;

  auto table = std::make_shared<IcebergTable>(std::make_shared<TestPointer>(location_));
  EXPECT_THROW(Write(*table, {{1, Tags({Value::Null(TypeId::kVarchar)})}}), ConstraintError);
  Write(*table, {{1, Tags({Value::Varchar("x")})}});
  parquet::ParquetReader reader(table->State()->files.at(0).file.path);
  EXPECT_EQ(reader.metadata().schema.at(4).repetition_type, parquet::FieldRepetitionType::kRequired);
  EXPECT_EQ(Rows(*table).at(0).at(1), Tags({Value::Varchar("x")}));
}

}  // namespace
}  // namespace basin::iceberg
