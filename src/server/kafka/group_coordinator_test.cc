#include "server/kafka/group_coordinator.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace basin::kafka {
namespace {

/// A group member as a client drives it: joins, syncs, heartbeats, with answers captured.
struct TestMember {
  TestMember(std::string client, std::vector<JoinGroupRequest::Protocol> supported,
             std::optional<std::string> instance = std::nullopt)
      : client_id(std::move(client)), protocols(std::move(supported)), instance_id(std::move(instance)) {}

  std::string client_id;
  std::vector<JoinGroupRequest::Protocol> protocols;
  std::optional<std::string> instance_id;
  std::string member_id;
  int32_t generation = -1;
  std::optional<JoinGroupResponse> joined;
  std::optional<SyncGroupResponse> synced;
};

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  GroupCoordinatorTest() : coordinator_(Options(0), [this] { return now_; }) {}

  static GroupCoordinatorOptions Options(int32_t initial_delay_ms) {
    GroupCoordinatorOptions o;
    o.initial_rebalance_delay_ms = initial_delay_ms;
    return o;
  }
  RequestContext Context(const TestMember& m, int16_t version) {
    RequestContext ctx;
    ctx.client_id = m.client_id;
    ctx.client_host = "127.0.0.1";
    ctx.api_version = version;
    return ctx;
  }
  /// Send JoinGroup (v3: before KIP-394, a new member is admitted without the MEMBER_ID_REQUIRED round).
  void Join(TestMember& m, int16_t version = 3) {
    JoinGroupRequest r;
    r.group_id = "g";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 30000;
    r.member_id = m.member_id;
    r.group_instance_id = m.instance_id;
    r.protocol_type = "consumer";
    r.protocols = m.protocols;
    m.joined.reset();
    coordinator_.JoinGroup(Context(m, version), r, [&m](JoinGroupResponse response) {
      if (response.error_code == ErrorCode::kNone || response.error_code == ErrorCode::kMemberIdRequired) {
        m.member_id = response.member_id;
      }
      if (response.error_code == ErrorCode::kNone) m.generation = response.generation_id;
      m.joined = std::move(response);
    });
  }
  void Sync(TestMember& m, std::vector<SyncGroupRequest::Assignment> assignments = {}) {
    SyncGroupRequest r;
    r.group_id = "g";
    r.generation_id = m.generation;
    r.member_id = m.member_id;
    r.group_instance_id = m.instance_id;
    r.assignments = std::move(assignments);
    m.synced.reset();
    coordinator_.SyncGroup(Context(m, 5), r, [&m](SyncGroupResponse response) { m.synced = std::move(response); });
  }
  ErrorCode Heartbeat(const TestMember& m) {
    return coordinator_.Heartbeat({"g", m.generation, m.member_id, m.instance_id}).error_code;
  }
  ErrorCode Leave(const TestMember& m) {
    LeaveGroupRequest r{"g", {{m.member_id, std::nullopt, std::nullopt}}};
    return coordinator_.LeaveGroup(Context(m, 1), r).error_code;
  }
  ErrorCode Commit(const TestMember& m, int32_t generation) {
    OffsetCommitRequest r;
    r.group_id = "g";
    r.generation_id = generation;
    r.member_id = m.member_id;
    return coordinator_.ValidateOffsetCommit(r);
  }
  std::string State() { return coordinator_.DescribeGroup("g").group_state; }
  void Advance(int64_t ms) {
    now_ += ms;
    coordinator_.Tick();
  }
  int64_t now_ = 1000;
  GroupCoordinator coordinator_;
  TestMember a_{"alice", {{"range", "ra"}, {"roundrobin", "rra"}}};
  TestMember b_{"bob", {{"roundrobin", "rrb"}, {"range", "rb"}}};
  TestMember c_{"carol", {{"range", "rc"}}};
};

