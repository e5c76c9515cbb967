// The HTTP server and the event collector on a real log, for http_curl_test.sh to drive with curl: the
// collector at POST /api/v1/topics/{topic}/events (topic "clicks" of 3 partitions exists), plus test routes:
//   GET /test/stream/{chunks}/{size}   a streamed body of `chunks` pieces of `size` bytes, from a thread
//   GET /test/async/{text}             answered from another thread
//   GET /test/topics/{topic}/records   the topic's records as NDJSON {"partition","offset","key","value"}
//
//   http_test_server DATA_DIR [--max-body BYTES] [--min-free-disk BYTES]
//
// Prints "port N" once listening on 127.0.0.1 (a free port), serves until SIGTERM or SIGINT, then stops
// gracefully and exits 0.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/event_collector.h"
#include "log/log_manager.h"
#include "log/record_batch.h"
#include "server/http/event_route.h"
#include "server/http/server.h"

using namespace basin;

namespace {

/// Threads of the test routes, joined at exit.
std::mutex threads_mutex;
std::vector<std::thread> threads;

void Spawn(std::function<void()> fn) {
  std::lock_guard lock(threads_mutex);
  threads.emplace_back(std::move(fn));
}

http::Response Records(log::LogManager& logs, const std::string& topic) {
  const auto info = logs.FindTopic(topic);
  if (!info) throw http::Error(404, "42P01", "no topic " + topic);
  std::string out;
  for (int32_t p = 0; p < info->partitions; ++p) {
    const log::ReadResult read = logs.GetPartition(topic, p)->Read(0, 256 << 20);
    log::BatchIterator batches(read.records);
    std::string_view batch;
    log::RecordReader reader;
    log::Record record;
    while (batches.Next(batch)) {
      reader.Reset(batch);
      while (reader.Next(record)) {
        nlohmann::json line = {
            {"partition", p},
            {"offset", record.offset},
            {"timestamp", record.timestamp},
            {"key", record.key ? nlohmann::json(std::string(*record.key)) : nlohmann::json()},
            {"value", std::string(record.value.value_or(""))}};
        out += line.dump() + "\n";
      }
    }
  }
  return http::Response::Text(200, std::move(out), "application/x-ndjson");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_test_server DATA_DIR [--max-body BYTES] [--min-free-disk BYTES]\n");
    return 2;
  }
  const std::string data = argv[1];
  http::EventRouteOptions route;
  route.max_body_bytes = 1 << 20;
  ingest::CollectorOptions collector_options;
  collector_options.min_free_disk_bytes = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--max-body") == 0)
      route.max_body_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--min-free-disk") == 0) {
      collector_options.min_free_disk_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    }
  }

  // Signals are taken by sigwait on this thread; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  log::LogManager logs(data + "/log");
  if (!logs.FindTopic("clicks")) logs.CreateTopic("clicks", 3);
  collector_options.log_dir = data + "/log";
  ingest::EventCollector collector(logs, collector_options);

  http::ServerOptions options;
  options.port = 0;
  http::Server server(options);
  http::AddEventRoute(server.router(), collector, route);
  server.router().AddAsync(http::Method::kGet, "/test/stream/{chunks}/{size}",
                           [](http::Request&& request, http::Responder respond) {
                             const long chunks = std::atol(std::string(request.Param("chunks")).c_str());
                             const size_t size =
                                 std::strtoul(std::string(request.Param("size")).c_str(), nullptr, 10);
                             Spawn([chunks, size, respond] {
                               http::BodyStream stream = respond.Stream(http::Response::Text(200, ""));
                               for (long i = 0; i < chunks; ++i) {
                                 if (!stream.Write(std::string(size, static_cast<char>('a' + i % 26))))
                                   return;
                               }
                               stream.Finish();
                             });
                           });
  server.router().AddAsync(http::Method::kGet, "/test/async/{text}",
                           [](http::Request&& request, http::Responder respond) {
                             Spawn([text = std::string(request.Param("text")), respond] {
                               respond(http::Response::Text(200, text));
                             });
                           });
  server.router().Add(
      http::Method::kGet, "/test/topics/{topic}/records",
      [&logs](const http::Request& request) { return Records(logs, std::string(request.Param("topic"))); });
  server.Start();
  std::printf("port %u\n", server.port());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  std::lock_guard lock(threads_mutex);
  for (std::thread& t : threads) t.join();
  return 0;
}
