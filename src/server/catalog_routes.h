#pragma once

// The REST API of the catalog: what exists (schemas, tables, views, topics, sinks) and what each holds
// (main/catalog_info.h), for the catalog browser and for programs.

namespace basin {
class Database;
}
namespace basin::http {
class Router;
}

namespace basin::server {

/// Serve `database`'s catalog (the database must outlive the server):
/// - `GET /api/v1/catalog`: `{"schemas": [{"name", "tables": [{"name", "comment", "columns"}], "views":
///   [{"name"}]}], "topics": [...], "sinks": [...]}`, a sink as a row of SHOW SINKS;
/// - `GET /api/v1/tables/{schema}/{table}`: a table's or view's columns (name, type, nullable, comment),
///   row count, size, snapshots (the newest 100 of "t$snapshots") and first rows (`?sample=N`, 20 by
///   default), tables and samples as `{"columns", "rows"}`;
/// - `GET /api/v1/topics`: every topic with its partition count, messages, size and columns;
/// - `GET /api/v1/topics/{topic}`: one topic with its partitions' offsets, configs, schema and last
///   records (`?sample=N`, 20 by default).
/// An unknown table or topic is 404 (42P01).
void AddCatalogRoutes(http::Router& router, Database& database);

}  // namespace basin::server
