#pragma once

// The listening half that Basin's protocol servers (server/kafka, server/http) share, on Boost.Asio:
// included by their .cc files and internal headers only, never by a header other modules see.

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/exception.h"

namespace basin::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// Network threads running one io_context, the acceptor, the open connections and the draining stop of a
/// protocol server. `Connection` has `Start()`, `Drain()` (stop reading; close once what is in flight is
/// answered) and `Close()`; it calls Unregister(id) once closed and ConnectionDestroyed() from its
/// destructor. Thread-safe.
template <class Connection>
class TcpServerCore {
 public:
  using Factory = std::function<std::shared_ptr<Connection>(tcp::socket socket, uint64_t id)>;

  /// `protocol` names the listener in errors and log lines ("HTTP", "Kafka"); `log` takes the log lines
  /// (default: stderr).
  TcpServerCore(std::string protocol, std::function<void(std::string_view)> log)
      : protocol_(std::move(protocol)), log_(std::move(log)), acceptor_(asio::make_strand(io)) {}

  /// Write a log line: a closed connection, a failed handler.
  void Log(const std::string& line) const {
    if (log_) {
      log_(line);
      return;
    }
    std::string name = protocol_;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::fprintf(stderr, "basin %s: %s\n", name.c_str(), line.c_str());
  }

  asio::io_context io;

  /// Bind and listen on `host`:`port` (0: a free one), then accept on `threads` network threads, each
  /// connection made by `factory`. Throws IOError if the address cannot be bound.
  void Start(const std::string& host, uint16_t port, int threads, Factory factory) {
    if (started_) return;
    boost::system::error_code error;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, std::to_string(port), error);
    if (error || endpoints.empty()) {
      throw IOError("cannot resolve " + protocol_ + " listener address " + host + ": " + error.message());
    }
    const tcp::endpoint endpoint = *endpoints.begin();
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      throw IOError("cannot listen for " + protocol_ + " clients on " + host + ":" + std::to_string(port) +
                    ": " + error.message());
    }
    port_ = acceptor_.local_endpoint().port();
    factory_ = std::move(factory);
    started_ = true;
    work_.emplace(io.get_executor());
    Accept();
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io.run(); });
  }

  uint16_t port() const { return port_; }
  bool started() const { return started_; }
  bool stopping() const { return stopping_.load(); }

  /// Stop accepting, Drain every connection and wait up to `grace` for them to close, Close the rest, run
  /// `closing` (cancel timers, join handler pools: whatever still gives the network threads work), then
  /// join the threads and wait until every connection is destroyed. Idempotent; not to be called from a
  /// network thread.
  void Stop(std::chrono::milliseconds grace, const std::function<void()>& closing) {
    {
      std::lock_guard lock(mutex_);
      if (!started_ || stopping_) return;
      stopping_ = true;
    }
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    for (auto& c : Connections()) c->Drain();
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, grace, [&] { return connections_.empty(); });
      for (auto& [id, c] : connections_) open.push_back(c);
    }
    for (auto& c : open) c->Close();
    open.clear();
    if (closing) closing();
    // With the acceptor and the sockets closed, the network threads run out of work and return.
    work_.reset();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return live_connections_ == 0; });
  }

  /// The open connections.
  std::vector<std::shared_ptr<Connection>> Connections() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Connection>> out;
    for (auto& [id, c] : connections_) out.push_back(c);
    return out;
  }
  size_t connection_count() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }

  /// Called by a connection once closed.
  void Unregister(uint64_t id) {
    std::shared_ptr<Connection> last;  // released outside the lock
    {
      std::lock_guard lock(mutex_);
      auto it = connections_.find(id);
      if (it == connections_.end()) return;
      last = std::move(it->second);
      connections_.erase(it);
    }
    changed_.notify_all();
  }
  /// Called by a connection's destructor: Stop waits for all of them.
  void ConnectionDestroyed() {
    {
      std::lock_guard lock(mutex_);
      --live_connections_;
    }
    changed_.notify_all();
  }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io),
                           [this](const boost::system::error_code& error, tcp::socket socket) {
                             if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
                             if (error) {
                               // Out of descriptors or the like: try again shortly rather than spin.
                               Log("accept failed: " + error.message());
                               auto timer = std::make_shared<asio::steady_timer>(
                                   acceptor_.get_executor(), std::chrono::milliseconds(100));
                               timer->async_wait([this, timer](const boost::system::error_code& e) {
                                 if (!e && acceptor_.is_open()) Accept();
                               });
                               return;
                             }
                             std::shared_ptr<Connection> connection;
                             {
                               // Made and registered under the lock, so that a Stop either sees it or stops
                               // it being made.
                               std::lock_guard lock(mutex_);
                               if (stopping_) return;
                               const uint64_t id = ++next_connection_id_;
                               ++live_connections_;
                               connection = factory_(std::move(socket), id);
                               connections_.emplace(id, connection);
                             }
                             connection->Start();
                             Accept();
                           });
  }

  const std::string protocol_;
  const std::function<void(std::string_view)> log_;
  tcp::acceptor acceptor_;  ///< on its own strand
  Factory factory_;
  std::vector<std::thread> threads_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  uint16_t port_ = 0;
  bool started_ = false;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;  ///< open ones
  size_t live_connections_ = 0;                                            ///< not yet destroyed
  uint64_t next_connection_id_ = 0;
};

}  // namespace basin::server
