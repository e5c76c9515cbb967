#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "server/kafka/handler.h"
#include "server/kafka/messages.h"

namespace basin::kafka {

struct GroupCoordinatorOptions {
  int32_t min_session_timeout_ms = 6000;     ///< group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;  ///< group.max.session.timeout.ms
  /// group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members
  /// (extended while they keep coming, up to the rebalance timeout).
  int32_t initial_rebalance_delay_ms = 3000;
};

/// Kafka's classic consumer-group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) as pure logic:
/// no I/O, no threads, time from an injected clock. Groups hold members and generations; the coordinator
/// picks the protocol every member supports (most preferred by vote), hands the leader every member's
/// metadata in JoinGroup and everyone their assignment in SyncGroup, and rebalances when members join,
/// leave or time out (session.timeout.ms, rebalance.timeout.ms). JoinGroup and SyncGroup answers are
/// delayed until all known members rejoined (or the rebalance timeout passed) and until the leader sent
/// the assignments: their callbacks run later, from another call or from Tick. Static members
/// (group.instance.id) keep their identity across restarts; a stale instance is fenced. Committed offsets
/// are not kept here (the log keeps them); ValidateOffsetCommit checks generation and member.
/// Thread-safe: one lock; callbacks run after it is released, on the calling thread.
class GroupCoordinator {
 public:
  using Clock = std::function<int64_t()>;  ///< milliseconds, monotonic

  explicit GroupCoordinator(GroupCoordinatorOptions options = {}, Clock now_ms = SteadyMillis);
  ~GroupCoordinator();

  void JoinGroup(const RequestContext& ctx, const JoinGroupRequest& request,
                 std::function<void(JoinGroupResponse)> done);
  void SyncGroup(const RequestContext& ctx, const SyncGroupRequest& request,
                 std::function<void(SyncGroupResponse)> done);
  [[nodiscard]] HeartbeatResponse Heartbeat(const HeartbeatRequest& request);
  /// Top-level error for v0-2 (one member); per-member results from v3 (`ctx.api_version`).
  [[nodiscard]] LeaveGroupResponse LeaveGroup(const RequestContext& ctx, const LeaveGroupRequest& request);
  /// Return kNone if the commit's member and generation may commit offsets now, else the error that each of
  /// its partitions gets (as Kafka: a commit with generation -1 is allowed for a group without members).
  [[nodiscard]] ErrorCode ValidateOffsetCommit(const OffsetCommitRequest& request);
  [[nodiscard]] DescribeGroupsResponse::Group DescribeGroup(const std::string& group_id);
  /// Return the groups whose state is one of `states_filter` (all when empty; names compare ignoring case).
  [[nodiscard]] std::vector<ListGroupsResponse::Group> ListGroups(const std::vector<std::string>& states_filter);

  /// Expire members whose session ended, finish rebalances whose deadline passed, drop members that never
  /// sent SyncGroup. Call it periodically or at NextDeadline.
  void Tick();
  /// Return the earliest time at which Tick has something to do.
  [[nodiscard]] std::optional<int64_t> NextDeadline();

  static int64_t SteadyMillis();

 private:
  enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };
  struct Member;
  struct Group;
  /// Callbacks collected under the lock, run after it is released.
  using Completions = std::vector<std::function<void()>>;

  Group* Find(const std::string& group_id);
  std::string NewMemberId(const std::string& client_id);
  static const char* StateName(State state);
  bool SupportsProtocols(const Group& g, const std::string& protocol_type,
                         const std::vector<JoinGroupRequest::Protocol>& protocols, const std::string& except) const;
  static std::optional<std::string> SelectProtocol(const Group& g);
  /// Return the error a request of a member gets when its group.instance.id belongs to another member.
  static ErrorCode CheckFenced(const Group& g, const std::string& member_id,
                               const std::optional<std::string>& instance_id);
  JoinGroupResponse CurrentGeneration(const Group& g, const Member& m) const;
  void AddMemberAndRebalance(Group& g, const RequestContext& ctx, const JoinGroupRequest& request,
                             const std::string& member_id, int32_t rebalance_timeout,
                             std::function<void(JoinGroupResponse)> done, Completions& out);
  void UpdateMemberAndRebalance(Group& g, Member& m, const JoinGroupRequest& request,
                                std::function<void(JoinGroupResponse)> done, Completions& out);
  void ReplaceStaticMember(Group& g, const std::string& old_id, const std::string& new_id, Completions& out);
  void PrepareRebalance(Group& g, Completions& out);
  void MaybeCompleteJoin(Group& g, Completions& out);
  void CompleteJoin(Group& g, Completions& out);
  void RemoveMember(Group& g, const std::string& member_id, Completions& out);
  void FinishSync(Group& g, const SyncGroupRequest& leader_request, Completions& out);
  void TickGroup(Group& g, int64_t now, Completions& out);
  int32_t RebalanceTimeout(const Group& g) const;

  const GroupCoordinatorOptions options_;
  const Clock now_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  std::mt19937_64 random_;
  uint64_t next_join_order_ = 0;
};

}  // namespace basin::kafka
