#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/kafka/handler.h"

namespace basin::kafka {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9092;  ///< 0: a free port, reported by Server::port()
  int threads = 0;       ///< network threads; 0: one per hardware thread
  /// Frames above this are refused before they are buffered (Kafka's socket.request.max.bytes).
  size_t max_frame_bytes = 100 * 1024 * 1024;
  /// Requests of one connection handed to the handler but not yet answered, and their bytes: reading
  /// pauses beyond either (one request is always let through).
  size_t max_in_flight_requests = 256;
  size_t max_in_flight_bytes = 64 * 1024 * 1024;
  /// Connections with nothing read or written and no request in flight for this long are closed (Kafka's
  /// connections.max.idle.ms); 0: never.
  std::chrono::milliseconds connections_max_idle{600000};
  /// How long Stop waits for requests already handed to the handler to be answered.
  std::chrono::milliseconds shutdown_grace{5000};
  /// Where log lines go (a connection closed for a malformed frame, ...); default: stderr.
  std::function<void(std::string_view)> log;
};

/// The Kafka protocol's network side: listens on a TCP address, reads size-prefixed frames, decodes
/// requests and hands them to a Handler, and writes the responses back in each connection's request order
/// (record sets by scatter/gather, without copying). A pool of network threads serves every connection;
/// one connection's requests are read and decoded while earlier ones are being handled. A malformed or
/// oversized frame closes its connection with a log line. Boost.Asio stays inside server.cc.
class Server {
 public:
  /// `handler` must outlive the server.
  explicit Server(Handler& handler, ServerOptions options = {});
  /// Stop()s the server.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Bind, listen and start the network threads. Throws IOError if the address cannot be bound.
  void Start();
  /// Return the bound port (the one chosen when ServerOptions::port was 0).
  uint16_t port() const;
  /// Stop accepting, stop reading, let requests already handed to the handler be answered and sent (for up
  /// to shutdown_grace), then close every connection and join the threads. Idempotent; not to be called
  /// from a network thread.
  void Stop();
  /// Run `fn` on a network thread after `delay`, unless the server stops first: timers for long polls and
  /// group deadlines without a thread each.
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  /// Return the number of open connections.
  size_t connection_count() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::kafka
