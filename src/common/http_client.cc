#include "common/http_client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

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
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
    target.tls = true;
    target.port = 443;
  } else {
    BadUrl(url, "expected http[s]://host[:port][/path]");
  }
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

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

/// One exchange over `stream` (a TCP stream, or TLS over one): connect, [handshake,] write, read, all async
/// on `io`, so that the stream's deadline bounds each step. `stage` says what failed when it stops short.
template <class Stream>
class Exchange {
 public:
  Exchange(Stream& stream, beast::tcp_stream& tcp, const HttpUrl& url,
           http::request<http::string_body>& request, http::response_parser<http::string_body>& parser)
      : stream_(stream), tcp_(tcp), url_(url), request_(request), parser_(parser) {}

  void Start(tcp::resolver& resolver) {
    resolver.async_resolve(url_.host, std::to_string(url_.port), [this](beast::error_code ec, auto results) {
      if (ec) return void(failure = ec);
      stage = "cannot connect to";
      tcp_.async_connect(results, [this](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return void(failure = ec);
        Handshake();
      });
    });
  }

  beast::error_code failure;
  const char* stage = "cannot resolve";
  bool done = false;

 private:
  void Handshake() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Send();
    } else {
      stage = "no TLS session (certificate not trusted, or not TLS) with";
      stream_.async_handshake(ssl::stream_base::client, [this](beast::error_code ec) {
        if (ec) return void(failure = ec);
        Send();
      });
    }
  }
  void Send() {
    stage = "cannot send the request to";
    http::async_write(stream_, request_, [this](beast::error_code ec, size_t) {
      if (ec) return void(failure = ec);
      stage = "no complete HTTP answer from";
      http::async_read(stream_, buffer_, parser_, [this](beast::error_code ec, size_t) {
        if (ec) return void(failure = ec);
        done = true;  // (Connection: close: no TLS close_notify is awaited)
      });
    });
  }

  Stream& stream_;
  beast::tcp_stream& tcp_;
  const HttpUrl& url_;
  http::request<http::string_body>& request_;
  http::response_parser<http::string_body>& parser_;
  beast::flat_buffer buffer_;
};

}  // namespace

HttpResponse HttpRequest(std::string_view method, const HttpUrl& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  const beast::string_view verb(method.data(), method.size());
  http::request<http::string_body> request;
  request.version(11);
  request.target(url.path);
  request.method_string(verb);  // any token: known verbs are stored as such
  const uint16_t default_port = url.tls ? 443 : 80;
  request.set(http::field::host,
              url.port == default_port ? url.host : url.host + ":" + std::to_string(url.port));
  request.set(http::field::user_agent, "basin");
  request.set(http::field::connection, "close");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = body;
  request.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 << 20);
  auto fail = [&](const char* stage, const beast::error_code& failure) {
    throw IOError(std::string(method) + " " + url.url + ": " + stage + " " + url.host + ":" +
                  std::to_string(url.port) + ": " + (failure ? failure.message() : std::string("timed out")));
  };
  if (!url.tls) {
    beast::tcp_stream stream(io);
    // One deadline for the whole exchange: every operation on the stream fails once it passes.
    stream.expires_after(timeout);
    Exchange<beast::tcp_stream> exchange(stream, stream, url, request, parser);
    exchange.Start(resolver);
    io.run_for(timeout + std::chrono::seconds(1));  // the resolver has no deadline of its own
    if (!exchange.done) fail(exchange.stage, exchange.failure);
  } else {
    ssl::context context(ssl::context::tls_client);
    context.set_default_verify_paths();  // the system's authorities; SSL_CERT_FILE / SSL_CERT_DIR override
    context.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
      fail("cannot set the TLS server name for", beast::error_code());
    beast::get_lowest_layer(stream).expires_after(timeout);
    Exchange<beast::ssl_stream<beast::tcp_stream>> exchange(stream, beast::get_lowest_layer(stream), url,
                                                            request, parser);
    exchange.Start(resolver);
    io.run_for(timeout + std::chrono::seconds(1));
    if (!exchange.done) fail(exchange.stage, exchange.failure);
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
