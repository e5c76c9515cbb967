// `basin produce TOPIC`: every line of stdin becomes a record of the topic, as Kafka's console producer
// does; optionally "KEY<separator>VALUE".

#include <iostream>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"

namespace basin::cli {

namespace {

constexpr const char* kHint = "basin produce --help";

std::string ProduceHelp() {
  return "Usage: basin produce TOPIC [--key-separator SEP] [--partition N] [--acks all|1|0]\n"
         "\n"
         "Send each line of stdin to TOPIC on a running `basin server` (the server creates the topic if it\n"
         "creates topics on demand). Records are acknowledged once written (acks=all, idempotent: a retry\n"
         "never writes a record twice). The exit status is 1 if any line could not be written.\n"
         "\n"
         "Options:\n"
         "  --key-separator SEP  Each line is KEY SEP VALUE (split at the first SEP); a line without SEP\n"
         "                       is an error\n"
         "  --partition N        Write every record to partition N (default: by key, else spread)\n"
         "  --acks all|1|0       Wait for all, for the leader, or for nothing (default: all)\n" +
         KafkaClientOptionsHelp() + "  -h, --help           Show this help\n";
}

struct Delivery {
  int64_t written = 0;
  int64_t failed = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  Delivery& d = *static_cast<Delivery*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++d.written;
    return;
  }
  if (d.failed++ == 0) d.first_error = rd_kafka_err2str(message->err);
}

int Produce(const std::string& topic, const std::optional<std::string>& separator, int32_t partition,
            const std::string& acks, const KafkaClientOptions& options) {
  std::vector<std::pair<std::string, std::string>> settings = {
      {"acks", acks},
      {"enable.idempotence", acks == "all" ? "true" : "false"},
      // Kafka's Java client partitions keys this way, so records land where Kafka would put them.
      {"partitioner", "murmur2_random"},
      {"message.timeout.ms", "60000"},
  };
  Delivery delivery;
  rd_kafka_conf_t* conf = NewKafkaConf(options, settings);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &delivery);
  KafkaHandle producer = NewKafkaClient(RD_KAFKA_PRODUCER, conf);
  const Metadata metadata = RequireTopic(producer.get(), options, topic, true);
  if (partition >= 0 && partition >= FindTopic(*metadata, topic)->partition_cnt)
    throw CommandError("topic \"" + topic + "\" has no partition " + std::to_string(partition));

  int64_t lines = 0;
  int64_t unparsed = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    ++lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::optional<std::string> key;
    std::string_view value = line;
    if (separator) {
      const size_t at = line.find(*separator);
      if (at == std::string::npos) {
        if (unparsed++ == 0) std::cerr << "basin produce: line " << lines << " has no key separator; skipped\n";
        continue;
      }
      key = line.substr(0, at);
      value.remove_prefix(at + separator->size());
    }
    void* key_data = key ? key->data() : nullptr;
    const size_t key_size = key ? key->size() : 0;
    while (true) {
      const rd_kafka_resp_err_t error = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_END);
      if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR && delivery.failed++ == 0) delivery.first_error = rd_kafka_err2str(error);
        break;
      }
      rd_kafka_poll(producer.get(), 100);  // the queue is full: wait for deliveries
    }
    rd_kafka_poll(producer.get(), 0);
  }
  while (rd_kafka_outq_len(producer.get()) > 0) rd_kafka_flush(producer.get(), 1000);
  if (delivery.failed > 0 || unparsed > 0) {
    std::string message;
    if (delivery.failed > 0)
      message = std::to_string(delivery.failed) + " of " + std::to_string(lines) +
                " lines were not written: " + delivery.first_error;
    if (unparsed > 0)
      message += (message.empty() ? "" : "; ") + std::to_string(unparsed) + " lines had no key separator";
    throw CommandError(message);
  }
  return 0;
}

}  // namespace

int RunProduceCommand(const std::vector<std::string>& args) {
  KafkaClientOptions options;
  std::optional<std::string> topic;
  std::optional<std::string> separator;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  std::string acks = "all";
  const auto take = [&](size_t& i) {
    const std::string arg = args[i];
    std::string value;
    bool missing = false;
    if (TakeKafkaClientOption(args, &i, options)) return;
    if (TakeValue(args, &i, "--key-separator", "", &value, &missing)) {
      if (missing || value.empty()) throw CommandError("option --key-separator needs a separator");
      separator = value;
    } else if (TakeValue(args, &i, "--partition", "", &value, &missing)) {
      if (missing) throw CommandError("option --partition needs a number");
      partition = static_cast<int32_t>(ParseCount(value, "--partition", 0, 99999));
    } else if (TakeValue(args, &i, "--acks", "", &value, &missing)) {
      if (missing || (value != "all" && value != "-1" && value != "1" && value != "0"))
        throw CommandError("option --acks needs all, 1 or 0");
      acks = value == "-1" ? "all" : value;
    } else if (arg.rfind('-', 0) == 0) {
      throw CommandError("unknown option '" + arg + "'");
    } else if (topic) {
      throw CommandError("give one topic, not also '" + arg + "'");
    } else {
      topic = arg;
    }
  };
  const auto validate = [&] {
    if (!topic) throw CommandError("give the topic to produce to");
  };
  if (const std::optional<int> status = ParseCommandArgs(args, ProduceHelp(), kHint, take, validate)) return *status;
  return RunCommand("produce", [&] { return Produce(*topic, separator, partition, acks, options); });
}

}  // namespace basin::cli
