// Events per second through the HTTP event collector: several keep-alive connections POST NDJSON batches
// (default 1,000 events of about 200 bytes each) to /api/v1/topics/{topic}/events for a while; the figures
// are the acknowledged events and bytes per second and the request latency percentiles.
//
// By default the collector runs in this process on a fresh log in a temporary directory (its own network
// and handler threads, the load generator's threads beside them: one machine's cores serve both, as they
// would with a client on the same host); --target HOST:PORT drives a running server instead.
//
//   http_bench [--seconds 10] [--connections 4] [--pipeline 1] [--events 1000] [--event-bytes 200]
//              [--partitions 3] [--key] [--target HOST:PORT] [--topic NAME] [--data DIR]

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "ingest/event_collector.h"
#include "log/log_manager.h"
#include "server/http/event_route.h"
#include "server/http/server.h"

using namespace basin;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetEventsPerSecond = 200000;  // issue 4's target on a 2-core machine

struct Options {
  int seconds = 10;
  int connections = 4;
  int pipeline = 1;
  int events = 1000;
  int event_bytes = 200;
  int partitions = 3;
  bool key = false;
  std::string target;  // host:port; empty: serve in this process
  std::string topic = "bench";
  std::string data;
};

/// Distinct NDJSON bodies of `events` events of about `event_bytes` each: clickstream-like events with
/// varying users, pages and counters, so that bodies and keys differ from request to request.
std::vector<std::string> MakeBodies(const Options& o, int count) {
  static const char* kPages[] = {"/", "/search", "/product/42", "/cart", "/checkout", "/account", "/help"};
  std::mt19937_64 rng(42);
  std::vector<std::string> bodies;
  for (int b = 0; b < count; ++b) {
    std::string body;
    body.reserve(static_cast<size_t>(o.events) * (o.event_bytes + 16));
    for (int i = 0; i < o.events; ++i) {
      std::string event = "{\"user_id\":\"u" + std::to_string(rng() % 100000) +
                          "\",\"session\":" + std::to_string(rng() % 1000000000) + ",\"page\":\"" +
                          kPages[rng() % 7] +
                          "\",\"ts\":" + std::to_string(1700000000000 + b * o.events + i) + ",\"agent\":\"";
      const size_t pad =
          o.event_bytes > static_cast<int>(event.size()) + 2 ? o.event_bytes - event.size() - 2 : 0;
      for (size_t j = 0; j < pad; ++j) event += static_cast<char>('a' + rng() % 26);
      event += "\"}";
      body += event;
      body += '\n';
    }
    bodies.push_back(std::move(body));
  }
  return bodies;
}

struct Totals {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> bytes{0};
  std::atomic<int64_t> failures{0};
};

/// One connection's loop: keep `pipeline` requests outstanding until the deadline.
void RunConnection(const Options& o, const std::string& host, const std::string& port,
                   const std::vector<std::string>& requests, const std::vector<size_t>& body_sizes, int id,
                   Clock::time_point deadline, Totals& totals, std::vector<double>& latencies_ms) {
  const int fd = bench::Connect(host, port);
  if (fd < 0) {
    std::fprintf(stderr, "connection %d: cannot connect to %s:%s\n", id, host.c_str(), port.c_str());
    totals.failures++;
    return;
  }
  bench::ResponseReader reader(fd);
  std::vector<Clock::time_point> sent;  // send times of outstanding requests, oldest first
  size_t next = static_cast<size_t>(id) * 7;
  auto send = [&]() -> bool {
    const std::string& r = requests[next % requests.size()];
    size_t done = 0;
    while (done < r.size()) {
      const ssize_t n = ::send(fd, r.data() + done, r.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += n;
    }
    sent.push_back(Clock::now());
    ++next;
    return true;
  };
  size_t acked = next;  // the index of the oldest outstanding request
  bool ok = true;
  while (ok && Clock::now() < deadline) {
    while (ok && static_cast<int>(sent.size()) < o.pipeline) ok = send();
    if (!ok) break;
    const int status = reader.Next();
    if (status != 200) {
      std::fprintf(stderr, "connection %d: status %d\n", id, status);
      totals.failures++;
      break;
    }
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent.front()).count());
    sent.erase(sent.begin());
    totals.requests++;
    totals.events += o.events;
    totals.bytes += static_cast<int64_t>(body_sizes[acked % body_sizes.size()]);
    ++acked;
  }
  // Collect the answers still due, so that the server's count and ours agree.
  while (ok && !sent.empty()) {
    if (reader.Next() != 200) break;
    sent.erase(sent.begin());
    totals.requests++;
    totals.events += o.events;
    totals.bytes += static_cast<int64_t>(body_sizes[acked % body_sizes.size()]);
    ++acked;
  }
  ::close(fd);
}

