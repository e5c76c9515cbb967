#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include "server/pgwire/server_internal.h"
#include "server/pgwire/session.h"

namespace basin::pgwire {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
/// Messages read and waiting for the session: reading pauses beyond this, resumes below half of it.
constexpr size_t kMaxQueuedBytes = 4 * 1024 * 1024;
/// Session output not yet written: the session waits beyond this (a slow reader of a large result).
constexpr size_t kMaxUnsentBytes = 1024 * 1024;

uint32_t ReadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

enum class Frame { kIncomplete, kComplete, kInvalid };

/// The typed message at the start of `in`: kComplete with its type and body size once all of it is there,
/// kInvalid (with `error` set) for a length no message has or one over `max_body`.
Frame NextFrame(std::string_view in, size_t max_body, char& type, size_t& body_size, std::optional<Exception>& error) {
  if (in.size() < 5) return Frame::kIncomplete;
  type = in[0];
  const uint32_t length = ReadBigEndian32(in.data() + 1);
  if (length < 4) {
    error.emplace("08P01", "invalid message length " + std::to_string(length));
    return Frame::kInvalid;
  }
  body_size = length - 4;
  if (body_size > max_body) {
    error.emplace("54000", "message of " + std::to_string(body_size) + " bytes exceeds the limit of " +
                               std::to_string(max_body) + " bytes");
    return Frame::kInvalid;
  }
  return in.size() < 1 + size_t{length} ? Frame::kIncomplete : Frame::kComplete;
}

bool IsDisconnect(const boost::system::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::operation_aborted ||
         error == asio::ssl::error::stream_truncated;
}

}  // namespace

Connection::Connection(Server::Impl& server, tcp::socket socket, uint64_t id)
    : server_(server),
      socket_(std::move(socket)),
      id_(id),
      read_chunk_(kReadChunk, '\0'),
      startup_timer_(socket_.get_executor()) {
  boost::system::error_code error;
  const tcp::endpoint peer = socket_.remote_endpoint(error);
  if (!error) peer_ = peer.address().to_string() + ":" + std::to_string(peer.port());
  socket_.set_option(tcp::no_delay(true), error);
}

Connection::~Connection() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (released_) ::close(fd_);
  server_.core.ConnectionDestroyed();
}

template <class Buffers, class Handler>
void Connection::AsyncReadSome(const Buffers& buffers, Handler&& handler) {
  if (tls_) {
    tls_->async_read_some(buffers, std::forward<Handler>(handler));
  } else {
    socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }
}

template <class Buffers, class Handler>
void Connection::AsyncWrite(const Buffers& buffers, Handler&& handler) {
  if (tls_) {
    asio::async_write(*tls_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(socket_, buffers, std::forward<Handler>(handler));
  }
}

void Connection::Start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    // A client that does not get through startup and authentication in time is dropped, so that idle or
    // slow connections cannot hold sockets (and, before their first message, cost nothing else).
    self->startup_timer_.expires_after(self->server_.options.authentication_timeout);
    self->startup_timer_.async_wait([weak = self->weak_from_this()](const boost::system::error_code& error) {
      auto connection = weak.lock();
      if (error || !connection || connection->phase_ == Phase::kSession) return;
      connection->Shutdown("no authentication within " +
                           std::to_string(connection->server_.options.authentication_timeout.count()) + " ms");
    });
    self->Read();
  });
}

void Connection::Drain() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_ || self->draining_) return;
    self->draining_ = true;
    if (self->phase_ != Phase::kSession) {
      self->Shutdown("");
      return;
    }
    // The session ends after the messages read so far: an idle one at once.
    std::lock_guard lock(self->mutex_);
    if (self->session_reads_) {
      self->drain_requested_ = true;
      self->Wake();
    } else {
      self->queue_.push_back({0, ""});
      self->queued_.notify_one();
    }
  });
}

void Connection::Close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->Shutdown(""); });
}

void Connection::Interrupt() {
  std::lock_guard lock(mutex_);
  if (session_) session_->Interrupt();
}

// ---- Reading (strand) ----

