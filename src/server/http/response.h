#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basin::http {

/// A whole response. The server adds Content-Length (or Transfer-Encoding), Connection, Date and Server;
/// a handler sets the rest.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// Add a header; returns *this so that calls chain.
  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  /// `json` (a serialized JSON document) as application/json.
  static Response Json(int status, std::string json);
  /// `text` as text/plain (UTF-8) or `content_type`.
  static Response Text(int status, std::string text, std::string content_type = "text/plain; charset=utf-8");
};

/// `text` as a JSON string literal, quotes included; bytes that are not UTF-8 become U+FFFD.
std::string JsonQuote(std::string_view text);

/// The body of an error: `{"error": {"code": code, "message": message, extra...}}`. `extra` holds
/// additional members of the error object as (key, serialized JSON value).
std::string ErrorJson(std::string_view code, std::string_view message,
                      const std::vector<std::pair<std::string, std::string>>& extra = {});
/// An error response with ErrorJson's body.
Response ErrorResponse(int status, std::string_view code, std::string_view message);
/// The status a SQLSTATE answers with: 400 for the client's mistakes (classes 22, 23, 42, ...), 404 for
/// undefined objects, 409 for ones that exist already, 501 for unsupported features, 503 for insufficient
/// resources (class 53), 500 otherwise.
int StatusForSqlstate(std::string_view sqlstate);
/// The standard reason phrase ("Not Found"), "Unknown" for codes without one.
std::string_view ReasonPhrase(int status);

/// Thrown by a handler to answer with an error response: the status, an error code (a SQLSTATE, or an
/// HTTP-ish word such as "not_found"), the message, optional extra members of the error object and an
/// optional Retry-After.
class Error : public std::runtime_error {
 public:
  Error(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  /// Add a member to the error object: a number, or a string (JSON-escaped here).
  Error& With(std::string key, int64_t value);
  Error& With(std::string key, std::string_view value);
  /// Ask the client to retry after `seconds` (429, 503).
  Error& RetryAfter(int seconds) {
    retry_after_ = seconds;
    return *this;
  }

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  Response ToResponse() const;

 private:
  int status_;
  std::string code_;
  std::vector<std::pair<std::string, std::string>> extra_;  // key, serialized JSON value
  int retry_after_ = -1;
};

/// The response for an exception a handler let escape: an Error as it says, a basin::Exception by its
/// SQLSTATE (StatusForSqlstate), anything else 500 with its message.
Response ResponseForException(const std::exception_ptr& error);

namespace internal {

/// Where a request's answer goes: the connection that read it. Implemented by the server; thread-safe.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void Deliver(uint64_t sequence, Response response) = 0;
  /// Start a streamed response; the returned channel carries its chunks.
  virtual std::shared_ptr<class StreamChannel> DeliverStream(uint64_t sequence, Response head) = 0;
  /// The request will never be answered (every Responder copy was dropped): answer 500.
  virtual void Abandon(uint64_t sequence) = 0;
  /// Whether the connection has closed.
  virtual bool closed() const = 0;
};

/// What a Responder's copies share.
struct ResponderState {
  ResponderState(std::weak_ptr<ResponseSink> sink, uint64_t sequence)
      : sink(std::move(sink)), sequence(sequence) {}
  ~ResponderState();
  std::weak_ptr<ResponseSink> sink;
  uint64_t sequence;
  std::atomic<bool> answered{false};
};

/// The producer's side of a streamed body, implemented by the server.
class StreamChannel {
 public:
  virtual ~StreamChannel() = default;
  virtual bool Write(std::string data) = 0;
  virtual bool WriteAsync(std::string data, std::function<void()> resume) = 0;
  virtual void Finish() = 0;
  virtual void Abort(std::string_view reason) = 0;
  virtual bool closed() const = 0;
};

}  // namespace internal

/// The producer's handle on a streamed response body. The body leaves as chunks (chunked transfer coding)
/// as it is written; the bytes queued but not yet sent are bounded, so a producer faster than its client
/// is held back (Write blocks, WriteAsync asks to wait) instead of buffering the whole body. Movable;
/// destroying an unfinished stream aborts it. Any thread may use it, one at a time.
class BodyStream {
 public:
  BodyStream() = default;
  explicit BodyStream(std::shared_ptr<internal::StreamChannel> channel) : channel_(std::move(channel)) {}
  BodyStream(BodyStream&&) noexcept = default;
  BodyStream& operator=(BodyStream&& other) noexcept;
  ~BodyStream();

  /// Queue `data` as the next piece of the body, blocking while the queue is above its high-water mark.
  /// Return false once the client is gone or the server stops: the producer should stop. Never call it on
  /// a network thread (an inline handler): it could wait for itself.
  bool Write(std::string data) { return channel_ && channel_->Write(std::move(data)); }
  /// Queue `data` without blocking. Return true if more may be written now; false when the queue is above
  /// its high-water mark or the client is gone, in which case `resume` is called once, on a network
  /// thread, when the queue has drained below its low-water mark or the client went away (check closed()).
  bool WriteAsync(std::string data, std::function<void()> resume) {
    return channel_ && channel_->WriteAsync(std::move(data), std::move(resume));
  }
  /// End the body: the last chunk is sent after everything queued.
  void Finish();
  /// End the response abnormally (the producer failed midway): the connection closes without the last
  /// chunk, so the client sees a truncated body rather than a complete wrong one. `reason` is logged.
  void Abort(std::string_view reason);
  /// Whether the client is gone or the stream ended.
  bool closed() const { return !channel_ || channel_->closed(); }

 private:
  std::shared_ptr<internal::StreamChannel> channel_;
};

/// The completion of one request. Copyable (copies share one state) and callable from any thread, at any
/// time: a handler answers at once, or later from another thread. The first answer wins; dropping every
/// copy unanswered answers 500, so a forgotten request never hangs its client.
class Responder {
 public:
  Responder() = default;
  explicit Responder(std::shared_ptr<internal::ResponderState> state) : state_(std::move(state)) {}

  /// Answer with `response`. Return false, doing nothing, if the request was answered already.
  bool operator()(Response response) const;
  /// Answer with a streamed body: `head` (status and headers; its body, if any, is sent first) now, the rest
  /// through the returned stream. Returns an empty (closed) stream if the request was answered already.
  [[nodiscard]] BodyStream Stream(Response head) const;
  bool answered() const { return state_ && state_->answered.load(); }
  /// Whether the client is gone (its connection closed): long work for it may stop.
  bool cancelled() const;

 private:
  std::shared_ptr<internal::ResponderState> state_;
};

}  // namespace basin::http
