// Fields of the consumer-group APIs, in the order and version ranges of Kafka's schemas.

#include "server/kafka/codec_internal.h"

namespace basin::kafka {

using internal::FirstElement;
using internal::MaybeNullableArray;
using internal::MaybeNullableString;

template <class IO>
void Fields(IO& io, FindCoordinatorRequest& m) {
  const int v = io.version();
  if (v <= 3) {
    FirstElement(io, m.keys, [&](std::string& key) { io.String("key", key); });
    if (v >= 1) io.Int8("key_type", m.key_type);
  } else {
    io.Int8("key_type", m.key_type);
    io.StringArray("coordinator_keys", m.keys);
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, FindCoordinatorResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v <= 3) {
    FirstElement(io, m.coordinators, [&](auto& c) {
      io.Enum16("error_code", c.error_code);
      if (v >= 1) io.NullableString("error_message", c.error_message);
      io.Int32("node_id", c.node_id);
      io.String("host", c.host);
      io.Int32("port", c.port);
    });
  } else {
    io.Array("coordinators", m.coordinators, [&](auto& c) {
      io.String("key", c.key);
      io.Int32("node_id", c.node_id);
      io.String("host", c.host);
      io.Int32("port", c.port);
      io.Enum16("error_code", c.error_code);
      io.NullableString("error_message", c.error_message);
      io.TaggedFields();
    });
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, JoinGroupRequest& m) {
  const int v = io.version();
  io.String("group_id", m.group_id);
  io.Int32("session_timeout_ms", m.session_timeout_ms);
  if (v >= 1) io.Int32("rebalance_timeout_ms", m.rebalance_timeout_ms);
  io.String("member_id", m.member_id);
  if (v >= 5) io.NullableString("group_instance_id", m.group_instance_id);
  io.String("protocol_type", m.protocol_type);
  io.Array("protocols", m.protocols, [&](auto& p) {
    io.String("name", p.name);
    io.Bytes("metadata", p.metadata);
    io.TaggedFields();
  });
  if (v >= 8) io.NullableString("reason", m.reason);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, JoinGroupResponse& m) {
  const int v = io.version();
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  io.Int32("generation_id", m.generation_id);
  if (v >= 7) io.NullableString("protocol_type", m.protocol_type);
  MaybeNullableString(io, "protocol_name", m.protocol_name, v >= 7);
  io.String("leader", m.leader);
  if (v >= 9) io.Bool("skip_assignment", m.skip_assignment);
  io.String("member_id", m.member_id);
  io.Array("members", m.members, [&](auto& member) {
    io.String("member_id", member.member_id);
    if (v >= 5) io.NullableString("group_instance_id", member.group_instance_id);
    io.Bytes("metadata", member.metadata);
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, SyncGroupRequest& m) {
  const int v = io.version();
  io.String("group_id", m.group_id);
  io.Int32("generation_id", m.generation_id);
  io.String("member_id", m.member_id);
  if (v >= 3) io.NullableString("group_instance_id", m.group_instance_id);
  if (v >= 5) {
    io.NullableString("protocol_type", m.protocol_type);
    io.NullableString("protocol_name", m.protocol_name);
  }
  io.Array("assignments", m.assignments, [&](auto& a) {
    io.String("member_id", a.member_id);
    io.Bytes("assignment", a.assignment);
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, SyncGroupResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  if (v >= 5) {
    io.NullableString("protocol_type", m.protocol_type);
    io.NullableString("protocol_name", m.protocol_name);
  }
  io.Bytes("assignment", m.assignment);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, HeartbeatRequest& m) {
  io.String("group_id", m.group_id);
  io.Int32("generation_id", m.generation_id);
  io.String("member_id", m.member_id);
  if (io.version() >= 3) io.NullableString("group_instance_id", m.group_instance_id);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, HeartbeatResponse& m) {
  if (io.version() >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, LeaveGroupRequest& m) {
  const int v = io.version();
  io.String("group_id", m.group_id);
  if (v <= 2) {
    FirstElement(io, m.members, [&](auto& member) { io.String("member_id", member.member_id); });
  } else {
    io.Array("members", m.members, [&](auto& member) {
      io.String("member_id", member.member_id);
      io.NullableString("group_instance_id", member.group_instance_id);
      if (v >= 5) io.NullableString("reason", member.reason);
      io.TaggedFields();
    });
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, LeaveGroupResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  if (v >= 3) {
    io.Array("members", m.members, [&](auto& member) {
      io.String("member_id", member.member_id);
      io.NullableString("group_instance_id", member.group_instance_id);
      io.Enum16("error_code", member.error_code);
      io.TaggedFields();
    });
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, OffsetCommitRequest& m) {
  const int v = io.version();
  io.String("group_id", m.group_id);
  if (v >= 1) {
    io.Int32("generation_id", m.generation_id);
    io.String("member_id", m.member_id);
  }
  if (v >= 7) io.NullableString("group_instance_id", m.group_instance_id);
  if (v >= 2 && v <= 4) io.Int64("retention_time_ms", m.retention_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("committed_offset", p.committed_offset);
      if (v >= 6) io.Int32("committed_leader_epoch", p.committed_leader_epoch);
      if (v == 1) io.Int64("commit_timestamp", p.commit_timestamp);
      io.NullableString("committed_metadata", p.committed_metadata);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, OffsetCommitResponse& m) {
  if (io.version() >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Enum16("error_code", p.error_code);
      io.TaggedFields();
    });
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, OffsetFetchRequest& m) {
  const int v = io.version();
  auto topic = [&](OffsetFetchRequest::Topic& t) {
    io.String("name", t.name);
    io.Int32Array("partition_indexes", t.partition_indexes);
    io.TaggedFields();
  };
  if (v <= 7) {
    FirstElement(io, m.groups, [&](auto& g) {
      io.String("group_id", g.group_id);
      MaybeNullableArray(io, "topics", g.topics, v >= 2, topic);
    });
  } else {
    io.Array("groups", m.groups, [&](auto& g) {
      io.String("group_id", g.group_id);
      io.NullableArray("topics", g.topics, topic);
      io.TaggedFields();
    });
  }
  if (v >= 7) io.Bool("require_stable", m.require_stable);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, OffsetFetchResponse& m) {
  const int v = io.version();
  auto topic = [&](OffsetFetchResponse::Topic& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("committed_offset", p.committed_offset);
      if (v >= 5) io.Int32("committed_leader_epoch", p.committed_leader_epoch);
      io.NullableString("metadata", p.metadata);
      io.Enum16("error_code", p.error_code);
      io.TaggedFields();
    });
    io.TaggedFields();
  };
  if (v >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v <= 7) {
    FirstElement(io, m.groups, [&](auto& g) {
      io.Array("topics", g.topics, topic);
      if (v >= 2) io.Enum16("error_code", g.error_code);
    });
  } else {
    io.Array("groups", m.groups, [&](auto& g) {
      io.String("group_id", g.group_id);
      io.Array("topics", g.topics, topic);
      io.Enum16("error_code", g.error_code);
      io.TaggedFields();
    });
  }
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DescribeGroupsRequest& m) {
  io.StringArray("groups", m.groups);
  if (io.version() >= 3) io.Bool("include_authorized_operations", m.include_authorized_operations);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, DescribeGroupsResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("groups", m.groups, [&](auto& g) {
    io.Enum16("error_code", g.error_code);
    io.String("group_id", g.group_id);
    io.String("group_state", g.group_state);
    io.String("protocol_type", g.protocol_type);
    io.String("protocol_data", g.protocol_data);
    io.Array("members", g.members, [&](auto& member) {
      io.String("member_id", member.member_id);
      if (v >= 4) io.NullableString("group_instance_id", member.group_instance_id);
      io.String("client_id", member.client_id);
      io.String("client_host", member.client_host);
      io.Bytes("member_metadata", member.member_metadata);
      io.Bytes("member_assignment", member.member_assignment);
      io.TaggedFields();
    });
    if (v >= 3) io.Int32("authorized_operations", g.authorized_operations);
    io.TaggedFields();
  });
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ListGroupsRequest& m) {
  if (io.version() >= 4) io.StringArray("states_filter", m.states_filter);
  io.TaggedFields();
}

template <class IO>
void Fields(IO& io, ListGroupsResponse& m) {
  const int v = io.version();
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Enum16("error_code", m.error_code);
  io.Array("groups", m.groups, [&](auto& g) {
    io.String("group_id", g.group_id);
    io.String("protocol_type", g.protocol_type);
    if (v >= 4) io.String("group_state", g.group_state);
    io.TaggedFields();
  });
  io.TaggedFields();
}

BASIN_KAFKA_CODEC(FindCoordinatorRequest, FindCoordinatorResponse)
BASIN_KAFKA_CODEC(JoinGroupRequest, JoinGroupResponse)
BASIN_KAFKA_CODEC(SyncGroupRequest, SyncGroupResponse)
BASIN_KAFKA_CODEC(HeartbeatRequest, HeartbeatResponse)
BASIN_KAFKA_CODEC(LeaveGroupRequest, LeaveGroupResponse)
BASIN_KAFKA_CODEC(OffsetCommitRequest, OffsetCommitResponse)
BASIN_KAFKA_CODEC(OffsetFetchRequest, OffsetFetchResponse)
BASIN_KAFKA_CODEC(DescribeGroupsRequest, DescribeGroupsResponse)
BASIN_KAFKA_CODEC(ListGroupsRequest, ListGroupsResponse)

}  // namespace basin::kafka
