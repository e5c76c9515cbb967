#include "server/http/response.h"

#include <nlohmann/json.hpp>

#include "common/exception.h"

namespace basin::http {

std::string JsonQuote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response Response::Json(int status, std::string json) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(json);
  return r;
}

Response Response::Text(int status, std::string text, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(text);
  return r;
}

std::string ErrorJson(std::string_view code, std::string_view message,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out = "{\"error\":{\"code\":";
  out += JsonQuote(code);
  out += ",\"message\":";
  out += JsonQuote(message);
  for (const auto& [key, value] : extra) {
    out += ',';
    out += JsonQuote(key);
    out += ':';
    out += value;
  }
  out += "}}";
  return out;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  return Response::Json(status, ErrorJson(code, message));
}

int StatusForSqlstate(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return 500;
  if (sqlstate == sqlstate::kUndefinedTable || sqlstate == sqlstate::kUndefinedObject ||
      sqlstate == sqlstate::kUndefinedSchema || sqlstate == sqlstate::kUndefinedFunction) {
    return 404;
  }
  if (sqlstate == sqlstate::kDuplicateTable || sqlstate == sqlstate::kDuplicateSchema ||
      sqlstate == sqlstate::kDuplicateObject) {
    return 409;
  }
  if (sqlstate == sqlstate::kFeatureNotSupported) return 501;
  if (sqlstate == sqlstate::kQueryCanceled) return 408;
  const std::string_view klass = sqlstate.substr(0, 2);
  if (klass == "53") return 503;
  // Data exceptions, integrity violations, syntax and access rule violations, invalid names and states.
  if (klass == "22" || klass == "23" || klass == "42" || klass == "2B" || klass == "3F" || klass == "21" ||
      klass == "25" || klass == "28") {
    return 400;
  }
  return 500;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

// ---- Error ----

Error& Error::With(std::string key, int64_t value) {
  extra_.emplace_back(std::move(key), std::to_string(value));
  return *this;
}

Error& Error::With(std::string key, std::string_view value) {
  extra_.emplace_back(std::move(key), JsonQuote(value));
  return *this;
}

Response Error::ToResponse() const {
  Response r = Response::Json(status_, ErrorJson(code_, what(), extra_));
  if (retry_after_ >= 0) r.Header("Retry-After", std::to_string(retry_after_));
  return r;
}

Response ResponseForException(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.ToResponse();
  } catch (const Exception& e) {
    return ErrorResponse(StatusForSqlstate(e.sqlstate()), e.sqlstate(), e.what());
  } catch (const std::exception& e) {
    return ErrorResponse(500, sqlstate::kInternalError, e.what());
  } catch (...) {
    return ErrorResponse(500, sqlstate::kInternalError, "unknown error");
  }
}

// ---- Responder and BodyStream ----

internal::ResponderState::~ResponderState() {
  if (answered.load()) return;
  if (auto s = sink.lock()) s->Abandon(sequence);
}

bool Responder::operator()(Response response) const {
  if (!state_ || state_->answered.exchange(true)) return false;
  if (auto sink = state_->sink.lock()) sink->Deliver(state_->sequence, std::move(response));
  return true;
}

BodyStream Responder::Stream(Response head) const {
  if (!state_ || state_->answered.exchange(true)) return BodyStream();
  auto sink = state_->sink.lock();
  if (!sink) return BodyStream();
  return BodyStream(sink->DeliverStream(state_->sequence, std::move(head)));
}

bool Responder::cancelled() const {
  if (!state_) return true;
  auto sink = state_->sink.lock();
  return !sink || sink->closed();
}

BodyStream& BodyStream::operator=(BodyStream&& other) noexcept {
  if (this != &other) {
    if (channel_ && !channel_->closed()) channel_->Abort("the stream was replaced unfinished");
    channel_ = std::move(other.channel_);
  }
  return *this;
}

BodyStream::~BodyStream() {
  if (channel_) channel_->Abort("the stream was dropped unfinished");
}

void BodyStream::Finish() {
  if (channel_) channel_->Finish();
  channel_.reset();
}

void BodyStream::Abort(std::string_view reason) {
  if (channel_) channel_->Abort(reason);
  channel_.reset();
}

}  // namespace basin::http
