#include <cstring>
#include <exception>

#include "server/kafka/server_internal.h"

namespace basin::kafka {

namespace {

constexpr size_t kChunkSize = 128 * 1024;
/// Frames at least this large are read into a buffer of their own.
constexpr size_t kLargeFrame = 32 * 1024;
/// Responses gathered into one write at most.
constexpr size_t kMaxFramesPerWrite = 64;

uint32_t ReadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool IsDisconnect(const boost::system::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::operation_aborted;
}

}  // namespace

Connection::Connection(Server::Impl& server, tcp::socket socket, uint64_t id)
    : server_(server), socket_(std::move(socket)), id_(id) {
  boost::system::error_code error;
  const tcp::endpoint peer = socket_.remote_endpoint(error);
  if (!error) {
    peer_host_ = peer.address().to_string();
    peer_port_ = peer.port();
  }
  socket_.set_option(tcp::no_delay(true), error);
}

Connection::~Connection() { server_.ConnectionDestroyed(); }

void Connection::Start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->ScheduleRead(); });
}

void Connection::Drain() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closed_) return;
    self->draining_ = true;
    // Ends the pending read (if any) as if the client had finished sending.
    boost::system::error_code ignored;
    self->socket_.shutdown(tcp::socket::shutdown_receive, ignored);
    if (!self->read_pending_) self->reading_stopped_ = true;
    self->MaybeFinish();
  });
}

void Connection::Close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->Shutdown(""); });
}

void Connection::CloseIfIdle(std::chrono::milliseconds idle) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), idle] {
    const auto quiet = std::chrono::steady_clock::now() - self->last_active_;
    if (!self->closed_ && self->slots_.empty() && quiet >= idle) {
      self->Shutdown("idle for " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(quiet).count()) + " s");
    }
  });
}

// ---- Reading ----

void Connection::ParseFrames() {
  while (!closed_ && CanDispatch() && end_ - begin_ >= 4) {
    const uint8_t* at = chunk_->bytes.get() + begin_;
    const uint32_t size = ReadBigEndian32(at);
    if (size > server_.options.max_frame_bytes) {
      Shutdown("frame of " + std::to_string(size) + " bytes exceeds the limit of " +
               std::to_string(server_.options.max_frame_bytes));
      return;
    }
    if (end_ - begin_ - 4 < size) return;
    begin_ += 4 + size;
    last_frame_large_ = false;
    HandleFrame(SharedBytes(chunk_, at + 4, size));
  }
}

void Connection::ScheduleRead() {
  if (closed_ || reading_stopped_ || read_pending_ || !CanDispatch()) return;
  const size_t buffered = end_ - begin_;
  size_t needed = 4;
  if (buffered >= 4) {
    // ParseFrames stopped at a partial frame whose size it checked.
    const uint32_t size = ReadBigEndian32(chunk_->bytes.get() + begin_);
    if (size >= kLargeFrame) {
      // Read the rest of a large frame straight into a buffer of its own.
      auto buffer = std::make_shared<Buffer>(size);
      const size_t have = buffered - 4;
      std::memcpy(buffer->bytes.get(), chunk_->bytes.get() + begin_ + 4, have);
      begin_ = end_;  // bytes before begin_ may belong to requests still being handled
      read_pending_ = true;
      asio::async_read(socket_, asio::buffer(buffer->bytes.get() + have, size - have),
                       [self = shared_from_this(), buffer](const boost::system::error_code& error, size_t) {
                         self->OnLargeFrame(error, buffer);
                       });
      return;
    }
    needed = 4 + size;
  }
  if (!chunk_ || chunk_->size - begin_ < needed || (buffered == 0 && chunk_->size - end_ < kLargeFrame)) {
    // Move the partial frame (smaller than kLargeFrame) to the front of a fresh chunk, or of this one when
    // no decoded request holds it.
    std::shared_ptr<Buffer> next =
        chunk_ && chunk_.use_count() == 1 ? chunk_ : std::make_shared<Buffer>(kChunkSize);
    if (buffered > 0) std::memmove(next->bytes.get(), chunk_->bytes.get() + begin_, buffered);
    chunk_ = std::move(next);
    begin_ = 0;
    end_ = buffered;
  }
  read_pending_ = true;
  auto on_read = [self = shared_from_this()](const boost::system::error_code& error, size_t n) {
    self->OnRead(error, n);
  };
  if (last_frame_large_ && buffered == 0) {
    // After a large frame another usually follows: read its size alone, so that its bytes land in a
    // buffer of its own.
    asio::async_read(socket_, asio::buffer(chunk_->bytes.get() + end_, 4), on_read);
  } else {
    socket_.async_read_some(asio::buffer(chunk_->bytes.get() + end_, chunk_->size - end_), on_read);
  }
}

