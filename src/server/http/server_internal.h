#pragma once

// The Beast/Asio side of Server, shared by server.cc and connection.cc only (no other module includes it).

#include "server/tcp_server_internal.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "server/http/server.h"

namespace basin::http {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

class Connection;

/// The head of a parsed request as a Request (method, target split into path and query, headers).
Request RequestFromHead(const beast_http::request_header<>& head);

/// The server's own metrics, registered once per registry.
struct ServerMetrics {
  explicit ServerMetrics(MetricsRegistry& registry);
  MetricFamily<Counter>& requests;    ///< by method, route, status
  MetricFamily<Histogram>& duration;  ///< head read to response queued, by route
  Gauge& connections;
  Gauge& in_flight;         ///< requests read and not yet answered
  Counter& received_bytes;  ///< request bodies
};

struct Server::Impl {
  Impl(Router& router, ServerOptions options);

  void Log(const std::string& line) const { core.Log(line); }
  size_t BodyLimit(const Route& route) const {
    return route.options.max_body_bytes > 0 ? route.options.max_body_bytes : options.max_body_bytes;
  }

  Router& router;
  const ServerOptions options;
  MetricsRegistry& registry;
  ServerMetrics metrics;
  server::TcpServerCore<Connection> core;  ///< the io_context, acceptor, network threads and connections
  std::optional<asio::thread_pool> handlers;
};

/// The producer side of one streamed response body (BodyStream's channel). Chunks wait in `queue_` until
/// the connection takes them; `queued_bytes_` counts them until they are written to the socket, and the
/// producer is held back above the high-water mark. Any thread; guarded by `mutex_`.
class ChunkChannel : public internal::StreamChannel {
 public:
  ChunkChannel(std::weak_ptr<Connection> connection, size_t high_water)
      : connection_(std::move(connection)), high_water_(high_water), low_water_(high_water / 4) {}

  bool Write(std::string data) override;
  bool WriteAsync(std::string data, std::function<void()> resume) override;
  void Finish() override;
  void Abort(std::string_view reason) override;
  bool closed() const override;

  // The connection's side (on its strand).
  enum class End { kOpen, kFinished, kAborted };
  /// Move the queued chunks to `out` and say whether the producer ended the body.
  End Take(std::vector<std::string>& out, std::string& abort_reason);
  /// `bytes` of taken chunks reached the socket: wake a held-back producer.
  void Written(size_t bytes);
  /// The connection closed: fail later writes, wake the producer.
  void Close();

 private:
  /// Queue `data`; false when the stream is closed. Called with `lock` held.
  bool Queue(std::unique_lock<std::mutex>& lock, std::string data);
  void Notify(std::unique_lock<std::mutex>& lock);

