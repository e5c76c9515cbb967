// librdkafka, the C client most Kafka clients wrap, against `basin server`:
//
//   kafka_client_test group BOOTSTRAP
//       a consumer group of two members sharing a topic's four partitions; when one leaves, the other takes
//       every partition over and reads what comes next (producing with acks=all)
//   kafka_client_test idempotent BASIN DATA_DIR
//       starts a server behind a TCP proxy that kills the connection after the server has appended a
//       produce request and before its response reaches the client; the idempotent producer retries, and
//       the topic holds every record exactly once, in order
//   kafka_client_test produce-acked BOOTSTRAP TOPIC ACKED_FILE STOP_FILE
//       (for kafka_durability_test.sh) produce numbered records with acks=all until STOP_FILE exists,
//       appending each acknowledged number to ACKED_FILE; print how many were produced
//   kafka_client_test verify BOOTSTRAP TOPIC COUNT
//       the topic holds the records 0..COUNT-1, each exactly once
//
// Exit status 0 when the check passes; 1 with a "FAIL:" line otherwise.

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "helpers/rdkafka_testing.h"

namespace {

using basin::testing::Check;
using basin::testing::CreateTopic;
using basin::testing::Fail;
using basin::testing::Kafka;
using basin::testing::KafkaConf;
using basin::testing::NewKafka;
using basin::testing::ServerProcess;
using Clock = std::chrono::steady_clock;


/// Poll `step` until `done` holds; fail after `seconds`.
void WaitUntil(int seconds, const std::string& what, const std::function<bool()>& done,
               const std::function<void()>& step) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (Clock::now() > deadline) Fail("timed out waiting until " + what);
    step();
  }
}

/// Counts deliveries; the first error is kept.
struct Deliveries {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
  std::string first_error;
  FILE* acked = nullptr;  ///< when set, each acknowledged value is appended as a line
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto& d = *static_cast<Deliveries*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (d.failed++ == 0) d.first_error = rd_kafka_err2str(m->err);
    return;
  }
  ++d.ok;
  if (d.acked != nullptr) {
    std::fwrite(m->payload, 1, m->len, d.acked);
    std::fputc('\n', d.acked);
    std::fflush(d.acked);
  }
}

Kafka NewProducer(const std::string& bootstrap, Deliveries& deliveries, std::map<std::string, std::string> settings) {
  rd_kafka_conf_t* conf = KafkaConf(bootstrap, settings);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &deliveries);
  return NewKafka(RD_KAFKA_PRODUCER, conf);
}

void Produce(rd_kafka_t* rk, const std::string& topic, int32_t partition, const std::string& key,
             const std::string& value) {
  while (true) {
    const rd_kafka_resp_err_t error = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_END);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    Check(error == RD_KAFKA_RESP_ERR__QUEUE_FULL, std::string("produce: ") + rd_kafka_err2str(error));
    rd_kafka_poll(rk, 10);
  }
}

void Flush(rd_kafka_t* rk, const Deliveries& d, int64_t expected) {
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_flush(rk, 1000);
  Check(d.failed == 0, "a record was not acknowledged: " + d.first_error);
  Check(d.ok == expected, "acknowledged " + std::to_string(d.ok) + " records, expected " + std::to_string(expected));
}

/// Every record of `topic` from the beginning to the end each partition had when asked, by partition.
std::map<int32_t, std::vector<std::string>> ReadAll(const std::string& bootstrap, const std::string& topic) {
  Kafka consumer = NewKafka(RD_KAFKA_CONSUMER, KafkaConf(bootstrap, {{"group.id", "verify"}, {"enable.auto.commit", "false"}}));
  const rd_kafka_metadata_t* metadata = nullptr;
  Check(rd_kafka_metadata(consumer.get(), 1, nullptr, &metadata, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR, "metadata");
  std::map<int32_t, int64_t> ends;
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(4);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (topic != metadata->topics[i].topic) continue;
    for (int p = 0; p < metadata->topics[i].partition_cnt; ++p) {
      const int32_t id = metadata->topics[i].partitions[p].id;
      int64_t low = 0, high = 0;
      Check(rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), id, &low, &high, 30000) ==
                RD_KAFKA_RESP_ERR_NO_ERROR,
            "watermarks");
      ends[id] = high;
      rd_kafka_topic_partition_list_add(assignment, topic.c_str(), id)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  Check(!ends.empty(), "topic " + topic + " not found");
  rd_kafka_assign(consumer.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::map<int32_t, std::vector<std::string>> records;
  std::map<int32_t, int64_t> next;
  const auto done = [&] {
    for (const auto& [p, end] : ends) {
      if (next[p] < end) return false;
    }
    return true;
  };
  WaitUntil(120, "every record of " + topic + " is read", done, [&] {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
    if (m == nullptr) return;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      records[m->partition].emplace_back(static_cast<const char*>(m->payload), m->len);
      next[m->partition] = m->offset + 1;
    }
    rd_kafka_message_destroy(m);
  });
  rd_kafka_consumer_close(consumer.get());
  return records;
}

