#include "server/http/router.h"

#include <gtest/gtest.h>

#include "common/exception.h"

namespace basin::http {
namespace {

Response Named(const std::string& name) {
  return Response::Text(200, name);
}

Router Routes() {
  Router router;
  router.Add(Method::kGet, "/healthz", [](const Request&) { return Named("health"); });
  router.Add(Method::kPost, "/api/v1/topics/{topic}/events", [](const Request&) { return Named("events"); });
  router.Add(Method::kGet, "/api/v1/topics/{topic}", [](const Request&) { return Named("topic"); });
  router.Add(Method::kDelete, "/api/v1/topics/{topic}", [](const Request&) { return Named("delete"); });
  router.Add(Method::kGet, "/api/v1/topics/_list", [](const Request&) { return Named("list"); });
  router.Add(Method::kGet, "/assets/{path...}", [](const Request&) { return Named("asset"); });
  router.Add(Method::kGet, "/", [](const Request&) { return Named("root"); });
  return router;
}

std::string Body(const Router::Match& m) {
  return m.route ? m.route->sync(Request()).body : "none";
}

TEST(RouterTest, MatchesLiteralsAndParameters) {
  const Router router = Routes();
  auto m = router.Find(Method::kPost, "/api/v1/topics/clicks/events");
  EXPECT_EQ(Body(m), "events");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "topic");
  EXPECT_EQ(m.params[0].second, "clicks");
  EXPECT_EQ(m.route->pattern, "/api/v1/topics/{topic}/events");
  EXPECT_EQ(Body(router.Find(Method::kGet, "/healthz")), "health");
  EXPECT_EQ(Body(router.Find(Method::kGet, "/")), "root");
  EXPECT_EQ(Body(router.Find(Method::kGet, "/api/v1/topics/clicks")), "topic");
  EXPECT_EQ(Body(router.Find(Method::kDelete, "/api/v1/topics/clicks")), "delete");
}

TEST(RouterTest, LiteralBeatsParameterWhateverTheOrder) {
  const Router router = Routes();
  EXPECT_EQ(Body(router.Find(Method::kGet, "/api/v1/topics/_list")), "list");
  EXPECT_EQ(Body(router.Find(Method::kGet, "/api/v1/topics/_lists")), "topic");
}

TEST(RouterTest, ParametersArePercentDecodedSegments) {
  const Router router = Routes();
  auto m = router.Find(Method::kGet, "/api/v1/topics/a%2Fb%20c");
  EXPECT_EQ(Body(m), "topic");
  EXPECT_EQ(m.params[0].second, "a/b c");
  // An empty segment names nothing, and a slash splits segments before decoding.
  EXPECT_EQ(router.Find(Method::kPost, "/api/v1/topics//events").route, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/topics/a/b").route, nullptr);
  auto bad = router.Find(Method::kGet, "/api/v1/topics/100%");
  EXPECT_EQ(bad.route, nullptr);
  EXPECT_TRUE(bad.bad_path);
}

TEST(RouterTest, RestParameterTakesTheRestOfThePath) {
  const Router router = Routes();
  auto m = router.Find(Method::kGet, "/assets/js/app.js");
  EXPECT_EQ(Body(m), "asset");
  EXPECT_EQ(m.params[0].second, "js/app.js");
  EXPECT_EQ(router.Find(Method::kGet, "/assets/x").params[0].second, "x");
  EXPECT_EQ(router.Find(Method::kGet, "/assets").route, nullptr);
}

TEST(RouterTest, OtherMethodsOnAPathMeanMethodNotAllowed) {
  const Router router = Routes();
  auto m = router.Find(Method::kPut, "/api/v1/topics/clicks");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, "GET, HEAD, DELETE");
  auto none = router.Find(Method::kGet, "/nowhere");
  EXPECT_EQ(none.route, nullptr);
  EXPECT_EQ(none.allowed, "");
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/topics/clicks/events").allowed, "POST");
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router = Routes();
  EXPECT_EQ(Body(router.Find(Method::kHead, "/healthz")), "health");
  router.Add(Method::kHead, "/healthz", [](const Request&) { return Named("head"); });
  EXPECT_EQ(Body(router.Find(Method::kHead, "/healthz")), "head");
}

TEST(RouterTest, RefusesMalformedAndDuplicatePatterns) {
  Router router = Routes();
  auto handler = [](const Request&) { return Named("x"); };
  EXPECT_THROW(router.Add(Method::kGet, "relative", handler), InternalError);
  EXPECT_THROW(router.Add(Method::kGet, "/a/{}", handler), InternalError);
  EXPECT_THROW(router.Add(Method::kGet, "/a/x{y}", handler), InternalError);
  EXPECT_THROW(router.Add(Method::kGet, "/a/{rest...}/b", handler), InternalError);
  EXPECT_THROW(router.Add(Method::kGet, "/api/v1/topics/{name}", handler), InternalError);  // same shape
  EXPECT_NO_THROW(router.Add(Method::kPut, "/api/v1/topics/{name}", handler));
}

TEST(RequestTest, QueryParametersAndHeaders) {
  Request r;
  r.query = "key=user_id&timestamp=ts%20x&flag&plus=a+b&key=second";
  r.headers = {{"Content-Type", "Application/X-NDJSON; charset=utf-8"}, {"X-One", "1"}};
  EXPECT_EQ(r.Query("key"), "user_id");  // the first of a repeated name
  EXPECT_EQ(r.Query("timestamp"), "ts x");
  EXPECT_EQ(r.Query("flag"), "");
  EXPECT_EQ(r.Query("plus"), "a b");
  EXPECT_EQ(r.Query("missing"), std::nullopt);
  EXPECT_EQ(r.Header("x-one"), "1");
  EXPECT_EQ(r.MediaType(), "application/x-ndjson");
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("a+b%41", false), "a+bA");
}

}  // namespace
}  // namespace basin::http
