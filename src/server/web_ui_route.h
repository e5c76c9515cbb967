#pragma once

// The web UI (web/, built by `make build` into web/dist and compiled into the binary) served at `/`.

#include <span>

#include "server/embedded_files.h"

namespace basin::http {
class Router;
}

namespace basin::server {

/// Serve `files` (WebAssetFiles(): `index.html`, `assets/...`): `GET /` is index.html, `GET /assets/{path...}`
/// and every other top-level file by its path, each with its content type. Assets (named by Vite after a
/// hash of their content) may be cached for a year; index.html and the others are revalidated (`no-cache`
/// with an ETag, answered 304 when it matches). With no files, `GET /` answers 404 with a page saying how
/// to build the UI. The files must outlive the router (embedded ones live as long as the process).
void AddWebUiRoutes(http::Router& router, std::span<const EmbeddedFile> files);

}  // namespace basin::server
