#include "server/catalog_routes.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/exception.h"
#include "main/catalog_info.h"
#include "main/json_result.h"
#include "server/http/router.h"

namespace basin::server {

namespace {

constexpr size_t kDefaultSample = 20;
constexpr size_t kMaxSample = 1000;

using Json = nlohmann::json;

/// `object` serialized with `raw` members (serialized JSON, such as ResultToJson's, which writes DECIMAL
/// exactly where a round trip through a double would not) appended.
std::string Compose(const Json& object, const std::vector<std::pair<std::string, std::string>>& raw) {
  std::string out = object.dump(-1, ' ', false, Json::error_handler_t::replace);
  out.pop_back();  // '}'
  for (const auto& [key, value] : raw) {
    if (out.size() > 1) out += ',';
    AppendJsonString(key, &out);
    out += ':';
    out += value;
  }
  return out + '}';
}

/// A result as `{"columns", "rows"}` (or its error object); null when there is none.
std::string ResultJson(const QueryResult* result) {
  return result ? ResultToJson(*result, false) : "null";
}

/// A result's rows as an array of objects (SHOW SINKS), or its error object.
std::string RowObjects(const QueryResult& result) {
  if (result.HasError()) return ResultToJson(result, false);
  std::string out = "[";
  AppendJsonObjects(result, &out);
  return out + ']';
}

Json ColumnsJson(const std::vector<ColumnInfo>& columns) {
  Json array = Json::array();
  for (const ColumnInfo& c : columns) {
    array.push_back({{"name", c.name}, {"type", c.type}, {"nullable", c.nullable}, {"comment", c.comment}});
  }
  return array;
}

Json TopicJson(const TopicSummary& topic) {
  return {{"name", topic.name},
          {"partition_count", topic.partitions},
          {"messages", topic.messages},
          {"size_bytes", topic.size_bytes},
          {"columns", ColumnsJson(topic.columns)}};
}

size_t SampleSize(const http::Request& request) {
  const auto text = request.Query("sample");
  if (!text) return kDefaultSample;
  char* end = nullptr;
  const long long n = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || n < 0 || n > static_cast<long long>(kMaxSample)) {
    throw http::Error(400, sqlstate::kInvalidParameterValue,
                      "sample must be a number of rows from 0 to " + std::to_string(kMaxSample));
  }
  return static_cast<size_t>(n);
}

http::Response Catalog(Database& database) {
  const CatalogOverview overview = DescribeCatalog(database);
  Json schemas = Json::array();
  for (const SchemaInfo& schema : overview.schemas) {
    Json tables = Json::array(), views = Json::array();
    for (const RelationInfo& t : schema.tables) {
      tables.push_back({{"name", t.name}, {"comment", t.comment}, {"columns", ColumnsJson(t.columns)}});
    }
    for (const RelationInfo& v : schema.views) views.push_back({{"name", v.name}});
    schemas.push_back({{"name", schema.name}, {"tables", std::move(tables)}, {"views", std::move(views)}});
  }
  Json topics = Json::array();
  for (const TopicSummary& topic : overview.topics) topics.push_back(TopicJson(topic));
  return http::Response::Json(200, Compose({{"schemas", std::move(schemas)}, {"topics", std::move(topics)}},
                                           {{"sinks", RowObjects(*overview.sinks)}}));
}

http::Response Table(Database& database, const http::Request& request) {
  const TableDetails details = DescribeTable(database, std::string(request.Param("schema")),
                                             std::string(request.Param("table")), SampleSize(request));
  const RelationInfo& relation = details.relation;
  const Json object = {{"schema", relation.schema},
                       {"name", relation.name},
                       {"kind", relation.view ? "view" : "table"},
                       {"comment", relation.comment},
                       {"columns", ColumnsJson(relation.columns)},
                       {"row_count", details.row_count ? Json(*details.row_count) : Json()},
                       {"size_bytes", details.size_bytes ? Json(*details.size_bytes) : Json()}};
  return http::Response::Json(200, Compose(object, {{"snapshots", ResultJson(details.snapshots.get())},
                                                    {"sample", ResultJson(details.sample.get())}}));
}

http::Response Topics(Database& database) {
  Json topics = Json::array();
  for (const TopicSummary& topic : ListTopics(database)) topics.push_back(TopicJson(topic));
  return http::Response::Json(200, Json{{"topics", std::move(topics)}}.dump());
}

http::Response Topic(Database& database, const http::Request& request) {
  const TopicDetails details =
      DescribeTopic(database, std::string(request.Param("topic")), SampleSize(request));
  Json object = TopicJson(details.summary);
  Json partitions = Json::array();
  for (const PartitionInfo& p : details.partitions) {
    partitions.push_back({{"partition", p.partition},
                          {"log_start_offset", p.log_start_offset},
                          {"high_watermark", p.high_watermark},
                          {"size_bytes", p.size_bytes}});
  }
  object["partitions"] = std::move(partitions);
  object["configs"] = details.configs;
  object["schema"] = details.schema_sql;
  object["key"] = details.key_column;
  object["timestamp"] = details.timestamp_column;
  return http::Response::Json(200, Compose(object, {{"sample", ResultJson(details.sample.get())}}));
}

}  // namespace

void AddCatalogRoutes(http::Router& router, Database& database) {
  router.Add(http::Method::kGet, "/api/v1/catalog",
             [&database](const http::Request&) { return Catalog(database); });
  router.Add(http::Method::kGet, "/api/v1/tables/{schema}/{table}",
             [&database](const http::Request& request) { return Table(database, request); });
  router.Add(http::Method::kGet, "/api/v1/topics",
             [&database](const http::Request&) { return Topics(database); });
  router.Add(http::Method::kGet, "/api/v1/topics/{topic}",
             [&database](const http::Request& request) { return Topic(database, request); });
}

}  // namespace basin::server
