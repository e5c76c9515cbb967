// What the REST API adds to a query: the same statements run through Connection::Query in this process and
// through POST /api/v1/sql on a keep-alive connection to an HTTP server in this process (its own network
// and handler threads), one at a time, on the same in-memory database. Prints each path's latency
// percentiles and the difference, against issue 5's target of under 1 ms of overhead.
//
//   sql_overhead [--iterations 5000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "http_client.h"
#include "main/database.h"
#include "main/json_result.h"
#include "server/http/server.h"
#include "server/sql_route.h"

using namespace basin;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetOverheadMs = 1.0;

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// The body the route gets: {"sql": "..."}.
std::string Body(const std::string& sql) {
  std::string body = "{\"sql\":";
  AppendJsonString(sql, &body);
  body.push_back('}');
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 5000;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: sql_overhead [--iterations N]\n");
      return 2;
    }
  }
  Database database;
  Connection setup(database);
  for (const char* sql : {"CREATE TABLE t (k INTEGER, v DOUBLE)",
                          "INSERT INTO t SELECT x % 10, x * 0.5 FROM generate_series(1, 1000) g(x)"}) {
    if (setup.Query(sql)->HasError()) {
      std::fprintf(stderr, "setup failed: %s\n", sql);
      return 1;
    }
  }

  http::ServerOptions options;
  options.port = 0;
  options.log = [](std::string_view) {};
  http::Server server(std::move(options));
  server::AddSqlRoute(server.router(), database, 1 << 20);
  server.Start();
  const int fd = bench::Connect("127.0.0.1", std::to_string(server.port()));
  if (fd < 0) {
    std::perror("connect");
    return 1;
  }
  bench::ResponseReader reader(fd);

  std::printf("| statement | engine p50 / p99 ms | REST p50 / p99 ms | overhead p50 / p99 ms | target |\n");
  std::printf("|---|---|---|---|---|\n");
  bool met = true;
  for (const std::string sql : {"SELECT 1", "SELECT k, count(*), sum(v) FROM t GROUP BY k ORDER BY k",
                                "SELECT * FROM t LIMIT 100"}) {
    std::vector<double> engine, rest;
    Connection connection(database);
    const std::string request = "POST /api/v1/sql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(Body(sql).size()) + "\r\n\r\n" + Body(sql);
    std::string body;
    for (int i = 0; i < iterations + iterations / 10; i++) {  // the first tenth warms up
      Clock::time_point start = Clock::now();
      const auto result = connection.Query(sql);
      const std::string json = ResultToJson(*result, false);  // the engine's side includes rendering it
      const double engine_ms = MsSince(start);
      start = Clock::now();
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()) ||
          reader.Next(&body) != 200 || body != json) {
        std::fprintf(stderr, "request failed or answered differently: %s\n", body.substr(0, 200).c_str());
        return 1;
      }
      const double rest_ms = MsSince(start);
      if (i < iterations / 10) continue;
      engine.push_back(engine_ms);
      rest.push_back(rest_ms);
    }
    const double e50 = Percentile(engine, 0.5), e99 = Percentile(engine, 0.99);
    const double r50 = Percentile(rest, 0.5), r99 = Percentile(rest, 0.99);
    met = met && r50 - e50 < kTargetOverheadMs;
    std::printf("| %s | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f | < %.0f ms |\n", sql.c_str(), e50, e99, r50, r99,
                r50 - e50, r99 - e99, kTargetOverheadMs);
  }
  ::close(fd);
  server.Stop();
  std::printf("\n%s\n", met ? "overhead under target at p50 for every statement"
                            : "overhead above target at p50 for some statement");
  return 0;
}
