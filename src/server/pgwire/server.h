#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "server/pgwire/scram.h"

namespace basin {
class Database;
}

namespace basin::pgwire {

/// The user a fresh server on loopback trusts, and the one database it serves.
inline constexpr const char* kDefaultUser = "basin";
inline constexpr const char* kDatabaseName = "basin";

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5433;  ///< 0: a free port, reported by Server::port()
  int threads = 0;       ///< network threads; 0: two (statements run on threads of their sessions)
  /// Messages above this close their connection with an error (PostgreSQL's limit is 1 GB).
  size_t max_message_bytes = 100 * 1024 * 1024;
  /// Sessions at most; the next one is refused with 53300 (PostgreSQL's max_connections).
  size_t max_connections = 100;
  /// Password users by name (pg.users): with any, every session needs SCRAM-SHA-256; with none, a server
  /// listening on loopback trusts kDefaultUser and refuses everyone else.
  std::map<std::string, ScramVerifier> users;
  /// PEM files of the TLS certificate (chain) and its key; empty: SSLRequest is answered 'N'.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// A connection that has not authenticated after this is closed (PostgreSQL's authentication_timeout).
  std::chrono::milliseconds authentication_timeout{60000};
  /// How long Stop lets running statements finish before cancelling them.
  std::chrono::milliseconds shutdown_grace{5000};
  /// Where log lines go (a connection closed for a malformed message, a failed login); default: stderr.
  std::function<void(std::string_view)> log;
};

/// How a client is let in (auth.cc): decided from the server's users and address, the startup user.
struct AuthPlan {
  enum class Method { kTrust, kScram, kReject } method = Method::kReject;
  /// kScram: the user's verifier, or a made-up one for a user who does not exist, so that the exchange
  /// runs the same and fails at the proof (the client cannot tell which users exist).
  ScramVerifier verifier;
  bool known_user = false;
  std::string sqlstate;  ///< kReject: 28000 and the message
  std::string message;
};
AuthPlan PlanAuthentication(const ServerOptions& options, const std::string& user);
/// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host);

/// The PostgreSQL protocol's network side: listens on a TCP address, negotiates SSL (TLS when a
/// certificate is configured), authenticates (trust or SCRAM-SHA-256), then runs one Session per
/// connection on a thread of its own, so that a long statement holds only its own client; reading stays
/// on the network threads, which also answer CancelRequests by cancelling the statement of the session
/// they name. A malformed or oversized message ends its connection with a FATAL ErrorResponse and a log
/// line; other connections go on. Boost.Asio stays inside server.cc and connection.cc.
class Server {
 public:
  /// `db` must outlive the server. Throws IOError when the TLS files cannot be loaded.
  Server(Database& db, ServerOptions options);
  /// Stop()s the server.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Bind, listen and start the network threads. Throws IOError if the address cannot be bound.
  void Start();
  /// Return the bound port.
  uint16_t port() const;
  /// Stop accepting; end idle sessions with FATAL 57P01 at once and busy ones once their statement
  /// finished (cancelling it after shutdown_grace); join the threads. Idempotent.
  void Stop();
  /// Return the number of open connections.
  size_t connection_count() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::pgwire
