#pragma once

// The demo `make run` starts (`basin server --demo`): a generated clickstream flowing into the topic
// `demo_clicks`, landed by the sink `demo.clicks_to_lake` in the lake table `demo.clicks` and counted per
// minute and country by the materialized view `demo.clicks_per_minute`, so that a
// newcomer sees live data at once. Made once per data directory; the generator runs while the server does.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace basin {
class Database;
}

namespace basin::ingest {

class DemoClickstream {
 public:
  static constexpr const char* kTopic = "demo_clicks";
  static constexpr const char* kTable = "demo.clicks";

  /// `events_per_second` spread evenly over each second.
  /// `dags_dir` (optional): where the demo's DAG file goes, when missing.
  DemoClickstream(Database& db, int events_per_second, std::string dags_dir = "");
  /// Stop()s the generator.
  ~DemoClickstream();
  DemoClickstream(const DemoClickstream&) = delete;
  DemoClickstream& operator=(const DemoClickstream&) = delete;

  /// Create what is missing (schema, topic, table, sink; nothing is replaced), then start generating.
  /// Throws what SQL reports when the objects cannot be made.
  void Start();
  void Stop();

 private:
  void Run();

  Database& db_;
  const int events_per_second_;
  const std::string dags_dir_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace basin::ingest