TEST_F(GroupCoordinatorTest, TwoMembersJoinAndSync) {
  Join(a_);
  // With no initial delay, a lone first member completes a generation at once.
  ASSERT_TRUE(a_.joined.has_value());
  EXPECT_EQ(a_.joined->error_code, ErrorCode::kNone) << ErrorName(a_.joined->error_code);
  EXPECT_EQ(a_.joined->generation_id, 1);
  Sync(a_, {{a_.member_id, "all partitions"}});
  ASSERT_TRUE(a_.synced.has_value());
  EXPECT_EQ(a_.synced->assignment, "all partitions");
  EXPECT_EQ(State(), "Stable");

  Join(b_);  // a newcomer: rebalance
  EXPECT_EQ(State(), "PreparingRebalance");
  EXPECT_FALSE(b_.joined) << "waits for alice to rejoin";
  EXPECT_EQ(Heartbeat(a_), ErrorCode::kRebalanceInProgress);
  Join(a_);
  ASSERT_TRUE(a_.joined && b_.joined);
  EXPECT_EQ(a_.joined->generation_id, 2);
  EXPECT_EQ(b_.joined->generation_id, 2);
  EXPECT_EQ(a_.joined->leader, a_.member_id) << "the leader stays";
  // Both support range and roundrobin; one vote each: the tie goes to the leader's preference.
  EXPECT_EQ(a_.joined->protocol_name, "range");
  ASSERT_EQ(a_.joined->members.size(), 2u) << "only the leader learns the members";
  EXPECT_EQ(a_.joined->members[0].metadata, "ra");
  EXPECT_EQ(a_.joined->members[1].metadata, "rb");
  EXPECT_TRUE(b_.joined->members.empty());

  Sync(b_);
  EXPECT_FALSE(b_.synced) << "followers wait for the leader's assignments";
  EXPECT_EQ(Heartbeat(a_), ErrorCode::kNone);
  Sync(a_, {{a_.member_id, "p0"}, {b_.member_id, "p1"}});
  ASSERT_TRUE(a_.synced && b_.synced);
  EXPECT_EQ(a_.synced->assignment, "p0");
  EXPECT_EQ(b_.synced->assignment, "p1");
  EXPECT_EQ(b_.synced->protocol_name, "range");
  EXPECT_EQ(State(), "Stable");
  EXPECT_EQ(Heartbeat(b_), ErrorCode::kNone);
  EXPECT_EQ(Commit(b_, 2), ErrorCode::kNone);

  auto described = coordinator_.DescribeGroup("g");
  ASSERT_EQ(described.members.size(), 2u);
  EXPECT_EQ(described.protocol_type, "consumer");
  EXPECT_EQ(described.protocol_data, "range");
  EXPECT_EQ(described.members[1].client_id, "bob");
  EXPECT_EQ(described.members[1].member_assignment, "p1");
  EXPECT_EQ(coordinator_.ListGroups({"stable"}).size(), 1u);
  EXPECT_TRUE(coordinator_.ListGroups({"Empty"}).empty());
}

