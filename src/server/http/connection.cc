#include <cstdio>
#include <ctime>
#include <exception>

#include "common/exception.h"
#include "server/http/server_internal.h"

namespace basin::http {

namespace {

/// How long a closing connection keeps reading (and discarding) what its client still sends.
constexpr auto kLingerTime = std::chrono::milliseconds(2000);
/// Responses gathered into one write at most.
constexpr size_t kMaxResponsesPerWrite = 64;

bool IsDisconnect(const boost::system::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::operation_aborted ||
         error == beast_http::error::end_of_stream || error == beast_http::error::partial_message;
}

/// The Date header's value, made once a second per thread.
const std::string& HttpDate() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string text;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    const size_t n = std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    text.assign(buffer, n);
    cached_at = now;
  }
  return text;
}

/// A chunk-size line of the chunked transfer coding (RFC 9112 §7.1).
std::string ChunkSizeLine(size_t size) {
  char buffer[24];
  const int n = std::snprintf(buffer, sizeof(buffer), "%zx\r\n", size);
  return std::string(buffer, n);
}

bool HasHeader(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

}  // namespace

// ---- ChunkChannel ----

bool ChunkChannel::Queue(std::unique_lock<std::mutex>& lock, std::string data) {
  if (connection_closed_ || end_ != End::kOpen) return false;
  if (data.empty()) return true;
  queued_bytes_ += data.size();
  queue_.push_back(std::move(data));
  Notify(lock);
  return true;
}

void ChunkChannel::Notify(std::unique_lock<std::mutex>& lock) {
  if (notify_pending_) return;
  notify_pending_ = true;
  lock.unlock();
  if (auto c = connection_.lock()) c->OnStreamNews();
  lock.lock();
}

bool ChunkChannel::Write(std::string data) {
  std::unique_lock lock(mutex_);
  if (!Queue(lock, std::move(data))) return false;
  if (queued_bytes_ > high_water_) {
    drained_.wait(lock, [&] { return queued_bytes_ <= low_water_ || connection_closed_; });
  }
  return !connection_closed_;
}

bool ChunkChannel::WriteAsync(std::string data, std::function<void()> resume) {
  std::unique_lock lock(mutex_);
  if (!Queue(lock, std::move(data))) return false;
  if (queued_bytes_ <= high_water_) return true;
  resume_ = std::move(resume);
  return false;
}

void ChunkChannel::Finish() {
  std::unique_lock lock(mutex_);
  if (end_ != End::kOpen || connection_closed_) return;
  end_ = End::kFinished;
  Notify(lock);
}

void ChunkChannel::Abort(std::string_view reason) {
  std::unique_lock lock(mutex_);
  if (end_ != End::kOpen || connection_closed_) return;
  end_ = End::kAborted;
  abort_reason_ = reason;
  Notify(lock);
}

bool ChunkChannel::closed() const {
  std::lock_guard lock(mutex_);
  return connection_closed_ || end_ != End::kOpen;
}

ChunkChannel::End ChunkChannel::Take(std::vector<std::string>& out, std::string& abort_reason) {
  std::lock_guard lock(mutex_);
  notify_pending_ = false;
  for (std::string& chunk : queue_) out.push_back(std::move(chunk));
  queue_.clear();
  if (end_ == End::kAborted) abort_reason = abort_reason_;
  return end_;
}

void ChunkChannel::Written(size_t bytes) {
  std::function<void()> resume;
  {
    std::lock_guard lock(mutex_);
    queued_bytes_ -= std::min(bytes, queued_bytes_);
    if (queued_bytes_ > low_water_) return;
    resume = std::move(resume_);
    resume_ = nullptr;
  }
  drained_.notify_all();
  if (resume) resume();
}

void ChunkChannel::Close() {
  std::function<void()> resume;
  {
    std::lock_guard lock(mutex_);
    if (connection_closed_) return;
    connection_closed_ = true;
    queue_.clear();
    resume = std::move(resume_);
    resume_ = nullptr;
  }
  drained_.notify_all();
  if (resume) resume();
}

// ---- Connection ----