void Connection::OnRead(const boost::system::error_code& error, size_t n) {
  read_pending_ = false;
  last_active_ = std::chrono::steady_clock::now();
  end_ += n;
  if (error) {
    ReadStopped(error);
    return;
  }
  ParseFrames();
  ScheduleRead();
}

void Connection::OnLargeFrame(const boost::system::error_code& error, std::shared_ptr<Buffer> buffer) {
  read_pending_ = false;
  last_active_ = std::chrono::steady_clock::now();
  if (error) {
    ReadStopped(error);
    return;
  }
  last_frame_large_ = true;
  const uint8_t* data = buffer->bytes.get();
  const size_t size = buffer->size;
  HandleFrame(SharedBytes(std::move(buffer), data, size));
  ScheduleRead();
}

void Connection::ReadStopped(const boost::system::error_code& error) {
  if (closed_) return;
  if (!IsDisconnect(error) && !draining_) {
    Shutdown("read failed: " + error.message());
    return;
  }
  // The client finished sending (or the server drains): answer what was asked, then close.
  reading_stopped_ = true;
  MaybeFinish();
}

void Connection::ResumeReading() {
  if (resume_posted_ || closed_) return;
  resume_posted_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->resume_posted_ = false;
    self->ParseFrames();
    self->ScheduleRead();
  });
}

// ---- Requests ----

