#pragma once

// The REST API of saved queries, charts and dashboards (catalog/saved_objects.h).

namespace basin {
class SavedObjects;
}
namespace basin::http {
class Router;
}

namespace basin::server {

/// Serve `saved` (which must outlive the server) at `/api/v1/queries`, `/api/v1/charts` and
/// `/api/v1/dashboards`: `POST` creates (201 and a Location), `GET` lists (`{"queries": [...]}`), and
/// `GET`, `PUT` (replace) and `DELETE` (204) act on `/{id}`. An object travels as one JSON object: "id",
/// "name", "created_at" and "updated_at" (ISO 8601, UTC) beside the members of its document ("sql",
/// "type", "charts", ...); a request's "id" and timestamps are ignored. Errors: 400 (22023) for a bad
/// body, name or document, 404 (42704) for an unknown id, 409 (42710) for a name taken.
void AddSavedObjectRoutes(http::Router& router, SavedObjects& saved);

}  // namespace basin::server
