#include "server/workflow_routes.h"

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "server/http/router.h"
#include "server/workflow_json.h"
#include "workflow/engine.h"

namespace basin::server {

namespace {

using Json = nlohmann::json;
using workflow::TimePoint;

http::Response JsonResponse(int status, const Json& json) {
  return http::Response::Json(status, json.dump(-1, ' ', false, Json::error_handler_t::replace));
}

[[noreturn]] void BadRequest(const std::string& message) {
  throw http::Error(400, sqlstate::kInvalidParameterValue, message);
}

workflow::DagInfo DagOf(workflow::WorkflowEngine& engine, const http::Request& request) {
  const std::string name(request.Param("name"));
  std::optional<workflow::DagInfo> dag = engine.GetDag(name);
  if (!dag) throw http::Error(404, sqlstate::kUndefinedObject, "no DAG named \"" + name + "\"");
  return *dag;
}

/// The run named by the path, checked to belong to its DAG.
workflow::RunDetail RunOf(workflow::WorkflowEngine& engine, const http::Request& request) {
  const std::string text(request.Param("run_id"));
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(text, &used);
    if (used != text.size()) id = 0;
  } catch (const std::exception&) {
  }
  std::optional<workflow::RunDetail> run = id > 0 ? engine.GetRun(id) : std::nullopt;
  if (!run || run->run.dag != request.Param("name")) {
    throw http::Error(404, sqlstate::kUndefinedObject,
                      "DAG \"" + std::string(request.Param("name")) + "\" has no run " + text);
  }
  return *run;
}

Json BodyObject(const http::Request& request) {
  if (request.body.empty()) return Json::object();
  Json body = Json::parse(request.body, nullptr, false);
  if (!body.is_object()) BadRequest("the body must be a JSON object");
  return body;
}

TimePoint TimeMember(const Json& body, const char* key, const cctz::time_zone& zone) {
  if (!body.contains(key) || !body[key].is_string())
    BadRequest(std::string("\"") + key + "\" must be a date or time");
  try {
    return workflow::ParseTime(body[key].get<std::string>(), zone);
  } catch (const std::invalid_argument& e) {
    BadRequest(std::string("\"") + key + "\": " + e.what());
  }
}

}  // namespace

void AddWorkflowRoutes(http::Router& router, workflow::WorkflowEngine& engine) {
  router.Add(http::Method::kGet, "/api/v1/dags",
             [&engine](const http::Request&) { return JsonResponse(200, DagListJson(engine)); });
  router.Add(http::Method::kPost, "/api/v1/dags", [&engine](const http::Request& request) {
    try {
      const auto dag = engine.PutDag(request.body);
      return JsonResponse(201, DagJson(*engine.GetDag(dag->name), true))
          .Header("Location", "/api/v1/dags/" + dag->name);
    } catch (const workflow::DagError& e) {
      throw http::Error(400, sqlstate::kSyntaxError, e.what()).With("line", int64_t{e.line()});
    }
  });
  router.Add(http::Method::kGet, "/api/v1/dags/{name}", [&engine](const http::Request& request) {
    return JsonResponse(200, DagJson(DagOf(engine, request), true));
  });
  for (const bool pause : {true, false}) {
    router.Add(http::Method::kPost, pause ? "/api/v1/dags/{name}/pause" : "/api/v1/dags/{name}/unpause",
               [&engine, pause](const http::Request& request) {
                 const std::string name = DagOf(engine, request).dag->name;
                 engine.Pause(name, pause);
                 return JsonResponse(200, {{"name", name}, {"paused", pause}});
               });
  }
  router.Add(http::Method::kPost, "/api/v1/dags/{name}/runs", [&engine](const http::Request& request) {
    const workflow::DagInfo dag = DagOf(engine, request);
    const Json body = BodyObject(request);
    std::map<std::string, std::string> params;
    if (body.contains("params")) {
      if (!body["params"].is_object()) BadRequest("\"params\" must be a JSON object");
      for (const auto& [k, v] : body["params"].items())
        params[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
    std::optional<TimePoint> logical;
    if (body.contains("logical_date")) logical = TimeMember(body, "logical_date", dag.dag->zone);
    const int64_t id = engine.Trigger(dag.dag->name, params, logical);
    return JsonResponse(201, {{"run_id", id}})
        .Header("Location", "/api/v1/dags/" + dag.dag->name + "/runs/" + std::to_string(id));
  });
  router.Add(http::Method::kPost, "/api/v1/dags/{name}/backfill", [&engine](const http::Request& request) {
    const workflow::DagInfo dag = DagOf(engine, request);
    const Json body = BodyObject(request);
    std::vector<int64_t> ids;
    try {
      ids = engine.Backfill(dag.dag->name, TimeMember(body, "start", dag.dag->zone),
                            TimeMember(body, "end", dag.dag->zone));
    } catch (const std::invalid_argument& e) {
      BadRequest(e.what());
    }
    return JsonResponse(201, {{"run_ids", ids}});
  });
  router.Add(http::Method::kGet, "/api/v1/dags/{name}/runs", [&engine](const http::Request& request) {
    const workflow::DagInfo dag = DagOf(engine, request);
    int limit = 100;
    if (const auto text = request.Query("limit")) limit = std::clamp(std::atoi(text->c_str()), 1, 10000);
    return JsonResponse(200, RunListJson(engine, dag.dag->name, limit));
  });
  router.Add(http::Method::kGet, "/api/v1/dags/{name}/runs/{run_id}",
             [&engine](const http::Request& request) {
               const workflow::RunDetail run = RunOf(engine, request);
               return JsonResponse(200, RunDetailJson(run));
             });
  router.Add(http::Method::kGet, "/api/v1/dags/{name}/runs/{run_id}/tasks/{task}/logs",
             [&engine](const http::Request& request) {
               const workflow::RunDetail run = RunOf(engine, request);
               return JsonResponse(200,
                                   TaskLogsJson(engine, run.run.run_id, std::string(request.Param("task"))));
             });
  router.Add(http::Method::kPost, "/api/v1/dags/{name}/runs/{run_id}/tasks/{task}/clear",
             [&engine](const http::Request& request) {
               const workflow::RunDetail run = RunOf(engine, request);
               try {
                 engine.Clear(run.run.run_id, std::string(request.Param("task")));
               } catch (const std::invalid_argument& e) {
                 throw http::Error(409, sqlstate::kInvalidParameterValue, e.what());
               }
               return JsonResponse(
                   200, {{"run_id", run.run.run_id}, {"cleared", std::string(request.Param("task"))}});
             });
}

}  // namespace basin::server
