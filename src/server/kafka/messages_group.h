#pragma once

// Consumer-group requests and responses: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
// OffsetCommit, OffsetFetch, DescribeGroups, ListGroups. Where a later version batches what an earlier one
// held in single fields (FindCoordinator v4 keys, LeaveGroup v3 members, OffsetFetch v8 groups) the
// structs hold the batched form for every version: an older version decodes into one element and encodes
// the first.

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/kafka/api.h"
#include "server/kafka/error_code.h"

namespace basin::kafka {

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr int8_t kGroup = 0, kTransaction = 1;
  int8_t key_type = kGroup;           // v1+
  std::vector<std::string> keys;      ///< v0-3 send one key
  bool operator==(const FindCoordinatorRequest&) const = default;
};

struct FindCoordinatorResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  struct Coordinator {
    std::string key;  ///< v4+ only on the wire
    int32_t node_id = -1;
    std::string host;
    int32_t port = -1;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v1+
    bool operator==(const Coordinator&) const = default;
  };
  int32_t throttle_time_ms = 0;           // v1+
  std::vector<Coordinator> coordinators;  ///< v0-3 send the first
  bool operator==(const FindCoordinatorResponse&) const = default;
};

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  struct Protocol {
    std::string name;
    std::string metadata;
    bool operator==(const Protocol&) const = default;
  };
  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  ///< v1+; -1 means the session timeout
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;
  std::vector<Protocol> protocols;
  std::optional<std::string> reason;  // v8+
  bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::string metadata;
    bool operator==(const Member&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v2+
  ErrorCode error_code = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // v7+
  std::optional<std::string> protocol_name;  ///< nullable from v7; before, null is sent as ""
  std::string leader;
  bool skip_assignment = false;  // v9+
  std::string member_id;
  std::vector<Member> members;  ///< only the leader's response lists them
  bool operator==(const JoinGroupResponse&) const = default;
};

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  struct Assignment {
    std::string member_id;
    std::string assignment;
    bool operator==(const Assignment&) const = default;
  };
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::optional<std::string> protocol_type;      // v5+
  std::optional<std::string> protocol_name;      // v5+
  std::vector<Assignment> assignments;           ///< from the leader only
  bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  std::string assignment;
  bool operator==(const SyncGroupResponse&) const = default;
};

struct HeartbeatRequest {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  bool operator==(const HeartbeatRequest&) const = default;
};

struct HeartbeatResponse {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  bool operator==(const HeartbeatResponse&) const = default;
};

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::optional<std::string> reason;             // v5+
    bool operator==(const Member&) const = default;
  };
  std::string group_id;
  std::vector<Member> members;  ///< v0-2 send one member id
  bool operator==(const LeaveGroupRequest&) const = default;
};

struct LeaveGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const Member&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<Member> members;  // v3+
  bool operator==(const LeaveGroupResponse&) const = default;
};

struct OffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    int64_t commit_timestamp = -1;        // v1 only
    std::optional<std::string> committed_metadata;
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  std::string group_id;
  int32_t generation_id = -1;  // v1+
  std::string member_id;       // v1+
  std::optional<std::string> group_instance_id;  // v7+
  int64_t retention_time_ms = -1;                // v2-4
  std::vector<Topic> topics;
  bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Topic> topics;
  bool operator==(const OffsetCommitResponse&) const = default;
};

struct OffsetFetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  struct Topic {
    std::string name;
    std::vector<int32_t> partition_indexes;
    bool operator==(const Topic&) const = default;
  };
  struct Group {
    std::string group_id;
    std::optional<std::vector<Topic>> topics;  ///< null (v2+): every partition the group committed
    bool operator==(const Group&) const = default;
  };
  std::vector<Group> groups;  ///< v0-7 send one group
  bool require_stable = false;  // v7+
  bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const Partition&) const = default;
  };
  struct Topic {
    std::string name;
    std::vector<Partition> partitions;
    bool operator==(const Topic&) const = default;
  };
  struct Group {
    std::string group_id;  ///< v8+ only on the wire
    std::vector<Topic> topics;
    ErrorCode error_code = ErrorCode::kNone;  ///< v2+ (v0-1 carry errors per partition only)
    bool operator==(const Group&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v3+
  std::vector<Group> groups;     ///< v0-7 send the first
  bool operator==(const OffsetFetchResponse&) const = default;
};

struct DescribeGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+
  bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribeGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::string member_metadata;
    std::string member_assignment;
    bool operator==(const Member&) const = default;
  };
  struct Group {
    ErrorCode error_code = ErrorCode::kNone;
    std::string group_id;
    std::string group_state;  ///< "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"
    std::string protocol_type;
    std::string protocol_data;  ///< the selected protocol's name
    std::vector<Member> members;
    int32_t authorized_operations = INT32_MIN;  // v3+
    bool operator==(const Group&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v1+
  std::vector<Group> groups;
  bool operator==(const DescribeGroupsResponse&) const = default;
};

struct ListGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  std::vector<std::string> states_filter;  // v4+
  bool operator==(const ListGroupsRequest&) const = default;
};

struct ListGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  struct Group {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;  // v4+
    bool operator==(const Group&) const = default;
  };
  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<Group> groups;
  bool operator==(const ListGroupsResponse&) const = default;
};

}  // namespace basin::kafka
