#include "server/kafka/server.h"

#include "common/task_scheduler.h"
#include "server/kafka/server_internal.h"

namespace basin::kafka {

Server::Impl::Impl(Handler& handler, ServerOptions options)
    : handler(handler), options(std::move(options)), core("Kafka", this->options.log) {}

Server::Server(Handler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

Server::~Server() {
  Stop();
}

void Server::Start() {
  Impl& s = *impl_;
  if (s.core.started()) return;
  const int threads = s.options.threads > 0 ? s.options.threads : HardwareThreads();
  s.core.Start(s.options.host, s.options.port, threads, [&s](tcp::socket socket, uint64_t id) {
    return std::make_shared<Connection>(s, std::move(socket), id);
  });
  if (s.options.connections_max_idle.count() > 0) s.CloseIdleConnections();
}

uint16_t Server::port() const {
  return impl_->core.port();
}

void Server::Stop() {
  Impl& s = *impl_;
  s.core.Stop(s.options.shutdown_grace, [&s] {
    std::lock_guard lock(s.timers_mutex);
    for (const auto& timer : s.timers) timer->cancel();
  });
}

void Server::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->RunAfter(delay, std::move(fn));
}

void Server::Impl::RunAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<asio::steady_timer>(core.io, delay);
  {
    // Under the lock that Stop's timer cancelling takes: a timer is either cancelled or never made.
    std::lock_guard lock(timers_mutex);
    if (core.stopping()) return;
    timers.insert(timer);
  }
  timer->async_wait([this, timer, fn = std::move(fn)](const boost::system::error_code& error) {
    {
      std::lock_guard lock(timers_mutex);
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
  for (auto& c : core.Connections()) c->CloseIfIdle(idle);
  RunAfter(std::min<std::chrono::milliseconds>(idle / 2, std::chrono::seconds(30)),
           [this] { CloseIdleConnections(); });
}

size_t Server::connection_count() const {
  return impl_->core.connection_count();
}

}  // namespace basin::kafka
