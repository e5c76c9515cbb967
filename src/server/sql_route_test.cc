#include "server/sql_route.h"

#include <gtest/gtest.h>

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
    http::ServerOptions options;
    options.port = 0;
    options.log = [](std::string_view) {};
    server_ = std::make_unique<http::Server>(options);
    AddSqlRoute(server_->router(), database_, 4096);
    server_->Start();
  }
  ~SqlRouteTest() override { server_->Stop(); }

  RawResponse Post(const std::string& body) {
    RawClient client(server_->port());
    client.SendRequest("POST", "/api/v1/sql", body, {"Content-Type: application/json"});
    return client.ReadResponse();
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

}  // namespace
}  // namespace basin::server
