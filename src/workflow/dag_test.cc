#include "workflow/dag.h"

#include <gtest/gtest.h>

#include "workflow/template.h"

namespace basin::workflow {
namespace {

std::string ErrorOf(const std::string& yaml) {
  try {
    ParseDag(yaml, "dags/x.yaml");
  } catch (const DagError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DagTest, ParsesTheIssuesExample) {
  const auto dag = ParseDag(R"(name: daily_sales
schedule: "@daily"
timezone: Asia/Seoul
params: {region: KR}
defaults: {retries: 2, retry_delay: 10s, timeout: 1h}
tasks:
  notify:    {kind: http, depends_on: [transform], url: "http://127.0.0.1:9000/hook", trigger: all_done}
  transform: {kind: sql, depends_on: [load], sql: "INSERT INTO mart.daily SELECT 1 WHERE '{{ ds }}' = '{{ params.region }}'"}
  load:      {kind: copy, from: "/data/sales/{{ ds }}/*.csv", into: staging.sales}
)",
                            "dags/daily_sales.yaml");
  EXPECT_EQ(dag->name, "daily_sales");
  EXPECT_EQ(dag->schedule->text(), "@daily");
  EXPECT_EQ(dag->timezone, "Asia/Seoul");
  EXPECT_EQ(dag->params.at("region"), "KR");
  ASSERT_EQ(dag->tasks.size(), 3u);
  // Upstream first.
  EXPECT_EQ(dag->tasks[0].id, "load");
  EXPECT_EQ(dag->tasks[1].id, "transform");
  EXPECT_EQ(dag->tasks[2].id, "notify");
  EXPECT_EQ(dag->tasks[2].trigger, TriggerRule::kAllDone);
  EXPECT_EQ(dag->tasks[0].retries, 2);
  EXPECT_EQ(dag->tasks[0].retry_delay, std::chrono::seconds(10));
  EXPECT_EQ(dag->tasks[0].timeout, std::chrono::hours(1));
  EXPECT_EQ(dag->tasks[2].line, 7);
  EXPECT_EQ(dag->upstream[2], std::vector<int>{1});
  EXPECT_EQ(dag->downstream[0], std::vector<int>{1});
}

TEST(DagTest, DataTriggerAndDefaults) {
  const auto dag =
      ParseDag("schedule: {on_table: sales.orders}\ntasks:\n  a: {kind: noop}\n", "dags/on_orders.yaml");
  EXPECT_EQ(dag->name, "on_orders");
  EXPECT_EQ(dag->on_table, "sales.orders");
  EXPECT_FALSE(dag->schedule);
  EXPECT_EQ(dag->timezone, "UTC");
}

TEST(DagTest, SlaNotify) {
  const auto dag = ParseDag("sla: 1h\nsla_notify: webhook:http://127.0.0.1:9/sla\ntasks:\n  a: {kind: noop}\n",
                            "dags/x.yaml");
  EXPECT_EQ(dag->sla_notify, "http://127.0.0.1:9/sla");
  EXPECT_EQ(ErrorOf("sla: 1h\nsla_notify: mailto:ops@example.com\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:2: sla_notify must be webhook:http[s]://host:port/path");
  EXPECT_EQ(ErrorOf("sla_notify: webhook:http://127.0.0.1:9/sla\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:1: sla_notify needs an sla");
}

TEST(DagTest, ErrorsNameTheFileAndLine) {
  EXPECT_EQ(
      ErrorOf("name: x\ntasks:\n  a: {kind: noop, depends_on: [c]}\n  b: {kind: noop, depends_on: [a]}\n"
              "  c: {kind: noop, depends_on: [b]}\n"),
      "dags/x.yaml:3: the dependencies form a cycle: a -> c -> b -> a");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: noop, depends_on: [zz]}\n"),
            "dags/x.yaml:2: task \"a\" depends on \"zz\", which is not a task of this DAG");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: shell}\n"), "dags/x.yaml:2: task \"a\" (shell) needs \"command\"");
  EXPECT_EQ(ErrorOf("tasks:\n  a:\n    kind: sparkle\n"),
            "dags/x.yaml:3: unknown task kind \"sparkle\" (sql, shell, http, copy, ingest, wait, noop)");
  EXPECT_EQ(ErrorOf("schedule: \"0 25 * * *\"\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:1: cron hour field \"25\": 25 is outside 0-23");
  EXPECT_EQ(ErrorOf("schedule: \"0 0 30 2 *\"\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:1: cron expression \"0 0 30 2 *\" never fires");
  EXPECT_EQ(ErrorOf("timezone: Nowhere/Land\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:1: unknown time zone \"Nowhere/Land\"");
  EXPECT_EQ(
      ErrorOf(
          "tasks:\n  a: {kind: noop}\n  b: {kind: shell, command: \"echo {{ outputs.a }} {{ outputs.c }}\"}\n"
          "  c: {kind: noop}\n"),
      "dags/x.yaml:3: \"{{ outputs.a }}\": \"a\" is not upstream of task \"b\"");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: shell, command: \"echo {{ dss }}\"}\n").substr(0, 56),
            "dags/x.yaml:2: unknown template variable \"dss\" (ds, ds_n");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: noop, retries: -1}\n"),
            "dags/x.yaml:2: retries must be an integer of at least 0, not \"-1\"");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: noop\n"), "dags/x.yaml:3: end of map flow not found");
  EXPECT_EQ(ErrorOf("name: x\ncolour: blue\ntasks:\n  a: {kind: noop}\n"),
            "dags/x.yaml:2: unknown key \"colour\" in the DAG");
  EXPECT_EQ(ErrorOf("tasks:\n  a: {kind: noop, trigger: sometimes}\n"),
            "dags/x.yaml:2: trigger must be all_success, all_done or one_failed, not \"sometimes\"");
  EXPECT_EQ(ErrorOf("- just\n- a list\n"), "dags/x.yaml:1: a DAG file is a mapping with name and tasks");
  std::string huge = "tasks:\n";
  for (int i = 0; i <= 10'000; ++i) huge += "  t" + std::to_string(i) + ": {kind: noop}\n";
  EXPECT_EQ(ErrorOf(huge), "dags/x.yaml:2: a DAG has at most 10000 tasks");
}

TEST(TemplateTest, RendersVariablesAndRejectsUnknownOnes) {
  const TemplateVars vars = {{"ds", "2024-01-31"}, {"params.region", "KR"}, {"outputs.load", "42"}};
  EXPECT_EQ(RenderTemplate("day={{ds}} r={{ params.region }} n={{  outputs.load }}", vars),
            "day=2024-01-31 r=KR n=42");
  EXPECT_EQ(RenderTemplate("no templates {", vars), "no templates {");
  EXPECT_THROW(RenderTemplate("{{ nope }}", vars), std::invalid_argument);
  EXPECT_THROW(RenderTemplate("{{ ds ", vars), std::invalid_argument);
  EXPECT_EQ(TemplateNames("{{a}} and {{ b.c }}"), (std::vector<std::string>{"a", "b.c"}));
}

TEST(DurationTest, Units) {
  EXPECT_EQ(ParseDuration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(ParseDuration("10"), std::chrono::seconds(10));
  EXPECT_EQ(ParseDuration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(ParseDuration("1.5h"), std::chrono::minutes(90));
  EXPECT_THROW(ParseDuration("soon"), std::invalid_argument);
  EXPECT_THROW(ParseDuration("5 parsecs"), std::invalid_argument);
}

}  // namespace
}  // namespace basin::workflow
