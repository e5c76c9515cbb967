#include "server/web_ui_route.h"

#include <gtest/gtest.h>

#include "helpers/http_testing.h"
#include "server/http/server.h"

namespace basin::server {
namespace {

using http::testing::RawResponse;
using http::testing::Send;

/// The UI's routes over `files` on a free port.
class WebUiRouteTest : public ::testing::Test {
 protected:
  void Start(std::span<const EmbeddedFile> files) {
    server_ = http::testing::StartServer([files](http::Router& router) { AddWebUiRoutes(router, files); });
  }
  ~WebUiRouteTest() override {
    if (server_) server_->Stop();
  }
  RawResponse Get(std::string_view target, std::vector<std::string> headers = {}) {
    return Send(server_->port(), "GET", target, {}, headers);
  }

  std::unique_ptr<http::Server> server_;
};

const EmbeddedFile kFiles[] = {
    {"index.html", "<!doctype html><title>Basin</title>"},
    {"favicon.svg", "<svg/>"},
    {"assets/index-abc123.js", "console.log(1)"},
    {"assets/index-abc123.css", "body{}"},
};

TEST_F(WebUiRouteTest, ServesFilesWithTypesAndCaching) {
  Start(kFiles);
  RawResponse r = Get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Basin</title>");
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
  const std::string etag = r.Header("ETag").value_or("");
  ASSERT_EQ(etag.size(), 18u) << etag;
  EXPECT_EQ(Get("/index.html").body, r.body);

  // Revalidation: the same ETag is answered 304 without the body.
  r = Get("/", {"If-None-Match: " + etag});
  EXPECT_EQ(r.status, 304);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Get("/", {"If-None-Match: \"other\""}).status, 200);

  r = Get("/assets/index-abc123.js");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log(1)");
  EXPECT_EQ(r.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/index-abc123.css").Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/favicon.svg").Header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(Get("/assets/missing.js").status, 404);
  EXPECT_EQ(Get("/assets/../index.html").status, 404);
  EXPECT_EQ(Get("/nothing-here").status, 404);
  EXPECT_EQ(Send(server_->port(), "HEAD", "/").status, 200);
}

TEST_F(WebUiRouteTest, WithoutABuiltUiTheRootSaysHowToBuildIt) {
  Start({});
  const RawResponse r = Get("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("make build"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace basin::server