void Connection::Read() {
  if (closed_ || read_pending_ || reading_paused_ || draining_ || hand_over_reading_ || phase_ == Phase::kTls ||
      phase_ == Phase::kClosing) {
    return;
  }
  read_pending_ = true;
  AsyncReadSome(asio::buffer(read_chunk_), [self = shared_from_this()](const boost::system::error_code& error,
                                                                       size_t n) { self->OnRead(error, n); });
}

void Connection::OnRead(const boost::system::error_code& error, size_t n) {
  read_pending_ = false;
  if (closed_) return;
  in_.append(read_chunk_.data(), n);
  if (!HandleInput()) return;
  if (error) {
    if (draining_) return;  // the session ends on its own
    if (phase_ != Phase::kSession) {
      Shutdown(IsDisconnect(error) ? "" : "read failed: " + error.message());
      return;
    }
    // The client went away: what it asked for can no longer reach it.
    std::lock_guard lock(mutex_);
    queue_.push_back({'X', ""});
    if (session_) session_->Interrupt();
    queued_.notify_one();
    return;
  }
  if (hand_over_reading_ && phase_ == Phase::kSession) {
    HandOverSocket();
    return;
  }
  Read();
}

void Connection::HandOverSocket() {
  if (closed_ || released_ || writing_ || !writes_.empty()) return;  // OnWritten calls again
  std::unique_lock lock(mutex_);
  if (unsent_bytes_ > 0) return;  // the session's bytes are on their way to Write: OnWritten calls again
  // Out of the reactor: bytes arriving for the session thread then wake no network thread.
  boost::system::error_code error;
  socket_.release(error);
  if (error) {
    lock.unlock();
    Shutdown("cannot hand the socket to the session: " + error.message());
    return;
  }
  released_ = true;
  // From here the session thread reads and writes; the start of a message read with the last ones goes to it.
  session_in_ = std::move(in_);
  in_.clear();
  session_reads_ = true;
  queued_.notify_one();
}

bool Connection::HandleInput() {
  size_t at = 0;
  bool queued = false;
  bool go_on = true;
  while (go_on && !closed_ && !reading_paused_) {
    const size_t left = in_.size() - at;
    if (phase_ == Phase::kStartup) {
      if (left < 4) break;
      const uint32_t length = ReadBigEndian32(in_.data() + at);
      if (length < 8 || length > kMaxStartupPacket) {
        Fatal("08P01", "invalid length of startup packet", "invalid startup packet length " + std::to_string(length));
        go_on = false;
        break;
      }
      if (left < length) break;
      const std::string body = in_.substr(at + 4, length - 4);
      at += length;
      HandleStartupPacket(body, at < in_.size());
      go_on = phase_ != Phase::kTls && phase_ != Phase::kClosing;
      continue;
    }
    if (phase_ != Phase::kSaslInitial && phase_ != Phase::kSaslFinal && phase_ != Phase::kSession) {
      go_on = false;
      break;
    }
    char type = 0;
    size_t body_size = 0;
    std::optional<Exception> invalid;
    const Frame frame = NextFrame(std::string_view(in_).substr(at), server_.options.max_message_bytes, type, body_size, invalid);
    if (frame == Frame::kIncomplete) break;
    if (frame == Frame::kInvalid) {
      Fatal(invalid->sqlstate(), invalid->message(), invalid->message());
      go_on = false;
      break;
    }
    const size_t length = 4 + body_size;
    std::string body = in_.substr(at + 5, body_size);
    at += 1 + length;
    if (phase_ != Phase::kSession) {
      HandleSasl(type, body);
      continue;
    }
    std::lock_guard lock(mutex_);
    queued_bytes_ += body.size();
    queue_.push_back({type, std::move(body)});
    queued = true;
    if (queued_bytes_ > kMaxQueuedBytes) reading_paused_ = resume_wanted_ = true;
  }
  // One wake-up for all the messages of one read (Parse, Bind, Execute and Sync come together).
  if (queued) queued_.notify_one();
  in_.erase(0, at);
  return go_on && !closed_;
}

void Connection::ResumeReading() {
  if (closed_ || !reading_paused_) return;
  reading_paused_ = false;
  if (HandleInput()) Read();
}

// ---- Startup and authentication (strand) ----

