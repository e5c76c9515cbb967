// Fields of Produce, Fetch, ListOffsets and Metadata, in the order and version ranges of Kafka's schemas.

#include "server/kafka/codec_internal.h"

namespace basin::kafka {

using internal::StringOrNull;

template <class IO>
void Fields(IO& io, ProduceRequest& m) {
  const int v = io.version();
  if (v >= 3) io.NullableString("transactional_id", m.transactional_id);
  io.Int16("acks", m.acks);
  io.Int32("timeout_ms", m.timeout_ms);
  io.Array("topic_data", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partition_data", t.partitions, [&](auto& p) {
      io.Int32("index", p.index);
      io.Records("records", p.records);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ProduceResponse& m) {
  const int v = io.version();
  io.Array("responses", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partition_responses", t.partitions, [&](auto& p) {
      io.Int32("index", p.index);
      io.Enum16("error_code", p.error_code);
      io.Int64("base_offset", p.base_offset);
      if (v >= 2) io.Int64("log_append_time_ms", p.log_append_time_ms);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      if (v >= 8) {
        io.Array("record_errors", p.record_errors, [&](auto& e) {
          io.Int32("batch_index", e.batch_index);
          io.NullableString("batch_index_error_message", e.batch_index_error_message);
          io.TaggedFields();
        });
        io.NullableString("error_message", p.error_message);
      }
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, FetchRequest& m) {
  const int v = io.version();
  // v12+ may carry ClusterId as tag 0; it is skipped with the other tags.
  io.Int32("replica_id", m.replica_id);
  io.Int32("max_wait_ms", m.max_wait_ms);
  io.Int32("min_bytes", m.min_bytes);
  if (v >= 3) io.Int32("max_bytes", m.max_bytes);
  if (v >= 4) io.Int8("isolation_level", m.isolation_level);
  if (v >= 7) {
    io.Int32("session_id", m.session_id);
    io.Int32("session_epoch", m.session_epoch);
  }
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition", p.partition);
      if (v >= 9) io.Int32("current_leader_epoch", p.current_leader_epoch);
      io.Int64("fetch_offset", p.fetch_offset);
      if (v >= 12) io.Int32("last_fetched_epoch", p.last_fetched_epoch);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      io.Int32("partition_max_bytes", p.partition_max_bytes);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  if (v >= 7) {
    io.Array("forgotten_topics_data", m.forgotten_topics, [&](auto& t) {
      io.String("topic", t.topic);
      io.Int32Array("partitions", t.partitions);
      io.TaggedFields();
    });
  }
  if (v >= 11) io.String("rack_id", m.rack_id);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, FetchResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v >= 7) {
    io.Enum16("error_code", m.error_code);
    io.Int32("session_id", m.session_id);
  }
  io.Array("responses", m.responses, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Enum16("error_code", p.error_code);
      io.Int64("high_watermark", p.high_watermark);
      if (v >= 4) io.Int64("last_stable_offset", p.last_stable_offset);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      if (v >= 4) {
        io.NullableArray("aborted_transactions", p.aborted_transactions, [&](auto& a) {
          io.Int64("producer_id", a.producer_id);
          io.Int64("first_offset", a.first_offset);
          io.TaggedFields();
        });
      }
      if (v >= 11) io.Int32("preferred_read_replica", p.preferred_read_replica);
      io.Records("records", p.records);
      // v12+ tags (diverging epoch, current leader, snapshot id) are for followers; none are written.
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ListOffsetsRequest& m) {
  const int v = io.version();
  io.Int32("replica_id", m.replica_id);
  if (v >= 2) io.Int8("isolation_level", m.isolation_level);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      if (v >= 4) io.Int32("current_leader_epoch", p.current_leader_epoch);
      io.Int64("timestamp", p.timestamp);
      if (v == 0) io.Int32("max_num_offsets", p.max_num_offsets);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ListOffsetsResponse& m) {
  const int v = io.version();
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Enum16("error_code", p.error_code);
      if (v == 0) {
        io.Array("old_style_offsets", p.old_style_offsets, [&](int64_t& o) { io.Int64("old_style_offsets", o); });
      } else {
        io.Int64("timestamp", p.timestamp);
        io.Int64("offset", p.offset);
      }
      if (v >= 4) io.Int32("leader_epoch", p.leader_epoch);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, MetadataRequest& m) {
  const int v = io.version();
  auto topic = [&](MetadataRequest::Topic& t) {
    if (v >= 10) io.Uuid("topic_id", t.topic_id);
    internal::MaybeNullableString(io, "name", t.name, v >= 10);
    io.TaggedFields();
  };
  if (v == 0) {
    // v0 asks for every topic with an empty array; null says so from v1 on.
    internal::MaybeNullableArray(io, "topics", m.topics, false, topic);
    if constexpr (IO::kReading) {
      if (m.topics->empty()) m.topics.reset();
    }
  } else {
    io.NullableArray("topics", m.topics, topic);
  }
  if (v >= 4) io.Bool("allow_auto_topic_creation", m.allow_auto_topic_creation);
  if (v >= 8 && v <= 10) io.Bool("include_cluster_authorized_operations", m.include_cluster_authorized_operations);
  if (v >= 8) io.Bool("include_topic_authorized_operations", m.include_topic_authorized_operations);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, MetadataResponse& m) {
  const int v = io.version();
  if (v >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("brokers", m.brokers, [&](auto& b) {
    io.Int32("node_id", b.node_id);
    io.String("host", b.host);
    io.Int32("port", b.port);
    if (v >= 1) io.NullableString("rack", b.rack);
    io.TaggedFields();
  });
  if (v >= 2) io.NullableString("cluster_id", m.cluster_id);
  if (v >= 1) io.Int32("controller_id", m.controller_id);
  io.Array("topics", m.topics, [&](auto& t) {
    io.Enum16("error_code", t.error_code);
    StringOrNull(io, "name", t.name, v >= 12);
    if (v >= 10) io.Uuid("topic_id", t.topic_id);
    if (v >= 1) io.Bool("is_internal", t.is_internal);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Enum16("error_code", p.error_code);
      io.Int32("partition_index", p.partition_index);
      io.Int32("leader_id", p.leader_id);
      if (v >= 7) io.Int32("leader_epoch", p.leader_epoch);
      io.Int32Array("replica_nodes", p.replica_nodes);
      io.Int32Array("isr_nodes", p.isr_nodes);
      if (v >= 5) io.Int32Array("offline_replicas", p.offline_replicas);
      io.TaggedFields();
    });
    if (v >= 8) io.Int32("topic_authorized_operations", t.topic_authorized_operations);
    io.TaggedFields();
  });
  if (v >= 8 && v <= 10) io.Int32("cluster_authorized_operations", m.cluster_authorized_operations);
  io.TaggedFields();
}

BASIN_KAFKA_CODEC(ProduceRequest, ProduceResponse)
BASIN_KAFKA_CODEC(FetchRequest, FetchResponse)
BASIN_KAFKA_CODEC(ListOffsetsRequest, ListOffsetsResponse)
BASIN_KAFKA_CODEC(MetadataRequest, MetadataResponse)

}  // namespace basin::kafka
