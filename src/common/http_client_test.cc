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
  EXPECT_THROW(ParseHttpUrl("https://example.com/"), NotImplementedError);
}

}  // namespace
}  // namespace basin