void Connection::HandleStartupPacket(std::string_view body, bool more_input) {
  StartupPacket packet;
  try {
    packet = DecodeStartupPacket(body);
  } catch (const ProtocolError& e) {
    Fatal("08P01", e.message(), e.message());
    return;
  }
  if (std::holds_alternative<SslRequest>(packet)) {
    if (server_.tls && !tls_) {
      if (more_input) {
        // Bytes sent before the TLS handshake would be taken as sent over it (CVE-2021-23214).
        Fatal("08P01", "received unencrypted data after SSL request", "unencrypted data after SSL request");
        return;
      }
      StartTls();
    } else {
      Write("N");
    }
  } else if (std::holds_alternative<GssEncRequest>(packet)) {
    Write("N");
  } else if (auto* cancel = std::get_if<CancelRequest>(&packet)) {
    server_.Cancel(cancel->process_id, cancel->secret_key);
    phase_ = Phase::kClosing;
    close_after_write_ = true;
    WriteNext();
  } else {
    HandleStartup(std::get<StartupMessage>(packet));
  }
}

void Connection::StartTls() {
  phase_ = Phase::kTls;
  static const char kYes = 'S';
  // 'S' goes out on the plain socket; everything after it through TLS.
  asio::async_write(socket_, asio::buffer(&kYes, 1), [self = shared_from_this()](const boost::system::error_code& error, size_t) {
    if (self->closed_) return;
    if (error) {
      self->Shutdown(IsDisconnect(error) ? "" : "write failed: " + error.message());
      return;
    }
    self->tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(self->socket_, *self->server_.tls);
    self->tls_->async_handshake(asio::ssl::stream_base::server, [self](const boost::system::error_code& error) {
      if (self->closed_) return;
      if (error) {
        self->Shutdown("TLS handshake failed: " + error.message());
        return;
      }
      self->phase_ = Phase::kStartup;
      self->Read();
    });
  });
}

void Connection::HandleStartup(const StartupMessage& startup) {
  const int major = startup.protocol_version >> 16;
  const int minor = startup.protocol_version & 0xffff;
  if (major != 3) {
    Fatal("0A000",
          "unsupported frontend protocol " + std::to_string(major) + "." + std::to_string(minor) +
              ": server supports 3.0 to 3.0",
          "unsupported protocol " + std::to_string(major) + "." + std::to_string(minor));
    return;
  }
  std::vector<std::string> unknown_options;
  for (const auto& [name, value] : startup.parameters) {
    if (name.rfind("_pq_.", 0) == 0) unknown_options.push_back(name);
  }
  if (minor > 0 || !unknown_options.empty()) {
    // NegotiateProtocolVersion: 3.0, and the protocol options not understood.
    std::string out;
    MessageWriter w(out);
    w.Begin('v').Int32(kProtocolVersion3).Int32(static_cast<int32_t>(unknown_options.size()));
    for (const auto& name : unknown_options) w.String(name);
    w.End();
    Write(std::move(out));
  }
  const std::string user = startup.Get("user");
  if (user.empty()) {
    Fatal("28000", "no PostgreSQL user name specified in startup packet", "no user name");
    return;
  }
  const std::string replication = startup.Get("replication", "false");
  if (replication != "false" && replication != "off" && replication != "0" && replication != "no") {
    Fatal("0A000", "replication connections are not supported", "replication connection refused");
    return;
  }
  startup_ = startup;
  auth_ = PlanAuthentication(server_.options, user);
  switch (auth_.method) {
    case AuthPlan::Method::kReject:
      Fatal(auth_.sqlstate, auth_.message, "refused user \"" + user + "\"");
      return;
    case AuthPlan::Method::kTrust:
      Admit();
      return;
    case AuthPlan::Method::kScram: {
      std::string out;
      MessageWriter w(out);
      w.Begin('R').Int32(10).String("SCRAM-SHA-256").Int8(0).End();  // AuthenticationSASL
      Write(std::move(out));
      phase_ = Phase::kSaslInitial;
      return;
    }
  }
}

