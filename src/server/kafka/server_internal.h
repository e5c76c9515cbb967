#pragma once

// The Asio side of Server, shared by server.cc and connection.cc only (no other module includes it).

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/kafka/server.h"
#include "server/tcp_server_internal.h"

namespace basin::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Connection;

struct Server::Impl {
  Impl(Handler& handler, ServerOptions options);

  void Log(const std::string& line) const { core.Log(line); }
  /// Called by a connection once closed.
  void Unregister(uint64_t id) { core.Unregister(id); }
  /// Called by a connection's destructor: Stop waits for all of them.
  void ConnectionDestroyed() { core.ConnectionDestroyed(); }
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  /// Close the connections idle for connections_max_idle, then check again later.
  void CloseIdleConnections();

  Handler& handler;
  const ServerOptions options;
  server::TcpServerCore<Connection> core;  ///< the io_context, acceptor, threads and connections

  std::mutex timers_mutex;
  std::set<std::shared_ptr<asio::steady_timer>> timers;
};

/// One client connection. Everything but Deliver, CloseAfter, Abandon, Drain and Close runs on the
/// connection's strand (the socket's executor), so its state needs no lock. Frames are read into shared 128
/// KiB chunks, or, when 32 KiB or larger, into a buffer of their own read in one go; a decoded request keeps
/// its frame's buffer alive through its record slices, so record bytes are never copied. Requests go to the
/// handler in order; their responses wait in `slots_` until every earlier one is ready, then leave by
/// gathered writes.
class Connection : public ResponseSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, uint64_t id);
  ~Connection() override;

  uint64_t id() const { return id_; }
  void Start();
  void Deliver(uint64_t sequence, EncodedFrame frame) override;
  void CloseAfter(uint64_t sequence, std::string reason) override;
  void Abandon(uint64_t sequence) override;
  /// Stop reading; close once every request handed to the handler has been answered and sent.
  void Drain();
  /// Close now.
  void Close();
  /// Close if nothing was read or written for `idle` and no request is in flight.
  void CloseIfIdle(std::chrono::milliseconds idle);

 private:
  struct Buffer {
    explicit Buffer(size_t n) : bytes(new uint8_t[n]), size(n) {}
    std::unique_ptr<uint8_t[]> bytes;
    size_t size;
  };
  struct Slot {
    bool ready = false;
    size_t request_bytes = 0;
    EncodedFrame frame;
    std::optional<std::string> close_reason;  ///< answered by closing the connection
  };

  /// Whether another request may go to the handler: within the in-flight limits, or none in flight.
  bool CanDispatch() const {
    return slots_.empty() || (slots_.size() < server_.options.max_in_flight_requests &&
                              in_flight_bytes_ < server_.options.max_in_flight_bytes);
  }
  void ParseFrames();
  void ScheduleRead();
  void OnRead(const boost::system::error_code& error, size_t n);
  void OnLargeFrame(const boost::system::error_code& error, std::shared_ptr<Buffer> buffer);
  void ReadStopped(const boost::system::error_code& error);
  void HandleFrame(SharedBytes frame);
  template <class Request, class Response>
  void Dispatch(void (Handler::*method)(const RequestContext&, Request, Reply<Response>), RequestContext& ctx,
                Reader& reader);
  void AnswerApiVersions(const RequestHeader& header, Reader& reader);
  std::shared_ptr<internal::ReplyState> NewSlot(const RequestHeader& header, bool send_nothing);
  void Complete(uint64_t sequence, EncodedFrame frame, std::optional<std::string> close_reason);
  void OnResponse(uint64_t sequence, EncodedFrame frame, std::optional<std::string> close_reason);
  void WriteReady();
  void OnWritten(const boost::system::error_code& error);
  void ResumeReading();
  void MaybeFinish();
  void Shutdown(const std::string& reason);

  Server::Impl& server_;
  tcp::socket socket_;
  const uint64_t id_;
  std::string peer_host_;
  uint16_t peer_port_ = 0;

  std::shared_ptr<Buffer> chunk_;
  size_t begin_ = 0;  ///< unparsed bytes of chunk_ are [begin_, end_)
  size_t end_ = 0;
  bool read_pending_ = false;
  bool reading_stopped_ = false;  ///< end of stream, or draining
  bool last_frame_large_ = false;
  bool resume_posted_ = false;
  bool draining_ = false;
  bool closed_ = false;
  std::chrono::steady_clock::time_point last_active_ = std::chrono::steady_clock::now();

  std::deque<Slot> slots_;       ///< requests handed to the handler, oldest first
  size_t in_flight_bytes_ = 0;   ///< request bytes of slots_
  size_t frame_bytes_ = 0;       ///< size of the frame being handled
  uint64_t first_sequence_ = 0;  ///< sequence of slots_.front()
  bool writing_ = false;
  std::optional<std::string> close_after_write_;  ///< close once write_frames_ are sent
  std::vector<asio::const_buffer> write_buffers_;
  std::vector<EncodedFrame> write_frames_;  ///< kept alive while written
};

}  // namespace basin::kafka
