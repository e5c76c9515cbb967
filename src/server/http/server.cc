#include "server/http/server.h"

#include "common/task_scheduler.h"
#include "server/http/server_internal.h"

namespace basin::http {

namespace {

Method MethodFromVerb(beast_http::verb verb) {
  switch (verb) {
    case beast_http::verb::get:
      return Method::kGet;
    case beast_http::verb::head:
      return Method::kHead;
    case beast_http::verb::post:
      return Method::kPost;
    case beast_http::verb::put:
      return Method::kPut;
    case beast_http::verb::delete_:
      return Method::kDelete;
    case beast_http::verb::patch:
      return Method::kPatch;
    case beast_http::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

}  // namespace

Request RequestFromHead(const beast_http::request_header<>& head) {
  Request r;
  r.method = MethodFromVerb(head.method());
  r.method_name = std::string(head.method_string());
  r.target = std::string(head.target());
  r.version = head.version();
  std::string_view target = r.target;
  // absolute-form ("http://host/path"), which proxies send: keep the path.
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const size_t question = target.find('?');
  r.path = std::string(target.substr(0, question));
  if (r.path.empty()) r.path = "/";
  if (question != std::string_view::npos) r.query = std::string(target.substr(question + 1));
  r.headers.reserve(std::distance(head.begin(), head.end()));
  for (const auto& field : head)
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return r;
}

ParsedRequests ParseRequests(std::string_view bytes, size_t max_header_bytes, size_t max_body_bytes) {
  ParsedRequests out;
  while (!bytes.empty()) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(std::min<size_t>(max_header_bytes, UINT32_MAX)));
    parser.body_limit(max_body_bytes);
    parser.eager(true);
    boost::system::error_code error;
    while (!parser.is_done() && !bytes.empty()) {
      const size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), error);
      bytes.remove_prefix(used);
      if (error == beast_http::error::need_more) return out;  // the bytes end mid-request
      if (error) {
        out.error = error.message();
        return out;
      }
      if (used == 0) break;
    }
    if (!parser.is_done()) {
      // A body that runs to the end of the stream (a response-only form) or a stall: the end says done.
      parser.put_eof(error);
      if (error || !parser.is_done()) return out;
    }
    Request request = RequestFromHead(parser.get());
    request.body = std::move(parser.get().body());
    out.requests.push_back(std::move(request));
  }
  return out;
}

ServerMetrics::ServerMetrics(MetricsRegistry& registry)
    : requests(registry.AddCounter("basin_http_requests_total",
                                   "HTTP requests answered, by route and status.",
                                   {"method", "route", "status"})),
      duration(registry.AddHistogram("basin_http_request_duration_seconds",
                                     "Time from a request's head to its response (its head, when streamed).",
                                     {"route"}, DurationBuckets())),
      connections(registry.AddGauge("basin_http_open_connections", "Open HTTP connections.").Get()),
      in_flight(registry.AddGauge("basin_http_requests_in_flight", "HTTP requests read and not yet answered.")
                    .Get()),
      received_bytes(
          registry.AddCounter("basin_http_request_body_bytes_total", "Bytes of HTTP request bodies read.")
              .Get()) {}

Server::Impl::Impl(Router& router, ServerOptions options)
    : router(router),
      options(std::move(options)),
      registry(this->options.metrics ? *this->options.metrics : DefaultMetrics()),
      metrics(registry),
      core("HTTP", this->options.log) {}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(router_, std::move(options))) {
  Impl& s = *impl_;
  RouteOptions cheap;
  cheap.inline_handler = true;
  router_.Add(
      Method::kGet, "/healthz",
      [&s](const Request&) {
        return s.core.stopping() ? Response::Json(503, "{\"status\":\"stopping\"}")
                                 : Response::Json(200, "{\"status\":\"ok\"}");
      },
      cheap);
  // Rendering walks every family; off the network threads.
  router_.Add(Method::kGet, "/metrics", [&s](const Request&) {
    return Response::Text(200, s.registry.Render(), std::string(kMetricsContentType));
  });
}

Server::~Server() {
  Stop();
}

void Server::Start() {
  Impl& s = *impl_;
  if (s.core.started()) return;
  s.handlers.emplace(std::max(1, s.options.handler_threads));
  const int threads = s.options.network_threads > 0 ? s.options.network_threads : HardwareThreads();
  s.core.Start(s.options.host, s.options.port, threads, [&s](tcp::socket socket, uint64_t id) {
    return std::make_shared<Connection>(s, std::move(socket), id);
  });
}

uint16_t Server::port() const {
  return impl_->core.port();
}

void Server::Stop() {
  Impl& s = *impl_;
  // Handlers still running answer into closed connections; their streams' writes fail, so they return.
  s.core.Stop(s.options.shutdown_grace, [&s] { s.handlers->join(); });
}

size_t Server::connection_count() const {
  return impl_->core.connection_count();
}

}  // namespace basin::http
