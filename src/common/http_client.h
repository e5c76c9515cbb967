#pragma once

// Basin's one HTTP client: a request on a connection of its own to an http:// URL, with one deadline for
// the whole exchange. Alerts' webhooks, workflows' http tasks and SLA notices, and `basin dag` talking to a
// server use it. Boost.Beast (in the .cc alone) reads the peer's bytes, with its parser's limits; nothing here
// parses what the peer sends.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin {

struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";  ///< with the query string
  std::string url;         ///< as written
};

/// Parse "http://host[:port][/path]". Throws Exception (22023) saying what is wrong; https is refused with
/// NotImplementedError (0A000).
HttpUrl ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

/// Send `method` to `url` with `body` (Content-Type `content_type` unless empty) and read the whole answer
/// (chunked or not, at most 8 MiB). Throws IOError when the host cannot be reached, the exchange takes longer
/// than `timeout` or the answer is not HTTP.
HttpResponse HttpRequest(std::string_view method, const HttpUrl& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout);
/// The same for a URL not parsed yet (its errors as ParseHttpUrl's).
HttpResponse HttpRequest(std::string_view method, std::string_view url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace basin