Connection::Connection(Server::Impl& server, tcp::socket socket, uint64_t id)
    : server_(server),
      socket_(std::move(socket)),
      id_(id),
      read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()) {
  boost::system::error_code error;
  const tcp::endpoint peer = socket_.remote_endpoint(error);
  if (!error) peer_ = peer.address().to_string() + ":" + std::to_string(peer.port());
  socket_.set_option(tcp::no_delay(true), error);
  server_.metrics.connections.Inc();
}

Connection::~Connection() {
  server_.metrics.connections.Dec();
  server_.core.ConnectionDestroyed();
}

void Connection::Start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->ReadHead(); });
}

void Connection::Drain() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->draining_ = true;
    if (self->phase_ != Phase::kBody) self->StopReading();
    self->MaybeFinish();
  });
}

void Connection::Close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->Shutdown(""); });
}

// ---- Reading ----

bool Connection::CanRead() const {
  return !closed_ && !reading_stopped_ && !read_pending_ &&
         requests_in_slots_ < server_.options.max_pipelined_requests;
}

void Connection::ArmReadTimer(std::chrono::milliseconds timeout) {
  read_timed_out_ = false;
  read_timer_.expires_after(timeout);
  // The generation tells a stale expiry (one already queued when its read finished) from this read's.
  read_timer_.async_wait(
      [weak = weak_from_this(), generation = ++read_generation_](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (error || !self || !self->read_pending_ || generation != self->read_generation_) return;
        self->read_timed_out_ = true;
        // Ends the pending read as if the client had stopped sending; writes go on.
        boost::system::error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_receive, ignored);
      });
}

void Connection::StopReading() {
  reading_stopped_ = true;
  if (read_pending_) {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_receive, ignored);
  }
}

void Connection::ReadHead() {
  if (!CanRead()) return;
  phase_ = Phase::kHead;
  route_ = nullptr;
  request_ = Request();
  parser_.emplace();
  parser_->header_limit(
      static_cast<uint32_t>(std::min<size_t>(server_.options.max_header_bytes, UINT32_MAX)));
  // Content-Length is checked against the route's limit once the route is known.
  parser_->body_limit(std::numeric_limits<uint64_t>::max());
  read_pending_ = true;
  ArmReadTimer(server_.options.idle_timeout);
  beast_http::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](const boost::system::error_code& error, size_t) { self->OnHead(error); });
}

void Connection::OnHead(const boost::system::error_code& error) {
  read_pending_ = false;
  read_timer_.cancel();
  if (closed_) return;
  if (error) {
    phase_ = Phase::kIdle;
    if (error == beast_http::error::header_limit) {
      AnswerReadError(
          431, "request_header_too_large",
          "the request head exceeds " + std::to_string(server_.options.max_header_bytes) + " bytes");
    } else if (read_timed_out_ && (parser_->got_some() || buffer_.size() > 0)) {
      AnswerReadError(408, "request_timeout", "the request head did not arrive in time");
    } else if (IsDisconnect(error) || read_timed_out_ || draining_) {
      reading_stopped_ = true;
      MaybeFinish();
    } else {
      AnswerReadError(400, "bad_request", "malformed request: " + error.message());
    }
    return;
  }
  if (reading_stopped_) {
    // Read while the connection was being closed (an earlier response closes it, or the server drains).
    MaybeFinish();
    return;
  }
  request_start_ = std::chrono::steady_clock::now();
  const auto& head = parser_->get();
  request_ = RequestFromHead(head);
  request_.connection_id = id_;
  request_.peer = peer_;
  const bool body_follows = parser_->chunked() || parser_->content_length().value_or(0) > 0;
  Router::Match match = server_.router.Find(request_.method, request_.path);
  route_ = match.route;
  if (route_ == nullptr) {
    if (match.bad_path) {
      AnswerEarly(ErrorResponse(400, "bad_request", "malformed percent-encoding in the path"), body_follows);
    } else if (!match.allowed.empty()) {
      AnswerEarly(ErrorResponse(405, "method_not_allowed",
                                request_.method_name + " is not allowed on " + request_.path)
                      .Header("Allow", match.allowed),
                  body_follows);
    } else {
      AnswerEarly(
          ErrorResponse(404, "not_found", "no route for " + request_.method_name + " " + request_.path),
          body_follows);
    }
    return;
  }
  request_.params = std::move(match.params);
  const size_t limit = server_.BodyLimit(*route_);
  if (parser_->content_length().value_or(0) > limit) {
    AnswerEarly(ErrorResponse(413, "payload_too_large",
                              "the body of " + std::to_string(*parser_->content_length()) +
                                  " bytes exceeds the limit of " + std::to_string(limit)),
                true);
    return;
  }
  if (route_->options.admit) {
    std::optional<Response> refusal;
    try {
      refusal = route_->options.admit(request_);
    } catch (...) {
      refusal = ResponseForException(std::current_exception());
    }
    if (refusal) {
      AnswerEarly(std::move(*refusal), body_follows);
      return;
    }
  }
  if (parser_->is_done()) {
    OnBody({});
    return;
  }
  const auto expect = head[beast_http::field::expect];
  if (EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue") &&
      head.version() >= 11) {
    Slot& slot = NewSlot();
    slot.interim = true;
    slot.ready = true;
    slot.head = "HTTP/1.1 100 Continue\r\n\r\n";
    --requests_in_slots_;
    WriteReady();
  }
  ReadBody();
}

