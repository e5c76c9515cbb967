// Produce and consume throughput of `basin server` through the Kafka protocol, with librdkafka as the
// client: 100-byte and 1 KB records, acks=1 and acks=all, one partition and four (one producer, one
// consumer; consumption timed from its first record, after the client's start-up); then produce latency
// (from produce() to the delivery report) at half the peak rate and at half the 800,000 target.
// Prints a table beside the targets (a single Kafka broker's classic figure: about 820,000
// records/s of 100 bytes from one producer on a 6-core box). No Kafka broker is installed here: those
// figures are quoted, not measured.
//
//   kafka_benchmark --basin PATH/TO/basin [--records N] [--seconds S] [--only produce|consume|latency]
//                   [--latency-rate RECORDS_PER_S]
//   kafka_benchmark --bootstrap HOST:PORT ...      a server that is already running (or a Kafka broker)
//
// With --basin the benchmark starts `basin server` on a fresh data directory under the system temp dir
// and a free port, and stops it at the end. The client and the server share the machine's cores.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "helpers/rdkafka_testing.h"

namespace {

using basin::testing::Check;
using basin::testing::CreateTopic;
using basin::testing::Kafka;
using basin::testing::KafkaConf;
using basin::testing::NewKafka;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Options {
  std::string basin;
  std::string bootstrap;
  int64_t records_100 = 5'000'000;  ///< records of 100 bytes per produce run (1 KB runs use a tenth)
  double latency_seconds = 5;
  double latency_rate = 0;  ///< records/s of the latency runs; 0: half the measured peak
  std::string only;
};

struct Row {
  std::string workload;
  std::string result;
  std::string target;
};
std::vector<Row> rows;

void Print(const Row& row) {
  std::printf("%-44s %-34s %s\n", row.workload.c_str(), row.result.c_str(), row.target.c_str());
  std::fflush(stdout);
  rows.push_back(row);
}

std::string Rate(int64_t records, uint64_t bytes, double seconds) {
  char text[96];
  std::snprintf(text, sizeof(text), "%10.0f rec/s %8.1f MB/s", records / seconds, bytes / seconds / 1e6);
  return text;
}

/// A producer tuned for throughput: large batches, a short linger, no compression.
Kafka Producer(const std::string& bootstrap, const std::string& acks, const std::string& linger_ms,
               std::atomic<int64_t>* failed) {
  rd_kafka_conf_t* conf = KafkaConf(bootstrap, {{"acks", acks},
                                                {"linger.ms", linger_ms},
                                                {"batch.size", "1000000"},
                                                {"batch.num.messages", "100000"},
                                                {"queue.buffering.max.messages", "2000000"},
                                                {"queue.buffering.max.kbytes", "2097151"},
                                                {"compression.codec", "none"}});
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<std::atomic<int64_t>*>(opaque)->fetch_add(1);
  });
  rd_kafka_conf_set_opaque(conf, failed);
  return NewKafka(RD_KAFKA_PRODUCER, conf);
}

/// Delete `name` (the benchmark's topics are large; a run leaves none behind).
void DeleteTopic(const std::string& bootstrap, const std::string& name) {
  Kafka admin = NewKafka(RD_KAFKA_PRODUCER, KafkaConf(bootstrap, {}));
  rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.get());
  rd_kafka_DeleteTopics(admin.get(), &topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  Check(event != nullptr && rd_kafka_event_error(event) == RD_KAFKA_RESP_ERR_NO_ERROR, "DeleteTopics " + name);
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_DeleteTopic_destroy(topic);
}

