#include "server/api_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <filesystem>
#include <set>

#include "helpers/http_testing.h"
#include "helpers/temp_dir.h"
#include "ingest/event_collector.h"
#include "main/database.h"
#include "server/embedded_files.h"
#include "server/http/server.h"
#include "workflow/engine.h"

namespace basin::server {
namespace {

using http::testing::RawResponse;
using Json = nlohmann::json;

/// A database in a scratch data directory, served with every route `basin server` has on a free port.
class ApiRoutesTest : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    database_ = std::make_unique<Database>(DatabaseConfig{.data_dir = dir_.string()});
    ingest::CollectorOptions collector_options;
    collector_options.log_dir = dir_ / "log";
    collector_options.min_free_disk_bytes = 0;
    collector_ = std::make_unique<ingest::EventCollector>(database_->log(), std::move(collector_options));
    workflow::EngineOptions workflow_options;
    workflow_options.dags_dir = (dir_ / "dags").string();
    workflow_options.store_path = ":memory:";
    workflows_ = std::make_unique<workflow::WorkflowEngine>(database_.get(), std::move(workflow_options));
    workflows_->Start();
    server_ = http::testing::StartServer(
        [this](http::Router& router) { AddApiRoutes(router, *database_, *collector_, *workflows_, 1 << 20); });
  }
  void TearDown() override {
    server_->Stop();
    server_.reset();
    workflows_.reset();
    collector_.reset();
    database_.reset();
    TempDirTest::TearDown();
  }

  RawResponse Request(std::string_view method, std::string_view target, std::string_view body = {}) {
    return http::testing::Send(server_->port(), method, target, body, {"Content-Type: application/json"});
  }
  /// GET `target`, expecting 200 and JSON.
  Json Get(std::string_view target) {
    const RawResponse r = Request("GET", target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json") << target;
    return Json::parse(r.body);
  }
  void Sql(const std::string& sql) {
    const RawResponse r = Request("POST", "/api/v1/sql", Json{{"sql", sql}}.dump());
    ASSERT_EQ(r.status, 200) << sql << ": " << r.body;
  }
  static std::string CodeOf(const RawResponse& r) {
    return Json::parse(r.body, nullptr, false).value("/error/code"_json_pointer, std::string("(none)"));
  }

  std::unique_ptr<Database> database_;
  std::unique_ptr<ingest::EventCollector> collector_;
  std::unique_ptr<workflow::WorkflowEngine> workflows_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(ApiRoutesTest, OpenApiDocumentDescribesEveryRoute) {
  const Json document = Get("/api/openapi.json");
  EXPECT_EQ(document, Json::parse(OpenApiFiles().front().bytes));
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 2), "3.");
  const Json& paths = document["paths"];
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& route : server_->router().routes()) {
    const std::string& pattern = route->pattern;
    // The UI's files are no part of the API.
    if (pattern != "/healthz" && pattern != "/metrics" && !pattern.starts_with("/api/")) continue;
    std::string method(http::MethodName(route->method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    registered.emplace(pattern, method);
    ASSERT_TRUE(paths.contains(pattern)) << pattern << " is not in openapi.json";
    EXPECT_TRUE(paths[pattern].contains(method)) << method << " " << pattern << " is not in openapi.json";
  }
  EXPECT_GE(registered.size(), 20u);
  // And the document describes nothing that is not served.
  for (const auto& [path, item] : paths.items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      EXPECT_TRUE(registered.count({path, method}))
          << method << " " << path << " is described but not served";
      EXPECT_TRUE(operation.contains("responses")) << method << " " << path;
    }
  }
  // Every reference resolves.
  const std::function<void(const Json&)> check_refs = [&](const Json& node) {
    if (node.is_object()) {
      if (node.contains("$ref")) {
        const std::string ref = node["$ref"];
        ASSERT_TRUE(ref.starts_with("#/"));
        EXPECT_TRUE(document.contains(Json::json_pointer(ref.substr(1)))) << ref;
      }
      for (const auto& [key, child] : node.items()) check_refs(child);
    } else if (node.is_array()) {
      for (const Json& child : node) check_refs(child);
    }
  };
  check_refs(document);
}

