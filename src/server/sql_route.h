#pragma once

// `POST /api/v1/sql`: one SQL statement over HTTP, answered with the JSON object that `basin sql --format
// json` prints for it (main/json_result.h), so that programs and the CLI see the same thing; or, asked for
// CSV or NDJSON, with the rows streamed as they are written out.

#include <cstddef>

namespace basin {
class Database;
}
namespace basin::http {
class Router;
}

namespace basin::server {

/// Serve `database` (which must outlive the server) at `POST /api/v1/sql`. The body is a JSON object
/// `{"sql": "...", "format": "json" | "csv" | "ndjson", "limit": n}` (format and limit optional), or the
/// same fields as an HTML form (application/x-www-form-urlencoded, so that a browser can download a
/// result as a file), with one statement, run on a Connection of its own on a handler thread.
///
/// - "json" (the default) answers 200 with `{"columns": [...], "rows": [...]}` (with `"truncated": true`
///   when `limit` cut rows) or `{"ok": true, "rows_affected": n}`.
/// - "csv" streams the rows as RFC 4180 CSV with a header line (text/csv, as `basin sql --format csv`
///   prints them); "ndjson" streams one JSON object per row (application/x-ndjson). Both are written in
///   pieces of about 64 KiB, so the text of a large result is never held whole. A statement without rows
///   answers the JSON object whatever the format.
///
/// A failed statement, or a body that is not such a request, answers 400 with `{"error": {"code":
/// SQLSTATE, "message": ...}}`; bodies above `max_body_bytes` get 413 unread.
///
/// With `"query_id": "..."` (a name the client chooses, unique among running statements: 409 otherwise)
/// the statement can be cancelled while it runs: `DELETE /api/v1/queries/running/{id}` answers 202 and the
/// statement ends at its next chunk of data with 400 and SQLSTATE 57014 (404 when no statement runs
/// under that id). Both routes are added here.
void AddSqlRoute(http::Router& router, Database& database, size_t max_body_bytes);

}  // namespace basin::server