void Connection::HandleSasl(char type, std::string_view body) {
  if (type != 'p') {
    Fatal("08P01", std::string("expected SASL response, got message type ") + std::to_string(static_cast<unsigned char>(type)),
          "not a SASL response");
    return;
  }
  const std::string user = startup_.Get("user");
  try {
    if (phase_ == Phase::kSaslInitial) {
      const SaslInitialResponse response = DecodeSaslInitialResponse(body);
      if (response.mechanism != "SCRAM-SHA-256") {
        Fatal("28000", "client selected an invalid SASL authentication mechanism", "unknown SASL mechanism");
        return;
      }
      scram_ = std::make_unique<ScramExchange>(auth_.verifier);
      std::string out;
      WriteAuthentication(out, 11, scram_->ServerFirst(response.data));  // AuthenticationSASLContinue
      Write(std::move(out));
      phase_ = Phase::kSaslFinal;
      return;
    }
    const std::optional<std::string> final_message = scram_->ServerFinal(body);
    if (!final_message || !auth_.known_user) {
      Fatal("28P01", "password authentication failed for user \"" + user + "\"",
            "password authentication failed for user \"" + user + "\"");
      return;
    }
    std::string out;
    WriteAuthentication(out, 12, *final_message);  // AuthenticationSASLFinal
    Write(std::move(out));
    Admit();
  } catch (const ProtocolError& e) {
    Fatal("08P01", e.message(), e.message());
  }
}

void Connection::Admit() {
  const std::string user = startup_.Get("user");
  const std::string database = startup_.Get("database", user);
  std::string out;
  WriteAuthentication(out, 0);  // AuthenticationOk
  Write(std::move(out));
  if (database != kDatabaseName) {
    Fatal("3D000", "database \"" + database + "\" does not exist (this server has one database, \"" +
                       std::string(kDatabaseName) + "\")");
    return;
  }
  process_id_ = static_cast<int32_t>(id_ & 0x7fffffff);
  const std::string key = RandomBytes(4);
  std::memcpy(&secret_key_, key.data(), 4);
  if (!server_.Register(process_id_, secret_key_, shared_from_this())) {
    Fatal("53300", "sorry, too many clients already", "too many clients");
    return;
  }
  registered_ = true;
  phase_ = Phase::kSession;
  fd_ = socket_.native_handle();
  if (!tls_) {
    // Plain TCP: the session thread reads the socket itself (TLS streams stay the strand's).
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    hand_over_reading_ = wake_fd_ >= 0;
  }
  startup_timer_.cancel();
  try {
    std::thread([self = shared_from_this()] { self->RunSession(); }).detach();
  } catch (const std::system_error& e) {
    Fatal("53000", std::string("cannot start a session: ") + e.what(), e.what());
  }
}

void Connection::Fatal(const std::string& sqlstate, const std::string& message, const std::string& log_reason) {
  if (closed_ || phase_ == Phase::kClosing) return;
  if (!log_reason.empty()) server_.Log("connection " + std::to_string(id_) + " from " + peer_ + ": " + log_reason);
  ErrorFields fields;
  fields.severity = "FATAL";
  fields.sqlstate = sqlstate;
  fields.message = message;
  std::string out;
  WriteErrorResponse(out, fields);
  Write(std::move(out));
  phase_ = Phase::kClosing;
  close_after_write_ = true;
  WriteNext();
}

// ---- Writing (strand) ----

void Connection::Write(std::string bytes, bool from_session) {
  if (closed_) return;
  writes_.push_back({std::move(bytes), from_session});
  WriteNext();
}

void Connection::WriteNext() {
  if (writing_ || closed_ || phase_ == Phase::kTls) return;
  if (writes_.empty()) {
    if (close_after_write_) Shutdown("");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (session_writing_) {
      strand_waits_ = true;  // the session thread calls again when its write is done
      return;
    }
    strand_writing_ = true;
  }
  writing_ = true;
  batch_.clear();
  buffers_.clear();
  batch_session_bytes_ = 0;
  for (auto& w : writes_) {
    if (w.from_session) batch_session_bytes_ += w.bytes.size();
    batch_.push_back(std::move(w.bytes));
  }
  writes_.clear();
  for (const std::string& b : batch_) buffers_.emplace_back(asio::buffer(b));
  AsyncWrite(buffers_, [self = shared_from_this()](const boost::system::error_code& error, size_t n) {
    self->OnWritten(error, n);
  });
}