TEST_F(GroupCoordinatorTest, MemberLeaves) {
  Join(a_);
  Sync(a_, {{a_.member_id, "x"}});
  Join(b_);
  Join(a_);
  Sync(b_);
  Sync(a_);
  ASSERT_EQ(State(), "Stable");

  EXPECT_EQ(Leave(b_), ErrorCode::kNone);
  EXPECT_EQ(State(), "PreparingRebalance");
  EXPECT_EQ(Heartbeat(b_), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Heartbeat(a_), ErrorCode::kRebalanceInProgress);
  Join(a_);
  ASSERT_TRUE(a_.joined.has_value());
  EXPECT_EQ(a_.joined->generation_id, 3);
  EXPECT_EQ(a_.joined->members.size(), 1u);
  EXPECT_EQ(Leave(b_), ErrorCode::kUnknownMemberId);

  // The last member leaving empties the group; offsets may then be committed outside the group.
  Sync(a_);
  EXPECT_EQ(Leave(a_), ErrorCode::kNone);
  EXPECT_EQ(State(), "Empty");
  TestMember tool{"tool", {}};
  EXPECT_EQ(Commit(tool, -1), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, SessionTimeoutRemovesASilentMember) {
  Join(a_);
  Sync(a_);
  Join(b_);
  Join(a_);
  Sync(b_);
  Sync(a_, {});
  ASSERT_EQ(State(), "Stable");
  // Alice heartbeats, Bob falls silent: after his 10 s session he is gone.
  for (int i = 0; i < 3; ++i) {
    Advance(3000);
    ASSERT_EQ(Heartbeat(a_), ErrorCode::kNone);
  }
  EXPECT_EQ(State(), "Stable");
  Advance(3000);
  EXPECT_EQ(State(), "PreparingRebalance");
  EXPECT_EQ(Heartbeat(b_), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Heartbeat(a_), ErrorCode::kRebalanceInProgress);
  Join(a_);
  ASSERT_TRUE(a_.joined.has_value());
  EXPECT_EQ(a_.joined->members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, ThirdMemberJoinsMidRebalance) {
  Join(a_);
  Sync(a_);
  Join(b_);
  // Rebalancing to take Bob in; Carol arrives before Alice rejoined.
  Join(c_);
  EXPECT_FALSE(b_.joined || c_.joined);
  Join(a_);
  ASSERT_TRUE(a_.joined && b_.joined && c_.joined);
  EXPECT_EQ(a_.joined->generation_id, 2);
  EXPECT_EQ(a_.joined->members.size(), 3u);
  // Carol supports only range: the only protocol everyone has.
  EXPECT_EQ(c_.joined->protocol_name, "range");

  // Next rebalance (Alice's metadata changed): Carol rejoins, Bob never does and is dropped when the
  // 30 s rebalance timeout passes.
  Sync(a_);
  Sync(b_);
  Sync(c_);
  a_.protocols = {{"range", "ra2"}};
  Join(a_);
  Join(c_);
  EXPECT_FALSE(a_.joined);
  for (int i = 0; i < 5; ++i) {
    Advance(5000);
    // Bob's session stays alive by heartbeats, which tell him to rejoin.
    ASSERT_EQ(Heartbeat(b_), ErrorCode::kRebalanceInProgress);
  }
  Advance(4999);
  EXPECT_FALSE(a_.joined);
  Advance(1);
  ASSERT_TRUE(a_.joined && c_.joined);
  EXPECT_EQ(a_.joined->generation_id, 3);
  EXPECT_EQ(a_.joined->members.size(), 2u);
  EXPECT_EQ(Heartbeat(b_), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, IllegalGenerationAndUnknownMember) {
  Join(a_);
  Sync(a_);
  TestMember stale = a_;
  stale.generation = 0;
  EXPECT_EQ(Heartbeat(stale), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Commit(a_, 0), ErrorCode::kIllegalGeneration);
  Sync(stale);
  EXPECT_EQ(stale.synced->error_code, ErrorCode::kIllegalGeneration);
  TestMember stranger = a_;
  stranger.member_id = "nobody";
  EXPECT_EQ(Heartbeat(stranger), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Commit(stranger, 1), ErrorCode::kUnknownMemberId);
  Join(stranger);
  EXPECT_EQ(stranger.joined->error_code, ErrorCode::kUnknownMemberId);
  // A commit outside group management is refused while the group has members.
  EXPECT_EQ(Commit(TestMember{"tool", {} }, -1), ErrorCode::kUnknownMemberId);
  // No such group: commits with a generation are refused, plain ones accepted.
  OffsetCommitRequest other;
  other.group_id = "other";
  EXPECT_EQ(coordinator_.ValidateOffsetCommit(other), ErrorCode::kNone);
  other.generation_id = 3;
  EXPECT_EQ(coordinator_.ValidateOffsetCommit(other), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(coordinator_.Heartbeat({"other", 1, "x", std::nullopt}).error_code, ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, CommitDuringCompletingRebalanceIsRefused) {
  Join(a_);
  ASSERT_EQ(State(), "CompletingRebalance");
  EXPECT_EQ(Commit(a_, a_.generation), ErrorCode::kRebalanceInProgress);
}

TEST_F(GroupCoordinatorTest, MemberIdRequiredFromV4) {
  Join(a_, 4);
  ASSERT_TRUE(a_.joined.has_value());
  EXPECT_EQ(a_.joined->error_code, ErrorCode::kMemberIdRequired);
  EXPECT_EQ(a_.member_id.rfind("alice-", 0), 0u) << a_.member_id;
  EXPECT_EQ(State(), "Empty") << "not a member until it joins with the id";
  Join(a_, 4);
  ASSERT_TRUE(a_.joined.has_value());
  EXPECT_EQ(a_.joined->error_code, ErrorCode::kNone);
  EXPECT_EQ(a_.joined->leader, a_.member_id);
}

TEST_F(GroupCoordinatorTest, InconsistentProtocolsAreRefused) {
  Join(a_);
  TestMember other{"other", {{"sticky", "s"}}};
  Join(other);
  EXPECT_EQ(other.joined->error_code, ErrorCode::kInconsistentGroupProtocol);
  TestMember none{"none", {}};
  Join(none);
  EXPECT_EQ(none.joined->error_code, ErrorCode::kInconsistentGroupProtocol);
}

TEST_F(GroupCoordinatorTest, InitialRebalanceDelayWaitsForMoreMembers) {
  GroupCoordinator delayed(Options(3000), [this] { return now_; });
  TestMember x = a_, y = b_;
  auto join = [&](TestMember& m) {
    JoinGroupRequest r{"g", 10000, 30000, m.member_id, std::nullopt, "consumer", m.protocols, std::nullopt};
    delayed.JoinGroup(Context(m, 3), r, [&m](JoinGroupResponse response) { m.joined = std::move(response); });
  };
  join(x);
  now_ += 2000;
  join(y);  // within the delay: the delay is extended
  now_ += 1000;
  delayed.Tick();
  EXPECT_FALSE(x.joined || y.joined);
  EXPECT_EQ(delayed.NextDeadline(), now_ + 3000);
  now_ += 3000;
  delayed.Tick();
  ASSERT_TRUE(x.joined && y.joined);
  EXPECT_EQ(x.joined->generation_id, 1);
  EXPECT_EQ(x.joined->members.size(), 2u);
}

TEST_F(GroupCoordinatorTest, LeaderThatNeverSyncsIsRemoved) {
  Join(a_);
  Sync(a_);
  Join(b_);
  Join(a_);
  Sync(b_);  // Bob waits for Alice's assignments; she heartbeats but never sends them
  for (int i = 0; i < 5; ++i) {
    Advance(5000);
    ASSERT_EQ(Heartbeat(a_), ErrorCode::kNone);
  }
  EXPECT_FALSE(b_.synced);
  Advance(5000);
  ASSERT_TRUE(b_.synced.has_value());
  EXPECT_EQ(b_.synced->error_code, ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(Heartbeat(a_), ErrorCode::kUnknownMemberId);
  Join(b_);
  ASSERT_TRUE(b_.joined.has_value());
  EXPECT_EQ(b_.joined->leader, b_.member_id);
}

TEST_F(GroupCoordinatorTest, StaticMemberRestartKeepsItsPlace) {
  a_.instance_id = "host-a";
  b_.instance_id = "host-b";
  // v5: static members are admitted at once, without the MEMBER_ID_REQUIRED round.
  Join(a_, 5);
  Sync(a_);
  Join(b_, 5);
  Join(a_, 5);
  Sync(b_);
  Sync(a_, {{a_.member_id, "p0"}, {b_.member_id, "p1"}});
  ASSERT_EQ(State(), "Stable");
  const int32_t generation = b_.generation;

  // Bob restarts: a new member id under the same instance id, without a rebalance.
  TestMember old_b = b_;
  b_.member_id.clear();
  Join(b_, 5);
  ASSERT_TRUE(b_.joined.has_value());
  EXPECT_EQ(b_.joined->error_code, ErrorCode::kNone);
  EXPECT_NE(b_.member_id, old_b.member_id);
  EXPECT_EQ(b_.joined->generation_id, generation);
  EXPECT_EQ(State(), "Stable");
  Sync(b_);
  EXPECT_EQ(b_.synced->assignment, "p1");
  EXPECT_EQ(Heartbeat(old_b), ErrorCode::kFencedInstanceId);
  EXPECT_EQ(Heartbeat(b_), ErrorCode::kNone);

  // Leaving by instance id.
  LeaveGroupRequest leave{"g", {{"", std::string("host-b"), std::nullopt}}};
  auto left = coordinator_.LeaveGroup(Context(b_, 3), leave);
  EXPECT_EQ(left.error_code, ErrorCode::kNone);
  ASSERT_EQ(left.members.size(), 1u);
  EXPECT_EQ(left.members[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(State(), "PreparingRebalance");
}

TEST_F(GroupCoordinatorTest, DeadlinesAndUnknownGroups) {
  EXPECT_FALSE(coordinator_.NextDeadline().has_value());
  EXPECT_EQ(coordinator_.DescribeGroup("nope").group_state, "Dead");
  Join(a_);
  Sync(a_);
  // Stable: the next thing to happen is Alice's session ending.
  EXPECT_EQ(coordinator_.NextDeadline(), now_ + 10000);
  JoinGroupRequest r;
  r.session_timeout_ms = 10000;
  r.protocol_type = "consumer";
  r.protocols = a_.protocols;
  std::optional<JoinGroupResponse> answer;
  coordinator_.JoinGroup(Context(a_, 5), r, [&](JoinGroupResponse response) { answer = response; });
  EXPECT_EQ(answer->error_code, ErrorCode::kInvalidGroupId);
  r.group_id = "g";
  r.session_timeout_ms = 10;
  coordinator_.JoinGroup(Context(a_, 5), r, [&](JoinGroupResponse response) { answer = response; });
  EXPECT_EQ(answer->error_code, ErrorCode::kInvalidSessionTimeout);
}

}  // namespace
}  // namespace basin::kafka
