#include "server/web_ui_route.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "server/http/router.h"

namespace basin::server {

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

constexpr const char* kNotBuiltPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>Basin</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Basin's web UI is not in this build</h1>
<p>This <code>basin</code> binary was built without <code>web/dist</code>. Build the UI and the binary with
<code>make build</code> (it runs <code>npm ci</code> and <code>vite build</code> in <code>web/</code>; see
<code>web/README.md</code>), then start <code>basin server</code> again.</p>
<p>The REST API works meanwhile: <a href="/api/openapi.json">/api/openapi.json</a> describes it.</p>
</body></html>
)";

std::string ContentType(std::string_view path) {
  static const std::map<std::string_view, const char*> kTypes = {{"html", "text/html; charset=utf-8"},
                                                                 {"js", "text/javascript; charset=utf-8"},
                                                                 {"mjs", "text/javascript; charset=utf-8"},
                                                                 {"css", "text/css; charset=utf-8"},
                                                                 {"json", "application/json"},
                                                                 {"map", "application/json"},
                                                                 {"svg", "image/svg+xml"},
                                                                 {"png", "image/png"},
                                                                 {"ico", "image/x-icon"},
                                                                 {"woff2", "font/woff2"},
                                                                 {"txt", "text/plain; charset=utf-8"},
                                                                 {"wasm", "application/wasm"}};
  const size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto it = kTypes.find(path.substr(dot + 1));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

/// A strong validator from the bytes (FNV-1a, 64 bits): it changes whenever a rebuilt file does.
std::string ETagOf(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  char text[24];
  std::snprintf(text, sizeof(text), "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

/// The handler serving `file` with `cache_control`.
http::SyncHandler Serve(const EmbeddedFile& file, const char* cache_control) {
  auto etag = std::make_shared<const std::string>(ETagOf(file.bytes));
  return [&file, cache_control, etag](const http::Request& request) {
    if (request.Header("If-None-Match") == std::string_view(*etag)) {
      http::Response not_modified;
      not_modified.status = 304;
      return not_modified.Header("ETag", *etag).Header("Cache-Control", cache_control);
    }
    return http::Response::Text(200, std::string(file.bytes), ContentType(file.path))
        .Header("ETag", *etag)
        .Header("Cache-Control", cache_control)
        .Header("X-Content-Type-Options", "nosniff");
  };
}

}  // namespace

void AddWebUiRoutes(http::Router& router, std::span<const EmbeddedFile> files) {
  // Assets by their path below assets/, each with its handler.
  auto assets = std::make_shared<std::map<std::string, http::SyncHandler, std::less<>>>();
  bool have_index = false;
  for (const EmbeddedFile& file : files) {
    if (file.path.starts_with("assets/")) {
      (*assets)[std::string(file.path.substr(7))] = Serve(file, kImmutable);
      continue;
    }
    router.Add(http::Method::kGet, "/" + std::string(file.path), Serve(file, kRevalidate));
    if (file.path == "index.html") {
      router.Add(http::Method::kGet, "/", Serve(file, kRevalidate));
      have_index = true;
    }
  }
  if (!have_index) {
    router.Add(http::Method::kGet, "/", [](const http::Request&) {
      return http::Response::Text(404, kNotBuiltPage, "text/html; charset=utf-8");
    });
  }
  if (assets->empty()) return;
  router.Add(http::Method::kGet, "/assets/{path...}", [assets](const http::Request& request) {
    const auto it = assets->find(request.Param("path"));
    if (it == assets->end()) throw http::Error(404, "not_found", "no such file");
    return it->second(request);
  });
}

}  // namespace basin::server