void Connection::OnWritten(const boost::system::error_code& error, size_t) {
  writing_ = false;
  batch_.clear();
  {
    std::lock_guard lock(mutex_);
    unsent_bytes_ -= batch_session_bytes_;
    strand_writing_ = false;
  }
  written_.notify_one();
  if (error) {
    Shutdown(IsDisconnect(error) ? "" : "write failed: " + error.message());
    return;
  }
  WriteNext();
  if (hand_over_reading_ && phase_ == Phase::kSession) HandOverSocket();
}

void Connection::Shutdown(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  phase_ = Phase::kClosing;
  if (!reason.empty()) server_.Log("closing connection " + std::to_string(id_) + " from " + peer_ + ": " + reason);
  bool defer_close = false;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    if (session_) session_->Interrupt();
    // The session thread is using the descriptor: the socket is closed (on the strand) once it is done.
    defer_close = close_deferred_ = session_writing_ || session_reading_;
    Wake();
  }
  queued_.notify_one();
  written_.notify_one();
  if (registered_) server_.Unregister(process_id_);
  startup_timer_.cancel();
  boost::system::error_code ignored;
  if (released_) {
    ::shutdown(fd_, SHUT_RDWR);  // wakes the session thread; the descriptor is closed with the connection
  } else {
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    if (!defer_close) socket_.close(ignored);
  }
  writes_.clear();
  server_.core.Unregister(id_);
}

// ---- The session thread ----

void Connection::RunSession() {
  SessionInfo info;
  info.user = startup_.Get("user");
  info.database = startup_.Get("database", info.user);
  info.application_name = startup_.Get("application_name");
  info.superuser = true;  // Basin has no grants yet: every user may do everything
  info.process_id = process_id_;
  info.secret_key = secret_key_;
  auto send = [this](std::string& bytes) { SendFromSession(bytes); };
  try {
    Session session(server_.db, std::move(info), send);
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      session_ = &session;
    }
    struct Detach {
      Connection* c;
      ~Detach() {
        std::lock_guard lock(c->mutex_);
        c->session_ = nullptr;
      }
    } detach{this};
    session.SetReceive([this](char& type, std::string& body) {
      Message message;
      if (!NextMessage(message)) return false;
      if (message.type == 0) {  // the stop notice: left for the loop below
        std::lock_guard lock(mutex_);
        queue_.push_front(std::move(message));
        return false;
      }
      type = message.type;
      body = std::move(message.body);
      return true;
    });
    session.Begin();
    for (;;) {
      Message message;
      if (!NextMessage(message)) break;
      if (message.type == 0) {
        ErrorFields fields{"FATAL", "57P01", "terminating connection due to administrator command", "", "", 0};
        std::string out;
        WriteErrorResponse(out, fields);
        SendFromSession(out);
        break;
      }
      if (!session.Handle(message.type, message.body)) break;
    }
  } catch (const Exception& e) {  // a message that does not decode, or framing read by this thread
    server_.Log("connection " + std::to_string(id_) + " from " + peer_ + ": " + e.message());
    std::string out;
    WriteErrorResponse(out, ErrorFields{"FATAL", e.sqlstate(), e.message(), "", "", 0});
    SendFromSession(out);
  } catch (const std::exception& e) {
    server_.Log("connection " + std::to_string(id_) + " from " + peer_ + ": session failed: " + e.what());
    std::string out;
    WriteErrorResponse(out, ErrorFields{"FATAL", sqlstate::kInternalError, e.what(), "", "", 0});
    SendFromSession(out);
  }
  // Close once what the session sent is written. (Posts from this thread hold the connection weakly: after
  // Stop no network thread runs them, and they must not keep it alive.)
  asio::post(socket_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      if (self->close_deferred_) {
        boost::system::error_code ignored;
        self->socket_.close(ignored);
      }
      self->close_after_write_ = true;
      self->WriteNext();
    }
  });
}

