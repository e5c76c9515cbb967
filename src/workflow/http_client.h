#pragma once

// A small blocking HTTP/1.1 client for plain http:// URLs: the http task kind and `basin dag`, which talks
// to a running server's REST API. One request per connection (Connection: close).

#include <chrono>
#include <string>

namespace basin::workflow {

struct HttpResponse {
  int status = 0;
  std::string body;
};

/// Send `method` `url` with `body`; wait at most `timeout` in all. Throws std::runtime_error saying what
/// failed (a malformed URL, no answer, a malformed response).
HttpResponse HttpRequest(const std::string& method, const std::string& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace basin::workflow