TEST_F(ApiRoutesTest, SavedObjectsRoundTrip) {
  struct Case {
    std::string path, list, document, changed;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/v1/queries", "queries", R"({"sql": "SELECT 1", "description": "one"})",
            R"({"sql": "SELECT 2"})"},
           {"/api/v1/charts", "charts", R"({"sql": "SELECT 1 AS n", "type": "bar", "x": "n", "y": ["n"]})",
            R"({"sql": "SELECT 1 AS n", "type": "number"})"},
           {"/api/v1/dashboards", "dashboards",
            R"({"charts": [{"chart_id": 1, "x": 0, "y": 0, "w": 6, "h": 4}]})",
            R"({"charts": [], "refresh_seconds": 5})"},
       }) {
    SCOPED_TRACE(c.path);
    Json body = Json::parse(c.document);
    body["name"] = "first";
    RawResponse r = Request("POST", c.path, body.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const Json created = Json::parse(r.body);
    const std::string item = c.path + "/" + std::to_string(created["id"].get<int64_t>());
    EXPECT_EQ(r.Header("Location"), item);
    EXPECT_EQ(created["name"], "first");
    EXPECT_EQ(created["created_at"], created["updated_at"]);
    EXPECT_TRUE(created["created_at"].get<std::string>().ends_with("Z"));
    const Json document = Json::parse(c.document);
    for (const auto& [key, value] : document.items()) EXPECT_EQ(created[key], value) << key;

    EXPECT_EQ(Get(item), created);
    const Json list = Get(c.path);
    ASSERT_EQ(list[c.list].size(), 1u);
    EXPECT_EQ(list[c.list][0], created);

    // A name taken, an unknown id, bodies that are not objects or lack what the kind requires.
    EXPECT_EQ(Request("POST", c.path, body.dump()).status, 409);
    EXPECT_EQ(CodeOf(Request("POST", c.path, body.dump())), "42710");
    EXPECT_EQ(Request("GET", c.path + "/999").status, 404);
    EXPECT_EQ(CodeOf(Request("GET", c.path + "/999")), "42704");
    EXPECT_EQ(Request("GET", c.path + "/abc").status, 400);
    EXPECT_EQ(Request("POST", c.path, "[1]").status, 400);
    EXPECT_EQ(Request("POST", c.path, R"({"name": "x"})").status, 400);
    EXPECT_EQ(CodeOf(Request("POST", c.path, R"({"name": "x"})")), "22023");

    // PUT replaces name and document; the id and timestamps a client sends back are ignored.
    Json changed = Json::parse(c.changed);
    changed["name"] = "renamed";
    changed["id"] = 12345;
    changed["created_at"] = "yesterday";
    r = Request("PUT", item, changed.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const Json updated = Json::parse(r.body);
    EXPECT_EQ(updated["id"], created["id"]);
    EXPECT_EQ(updated["name"], "renamed");
    EXPECT_EQ(updated["created_at"], created["created_at"]);
    EXPECT_FALSE(updated.contains("description"));
    EXPECT_EQ(Get(item), updated);
    EXPECT_EQ(Request("PUT", c.path + "/999", changed.dump()).status, 404);

    r = Request("DELETE", item);
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(Request("GET", item).status, 404);
    EXPECT_EQ(Request("DELETE", item).status, 404);
    EXPECT_EQ(Get(c.path)[c.list].size(), 0u);
  }
}

TEST_F(ApiRoutesTest, CatalogListsSchemasTablesViewsTopicsAndSinks) {
  Sql("CREATE SCHEMA sales");
  Sql("CREATE TABLE sales.orders (id BIGINT NOT NULL, amount DECIMAL(10,2), note VARCHAR)");
  Sql("COMMENT ON COLUMN sales.orders.note IS 'free text'");
  Sql("CREATE VIEW sales.big AS SELECT id, amount FROM sales.orders WHERE amount > 100");
  Sql("CREATE TOPIC clicks (user_id BIGINT, url VARCHAR) WITH (partitions = 2)");
  Sql("CREATE SINK clicks_sink FROM clicks INTO clicks_table");

  const Json catalog = Get("/api/v1/catalog");
  std::map<std::string, Json> schemas;
  for (const Json& s : catalog["schemas"]) schemas[s["name"]] = s;
  ASSERT_TRUE(schemas.count("sales") && schemas.count("public")) << catalog.dump();
  const Json& orders = schemas["sales"]["tables"][0];
  EXPECT_EQ(orders["name"], "orders");
  EXPECT_EQ(orders["columns"][0],
            (Json{{"name", "id"}, {"type", "BIGINT"}, {"nullable", false}, {"comment", ""}}));
  EXPECT_EQ(orders["columns"][1]["type"], "DECIMAL(10,2)");
  EXPECT_EQ(orders["columns"][2]["comment"], "free text");
  EXPECT_EQ(schemas["sales"]["views"], (Json::array({{{"name", "big"}}})));
  EXPECT_EQ(schemas["public"]["tables"][0]["name"], "clicks_table");  // made by CREATE SINK

  ASSERT_EQ(catalog["topics"].size(), 1u) << catalog.dump();
  const Json& clicks = catalog["topics"][0];
  EXPECT_EQ(clicks["name"], "clicks");
  EXPECT_EQ(clicks["partition_count"], 2);
  std::vector<std::string> columns;
  for (const Json& c : clicks["columns"]) columns.push_back(c["name"]);
  EXPECT_EQ(columns, (std::vector<std::string>{"_partition", "_offset", "_timestamp", "_key", "_headers",
                                               "user_id", "url"}));
  ASSERT_EQ(catalog["sinks"].size(), 1u);
  EXPECT_EQ(catalog["sinks"][0]["name"], "public.clicks_sink");
  EXPECT_EQ(catalog["sinks"][0]["topic"], "clicks");
  EXPECT_EQ(Get("/api/v1/topics")["topics"], catalog["topics"]);
}

TEST_F(ApiRoutesTest, TableDetailsHaveStatisticsSnapshotsAndSamples) {
  Sql("CREATE TABLE t (id BIGINT, price DECIMAL(10,2))");
  Sql("INSERT INTO t SELECT x, 12.50 FROM generate_series(1, 30) g(x)");
  Sql("INSERT INTO t VALUES (31, NULL)");
  Sql("CREATE VIEW v AS SELECT id * 2 AS twice FROM t");

  Json table = Get("/api/v1/tables/public/t");
  EXPECT_EQ(table["kind"], "table");
  EXPECT_EQ(table["row_count"], 31);
  EXPECT_GT(table["size_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(table["columns"][1]["nullable"], true);
  ASSERT_EQ(table["snapshots"]["rows"].size(), 2u) << table["snapshots"].dump();  // one per INSERT
  EXPECT_EQ(table["sample"]["rows"].size(), 20u);
  EXPECT_EQ(table["sample"]["columns"][1]["type"], "DECIMAL(10,2)");
  // DECIMAL keeps its digits: the sample is spliced in as the SQL route writes it.
  const RawResponse raw = Request("GET", "/api/v1/tables/public/t?sample=1");
  EXPECT_NE(raw.body.find("12.50"), std::string::npos) << raw.body;
  EXPECT_EQ(Get("/api/v1/tables/public/t?sample=0")["sample"]["rows"].size(), 0u);
  EXPECT_EQ(Request("GET", "/api/v1/tables/public/t?sample=many").status, 400);

  const Json view = Get("/api/v1/tables/public/v");
  EXPECT_EQ(view["kind"], "view");
  EXPECT_EQ(view["columns"][0]["name"], "twice");
  EXPECT_TRUE(view["row_count"].is_null());
  EXPECT_TRUE(view["snapshots"].is_null());

  RawResponse r = Request("GET", "/api/v1/tables/public/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), "42P01");
  EXPECT_EQ(Request("GET", "/api/v1/tables/nope/t").status, 404);
}

TEST_F(ApiRoutesTest, TopicDetailsShowOffsetsSchemaAndTheLastRecords) {
  Sql("CREATE TOPIC clicks (user_id BIGINT, url VARCHAR) WITH (partitions = 2, key = 'user_id', retention.ms "
      "= 3600000)");
  Sql("INSERT INTO clicks SELECT x, '/page/' || x FROM generate_series(1, 50) g(x)");

  const Json topic = Get("/api/v1/topics/clicks");
  EXPECT_EQ(topic["messages"], 50);
  EXPECT_EQ(topic["schema"], "user_id BIGINT, url VARCHAR");
  EXPECT_EQ(topic["key"], "user_id");
  EXPECT_EQ(topic["configs"]["retention.ms"], "3600000");
  ASSERT_EQ(topic["partitions"].size(), 2u);
  int64_t records = 0;
  for (const Json& p : topic["partitions"])
    records += p["high_watermark"].get<int64_t>() - p["log_start_offset"].get<int64_t>();
  EXPECT_EQ(records, 50);
  EXPECT_EQ(topic["sample"]["rows"].size(), 20u);
  EXPECT_EQ(topic["sample"]["columns"][5]["name"], "user_id");

  const Json three = Get("/api/v1/topics/clicks?sample=3");
  ASSERT_EQ(three["sample"]["rows"].size(), 3u);
  // Newest first: each partition's highest offsets.
  for (const Json& row : three["sample"]["rows"]) {
    const Json& partition = topic["partitions"][row[0].get<int>()];
    EXPECT_GE(row[1].get<int64_t>(), partition["high_watermark"].get<int64_t>() - 3) << row.dump();
  }
  EXPECT_EQ(Request("GET", "/api/v1/topics/nowhere").status, 404);
  EXPECT_EQ(Request("GET", "/api/v1/topics/__consumer_offsets").status, 404);
}

TEST_F(ApiRoutesTest, WorkflowsCreateTriggerAndReadRuns) {
  Sql("CREATE TABLE facts (day VARCHAR, region VARCHAR)");
  RawResponse r = Request("POST", "/api/v1/dags", "name: load_facts\nparams: {region: KR}\ntasks:\n"
                          "  insert: {kind: sql, sql: \"INSERT INTO facts VALUES ('{{ ds }}', '{{ params.region }}')\"}\n"
                          "  count: {kind: sql, depends_on: [insert], sql: \"SELECT count(*) FROM facts\"}\n");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json::parse(r.body)["tasks"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "dags" / "load_facts.yaml"));

  r = Request("POST", "/api/v1/dags/load_facts/runs", R"({"params": {"region": "EU"}, "logical_date": "2024-05-01"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t run = Json::parse(r.body)["run_id"];
  const std::string path = "/api/v1/dags/load_facts/runs/" + std::to_string(run);
  Json detail;
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       std::chrono::steady_clock::now() < deadline;) {
    detail = Get(path);
    if (detail["state"] != "queued" && detail["state"] != "running") break;
  }
  EXPECT_EQ(detail["state"], "success") << detail.dump();
  EXPECT_EQ(detail["tasks"][0]["task"], "insert");
  EXPECT_EQ(detail["tasks"][1]["state"], "success");
  EXPECT_EQ(detail["tasks"][1]["output"], "1");
  EXPECT_EQ(detail["logical_date"], "2024-05-01T00:00:00+00:00");
  const Json rows = Json::parse(Request("POST", "/api/v1/sql", R"({"sql": "SELECT day, region FROM facts"})").body);
  EXPECT_EQ(rows["rows"], Json::parse(R"([["2024-05-01", "EU"]])"));
  const Json logs = Get(path + "/tasks/insert/logs");
  ASSERT_EQ(logs["attempts"].size(), 1u);
  EXPECT_NE(logs["attempts"][0]["log"].get<std::string>().find("INSERT INTO facts VALUES ('2024-05-01', 'EU')"),
            std::string::npos);
  EXPECT_EQ(Get("/api/v1/dags/load_facts/runs")["runs"][0]["task_states"]["count"], "success");
  // The history in SQL.
  const auto sql = [&](const std::string& text) {
    return Json::parse(Request("POST", "/api/v1/sql", Json{{"sql", text}}.dump()).body);
  };
  EXPECT_EQ(sql("SELECT dag, state, run_type FROM workflow.dag_runs")["rows"],
            Json::parse(R"([["load_facts", "success", "manual"]])"));
  EXPECT_EQ(sql("SELECT task, try_number, state, output FROM workflow.task_attempts ORDER BY task")["rows"],
            Json::parse(R"([["count", 1, "success", "1"], ["insert", 1, "success", "1"]])"));
  EXPECT_EQ(sql("SELECT name, tasks, paused FROM workflow.dags")["rows"], Json::parse(R"([["load_facts", 2, false]])"));
  EXPECT_EQ(Json::parse(Request("POST", "/api/v1/dags/load_facts/pause").body)["paused"], true);
  EXPECT_EQ(Get("/api/v1/dags")["dags"][0]["paused"], true);

  // Errors: a DAG with a cycle (400 with its line), unknown DAGs and runs (404).
  r = Request("POST", "/api/v1/dags", "name: bad\ntasks:\n  a: {kind: noop, depends_on: [b]}\n  b: {kind: noop, depends_on: [a]}\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), "42601");
  EXPECT_EQ(Json::parse(r.body)["error"]["line"], 3);
  EXPECT_NE(r.body.find("a -> b -> a"), std::string::npos) << r.body;
  EXPECT_EQ(Request("POST", "/api/v1/dags/nope/runs").status, 404);
  EXPECT_EQ(Request("GET", "/api/v1/dags/load_facts/runs/999").status, 404);
  EXPECT_EQ(Request("POST", "/api/v1/dags/load_facts/runs", "[1]").status, 400);
}

}  // namespace
}  // namespace basin::server