void Connection::HandleFrame(SharedBytes frame) {
  frame_bytes_ = frame.size();
  Reader reader(std::move(frame));
  RequestHeader header;
  try {
    header = DecodeRequestHeader(reader);
  } catch (const DecodeError& e) {
    Shutdown(std::string("malformed request header: ") + e.what());
    return;
  }
  if (header.api_key == static_cast<int16_t>(ApiKey::kApiVersions)) {
    AnswerApiVersions(header, reader);
    return;
  }
  const ApiVersionRange* api = FindApi(header.api_key);
  if (api == nullptr) {
    Shutdown("unknown API key " + std::to_string(header.api_key));
    return;
  }
  if (header.api_version < api->min_version || header.api_version > api->max_version) {
    Shutdown(std::string(api->name) + " v" + std::to_string(header.api_version) + " is not supported (v" +
             std::to_string(api->min_version) + "-v" + std::to_string(api->max_version) + ")");
    return;
  }
  RequestContext ctx;
  ctx.connection_id = id_;
  ctx.client_id = header.client_id.value_or(std::string());
  ctx.client_host = peer_host_;
  ctx.client_port = peer_port_;
  ctx.api_version = header.api_version;
  ctx.correlation_id = header.correlation_id;
  try {
    switch (api->key) {
      case ApiKey::kProduce: Dispatch(&Handler::Produce, ctx, reader); break;
      case ApiKey::kFetch: Dispatch(&Handler::Fetch, ctx, reader); break;
      case ApiKey::kListOffsets: Dispatch(&Handler::ListOffsets, ctx, reader); break;
      case ApiKey::kMetadata: Dispatch(&Handler::Metadata, ctx, reader); break;
      case ApiKey::kOffsetCommit: Dispatch(&Handler::OffsetCommit, ctx, reader); break;
      case ApiKey::kOffsetFetch: Dispatch(&Handler::OffsetFetch, ctx, reader); break;
      case ApiKey::kFindCoordinator: Dispatch(&Handler::FindCoordinator, ctx, reader); break;
      case ApiKey::kJoinGroup: Dispatch(&Handler::JoinGroup, ctx, reader); break;
      case ApiKey::kHeartbeat: Dispatch(&Handler::Heartbeat, ctx, reader); break;
      case ApiKey::kLeaveGroup: Dispatch(&Handler::LeaveGroup, ctx, reader); break;
      case ApiKey::kSyncGroup: Dispatch(&Handler::SyncGroup, ctx, reader); break;
      case ApiKey::kDescribeGroups: Dispatch(&Handler::DescribeGroups, ctx, reader); break;
      case ApiKey::kListGroups: Dispatch(&Handler::ListGroups, ctx, reader); break;
      case ApiKey::kCreateTopics: Dispatch(&Handler::CreateTopics, ctx, reader); break;
      case ApiKey::kDeleteTopics: Dispatch(&Handler::DeleteTopics, ctx, reader); break;
      case ApiKey::kInitProducerId: Dispatch(&Handler::InitProducerId, ctx, reader); break;
      case ApiKey::kDescribeConfigs: Dispatch(&Handler::DescribeConfigs, ctx, reader); break;
      case ApiKey::kApiVersions: break;  // answered above
    }
  } catch (const DecodeError& e) {
    Shutdown(std::string("malformed request: ") + e.what());
  } catch (const std::exception& e) {
    Shutdown(std::string(api->name) + " handler failed: " + e.what());
  }
}

template <class Request, class Response>
void Connection::Dispatch(void (Handler::*method)(const RequestContext&, Request, Reply<Response>),
                          RequestContext& ctx, Reader& reader) {
  Request request = DecodeRequestBody<Request>(reader);
  bool send_nothing = false;
  if constexpr (std::is_same_v<Request, ProduceRequest>) send_nothing = request.acks == 0;
  RequestHeader header{static_cast<int16_t>(Request::kApiKey), ctx.api_version, ctx.correlation_id, {}};
  Reply<Response> reply(NewSlot(header, send_nothing));
  (server_.handler.*method)(ctx, std::move(request), std::move(reply));
}

void Connection::AnswerApiVersions(const RequestHeader& header, Reader& reader) {
  const ApiVersionRange& api = *FindApi(header.api_key);
  ApiVersionsResponse response;
  for (const ApiVersionRange& a : SupportedApis()) {
    response.api_keys.push_back({static_cast<int16_t>(a.key), a.min_version, a.max_version});
  }
  int16_t version = header.api_version;
  if (version > api.max_version || version < api.min_version) {
    // A version we do not know: answer in v0, which every client reads, with our ranges (KIP-511).
    response.error_code = ErrorCode::kUnsupportedVersion;
    version = 0;
  } else {
    try {
      (void)DecodeRequestBody<ApiVersionsRequest>(reader);
    } catch (const DecodeError& e) {
      Shutdown(std::string("malformed request: ") + e.what());
      return;
    }
  }
  RequestHeader answered = header;
  answered.api_version = version;
  Reply<ApiVersionsResponse>(NewSlot(answered, false))(std::move(response));
}

std::shared_ptr<internal::ReplyState> Connection::NewSlot(const RequestHeader& header, bool send_nothing) {
  const uint64_t sequence = first_sequence_ + slots_.size();
  slots_.emplace_back().request_bytes = frame_bytes_;
  in_flight_bytes_ += frame_bytes_;
  return std::make_shared<internal::ReplyState>(weak_from_this(), sequence, header.correlation_id,
                                                header.api_version, send_nothing);
}

// ---- Responses ----

