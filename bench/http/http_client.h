#pragma once

// The benchmarks' HTTP/1.1 client half: a blocking keep-alive connection and a reader of the responses on
// it (status and Content-Length bodies: all the benchmarks need).

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace bench {

/// A TCP connection to host:port with Nagle off, or -1.
inline int Connect(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &result) != 0 || result == nullptr) return -1;
  const int fd = ::socket(result->ai_family, result->ai_socktype, result->ai_protocol);
  const bool ok = fd >= 0 && ::connect(fd, result->ai_addr, result->ai_addrlen) == 0;
  freeaddrinfo(result);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

/// Reads responses off a blocking socket: the status and the body's length are all the benchmark needs.
class ResponseReader {
 public:
  explicit ResponseReader(int fd) : fd_(fd) {}
  /// The next response's status, 0 when the connection failed; its body in `body` when given.
  int Next(std::string* body = nullptr) {
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n", begin_)) == std::string::npos) {
      if (!Fill()) return 0;
    }
    const int status = std::atoi(buffer_.c_str() + begin_ + 9);  // "HTTP/1.1 200"
    size_t length = 0;
    const size_t at = buffer_.find("Content-Length: ", begin_);
    if (at != std::string::npos && at < head_end)
      length = std::strtoull(buffer_.c_str() + at + 16, nullptr, 10);
    const size_t end = head_end + 4 + length;
    while (buffer_.size() < end) {
      if (!Fill()) return 0;
    }
    if (body) body->assign(buffer_, head_end + 4, length);
    begin_ = end;
    if (begin_ == buffer_.size()) {
      buffer_.clear();
      begin_ = 0;
    }
    return status;
  }

 private:
  bool Fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, n);
    return true;
  }
  int fd_;
  std::string buffer_;
  size_t begin_ = 0;
};

}  // namespace bench
