// Fuzz target for the Kafka request decoder: any byte string, taken as a request frame after its size
// prefix, must decode or fail with a DecodeError, never crash or allocate without bound. What decodes must
// survive an encode and a second decode unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/kafka/codec.h"

namespace {

using namespace basin::kafka;

template <class Request>
void RoundTrip(const RequestHeader& header, Reader& reader) {
  Request request;
  try {
    request = DecodeRequestBody<Request>(reader);
  } catch (const DecodeError&) {
    return;
  }
  const std::string bytes = EncodeRequest(header, request).Flatten().substr(4);
  Reader again(SharedBytes::Copy(bytes));
  const RequestHeader header_again = DecodeRequestHeader(again);
  if (!(header_again == header) || !(DecodeRequestBody<Request>(again) == request)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader reader(SharedBytes::Copy(std::string_view(reinterpret_cast<const char*>(data), size)));
  RequestHeader header;
  try {
    header = DecodeRequestHeader(reader);
  } catch (const DecodeError&) {
    return 0;
  }
  const ApiVersionRange* api = FindApi(header.api_key);
  if (api == nullptr || header.api_version < api->min_version || header.api_version > api->max_version) return 0;
  switch (api->key) {
    case ApiKey::kProduce: RoundTrip<ProduceRequest>(header, reader); break;
    case ApiKey::kFetch: RoundTrip<FetchRequest>(header, reader); break;
    case ApiKey::kListOffsets: RoundTrip<ListOffsetsRequest>(header, reader); break;
    case ApiKey::kMetadata: RoundTrip<MetadataRequest>(header, reader); break;
    case ApiKey::kOffsetCommit: RoundTrip<OffsetCommitRequest>(header, reader); break;
    case ApiKey::kOffsetFetch: RoundTrip<OffsetFetchRequest>(header, reader); break;
    case ApiKey::kFindCoordinator: RoundTrip<FindCoordinatorRequest>(header, reader); break;
    case ApiKey::kJoinGroup: RoundTrip<JoinGroupRequest>(header, reader); break;
    case ApiKey::kHeartbeat: RoundTrip<HeartbeatRequest>(header, reader); break;
    case ApiKey::kLeaveGroup: RoundTrip<LeaveGroupRequest>(header, reader); break;
    case ApiKey::kSyncGroup: RoundTrip<SyncGroupRequest>(header, reader); break;
    case ApiKey::kDescribeGroups: RoundTrip<DescribeGroupsRequest>(header, reader); break;
    case ApiKey::kListGroups: RoundTrip<ListGroupsRequest>(header, reader); break;
    case ApiKey::kApiVersions: RoundTrip<ApiVersionsRequest>(header, reader); break;
    case ApiKey::kCreateTopics: RoundTrip<CreateTopicsRequest>(header, reader); break;
    case ApiKey::kDeleteTopics: RoundTrip<DeleteTopicsRequest>(header, reader); break;
    case ApiKey::kInitProducerId: RoundTrip<InitProducerIdRequest>(header, reader); break;
    case ApiKey::kDescribeConfigs: RoundTrip<DescribeConfigsRequest>(header, reader); break;
  }
  return 0;
}
