#include "server/http/event_route.h"

#include <charconv>
#include <memory>

#include "ingest/event_collector.h"

namespace basin::http {

namespace {

using ingest::CollectError;

int StatusFor(CollectError::Kind kind) {
  switch (kind) {
    case CollectError::Kind::kInvalid:
      return 400;
    case CollectError::Kind::kUnknownTopic:
      return 404;
    case CollectError::Kind::kTooLarge:
      return 413;
    case CollectError::Kind::kBusy:
      return 429;
    case CollectError::Kind::kDiskFull:
      return 503;
    case CollectError::Kind::kStorage:
      return 500;
  }
  return 500;
}

Error ErrorFor(const CollectError& e) {
  Error error(StatusFor(e.kind()), e.sqlstate(), e.what());
  if (e.retry_after().count() > 0) error.RetryAfter(static_cast<int>(e.retry_after().count()));
  return error;
}

/// The body bytes to admit: the Content-Length, or for a chunked body its limit (shrunk once read).
size_t AnnouncedBytes(const Request& head, size_t limit) {
  if (auto length = head.Header("Content-Length")) {
    size_t n = 0;
    std::from_chars(length->data(), length->data() + length->size(), n);
    return n;
  }
  return head.Header("Transfer-Encoding") ? limit : 0;
}

ingest::CollectRequest ParseQuery(const Request& request) {
  ingest::CollectRequest out;
  out.format = ingest::FormatForMediaType(request.MediaType());
  if (auto format = request.Query("format")) {
    if (*format == "ndjson" || *format == "jsonl") {
      out.format = ingest::EventFormat::kNdjson;
    } else if (*format == "json") {
      out.format = ingest::EventFormat::kJson;
    } else {
      throw Error(400, "22023", "format must be json or ndjson, not \"" + *format + "\"");
    }
  }
  if (auto key = request.Query("key")) out.fields.key = *key;
  if (auto timestamp = request.Query("timestamp")) out.fields.timestamp = *timestamp;
  if (auto offsets = request.Query("offsets")) out.want_offsets = *offsets != "false" && *offsets != "0";
  return out;
}

std::string ResultJson(const ingest::CollectResult& result) {
  std::string out = "{\"accepted\":" + std::to_string(result.accepted) + ",\"partitions\":[";
  for (size_t i = 0; i < result.partitions.size(); ++i) {
    const ingest::PartitionAppend& p = result.partitions[i];
    if (i > 0) out += ',';
    out += "{\"partition\":" + std::to_string(p.partition) +
           ",\"base_offset\":" + std::to_string(p.base_offset) + ",\"count\":" + std::to_string(p.count) +
           "}";
  }
  out += "],\"rejected\":[";
  for (size_t i = 0; i < result.rejected.size(); ++i) {
    const ingest::RejectedEvent& r = result.rejected[i];
    if (i > 0) out += ',';
    out += "{\"index\":" + std::to_string(r.index) + ",\"line\":" + std::to_string(r.line) +
           ",\"reason\":" + JsonQuote(r.reason) + "}";
  }
  out += ']';
  if (!result.offsets.empty()) {
    out += ",\"offsets\":[";
    for (size_t i = 0; i < result.offsets.size(); ++i) {
      if (i > 0) out += ',';
      out += "[" + std::to_string(result.offsets[i].first) + "," + std::to_string(result.offsets[i].second) +
             "]";
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace

void AddEventRoute(Router& router, ingest::EventCollector& collector, EventRouteOptions options) {
  RouteOptions route;
  route.max_body_bytes = options.max_body_bytes;
  const size_t limit = options.max_body_bytes;
  route.admit = [&collector, limit](Request& head) -> std::optional<Response> {
    try {
      head.admission = std::make_shared<ingest::Admission>(
          collector.Admit(std::string(head.Param("topic")), AnnouncedBytes(head, limit)));
    } catch (const CollectError& e) {
      return ErrorFor(e).ToResponse();
    }
    return std::nullopt;
  };
  router.Add(
      Method::kPost, "/api/v1/topics/{topic}/events",
      [&collector](const Request& request) {
        if (request.admission && request.Header("Transfer-Encoding")) {
          std::static_pointer_cast<ingest::Admission>(request.admission)->Shrink(request.body.size());
        }
        const ingest::CollectRequest collect = ParseQuery(request);
        try {
          return Response::Json(
              200, ResultJson(collector.Collect(std::string(request.Param("topic")), request.body, collect)));
        } catch (const ingest::EventsError& e) {
          Error error(400, e.sqlstate(), e.what());
          error.With("line", e.line());
          if (e.column() > 0) error.With("column", e.column());
          throw error;
        } catch (const CollectError& e) {
          throw ErrorFor(e);
        }
      },
      std::move(route));
}

}  // namespace basin::http
