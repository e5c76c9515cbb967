#include "server/api_routes.h"

#include "catalog/catalog.h"
#include "main/database.h"
#include "server/catalog_routes.h"
#include "server/embedded_files.h"
#include "server/http/event_route.h"
#include "server/http/router.h"
#include "server/saved_object_routes.h"
#include "server/sql_route.h"
#include "server/web_ui_route.h"
#include "server/workflow_routes.h"

namespace basin::server {

void AddApiRoutes(http::Router& router, Database& database, ingest::EventCollector& collector,
                  workflow::WorkflowEngine& workflows, size_t max_body_bytes) {
  http::AddEventRoute(router, collector, {.max_body_bytes = max_body_bytes});
  AddSqlRoute(router, database, max_body_bytes);
  AddCatalogRoutes(router, database);
  AddSavedObjectRoutes(router, database.catalog().saved_objects());
  AddWorkflowRoutes(router, workflows);
  router.Add(http::Method::kGet, "/api/openapi.json", [](const http::Request&) {
    return http::Response::Json(200, std::string(OpenApiFiles().front().bytes))
        .Header("Cache-Control", "no-cache");
  });
  AddWebUiRoutes(router, WebAssetFiles());
}

}  // namespace basin::server
