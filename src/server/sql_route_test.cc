#include "server/sql_route.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "helpers/http_testing.h"
#include "main/database.h"
#include "main/json_result.h"
#include "server/http/server.h"

namespace basin::server {
namespace {

using http::testing::RawClient;
using http::testing::RawResponse;

/// An in-memory database served at POST /api/v1/sql on a free port.
class SqlRouteTest : public ::testing::Test {
 protected:
  SqlRouteTest() {
    server_ =
        http::testing::StartServer([this](http::Router& router) { AddSqlRoute(router, database_, 4096); });
  }
  ~SqlRouteTest() override { server_->Stop(); }

  RawResponse Post(const std::string& body) {
    return http::testing::Send(server_->port(), "POST", "/api/v1/sql", body,
                               {"Content-Type: application/json"});
  }
  RawResponse Sql(const std::string& sql) { return Post(nlohmann::json{{"sql", sql}}.dump()); }

  Database database_;
  std::unique_ptr<http::Server> server_;
};

TEST_F(SqlRouteTest, AnswersAsBasinSqlFormatJsonDoes) {
  RawResponse r = Sql("CREATE TABLE t (id BIGINT, name VARCHAR, price DECIMAL(10,2))");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"ok":true,"rows_affected":0})");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  r = Sql("INSERT INTO t VALUES (1, 'a\"b', 12.50), (2, NULL, 0.10)");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"ok":true,"rows_affected":2})");
  const std::string select = "SELECT id, name, price FROM t ORDER BY id";
  r = Sql(select);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, ResultToJson(*Connection(database_).Query(select), false));
  EXPECT_EQ(r.body, R"j({"columns":[{"name":"id","type":"BIGINT"},{"name":"name","type":"VARCHAR"},)j"
                    R"j({"name":"price","type":"DECIMAL(10,2)"}],"rows":[[1,"a\"b",12.50],[2,null,0.10]]})j");
}

TEST_F(SqlRouteTest, FailuresAnswer400WithTheErrorObject) {
  RawResponse r = Sql("SELECT * FROM nowhere");
  ASSERT_EQ(r.status, 400) << r.body;
  const auto error = nlohmann::json::parse(r.body);
  EXPECT_EQ(error["error"]["code"], "42P01");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("nowhere"), std::string::npos) << r.body;
  EXPECT_EQ(Sql("SELEC 1").status, 400);
  r = Sql("SELECT 1; SELECT 2");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("one statement per request"), std::string::npos) << r.body;
  EXPECT_EQ(Sql("SELECT 1;").status, 200);

  // Bodies that are not {"sql": "..."}.
  r = Post("SELECT 1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "22P02") << r.body;
  for (const char* body : {R"({"query":"SELECT 1"})", R"({"sql":1})", R"(["SELECT 1"])"}) {
    r = Post(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "22023") << r.body;
  }
  EXPECT_EQ(Post(nlohmann::json{{"sql", "SELECT '" + std::string(5000, 'x') + "'"}}.dump()).status, 413);
}

