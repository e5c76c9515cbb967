#pragma once

// Alerts' webhooks: an HTTP POST of a JSON body to `http://host[:port][/path]`, with a deadline. Boost.Beast
// does the HTTP (its response parser, with its limits); nothing here parses bytes from the peer.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace basin::stream {

struct WebhookTarget {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";
  std::string url;  ///< as written
};

/// Parse "http://host[:port][/path]". Throws Exception (22023) saying what is wrong (https is refused:
/// 0A000).
WebhookTarget ParseWebhookUrl(std::string_view url);

/// POST `body` as application/json; the response's status code. Throws IOError when the host cannot be
/// reached, the exchange takes longer than `timeout`, or the answer is not HTTP.
int PostJson(const WebhookTarget& target, const std::string& body, std::chrono::milliseconds timeout);

}  // namespace basin::stream
