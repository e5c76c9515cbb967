#include "server/kafka/group_coordinator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <strings.h>

namespace basin::kafka {

struct GroupCoordinator::Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<JoinGroupRequest::Protocol> protocols;
  std::string assignment;
  int64_t heartbeat_deadline = 0;
  uint64_t join_order = 0;  ///< the leader falls to the longest-standing member
  std::function<void(JoinGroupResponse)> awaiting_join;
  std::function<void(SyncGroupResponse)> awaiting_sync;
  bool synced = false;  ///< sent SyncGroup in the current generation

  std::string MetadataFor(const std::optional<std::string>& protocol) const {
    for (const auto& p : protocols) {
      if (protocol && p.name == *protocol) return p.metadata;
    }
    return {};
  }
};

struct GroupCoordinator::Group {
  std::string group_id;
  State state = State::kEmpty;
  int32_t generation_id = 0;
  std::string protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader_id;
  std::map<std::string, Member> members;
  std::map<std::string, int64_t> pending_members;     ///< answered MEMBER_ID_REQUIRED: id -> expiry
  std::map<std::string, std::string> static_members;  ///< group.instance.id -> member id
  int64_t join_deadline = 0;   ///< PreparingRebalance: when the join completes regardless
  int64_t rebalance_cap = 0;   ///< the initial delayed join extends at most to here
  bool initial_join = false;   ///< the first rebalance of an empty group, waiting for more members
  bool new_member_added = false;
  int64_t sync_deadline = 0;   ///< CompletingRebalance: members that have not synced by then leave

  std::vector<const Member*> InJoinOrder() const {
    std::vector<const Member*> out;
    for (const auto& [id, m] : members) out.push_back(&m);
    std::sort(out.begin(), out.end(), [](const Member* a, const Member* b) { return a->join_order < b->join_order; });
    return out;
  }
};

namespace {

JoinGroupResponse JoinError(ErrorCode code, std::string member_id) {
  JoinGroupResponse r;
  r.error_code = code;
  r.member_id = std::move(member_id);
  return r;
}

SyncGroupResponse SyncError(ErrorCode code) {
  SyncGroupResponse r;
  r.error_code = code;
  return r;
}

template <class Response>
std::function<void()> Call(std::function<void(Response)> callback, Response response) {
  return [callback = std::move(callback), response = std::move(response)] { callback(response); };
}

}  // namespace

GroupCoordinator::GroupCoordinator(GroupCoordinatorOptions options, Clock now_ms)
    : options_(options), now_(std::move(now_ms)), random_(std::random_device()()) {}

GroupCoordinator::~GroupCoordinator() = default;

int64_t GroupCoordinator::SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* GroupCoordinator::StateName(State state) {
  switch (state) {
    case State::kEmpty: return "Empty";
    case State::kPreparingRebalance: return "PreparingRebalance";
    case State::kCompletingRebalance: return "CompletingRebalance";
    case State::kStable: return "Stable";
  }
  return "Dead";
}

