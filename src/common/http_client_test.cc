#include "common/http_client.h"

#include <gtest/gtest.h>

#include "common/exception.h"

namespace basin {
namespace {

TEST(HttpClientTest, ParsesUrls) {
  const HttpUrl t = ParseHttpUrl("http://127.0.0.1:8080/hooks/alerts?x=1");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.path, "/hooks/alerts?x=1");
  const HttpUrl plain = ParseHttpUrl("http://example.com");
  EXPECT_EQ(plain.host, "example.com");
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.path, "/");
}

TEST(HttpClientTest, RefusesBadUrls) {
  for (const char* url : {"ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:65536/",
                          "http://h:8x/", "http://user@h/", "http://h/a b", "example.com"}) {
    try {
      ParseHttpUrl(url);
      ADD_FAILURE() << url << " parsed";
    } catch (const Exception& e) {
      EXPECT_EQ(e.sqlstate(), "22023") << url;
    }
  }
  for (const char* url : {"https://", "https://h:0/"}) EXPECT_THROW(ParseHttpUrl(url), Exception) << url;
}

TEST(HttpClientTest, ParsesHttps) {
  const HttpUrl url = ParseHttpUrl("https://hooks.example.com/services/T0?x=1");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "hooks.example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.path, "/services/T0?x=1");
  EXPECT_EQ(ParseHttpUrl("https://127.0.0.1:8443/").port, 8443);
  EXPECT_FALSE(ParseHttpUrl("http://h/").tls);
}

TEST(HttpClientTest, HttpsFailsClearlyWhenNothingListens) {
  try {
    HttpRequest("POST", "https://127.0.0.1:1/hook", "{}", "application/json", std::chrono::seconds(2));
    ADD_FAILURE() << "no error";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to 127.0.0.1:1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace basin
