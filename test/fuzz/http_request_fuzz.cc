// Fuzz target for the HTTP request path: any byte string, taken as what a client sent on a connection, goes
// through the parser the server reads sockets with (Beast's, with the server's limits) into Requests; each is
// routed and its query and headers read, and the body of an event request goes through the collector's
// event parser with the fields its query names. Nothing may crash or hang; what parses must be consistent.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ingest/event_parser.h"
#include "server/http/router.h"

namespace {

using namespace basin;

const http::Router& Routes() {
  static const http::Router* router = [] {
    auto* r = new http::Router();
    auto none = [](const http::Request&) { return http::Response(); };
    r->Add(http::Method::kPost, "/api/v1/topics/{topic}/events", none);
    r->Add(http::Method::kGet, "/api/v1/topics/{topic}", none);
    r->Add(http::Method::kGet, "/healthz", none);
    r->Add(http::Method::kGet, "/assets/{path...}", none);
    return r;
  }();
  return *router;
}

void ParseEvents(std::string_view body, ingest::EventFormat format, const ingest::EventFields& fields) {
  static ingest::EventParser parser;
  std::vector<ingest::Event> events;
  try {
    parser.Parse(body, format, fields, events);
  } catch (const ingest::EventsError& e) {
    if (e.line() < 1 || e.column() < 0) std::abort();
    return;
  }
  int64_t line = 0;
  for (const ingest::Event& e : events) {
    // Every event is an object, and events come in the order of the lines they start on.
    if (e.json.empty() || e.json.front() != '{' || e.json.back() != '}' || e.line < line) std::abort();
    line = e.line;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const http::ParsedRequests parsed = http::ParseRequests(bytes, 16 * 1024, 1 << 20);
  for (const http::Request& request : parsed.requests) {
    const http::Router::Match match = Routes().Find(request.method, request.path);
    (void)request.MediaType();
    (void)request.Header("Content-Type");
    ingest::EventFields fields;
    fields.key = request.Query("key").value_or("");
    fields.timestamp = request.Query("timestamp").value_or("");
    if (match.route != nullptr && match.route->method == http::Method::kPost) {
      if (match.params.size() != 1 || match.params[0].second.empty()) std::abort();
      ParseEvents(request.body, ingest::FormatForMediaType(request.MediaType()), fields);
    }
  }
  // The bytes as a body of each format, with a key and a timestamp field.
  ingest::EventFields fields;
  fields.key = "user";
  fields.timestamp = "/ts";
  for (auto format : {ingest::EventFormat::kAuto, ingest::EventFormat::kNdjson})
    ParseEvents(bytes, format, fields);
  return 0;
}
