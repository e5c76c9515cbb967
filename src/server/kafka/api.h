#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace basin::kafka {

/// The Kafka APIs this server speaks, by their wire keys.
enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kInitProducerId = 22,
  kDescribeConfigs = 32,
};

/// The versions of one API this server accepts, and the first that uses the flexible encoding (KIP-482).
struct ApiVersionRange {
  ApiKey key;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible;
  std::string_view name;
};

/// Return every API this server accepts, in key order (the ApiVersions response lists them).
std::span<const ApiVersionRange> SupportedApis();
/// Return the range of `key`, or nullptr if the API is not spoken here.
const ApiVersionRange* FindApi(int16_t key);
/// Return whether `version` of `api` uses the flexible encoding.
inline bool IsFlexible(const ApiVersionRange& api, int16_t version) { return version >= api.first_flexible; }
/// Return the request header version: 2 (tagged fields) for flexible versions, else 1.
inline int RequestHeaderVersion(const ApiVersionRange& api, int16_t version) {
  return IsFlexible(api, version) ? 2 : 1;
}
/// Return the response header version: 1 for flexible versions, else 0; ApiVersions always answers with
/// header v0 so that a client can read it before knowing what the broker supports (KIP-511).
inline int ResponseHeaderVersion(const ApiVersionRange& api, int16_t version) {
  return api.key != ApiKey::kApiVersions && IsFlexible(api, version) ? 1 : 0;
}

}  // namespace basin::kafka
