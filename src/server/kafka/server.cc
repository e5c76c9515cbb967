#include "server/kafka/server.h"

#include <cstdio>

#include "common/exception.h"
#include "common/task_scheduler.h"
#include "server/kafka/server_internal.h"

namespace basin::kafka {

Server::Impl::Impl(Handler& handler, ServerOptions options)
    : handler(handler), options(std::move(options)), acceptor(asio::make_strand(io)) {}

void Server::Impl::Log(const std::string& line) const {
  if (options.log) {
    options.log(line);
  } else {
    std::fprintf(stderr, "basin kafka: %s\n", line.c_str());
  }
}

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](const boost::system::error_code& error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      // Out of descriptors or the like: try again shortly rather than spin.
      Log("accept failed: " + error.message());
      auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor(), std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const boost::system::error_code& e) {
        if (!e && acceptor.is_open()) Accept();
      });
      return;
    }
    uint64_t id;
    {
      std::lock_guard lock(mutex);
      if (stopping) return;
      id = ++next_connection_id;
      ++live_connections;
    }
    auto connection = std::make_shared<Connection>(*this, std::move(socket), id);
    Register(connection);
    connection->Start();
    Accept();
  });
}

void Server::Impl::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex);
  connections.emplace(connection->id(), connection);
}

void Server::Impl::Unregister(uint64_t id) {
  std::shared_ptr<Connection> last;  // released outside the lock
  {
    std::lock_guard lock(mutex);
    auto it = connections.find(id);
    if (it == connections.end()) return;
    last = std::move(it->second);
    connections.erase(it);
  }
  changed.notify_all();
}

void Server::Impl::ConnectionDestroyed() {
  {
    std::lock_guard lock(mutex);
    --live_connections;
  }
  changed.notify_all();
}

Server::Server(Handler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

Server::~Server() { Stop(); }

void Server::Start() {
  Impl& s = *impl_;
  if (s.started) return;
  boost::system::error_code error;
  tcp::resolver resolver(s.io);
  auto endpoints = resolver.resolve(s.options.host, std::to_string(s.options.port), error);
  if (error || endpoints.empty()) {
    throw IOError("cannot resolve Kafka listener address " + s.options.host + ": " + error.message());
  }
  const tcp::endpoint endpoint = *endpoints.begin();
  s.acceptor.open(endpoint.protocol(), error);
  if (!error) s.acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) s.acceptor.bind(endpoint, error);
  if (!error) s.acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw IOError("cannot listen for Kafka clients on " + s.options.host + ":" +
                  std::to_string(s.options.port) + ": " + error.message());
  }
  s.port = s.acceptor.local_endpoint().port();
  s.started = true;
  s.work.emplace(s.io.get_executor());
  s.Accept();
  if (s.options.connections_max_idle.count() > 0) s.CloseIdleConnections();
  const int threads = s.options.threads > 0 ? s.options.threads : HardwareThreads();
  for (int i = 0; i < threads; ++i) s.threads.emplace_back([&s] { s.io.run(); });
}

uint16_t Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mutex);
    if (!s.started || s.stopping) return;
    s.stopping = true;
  }
  asio::post(s.acceptor.get_executor(), [&s] {
    boost::system::error_code ignored;
    s.acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(s.mutex);
    for (auto& [id, c] : s.connections) open.push_back(c);
  }
  for (auto& c : open) c->Drain();
  open.clear();
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, s.options.shutdown_grace, [&] { return s.connections.empty(); });
    for (auto& [id, c] : s.connections) open.push_back(c);
    for (const auto& timer : s.timers) timer->cancel();
  }
  for (auto& c : open) c->Close();
  open.clear();
  // With the acceptor, the sockets and the timers closed, the threads run out of work and return.
  s.work.reset();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  std::unique_lock lock(s.mutex);
  s.changed.wait(lock, [&] { return s.live_connections == 0; });
}

void Server::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->RunAfter(delay, std::move(fn));
}

void Server::Impl::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<asio::steady_timer>(io, delay);
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    timers.insert(timer);
  }
  timer->async_wait([this, timer, fn = std::move(fn)](const boost::system::error_code& error) {
    {
      std::lock_guard lock(mutex);
      timers.erase(timer);
    }
    if (error) return;
    try {
      fn();
    } catch (const std::exception& e) {
      Log(std::string("timer callback failed: ") + e.what());
    }
  });
}

void Server::Impl::CloseIdleConnections() {
  const auto idle = options.connections_max_idle;
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex);
    for (auto& [id, c] : connections) open.push_back(c);
  }
  for (auto& c : open) c->CloseIfIdle(idle);
  RunAfter(std::min<std::chrono::milliseconds>(idle / 2, std::chrono::seconds(30)), [this] { CloseIdleConnections(); });
}

size_t Server::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections.size();
}

}  // namespace basin::kafka
