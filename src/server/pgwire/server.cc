#include "server/pgwire/server.h"

#include "server/pgwire/server_internal.h"

namespace basin::pgwire {

Server::Impl::Impl(Database& db, ServerOptions options)
    : db(db), options(std::move(options)), core("PostgreSQL", this->options.log) {
  if (this->options.tls_cert_file.empty() != this->options.tls_key_file.empty()) {
    throw IOError("TLS needs both pg.ssl.cert.file and pg.ssl.key.file");
  }
  if (this->options.tls_cert_file.empty()) return;
  tls.emplace(asio::ssl::context::tls_server);
  boost::system::error_code error;
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   error);
  if (!error) tls->use_certificate_chain_file(this->options.tls_cert_file, error);
  if (error) throw IOError("cannot load TLS certificate " + this->options.tls_cert_file + ": " + error.message());
  tls->use_private_key_file(this->options.tls_key_file, asio::ssl::context::pem, error);
  if (error) throw IOError("cannot load TLS key " + this->options.tls_key_file + ": " + error.message());
}

bool Server::Impl::Register(int32_t process_id, int32_t secret_key, const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(sessions_mutex);
  if (sessions.size() >= options.max_connections) return false;
  sessions[process_id] = {secret_key, connection};
  return true;
}

void Server::Impl::Unregister(int32_t process_id) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(process_id);
}

void Server::Impl::Cancel(int32_t process_id, int32_t secret_key) {
  std::shared_ptr<Connection> target;
  {
    std::lock_guard lock(sessions_mutex);
    auto it = sessions.find(process_id);
    if (it == sessions.end() || it->second.secret_key != secret_key) return;  // silently, as PostgreSQL
    target = it->second.connection.lock();
  }
  if (target) target->Interrupt();
}

Server::Server(Database& db, ServerOptions options) : impl_(std::make_unique<Impl>(db, std::move(options))) {}

Server::~Server() {
  Stop();
}

void Server::Start() {
  Impl& s = *impl_;
  if (s.core.started()) return;
  const int threads = s.options.threads > 0 ? s.options.threads : 2;
  s.core.Start(s.options.host, s.options.port, threads, [&s](tcp::socket socket, uint64_t id) {
    return std::make_shared<Connection>(s, std::move(socket), id);
  });
}

uint16_t Server::port() const {
  return impl_->core.port();
}

void Server::Stop() {
  impl_->core.Stop(impl_->options.shutdown_grace, nullptr);
}

size_t Server::connection_count() const {
  return impl_->core.connection_count();
}

}  // namespace basin::pgwire