bool Connection::NextMessage(Message& message) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) return false;
    if (!queue_.empty()) {
      message = std::move(queue_.front());
      queue_.pop_front();
      queued_bytes_ -= message.body.size();
      // (Reading paused with the queue over the limit resumes once half of it is handled; many small
      // messages, as COPY's CopyData, must not leave it paused.)
      if (resume_wanted_ && queued_bytes_ <= kMaxQueuedBytes / 2) {
        resume_wanted_ = false;
        asio::post(socket_.get_executor(), [weak = weak_from_this()] {
          if (auto self = weak.lock()) self->ResumeReading();
        });
      }
      return true;
    }
    if (!session_reads_) {
      queued_.wait(lock);
      continue;
    }
    char type = 0;
    size_t body_size = 0;
    std::optional<Exception> invalid;
    const std::string_view in = std::string_view(session_in_).substr(session_at_);
    const Frame frame = NextFrame(in, server_.options.max_message_bytes, type, body_size, invalid);
    if (frame == Frame::kInvalid) throw *invalid;
    if (frame == Frame::kComplete) {
      message = {type, session_in_.substr(session_at_ + 5, body_size)};
      session_at_ += 5 + body_size;
      if (session_at_ == session_in_.size()) {
        session_in_.clear();
        session_at_ = 0;
      }
      return true;
    }
    if (drain_requested_) {
      message = {0, ""};
      return true;
    }
    session_reading_ = true;
    lock.unlock();
    const bool connected = ReadFromSession();
    lock.lock();
    session_reading_ = false;
    if (!connected && !stopped_) {
      message = {'X', ""};  // the client went away
      return true;
    }
  }
}

bool Connection::ReadFromSession() {
  if (session_at_ > 0) {
    session_in_.erase(0, session_at_);
    session_at_ = 0;
  }
  const int fd = fd_;
  pollfd waiting[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (::poll(waiting, 2, -1) < 0) return errno == EINTR;
  if (waiting[1].revents != 0) {
    uint64_t count;
    [[maybe_unused]] const ssize_t ignored = ::read(wake_fd_, &count, sizeof count);
  }
  if (waiting[0].revents == 0) return true;
  char chunk[kReadChunk];
  const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
  if (n > 0) {
    session_in_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK);
}

void Connection::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
}

void Connection::SendFromSession(std::string& bytes) {
  const size_t n = bytes.size();
  {
    std::unique_lock lock(mutex_);
    if (stopped_) {
      bytes.clear();
      return;
    }
    // With nothing else in flight the session writes to the socket itself: a round trip then costs no
    // hand-over to a network thread. (TLS streams are the strand's alone.)
    if (!tls_ && !strand_writing_ && unsent_bytes_ == 0) {
      session_writing_ = true;
      lock.unlock();
      const bool sent = SendDirect(bytes);
      lock.lock();
      session_writing_ = false;
      const bool wake_strand = strand_waits_ || close_deferred_ || !sent;
      strand_waits_ = false;
      lock.unlock();
      bytes.clear();
      if (wake_strand) {
        asio::post(socket_.get_executor(), [weak = weak_from_this(), sent] {
          auto self = weak.lock();
          if (!self) return;
          if (self->close_deferred_) {
            boost::system::error_code ignored;
            self->socket_.close(ignored);
          } else if (!sent) {
            self->Shutdown("");  // the client went away
          } else {
            self->WriteNext();
          }
        });
      }
      return;
    }
    unsent_bytes_ += n;
  }
  asio::post(socket_.get_executor(), [weak = weak_from_this(), data = std::move(bytes)]() mutable {
    auto self = weak.lock();
    if (self && !self->closed_) self->Write(std::move(data), true);
  });
  bytes.clear();
  std::unique_lock lock(mutex_);
  written_.wait(lock, [&] { return stopped_ || unsent_bytes_ <= kMaxUnsentBytes; });
}

bool Connection::SendDirect(const std::string& bytes) {
  const int fd = fd_;
  size_t at = 0;
  while (at < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      at += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      {
        std::lock_guard lock(mutex_);
        if (stopped_) return true;  // closing anyway: the strand ends the connection
      }
      pollfd waiting{fd, POLLOUT, 0};
      ::poll(&waiting, 1, 100);  // a bounded wait, so that a closing connection is noticed
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace basin::pgwire
