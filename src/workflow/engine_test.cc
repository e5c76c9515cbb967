#include "workflow/engine.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "helpers/temp_dir.h"

namespace basin::workflow {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// An engine over a scratch folder of DAG files and an in-memory history.
class EngineTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    std::filesystem::create_directories(dir_ / "dags");
  }
  void TearDown() override {
    if (engine_) engine_->Stop();
    engine_.reset();
    TempDirTest::TearDown();
  }
  void Write(const std::string& name, const std::string& yaml) {
    const auto temporary = dir_ / "dags" / ("." + name + ".tmp");
    std::ofstream(temporary) << yaml;
    std::filesystem::rename(temporary, dir_ / "dags" / name);
  }
  WorkflowEngine& Start(EngineOptions options = {}) {
    options.dags_dir = (dir_ / "dags").string();
    if (options.store_path.empty()) options.store_path = Path("history.db");
    engine_ = std::make_unique<WorkflowEngine>(nullptr, std::move(options));
    engine_->Start();
    return *engine_;
  }
  std::string Wait(int64_t run) {
    return engine_->WaitRun(run, SteadyClock::now() + std::chrono::seconds(20));
  }
  std::map<std::string, TaskRow> Tasks(int64_t run) {
    std::map<std::string, TaskRow> out;
    const std::optional<RunDetail> detail = engine_->GetRun(run);
    for (const TaskRow& t : detail->tasks) out[t.task] = t;
    return out;
  }
  /// Poll `check` until it holds or 10 s pass.
  template <class F>
  bool Eventually(F check) {
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (SteadyClock::now() < deadline) {
      if (check()) return true;
      std::this_thread::yield();
    }
    return check();
  }

  std::unique_ptr<WorkflowEngine> engine_;
};

TEST_F(EngineTest, RunsAChainInOrderWithTemplatesAndOutputs) {
  Write("chain.yaml", R"(name: chain
params: {region: KR}
tasks:
  a: {kind: shell, command: "echo day {{ ds }}; echo {{ params.region }}-{{ ds_nodash }}"}
  b: {kind: shell, depends_on: [a], command: "echo got $GOT", env: {GOT: "{{ outputs.a }}/{{ run_id }}"}}
  c: {kind: noop, depends_on: [b]}
)");
  WorkflowEngine& engine = Start();
  const int64_t run =
      engine.Trigger("chain", {{"region", "EU"}}, ParseTime("2024-01-31 10:00", LoadZone("UTC")));
  EXPECT_EQ(Wait(run), "success");
  auto tasks = Tasks(run);
  EXPECT_EQ(tasks["a"].output, "EU-20240131");
  EXPECT_EQ(tasks["b"].output, "got EU-20240131/" + std::to_string(run));
  EXPECT_EQ(tasks["c"].state, "success");
  const auto attempts = engine.store().Attempts(run, "a");
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].log, "day 2024-01-31\nEU-20240131\n");
  EXPECT_LE(tasks["a"].end_ms, tasks["b"].start_ms);
}

TEST_F(EngineTest, RetriesWithBackoffThenSucceeds) {
  const std::string counter = Path("tries");
  Write("flaky.yaml",
        "tasks:\n  f:\n    kind: shell\n    retries: 3\n    retry_delay: 20ms\n    command: \"echo x >> " +
            counter + "; test $(wc -l < " + counter + ") -ge 3\"\n");
  WorkflowEngine& engine = Start();
  const int64_t run = engine.Trigger("flaky", {});
  EXPECT_EQ(Wait(run), "success");
  const auto attempts = engine.store().Attempts(run, "f");
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].state, "failed");
  EXPECT_EQ(attempts[1].state, "failed");
  EXPECT_EQ(attempts[2].state, "success");
  // Exponential: the second wait is at least twice the first delay.
  EXPECT_GE(attempts[1].start_ms - attempts[0].end_ms, 20);
  EXPECT_GE(attempts[2].start_ms - attempts[1].end_ms, 40);
  EXPECT_NE(attempts[0].log.find("exit status 1"), std::string::npos);
}

TEST_F(EngineTest, TriggerRules) {
  Write("rules.yaml", R"(tasks:
  bad: {kind: shell, command: "exit 3"}
  after_success: {kind: noop, depends_on: [bad]}
  on_failure: {kind: shell, depends_on: [bad], trigger: one_failed, command: "echo cleanup"}
  always: {kind: noop, depends_on: [after_success, on_failure], trigger: all_done}
  ok: {kind: noop}
  on_failure_of_ok: {kind: noop, depends_on: [ok], trigger: one_failed}
)");
  WorkflowEngine& engine = Start();
  const int64_t run = engine.Trigger("rules", {});
  EXPECT_EQ(Wait(run), "success");  // its last tasks succeeded or were skipped
  auto tasks = Tasks(run);
  EXPECT_EQ(tasks["bad"].state, "failed");
  EXPECT_EQ(tasks["after_success"].state, "upstream_failed");
  EXPECT_EQ(tasks["on_failure"].state, "success");
  EXPECT_EQ(tasks["always"].state, "success");
  EXPECT_EQ(tasks["on_failure_of_ok"].state, "skipped");

  Write("fails.yaml",
        "tasks:\n  a: {kind: shell, command: \"exit 1\"}\n  b: {kind: noop, depends_on: [a]}\n");
  ASSERT_TRUE(Eventually([&] { return engine.GetDag("fails").has_value(); }));
  EXPECT_EQ(Wait(engine.Trigger("fails", {})), "failed");
}

