#include "server/saved_object_routes.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/saved_objects.h"
#include "common/exception.h"
#include "server/http/router.h"

namespace basin::server {

namespace {

/// The members an object's JSON has beside its document's.
constexpr const char* kReservedMembers[] = {"id", "name", "created_at", "updated_at"};

struct Collection {
  SavedObjectKind kind;
  const char* path;  ///< "/api/v1/queries"
  const char* list;  ///< the list's member: "queries"
};
constexpr Collection kCollections[] = {{SavedObjectKind::kQuery, "/api/v1/queries", "queries"},
                                       {SavedObjectKind::kChart, "/api/v1/charts", "charts"},
                                       {SavedObjectKind::kDashboard, "/api/v1/dashboards", "dashboards"}};

/// "2025-01-01T12:00:00.000Z".
std::string IsoTime(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

nlohmann::json ToJson(const SavedObject& object) {
  nlohmann::json json = {{"id", object.id},
                         {"name", object.name},
                         {"created_at", IsoTime(object.created_ms)},
                         {"updated_at", IsoTime(object.updated_ms)}};
  const nlohmann::json document = nlohmann::json::parse(object.document);
  for (const auto& [key, value] : document.items()) json[key] = value;
  return json;
}

http::Response JsonResponse(int status, const nlohmann::json& json) {
  return http::Response::Json(status, json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// The name and document of a request's body: a JSON object with "name" and the document's members.
std::pair<std::string, std::string> NameAndDocument(const std::string& body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    throw http::Error(400, sqlstate::kInvalidParameterValue,
                      "the body must be a JSON object with a \"name\"");
  }
  const auto name = json.find("name");
  if (name == json.end() || !name->is_string()) {
    throw http::Error(400, sqlstate::kInvalidParameterValue, "\"name\" must be a string");
  }
  std::string name_text = name->get<std::string>();
  for (const char* member : kReservedMembers) json.erase(member);
  return {std::move(name_text), json.dump()};
}

int64_t IdOf(const http::Request& request) {
  const std::string_view text = request.Param("id");
  int64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || id > (INT64_MAX - 9) / 10) id = -1;
    if (id < 0) break;
    id = id * 10 + (c - '0');
  }
  if (text.empty() || id <= 0) {
    throw http::Error(400, sqlstate::kInvalidParameterValue,
                      "the id must be a positive integer, not \"" + std::string(text) + "\"");
  }
  return id;
}

}  // namespace

void AddSavedObjectRoutes(http::Router& router, SavedObjects& saved) {
  for (const Collection& c : kCollections) {
    const std::string path = c.path;
    const std::string item = path + "/{id}";
    const SavedObjectKind kind = c.kind;
    router.Add(http::Method::kPost, path, [&saved, kind, path](const http::Request& request) {
      const auto [name, document] = NameAndDocument(request.body);
      const SavedObject object = saved.Create(kind, name, document);
      return JsonResponse(201, ToJson(object)).Header("Location", path + "/" + std::to_string(object.id));
    });
    router.Add(http::Method::kGet, path, [&saved, kind, list = c.list](const http::Request&) {
      nlohmann::json objects = nlohmann::json::array();
      for (const SavedObject& object : saved.List(kind)) objects.push_back(ToJson(object));
      return JsonResponse(200, {{list, std::move(objects)}});
    });
    router.Add(http::Method::kGet, item, [&saved, kind](const http::Request& request) {
      return JsonResponse(200, ToJson(saved.Get(kind, IdOf(request))));
    });
    router.Add(http::Method::kPut, item, [&saved, kind](const http::Request& request) {
      const int64_t id = IdOf(request);
      const auto [name, document] = NameAndDocument(request.body);
      return JsonResponse(200, ToJson(saved.Update(kind, id, name, document)));
    });
    router.Add(http::Method::kDelete, item, [&saved, kind](const http::Request& request) {
      saved.Delete(kind, IdOf(request));
      http::Response deleted;
      deleted.status = 204;
      return deleted;
    });
  }
}

}  // namespace basin::server