std::string Numbered(int64_t n) {
  char text[32];
  std::snprintf(text, sizeof(text), "%08lld", static_cast<long long>(n));
  return text;
}

// --- group ----------------------------------------------------------------------------------------------

struct Member {
  std::string name;
  Kafka rk;
  std::set<int32_t> assigned;
  std::set<std::string> values;
};

void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto& member = *static_cast<Member*>(opaque);
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, partitions);
    member.assigned.clear();
    for (int i = 0; i < partitions->cnt; ++i) member.assigned.insert(partitions->elems[i].partition);
  } else {
    rd_kafka_assign(rk, nullptr);
    member.assigned.clear();
  }
}

std::unique_ptr<Member> Join(const std::string& bootstrap, const std::string& name, const std::string& topic) {
  auto member = std::make_unique<Member>();
  member->name = name;
  rd_kafka_conf_t* conf = KafkaConf(bootstrap, {{"group.id", "sharers"},
                                           {"client.id", name},
                                           {"auto.offset.reset", "earliest"},
                                           {"auto.commit.interval.ms", "100"},
                                           {"session.timeout.ms", "6000"},
                                           {"heartbeat.interval.ms", "500"}});
  rd_kafka_conf_set_rebalance_cb(conf, OnRebalance);
  rd_kafka_conf_set_opaque(conf, member.get());
  member->rk = NewKafka(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(member->rk.get());
  rd_kafka_topic_partition_list_t* subscription = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subscription, topic.c_str(), RD_KAFKA_PARTITION_UA);
  Check(rd_kafka_subscribe(member->rk.get(), subscription) == RD_KAFKA_RESP_ERR_NO_ERROR, "subscribe");
  rd_kafka_topic_partition_list_destroy(subscription);
  return member;
}

void Poll(Member& m) {
  rd_kafka_message_t* message = rd_kafka_consumer_poll(m.rk.get(), 10);
  if (message == nullptr) return;
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR)
    m.values.emplace(static_cast<const char*>(message->payload), message->len);
  rd_kafka_message_destroy(message);
}

int RunGroup(const std::string& bootstrap) {
  const std::string topic = "shared";
  const std::set<int32_t> all = {0, 1, 2, 3};
  Deliveries deliveries;
  Kafka producer = NewProducer(bootstrap, deliveries, {{"acks", "all"}, {"linger.ms", "1"}});
  CreateTopic(producer.get(), topic, 4);
  for (int i = 0; i < 400; ++i) Produce(producer.get(), topic, i % 4, "k" + std::to_string(i), "old-" + std::to_string(i));
  Flush(producer.get(), deliveries, 400);

  std::unique_ptr<Member> a = Join(bootstrap, "member-a", topic);
  std::unique_ptr<Member> b = Join(bootstrap, "member-b", topic);
  const auto shared = [&] {
    std::set<int32_t> both = a->assigned;
    both.insert(b->assigned.begin(), b->assigned.end());
    std::set<std::string> read = a->values;
    read.insert(b->values.begin(), b->values.end());
    return !a->assigned.empty() && !b->assigned.empty() && both == all &&
           a->assigned.size() + b->assigned.size() == all.size() && read.size() == 400;
  };
  WaitUntil(60, "two members share the four partitions and read every record", shared, [&] {
    Poll(*a);
    Poll(*b);
  });
  std::printf("group: a has %zu partitions, b %zu; together they read 400 records\n", a->assigned.size(),
              b->assigned.size());

  rd_kafka_consumer_close(b->rk.get());  // commits and leaves the group
  b.reset();
  WaitUntil(60, "the remaining member takes every partition", [&] { return a->assigned == all; }, [&] { Poll(*a); });
  for (int i = 0; i < 400; ++i) Produce(producer.get(), topic, i % 4, "k" + std::to_string(i), "new-" + std::to_string(i));
  Flush(producer.get(), deliveries, 800);
  const auto read_new = [&] {
    for (int i = 0; i < 400; ++i) {
      if (!a->values.count("new-" + std::to_string(i))) return false;
    }
    return true;
  };
  WaitUntil(60, "the remaining member reads every new record", read_new, [&] { Poll(*a); });
  rd_kafka_consumer_close(a->rk.get());
  std::printf("group: after b left, a took all 4 partitions and read the 400 new records\n");
  return 0;
}

