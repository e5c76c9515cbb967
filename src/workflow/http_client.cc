#include "workflow/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace basin::workflow {

namespace {

using SteadyClock = std::chrono::steady_clock;

int Remaining(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  if (left <= 0) throw std::runtime_error("timed out");
  return static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

/// Wait for `events` on `fd` until the deadline.
void Await(int fd, short events, SteadyClock::time_point deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    const int n = ::poll(&p, 1, Remaining(deadline));
    if (n > 0) return;
    if (n < 0 && errno != EINTR) throw std::runtime_error("poll failed");
  }
}

struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

HttpResponse HttpRequest(const std::string& method, const std::string& url, const std::string& body,
                         const std::string& content_type, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  if (!url.starts_with("http://"))
    throw std::runtime_error("only http:// URLs are supported, not \"" + url + "\"");
  const size_t host_start = 7;
  const size_t slash = url.find('/', host_start);
  const std::string authority =
      url.substr(host_start, slash == std::string::npos ? std::string::npos : slash - host_start);
  const std::string target = slash == std::string::npos ? "/" : url.substr(slash);
  std::string host = authority, port = "80";
  if (const size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) throw std::runtime_error("no host in \"" + url + "\"");

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
    throw std::runtime_error("cannot resolve " + authority);
  }
  Socket s;
  s.fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
  const int rc = s.fd < 0 ? -1 : ::connect(s.fd, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (s.fd < 0 || (rc != 0 && errno != EINPROGRESS))
    throw std::runtime_error("cannot connect to " + authority);
  Await(s.fd, POLLOUT, deadline);
  int error = 0;
  socklen_t len = sizeof(error);
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0)
    throw std::runtime_error("cannot connect to " + authority + ": " + std::string(strerror(error)));

  std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + authority +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
  request += "\r\n" + body;
  for (size_t sent = 0; sent < request.size();) {
    Await(s.fd, POLLOUT, deadline);
    const ssize_t n = ::send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      throw std::runtime_error("the connection to " + authority + " broke");
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[16384];
  while (true) {
    Await(s.fd, POLLIN, deadline);
    const ssize_t n = ::recv(s.fd, buffer, sizeof(buffer), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      throw std::runtime_error("the connection to " + authority + " broke");
    }
    response.append(buffer, static_cast<size_t>(n));
  }
  const size_t head_end = response.find("\r\n\r\n");
  if (!response.starts_with("HTTP/1.") || head_end == std::string::npos || response.size() < 12) {
    throw std::runtime_error("a malformed HTTP response from " + authority);
  }
  HttpResponse out;
  out.status = std::atoi(response.c_str() + 9);
  std::string head = response.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string payload = response.substr(head_end + 4);
  if (head.find("transfer-encoding: chunked") != std::string::npos) {
    // Chunked: hex size, CRLF, data, CRLF ... until a zero-size chunk.
    size_t at = 0;
    while (at < payload.size()) {
      const size_t line_end = payload.find("\r\n", at);
      if (line_end == std::string::npos) break;
      const size_t size = std::stoul(payload.substr(at, line_end - at), nullptr, 16);
      if (size == 0) break;
      out.body += payload.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
  } else {
    out.body = std::move(payload);
  }
  return out;
}

}  // namespace basin::workflow
