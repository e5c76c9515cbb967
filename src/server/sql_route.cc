#include "server/sql_route.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/exception.h"
#include "main/csv_result.h"
#include "main/database.h"
#include "main/json_result.h"
#include "server/http/router.h"
#include "sql/parser/parser.h"
#include "vector/vector.h"

namespace basin::server {

namespace {

/// A streamed body leaves in pieces of about this size.
constexpr size_t kStreamPieceBytes = 64 * 1024;

enum class Format { kJson, kCsv, kNdjson };

/// What a request asks for.
struct SqlRequest {
  std::string sql;
  Format format = Format::kJson;
  size_t limit = SIZE_MAX;
  std::string query_id;  ///< the client's name for the statement while it runs; empty: none
};

/// The statements running under a client-given id, so that DELETE /api/v1/queries/running/{id} can
/// cancel them. Shared by the two routes; thread-safe.
class RunningQueries {
 public:
  /// Register `connection` under `id` for as long as the returned guard lives; 409 when the id is taken.
  std::shared_ptr<void> Register(const std::string& id, Connection& connection) {
    if (id.empty()) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!running_.emplace(id, &connection).second) {
      throw http::Error(409, sqlstate::kDuplicateObject, "a statement with query_id \"" + id + "\" is running");
    }
    return std::shared_ptr<void>(nullptr, [this, id](void*) {
      std::lock_guard<std::mutex> lock(mutex_);
      running_.erase(id);
    });
  }
  /// Ask the statement running under `id` to stop; false when none is.
  bool Cancel(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = running_.find(id);
    if (it == running_.end()) return false;
    it->second->Interrupt();
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Connection*> running_;
};

Format ParseFormat(const std::string& name) {
  if (name == "json") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  if (name == "ndjson") return Format::kNdjson;
  throw http::Error(400, sqlstate::kInvalidParameterValue,
                    "\"format\" must be \"json\", \"csv\" or \"ndjson\", not \"" + name + "\"");
}

size_t ParseLimit(std::optional<int64_t> limit) {
  if (!limit || *limit < 0) {
    throw http::Error(400, sqlstate::kInvalidParameterValue, "\"limit\" must be a number of rows, 0 or more");
  }
  return static_cast<size_t>(*limit);
}

/// The fields of an application/x-www-form-urlencoded body.
SqlRequest FromForm(const std::string& body) {
  SqlRequest request;
  const auto sql = http::FormValue(body, "sql");
  if (!sql) throw http::Error(400, sqlstate::kInvalidParameterValue, "the form has no \"sql\" field");
  request.sql = *sql;
  if (const auto format = http::FormValue(body, "format"); format && !format->empty()) {
    request.format = ParseFormat(*format);
  }
  if (const auto limit = http::FormValue(body, "limit"); limit && !limit->empty()) {
    char* end = nullptr;
    const long long n = std::strtoll(limit->c_str(), &end, 10);
    request.limit = ParseLimit(*end == '\0' ? std::optional<int64_t>(n) : std::nullopt);
  }
  return request;
}

/// The fields of a `{"sql": "...", ...}` body. Throws http::Error (400) for any other body.
SqlRequest FromJson(const std::string& body) {
  const nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    throw http::Error(400, sqlstate::kInvalidTextRepresentation,
                      "the body is not JSON; send {\"sql\": \"...\"}");
  }
  const auto sql = json.is_object() ? json.find("sql") : json.end();
  if (sql == json.end() || !sql->is_string()) {
    throw http::Error(400, sqlstate::kInvalidParameterValue,
                      "the body must be a JSON object {\"sql\": \"...\"}");
  }
  SqlRequest request;
  request.sql = sql->get<std::string>();
  if (const auto format = json.find("format"); format != json.end() && !format->is_null()) {
    if (!format->is_string())
      throw http::Error(400, sqlstate::kInvalidParameterValue, "\"format\" must be a string");
    request.format = ParseFormat(format->get<std::string>());
  }
  if (const auto limit = json.find("limit"); limit != json.end() && !limit->is_null()) {
    request.limit =
        ParseLimit(limit->is_number_integer() ? std::optional<int64_t>(limit->get<int64_t>()) : std::nullopt);
  }
  if (const auto id = json.find("query_id"); id != json.end() && !id->is_null()) {
    if (!id->is_string() || id->get<std::string>().empty())
      throw http::Error(400, sqlstate::kInvalidParameterValue, "\"query_id\" must be a non-empty string");
    request.query_id = id->get<std::string>();
  }
  return request;
}

/// The request in `body`: a form when it says so, and does not start as a JSON object (`curl -d '{...}'`
/// calls JSON a form). Refuses a script of several statements (whose second would otherwise be a puzzling
/// syntax error).
SqlRequest ParseSqlRequest(const http::Request& http_request) {
  const std::string& body = http_request.body;
  const size_t start = body.find_first_not_of(" \t\r\n");
  const bool form = http_request.MediaType() == "application/x-www-form-urlencoded" &&
                    (start == std::string::npos || body[start] != '{');
  SqlRequest request = form ? FromForm(body) : FromJson(body);
  if (sql::SplitStatements(request.sql).size() > 1) {
    throw http::Error(400, sqlstate::kSyntaxError, "send one statement per request; this holds several");
  }
  return request;
}

/// Answers a statement that returns rows in the requested format, a piece at a time as the engine makes
/// them, so a large result is never held whole. The response starts only once the first piece is full: a
/// small result (most of them) is answered whole, with 400 and the JSON error should its statement fail;
/// a statement that fails after its response started ends it abnormally (a truncated body, never a
/// complete wrong one).
class RowsResponse {
 public:
  RowsResponse(Format format, size_t limit, const http::Responder& respond)
      : format_(format), limit_(limit), respond_(respond) {}