void Connection::Deliver(uint64_t sequence, EncodedFrame frame) { Complete(sequence, std::move(frame), {}); }

void Connection::CloseAfter(uint64_t sequence, std::string reason) {
  Complete(sequence, EncodedFrame(), std::move(reason));
}

void Connection::Complete(uint64_t sequence, EncodedFrame frame, std::optional<std::string> close_reason) {
  asio::dispatch(socket_.get_executor(), [weak = weak_from_this(), sequence, frame = std::move(frame),
                                          close_reason = std::move(close_reason)]() mutable {
    if (auto self = weak.lock()) self->OnResponse(sequence, std::move(frame), std::move(close_reason));
  });
}

void Connection::Abandon(uint64_t sequence) {
  asio::post(socket_.get_executor(), [weak = weak_from_this(), sequence] {
    auto self = weak.lock();
    if (self && !self->closed_ && sequence >= self->first_sequence_) {
      self->Shutdown("the handler dropped request " + std::to_string(sequence) + " without answering it");
    }
  });
}

void Connection::OnResponse(uint64_t sequence, EncodedFrame frame, std::optional<std::string> close_reason) {
  if (closed_ || sequence < first_sequence_ || sequence >= first_sequence_ + slots_.size()) return;
  Slot& slot = slots_[sequence - first_sequence_];
  slot.ready = true;
  slot.frame = std::move(frame);
  slot.close_reason = std::move(close_reason);
  WriteReady();
}

void Connection::WriteReady() {
  if (writing_ || closed_) return;
  const bool was_full = !CanDispatch();
  while (!slots_.empty() && slots_.front().ready && write_frames_.size() < kMaxFramesPerWrite &&
         !close_after_write_) {
    Slot& slot = slots_.front();
    if (!slot.frame.empty()) write_frames_.push_back(std::move(slot.frame));
    close_after_write_ = std::move(slot.close_reason);
    in_flight_bytes_ -= slot.request_bytes;
    slots_.pop_front();
    ++first_sequence_;
  }
  if (was_full && CanDispatch() && !close_after_write_) ResumeReading();
  if (write_frames_.empty()) {
    if (close_after_write_) {
      Shutdown(*close_after_write_);
    } else {
      MaybeFinish();
    }
    return;
  }
  for (const EncodedFrame& f : write_frames_) {
    f.ForEachPiece([&](const uint8_t* p, size_t n) { write_buffers_.emplace_back(p, n); });
  }
  writing_ = true;
  asio::async_write(socket_, write_buffers_,
                    [self = shared_from_this()](const boost::system::error_code& error, size_t) {
                      self->OnWritten(error);
                    });
}

void Connection::OnWritten(const boost::system::error_code& error) {
  writing_ = false;
  last_active_ = std::chrono::steady_clock::now();
  write_buffers_.clear();
  write_frames_.clear();
  if (error) {
    Shutdown(IsDisconnect(error) ? "" : "write failed: " + error.message());
    return;
  }
  if (close_after_write_) {
    Shutdown(*close_after_write_);
    return;
  }
  WriteReady();
}

void Connection::MaybeFinish() {
  if ((reading_stopped_ || draining_) && !read_pending_ && slots_.empty() && !writing_) Shutdown("");
}

void Connection::Shutdown(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  if (!reason.empty()) {
    server_.Log("closing connection " + std::to_string(id_) + " from " + peer_host_ + ":" +
                std::to_string(peer_port_) + ": " + reason);
  }
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  slots_.clear();
  in_flight_bytes_ = 0;
  // Posted: a close can follow from a Reply given inside a handler method, which must not be re-entered.
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    try {
      self->server_.handler.ConnectionClosed(self->id_);
    } catch (const std::exception& e) {
      self->server_.Log(std::string("ConnectionClosed failed: ") + e.what());
    }
    self->server_.Unregister(self->id_);
  });
}

}  // namespace basin::kafka
