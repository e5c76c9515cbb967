#pragma once

// Helpers for programs that drive `basin server` with librdkafka (test/e2e/kafka_client_test.cc,
// bench/kafka): failing with a message, clients from a settings list, topic creation, and `basin server` as
// a child process on a free port. Header-only; link librdkafka.

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

extern char** environ;

namespace basin::testing {

/// A `basin server` this program started, killed when a check fails.
inline pid_t child_server = -1;

[[noreturn]] inline void Fail(const std::string& message) {
  std::fprintf(stderr, "FAIL: %s\n", message.c_str());
  if (child_server > 0) ::kill(child_server, SIGKILL);
  std::exit(1);
}

inline void Check(bool ok, const std::string& message) {
  if (!ok) Fail(message);
}

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Kafka = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

/// A configuration with `bootstrap` and `settings`.
inline rd_kafka_conf_t* KafkaConf(const std::string& bootstrap, const std::map<std::string, std::string>& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  std::map<std::string, std::string> all = settings;
  all["bootstrap.servers"] = bootstrap;
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK)
      Fail("setting " + key + ": " + error);
  }
  return conf;
}

inline Kafka NewKafka(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof(error));
  if (rk == nullptr) Fail(std::string("rd_kafka_new: ") + error);
  return Kafka(rk);
}

/// Create `name` with `partitions` through the Admin API; fail unless it was created.
inline void CreateTopic(rd_kafka_t* rk, const std::string& name, int partitions) {
  char error[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, error, sizeof(error));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &topic, 1, nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000);
  Check(event != nullptr, "CreateTopics got no answer");
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
  Check(count == 1 && rd_kafka_topic_result_error(results[0]) == RD_KAFKA_RESP_ERR_NO_ERROR,
        "CreateTopics " + name + ": " + (count ? rd_kafka_err2str(rd_kafka_topic_result_error(results[0])) : "?"));
  rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
}

/// `basin server ARGS...` as a child process (HTTP and PostgreSQL on free ports unless ARGS say otherwise), its Kafka port
/// read from its first line of output.
struct ServerProcess {
  pid_t pid = -1;
  uint16_t port = 0;
  ServerProcess(const std::string& basin, std::vector<std::string> args) {
    int pipe_fds[2];
    Check(::pipe(pipe_fds) == 0, "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    args.insert(args.begin(), {basin, "server", "--http-port", "0", "--pg-port", "0"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    Check(posix_spawn(&pid, basin.c_str(), &actions, nullptr, argv.data(), environ) == 0, "spawn " + basin);
    child_server = pid;
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    FILE* out = ::fdopen(pipe_fds[0], "r");
    char line[256];
    Check(std::fgets(line, sizeof(line), out) != nullptr, "basin server printed no address");
    std::fclose(out);
    const char* colon = std::strrchr(line, ':');
    Check(std::strncmp(line, "kafka listening on ", 19) == 0 && colon != nullptr, std::string("unexpected: ") + line);
    port = static_cast<uint16_t>(std::atoi(colon + 1));
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  /// SIGTERM, and the exit status must be 0.
  void Stop() {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = child_server = -1;
    Check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "basin server did not exit cleanly after SIGTERM");
  }
  ~ServerProcess() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

}  // namespace basin::testing
