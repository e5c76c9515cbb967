#include "ingest/demo_clickstream.h"

#include <algorithm>
#include <array>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <random>
#include <string>

#include "catalog/catalog.h"
#include "catalog/saved_objects.h"
#include "common/exception.h"
#include "common/logging.h"
#include "log/partition.h"
#include "log/topic_producer.h"
#include "main/database.h"
#include "main/query_result.h"

namespace basin::ingest {

namespace {

/// Made when missing, in order; a statement's IF NOT EXISTS keeps a restart from touching what is there.
constexpr const char* kSetup[] = {
    "CREATE SCHEMA IF NOT EXISTS demo",
    "CREATE TOPIC IF NOT EXISTS demo_clicks (user_id BIGINT NOT NULL, session_id VARCHAR, page VARCHAR, "
    "referrer VARCHAR, country VARCHAR, device VARCHAR, duration_ms INTEGER, revenue DECIMAL(10,2), "
    "ts TIMESTAMPTZ NOT NULL, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
    "WITH (partitions = 3, key = 'user_id', timestamp = 'ts', retention = '1 day')",
    "CREATE SINK IF NOT EXISTS demo.clicks_to_lake FROM demo_clicks INTO demo.clicks "
    "WITH (commit_interval = '5 seconds')",
    "CREATE TABLE IF NOT EXISTS demo.page_views (window_end TIMESTAMPTZ, page VARCHAR, clicks BIGINT, "
    "revenue DECIMAL(38,2))",
};

/// The demo's continuous query: a materialized view kept up to date from the topic, a row per minute and
/// country once the minute has closed. Optional: a directory whose demo topic predates watermarks cannot
/// have it, and the demo goes on without it.
constexpr const char* kLiveView =
    "CREATE MATERIALIZED VIEW IF NOT EXISTS demo.clicks_per_minute AS "
    "SELECT window_start, window_end, country, count(*) AS clicks, sum(revenue) AS revenue "
    "FROM TUMBLE(demo_clicks, ts, INTERVAL '1' MINUTE) GROUP BY window_start, window_end, country";

/// The demo's workflow (docs/workflows.md): every 5 minutes, the clicks of the interval per page.
constexpr const char* kDemoDagFile = "demo_page_views.yaml";
constexpr const char* kDemoDag = R"(name: demo_page_views
schedule: "*/5 * * * *"
catchup: false
defaults: {retries: 2, retry_delay: 10s, timeout: 5m}
tasks:
  summarize:
    kind: sql
    sql: >-
      INSERT INTO demo.page_views
      SELECT TIMESTAMPTZ '{{ data_interval_end }}', page, count(*), sum(revenue) FROM demo.clicks
      WHERE ts >= '{{ data_interval_start }}' AND ts < '{{ data_interval_end }}' GROUP BY page
  pages:
    kind: sql
    depends_on: [summarize]
    sql: "SELECT count(*) FROM demo.page_views WHERE window_end = '{{ data_interval_end }}'"
)";

/// What the web UI opens with: saved queries, charts and a dashboard over the demo's table.
struct DemoChart {
  const char* name;
  const char* document;
};
constexpr const char* kDemoDashboard = "Clickstream (demo)";
constexpr DemoChart kDemoCharts[] = {
    {"Clicks per 10 seconds (demo)",
     R"({"sql": "SELECT window_start, count(*) AS clicks FROM TUMBLE(demo.clicks, ts, INTERVAL '10' SECOND) WHERE ts > now() - INTERVAL '15 minutes' GROUP BY 1 ORDER BY 1", "type": "line", "x": "window_start", "y": ["clicks"]})"},
    {"Clicks by country (demo)",
     R"({"sql": "SELECT country, count(*) AS clicks FROM demo.clicks GROUP BY 1 ORDER BY 2 DESC", "type": "bar", "x": "country", "y": ["clicks"]})"},
    {"Revenue (demo)", R"({"sql": "SELECT sum(revenue) AS revenue FROM demo.clicks", "type": "number", "y": ["revenue"]})"},
    {"Devices (demo)",
     R"({"sql": "SELECT device, count(*) AS clicks FROM demo.clicks GROUP BY 1", "type": "pie", "x": "device", "y": ["clicks"]})"},
    {"Clicks per minute by country, from the live view (demo)",
     R"({"sql": "SELECT window_start, country, clicks FROM demo.clicks_per_minute WHERE window_start > now() - INTERVAL '30 minutes' ORDER BY 1, 2", "type": "bar", "x": "window_start", "y": ["clicks"], "series": "country"})"},
};
constexpr DemoChart kDemoQueries[] = {
    {"Top pages (demo)", R"({"sql": "SELECT page, count(*) AS clicks, sum(revenue) AS revenue FROM demo.clicks GROUP BY 1 ORDER BY 2 DESC"})"},
    {"Busiest users, last hour (demo)",
     R"({"sql": "SELECT user_id, count(*) AS clicks FROM demo.clicks WHERE ts > now() - INTERVAL '1 hour' GROUP BY 1 ORDER BY 2 DESC LIMIT 20"})"},
};

/// Save the demo's queries, charts and dashboard, those not saved yet (by name): a user's edits stay.
void SaveDemoObjects(SavedObjects& saved) {
  auto find = [&](SavedObjectKind kind, const std::string& name) -> std::optional<int64_t> {
    for (const SavedObject& o : saved.List(kind)) {
      if (o.name == name) return o.id;
    }
    return std::nullopt;
  };
  for (const DemoChart& q : kDemoQueries) {
    if (!find(SavedObjectKind::kQuery, q.name)) saved.Create(SavedObjectKind::kQuery, q.name, q.document);
  }
  std::string charts;
  for (const DemoChart& c : kDemoCharts) {
    std::optional<int64_t> id = find(SavedObjectKind::kChart, c.name);
    if (!id) id = saved.Create(SavedObjectKind::kChart, c.name, c.document).id;
    charts += std::string(charts.empty() ? "" : ", ") + R"({"chart_id": )" + std::to_string(*id) + R"(, "w": 6, "h": 4})";
  }
  if (!find(SavedObjectKind::kDashboard, kDemoDashboard)) {
    saved.Create(SavedObjectKind::kDashboard, kDemoDashboard, R"({"charts": [)" + charts + R"(], "refresh_seconds": 5})");
  }
}

constexpr std::array<const char*, 8> kPages = {"/",          "/products", "/products/42", "/cart",
                                               "/checkout",  "/search",   "/blog",        "/account"};
constexpr std::array<const char*, 5> kReferrers = {"google", "direct", "newsletter", "twitter", "partner"};
constexpr std::array<const char*, 7> kCountries = {"US", "KR", "DE", "BR", "IN", "JP", "FR"};
constexpr std::array<const char*, 3> kDevices = {"mobile", "desktop", "tablet"};

/// A skewed pick: earlier entries are more likely, as in real traffic.
template <size_t N>
const char* Pick(std::mt19937_64& rng, const std::array<const char*, N>& values) {
  std::geometric_distribution<size_t> d(0.35);
  return values[d(rng) % N];
}

/// One click of `user` as the topic's JSON value.
std::string Click(std::mt19937_64& rng, int64_t user, int64_t now_ms) {
  const char* page = Pick(rng, kPages);
  const bool buys = std::string_view(page) == "/checkout" && std::bernoulli_distribution(0.4)(rng);
  const int64_t cents = buys ? std::uniform_int_distribution<int64_t>(500, 25000)(rng) : 0;
  const double duration = std::min(1e6, std::lognormal_distribution<double>(8.0, 1.0)(rng));
  char revenue[32];
  std::snprintf(revenue, sizeof(revenue), "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return "{\"user_id\":" + std::to_string(user) + ",\"session_id\":\"s" +
         std::to_string(user * 31 + now_ms / 1800000) + "\",\"page\":\"" + page + "\",\"referrer\":\"" +
         Pick(rng, kReferrers) + "\",\"country\":\"" + Pick(rng, kCountries) + "\",\"device\":\"" +
         Pick(rng, kDevices) + "\",\"duration_ms\":" + std::to_string(static_cast<int64_t>(duration)) +
         ",\"revenue\":" + revenue + ",\"ts\":" + std::to_string(now_ms) + "}";
}

}  // namespace

DemoClickstream::DemoClickstream(Database& db, int events_per_second, std::string dags_dir)
    : db_(db), events_per_second_(std::max(1, events_per_second)), dags_dir_(std::move(dags_dir)) {}

DemoClickstream::~DemoClickstream() { Stop(); }

void DemoClickstream::Start() {
  if (thread_.joinable()) return;
  Connection connection(db_);
  for (const char* sql : kSetup) {
    auto result = connection.Query(sql);
    if (result->HasError()) throw Exception(result->error().sqlstate.c_str(), "demo: " + result->error().message);
  }
  if (auto result = connection.Query(kLiveView); result->HasError()) {
    LogLine(LogLevel::kWarning, "demo: no live view demo.clicks_per_minute: " + result->error().message);
  }
  SaveDemoObjects(db_.catalog().saved_objects());
  if (!dags_dir_.empty() && !std::filesystem::exists(std::filesystem::path(dags_dir_) / kDemoDagFile)) {
    std::filesystem::create_directories(dags_dir_);
    std::ofstream(std::filesystem::path(dags_dir_) / kDemoDagFile) << kDemoDag;
  }
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DemoClickstream::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DemoClickstream::Run() {
  constexpr auto kTick = std::chrono::milliseconds(100);
  std::mt19937_64 rng(std::random_device{}());
  log::TopicProducer producer(db_.log(), kTopic, /*validate=*/false);
  double owed = 0;  // events due but not yet made: rates below ten a second still come out right
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, kTick, [this] { return stopping_; })) {
    lock.unlock();
    owed += events_per_second_ / 10.0;
    const int64_t now = log::SystemClockMs();
    for (; owed >= 1; owed--) {
      const int64_t user = std::uniform_int_distribution<int64_t>(1, 5000)(rng);
      producer.Add(std::nullopt, now, std::to_string(user), Click(rng, user, now));
    }
    producer.Flush();
    lock.lock();
  }
}

}  // namespace basin::ingest
