#pragma once

// Files compiled into the binary by cmake/embed_files.cmake (the .cc files defining these functions are
// generated at build time).

#include <span>
#include <string_view>

namespace basin::server {

/// One file's path (relative to the folder it was embedded from, '/'-separated) and bytes.
struct EmbeddedFile {
  std::string_view path;
  std::string_view bytes;
};

/// `openapi.json`: the OpenAPI document of the REST API (src/server/openapi.json).
std::span<const EmbeddedFile> OpenApiFiles();

/// The web UI as `make build` built it (web/dist: `index.html`, `assets/...`); empty when it was not built.
std::span<const EmbeddedFile> WebAssetFiles();

}  // namespace basin::server
