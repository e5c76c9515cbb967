#include "server/pgwire/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "main/database.h"
#include "server/pgwire/protocol.h"

namespace basin::pgwire {
namespace {

/// A blocking client socket to the server.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  }
  ~Client() { ::close(fd_); }
  void Send(const std::string& bytes) { EXPECT_EQ(::send(fd_, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size())); }
  /// Read until the server closes the connection (or `timeout` passes); what it sent.
  std::string ReadToEnd(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
        return out;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

std::string Startup(const std::string& user) {
  std::string body;
  MessageWriter w(body);
  w.Int32(kProtocolVersion3).String("user").String(user).String("database").String("basin").Int8(0);
  std::string out;
  MessageWriter(out).Int32(static_cast<int32_t>(body.size() + 4));
  return out + body;
}

TEST(PgServerTest, ClosesConnectionsThatDoNotAuthenticateInTime) {
  Database db;
  ServerOptions options;
  options.port = 0;
  options.authentication_timeout = std::chrono::milliseconds(100);
  options.log = [](std::string_view) {};
  Server server(db, options);
  server.Start();
  Client silent(server.port());
  silent.ReadToEnd();
  EXPECT_TRUE(silent.closed());
  // A session that authenticated stays.
  Client session(server.port());
  session.Send(Startup("basin"));
  const std::string answer = session.ReadToEnd(std::chrono::milliseconds(500));
  EXPECT_FALSE(session.closed());
  EXPECT_NE(answer.find(std::string("Z\0\0\0\x05I", 6)), std::string::npos);
  server.Stop();
}

TEST(PgServerTest, RefusesUsersItDoesNotTrustAndEndsSessionsOnStop) {
  Database db;
  ServerOptions options;
  options.port = 0;
  options.log = [](std::string_view) {};
  Server server(db, options);
  server.Start();
  Client stranger(server.port());
  stranger.Send(Startup("mallory"));
  const std::string refused = stranger.ReadToEnd();
  EXPECT_TRUE(stranger.closed());
  EXPECT_NE(refused.find("28000"), std::string::npos);
  Client session(server.port());
  session.Send(Startup("basin"));
  session.ReadToEnd(std::chrono::milliseconds(300));
  server.Stop();
  const std::string bye = session.ReadToEnd();
  EXPECT_TRUE(session.closed());
  EXPECT_NE(bye.find("57P01"), std::string::npos);
  EXPECT_EQ(server.connection_count(), 0u);
}

}  // namespace
}  // namespace basin::pgwire