TEST_F(SqlRouteTest, EveryFormatIsStreamedOnceAPieceIsFull) {
  const std::string select =
      "SELECT x AS n, 'v,' || x AS s, CASE WHEN x = 2 THEN NULL ELSE '' END AS e "
      "FROM generate_series(1, 3) g(x)";
  // A small result is answered whole (so a failure can still answer 400).
  RawResponse r = Post(nlohmann::json{{"sql", select}, {"format", "csv"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.chunked);
  EXPECT_EQ(r.Header("Content-Type"), "text/csv; charset=utf-8");
  // As `basin sql --format csv` prints it: the empty string quoted, NULL empty.
  EXPECT_EQ(r.body, "n,s,e\n1,\"v,1\",\"\"\n2,\"v,2\",\n3,\"v,3\",\"\"\n");

  r = Post(nlohmann::json{{"sql", select}, {"format", "ndjson"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(r.body,
            "{\"n\":1,\"s\":\"v,1\",\"e\":\"\"}\n{\"n\":2,\"s\":\"v,2\",\"e\":null}\n"
            "{\"n\":3,\"s\":\"v,3\",\"e\":\"\"}\n");

  // Large results leave in many pieces; every row arrives.
  r = Post(
      nlohmann::json{{"sql", "SELECT x FROM generate_series(1, 100000) g(x)"}, {"format", "csv"}}.dump());
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 100001);
  EXPECT_TRUE(r.body.ends_with("\n99999\n100000\n"));
  r = Post(nlohmann::json{{"sql", "SELECT x, 'row ' || x AS s FROM generate_series(1, 100000) g(x)"}}.dump());
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.chunked);
  const auto json = nlohmann::json::parse(r.body);
  ASSERT_EQ(json["rows"].size(), 100000u);
  EXPECT_EQ(json["rows"][99999], nlohmann::json::parse(R"([100000,"row 100000"])"));
  EXPECT_EQ(json["columns"][1]["name"], "s");
  r = Post(nlohmann::json{{"sql", "SELECT x FROM generate_series(1, 100000) g(x)"}, {"limit", 99999}}.dump());
  EXPECT_EQ(nlohmann::json::parse(r.body)["truncated"], true);

  // A statement that fails once its response started ends it short: never a complete, wrong answer.
  r = Post(nlohmann::json{{"sql", "SELECT 10 / (x - 150000) FROM generate_series(1, 200000) g(x)"}}.dump());
  if (r.status != 400) {  // started: 200, or no complete response at all
    EXPECT_TRUE(nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false).is_discarded());
  }
  // One that fails before its first piece is full answers 400, in any format.
  r = Post(nlohmann::json{{"sql", "SELECT 1 / (x - 3) FROM generate_series(1, 5) g(x)"}, {"format", "csv"}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "22012");

  // Statements without rows, and failures, answer the JSON object whatever the format.
  r = Post(nlohmann::json{{"sql", "CREATE TABLE t (a INTEGER)"}, {"format", "csv"}}.dump());
  EXPECT_EQ(r.body, R"({"ok":true,"rows_affected":0})");
  r = Post(nlohmann::json{{"sql", "SELECT * FROM nowhere"}, {"format", "ndjson"}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "42P01");
}

TEST_F(SqlRouteTest, LimitCutsRowsInEveryFormat) {
  const std::string select = "SELECT x FROM generate_series(1, 10) g(x)";
  RawResponse r = Post(nlohmann::json{{"sql", select}, {"limit", 3}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"columns":[{"name":"x","type":"INTEGER"}],"rows":[[1],[2],[3]],"truncated":true})");
  r = Post(nlohmann::json{{"sql", select}, {"limit", 10}}.dump());
  EXPECT_EQ(nlohmann::json::parse(r.body).contains("truncated"), false);
  r = Post(nlohmann::json{{"sql", select}, {"limit", 2}, {"format", "csv"}}.dump());
  EXPECT_EQ(r.body, "x\n1\n2\n");
  r = Post(nlohmann::json{{"sql", select}, {"limit", 0}, {"format", "ndjson"}}.dump());
  EXPECT_EQ(r.body, "");
  r = Post(nlohmann::json{{"sql", "SELECT x FROM generate_series(1, 0) g(x)"}, {"limit", 3}}.dump());
  EXPECT_EQ(r.body, R"({"columns":[{"name":"x","type":"INTEGER"}],"rows":[]})");
  r = Post(nlohmann::json{{"sql", "SELECT * FROM nowhere"}, {"limit", 3}}.dump());
  EXPECT_EQ(r.status, 400);
  r = Post(nlohmann::json{{"sql", "CREATE TABLE limited (a INTEGER)"}, {"limit", 3}}.dump());
  EXPECT_EQ(r.body, R"({"ok":true,"rows_affected":0})");
  // With a limit the statement stops once it has made the rows sent: the division by zero, 90 million
  // rows on, is never reached.
  const std::string fails_late = "SELECT 1 / (x - 90000000) AS y FROM generate_series(1, 100000000) g(x)";
  r = Post(nlohmann::json{{"sql", fails_late}, {"limit", 2}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"columns":[{"name":"y","type":"INTEGER"}],"rows":[[0],[0]],"truncated":true})");
  for (const nlohmann::json& limit : {nlohmann::json(-1), nlohmann::json("3"), nlohmann::json(1.5)}) {
    r = Post(nlohmann::json{{"sql", select}, {"limit", limit}}.dump());
    EXPECT_EQ(r.status, 400) << limit;
  }
  r = Post(nlohmann::json{{"sql", select}, {"format", "xml"}}.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("ndjson"), std::string::npos) << r.body;
}

TEST_F(SqlRouteTest, FormBodiesForBrowserDownloads) {
  RawClient client(server_->port());
  client.SendRequest("POST", "/api/v1/sql",
                     "sql=SELECT+x+AS+%22a%26b%22+FROM+generate_series(1%2C+3)+g(x)&format=csv&limit=2",
                     {"Content-Type: application/x-www-form-urlencoded"});
  RawResponse r = client.ReadResponse();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "a&b\n1\n2\n");
  EXPECT_EQ(r.Header("Content-Disposition"), "attachment; filename=\"result.csv\"");
  client.SendRequest("POST", "/api/v1/sql", "format=csv",
                     {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(client.ReadResponse().status, 400);
  // JSON sent as a form (what `curl -d` does) is still JSON.
  client.SendRequest("POST", "/api/v1/sql", R"( {"sql": "SELECT 1 AS one"})",
                     {"Content-Type: application/x-www-form-urlencoded"});
  r = client.ReadResponse();
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace basin::server
