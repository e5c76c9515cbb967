#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "common/exception.h"

namespace basin {

namespace {

bool IsNameChar(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

void CheckName(const std::string& name, bool metric) {
  bool ok = !name.empty() && (metric || name.rfind("__", 0) != 0);
  for (size_t i = 0; ok && i < name.size(); ++i) ok = IsNameChar(name[i], i == 0, metric);
  if (!ok)
    throw InternalError("invalid Prometheus " + std::string(metric ? "metric" : "label") + " name '" + name +
                        "'");
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Text format: label values escape backslash, double quote and newline; HELP text backslash and newline.
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    out += std::to_string(static_cast<int64_t>(value));
  } else {
    // The shortest text that reads back as the same double, without an exponent in the usual range.
    char buffer[64];
    const double magnitude = std::fabs(value);
    const auto format =
        magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
    const auto end = std::to_chars(buffer, buffer + sizeof(buffer), value, format).ptr;
    out.append(buffer, end);
  }
}

/// `name{a="x",b="y",extra}` then a space; `extra` is a preformatted pair such as le="0.5".
void AppendSeries(std::string& out, std::string_view name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& values, std::string_view extra = {}) {
  out += name;
  if (!label_names.empty() || !extra.empty()) {
    out += '{';
    for (size_t i = 0; i < label_names.size(); ++i) {
      if (i > 0) out += ',';
      out += label_names[i];
      out += "=\"";
      AppendEscaped(out, values[i], true);
      out += '"';
    }
    if (!extra.empty()) {
      if (!label_names.empty()) out += ',';
      out += extra;
    }
    out += '}';
  }
  out += ' ';
}

void AppendHistogram(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                     const std::vector<std::string>& values, const Histogram& h) {
  uint64_t cumulative = 0;
  std::string le;
  for (size_t i = 0; i <= h.bounds().size(); ++i) {
    cumulative += h.bucket_count(i);
    le = "le=\"";
    if (i < h.bounds().size()) {
      AppendValue(le, h.bounds()[i]);
    } else {
      le += "+Inf";
    }
    le += '"';
    AppendSeries(out, name + "_bucket", label_names, values, le);
    AppendValue(out, static_cast<double>(cumulative));
    out += '\n';
  }
  AppendSeries(out, name + "_sum", label_names, values);
  AppendValue(out, h.sum());
  out += '\n';
  AppendSeries(out, name + "_count", label_names, values);
  AppendValue(out, static_cast<double>(cumulative));
  out += '\n';
}

}  // namespace

// ---- Histogram ----

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) throw InternalError("histogram bounds must ascend");
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> DurationBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> SizeBuckets() {
  std::vector<double> bounds;
  for (double b = 64; b <= 64.0 * 1024 * 1024; b *= 4) bounds.push_back(b);
  return bounds;
}

// ---- MetricFamily ----

template <class Metric>
Metric& MetricFamily<Metric>::Labels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    throw InternalError("metric with " + std::to_string(label_names_.size()) + " labels given " +
                        std::to_string(values.size()) + " values");
  }
  std::lock_guard lock(mutex_);
  auto& child = children_[values];
  if (!child) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      child = std::make_unique<Histogram>(bounds_);
    } else {
      child = std::make_unique<Metric>();
    }
  }
  return *child;
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

// ---- MetricsRegistry ----

struct MetricsRegistry::Entry {
  MetricType type;
  std::string help;
  std::vector<std::string> label_names;
  std::unique_ptr<MetricFamily<Counter>> counters;
  std::unique_ptr<MetricFamily<Gauge>> gauges;
  std::unique_ptr<MetricFamily<Histogram>> histograms;
  // A scrape-time family: `collect` runs under collect_mutex, which Unregister takes to know it has returned.
  std::mutex collect_mutex;
  std::function<std::vector<MetricSample>()> collect;
  uint64_t collector_id = 0;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::Register(const std::string& name, const std::string& help,
                                                  MetricType type, std::vector<std::string>& label_names) {
  CheckName(name, true);
  for (const std::string& label : label_names) {
    CheckName(label, false);
    if (label == "le") throw InternalError("the label name 'le' is reserved for histogram buckets");
  }
  auto& entry = entries_[name];
  if (entry) {
    if (entry->type != type || entry->label_names != label_names || entry->collect) {
      throw InternalError("metric '" + name + "' is registered already with another type or labels");
    }
    return *entry;
  }
  entry = std::make_shared<Entry>();
  entry->type = type;
  entry->help = help;
  entry->label_names = std::move(label_names);
  return *entry;
}

MetricFamily<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& e = Register(name, help, MetricType::kCounter, label_names);
  if (!e.counters) e.counters.reset(new MetricFamily<Counter>(e.label_names, {}));
  return *e.counters;
}

