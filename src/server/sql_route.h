#pragma once

// `POST /api/v1/sql`: one SQL statement over HTTP, answered with the JSON object that `basin sql --format
// json` prints for it (main/json_result.h), so that programs and the CLI see the same thing.

#include <cstddef>

namespace basin {
class Database;
}
namespace basin::http {
class Router;
}

namespace basin::server {

/// Serve `database` (which must outlive the server) at `POST /api/v1/sql`. The body is `{"sql": "..."}`
/// with one statement, run on a Connection of its own on a handler thread. Answers 200 with
/// `{"columns": [...], "rows": [...]}` or `{"ok": true, "rows_affected": n}`, and 400 with `{"error":
/// {"code": SQLSTATE, "message": ...}}` when the statement fails or the body is not such an object; bodies
/// above `max_body_bytes` get 413 unread.
void AddSqlRoute(http::Router& router, Database& database, size_t max_body_bytes);

}  // namespace basin::server
