#include "server/sql_route.h"

#include <nlohmann/json.hpp>
#include <string>

#include "common/exception.h"
#include "main/database.h"
#include "main/json_result.h"
#include "server/http/router.h"
#include "sql/parser/parser.h"

namespace basin::server {

namespace {

/// The statement of a `{"sql": "..."}` body. Throws http::Error (400) for any other body, and for a script
/// of several statements (whose second would otherwise be a puzzling syntax error).
std::string StatementOf(const std::string& body) {
  const nlohmann::json request = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) {
    throw http::Error(400, sqlstate::kInvalidTextRepresentation,
                      "the body is not JSON; send {\"sql\": \"...\"}");
  }
  const auto sql = request.is_object() ? request.find("sql") : request.end();
  if (sql == request.end() || !sql->is_string()) {
    throw http::Error(400, sqlstate::kInvalidParameterValue,
                      "the body must be a JSON object {\"sql\": \"...\"}");
  }
  std::string statement = sql->get<std::string>();
  if (sql::SplitStatements(statement).size() > 1) {
    throw http::Error(400, sqlstate::kSyntaxError, "send one statement per request; this holds several");
  }
  return statement;
}

}  // namespace

void AddSqlRoute(http::Router& router, Database& database, size_t max_body_bytes) {
  http::RouteOptions options;
  options.max_body_bytes = max_body_bytes;
  router.Add(
      http::Method::kPost, "/api/v1/sql",
      [&database](const http::Request& request) {
        const std::string sql = StatementOf(request.body);
        Connection connection(database);
        const std::unique_ptr<QueryResult> result = connection.Query(sql);
        // The contract's one status for every failed statement; the SQLSTATE says which failure it was.
        return http::Response::Json(result->HasError() ? 400 : 200,
                                    ResultToJson(*result, /*with_elapsed=*/false));
      },
      std::move(options));
}

}  // namespace basin::server
