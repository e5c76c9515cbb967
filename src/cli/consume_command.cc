// `basin consume TOPIC`: print a topic's records, one value per line, as Kafka's console consumer does:
// every partition from its end (or beginning), or as a member of a consumer group from its committed
// offsets.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"

namespace basin::cli {

namespace {

constexpr const char* kHint = "basin consume --help";

volatile std::sig_atomic_t stop_requested = 0;

std::string ConsumeHelp() {
  return "Usage: basin consume TOPIC [--from-beginning] [--group G] [--max-messages N] [--timeout-ms MS]\n"
         "                     [--print-key] [--key-separator SEP]\n"
         "\n"
         "Print the records of TOPIC on a running `basin server`, one value per line, until Ctrl-C (SIGINT\n"
         "or SIGTERM), --max-messages or --timeout-ms. Without --group every partition is read from its end\n"
         "(or beginning) and nothing is committed; with --group the consumer joins the group, shares the\n"
         "partitions with its other members, starts from the group's committed offsets and commits what it\n"
         "printed when it stops. The count of records is reported on stderr at the end.\n"
         "\n"
         "Options:\n"
         "  --from-beginning     Start at the oldest record (with --group: where the group committed none)\n"
         "  --group G            Consume as a member of consumer group G\n"
         "  --max-messages N     Stop after N records\n"
         "  --timeout-ms MS      Stop when no record came for MS milliseconds\n"
         "  --print-key          Print KEY SEP VALUE (null keys and values print as null)\n"
         "  --key-separator SEP  The separator for --print-key (default: a tab)\n" +
         KafkaClientOptionsHelp() + "  -h, --help           Show this help\n";
}

struct ConsumeOptions {
  std::string topic;
  bool from_beginning = false;
  std::optional<std::string> group;
  int64_t max_messages = -1;
  int64_t timeout_ms = -1;
  bool print_key = false;
  std::string key_separator = "\t";
};

void Print(const rd_kafka_message_t& m, const ConsumeOptions& options) {
  const auto write = [](const void* bytes, size_t size) {
    if (bytes == nullptr) {
      std::fputs("null", stdout);
    } else {
      std::fwrite(bytes, 1, size, stdout);
    }
  };
  if (options.print_key) {
    write(m.key, m.key_len);
    std::fputs(options.key_separator.c_str(), stdout);
  }
  write(m.payload, m.len);
  std::fputc('\n', stdout);
}

int Consume(const ConsumeOptions& options, const KafkaClientOptions& client_options) {
  std::vector<std::pair<std::string, std::string>> settings = {
      {"auto.offset.reset", options.from_beginning ? "earliest" : "latest"},
      {"enable.partition.eof", "false"},
      // Short long polls: stopping (--max-messages, Ctrl-C) waits for the one in flight.
      {"fetch.wait.max.ms", "100"},
  };
  if (options.group) {
    settings.push_back({"group.id", *options.group});
  } else {
    // librdkafka wants a group even for assigned partitions; this one never joins and never commits.
    settings.push_back({"group.id", "basin-consume-" + std::to_string(getpid())});
    settings.push_back({"enable.auto.commit", "false"});
  }
  KafkaHandle consumer = NewKafkaClient(RD_KAFKA_CONSUMER, NewKafkaConf(client_options, settings));
  const Metadata metadata = RequireTopic(consumer.get(), client_options, options.topic, false);
  rd_kafka_poll_set_consumer(consumer.get());

  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(1);
  rd_kafka_resp_err_t error;
  if (options.group) {
    rd_kafka_topic_partition_list_add(partitions, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
    error = rd_kafka_subscribe(consumer.get(), partitions);
  } else {
    const rd_kafka_metadata_topic_t& topic = *FindTopic(*metadata, options.topic);
    for (int i = 0; i < topic.partition_cnt; ++i) {
      rd_kafka_topic_partition_list_add(partitions, options.topic.c_str(), topic.partitions[i].id)->offset =
          options.from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    }
    error = rd_kafka_assign(consumer.get(), partitions);
  }
  rd_kafka_topic_partition_list_destroy(partitions);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw CommandError("cannot consume " + options.topic + ": " + rd_kafka_err2str(error));

  struct sigaction action = {};
  action.sa_handler = [](int) { stop_requested = 1; };
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  int64_t count = 0;
  std::optional<std::string> failure;
  auto last_record = std::chrono::steady_clock::now();
  while (!stop_requested && (options.max_messages < 0 || count < options.max_messages)) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 100);
    if (m == nullptr) {
      std::fflush(stdout);
      const auto idle = std::chrono::steady_clock::now() - last_record;
      if (options.timeout_ms >= 0 && idle >= std::chrono::milliseconds(options.timeout_ms)) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Print(*m, options);
      ++count;
      last_record = std::chrono::steady_clock::now();
    } else if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
               m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || rd_kafka_fatal_error(consumer.get(), nullptr, 0)) {
      failure = rd_kafka_message_errstr(m);
    } else {
      std::cerr << "basin consume: " << rd_kafka_message_errstr(m) << " (retrying)\n";
    }
    rd_kafka_message_destroy(m);
    if (failure) break;
  }
  std::fflush(stdout);
  rd_kafka_consumer_close(consumer.get());  // commits what was printed and leaves the group
  std::cerr << "Processed a total of " << count << (count == 1 ? " message" : " messages") << "\n";
  if (failure) throw CommandError(*failure);
  return 0;
}

}  // namespace

int RunConsumeCommand(const std::vector<std::string>& args) {
  KafkaClientOptions client_options;
  ConsumeOptions options;
  bool have_topic = false;
  const auto take = [&](size_t& i) {
    const std::string arg = args[i];
    std::string value;
    bool missing = false;
    if (TakeKafkaClientOption(args, &i, client_options)) return;
    if (arg == "--from-beginning") {
      options.from_beginning = true;
    } else if (arg == "--print-key") {
      options.print_key = true;
    } else if (TakeValue(args, &i, "--group", "-g", &value, &missing)) {
      if (missing || value.empty()) throw CommandError("option --group needs a group name");
      options.group = value;
    } else if (TakeValue(args, &i, "--max-messages", "", &value, &missing)) {
      if (missing) throw CommandError("option --max-messages needs a number");
      options.max_messages = ParseCount(value, "--max-messages", 1, INT64_MAX);
    } else if (TakeValue(args, &i, "--timeout-ms", "", &value, &missing)) {
      if (missing) throw CommandError("option --timeout-ms needs milliseconds");
      options.timeout_ms = ParseCount(value, "--timeout-ms", 0, INT64_MAX);
    } else if (TakeValue(args, &i, "--key-separator", "", &value, &missing)) {
      if (missing) throw CommandError("option --key-separator needs a separator");
      options.key_separator = value;
    } else if (arg.rfind('-', 0) == 0) {
      throw CommandError("unknown option '" + arg + "'");
    } else if (have_topic) {
      throw CommandError("give one topic, not also '" + arg + "'");
    } else {
      options.topic = arg;
      have_topic = true;
    }
  };
  const auto validate = [&] {
    if (!have_topic) throw CommandError("give the topic to consume");
  };
  if (const std::optional<int> status = ParseCommandArgs(args, ConsumeHelp(), kHint, take, validate)) return *status;
  return RunCommand("consume", [&] { return Consume(options, client_options); });
}

}  // namespace basin::cli