/// Produce one record; while the client's queue is full, serve delivery reports (or, when another thread
/// serves them, wait).
void Enqueue(rd_kafka_t* rk, rd_kafka_topic_t* topic, int32_t partition, const std::string& value, void* opaque,
             bool serve_reports = true) {
  while (rd_kafka_produce(topic, partition, 0, const_cast<char*>(value.data()), value.size(), nullptr, 0, opaque) != 0) {
    Check(rd_kafka_last_error() == RD_KAFKA_RESP_ERR__QUEUE_FULL, "produce failed");
    if (serve_reports) {
      rd_kafka_poll(rk, 1);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

/// Produce `records` of `size` bytes into a new topic of `partitions`, as fast as one producer can, and
/// report the rate from the first record to the last acknowledgement.
void ProduceRun(const Options& o, const std::string& topic, size_t size, int partitions, const std::string& acks,
                int64_t records, const std::string& target) {
  std::atomic<int64_t> failed{0};
  Kafka producer = Producer(o.bootstrap, acks, "5", &failed);
  CreateTopic(producer.get(), topic, partitions);
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer.get(), topic.c_str(), nullptr);
  const std::string value(size, 'x');
  const auto start = Clock::now();
  for (int64_t i = 0; i < records; ++i) {
    Enqueue(producer.get(), handle, static_cast<int32_t>(i % partitions), value, nullptr);
    if ((i & 1023) == 0) rd_kafka_poll(producer.get(), 0);
  }
  while (rd_kafka_outq_len(producer.get()) > 0) rd_kafka_flush(producer.get(), 1000);
  const double seconds = SecondsSince(start);
  rd_kafka_topic_destroy(handle);
  Check(failed == 0, "records were not acknowledged");
  char workload[96];
  std::snprintf(workload, sizeof(workload), "produce %4zu B, acks=%-3s, %d partition%s", size, acks.c_str(),
                partitions, partitions == 1 ? "" : "s");
  Print({workload, Rate(records, records * size, seconds), target});
}

/// Read every record of `topic` (written by a ProduceRun) from the beginning with one consumer.
void ConsumeRun(const Options& o, const std::string& topic, size_t size, int partitions, int64_t records,
                const std::string& target) {
  Kafka consumer = NewKafka(RD_KAFKA_CONSUMER, KafkaConf(o.bootstrap, {{"group.id", "kafka-benchmark"},
                                                                      {"enable.auto.commit", "false"},
                                                                      {"fetch.max.bytes", "52428800"},
                                                                      {"max.partition.fetch.bytes", "4194304"},
                                                                      {"queued.max.messages.kbytes", "1048576"},
                                                                      {"queued.min.messages", "1000000"}}));
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  const auto assigned = Clock::now();
  rd_kafka_assign(consumer.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  int64_t read = 0;
  uint64_t bytes = 0;
  // Timed from the first record: the client's start (coordinator lookup, offsets) is not throughput.
  Clock::time_point start;
  while (read < records) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 1000);
    if (m == nullptr) {
      Check(SecondsSince(assigned) < 600, "consuming stalled");
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (read++ == 0) start = Clock::now();
      bytes += m->len;
    }
    rd_kafka_message_destroy(m);
  }
  const double seconds = SecondsSince(start);
  const double first_ms = std::chrono::duration<double, std::milli>(start - assigned).count();
  rd_kafka_consumer_close(consumer.get());
  char workload[96];
  std::snprintf(workload, sizeof(workload), "consume %4zu B, %d partition%s (1st after %.0f ms)", size, partitions,
                partitions == 1 ? "" : "s", first_ms);
  Print({workload, Rate(read, bytes, seconds), target});
}

/// Produce 100-byte records at `rate` per second for `seconds` and report delivery latency percentiles.
void LatencyRun(const Options& o, const std::string& topic, const std::string& acks, double rate,
                const std::string& linger_ms) {
  std::vector<int64_t> latencies_us;
  latencies_us.reserve(static_cast<size_t>(rate * o.latency_seconds) + 16);
  struct State {
    std::vector<int64_t>* latencies;
    int64_t failed = 0;
  } state{&latencies_us};
  rd_kafka_conf_t* conf = KafkaConf(o.bootstrap, {{"acks", acks}, {"linger.ms", linger_ms}, {"compression.codec", "none"}});
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto& s = *static_cast<State*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++s.failed;
      return;
    }
    const int64_t sent = reinterpret_cast<intptr_t>(m->_private);
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
    s.latencies->push_back(now - sent);
  });
  rd_kafka_conf_set_opaque(conf, &state);
  Kafka producer = NewKafka(RD_KAFKA_PRODUCER, conf);
  CreateTopic(producer.get(), topic, 1);
  rd_kafka_topic_t* handle = rd_kafka_topic_new(producer.get(), topic.c_str(), nullptr);
  const std::string value(100, 'x');
  const auto start = Clock::now();
  const int64_t total = static_cast<int64_t>(rate * o.latency_seconds);
  // A thread of its own serves the delivery reports, so that each is timed when it comes.
  std::atomic<bool> done{false};
  std::thread reports([&] {
    while (!done) rd_kafka_poll(producer.get(), 50);
  });
  // Records leave on a schedule, a millisecond's worth at a time (record i at i / rate seconds); the
  // client sleeps in between rather than spin on a core the server needs.
  for (int64_t i = 0; i < total;) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(static_cast<int64_t>(i * 1000 / rate)));
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
    const int64_t due = std::min<int64_t>(total, static_cast<int64_t>(SecondsSince(start) * rate) + 1);
    for (; i < due; ++i) {
      Enqueue(producer.get(), handle, 0, value, reinterpret_cast<void*>(static_cast<intptr_t>(now)), false);
    }
  }
  while (rd_kafka_outq_len(producer.get()) > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  done = true;
  reports.join();
  rd_kafka_topic_destroy(handle);
  producer.reset();
  DeleteTopic(o.bootstrap, topic);
  Check(state.failed == 0, "records were not acknowledged");
  std::sort(latencies_us.begin(), latencies_us.end());
  const auto at = [&](double q) {
    return latencies_us[std::min(latencies_us.size() - 1, static_cast<size_t>(q * latencies_us.size()))] / 1000.0;
  };
  char workload[96], result[96];
  std::snprintf(workload, sizeof(workload), "latency 100 B, acks=%s, linger %sms, %.0f rec/s", acks.c_str(),
                linger_ms.c_str(), rate);
  std::snprintf(result, sizeof(result), "p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms", at(0.5), at(0.99), at(0.999));
  Print({workload, result, "p99 < 5 ms at half the peak"});
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--basin") {
      o.basin = value;
    } else if (arg == "--bootstrap") {
      o.bootstrap = value;
    } else if (arg == "--records") {
      o.records_100 = std::atoll(value.c_str());
    } else if (arg == "--seconds") {
      o.latency_seconds = std::atof(value.c_str());
    } else if (arg == "--latency-rate") {
      o.latency_rate = std::atof(value.c_str());
    } else if (arg == "--only") {
      o.only = value;
    } else {
      std::fprintf(stderr, "unknown option %s (see the comment at the top of kafka_benchmark.cc)\n", arg.c_str());
      return 2;
    }
  }
  if (o.basin.empty() == o.bootstrap.empty()) {
    std::fprintf(stderr, "usage: kafka_benchmark --basin PATH/TO/basin | --bootstrap HOST:PORT [--records N]\n");
    return 2;
  }
  std::unique_ptr<basin::testing::ServerProcess> server;
  const std::filesystem::path data =
      std::filesystem::temp_directory_path() / ("basin-kafka-benchmark-" + std::to_string(getpid()));
  if (!o.basin.empty()) {
    server = std::make_unique<basin::testing::ServerProcess>(
        o.basin, std::vector<std::string>{"--data", data.string(), "--kafka-port", "0"});
    o.bootstrap = "127.0.0.1:" + std::to_string(server->port);
  }
  std::printf("basin server at %s; %u hardware threads shared by the server and this client\n\n",
              o.bootstrap.c_str(), std::thread::hardware_concurrency());
  std::printf("%-44s %-34s %s\n", "workload", "Basin", "target (issue 4) / Kafka's figure");
  const auto wants = [&](const char* what) { return o.only.empty() || o.only == what; };

  double peak = 0;
  if (wants("produce") || wants("consume") || (wants("latency") && o.latency_rate <= 0)) {
    const std::string target_100 = "800,000 rec/s (Kafka: ~820,000 on 6 cores)";
    for (size_t size : {size_t{100}, size_t{1024}}) {
      const int64_t records = size == 100 ? o.records_100 : o.records_100 / 10;
      for (int partitions : {1, 4}) {
        for (const char* acks : {"1", "all"}) {
          const std::string topic = "bench-" + std::to_string(size) + "-" + std::to_string(partitions) + "-" + acks;
          const auto start = Clock::now();
          ProduceRun(o, topic, size, partitions, acks, records, size == 100 ? target_100 : "");
          if (size == 100 && partitions == 1 && std::string(acks) == "1") peak = records / SecondsSince(start);
          if (wants("consume") && std::string(acks) == "1")
            ConsumeRun(o, topic, size, partitions, records, size == 100 ? "1,000,000 rec/s" : "");
          DeleteTopic(o.bootstrap, topic);
        }
      }
    }
  }
  // Half the peak measured here, as the issue asks, and half the 800,000 target.
  std::vector<double> rates = {o.latency_rate > 0 ? o.latency_rate : peak / 2};
  if (o.latency_rate <= 0) rates.push_back(400'000);
  for (double rate : rates) {
    if (!wants("latency") || rate <= 0) continue;
    LatencyRun(o, "bench-latency-1", "1", rate, "0");
    LatencyRun(o, "bench-latency-all", "all", rate, "0");
  }
  if (server) {
    server->Stop();
    std::filesystem::remove_all(data);
  }
  return 0;
}
