#pragma once

// Process metrics in the Prometheus model: families of counters, gauges and histograms, each family with
// fixed label names and one child per combination of label values, rendered in the text exposition format
// (version 0.0.4) that `GET /metrics` serves. Modules register their families into a registry (usually
// DefaultMetrics()) once and keep the references: families and children live as long as the registry, and
// updating a child is a few relaxed atomic operations, so hot paths may count freely.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace basin {

/// A value that only goes up (requests served, bytes received). Thread-safe.
class Counter {
 public:
  void Inc(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// A value that goes up and down (open connections, bytes in flight). Thread-safe.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into buckets by upper bound, with their sum and count (request durations, sizes).
/// Thread-safe; a scrape may see an observation's bucket before its sum, as Prometheus clients allow.
class Histogram {
 public:
  /// `bounds`: the buckets' upper bounds, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Observations in bucket `i` alone (not cumulative); i == bounds().size() is the +Inf bucket.
  uint64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Bucket bounds for durations in seconds, 100 µs to 10 s.
std::vector<double> DurationBuckets();
/// Bucket bounds for sizes in bytes, 64 B to 64 MiB by powers of four.
std::vector<double> SizeBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricsRegistry;

/// The metrics of one name: one child per combination of label values, made on first use and kept for
/// the registry's life. Thread-safe.
template <class Metric>
class MetricFamily {
 public:
  /// The child with these label values (as many as the family has label names; checked). The reference
  /// stays valid: look it up once where a hot path updates it.
  Metric& Labels(const std::vector<std::string>& values);
  Metric& Labels(std::initializer_list<std::string_view> values) {
    return Labels(std::vector<std::string>(values.begin(), values.end()));
  }
  /// The child of a family without labels.
  Metric& Get() { return Labels(std::vector<std::string>()); }

 private:
  friend class MetricsRegistry;
  MetricFamily(std::vector<std::string> label_names, std::vector<double> bounds)
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

/// One value a collector reports at scrape time.
struct MetricSample {
  std::vector<std::string> label_values;
  double value = 0;
};

/// A set of metric families and scrape-time collectors, rendered together. Thread-safe: registration,
/// updates and Render may run concurrently.
class MetricsRegistry {
 public:
  /// Unregisters a scrape-time collector when destroyed (a module that goes away takes its collector).
  class Registration {
   public:
    Registration() = default;
    Registration(MetricsRegistry* registry, uint64_t id) : registry_(registry), id_(id) {}
    Registration(Registration&& other) noexcept { *this = std::move(other); }
    Registration& operator=(Registration&& other) noexcept;
    ~Registration() { Reset(); }
    void Reset();

   private:
    MetricsRegistry* registry_ = nullptr;
    uint64_t id_ = 0;
  };

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Register (or find, when registered before with the same type and label names) a family. `name`
  /// follows Prometheus's rules ([a-zA-Z_:][a-zA-Z0-9_:]*; counters end in `_total`), as do label names;
  /// a name taken by another type or other labels is a programming error (InternalError).
  MetricFamily<Counter>& AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names = {});
  MetricFamily<Gauge>& AddGauge(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names = {});
  MetricFamily<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names, std::vector<double> bounds);

  /// Register a family whose samples `collect` computes at each scrape (partition sizes, queue lengths),
  /// a counter or a gauge. `collect` runs inside Render, on the scraping thread, and may take its module's
  /// locks. Unregistered when the returned Registration is destroyed, which waits for a running `collect`
  /// to return (so do not destroy it while holding a lock `collect` takes).
  [[nodiscard]] Registration AddCollector(const std::string& name, const std::string& help, MetricType type,
                                          std::vector<std::string> label_names,
                                          std::function<std::vector<MetricSample>()> collect);

  /// Every family in the Prometheus text format, sorted by name.
  std::string Render() const;

 private:
  struct Entry;
  Entry& Register(const std::string& name, const std::string& help, MetricType type,
                  std::vector<std::string>& label_names);
  void Unregister(uint64_t id);

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  uint64_t next_collector_id_ = 0;
};

/// The process-wide registry that `GET /metrics` serves unless a server is given another.
MetricsRegistry& DefaultMetrics();

/// The Content-Type of Render's output.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace basin
