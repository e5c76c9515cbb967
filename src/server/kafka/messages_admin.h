#pragma once

// Requests and responses about the broker and its topics: ApiVersions, CreateTopics, DeleteTopics,
// InitProducerId, DescribeConfigs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/kafka/api.h"
#include "server/kafka/error_code.h"
#include "server/kafka/wire.h"

namespace basin::kafka {

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+
  bool operator==(const ApiVersionsRequest&) const = default;
};

struct ApiVersionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  struct Api {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
    bool operator==(const Api&) const = default;
  };
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<Api> api_keys;
  int32_t throttle_time_ms = 0;  // v1+
  bool operator==(const ApiVersionsResponse&) const = default;
};

struct CreateTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  struct Assignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;
    bool operator==(const Assignment&) const = default;
  };
  struct Config {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const Config&) const = default;
  };
  struct Topic {
    std::string name;
    int32_t num_partitions = -1;      ///< -1 (v4+): the broker's default
    int16_t replication_factor = -1;  ///< -1 (v4+): the broker's default
    std::vector<Assignment> assignments;
    std::vector<Config> configs;
    bool operator==(const Topic&) const = default;
  };
  std::vector<Topic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+
  bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreateTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  struct Config {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    bool operator==(const Config&) const = default;
  };
  struct Topic {
    std::string name;
    Uuid topic_id;  // v7+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v1+
    int32_t num_partitions = -1;               // v5+
    int16_t replication_factor = -1;           // v5+
    std::optional<std::vector<Config>> configs;  // v5+
    bool operator==(const Topic&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v2+
  std::vector<Topic> topics;
  bool operator==(const CreateTopicsResponse&) const = default;
};

struct DeleteTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  struct Topic {
    std::optional<std::string> name;  ///< v0-5 send names only; v6 may name a topic by id instead
    Uuid topic_id;                    // v6+
    bool operator==(const Topic&) const = default;
  };
  std::vector<Topic> topics;
  int32_t timeout_ms = 60000;
  bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeleteTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  struct Result {
    std::string name;  ///< nullable on the wire from v6; a null name decodes as empty
    Uuid topic_id;     // v6+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v5+
    bool operator==(const Result&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v1+
  std::vector<Result> responses;
  bool operator==(const DeleteTopicsResponse&) const = default;
};

struct InitProducerIdRequest {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  std::optional<std::string> transactional_id;
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;    // v3+
  int16_t producer_epoch = -1;  // v3+
  bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;
  bool operator==(const InitProducerIdResponse&) const = default;
};

struct DescribeConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  static constexpr int8_t kTopic = 2, kBroker = 4;  ///< resource types
  struct Resource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  ///< null: every config
    bool operator==(const Resource&) const = default;
  };
  std::vector<Resource> resources;
  bool include_synonyms = false;       // v1+
  bool include_documentation = false;  // v3+
  bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  struct Synonym {
    std::string name;
    std::optional<std::string> value;
    int8_t source = 0;
    bool operator==(const Synonym&) const = default;
  };
  struct Config {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;    // v0 only
    int8_t config_source = -1;  ///< v1+: 1 dynamic topic config ... 5 default config
    bool is_sensitive = false;
    std::vector<Synonym> synonyms;  // v1+
    int8_t config_type = 0;         // v3+
    std::optional<std::string> documentation;  // v3+
    bool operator==(const Config&) const = default;
  };
  struct Result {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<Config> configs;
    bool operator==(const Result&) const = default;
  };
  int32_t throttle_time_ms = 0;
  std::vector<Result> results;
  bool operator==(const DescribeConfigsResponse&) const = default;
};

}  // namespace basin::kafka