void Connection::ReadBody() {
  phase_ = Phase::kBody;
  read_pending_ = true;
  ArmReadTimer(server_.options.body_timeout);
  if (!parser_->chunked()) {
    // A Content-Length body goes straight into the request (what arrived with the head first), in reads
    // as large as the socket gives, rather than through the parser's buffer.
    const size_t length = *parser_->content_length();
    request_.body.resize(length);
    const size_t have = std::min(length, buffer_.size());
    asio::buffer_copy(asio::buffer(request_.body.data(), have), buffer_.data());
    buffer_.consume(have);
    asio::async_read(
        socket_, asio::buffer(request_.body.data() + have, length - have),
        [self = shared_from_this()](const boost::system::error_code& error, size_t) { self->OnBody(error); });
    return;
  }
  parser_->body_limit(server_.BodyLimit(*route_));
  beast_http::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](const boost::system::error_code& error, size_t) { self->OnBody(error); });
}

void Connection::OnBody(const boost::system::error_code& error) {
  read_pending_ = false;
  read_timer_.cancel();
  phase_ = Phase::kIdle;
  if (closed_) return;
  if (error) {
    if (error == beast_http::error::body_limit) {
      AnswerReadError(
          413, "payload_too_large",
          "the body exceeds the limit of " + std::to_string(server_.BodyLimit(*route_)) + " bytes");
    } else if (read_timed_out_) {
      AnswerReadError(408, "request_timeout", "the request body did not arrive in time");
    } else if (IsDisconnect(error)) {
      Shutdown("");
    } else {
      AnswerReadError(400, "bad_request", "malformed request body: " + error.message());
    }
    return;
  }
  const bool keep_alive = parser_->get().keep_alive();
  if (parser_->chunked()) request_.body = std::move(parser_->get().body());
  server_.metrics.received_bytes.Inc(static_cast<double>(request_.body.size()));
  Slot& slot = NewSlot();
  slot.method = request_.method;
  slot.route = route_;
  slot.http10 = request_.version < 11;
  slot.head_only = request_.method == Method::kHead;
  if (!keep_alive) {
    slot.close_after = true;
    reading_stopped_ = true;
  }
  server_.metrics.in_flight.Inc();
  to_dispatch_.push_back(Pending{std::move(request_), route_, slot.sequence});
  request_ = Request();
  Dispatch();
  if (draining_) reading_stopped_ = true;
  ReadHead();
}

Connection::Slot& Connection::NewSlot() {
  Slot& slot = slots_.emplace_back();
  slot.sequence = next_sequence_++;
  slot.start = request_start_;
  ++requests_in_slots_;
  return slot;
}

