// Fields of ApiVersions, CreateTopics, DeleteTopics, InitProducerId and DescribeConfigs, and the request
// header, in the order and version ranges of Kafka's schemas.

#include "server/kafka/codec_internal.h"

namespace basin::kafka {

namespace internal {

std::string MessageName(ApiKey key, const char* kind, int16_t version) {
  const ApiVersionRange* api = FindApi(static_cast<int16_t>(key));
  std::string name = api ? std::string(api->name) : "api " + std::to_string(static_cast<int>(key));
  return name + kind + " v" + std::to_string(version);
}

void EncodeRequestHeader(Writer& w, const RequestHeader& header) {
  w.Int16("api_key", header.api_key);
  w.Int16("api_version", header.api_version);
  w.Int32("correlation_id", header.correlation_id);
  w.LegacyNullableString("client_id", header.client_id);
  w.TaggedFields();  // header v2 in flexible versions
}

}  // namespace internal

RequestHeader DecodeRequestHeader(Reader& reader) {
  RequestHeader h;
  reader.SetContext("request header");
  reader.SetVersion(0, false);
  reader.Int16("api_key", h.api_key);
  reader.Int16("api_version", h.api_version);
  reader.Int32("correlation_id", h.correlation_id);
  reader.LegacyNullableString("client_id", h.client_id);
  const ApiVersionRange* api = FindApi(h.api_key);
  if (api == nullptr || h.api_version < api->min_version || h.api_version > api->max_version) return h;
  const bool flexible = IsFlexible(*api, h.api_version);
  reader.SetVersion(h.api_version, flexible);
  reader.TaggedFields();
  reader.SetContext(internal::MessageName(api->key, "Request", h.api_version));
  return h;
}

template <class IO>
void Fields(IO& io, ApiVersionsRequest& m) {
  if (io.version() >= 3) {
    io.String("client_software_name", m.client_software_name);
    io.String("client_software_version", m.client_software_version);
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ApiVersionsResponse& m) {
  io.Enum16("error_code", m.error_code);
  io.Array("api_keys", m.api_keys, [&](auto& a) {
    io.Int16("api_key", a.api_key);
    io.Int16("min_version", a.min_version);
    io.Int16("max_version", a.max_version);
    io.TaggedFields();
  });
  if (io.version() >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, CreateTopicsRequest& m) {
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Int32("num_partitions", t.num_partitions);
    io.Int16("replication_factor", t.replication_factor);
    io.Array("assignments", t.assignments, [&](auto& a) {
      io.Int32("partition_index", a.partition_index);
      io.Int32Array("broker_ids", a.broker_ids);
      io.TaggedFields();
    });
    io.Array("configs", t.configs, [&](auto& c) {
      io.String("name", c.name);
      io.NullableString("value", c.value);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.Int32("timeout_ms", m.timeout_ms);
  if (io.version() >= 1) io.Bool("validate_only", m.validate_only);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, CreateTopicsResponse& m) {
  const int v = io.version();
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    if (v >= 7) io.Uuid("topic_id", t.topic_id);
    io.Enum16("error_code", t.error_code);
    if (v >= 1) io.NullableString("error_message", t.error_message);
    // v5+ may carry TopicConfigErrorCode as tag 0; none is written.
    if (v >= 5) {
      io.Int32("num_partitions", t.num_partitions);
      io.Int16("replication_factor", t.replication_factor);
      io.NullableArray("configs", t.configs, [&](auto& c) {
        io.String("name", c.name);
        io.NullableString("value", c.value);
        io.Bool("read_only", c.read_only);
        io.Int8("config_source", c.config_source);
        io.Bool("is_sensitive", c.is_sensitive);
        io.TaggedFields();
      });
    }
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DeleteTopicsRequest& m) {
  const int v = io.version();
  if (v <= 5) {
    std::vector<std::string> names;
    if constexpr (!IO::kReading) {
      for (const auto& t : m.topics) names.push_back(t.name.value_or(std::string()));
    }
    io.StringArray("topic_names", names);
    if constexpr (IO::kReading) {
      for (std::string& name : names) m.topics.push_back({std::move(name), {}});
    }
  } else {
    io.Array("topics", m.topics, [&](auto& t) {
      io.NullableString("name", t.name);
      io.Uuid("topic_id", t.topic_id);
      io.TaggedFields();
    });
  }
  io.Int32("timeout_ms", m.timeout_ms);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DeleteTopicsResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("responses", m.responses, [&](auto& r) {
    internal::StringOrNull(io, "name", r.name, v >= 6);
    if (v >= 6) io.Uuid("topic_id", r.topic_id);
    io.Enum16("error_code", r.error_code);
    if (v >= 5) io.NullableString("error_message", r.error_message);
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, InitProducerIdRequest& m) {
  io.NullableString("transactional_id", m.transactional_id);
  io.Int32("transaction_timeout_ms", m.transaction_timeout_ms);
  if (io.version() >= 3) {
    io.Int64("producer_id", m.producer_id);
    io.Int16("producer_epoch", m.producer_epoch);
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, InitProducerIdResponse& m) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  io.Int64("producer_id", m.producer_id);
  io.Int16("producer_epoch", m.producer_epoch);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DescribeConfigsRequest& m) {
  const int v = io.version();
  io.Array("resources", m.resources, [&](auto& r) {
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.NullableArray("configuration_keys", r.configuration_keys,
                     [&](std::string& key) { io.String("configuration_keys", key); });
    io.TaggedFields();
  });
  if (v >= 1) io.Bool("include_synonyms", m.include_synonyms);
  if (v >= 3) io.Bool("include_documentation", m.include_documentation);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DescribeConfigsResponse& m) {
  const int v = io.version();
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("results", m.results, [&](auto& r) {
    io.Enum16("error_code", r.error_code);
    io.NullableString("error_message", r.error_message);
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.Array("configs", r.configs, [&](auto& c) {
      io.String("name", c.name);
      io.NullableString("value", c.value);
      io.Bool("read_only", c.read_only);
      if (v == 0) io.Bool("is_default", c.is_default);
      if (v >= 1) io.Int8("config_source", c.config_source);
      io.Bool("is_sensitive", c.is_sensitive);
      if (v >= 1) {
        io.Array("synonyms", c.synonyms, [&](auto& s) {
          io.String("name", s.name);
          io.NullableString("value", s.value);
          io.Int8("source", s.source);
          io.TaggedFields();
        });
      }
      if (v >= 3) {
        io.Int8("config_type", c.config_type);
        io.NullableString("documentation", c.documentation);
      }
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

BASIN_KAFKA_CODEC(ApiVersionsRequest, ApiVersionsResponse)
BASIN_KAFKA_CODEC(CreateTopicsRequest, CreateTopicsResponse)
BASIN_KAFKA_CODEC(DeleteTopicsRequest, DeleteTopicsResponse)
BASIN_KAFKA_CODEC(InitProducerIdRequest, InitProducerIdResponse)
BASIN_KAFKA_CODEC(DescribeConfigsRequest, DescribeConfigsResponse)

}  // namespace basin::kafka