  RowStream Stream() {
    return {[this](const std::vector<std::string>& names, const std::vector<LogicalType>& types) {
              Begin(names, types);
            },
            [this](const DataChunk& chunk) { return Rows(chunk); }};
  }

  /// After the statement: send what is left, or the answer of a statement that returned no rows.
  void End(const QueryResult& result) {
    if (result.HasError() || !begun_) {
      if (started_) {
        stream_.Abort(result.HasError() ? result.error().message : "the statement returned no rows");
      } else {
        respond_(http::Response::Json(result.HasError() ? 400 : 200, ResultToJson(result, false)));
      }
      return;
    }
    if (format_ == Format::kJson) AppendJsonRowsTail(truncated_, &piece_);
    if (!started_) {
      respond_(Head(std::move(piece_)));
      return;
    }
    if (!piece_.empty() && !stream_.Write(std::move(piece_))) return;
    stream_.Finish();
  }

 private:
  void Begin(const std::vector<std::string>& names, const std::vector<LogicalType>& types) {
    names_ = names;
    begun_ = true;
    if (format_ == Format::kCsv) AppendCsvHeader(names_, &piece_);
    if (format_ == Format::kJson) AppendJsonRowsHead(names, types, &piece_);
  }

  bool Rows(const DataChunk& chunk) {
    if (sent_ == limit_) {
      truncated_ = truncated_ || chunk.size() > 0;
      return false;
    }
    for (size_t r = 0; r < chunk.size(); r++, sent_++) {
      if (sent_ == limit_) {
        truncated_ = true;
        return false;
      }
      switch (format_) {
        case Format::kCsv:
          AppendCsvRow(chunk, r, &piece_);
          break;
        case Format::kNdjson:
          AppendJsonObject(names_, chunk, r, &piece_);
          piece_.push_back('\n');
          break;
        case Format::kJson:
          if (sent_ > 0) piece_.push_back(',');
          AppendJsonRow(chunk, r, &piece_);
          break;
      }
      if (piece_.size() >= kStreamPieceBytes && !Flush()) return false;  // the client left
    }
    // At the limit, one more chunk tells whether rows were left out (JSON says so).
    return sent_ < limit_ || format_ == Format::kJson;
  }

  /// Send the full piece, starting the response with it the first time.
  bool Flush() {
    if (!started_) {
      stream_ = respond_.Stream(Head(""));
      started_ = true;
    }
    const bool open = stream_.Write(std::move(piece_));
    piece_.clear();
    return open;
  }

  http::Response Head(std::string body) const {
    switch (format_) {
      case Format::kCsv:
        return http::Response::Text(200, std::move(body), "text/csv; charset=utf-8")
            .Header("Content-Disposition", "attachment; filename=\"result.csv\"");
      case Format::kNdjson:
        return http::Response::Text(200, std::move(body), "application/x-ndjson");
      case Format::kJson:
        break;
    }
    return http::Response::Json(200, std::move(body));
  }

  const Format format_;
  const size_t limit_;
  const http::Responder& respond_;
  http::BodyStream stream_;
  std::vector<std::string> names_;
  std::string piece_;
  size_t sent_ = 0;
  bool begun_ = false;
  bool started_ = false;
  bool truncated_ = false;
};

}  // namespace

void AddSqlRoute(http::Router& router, Database& database, size_t max_body_bytes) {
  http::RouteOptions options;
  options.max_body_bytes = max_body_bytes;
  auto running = std::make_shared<RunningQueries>();
  router.AddAsync(
      http::Method::kPost, "/api/v1/sql",
      [&database, running](http::Request&& http_request, http::Responder respond) {
        const SqlRequest request = ParseSqlRequest(http_request);
        Connection connection(database);
        const std::shared_ptr<void> registration = running->Register(request.query_id, connection);
        // The contract's one status for every failed statement (400); the SQLSTATE says which it was.
        RowsResponse rows(request.format, request.limit, respond);
        rows.End(*connection.Query(request.sql, rows.Stream()));
      },
      std::move(options));
  router.Add(http::Method::kDelete, "/api/v1/queries/running/{id}", [running](const http::Request& request) {
    const std::string id(request.Param("id"));
    if (!running->Cancel(id)) {
      throw http::Error(404, sqlstate::kUndefinedObject, "no statement with query_id \"" + id + "\" is running");
    }
    return http::Response::Json(202, R"({"ok":true})");
  });
}

}  // namespace basin::server