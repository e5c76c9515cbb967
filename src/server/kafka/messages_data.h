#pragma once

// Requests and responses that move data: Produce, Fetch, ListOffsets, Metadata. Field names and defaults
// follow Kafka's message schemas (clients/src/main/resources/common/message/*.json); a field that a
// version lacks keeps its default when decoded and is skipped when encoded.

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/kafka/api.h"
#include "server/kafka/error_code.h"
#include "server/kafka/wire.h"

namespace basin::kafka {

struct ProduceRequest {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  struct Partition {
    int32_t index = 0;
    Records records;  ///< the RecordBatches as the producer sent them
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  std::optional<std::string> transactional_id;  // v3+
  int16_t acks = 0;                             ///< 0: no response is sent; 1: leader; -1: all replicas
  int32_t timeout_ms = 0;
  std::vector<Topic> topics;
  bool operator==(const ProduceRequest&) const = default;
};

struct ProduceResponse {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  struct RecordError {
    int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;
    bool operator==(const RecordError&) const = default;
  };
  struct Partition {
    int32_t index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t base_offset = -1;
    int64_t log_append_time_ms = -1;           // v2+
    int64_t log_start_offset = -1;             // v5+
    std::vector<RecordError> record_errors;    // v8+
    std::optional<std::string> error_message;  // v8+
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  std::vector<Topic> topics;
  int32_t throttle_time_ms = 0;  // v1+
  bool operator==(const ProduceResponse&) const = default;
};

struct FetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int32_t last_fetched_epoch = -1;  // v12+
    int64_t log_start_offset = -1;    // v5+
    int32_t partition_max_bytes = 0;
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  struct ForgottenTopic {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const ForgottenTopic&) const = default;
  };
  int32_t replica_id = -1;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;  // v3+
  int8_t isolation_level = 0;      // v4+
  int32_t session_id = 0;          // v7+
  int32_t session_epoch = -1;      // v7+
  std::vector<Topic> topics;
  std::vector<ForgottenTopic> forgotten_topics;  // v7+
  std::string rack_id;                           // v11+
  bool operator==(const FetchRequest&) const = default;
};

struct FetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    bool operator==(const AbortedTransaction&) const = default;
  };
  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t high_watermark = -1;
    int64_t last_stable_offset = -1;                                       // v4+
    int64_t log_start_offset = -1;                                         // v5+
    std::optional<std::vector<AbortedTransaction>> aborted_transactions;  // v4+
    int32_t preferred_read_replica = -1;                                   // v11+
    /// Sent by reference (scatter/gather), never copied; empty rather than null by default, as Kafka sends.
    Records records = SharedBytes();
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  int32_t throttle_time_ms = 0;              // v1+
  ErrorCode error_code = ErrorCode::kNone;   // v7+
  int32_t session_id = 0;                    // v7+
  std::vector<Topic> responses;
  bool operator==(const FetchResponse&) const = default;
};

struct ListOffsetsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  /// Special timestamps: the offset after the last record, the first offset, the record with the largest
  /// timestamp (v7+).
  static constexpr int64_t kLatest = -1, kEarliest = -2, kMaxTimestamp = -3;
  struct Partition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;  // v4+
    int64_t timestamp = 0;
    int32_t max_num_offsets = 1;  // v0 only
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  int32_t replica_id = -1;
  int8_t isolation_level = 0;  // v2+
  std::vector<Topic> topics;
  bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    std::vector<int64_t> old_style_offsets;  ///< v0 only: the offsets found (fill it for v0 requests)
    int64_t timestamp = -1;                  // v1+
    int64_t offset = -1;                     // v1+
    int32_t leader_epoch = -1;               // v4+
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;
  bool operator==(const ListOffsetsResponse&) const = default;
};

struct MetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  struct Topic {
    Uuid topic_id;                    // v10+
    std::optional<std::string> name;  ///< null (v10+) when the topic is named by id
    bool operator==(const Topic&) const = default;
  };
  /// Null asks for every topic (v0 says so with an empty array, which decodes to null here).
  std::optional<std::vector<Topic>> topics;
  bool allow_auto_topic_creation = true;              // v4+
  bool include_cluster_authorized_operations = false;  // v8-10
  bool include_topic_authorized_operations = false;    // v8+
  bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  struct Broker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+
    bool operator==(const Broker&) const = default;
  };
  struct Partition {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition_index = 0;
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    ErrorCode error_code = ErrorCode::kNone;
    std::string name;  ///< nullable on the wire from v12; a null name decodes as empty
    Uuid topic_id;     // v10+
    bool is_internal = false;  // v1+
    std::vector<Partition> partitions;
    int32_t topic_authorized_operations = INT32_MIN;  // v8+
    bool operator==(const Topic&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Broker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  int32_t controller_id = -1;             // v1+
  std::vector<Topic> topics;
  int32_t cluster_authorized_operations = INT32_MIN;  // v8-10
  bool operator==(const MetadataResponse&) const = default;
};

}  // namespace basin::kafka
