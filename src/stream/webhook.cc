#include "stream/webhook.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/exception.h"

namespace basin::stream {

namespace {

[[noreturn]] void BadUrl(std::string_view url, const std::string& why) {
  throw Exception(sqlstate::kInvalidParameterValue, "webhook URL '" + std::string(url) + "': " + why);
}

}  // namespace

WebhookTarget ParseWebhookUrl(std::string_view url) {
  WebhookTarget target;
  target.url = std::string(url);
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, 8) == "https://") {
    throw NotImplementedError("webhook URL '" + std::string(url) +
                              "': https is not supported yet (use http)");
  }
  if (url.substr(0, kScheme.size()) != kScheme) BadUrl(url, "expected http://host[:port][/path]");
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) target.path = std::string(rest.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || (value = value * 10 + (c - '0')) > 65535) BadUrl(url, "bad port");
    }
    if (port.empty() || value == 0) BadUrl(url, "bad port");
    target.port = static_cast<uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) BadUrl(url, "no host");
  for (char c : authority) {
    if (c <= ' ' || c == '@' || c == '?' || c == '#') BadUrl(url, "bad host");
  }
  target.host = std::string(authority);
  for (char c : target.path) {
    if (c <= ' ' || c == 127) BadUrl(url, "bad path");
  }
  return target;
}

int PostJson(const WebhookTarget& target, const std::string& body, std::chrono::milliseconds timeout) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{http::verb::post, target.path, 11};
  request.set(http::field::host, target.host);
  request.set(http::field::user_agent, "basin-alerts");
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;
  int status = -1;
  // One deadline for the whole exchange: every operation on the stream fails once it passes.
  stream.expires_after(timeout);
  resolver.async_resolve(target.host, std::to_string(target.port), [&](beast::error_code ec, auto results) {
    if (ec) return void(failure = ec);
    stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return void(failure = ec);
      http::async_write(stream, request, [&](beast::error_code ec, size_t) {
        if (ec) return void(failure = ec);
        http::async_read(stream, buffer, response, [&](beast::error_code ec, size_t) {
          if (ec) return void(failure = ec);
          status = static_cast<int>(response.result_int());
        });
      });
    });
  });
  io.run_for(timeout + std::chrono::seconds(1));  // the resolver has no deadline of its own
  if (status < 0) {
    throw IOError("webhook " + target.url + ": " + (failure ? failure.message() : std::string("timed out")));
  }
  return status;
}

}  // namespace basin::stream