// --- idempotent -----------------------------------------------------------------------------------------

/// A TCP proxy in front of the server that, on request, lets one produce request through, waits for the
/// server's response to it (so the records are appended) and then kills the connection without passing
/// that response on: the client must retry a request the server has already applied.
class CuttingProxy {
 public:
  CuttingProxy() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = Loopback(0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    Check(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(listener_, 16) == 0,
          "proxy listen");
    socklen_t length = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~CuttingProxy() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    if (acceptor_.joinable()) acceptor_.join();
    std::lock_guard lock(mutex_);
    for (auto& c : connections_) c->Shut();
    for (auto& t : pumps_) t.join();
  }
  uint16_t port() const { return port_; }
  void Start(uint16_t upstream) {
    upstream_ = upstream;
    acceptor_ = std::thread([this] { Accept(); });
  }
  void CutNextProduce() { cut_requested_ = true; }
  int cuts() const { return cuts_; }

 private:
  struct Link {
    int client = -1, server = -1;
    std::atomic<int32_t> doomed{-1};  // correlation id of the produce whose response is swallowed
    void Shut() {
      ::shutdown(client, SHUT_RDWR);
      ::shutdown(server, SHUT_RDWR);
    }
    ~Link() {
      ::close(client);
      ::close(server);
    }
  };

