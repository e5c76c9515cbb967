#include "workflow/task_kinds.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "helpers/temp_dir.h"
#include "main/database.h"
#include "main/query_result.h"
#include "workflow/engine.h"

namespace basin::workflow {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// A database in a scratch data directory, for the kinds that use one.
class TaskKindsTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    database_ = std::make_unique<Database>(DatabaseConfig{.data_dir = (dir_ / "data").string()});
  }
  void TearDown() override {
    database_.reset();
    TempDirTest::TearDown();
  }
  TaskOutcome Run(const std::string& kind, std::map<std::string, std::string> args,
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    TaskInput input;
    input.kind = kind;
    input.args = std::move(args);
    input.deadline = SteadyClock::now() + timeout;
    input.database = database_.get();
    return RunTaskKind(input);
  }
  std::string Sql(const std::string& sql) {
    Connection connection(*database_);
    const auto result = connection.Query(sql);
    EXPECT_FALSE(result->HasError()) << sql << ": " << result->error().message;
    return result->RowCount() > 0 ? result->GetValue(0, 0).ToString() : "";
  }

  std::unique_ptr<Database> database_;
};

TEST_F(TaskKindsTest, SqlStopsAtTheFirstErrorAndOutputsTheLastValue) {
  TaskOutcome out =
      Run("sql", {{"sql", "CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2); SELECT sum(x) FROM t"}});
  EXPECT_TRUE(out.ok) << out.log;
  EXPECT_EQ(out.output, "3");
  out = Run("sql", {{"sql", "INSERT INTO t VALUES (3); SELECT nope FROM t; INSERT INTO t VALUES (4)"}});
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.log.find("ERROR 42703"), std::string::npos) << out.log;
  EXPECT_EQ(Sql("SELECT count(*) FROM t"), "3");  // the statement after the error did not run
}

TEST_F(TaskKindsTest, SqlIsInterruptedAtItsTimeout) {
  const TaskOutcome out = Run("sql",
                              {{"sql",
                                "SELECT count(*) FROM generate_series(1, 3000000) a(x), generate_series(1, "
                                "2000) b(y) WHERE x + y = 3"}},
                              std::chrono::milliseconds(200));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.log.find("ERROR 57014"), std::string::npos) << out.log;
  EXPECT_NE(out.log.find("[basin] timed out"), std::string::npos) << out.log;
}

TEST_F(TaskKindsTest, CopyLoadsEveryFileOfAGlob) {
  Sql("CREATE TABLE sales (day VARCHAR, amount INT)");
  std::filesystem::create_directories(dir_ / "in");
  std::ofstream(dir_ / "in" / "a.csv") << "day,amount\n2024-01-01,5\n";
  std::ofstream(dir_ / "in" / "b.csv") << "day,amount\n2024-01-01,7\n2024-01-02,1\n";
  TaskOutcome out = Run("copy", {{"from", (dir_ / "in" / "*.csv").string()}, {"into", "public.sales"}});
  EXPECT_TRUE(out.ok) << out.log;
  EXPECT_EQ(Sql("SELECT sum(amount) FROM sales"), "13");
  out = Run("copy", {{"from", (dir_ / "none" / "*.csv").string()}, {"into", "sales"}});
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.log.find("no file matches"), std::string::npos);
}

TEST_F(TaskKindsTest, WaitsForAFileATableSnapshotAndATopicOffset) {
  const std::string file = Path("ready.flag");
  std::thread writer([&] { std::ofstream(file) << "x"; });
  TaskOutcome out = Run("wait", {{"file", file}, {"poke_interval", "10ms"}});
  writer.join();
  EXPECT_TRUE(out.ok) << out.log;
  EXPECT_EQ(
      Run("wait", {{"file", Path("never")}, {"poke_interval", "10ms"}}, std::chrono::milliseconds(50)).log,
      "timed out waiting for file " + Path("never"));

  Sql("CREATE TABLE events (x INT)");
  Sql("INSERT INTO events VALUES (1)");
  // Inserted while the wait pokes (until it returns): a new snapshot, whoever writes it.
  std::atomic<bool> done{false};
  std::thread inserter([&] {
    while (!done) Sql("INSERT INTO events VALUES (2)");
  });
  out = Run("wait", {{"table", "events"}, {"poke_interval", "10ms"}});
  done = true;
  inserter.join();
  EXPECT_TRUE(out.ok) << out.log;

  Sql("CREATE TOPIC clicks (n INT) WITH (partitions = 2)");
  Sql("INSERT INTO clicks VALUES (1), (2), (3)");
  EXPECT_TRUE(Run("wait", {{"topic", "clicks"}, {"offset", "3"}, {"poke_interval", "10ms"}}).ok);
  EXPECT_FALSE(Run("wait", {{"topic", "clicks"}, {"offset", "4"}, {"poke_interval", "10ms"}},
                   std::chrono::milliseconds(50))
                   .ok);
}

TEST_F(TaskKindsTest, HttpFailsClearlyWhenNothingListens) {
  const TaskOutcome out = Run("http", {{"url", "http://127.0.0.1:1/hook"}}, std::chrono::seconds(2));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.log.find("cannot connect to 127.0.0.1:1"), std::string::npos) << out.log;
  EXPECT_NE(Run("http", {{"url", "ftp://example.com/"}}).log.find("expected http[s]://"), std::string::npos);
}

TEST_F(TaskKindsTest, DataTriggerRunsOnANewSnapshotWhoeverWritesIt) {
  Sql("CREATE TABLE orders (id INT)");
  std::filesystem::create_directories(dir_ / "dags");
  std::ofstream(dir_ / "dags" / "on_orders.yaml") << "schedule: {on_table: public.orders}\ntasks:\n  count: "
                                                     "{kind: sql, sql: \"SELECT count(*) FROM orders\"}\n";
  EngineOptions options;
  options.dags_dir = (dir_ / "dags").string();
  options.store_path = ":memory:";
  options.data_poll = std::chrono::milliseconds(10);
  WorkflowEngine engine(database_.get(), options);
  engine.Start();
  auto runs = [&] { return engine.store().Runs("on_orders", 10); };
  // The table as first seen makes no run; each snapshot after it makes one.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  while (engine.store().Runs("", 10).empty() && SteadyClock::now() < deadline) {
    Sql("INSERT INTO orders VALUES (1)");  // each insert is a snapshot: the poll sees one soon
  }
  ASSERT_FALSE(runs().empty());
  const RunRow run = runs().back();
  EXPECT_EQ(run.run_type, "data");
  EXPECT_NE(run.params.find("snapshot_id"), std::string::npos);
  EXPECT_EQ(engine.WaitRun(run.run_id, SteadyClock::now() + std::chrono::seconds(20)), "success");
  engine.Stop();
}

}  // namespace
}  // namespace basin::workflow