void Connection::AnswerEarly(Response response, bool body_follows) {
  Slot& slot = NewSlot();
  slot.method = request_.method;
  slot.route = route_;
  slot.http10 = request_.version < 11;
  slot.head_only = request_.method == Method::kHead;
  if (body_follows || !parser_->get().keep_alive()) {
    slot.close_after = true;
    reading_stopped_ = true;
  }
  request_ = Request();
  server_.metrics.in_flight.Inc();
  OnResponse(slot.sequence, std::move(response));
  ReadHead();
}

void Connection::AnswerReadError(int status, const std::string& code, const std::string& message) {
  reading_stopped_ = true;
  Slot& slot = NewSlot();
  slot.close_after = true;
  slot.route = route_;
  slot.method = request_.method;
  server_.metrics.in_flight.Inc();
  OnResponse(slot.sequence, ErrorResponse(status, code, message));
}

// ---- Handlers ----

void Connection::Dispatch() {
  if (handler_running_ || to_dispatch_.empty() || closed_) return;
  handler_running_ = true;
  auto pending = std::make_shared<Pending>(std::move(to_dispatch_.front()));
  to_dispatch_.pop_front();
  auto state = std::make_shared<internal::ResponderState>(weak_from_this(), pending->sequence);
  if (server_.options.handler_timeout.count() > 0) {
    // Kept by the slot, which cancels it once answered: a pending timer would hold Stop up.
    auto timer =
        std::make_shared<asio::steady_timer>(socket_.get_executor(), server_.options.handler_timeout);
    timer->async_wait([weak_state = std::weak_ptr<internal::ResponderState>(state)](
                          const boost::system::error_code& e) {
      auto s = weak_state.lock();
      if (e || !s) return;
      Responder(std::move(s))(ErrorResponse(503, "handler_timeout", "the request was not answered in time"));
    });
    if (Slot* slot = FindSlot(pending->sequence)) slot->handler_timer = std::move(timer);
  }
  auto run = [self = shared_from_this(), pending, responder = Responder(std::move(state))]() mutable {
    self->RunHandler(*pending->route, pending->request, responder);
    responder = Responder();
    pending.reset();
    asio::post(self->socket_.get_executor(), [self] {
      self->handler_running_ = false;
      self->Dispatch();
      self->MaybeFinish();
    });
  };
  if (pending->route->options.inline_handler) {
    run();
  } else {
    asio::post(*server_.handlers, std::move(run));
  }
}

void Connection::RunHandler(const Route& route, Request& request, const Responder& responder) {
  try {
    if (route.sync) {
      responder(route.sync(request));
    } else {
      route.async(std::move(request), responder);
    }
  } catch (...) {
    Response response = ResponseForException(std::current_exception());
    if (response.status >= 500) {
      server_.Log(std::string(MethodName(route.method)) + " " + route.pattern + " failed: " + response.body);
    }
    responder(std::move(response));
  }
}

// ---- Responses ----

void Connection::Deliver(uint64_t sequence, Response response) {
  asio::post(socket_.get_executor(),
             [weak = weak_from_this(), sequence, response = std::move(response)]() mutable {
               if (auto self = weak.lock()) self->OnResponse(sequence, std::move(response));
             });
}

std::shared_ptr<internal::StreamChannel> Connection::DeliverStream(uint64_t sequence, Response head) {
  auto channel = std::make_shared<ChunkChannel>(weak_from_this(), server_.options.stream_high_water_bytes);
  asio::post(socket_.get_executor(),
             [weak = weak_from_this(), sequence, head = std::move(head), channel]() mutable {
               if (auto self = weak.lock()) {
                 self->OnStreamStart(sequence, std::move(head), channel);
               } else {
                 channel->Close();
               }
             });
  return channel;
}

void Connection::Abandon(uint64_t sequence) {
  server_.Log("a handler dropped request " + std::to_string(sequence) + " of connection " +
              std::to_string(id_) + " without answering it");
  Deliver(sequence, ErrorResponse(500, sqlstate::kInternalError, "the request was not answered"));
}

void Connection::OnStreamNews() {
  asio::post(socket_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->WriteReady();
  });
}