  static sockaddr_in Loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  static bool ReadFull(int fd, char* p, size_t n) {
    while (n > 0) {
      const ssize_t got = ::recv(fd, p, n, 0);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }
  static bool WriteFull(int fd, const char* p, size_t n) {
    while (n > 0) {
      const ssize_t sent = ::send(fd, p, n, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      p += sent;
      n -= static_cast<size_t>(sent);
    }
    return true;
  }
  /// Read one size-prefixed frame (prefix included).
  static bool ReadFrame(int fd, std::string& frame) {
    char size[4];
    if (!ReadFull(fd, size, 4)) return false;
    const uint32_t n = ntohl(*reinterpret_cast<uint32_t*>(size));
    frame.assign(size, 4);
    frame.resize(4 + n);
    return ReadFull(fd, frame.data() + 4, n);
  }
  static int32_t Int32At(const std::string& frame, size_t at) {
    return static_cast<int32_t>(ntohl(*reinterpret_cast<const uint32_t*>(frame.data() + at)));
  }

  void Accept() {
    while (true) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      auto link = std::make_shared<Link>();
      link->client = client;
      link->server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = Loopback(upstream_);
      if (::connect(link->server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        link->Shut();
        continue;
      }
      std::lock_guard lock(mutex_);
      connections_.push_back(link);
      pumps_.emplace_back([this, link] { Requests(*link); });
      pumps_.emplace_back([this, link] { Responses(*link); });
    }
  }
  void Requests(Link& link) {
    std::string frame;
    while (ReadFrame(link.client, frame)) {
      // Request header: api key (int16), api version (int16), correlation id (int32).
      const int16_t api_key = static_cast<int16_t>(ntohs(*reinterpret_cast<const uint16_t*>(frame.data() + 4)));
      if (api_key == 0 && cut_requested_.exchange(false)) link.doomed = Int32At(frame, 8);
      if (!WriteFull(link.server, frame.data(), frame.size())) break;
    }
    link.Shut();
  }
  void Responses(Link& link) {
    std::string frame;
    while (ReadFrame(link.server, frame)) {
      if (Int32At(frame, 4) == link.doomed) {
        ++cuts_;
        break;  // applied by the server, never seen by the client
      }
      if (!WriteFull(link.client, frame.data(), frame.size())) break;
    }
    link.Shut();
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  uint16_t upstream_ = 0;
  std::atomic<bool> cut_requested_{false};
  std::atomic<int> cuts_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Link>> connections_;
  std::vector<std::thread> pumps_;
};

int RunIdempotent(const std::string& basin, const std::string& data_dir) {
  CuttingProxy proxy;
  ServerProcess server(basin, {"--data", data_dir, "--kafka-port", "0", "--set",
                               "kafka.advertised.port=" + std::to_string(proxy.port())});
  proxy.Start(server.port);
  const std::string bootstrap = "127.0.0.1:" + std::to_string(proxy.port());
  const std::string topic = "idempotent";
  constexpr int kRecords = 20000;
  Deliveries deliveries;
  // Small batches keep several produce requests in flight when the connection dies.
  Kafka producer = NewProducer(bootstrap, deliveries,
                               {{"enable.idempotence", "true"},
                                {"acks", "all"},
                                {"linger.ms", "1"},
                                {"batch.num.messages", "100"},
                                {"max.in.flight.requests.per.connection", "5"},
                                {"message.timeout.ms", "60000"}});
  CreateTopic(producer.get(), topic, 1);
  // 40 rounds of 500 records; before rounds 10 and 25 the proxy is told to kill the connection under the
  // next produce request, and the program waits until it has.
  int cuts_asked = 0;
  for (int round = 0, i = 0; round < 40; ++round) {
    const bool cut = round == 10 || round == 25;
    if (cut) {
      proxy.CutNextProduce();
      ++cuts_asked;
    }
    for (int n = 0; n < 500; ++n, ++i) Produce(producer.get(), topic, 0, "", Numbered(i));
    if (cut) {
      WaitUntil(30, "the proxy kills a connection", [&] { return proxy.cuts() >= cuts_asked; },
                [&] { rd_kafka_poll(producer.get(), 10); });
    }
  }
  Flush(producer.get(), deliveries, kRecords);
  const std::vector<std::string> records = ReadAll(bootstrap, topic)[0];
  Check(records.size() == kRecords, "the topic holds " + std::to_string(records.size()) + " records, not " +
                                        std::to_string(kRecords) + " (duplicates or losses)");
  for (int i = 0; i < kRecords; ++i) Check(records[i] == Numbered(i), "record " + std::to_string(i) + " is " + records[i]);
  producer.reset();
  server.Stop();
  std::printf("idempotent: %d connection(s) killed under applied produce requests; %d records, each once, in order\n",
              proxy.cuts(), kRecords);
  return 0;
}

// --- durability helpers ---------------------------------------------------------------------------------

int RunProduceAcked(const std::string& bootstrap, const std::string& topic, const std::string& acked_file,
                    const std::string& stop_file) {
  Deliveries deliveries;
  deliveries.acked = std::fopen(acked_file.c_str(), "a");
  Check(deliveries.acked != nullptr, "cannot open " + acked_file);
  Kafka producer = NewProducer(bootstrap, deliveries,
                               {{"enable.idempotence", "true"},
                                {"acks", "all"},
                                {"linger.ms", "2"},
                                {"message.timeout.ms", "120000"},
                                {"reconnect.backoff.ms", "50"},
                                {"reconnect.backoff.max.ms", "500"}});
  int64_t produced = 0;
  while (!std::filesystem::exists(stop_file)) {
    // Rounds of 1000 acknowledged records: a steady stream that survives the server's restarts.
    for (int i = 0; i < 1000; ++i, ++produced) {
      Produce(producer.get(), topic, RD_KAFKA_PARTITION_UA, "k" + std::to_string(produced), Numbered(produced));
    }
    while (rd_kafka_outq_len(producer.get()) > 0) rd_kafka_flush(producer.get(), 1000);
    Check(deliveries.failed == 0, "a record was not acknowledged: " + deliveries.first_error);
  }
  Flush(producer.get(), deliveries, produced);
  std::fclose(deliveries.acked);
  std::printf("%lld\n", static_cast<long long>(produced));
  return 0;
}

int RunVerify(const std::string& bootstrap, const std::string& topic, int64_t count) {
  std::vector<int> seen(static_cast<size_t>(count), 0);
  int64_t total = 0;
  for (const auto& [partition, values] : ReadAll(bootstrap, topic)) {
    for (const std::string& v : values) {
      const long long n = std::atoll(v.c_str());
      Check(n >= 0 && n < count, "unexpected record " + v + " in partition " + std::to_string(partition));
      Check(++seen[n] == 1, "record " + v + " is in the topic twice");
      ++total;
    }
  }
  Check(total == count, "the topic holds " + std::to_string(total) + " records, not " + std::to_string(count));
  std::printf("verify: %lld records, each exactly once\n", static_cast<long long>(count));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "group") return RunGroup(args[1]);
  if (args.size() == 3 && args[0] == "idempotent") return RunIdempotent(args[1], args[2]);
  if (args.size() == 5 && args[0] == "produce-acked") return RunProduceAcked(args[1], args[2], args[3], args[4]);
  if (args.size() == 4 && args[0] == "verify") return RunVerify(args[1], args[2], std::atoll(args[3].c_str()));
  std::fprintf(stderr, "usage: see the comment at the top of kafka_client_test.cc\n");
  return 2;
}
