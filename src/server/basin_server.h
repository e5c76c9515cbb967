#pragma once

// `basin server`: the process that owns a data directory and serves it over the network. It opens the
// database (taking the directory's lock), the topic log, and one listener per protocol: Kafka, PostgreSQL
// and HTTP (another plugs in beside them: a ServerConfig port, a Listener entry, a Start function here).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/server_config.h"

namespace basin::server {

/// A bound network listener.
struct Listener {
  std::string protocol;  ///< "kafka", "pg", "http"
  std::string host;
  uint16_t port = 0;
  std::string address() const { return host + ":" + std::to_string(port); }
};

/// Owns everything a running server holds. Start and Stop run on one thread (the CLI's); the listeners
/// serve on threads of their own.
class BasinServer {
 public:
  explicit BasinServer(ServerConfig config);
  /// Stop()s the server.
  ~BasinServer();
  BasinServer(const BasinServer&) = delete;
  BasinServer& operator=(const BasinServer&) = delete;

  /// Open the data directory (taking its lock) and start every listener. Throws IOError when the directory
  /// is held by another process (naming it when it is a server) or an address cannot be bound.
  void Start();
  /// The bound listeners, in start order.
  const std::vector<Listener>& listeners() const { return listeners_; }
  /// Stop accepting, let in-flight requests finish and their responses go out (HTTP first, then Kafka),
  /// flush the log to disk and release the data directory. Idempotent.
  void Stop();

  /// Who holds `data_dir`, if a live `basin server` does: "basin server (pid 123; kafka 127.0.0.1:9092)",
  /// else "". For the error of a second process that finds the directory locked.
  static std::string DescribeOwner(const std::string& data_dir);

 private:
  struct State;  // the database, log, broker, collector and network servers
  /// Start the Kafka broker and its server over `state`'s log.
  void StartKafka(State& state) const;
  /// Start the event collector and the HTTP server with its routes.
  void StartHttp(State& state) const;
  /// Start the PostgreSQL protocol's server (pg.port, its users and TLS files) over the database.
  void StartPostgres(State& state) const;
  const ServerConfig config_;
  std::unique_ptr<State> state_;
  std::vector<Listener> listeners_;
};

}  // namespace basin::server
