// The group APIs: membership through the GroupCoordinator (its deadlines on the server's timer), committed
// offsets in the log's GroupOffsets.

#include <strings.h>

#include <algorithm>
#include <climits>
#include <mutex>

#include "log/errors.h"
#include "log/log_manager.h"
#include "server/kafka/broker.h"
#include "server/kafka/broker_internal.h"

namespace basin::kafka {

using internal::EachPartition;

void Broker::ArmGroupTimer() {
  const std::optional<int64_t> deadline = groups_.NextDeadline();
  if (!deadline || !run_after_) return;
  {
    std::lock_guard lock(timer_mutex_);
    if (*deadline >= timer_armed_at_) return;
    timer_armed_at_ = *deadline;
  }
  const int64_t delay = std::max<int64_t>(0, *deadline - GroupCoordinator::SteadyMillis());
  run_after_(std::chrono::milliseconds(delay), [this, at = *deadline] {
    {
      std::lock_guard lock(timer_mutex_);
      if (timer_armed_at_ == at) timer_armed_at_ = INT64_MAX;
    }
    groups_.Tick();
    ArmGroupTimer();
  });
}

void Broker::FindCoordinator(const RequestContext& ctx, FindCoordinatorRequest request,
                             Reply<FindCoordinatorResponse> reply) {
  FindCoordinatorResponse response;
  const MetadataResponse::Broker self = Self();
  for (const std::string& key : request.keys) {
    FindCoordinatorResponse::Coordinator& c = response.coordinators.emplace_back();
    c.key = key;
    if (request.key_type != FindCoordinatorRequest::kGroup) {
      c.error_code = ErrorCode::kInvalidRequest;
      c.error_message = "transactions are not supported: there is no transaction coordinator";
      continue;
    }
    c.node_id = self.node_id;
    c.host = self.host;
    c.port = self.port;
  }
  reply(std::move(response));
}

void Broker::JoinGroup(const RequestContext& ctx, JoinGroupRequest request, Reply<JoinGroupResponse> reply) {
  groups_.JoinGroup(ctx, request, reply);
  ArmGroupTimer();
}

void Broker::SyncGroup(const RequestContext& ctx, SyncGroupRequest request, Reply<SyncGroupResponse> reply) {
  groups_.SyncGroup(ctx, request, reply);
  ArmGroupTimer();
}

void Broker::Heartbeat(const RequestContext& ctx, HeartbeatRequest request, Reply<HeartbeatResponse> reply) {
  reply(groups_.Heartbeat(request));
  ArmGroupTimer();
}

void Broker::LeaveGroup(const RequestContext& ctx, LeaveGroupRequest request, Reply<LeaveGroupResponse> reply) {
  reply(groups_.LeaveGroup(ctx, request));
  ArmGroupTimer();
}

void Broker::OffsetCommit(const RequestContext& ctx, OffsetCommitRequest request, Reply<OffsetCommitResponse> reply) {
  const ErrorCode group_error =
      request.group_id.empty() ? ErrorCode::kInvalidGroupId : groups_.ValidateOffsetCommit(request);
  ArmGroupTimer();  // a valid commit counts as a heartbeat
  OffsetCommitResponse response;
  std::vector<std::pair<log::TopicPartition, log::CommittedOffset>> commits;
  std::vector<OffsetCommitResponse::Partition*> committed;  // their results, answered by the one write
  std::map<std::string, int32_t> partition_counts;          // -1: no such topic
  EachPartition(request, response, [&](const std::string& topic, const auto& p, auto& result) {
    result.partition_index = p.partition_index;
    result.error_code = group_error;
    if (group_error != ErrorCode::kNone) return;
    auto [count, inserted] = partition_counts.try_emplace(topic, -1);
    if (inserted) {
      if (const std::optional<log::TopicInfo> info = log_.FindTopic(topic)) count->second = info->partitions;
    }
    if (p.partition_index < 0 || p.partition_index >= count->second) {
      result.error_code = ErrorCode::kUnknownTopicOrPartition;
    } else if (p.committed_metadata && p.committed_metadata->size() > options_.max_offset_metadata_bytes) {
      result.error_code = ErrorCode::kOffsetMetadataTooLarge;
    } else {
      log::CommittedOffset offset;
      offset.offset = p.committed_offset;
      offset.leader_epoch = p.committed_leader_epoch;
      offset.metadata = p.committed_metadata.value_or(std::string());
      commits.push_back({{topic, p.partition_index}, std::move(offset)});
      committed.push_back(&result);
    }
  });
  if (!commits.empty()) {
    try {
      log_.group_offsets().Commit(request.group_id, commits);
    } catch (...) {
      // As Kafka maps a failed write of __consumer_offsets: the client finds the coordinator again and retries.
      const ErrorCode code = internal::CurrentFailure().code;
      const ErrorCode answer = code == ErrorCode::kMessageTooLarge || code == ErrorCode::kRecordListTooLarge
                                   ? ErrorCode::kInvalidCommitOffsetSize
                                   : ErrorCode::kNotCoordinator;
      for (OffsetCommitResponse::Partition* result : committed) result->error_code = answer;
    }
  }
  reply(std::move(response));
}

void Broker::OffsetFetch(const RequestContext& ctx, OffsetFetchRequest request, Reply<OffsetFetchResponse> reply) {
  OffsetFetchResponse response;
  for (const OffsetFetchRequest::Group& g : request.groups) {
    OffsetFetchResponse::Group& out = response.groups.emplace_back();
    out.group_id = g.group_id;
    const auto add = [&](const std::string& topic, int32_t partition, const std::optional<log::CommittedOffset>& c) {
      if (out.topics.empty() || out.topics.back().name != topic) out.topics.emplace_back().name = topic;
      OffsetFetchResponse::Partition& p = out.topics.back().partitions.emplace_back();
      p.partition_index = partition;
      p.metadata = std::string();
      if (c) {
        p.committed_offset = c->offset;
        p.committed_leader_epoch = c->leader_epoch;
        p.metadata = c->metadata;
      }
    };
    if (g.group_id.empty()) out.error_code = ErrorCode::kInvalidGroupId;
    const bool valid = out.error_code == ErrorCode::kNone;
    if (!g.topics) {
      if (valid) {
        for (const auto& [tp, c] : log_.group_offsets().FetchAll(g.group_id)) add(tp.topic, tp.partition, c);
      }
    } else {
      for (const OffsetFetchRequest::Topic& t : *g.topics) {
        out.topics.emplace_back().name = t.name;
        for (int32_t p : t.partition_indexes) {
          add(t.name, p, valid ? log_.group_offsets().Fetch(g.group_id, {t.name, p}) : std::nullopt);
        }
      }
    }
    // v0-1 have no group-level error: each partition carries it.
    if (ctx.api_version <= 1 && out.error_code != ErrorCode::kNone) {
      for (auto& t : out.topics) {
        for (auto& p : t.partitions) p.error_code = out.error_code;
      }
    }
  }
  reply(std::move(response));
}

void Broker::DescribeGroups(const RequestContext& ctx, DescribeGroupsRequest request,
                            Reply<DescribeGroupsResponse> reply) {
  DescribeGroupsResponse response;
  for (const std::string& id : request.groups) {
    DescribeGroupsResponse::Group group = groups_.DescribeGroup(id);
    if (id.empty()) {
      group.error_code = ErrorCode::kInvalidGroupId;
    } else if (group.group_state == "Dead" && !log_.group_offsets().FetchAll(id).empty()) {
      // A group without members whose offsets are kept (after a restart, or committed without joining).
      group.group_state = "Empty";
      group.protocol_type = "consumer";
    }
    response.groups.push_back(std::move(group));
  }
  reply(std::move(response));
}

void Broker::ListGroups(const RequestContext& ctx, ListGroupsRequest request, Reply<ListGroupsResponse> reply) {
  ListGroupsResponse response;
  response.groups = groups_.ListGroups(request.states_filter);
  // Groups known only by their committed offsets are Empty consumer groups.
  const bool empty_wanted =
      request.states_filter.empty() ||
      std::any_of(request.states_filter.begin(), request.states_filter.end(),
                  [](const std::string& s) { return strcasecmp(s.c_str(), "Empty") == 0; });
  if (empty_wanted) {
    const std::vector<ListGroupsResponse::Group> live = groups_.ListGroups({});
    for (const std::string& id : log_.group_offsets().ListGroups()) {
      if (std::none_of(live.begin(), live.end(), [&](const auto& g) { return g.group_id == id; }))
        response.groups.push_back({id, "consumer", "Empty"});
    }
  }
  reply(std::move(response));
}

}  // namespace basin::kafka
