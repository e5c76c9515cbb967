#include "common/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/exception.h"

namespace basin {

namespace {

[[noreturn]] void BadUrl(std::string_view url, const std::string& why) {
  throw Exception(sqlstate::kInvalidParameterValue, "URL '" + std::string(url) + "': " + why);
}

}  // namespace

HttpUrl ParseHttpUrl(std::string_view url) {
  HttpUrl target;
  target.url = std::string(url);
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, 8) == "https://") {
    throw NotImplementedError("URL '" + std::string(url) + "': only http:// URLs are supported (not https yet)");
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

HttpResponse HttpRequest(std::string_view method, const HttpUrl& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  const beast::string_view verb(method.data(), method.size());
  http::request<http::string_body> request;
  request.version(11);
  request.target(url.path);
  request.method_string(verb);  // any token: known verbs are stored as such
  request.set(http::field::host, url.port == 80 ? url.host : url.host + ":" + std::to_string(url.port));
  request.set(http::field::user_agent, "basin");
  request.set(http::field::connection, "close");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = body;
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 << 20);
  beast::error_code failure;
  const char* stage = "cannot resolve";  // what failed, should the exchange stop short
  bool done = false;
  // One deadline for the whole exchange: every operation on the stream fails once it passes.
  stream.expires_after(timeout);
  resolver.async_resolve(url.host, std::to_string(url.port), [&](beast::error_code ec, auto results) {
    if (ec) return void(failure = ec);
    stage = "cannot connect to";
    stream.async_connect(results, [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return void(failure = ec);
      stage = "cannot send the request to";
      http::async_write(stream, request, [&](beast::error_code ec, size_t) {
        if (ec) return void(failure = ec);
        stage = "no complete HTTP answer from";
        http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) {
          if (ec) return void(failure = ec);
          done = true;
        });
      });
    });
  });
  io.run_for(timeout + std::chrono::seconds(1));  // the resolver has no deadline of its own
  if (!done) {
    throw IOError(std::string(method) + " " + url.url + ": " + stage + " " + url.host + ":" +
                  std::to_string(url.port) + ": " + (failure ? failure.message() : std::string("timed out")));
  }
  HttpResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.body = std::move(parser.get().body());
  return response;
}

HttpResponse HttpRequest(std::string_view method, std::string_view url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout) {
  return HttpRequest(method, ParseHttpUrl(url), body, content_type, timeout);
}

}  // namespace basin