  const std::weak_ptr<Connection> connection_;
  const size_t high_water_;
  const size_t low_water_;
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  End end_ = End::kOpen;
  std::string abort_reason_;
  bool connection_closed_ = false;
  bool notify_pending_ = false;
  std::function<void()> resume_;
};

/// One client connection. Everything but the ResponseSink methods, Drain and Close runs on the
/// connection's strand (the socket's executor), so its state needs no lock. Requests are read one after
/// another (up to max_pipelined_requests ahead of their responses), handed to their handlers one at a time
/// in order, and answered in order: each has a slot in `slots_` that holds its response once given;
/// ready slots at the front leave in one gathered write. A streamed response holds the front until its
/// producer finishes it.
class Connection : public internal::ResponseSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server::Impl& server, tcp::socket socket, uint64_t id);
  ~Connection() override;

  uint64_t id() const { return id_; }
  void Start();
  /// Stop reading new requests; close once those in flight are answered and sent.
  void Drain();
  /// Close now.
  void Close();

  void Deliver(uint64_t sequence, Response response) override;
  std::shared_ptr<internal::StreamChannel> DeliverStream(uint64_t sequence, Response head) override;
  void Abandon(uint64_t sequence) override;
  bool closed() const override { return closed_flag_.load(); }
  /// A stream's channel has news (data, its end): write what is ready.
  void OnStreamNews();

 private:
  struct Slot {
    uint64_t sequence = 0;
    bool interim = false;  ///< "100 Continue": written as soon as it is its turn, no request behind it
    bool ready = false;    ///< the response (or a stream's head) is here
    bool head_written = false;
    bool head_only = false;    ///< a HEAD request: no body goes out
    bool close_after = false;  ///< close the connection once this response is sent
    bool http10 = false;
    std::string head;  ///< the status line and headers, serialized
    std::string body;
    std::shared_ptr<ChunkChannel> stream;
    std::shared_ptr<asio::steady_timer> handler_timer;  ///< handler_timeout's, until answered
    Method method = Method::kGet;
    const Route* route = nullptr;
    std::chrono::steady_clock::time_point start;
  };
  struct Pending {
    Request request;
    const Route* route;
    uint64_t sequence;
  };
  enum class Phase { kIdle, kHead, kBody };

  bool CanRead() const;
  void ReadHead();
  void OnHead(const boost::system::error_code& error);
  void ReadBody();
  void OnBody(const boost::system::error_code& error);
  /// Answer the request whose head was just read without reading its body (404, 413, an admission
  /// refusal); the connection closes afterwards if a body was coming.
  void AnswerEarly(Response response, bool body_follows);
  /// Answer a request that failed to be read (malformed, too large, too slow), then close.
  void AnswerReadError(int status, const std::string& code, const std::string& message);
  Slot& NewSlot();
  void Dispatch();
  void RunHandler(const Route& route, Request& request, const Responder& responder);
  void OnResponse(uint64_t sequence, Response response);
  void OnStreamStart(uint64_t sequence, Response head, std::shared_ptr<ChunkChannel> channel);
  Slot* FindSlot(uint64_t sequence);
  void Serialize(Slot& slot, const Response& response, bool streamed);
  void WriteReady();
  void OnWritten(const boost::system::error_code& error);
  void ArmReadTimer(std::chrono::milliseconds timeout);
  void StopReading();
  void MaybeFinish();
  /// Close after the last response: stop sending, then read and discard what the client still sends for a
  /// moment, so that its unread request bytes do not turn our close into a reset that loses the response.
  void LingerAndClose();
  void Discard();
  void Shutdown(const std::string& reason);

  Server::Impl& server_;
  tcp::socket socket_;
  const uint64_t id_;
  std::string peer_;
  std::atomic<bool> closed_flag_{false};

  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  Request request_;  ///< the request whose head was read, while its body is read
  const Route* route_ = nullptr;
  std::chrono::steady_clock::time_point request_start_;
  Phase phase_ = Phase::kIdle;
  bool read_pending_ = false;
  bool reading_stopped_ = false;  ///< end of stream, a request that closes, draining
  bool read_timed_out_ = false;
  bool draining_ = false;
  bool closed_ = false;
  asio::steady_timer read_timer_;
  asio::steady_timer write_timer_;
  uint64_t read_generation_ = 0;
  uint64_t write_generation_ = 0;
  std::string discard_;  ///< what a closing connection reads and drops

  std::deque<Slot> slots_;        ///< requests read and not yet answered and sent, oldest first
  size_t requests_in_slots_ = 0;  ///< slots_ minus the interim ones
  uint64_t next_sequence_ = 0;
  std::deque<Pending> to_dispatch_;
  bool handler_running_ = false;

  bool writing_ = false;
  bool close_after_write_ = false;
  std::string abort_after_write_;  ///< a stream was aborted: close once what precedes it is sent
  std::vector<asio::const_buffer> write_buffers_;
  std::deque<std::string> write_keep_;  ///< strings the gathered write points into (a deque: they never move)
  std::shared_ptr<ChunkChannel> write_stream_;  ///< whose chunks are in the write
  size_t write_stream_bytes_ = 0;
};

}  // namespace basin::http
