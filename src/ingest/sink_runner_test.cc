#include "ingest/sink_runner.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "helpers/temp_dir.h"
#include "lake/iceberg_table.h"
#include "lake/topic_sink.h"
#include "main/database.h"

namespace basin::ingest {
namespace {

class SinkRunnerTest : public test::TempDirTest {
 protected:
  void Open() {
    connection_.reset();
    db_.reset();
    db_ = std::make_unique<Database>(DatabaseConfig{.data_dir = Path("data"), .threads = 1});
    connection_ = std::make_unique<Connection>(*db_);
  }
  void SetUp() override {
    TempDirTest::SetUp();
    Open();
    Ok("CREATE TOPIC clicks (user_id BIGINT NOT NULL, url VARCHAR) WITH (partitions = 2, key = 'user_id')");
  }
  void TearDown() override {
    connection_.reset();
    db_.reset();
    TempDirTest::TearDown();
  }

  void Ok(const std::string& sql) {
    auto r = connection_->Query(sql);
    ASSERT_FALSE(r->HasError()) << sql << ": " << r->error().message;
  }
  /// The SQLSTATE of a statement that must fail.
  std::string Fails(const std::string& sql) {
    auto r = connection_->Query(sql);
    EXPECT_TRUE(r->HasError()) << sql;
    return r->HasError() ? r->error().sqlstate : "";
  }
  /// The first column of the first row, as text.
  std::string One(const std::string& sql) {
    auto r = connection_->Query(sql);
    if (r->HasError()) return "error: " + r->error().message;
    if (r->RowCount() == 0) return "no rows";
    return r->GetValue(0, 0).ToString();
  }
  /// A column of SHOW SINKS's first row.
  std::string ShowSinks(const std::string& column) {
    auto r = connection_->Query("SHOW SINKS");
    if (r->HasError() || r->RowCount() == 0) return "none";
    for (size_t c = 0; c < r->ColumnCount(); c++) {
      if (r->names()[c] == column) return r->GetValue(c, 0).ToString();
    }
    return "no column " + column;
  }
  Landing Land(const std::string& sink, SinkRunnerOptions options = {}) {
    SinkRunner runner(*db_, options);
    return runner.LandNow(*db_->catalog().GetSink("public", sink));
  }
  void Produce(int from, int to) {
    std::string values;
    for (int i = from; i < to; i++) {
      values += (values.empty() ? "(" : ", (") + std::to_string(i) + ", 'https://x/" + std::to_string(i) + "')";
    }
    Ok("INSERT INTO clicks (user_id, url) VALUES " + values);
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(SinkRunnerTest, LandsEachRecordOnceAndQueriesSeeTheTailMeanwhile) {
  Produce(0, 100);
  Ok("CREATE SINK s FROM clicks INTO clicks_table");  // the table is made from the topic's columns
  EXPECT_EQ(One("SELECT count(*) FROM \"clicks_table$files\""), "0");
  // Nothing landed yet: the records are read from the log.
  EXPECT_EQ(One("SELECT count(*) FROM clicks_table"), "100");
  EXPECT_EQ(One("SELECT sum(user_id) FROM clicks_table"), "4950");

  EXPECT_EQ(Land("s").records, 100);
  EXPECT_EQ(Land("s").records, 0);  // nothing new: no commit
  EXPECT_EQ(One("SELECT count(*) FROM \"clicks_table$snapshots\""), "1");
  EXPECT_EQ(ShowSinks("lag"), "0");
  // The committed rows and no tail: still each record once.
  EXPECT_EQ(One("SELECT count(*) FROM clicks_table"), "100");
  EXPECT_EQ(One("SELECT count(DISTINCT user_id) FROM clicks_table"), "100");

  Produce(100, 150);
  EXPECT_EQ(One("SELECT count(*) FROM clicks_table"), "150");  // 100 committed, 50 from the log
  EXPECT_EQ(ShowSinks("lag"), "50");
  EXPECT_EQ(Land("s").records, 50);
  EXPECT_EQ(One("SELECT count(DISTINCT user_id) || '/' || count(*) FROM clicks_table"), "150/150");

  // A restart resumes from the offsets stored with the table.
  Open();
  EXPECT_EQ(Land("s").records, 0);
  Produce(150, 160);
  EXPECT_EQ(Land("s").records, 10);
  EXPECT_EQ(One("SELECT count(DISTINCT user_id) || '/' || count(*) FROM clicks_table"), "160/160");
}

TEST_F(SinkRunnerTest, CommitsOnlyOverTheOffsetsItRead) {
  Produce(0, 10);
  Ok("CREATE SINK s FROM clicks INTO t");
  ASSERT_EQ(Land("s").records, 10);
  auto table = std::dynamic_pointer_cast<iceberg::IcebergTable>(db_->catalog().GetTable("public", "t")->storage);
  const std::string key = SinkOffsetsKey("public.s");
  const std::string landed = iceberg::CommittedProperty(table->State()->metadata, key);
  EXPECT_FALSE(landed.empty());
  // A landing that read from older offsets (another process, a retry) must not commit: its rows are in.
  auto writer = table->BeginWrite();
  writer->SetCommitProperty(key, "", landed);
  try {
    writer->Commit();
    FAIL() << "a stale landing committed";
  } catch (const Exception& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kSerializationFailure);
  }
  EXPECT_EQ(One("SELECT count(*) FROM t"), "10");
  // Other writers' commits carry the offsets forward.
  Ok("INSERT INTO t VALUES (99, 'manual')");
  EXPECT_EQ(iceberg::CommittedProperty(table->State()->metadata, key), landed);
  EXPECT_EQ(Land("s").records, 0);
  EXPECT_EQ(One("SELECT count(*) FROM t"), "11");
}

TEST_F(SinkRunnerTest, CompactsSmallFiles) {
  Ok("CREATE SINK s FROM clicks INTO t");
  SinkRunnerOptions options;
  options.compact_min_files = 3;
  int64_t compacted = 0;
  for (int i = 0; i < 3; i++) {
    Produce(i * 10, i * 10 + 10);
    compacted += Land("s", options).compacted;
  }
  EXPECT_EQ(compacted, 1);
  EXPECT_EQ(One("SELECT count(*) FROM \"t$files\""), "1");
  EXPECT_EQ(One("SELECT count(DISTINCT user_id) || '/' || count(*) FROM t"), "30/30");
  Produce(30, 40);
  EXPECT_EQ(Land("s", options).records, 10);
  EXPECT_EQ(One("SELECT count(DISTINCT user_id) || '/' || count(*) FROM t"), "40/40");
}

TEST_F(SinkRunnerTest, FillsColumnsByNameFromPseudoColumnsAndFields) {
  Produce(0, 4);
  Ok("CREATE TABLE landed (_partition INTEGER, _offset BIGINT, _timestamp TIMESTAMPTZ, url VARCHAR)");
  Ok("CREATE SINK s FROM clicks INTO landed");
  EXPECT_EQ(Land("s").records, 4);
  Produce(4, 6);
  // Committed and uncommitted rows alike: each (partition, offset) once, every column filled.
  EXPECT_EQ(One("SELECT count(DISTINCT _partition * 1000000 + _offset) || '/' || count(*) || '/' || count(_timestamp) || "
                "'/' || count(url) FROM landed"),
            "6/6/6/6");

  Ok("CREATE TABLE bad (user_id BIGINT, extra VARCHAR)");
  EXPECT_EQ(Fails("CREATE SINK b FROM clicks INTO bad"), "42804");  // extra: not a column of the topic
  Ok("CREATE TABLE bad_type (_offset INTEGER)");
  EXPECT_EQ(Fails("CREATE SINK b FROM clicks INTO bad_type"), "42804");
  Ok("CREATE TABLE strict (url VARCHAR NOT NULL)");
  EXPECT_EQ(Fails("CREATE SINK b FROM clicks INTO strict"), "42804");  // url may be missing
  EXPECT_EQ(Fails("CREATE SINK b FROM nowhere INTO landed"), "42P01");
  EXPECT_EQ(Fails("CREATE SINK s FROM clicks INTO landed"), "42710");
  EXPECT_EQ(Fails("CREATE SINK b FROM clicks INTO landed WITH (commit_interval = 'soon')"), "22023");

  // Dependencies: the table and the topic stay while the sink does.
  EXPECT_EQ(Fails("DROP TABLE landed"), "2BP01");
  EXPECT_EQ(Fails("DROP TOPIC clicks"), "2BP01");
  Ok("DROP SINK s");
  EXPECT_EQ(One("SELECT count(*) FROM landed"), "4");  // no sink: the committed rows only
  Ok("DROP TABLE landed");
}

TEST_F(SinkRunnerTest, StartsAtTheEndWhenAskedAndAfterARecreate) {
  Produce(0, 5);
  Ok("CREATE SINK s FROM clicks INTO t WITH (start = 'latest', commit_interval = '1 second')");
  EXPECT_EQ(One("SELECT count(*) FROM t"), "0");
  Produce(5, 7);
  EXPECT_EQ(One("SELECT count(*) FROM t"), "2");
  EXPECT_EQ(Land("s").records, 2);
  EXPECT_EQ(ShowSinks("commit_interval_ms"), "1000");
  // Created again from the earliest records, the sink starts over: its old offsets do not linger.
  Ok("DROP SINK s");
  Ok("CREATE SINK s FROM clicks INTO t");
  EXPECT_EQ(One("SELECT count(*) FROM t"), "9");  // 2 committed, and all 7 records again from the log
}

}  // namespace
}  // namespace basin::ingest
