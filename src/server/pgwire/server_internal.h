#pragma once

// The Asio side of Server, shared by server.cc and connection.cc only (no other module includes it).

#include "server/tcp_server_internal.h"

#include <boost/asio/ssl.hpp>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/pgwire/protocol.h"
#include "server/pgwire/server.h"

namespace basin::pgwire {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Connection;
class Session;

struct Server::Impl {
  Impl(Database& db, ServerOptions options);

  void Log(const std::string& line) const { core.Log(line); }
  /// Sessions by BackendKeyData, for CancelRequest. Register returns false when max_connections are open.
  bool Register(int32_t process_id, int32_t secret_key, const std::shared_ptr<Connection>& connection);
  void Unregister(int32_t process_id);
  /// Cancel the statement of the session with this key, if one has it.
  void Cancel(int32_t process_id, int32_t secret_key);

  Database& db;
  const ServerOptions options;
  std::optional<asio::ssl::context> tls;  ///< with a certificate configured
  server::TcpServerCore<Connection> core;

  std::mutex sessions_mutex;
  struct Registered {
    int32_t secret_key;
    std::weak_ptr<Connection> connection;
  };
  std::unordered_map<int32_t, Registered> sessions;
};

/// One client connection. The socket, the startup and the authentication belong to the connection's
/// strand (the socket's executor). Once authenticated, the Session runs on a thread of its own. On plain
/// TCP that thread then reads the socket itself between statements (as a PostgreSQL backend does: a round
/// trip costs no hand-over between threads); over TLS the strand keeps reading and queues the messages for
/// it (pausing reads while many wait). The thread writes its output itself when nothing else is being
/// written, else hands it back, waiting while many bytes are unsent. State shared by the two is guarded by
/// `mutex_`.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, uint64_t id);
  ~Connection();

  uint64_t id() const { return id_; }
  void Start();
  /// Stop reading; end the session once the messages already read are handled (FATAL 57P01).
  void Drain();
  /// Close now, cancelling a running statement.
  void Close();
  /// Cancel the session's running statement (CancelRequest; any thread).
  void Interrupt();

 private:
  enum class Phase { kStartup, kTls, kSaslInitial, kSaslFinal, kSession, kClosing };

  // Strand: reading and the phases before the session.
  void Read();
  void OnRead(const boost::system::error_code& error, size_t n);
  /// Handle the complete messages in in_; false once it must stop (closing, TLS handshake).
  bool HandleInput();
  /// `more_input`: bytes follow the packet (refused after an SSLRequest that TLS answers).
  void HandleStartupPacket(std::string_view body, bool more_input);
  void HandleStartup(const StartupMessage& startup);
  void HandleSasl(char type, std::string_view body);
  void StartTls();
  /// AuthenticationOk; check the database; start the session thread.
  void Admit();
  /// Send a FATAL ErrorResponse, then close.
  void Fatal(const std::string& sqlstate, const std::string& message, const std::string& log_reason = "");
  void Write(std::string bytes, bool from_session = false);
  void WriteNext();
  void OnWritten(const boost::system::error_code& error, size_t n);
  void ResumeReading();
  /// Plain TCP session: once no write of the strand is in flight, take the socket out of Asio and let the
  /// session thread read and write it.
  void HandOverSocket();
  void Shutdown(const std::string& reason);

  // The session thread.
  void RunSession();
  /// The Session's `send`: queue `bytes` for the strand to write, then wait while too many are unsent.
  void SendFromSession(std::string& bytes);
  /// Write all of `bytes` to the socket from the session thread (plain TCP, nothing else writing); false
  /// when the connection broke.
  bool SendDirect(const std::string& bytes);
  struct Message {
    char type;
    std::string body;
  };
  /// The next message: queued by the strand, or (session_reads_) framed from session_in_, reading the
  /// socket while none is complete. Type 0 asks the session to end (Drain); false once stopped_.
  bool NextMessage(Message& message);
  /// Session thread, session_reads_: wait for bytes on the socket (or a Wake) and append them to
  /// session_in_. False when the client went away.
  bool ReadFromSession();
  /// Wake the session thread from its wait for bytes (Drain, Shutdown).
  void Wake();

  template <class Buffers, class Handler>
  void AsyncReadSome(const Buffers& buffers, Handler&& handler);
  template <class Buffers, class Handler>
  void AsyncWrite(const Buffers& buffers, Handler&& handler);

  Server::Impl& server_;
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  const uint64_t id_;
  std::string peer_;

  // Strand.
  Phase phase_ = Phase::kStartup;
  std::string in_;  ///< bytes read and not yet handled
  std::string read_chunk_;
  bool read_pending_ = false;
  bool reading_paused_ = false;
  bool draining_ = false;
  bool closed_ = false;
  struct Outgoing {
    std::string bytes;
    bool from_session;  ///< counted in unsent_bytes_
  };
  std::deque<Outgoing> writes_;
  std::vector<std::string> batch_;  ///< being written
  std::vector<asio::const_buffer> buffers_;
  size_t batch_session_bytes_ = 0;
  bool writing_ = false;
  bool close_after_write_ = false;
  asio::steady_timer startup_timer_;  ///< authentication_timeout, until the session starts
  StartupMessage startup_;
  AuthPlan auth_;
  std::unique_ptr<ScramExchange> scram_;

  // Shared with the session thread.
  std::mutex mutex_;
  std::condition_variable queued_;   ///< a message is queued, or stopped_ (the session thread waits)
  std::condition_variable written_;  ///< unsent_bytes_ fell, or stopped_ (the session thread waits)
  std::deque<Message> queue_;  ///< read, not yet handled; type 0 asks the session to end (Drain)
  size_t queued_bytes_ = 0;
  bool resume_wanted_ = false;  ///< reading paused for a full queue: the session resumes it
  size_t unsent_bytes_ = 0;  ///< handed over by the session, not yet written
  bool strand_writing_ = false;   ///< the strand has a write in flight: the session hands its bytes over
  bool session_writing_ = false;  ///< the session thread writes to the socket itself (SendDirect)
  bool strand_waits_ = false;     ///< WriteNext waited for the session's write: post it again after
  bool close_deferred_ = false;   ///< Shutdown left closing the socket to the session thread
  bool hand_over_reading_ = false;  ///< strand: plain TCP session, stop reading once the session starts
  bool released_ = false;           ///< strand: socket_ let go of fd_ (closed with the connection)
  int fd_ = -1;                     ///< the socket's descriptor, from the session's start
  bool session_reads_ = false;    ///< the session thread reads the socket (queue_ holds what came before)
  bool session_reading_ = false;  ///< the session thread waits on or reads the descriptor
  bool drain_requested_ = false;  ///< session_reads_: end the session after the complete messages read
  int wake_fd_ = -1;              ///< eventfd the session thread polls beside the socket
  // The session thread's, once session_reads_.
  std::string session_in_;  ///< bytes read, from session_at_ on not yet handled
  size_t session_at_ = 0;
  bool stopped_ = false;     ///< the connection is closing: the session thread ends
  Session* session_ = nullptr;
  int32_t process_id_ = 0;
  int32_t secret_key_ = 0;
  bool registered_ = false;
};

}  // namespace basin::pgwire