TEST_F(EngineTest, TimeoutKillsTheShellsProcessGroup) {
  const std::string pid_file = Path("child.pid");
  Write("hang.yaml", "tasks:\n  h: {kind: shell, timeout: 300ms, command: \"sleep 60 & echo $! > " +
                         pid_file + "; wait\"}\n");
  WorkflowEngine& engine = Start();
  const int64_t run = engine.Trigger("hang", {});
  EXPECT_EQ(Wait(run), "failed");
  const auto attempts = engine.store().Attempts(run, "h");
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_NE(attempts[0].log.find("timed out: killed process group"), std::string::npos) << attempts[0].log;
  pid_t child = 0;
  std::ifstream(pid_file) >> child;
  ASSERT_GT(child, 0);
  // The background sleep was in the group: it is gone (a zombie until init reaps it).
  EXPECT_TRUE(Eventually([&] {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string pid, name, state;
    return !(stat >> pid >> name >> state) || state == "Z";
  }));
}

TEST_F(EngineTest, AnSlaMissIsRecorded) {
  Write("late.yaml", "sla: 50ms\ntasks:\n  slow: {kind: shell, command: \"sleep 0.3\"}\n");
  Write("prompt.yaml", "sla: 1h\ntasks:\n  quick: {kind: noop}\n");
  WorkflowEngine& engine = Start();
  const int64_t late = engine.Trigger("late", {}), prompt = engine.Trigger("prompt", {});
  EXPECT_EQ(Wait(late), "success");
  EXPECT_EQ(Wait(prompt), "success");
  EXPECT_TRUE(engine.store().Run(late)->sla_missed);
  EXPECT_FALSE(engine.store().Run(prompt)->sla_missed);
}

TEST_F(EngineTest, FolderEditsApplyAndBrokenFilesAreReported) {
  Write("one.yaml", "tasks:\n  a: {kind: noop}\n");
  Write("two.yaml", "tasks:\n  a: {kind: noop}\n  b: {kind: noop, depends_on: [a]}\n");
  WorkflowEngine& engine = Start();
  ASSERT_EQ(engine.Dags().size(), 2u);
  Write("two.yaml", "tasks:\n  a: {kind: noop}\n  b: {kind: noop, depends_on: [c]}\n");
  ASSERT_TRUE(Eventually([&] { return !engine.Errors().empty(); }));
  EXPECT_EQ(engine.Errors()[0].line, 3);
  EXPECT_NE(engine.Errors()[0].message.find("two.yaml:3: task \"b\" depends on \"c\""), std::string::npos);
  // The other DAG runs, and the broken one keeps its last good definition.
  EXPECT_EQ(Wait(engine.Trigger("one", {})), "success");
  EXPECT_EQ(engine.GetDag("two")->dag->tasks.size(), 2u);
  Write("two.yaml", "tasks:\n  x: {kind: noop}\n");
  ASSERT_TRUE(
      Eventually([&] { return engine.Errors().empty() && engine.GetDag("two")->dag->tasks[0].id == "x"; }));
  std::filesystem::remove(dir_ / "dags" / "one.yaml");
  ASSERT_TRUE(Eventually([&] { return !engine.GetDag("one"); }));
  EXPECT_THROW(engine.Trigger("one", {}), std::invalid_argument);
}

TEST_F(EngineTest, ClearRerunsATaskAndWhatFollows) {
  Write(
      "c.yaml",
      "tasks:\n  a: {kind: noop}\n  b: {kind: noop, depends_on: [a]}\n  c: {kind: noop, depends_on: [b]}\n");
  WorkflowEngine& engine = Start();
  const int64_t run = engine.Trigger("c", {});
  ASSERT_EQ(Wait(run), "success");
  engine.Clear(run, "b");
  ASSERT_TRUE(Eventually(
      [&] { return engine.GetRun(run)->run.state == "success" && Tasks(run)["c"].try_number == 2; }));
  auto tasks = Tasks(run);
  EXPECT_EQ(tasks["a"].try_number, 1);
  EXPECT_EQ(tasks["b"].try_number, 2);
  EXPECT_THROW(engine.Clear(run, "nope"), std::invalid_argument);
}

