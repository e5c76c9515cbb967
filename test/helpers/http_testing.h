#pragma once

// Helpers for tests of the HTTP server: a blocking client speaking raw HTTP/1.1 over one connection (so that
// tests control keep-alive, pipelining and partial sends), with receive timeouts that turn a hung server
// into a failed test.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/server.h"

namespace basin::http::testing {

/// A response as read off the wire.
struct RawResponse {
  int status = 0;  ///< 0: the connection closed (or timed out) before a whole response arrived
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< de-chunked
  bool chunked = false;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
    }
    return std::nullopt;
  }
};

class RawClient {
 public:
  explicit RawClient(uint16_t port, int timeout_seconds = 10) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SetTimeout(timeout_seconds);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void SetTimeout(int seconds) {
    timeval timeout{seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  /// Shrink the receive buffer (before the server writes), so that a client that does not read pushes back.
  void SetReceiveBuffer(int bytes) { ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)); }

  /// Send all of `bytes`; false if the connection failed.
  bool Send(std::string_view bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += n;
    }
    return true;
  }
  /// Send a request: `method target` with `headers` (each "Name: value") and a Content-Length body.
  bool SendRequest(std::string_view method, std::string_view target, std::string_view body = {},
                   const std::vector<std::string>& headers = {}) {
    return Send(Request(method, target, body, headers));
  }
  static std::string Request(std::string_view method, std::string_view target, std::string_view body = {},
                             const std::vector<std::string>& headers = {}) {
    std::string r = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const std::string& h : headers) r += h + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT")
      r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    r += "\r\n";
    r += body;
    return r;
  }

  /// Read one response (HEAD responses: pass `head_only`, their Content-Length announces no bytes). An
  /// interim response (100 Continue) is returned as such.
  RawResponse ReadResponse(bool head_only = false) {
    RawResponse r;
    std::string line;
    if (!ReadLine(line)) return r;
    // "HTTP/1.1 200 OK"
    const size_t space = line.find(' ');
    if (space == std::string::npos) return r;
    const int status = std::atoi(line.c_str() + space + 1);
    std::optional<size_t> length;
    while (true) {
      if (!ReadLine(line)) return r;
      if (line.empty()) break;
      const size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (strcasecmp(name.c_str(), "Content-Length") == 0) length = std::strtoull(value.c_str(), nullptr, 10);
      if (strcasecmp(name.c_str(), "Transfer-Encoding") == 0 && value == "chunked") r.chunked = true;
      r.headers.emplace_back(std::move(name), std::move(value));
    }
    // An interim response (100 Continue) has no body; the caller reads the final one next.
    if (!head_only && status >= 200 && status != 204 && status != 304) {
      if (r.chunked) {
        while (true) {
          if (!ReadLine(line)) return r;
          const size_t size = std::strtoull(line.c_str(), nullptr, 16);
          if (size == 0) {
            if (!ReadLine(line)) return r;  // the CRLF after the last chunk (no trailers)
            break;
          }
          std::string chunk;
          if (!ReadExactly(size, chunk) || !ReadLine(line)) return r;
          r.body += chunk;
        }
      } else if (length) {
        if (!ReadExactly(*length, r.body)) return r;
      } else {
        // No length: the body runs to the close.
        char c;
        while (ReadByte(c)) r.body += c;
      }
    }
    r.status = status;
    return r;
  }

  /// Whether the server closed the connection (a read sees the end of the stream) within the timeout.
  bool WaitClosed() {
    char c;
    if (begin_ < buffered_.size()) return false;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }
  int fd() const { return fd_; }

 private:
  bool Fill() {
    if (begin_ == buffered_.size()) {
      buffered_.clear();
      begin_ = 0;
    }
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffered_.append(chunk, n);
    return true;
  }
  bool ReadByte(char& c) {
    if (begin_ == buffered_.size() && !Fill()) return false;
    c = buffered_[begin_++];
    return true;
  }
  bool ReadLine(std::string& line) {
    line.clear();
    char c;
    while (ReadByte(c)) {
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      line += c;
    }
    return false;
  }
  bool ReadExactly(size_t n, std::string& out) {
    out.clear();
    while (out.size() < n) {
      if (begin_ == buffered_.size() && !Fill()) return false;
      const size_t take = std::min(n - out.size(), buffered_.size() - begin_);
      out.append(buffered_, begin_, take);
      begin_ += take;
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffered_;
  size_t begin_ = 0;
};

/// A server on a free port of 127.0.0.1, started with the routes `add_routes` adds; its log lines dropped.
inline std::unique_ptr<Server> StartServer(const std::function<void(Router&)>& add_routes) {
  ServerOptions options;
  options.port = 0;
  options.log = [](std::string_view) {};
  auto server = std::make_unique<Server>(std::move(options));
  add_routes(server->router());
  server->Start();
  return server;
}

/// Send one request on a connection of its own to the server on `port` and read the response.
inline RawResponse Send(uint16_t port, std::string_view method, std::string_view target, std::string_view body = {},
                        const std::vector<std::string>& headers = {}) {
  RawClient client(port);
  client.SendRequest(method, target, body, headers);
  return client.ReadResponse(method == "HEAD");
}

}  // namespace basin::http::testing