/// User and system CPU seconds of this process so far.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t i = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + i, values.end());
  return values[i];
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seconds")
      o.seconds = std::stoi(value());
    else if (a == "--connections")
      o.connections = std::stoi(value());
    else if (a == "--pipeline")
      o.pipeline = std::max(1, std::stoi(value()));
    else if (a == "--events")
      o.events = std::stoi(value());
    else if (a == "--event-bytes")
      o.event_bytes = std::stoi(value());
    else if (a == "--partitions")
      o.partitions = std::stoi(value());
    else if (a == "--key")
      o.key = true;
    else if (a == "--target")
      o.target = value();
    else if (a == "--topic")
      o.topic = value();
    else if (a == "--data")
      o.data = value();
    else {
      std::fprintf(
          stderr,
          "usage: http_bench [--seconds N] [--connections N] [--pipeline N] [--events N] [--event-bytes N]\n"
          "                  [--partitions N] [--key] [--target HOST:PORT] [--topic NAME] [--data DIR]\n");
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);

  // The server, unless one is given.
  std::filesystem::path data;
  std::unique_ptr<log::LogManager> logs;
  std::unique_ptr<ingest::EventCollector> collector;
  std::unique_ptr<http::Server> server;
  std::string host = "127.0.0.1";
  std::string port;
  if (o.target.empty()) {
    data = o.data.empty()
               ? std::filesystem::temp_directory_path() / ("basin-http-bench-" + std::to_string(getpid()))
               : std::filesystem::path(o.data);
    std::filesystem::remove_all(data);
    logs = std::make_unique<log::LogManager>(data / "log");
    logs->CreateTopic(o.topic, o.partitions);
    ingest::CollectorOptions collector_options;
    collector_options.log_dir = data / "log";
    collector = std::make_unique<ingest::EventCollector>(*logs, collector_options);
    http::ServerOptions server_options;
    server_options.port = 0;
    server = std::make_unique<http::Server>(server_options);
    http::AddEventRoute(server->router(), *collector);
    server->Start();
    port = std::to_string(server->port());
  } else {
    const size_t colon = o.target.rfind(':');
    host = o.target.substr(0, colon);
    port = o.target.substr(colon + 1);
  }

  const std::vector<std::string> bodies = MakeBodies(o, 32);
  std::vector<std::string> requests;
  std::vector<size_t> body_sizes;
  const std::string path = "/api/v1/topics/" + o.topic + "/events" + (o.key ? "?key=user_id" : "");
  for (const std::string& body : bodies) {
    requests.push_back("POST " + path + " HTTP/1.1\r\nHost: " + host +
                       "\r\nContent-Type: application/x-ndjson\r\n" +
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    body_sizes.push_back(body.size());
  }

  Totals totals;
  std::vector<std::vector<double>> latencies(o.connections);
  const double cpu_before = CpuSeconds();
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back(
        [&, c] { RunConnection(o, host, port, requests, body_sizes, c, deadline, totals, latencies[c]); });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_before;

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double events_per_second = totals.events / elapsed;
  std::printf(
      "HTTP collector: %d connections, pipeline %d, %d events of ~%d bytes per request, %s, %d partitions\n",
      o.connections, o.pipeline, o.events, o.event_bytes, o.key ? "keyed (?key=user_id)" : "keyless",
      o.partitions);
  // CPU time per event (this process: the server, and the load generator unless --target) is steadier than
  // the rate on a machine that other work shares.
  std::printf("%-22s %14s %12s %10s %10s %10s %12s\n", "", "events/s", "requests/s", "MB/s", "p50 ms",
              "p99 ms", "CPU us/event");
  std::printf("%-22s %14.0f %12.1f %10.1f %10.2f %10.2f %12.3f\n", "Basin", events_per_second,
              totals.requests / elapsed, totals.bytes / elapsed / 1e6, Percentile(all, 0.50),
              Percentile(all, 0.99), totals.events > 0 ? cpu * 1e6 / totals.events : 0.0);
  std::printf("%-22s %14.0f\n", "target (issue 4)", kTargetEventsPerSecond);
  int status = totals.failures > 0 ? 1 : 0;
  if (logs) {
    int64_t stored = 0;
    for (const auto& p : logs->DescribeTopic(o.topic).partitions) stored += p.high_watermark;
    if (stored != totals.events) {
      std::fprintf(stderr, "the log holds %lld events, %lld were acknowledged\n",
                   static_cast<long long>(stored), static_cast<long long>(totals.events.load()));
      status = 1;
    }
    server->Stop();
    server.reset();
    collector.reset();
    logs.reset();
    if (o.data.empty()) std::filesystem::remove_all(data);
  }
  return status;
}