GroupCoordinator::Group* GroupCoordinator::Find(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

std::string GroupCoordinator::NewMemberId(const std::string& client_id) {
  const uint64_t a = random_(), b = random_();
  char uuid[40];
  std::snprintf(uuid, sizeof(uuid), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return client_id + "-" + uuid;
}

int32_t GroupCoordinator::RebalanceTimeout(const Group& g) const {
  int32_t timeout = 0;
  for (const auto& [id, m] : g.members) timeout = std::max(timeout, m.rebalance_timeout_ms);
  return timeout;
}

bool GroupCoordinator::SupportsProtocols(const Group& g, const std::string& protocol_type,
                                         const std::vector<JoinGroupRequest::Protocol>& protocols,
                                         const std::string& except) const {
  if (protocol_type.empty() || protocols.empty()) return false;
  const bool others = std::any_of(g.members.begin(), g.members.end(), [&](const auto& e) { return e.first != except; });
  if (!others) return true;
  if (protocol_type != g.protocol_type) return false;
  for (const auto& p : protocols) {
    bool everyone = true;
    for (const auto& [id, m] : g.members) {
      if (id == except) continue;
      everyone &= std::any_of(m.protocols.begin(), m.protocols.end(), [&](const auto& q) { return q.name == p.name; });
    }
    if (everyone) return true;
  }
  return false;
}

std::optional<std::string> GroupCoordinator::SelectProtocol(const Group& g) {
  const std::vector<const Member*> members = g.InJoinOrder();
  if (members.empty()) return std::nullopt;
  // Candidates: protocols every member supports, in the longest-standing member's order of preference.
  std::vector<std::string> candidates;
  for (const auto& p : members[0]->protocols) {
    bool everyone = std::all_of(members.begin(), members.end(), [&](const Member* m) {
      return std::any_of(m->protocols.begin(), m->protocols.end(), [&](const auto& q) { return q.name == p.name; });
    });
    if (everyone) candidates.push_back(p.name);
  }
  // Each member votes for its most preferred candidate; the most votes win, ties to the earlier candidate.
  std::vector<int> votes(candidates.size(), 0);
  for (const Member* m : members) {
    for (const auto& p : m->protocols) {
      auto it = std::find(candidates.begin(), candidates.end(), p.name);
      if (it != candidates.end()) {
        ++votes[it - candidates.begin()];
        break;
      }
    }
  }
  if (candidates.empty()) return std::nullopt;
  return candidates[std::max_element(votes.begin(), votes.end()) - votes.begin()];
}

ErrorCode GroupCoordinator::CheckFenced(const Group& g, const std::string& member_id,
                                        const std::optional<std::string>& instance_id) {
  if (!instance_id) return ErrorCode::kNone;
  auto it = g.static_members.find(*instance_id);
  return it != g.static_members.end() && it->second != member_id ? ErrorCode::kFencedInstanceId : ErrorCode::kNone;
}

JoinGroupResponse GroupCoordinator::CurrentGeneration(const Group& g, const Member& m) const {
  JoinGroupResponse r;
  r.generation_id = g.generation_id;
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.leader = g.leader_id;
  r.member_id = m.member_id;
  if (m.member_id == g.leader_id) {
    for (const Member* member : g.InJoinOrder()) {
      r.members.push_back({member->member_id, member->group_instance_id, member->MetadataFor(g.protocol_name)});
    }
  }
  return r;
}

// ---- JoinGroup ----

void GroupCoordinator::JoinGroup(const RequestContext& ctx, const JoinGroupRequest& request,
                                 std::function<void(JoinGroupResponse)> done) {
  Completions out;
  {
    std::lock_guard lock(mutex_);
    auto fail = [&](ErrorCode code, const std::string& member_id) {
      out.push_back(Call(done, JoinError(code, member_id)));
    };
    // A v0 request has no rebalance timeout: the session timeout stands in for it.
    const int32_t rebalance_timeout =
        request.rebalance_timeout_ms > 0 ? request.rebalance_timeout_ms : request.session_timeout_ms;
    Group* g = Find(request.group_id);
    if (request.group_id.empty()) {
      fail(ErrorCode::kInvalidGroupId, request.member_id);
    } else if (request.session_timeout_ms < options_.min_session_timeout_ms ||
               request.session_timeout_ms > options_.max_session_timeout_ms) {
      fail(ErrorCode::kInvalidSessionTimeout, request.member_id);
    } else if (g == nullptr && !request.member_id.empty()) {
      fail(ErrorCode::kUnknownMemberId, request.member_id);
    } else {
      if (g == nullptr) {
        auto created = std::make_unique<Group>();
        created->group_id = request.group_id;
        g = created.get();
        groups_.emplace(request.group_id, std::move(created));
      }
      if (!SupportsProtocols(*g, request.protocol_type, request.protocols, request.member_id)) {
        fail(ErrorCode::kInconsistentGroupProtocol, request.member_id);
      } else if (request.member_id.empty()) {
        const std::string member_id = NewMemberId(ctx.client_id);
        auto known = request.group_instance_id ? g->static_members.find(*request.group_instance_id)
                                               : g->static_members.end();
        if (known != g->static_members.end()) {
          // A static member back under a new member id: the old id is fenced, the identity stays.
          const bool was_leader = known->second == g->leader_id;
          ReplaceStaticMember(*g, known->second, member_id, out);
          Member& m = g->members.at(member_id);
          m.client_id = ctx.client_id;
          m.client_host = ctx.client_host;
          if (g->state == State::kStable && !was_leader && m.protocols == request.protocols) {
            m.session_timeout_ms = request.session_timeout_ms;
            m.rebalance_timeout_ms = rebalance_timeout;
            m.heartbeat_deadline = now_() + m.session_timeout_ms;
            out.push_back(Call(done, CurrentGeneration(*g, m)));
          } else {
            m.rebalance_timeout_ms = rebalance_timeout;
            UpdateMemberAndRebalance(*g, m, request, std::move(done), out);
          }
        } else if (!request.group_instance_id && ctx.api_version >= 4) {
          // KIP-394: a new member learns its id first and joins with it, so that a client that gives up
          // does not leave a member behind.
          g->pending_members[member_id] = now_() + request.session_timeout_ms;
          fail(ErrorCode::kMemberIdRequired, member_id);
        } else {
          AddMemberAndRebalance(*g, ctx, request, member_id, rebalance_timeout, std::move(done), out);
        }
      } else if (ErrorCode fenced = CheckFenced(*g, request.member_id, request.group_instance_id);
                 fenced != ErrorCode::kNone) {
        fail(fenced, request.member_id);
      } else if (g->pending_members.erase(request.member_id)) {
        AddMemberAndRebalance(*g, ctx, request, request.member_id, rebalance_timeout, std::move(done), out);
      } else if (auto it = g->members.find(request.member_id); it == g->members.end()) {
        fail(ErrorCode::kUnknownMemberId, request.member_id);
      } else {
        Member& m = it->second;
        m.rebalance_timeout_ms = rebalance_timeout;
        const bool same = m.protocols == request.protocols;
        // A member that rejoins unchanged outside a rebalance learns the current generation; the leader
        // (whose rejoin asks for a new assignment) or a changed member starts a rebalance.
        if ((g->state == State::kCompletingRebalance && same) ||
            (g->state == State::kStable && same && m.member_id != g->leader_id)) {
          m.heartbeat_deadline = now_() + m.session_timeout_ms;
          out.push_back(Call(done, CurrentGeneration(*g, m)));
        } else {
          UpdateMemberAndRebalance(*g, m, request, std::move(done), out);
        }
      }
    }
  }
  for (auto& f : out) f();
}

void GroupCoordinator::AddMemberAndRebalance(Group& g, const RequestContext& ctx, const JoinGroupRequest& request,
                                             const std::string& member_id, int32_t rebalance_timeout,
                                             std::function<void(JoinGroupResponse)> done, Completions& out) {
  if (g.members.empty()) g.protocol_type = request.protocol_type;
  Member& m = g.members[member_id];
  m.member_id = member_id;
  m.group_instance_id = request.group_instance_id;
  m.client_id = ctx.client_id;
  m.client_host = ctx.client_host;
  m.session_timeout_ms = request.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout;
  m.protocols = request.protocols;
  m.join_order = next_join_order_++;
  m.heartbeat_deadline = now_() + m.session_timeout_ms;
  m.awaiting_join = std::move(done);
  if (m.group_instance_id) g.static_members[*m.group_instance_id] = member_id;
  if (g.leader_id.empty()) g.leader_id = member_id;
  if (g.state == State::kPreparingRebalance) {
    if (g.initial_join) g.new_member_added = true;
    MaybeCompleteJoin(g, out);
  } else {
    PrepareRebalance(g, out);
  }
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& g, Member& m, const JoinGroupRequest& request,
                                                std::function<void(JoinGroupResponse)> done, Completions& out) {
  m.protocols = request.protocols;
  m.session_timeout_ms = request.session_timeout_ms;
  if (m.awaiting_join) out.push_back(Call(std::move(m.awaiting_join), JoinError(ErrorCode::kRebalanceInProgress, m.member_id)));
  m.awaiting_join = std::move(done);
  if (g.state == State::kPreparingRebalance) {
    MaybeCompleteJoin(g, out);
  } else {
    PrepareRebalance(g, out);
  }
}

void GroupCoordinator::ReplaceStaticMember(Group& g, const std::string& old_id, const std::string& new_id,
                                           Completions& out) {
  auto node = g.members.extract(old_id);
  Member& m = node.mapped();
  if (m.awaiting_join) out.push_back(Call(std::move(m.awaiting_join), JoinError(ErrorCode::kFencedInstanceId, old_id)));
  if (m.awaiting_sync) out.push_back(Call(std::move(m.awaiting_sync), SyncError(ErrorCode::kFencedInstanceId)));
  m.member_id = new_id;
  node.key() = new_id;
  g.members.insert(std::move(node));
  g.static_members[*g.members.at(new_id).group_instance_id] = new_id;
  if (g.leader_id == old_id) g.leader_id = new_id;
}

void GroupCoordinator::PrepareRebalance(Group& g, Completions& out) {
  if (g.state == State::kCompletingRebalance) {
    // The assignments of the generation being completed will not come: those waiting must rejoin.
    for (auto& [id, m] : g.members) {
      m.assignment.clear();
      if (m.awaiting_sync) out.push_back(Call(std::move(m.awaiting_sync), SyncError(ErrorCode::kRebalanceInProgress)));
      m.awaiting_sync = nullptr;
    }
  }
  const int64_t now = now_();
  if (g.state == State::kEmpty) {
    g.initial_join = true;
    g.new_member_added = false;
    g.rebalance_cap = now + RebalanceTimeout(g);
    g.join_deadline = std::min<int64_t>(now + options_.initial_rebalance_delay_ms, g.rebalance_cap);
  } else {
    g.initial_join = false;
    g.join_deadline = now + RebalanceTimeout(g);
  }
  g.state = State::kPreparingRebalance;
  MaybeCompleteJoin(g, out);
}

void GroupCoordinator::MaybeCompleteJoin(Group& g, Completions& out) {
  if (g.state != State::kPreparingRebalance) return;
  const int64_t now = now_();
  if (g.initial_join) {
    if (now < g.join_deadline) return;
    if (g.new_member_added && now < g.rebalance_cap) {
      // Members kept arriving: wait one more delay for the rest of them (up to the rebalance timeout).
      g.new_member_added = false;
      g.join_deadline = std::min<int64_t>(now + options_.initial_rebalance_delay_ms, g.rebalance_cap);
      if (now < g.join_deadline) return;
    }
    CompleteJoin(g, out);
    return;
  }
  const bool all_joined = g.pending_members.empty() &&
                          std::all_of(g.members.begin(), g.members.end(), [](const auto& e) { return bool(e.second.awaiting_join); });
  if (all_joined || now >= g.join_deadline) CompleteJoin(g, out);
}

void GroupCoordinator::CompleteJoin(Group& g, Completions& out) {
  // Members that did not rejoin within the rebalance timeout leave the group.
  for (auto it = g.members.begin(); it != g.members.end();) {
    if (it->second.awaiting_join) {
      ++it;
      continue;
    }
    if (it->second.group_instance_id) g.static_members.erase(*it->second.group_instance_id);
    it = g.members.erase(it);
  }
  g.initial_join = false;
  ++g.generation_id;
  if (g.members.empty()) {
    g.state = State::kEmpty;
    g.protocol_name.reset();
    g.leader_id.clear();
    return;
  }
  g.protocol_name = SelectProtocol(g);
  if (!g.members.count(g.leader_id)) g.leader_id = g.InJoinOrder().front()->member_id;
  g.state = State::kCompletingRebalance;
  const int64_t now = now_();
  g.sync_deadline = now + RebalanceTimeout(g);
  for (auto& [id, m] : g.members) {
    m.synced = false;
    m.heartbeat_deadline = now + m.session_timeout_ms;
    out.push_back(Call(std::move(m.awaiting_join), CurrentGeneration(g, m)));
    m.awaiting_join = nullptr;
  }
}

void GroupCoordinator::RemoveMember(Group& g, const std::string& member_id, Completions& out) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  Member& m = it->second;
  if (m.awaiting_join) out.push_back(Call(std::move(m.awaiting_join), JoinError(ErrorCode::kUnknownMemberId, member_id)));
  if (m.awaiting_sync) out.push_back(Call(std::move(m.awaiting_sync), SyncError(ErrorCode::kUnknownMemberId)));
  if (m.group_instance_id) {
    auto s = g.static_members.find(*m.group_instance_id);
    if (s != g.static_members.end() && s->second == member_id) g.static_members.erase(s);
  }
  g.members.erase(it);
  if (g.leader_id == member_id) {
    const auto order = g.InJoinOrder();
    g.leader_id = order.empty() ? std::string() : order.front()->member_id;
  }
  switch (g.state) {
    case State::kStable:
    case State::kCompletingRebalance: PrepareRebalance(g, out); break;
    case State::kPreparingRebalance: MaybeCompleteJoin(g, out); break;
    case State::kEmpty: break;
  }
}

// ---- SyncGroup, Heartbeat, LeaveGroup, offsets ----

void GroupCoordinator::SyncGroup(const RequestContext& ctx, const SyncGroupRequest& request,
                                 std::function<void(SyncGroupResponse)> done) {
  Completions out;
  {
    std::lock_guard lock(mutex_);
    auto fail = [&](ErrorCode code) { out.push_back(Call(done, SyncError(code))); };
    Group* g = Find(request.group_id);
    ErrorCode fenced = g ? CheckFenced(*g, request.member_id, request.group_instance_id) : ErrorCode::kNone;
    auto it = g ? g->members.find(request.member_id) : decltype(g->members.end())();
    if (g == nullptr || it == g->members.end()) {
      fail(fenced != ErrorCode::kNone ? fenced : ErrorCode::kUnknownMemberId);
    } else if (fenced != ErrorCode::kNone) {
      fail(fenced);
    } else if (request.generation_id != g->generation_id) {
      fail(ErrorCode::kIllegalGeneration);
    } else if ((request.protocol_type && *request.protocol_type != g->protocol_type) ||
               (request.protocol_name && request.protocol_name != g->protocol_name)) {
      fail(ErrorCode::kInconsistentGroupProtocol);
    } else {
      Member& m = it->second;
      switch (g->state) {
        case State::kEmpty: fail(ErrorCode::kUnknownMemberId); break;
        case State::kPreparingRebalance: fail(ErrorCode::kRebalanceInProgress); break;
        case State::kCompletingRebalance:
          m.awaiting_sync = std::move(done);
          m.synced = true;
          m.heartbeat_deadline = now_() + m.session_timeout_ms;
          if (m.member_id == g->leader_id) FinishSync(*g, request, out);
          break;
        case State::kStable: {
          m.heartbeat_deadline = now_() + m.session_timeout_ms;
          SyncGroupResponse r;
          r.protocol_type = g->protocol_type;
          r.protocol_name = g->protocol_name;
          r.assignment = m.assignment;
          out.push_back(Call(done, std::move(r)));
          break;
        }
      }
    }
  }
  for (auto& f : out) f();
}

void GroupCoordinator::FinishSync(Group& g, const SyncGroupRequest& leader_request, Completions& out) {
  for (auto& [id, m] : g.members) {
    m.assignment.clear();
    for (const auto& a : leader_request.assignments) {
      if (a.member_id == id) m.assignment = a.assignment;
    }
  }
  g.state = State::kStable;
  for (auto& [id, m] : g.members) {
    if (!m.awaiting_sync) continue;
    SyncGroupResponse r;
    r.protocol_type = g.protocol_type;
    r.protocol_name = g.protocol_name;
    r.assignment = m.assignment;
    out.push_back(Call(std::move(m.awaiting_sync), std::move(r)));
    m.awaiting_sync = nullptr;
  }
}

HeartbeatResponse GroupCoordinator::Heartbeat(const HeartbeatRequest& request) {
  std::lock_guard lock(mutex_);
  HeartbeatResponse r;
  Group* g = Find(request.group_id);
  auto it = g ? g->members.find(request.member_id) : decltype(g->members.end())();
  if (g == nullptr) {
    r.error_code = ErrorCode::kUnknownMemberId;
  } else if (ErrorCode fenced = CheckFenced(*g, request.member_id, request.group_instance_id);
             fenced != ErrorCode::kNone) {
    r.error_code = fenced;
  } else if (it == g->members.end()) {
    r.error_code = ErrorCode::kUnknownMemberId;
  } else if (request.generation_id != g->generation_id) {
    r.error_code = ErrorCode::kIllegalGeneration;
  } else {
    it->second.heartbeat_deadline = now_() + it->second.session_timeout_ms;
    if (g->state == State::kPreparingRebalance) r.error_code = ErrorCode::kRebalanceInProgress;
  }
  return r;
}

LeaveGroupResponse GroupCoordinator::LeaveGroup(const RequestContext& ctx, const LeaveGroupRequest& request) {
  LeaveGroupResponse r;
  Completions out;
  {
    std::lock_guard lock(mutex_);
    Group* g = Find(request.group_id);
    for (const auto& leaving : request.members) {
      ErrorCode error = ErrorCode::kNone;
      if (g == nullptr) {
        error = ErrorCode::kUnknownMemberId;
      } else if (leaving.group_instance_id) {
        auto it = g->static_members.find(*leaving.group_instance_id);
        if (it == g->static_members.end()) {
          error = ErrorCode::kUnknownMemberId;
        } else if (!leaving.member_id.empty() && leaving.member_id != it->second) {
          error = ErrorCode::kFencedInstanceId;
        } else {
          RemoveMember(*g, std::string(it->second), out);
        }
      } else if (g->pending_members.erase(leaving.member_id)) {
        MaybeCompleteJoin(*g, out);
      } else if (!g->members.count(leaving.member_id)) {
        error = ErrorCode::kUnknownMemberId;
      } else {
        RemoveMember(*g, leaving.member_id, out);
      }
      r.members.push_back({leaving.member_id, leaving.group_instance_id, error});
    }
    // v0-2 leave one member and answer with its error; v3+ answer per member.
    if (ctx.api_version <= 2 && !r.members.empty()) r.error_code = r.members[0].error_code;
  }
  for (auto& f : out) f();
  return r;
}

ErrorCode GroupCoordinator::ValidateOffsetCommit(const OffsetCommitRequest& request) {
  std::lock_guard lock(mutex_);
  Group* g = Find(request.group_id);
  if (g == nullptr) return request.generation_id < 0 ? ErrorCode::kNone : ErrorCode::kIllegalGeneration;
  if (ErrorCode fenced = CheckFenced(*g, request.member_id, request.group_instance_id); fenced != ErrorCode::kNone) {
    return fenced;
  }
  // Offsets stored on their own, outside group management (generation -1), need a group without members.
  if (request.generation_id < 0 && g->state == State::kEmpty) return ErrorCode::kNone;
  if (g->state == State::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
  auto it = g->members.find(request.member_id);
  if (it == g->members.end()) return ErrorCode::kUnknownMemberId;
  if (request.generation_id != g->generation_id) return ErrorCode::kIllegalGeneration;
  it->second.heartbeat_deadline = now_() + it->second.session_timeout_ms;
  return ErrorCode::kNone;
}

DescribeGroupsResponse::Group GroupCoordinator::DescribeGroup(const std::string& group_id) {
  std::lock_guard lock(mutex_);
  DescribeGroupsResponse::Group d;
  d.group_id = group_id;
  Group* g = Find(group_id);
  if (g == nullptr) {
    d.group_state = "Dead";
    return d;
  }
  d.group_state = StateName(g->state);
  d.protocol_type = g->protocol_type;
  d.protocol_data = g->protocol_name.value_or(std::string());
  // Metadata and assignments only mean something once the generation is stable.
  const bool stable = g->state == State::kStable;
  for (const Member* m : g->InJoinOrder()) {
    d.members.push_back({m->member_id, m->group_instance_id, m->client_id, m->client_host,
                         stable ? m->MetadataFor(g->protocol_name) : std::string(),
                         stable ? m->assignment : std::string()});
  }
  return d;
}

std::vector<ListGroupsResponse::Group> GroupCoordinator::ListGroups(const std::vector<std::string>& states_filter) {
  std::lock_guard lock(mutex_);
  std::vector<ListGroupsResponse::Group> out;
  for (const auto& [id, g] : groups_) {
    const std::string state = StateName(g->state);
    const bool wanted = states_filter.empty() ||
                        std::any_of(states_filter.begin(), states_filter.end(),
                                    [&](const std::string& s) { return strcasecmp(s.c_str(), state.c_str()) == 0; });
    if (wanted) out.push_back({id, g->protocol_type, state});
  }
  return out;
}

// ---- Time ----

void GroupCoordinator::Tick() {
  Completions out;
  {
    std::lock_guard lock(mutex_);
    const int64_t now = now_();
    for (auto& [id, g] : groups_) TickGroup(*g, now, out);
  }
  for (auto& f : out) f();
}

void GroupCoordinator::TickGroup(Group& g, int64_t now, Completions& out) {
  for (auto it = g.pending_members.begin(); it != g.pending_members.end();) {
    it = now >= it->second ? g.pending_members.erase(it) : std::next(it);
  }
  // Sessions end without heartbeats; members waiting for a join or sync answer are alive.
  std::vector<std::string> expired;
  for (const auto& [id, m] : g.members) {
    if (!m.awaiting_join && !m.awaiting_sync && now >= m.heartbeat_deadline) expired.push_back(id);
  }
  for (const std::string& id : expired) RemoveMember(g, id, out);
  if (g.state == State::kCompletingRebalance && now >= g.sync_deadline) {
    // The generation's members had the rebalance timeout to send SyncGroup; those that did not leave.
    std::vector<std::string> unsynced;
    for (const auto& [id, m] : g.members) {
      if (!m.synced) unsynced.push_back(id);
    }
    for (const std::string& id : unsynced) RemoveMember(g, id, out);
  }
  MaybeCompleteJoin(g, out);
}

std::optional<int64_t> GroupCoordinator::NextDeadline() {
  std::lock_guard lock(mutex_);
  std::optional<int64_t> next;
  auto consider = [&](int64_t t) { next = next ? std::min(*next, t) : t; };
  for (const auto& [id, g] : groups_) {
    for (const auto& [member, deadline] : g->pending_members) consider(deadline);
    for (const auto& [member, m] : g->members) {
      if (!m.awaiting_join && !m.awaiting_sync) consider(m.heartbeat_deadline);
    }
    if (g->state == State::kPreparingRebalance) consider(g->join_deadline);
    if (g->state == State::kCompletingRebalance) consider(g->sync_deadline);
  }
  return next;
}

}  // namespace basin::kafka
