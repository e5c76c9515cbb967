#include "server/kafka/api.h"

#include <array>

namespace basin::kafka {

namespace {
// Maxima cover what current clients negotiate (librdkafka 2.0, kcat 1.7, kafkajs 2, Java clients 3.x)
// without the topic-id-only versions (Fetch v13+) or the KIP-848 consumer protocol (OffsetCommit v9+).
constexpr std::array<ApiVersionRange, 18> kApis = {{
    {ApiKey::kProduce, 0, 9, 9, "Produce"},
    {ApiKey::kFetch, 0, 12, 12, "Fetch"},
    {ApiKey::kListOffsets, 0, 7, 6, "ListOffsets"},
    {ApiKey::kMetadata, 0, 12, 9, "Metadata"},
    {ApiKey::kOffsetCommit, 0, 8, 8, "OffsetCommit"},
    {ApiKey::kOffsetFetch, 0, 8, 6, "OffsetFetch"},
    {ApiKey::kFindCoordinator, 0, 4, 3, "FindCoordinator"},
    {ApiKey::kJoinGroup, 0, 9, 6, "JoinGroup"},
    {ApiKey::kHeartbeat, 0, 4, 4, "Heartbeat"},
    {ApiKey::kLeaveGroup, 0, 5, 4, "LeaveGroup"},
    {ApiKey::kSyncGroup, 0, 5, 4, "SyncGroup"},
    {ApiKey::kDescribeGroups, 0, 5, 5, "DescribeGroups"},
    {ApiKey::kListGroups, 0, 4, 3, "ListGroups"},
    {ApiKey::kApiVersions, 0, 3, 3, "ApiVersions"},
    {ApiKey::kCreateTopics, 0, 7, 5, "CreateTopics"},
    {ApiKey::kDeleteTopics, 0, 6, 4, "DeleteTopics"},
    {ApiKey::kInitProducerId, 0, 4, 2, "InitProducerId"},
    {ApiKey::kDescribeConfigs, 0, 4, 4, "DescribeConfigs"},
}};
}  // namespace

std::span<const ApiVersionRange> SupportedApis() { return kApis; }

const ApiVersionRange* FindApi(int16_t key) {
  for (const ApiVersionRange& api : kApis) {
    if (static_cast<int16_t>(api.key) == key) return &api;
  }
  return nullptr;
}

}  // namespace basin::kafka
