#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/exception.h"

namespace basin {
namespace {

TEST(MetricsTest, RendersTheTextFormat) {
  MetricsRegistry registry;
  auto& requests =
      registry.AddCounter("test_requests_total", "Requests\nserved, by \\ path.", {"path", "code"});
  requests.Labels({"/a", "200"}).Inc();
  requests.Labels({"/a", "200"}).Inc(2);
  requests.Labels({"/b\"\n\\", "500"}).Inc(0.5);
  registry.AddGauge("test_open", "Open things.").Get().Set(-3);
  EXPECT_EQ(registry.Render(),
            "# HELP test_open Open things.\n"
            "# TYPE test_open gauge\n"
            "test_open -3\n"
            "# HELP test_requests_total Requests\\nserved, by \\\\ path.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{path=\"/a\",code=\"200\"} 3\n"
            "test_requests_total{path=\"/b\\\"\\n\\\\\",code=\"500\"} 0.5\n");
}

TEST(MetricsTest, HistogramsAreCumulative) {
  MetricsRegistry registry;
  auto& h = registry.AddHistogram("test_seconds", "Durations.", {"route"}, {0.5, 1});
  for (double v : {0.25, 0.5, 0.75, 2.0}) h.Labels({"/x"}).Observe(v);
  EXPECT_EQ(registry.Render(),
            "# HELP test_seconds Durations.\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{route=\"/x\",le=\"0.5\"} 2\n"
            "test_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
            "test_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "test_seconds_sum{route=\"/x\"} 3.5\n"
            "test_seconds_count{route=\"/x\"} 4\n");
}

TEST(MetricsTest, RegisteringAgainFindsTheFamilyAndConflictsAreRefused) {
  MetricsRegistry registry;
  auto& a = registry.AddCounter("test_total", "A.", {"x"});
  auto& b = registry.AddCounter("test_total", "A.", {"x"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.Labels({"1"}), &b.Labels({"1"}));
  EXPECT_THROW(registry.AddGauge("test_total", "A.", {"x"}), InternalError);
  EXPECT_THROW(registry.AddCounter("test_total", "A.", {"y"}), InternalError);
  EXPECT_THROW(registry.AddCounter("bad-name", "A."), InternalError);
  EXPECT_THROW(registry.AddCounter("ok_total", "A.", {"__reserved"}), InternalError);
  EXPECT_THROW(registry.AddHistogram("h", "H.", {"le"}, {1}), InternalError);
  EXPECT_THROW(registry.AddHistogram("h", "H.", {}, {2, 1}), InternalError);
  EXPECT_THROW(a.Labels({"1", "2"}), InternalError);
}

TEST(MetricsTest, CollectorsReportAtScrapeTimeUntilUnregistered) {
  MetricsRegistry registry;
  int calls = 0;
  {
    MetricsRegistry::Registration registration = registry.AddCollector(
        "test_partition_bytes", "Bytes per partition.", MetricType::kGauge, {"partition"}, [&] {
          ++calls;
          return std::vector<MetricSample>{{{"0"}, 10}, {{"1"}, 20}};
        });
    EXPECT_EQ(registry.Render(),
              "# HELP test_partition_bytes Bytes per partition.\n"
              "# TYPE test_partition_bytes gauge\n"
              "test_partition_bytes{partition=\"0\"} 10\n"
              "test_partition_bytes{partition=\"1\"} 20\n");
    EXPECT_THROW((void)registry.AddCollector("test_partition_bytes", "", MetricType::kGauge, {},
                                             [] { return std::vector<MetricSample>(); }),
                 InternalError);
  }
  EXPECT_EQ(registry.Render(), "");
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, ConcurrentUpdatesAreCounted) {
  MetricsRegistry registry;
  auto& family = registry.AddCounter("test_total", "T.", {"thread"});
  auto& histogram = registry.AddHistogram("test_h", "H.", {}, DurationBuckets()).Get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        family.Labels({std::to_string(i % 3)}).Inc();
        histogram.Observe(0.001);
        if (i % 1000 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.Labels({"0"}).value() + family.Labels({"1"}).value() + family.Labels({"2"}).value(),
            40000);
  EXPECT_EQ(histogram.count(), 40000u);
}

}  // namespace
}  // namespace basin