TEST_F(EngineTest, SchedulesCatchUpMissedIntervals) {
  const auto utc = LoadZone("UTC");
  Write("daily.yaml",
        "schedule: \"@daily\"\nstart_date: 2024-01-01\ntasks:\n  a: {kind: shell, command: \"echo {{ ds }} "
        "{{ data_interval_end }}\"}\n");
  Write("latest.yaml",
        "schedule: \"@daily\"\nstart_date: 2024-01-01\ncatchup: false\ntasks:\n  a: {kind: noop}\n");
  EngineOptions options;
  options.now = [&] { return ParseTime("2024-01-04 00:30", utc); };
  WorkflowEngine& engine = Start(options);
  ASSERT_TRUE(Eventually([&] {
    int finished = 0;
    for (const RunRow& r : engine.store().Runs("", 10)) finished += r.state == "success";
    return finished == 4;
  }));
  std::vector<std::string> outputs;
  for (const RunRow& r : engine.store().Runs("daily", 10)) outputs.push_back(Tasks(r.run_id)["a"].output);
  EXPECT_EQ(outputs, (std::vector<std::string>{"2024-01-03 2024-01-04T00:00:00+00:00",
                                               "2024-01-02 2024-01-03T00:00:00+00:00",
                                               "2024-01-01 2024-01-02T00:00:00+00:00"}));
  const auto latest = engine.store().Runs("latest", 10);
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(FormatTime(TimePoint(std::chrono::milliseconds(latest[0].logical_ms)), utc),
            "2024-01-03T00:00:00+00:00");

  // A backfill: one run per interval; paused DAGs start nothing.
  const auto ids = engine.Backfill("latest", ParseTime("2023-12-01", utc), ParseTime("2023-12-03", utc));
  EXPECT_EQ(ids.size(), 3u);
  for (int64_t id : ids) EXPECT_EQ(Wait(id), "success");
  engine.Pause("daily", true);
  const int64_t held = engine.Trigger("daily", {});
  EXPECT_EQ(engine.WaitRun(held, SteadyClock::now() + std::chrono::milliseconds(100)), "queued");
  engine.Pause("daily", false);
  EXPECT_EQ(Wait(held), "success");
}

TEST_F(EngineTest, PoolsLimitConcurrency) {
  // Each task holds a lock directory while it runs: two at once would fail one of them.
  const std::string lock = Path("lock");
  std::string yaml = "pools: {single: 1}\ntasks:\n";
  for (int i = 0; i < 6; ++i) {
    yaml += "  t" + std::to_string(i) + ": {kind: shell, pool: single, command: \"mkdir " + lock +
            " && sleep 0.02 && rmdir " + lock + "\"}\n";
  }
  Write("pooled.yaml", yaml);
  WorkflowEngine& engine = Start();
  EXPECT_EQ(Wait(engine.Trigger("pooled", {})), "success");
}

TEST_F(EngineTest, RestartRetriesWhatWasRunningAndKeepsWhatFinished) {
  Write("r.yaml",
        "tasks:\n  done: {kind: noop}\n  flaky: {kind: noop, depends_on: [done], retries: 1}\n"
        "  once: {kind: noop, depends_on: [done]}\n");
  int64_t run = 0;
  {
    // The history as a killed server leaves it: "done" finished, "flaky" and "once" were running.
    RunStore store(Path("history.db"));
    RunRow row;
    row.dag = "r";
    row.run_type = "manual";
    row.state = "running";
    row.params = "{}";
    run = store.CreateRun(row, {"done", "flaky", "once"});
    store.UpdateTask(TaskRow{run, "done", "success", 1, 1, 2, 0, "kept"});
    store.UpdateTaskAndAttempt(TaskRow{run, "flaky", "running", 1, 3, 0, 0, ""},
                               AttemptRow{run, "flaky", 1, "running", 3, 0, "", ""});
    store.UpdateTaskAndAttempt(TaskRow{run, "once", "running", 1, 3, 0, 0, ""},
                               AttemptRow{run, "once", 1, "running", 3, 0, "", ""});
  }
  WorkflowEngine& engine = Start();
  EXPECT_EQ(Wait(run), "failed");  // "once" had no retry left
  auto tasks = Tasks(run);
  EXPECT_EQ(tasks["done"].try_number, 1);
  EXPECT_EQ(tasks["done"].output, "kept");
  EXPECT_EQ(tasks["flaky"].state, "success");
  EXPECT_EQ(tasks["flaky"].try_number, 2);
  EXPECT_EQ(tasks["once"].state, "failed");
  const auto attempts = engine.store().Attempts(run, "once");
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_NE(attempts[0].log.find("the server stopped while this attempt ran"), std::string::npos);
}

}  // namespace
}  // namespace basin::workflow