MetricFamily<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                               std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& e = Register(name, help, MetricType::kGauge, label_names);
  if (!e.gauges) e.gauges.reset(new MetricFamily<Gauge>(e.label_names, {}));
  return *e.gauges;
}

MetricFamily<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Entry& e = Register(name, help, MetricType::kHistogram, label_names);
  if (!e.histograms) {
    Histogram check(bounds);  // throws when the bounds do not ascend
    e.histograms.reset(new MetricFamily<Histogram>(e.label_names, std::move(bounds)));
  } else if (e.histograms->bounds_ != bounds) {
    throw InternalError("histogram '" + name + "' is registered already with other buckets");
  }
  return *e.histograms;
}

MetricsRegistry::Registration MetricsRegistry::AddCollector(
    const std::string& name, const std::string& help, MetricType type, std::vector<std::string> label_names,
    std::function<std::vector<MetricSample>()> collect) {
  if (type == MetricType::kHistogram) throw InternalError("a collected metric is a counter or a gauge");
  std::lock_guard lock(mutex_);
  if (entries_.count(name)) throw InternalError("metric '" + name + "' is registered already");
  Entry& e = Register(name, help, type, label_names);
  e.collect = std::move(collect);
  e.collector_id = ++next_collector_id_;
  return Registration(this, e.collector_id);
}

void MetricsRegistry::Unregister(uint64_t id) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const auto& e) { return e.second->collector_id == id; });
    if (it == entries_.end()) return;
    entry = std::move(it->second);
    entries_.erase(it);
  }
  // A scrape that took the entry before it left the map may be calling it: wait for that call to return.
  std::lock_guard lock(entry->collect_mutex);
  entry->collect = nullptr;
}

MetricsRegistry::Registration& MetricsRegistry::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void MetricsRegistry::Registration::Reset() {
  if (registry_ != nullptr) registry_->Unregister(id_);
  registry_ = nullptr;
}

std::string MetricsRegistry::Render() const {
  // Rendered outside the registry's lock, so that a collector may take locks of its own module while that
  // module registers metrics on another thread.
  std::vector<std::pair<std::string, std::shared_ptr<Entry>>> entries;
  {
    std::lock_guard lock(mutex_);
    entries.assign(entries_.begin(), entries_.end());
  }
  std::string out;
  for (const auto& [name, e] : entries) {
    out += "# HELP ";
    out += name;
    out += ' ';
    AppendEscaped(out, e->help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += TypeName(e->type);
    out += '\n';
    auto each_child = [&](const auto& family, auto&& append) {
      if (!family) return;
      std::lock_guard children_lock(family->mutex_);
      for (const auto& [values, child] : family->children_) append(values, *child);
    };
    auto scalar = [&](const std::vector<std::string>& values, const auto& metric) {
      AppendSeries(out, name, e->label_names, values);
      AppendValue(out, metric.value());
      out += '\n';
    };
    each_child(e->counters, scalar);
    each_child(e->gauges, scalar);
    each_child(e->histograms, [&](const std::vector<std::string>& values, const Histogram& h) {
      AppendHistogram(out, name, e->label_names, values, h);
    });
    std::lock_guard collect_lock(e->collect_mutex);
    if (e->collect) {
      for (const MetricSample& sample : e->collect()) {
        if (sample.label_values.size() != e->label_names.size()) continue;
        AppendSeries(out, name, e->label_names, sample.label_values);
        AppendValue(out, sample.value);
        out += '\n';
      }
    }
  }
  return out;
}

MetricsRegistry& DefaultMetrics() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: static destructors may count
  return *registry;
}

}  // namespace basin
