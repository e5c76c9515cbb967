#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http/router.h"

namespace basin {
class MetricsRegistry;
}

namespace basin::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;     ///< 0: a free port, reported by Server::port()
  int network_threads = 0;  ///< threads reading and writing sockets; 0: one per hardware thread
  int handler_threads = 4;  ///< the pool that runs handlers not marked inline
  /// The body limit of routes that set none.
  size_t max_body_bytes = 1 << 20;
  /// Request heads (request line and headers) above this get 431.
  size_t max_header_bytes = 16 * 1024;
  /// Requests of one connection read ahead of their responses (pipelining); reading pauses beyond.
  size_t max_pipelined_requests = 16;
  /// A connection waiting this long for the next request's head (keep-alive idle, or a head trickling in)
  /// is closed.
  std::chrono::milliseconds idle_timeout{60000};
  /// A request whose body takes longer than this to arrive gets 408 and its connection is closed.
  std::chrono::milliseconds body_timeout{60000};
  /// A connection whose client takes no bytes of a response for this long is closed.
  std::chrono::milliseconds write_timeout{60000};
  /// A request its handler has not answered in this time gets 503; 0: handlers take as long as they need.
  std::chrono::milliseconds handler_timeout{0};
  /// Streamed responses: the producer is held back while more than this is queued for the socket, and
  /// resumes below a quarter of it.
  size_t stream_high_water_bytes = 1 << 20;
  /// How long Stop waits for requests in flight (being read, handled or written) to finish.
  std::chrono::milliseconds shutdown_grace{10000};
  /// Where `/metrics` comes from and the server's own metrics go; null: DefaultMetrics().
  MetricsRegistry* metrics = nullptr;
  /// Where log lines go (a connection closed for a malformed request, a handler that failed); default:
  /// stderr.
  std::function<void(std::string_view)> log;
};

/// An HTTP/1.1 server on Boost.Beast: keep-alive and pipelining (responses leave in request order), bodies
/// bounded per route (413 before an oversized body is read), read, write and handler timeouts, handlers
/// run on a small pool (or inline) that may answer later from any thread, streamed chunked responses with
/// backpressure, `GET /healthz` and `GET /metrics` built in, and a graceful Stop. Requests of one
/// connection reach their handlers one at a time, in order (a pipelining client's requests are applied in
/// the order sent); connections run concurrently. Beast and Asio stay inside server.cc / connection.cc.
class Server {
 public:
  explicit Server(ServerOptions options = {});
  /// Stop()s the server.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The routes; add them before Start. `/healthz` and `/metrics` are there already.
  Router& router() { return router_; }

  /// Bind, listen and start the threads. Throws IOError if the address cannot be bound.
  void Start();
  /// The bound port (the one chosen when ServerOptions::port was 0).
  uint16_t port() const;
  /// Stop accepting, close idle connections, let requests in flight finish (read, handled, written, with
  /// `Connection: close`) for up to shutdown_grace, then close every connection and join the threads.
  /// `/healthz` answers 503 meanwhile. Idempotent; not to be called from a handler or network thread.
  void Stop();
  /// Open connections.
  size_t connection_count() const;

  struct Impl;

 private:
  Router router_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::http
