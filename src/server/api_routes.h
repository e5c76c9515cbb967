#pragma once

// Every route `basin server` serves over HTTP, in one place, so that the server and the test that checks
// the OpenAPI document against the routes see the same list.

#include <cstddef>

namespace basin {
class Database;
}
namespace basin::http {
class Router;
}
namespace basin::ingest {
class EventCollector;
}
namespace basin::workflow {
class WorkflowEngine;
}

namespace basin::server {

/// Add to `router` (whose server serves /healthz and /metrics itself): the event collector
/// (`POST /api/v1/topics/{topic}/events`), SQL (`POST /api/v1/sql`), the catalog, saved queries, charts and
/// dashboards, the workflows (`/api/v1/dags`), `GET /api/openapi.json` (the OpenAPI document describing all
/// of them) and the web UI at `/`. Request bodies are limited to `max_body_bytes`. `database`, `collector` and
/// `workflows` must outlive the server.
void AddApiRoutes(http::Router& router, Database& database, ingest::EventCollector& collector,
                  workflow::WorkflowEngine& workflows, size_t max_body_bytes);

}  // namespace basin::server