Connection::Slot* Connection::FindSlot(uint64_t sequence) {
  if (closed_ || slots_.empty() || sequence < slots_.front().sequence) return nullptr;
  const uint64_t index = sequence - slots_.front().sequence;
  if (index >= slots_.size() || slots_[index].ready) return nullptr;
  return &slots_[index];
}

void Connection::Serialize(Slot& slot, const Response& response, bool streamed) {
  if (slot.handler_timer) slot.handler_timer->cancel();
  const int status = response.status;
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - slot.start).count();
  const std::string route = slot.route ? slot.route->pattern : "unmatched";
  server_.metrics.requests.Labels({MethodName(slot.method), route, std::to_string(status)}).Inc();
  server_.metrics.duration.Labels({route}).Observe(elapsed);
  server_.metrics.in_flight.Dec();

  // The last response of a draining connection tells the client that the connection closes.
  if (draining_ && reading_stopped_ && to_dispatch_.empty() && &slot == &slots_.back())
    slot.close_after = true;
  if (HasHeader(response, "Connection")) slot.close_after = true;  // a handler asking to close
  if (streamed && slot.http10) slot.close_after = true;            // the end of the body is the close

  std::string& h = slot.head;
  h.reserve(256);
  h += slot.http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  h += std::to_string(status);
  h += ' ';
  h += ReasonPhrase(status);
  h += "\r\n";
  for (const auto& [key, value] : response.headers) {
    if (EqualsIgnoreCase(key, "Connection") || EqualsIgnoreCase(key, "Content-Length") ||
        EqualsIgnoreCase(key, "Transfer-Encoding")) {
      continue;
    }
    h += key;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  const bool no_body = status < 200 || status == 204 || status == 304;
  if (!no_body) {
    if (!streamed) {
      h += "Content-Length: ";
      h += std::to_string(response.body.size());
      h += "\r\n";
    } else if (!slot.http10) {
      h += "Transfer-Encoding: chunked\r\n";
    }
  }
  if (slot.close_after) {
    h += "Connection: close\r\n";
  } else if (slot.http10) {
    h += "Connection: keep-alive\r\n";
  }
  h += "Date: ";
  h += HttpDate();
  h += "\r\nServer: basin\r\n\r\n";
  if (no_body) slot.head_only = true;
}

void Connection::OnResponse(uint64_t sequence, Response response) {
  Slot* slot = FindSlot(sequence);
  if (slot == nullptr) return;
  Serialize(*slot, response, false);
  if (!slot->head_only) slot->body = std::move(response.body);
  slot->ready = true;
  WriteReady();
}

void Connection::OnStreamStart(uint64_t sequence, Response head, std::shared_ptr<ChunkChannel> channel) {
  Slot* slot = FindSlot(sequence);
  if (slot == nullptr) {
    channel->Close();
    return;
  }
  Serialize(*slot, head, true);
  if (slot->head_only) {
    channel->Close();  // HEAD: nobody wants the body
  } else {
    slot->stream = std::move(channel);
    if (!head.body.empty()) slot->body = std::move(head.body);
  }
  slot->ready = true;
  WriteReady();
}

