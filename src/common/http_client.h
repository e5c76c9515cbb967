#pragma once

// Basin's one HTTP client: a request on a connection of its own to an http:// or https:// URL, with one
// deadline for the whole exchange. https verifies the server's certificate chain against the system's
// certificate authorities (OpenSSL's default paths; SSL_CERT_FILE / SSL_CERT_DIR name others) and its name
// against the URL's host, and sends the host as SNI. Alerts' webhooks, workflows' http tasks and SLA notices, and `basin dag` talking to a
// server use it. Boost.Beast (in the .cc alone) reads the peer's bytes, with its parser's limits; nothing here
// parses what the peer sends.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin {

struct HttpUrl {
  bool tls = false;  ///< https
  std::string host;
  uint16_t port = 80;  ///< 443 for https when not given
  std::string path = "/";  ///< with the query string
  std::string url;         ///< as written
};

/// Parse "http[s]://host[:port][/path]". Throws Exception (22023) saying what is wrong.
HttpUrl ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

/// Send `method` to `url` with `body` (Content-Type `content_type` unless empty) and read the whole answer
/// (chunked or not, at most 8 MiB). Throws IOError when the host cannot be reached, its certificate is not
/// trusted (https), the exchange takes longer than `timeout` or the answer is not HTTP.
HttpResponse HttpRequest(std::string_view method, const HttpUrl& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout);
/// The same for a URL not parsed yet (its errors as ParseHttpUrl's).
HttpResponse HttpRequest(std::string_view method, std::string_view url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace basin