void Connection::WriteReady() {
  if (writing_ || closed_) return;
  const bool was_full = requests_in_slots_ >= server_.options.max_pipelined_requests;
  size_t responses = 0;
  std::vector<std::string> chunks;
  while (!slots_.empty() && slots_.front().ready && responses < kMaxResponsesPerWrite &&
         !close_after_write_ && abort_after_write_.empty()) {
    Slot& slot = slots_.front();
    if (!slot.head_written) {
      write_keep_.push_back(std::move(slot.head));
      slot.head_written = true;
    }
    if (!slot.body.empty()) {
      if (slot.stream && !slot.http10) {
        write_keep_.push_back(ChunkSizeLine(slot.body.size()));
        write_keep_.push_back(std::move(slot.body));
        write_keep_.push_back("\r\n");
      } else {
        write_keep_.push_back(std::move(slot.body));
      }
      slot.body.clear();
    }
    if (slot.stream) {
      // A stream holds the front until its producer ends it; what it queued so far goes out now.
      chunks.clear();
      std::string abort_reason;
      const ChunkChannel::End end = slot.stream->Take(chunks, abort_reason);
      size_t bytes = 0;
      for (const std::string& c : chunks) bytes += c.size();
      if (bytes > 0) {
        if (!slot.http10) write_keep_.push_back(ChunkSizeLine(bytes));
        for (std::string& c : chunks) write_keep_.push_back(std::move(c));
        if (!slot.http10) write_keep_.push_back("\r\n");
        write_stream_ = slot.stream;
        write_stream_bytes_ = bytes;
      }
      if (end == ChunkChannel::End::kOpen) break;
      if (end == ChunkChannel::End::kAborted) {
        abort_after_write_ = abort_reason.empty() ? "the response stream was aborted" : abort_reason;
        break;
      }
      if (!slot.http10) write_keep_.push_back("0\r\n\r\n");
    }
    close_after_write_ = slot.close_after;
    if (!slot.interim) {
      --requests_in_slots_;
      ++responses;
    }
    slots_.pop_front();
  }
  if (write_keep_.empty()) {
    if (!abort_after_write_.empty()) {
      Shutdown(abort_after_write_);
    } else if (close_after_write_) {
      LingerAndClose();
    } else {
      MaybeFinish();
    }
    return;
  }
  if (was_full) ReadHead();
  write_buffers_.clear();
  for (const std::string& s : write_keep_) write_buffers_.emplace_back(s.data(), s.size());
  writing_ = true;
  write_timer_.expires_after(server_.options.write_timeout);
  write_timer_.async_wait(
      [weak = weak_from_this(), generation = ++write_generation_](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (!error && self && self->writing_ && generation == self->write_generation_) {
          self->Shutdown("the client took no response bytes in time");
        }
      });
  asio::async_write(socket_, write_buffers_,
                    [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                      self->OnWritten(error);
                    });
}

void Connection::OnWritten(const boost::system::error_code& error) {
  writing_ = false;
  write_timer_.cancel();
  write_buffers_.clear();
  write_keep_.clear();
  if (write_stream_) {
    write_stream_->Written(write_stream_bytes_);
    write_stream_.reset();
    write_stream_bytes_ = 0;
  }
  if (closed_) return;
  if (error) {
    Shutdown(IsDisconnect(error) ? "" : "write failed: " + error.message());
    return;
  }
  if (!abort_after_write_.empty()) {
    Shutdown(abort_after_write_);
    return;
  }
  if (close_after_write_) {
    LingerAndClose();
    return;
  }
  WriteReady();
  ReadHead();
}

void Connection::MaybeFinish() {
  if (closed_ || !reading_stopped_ || read_pending_ || writing_ || handler_running_ || !slots_.empty() ||
      !to_dispatch_.empty()) {
    return;
  }
  Shutdown("");
}

void Connection::LingerAndClose() {
  if (closed_) return;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  if (read_pending_) {
    // A request being read is dropped: ending its read ends the connection.
    StopReading();
    return;
  }
  ++read_generation_;
  read_timer_.expires_after(kLingerTime);
  read_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
    if (auto self = weak.lock(); self && !error) self->Shutdown("");
  });
  Discard();
}

void Connection::Discard() {
  discard_.resize(4096);
  socket_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                            if (self->closed_) return;
                            if (error) {
                              self->Shutdown("");
                            } else {
                              self->Discard();
                            }
                          });
}

void Connection::Shutdown(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  closed_flag_ = true;
  if (!reason.empty())
    server_.Log("closing connection " + std::to_string(id_) + " from " + peer_ + ": " + reason);
  boost::system::error_code ignored;
  read_timer_.cancel();
  write_timer_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  for (Slot& slot : slots_) {
    if (slot.stream) slot.stream->Close();
    if (slot.handler_timer) slot.handler_timer->cancel();
    if (!slot.interim && !slot.ready) server_.metrics.in_flight.Dec();
  }
  if (write_stream_) write_stream_->Close();
  slots_.clear();
  to_dispatch_.clear();
  server_.core.Unregister(id_);
}

}  // namespace basin::http
