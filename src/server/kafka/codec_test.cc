#include "server/kafka/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "helpers/kafka_samples.h"

namespace basin::kafka {
namespace {

using testing::Samples;

// The request frame without its size prefix.
template <class M>
std::string RequestBytes(const M& m, int16_t version, int32_t correlation_id = 7) {
  RequestHeader h{static_cast<int16_t>(M::kApiKey), version, correlation_id, std::string("client")};
  return EncodeRequest(h, m).Flatten().substr(4);
}

template <class M>
M DecodeRequest(const std::string& bytes, RequestHeader* header = nullptr) {
  Reader r(SharedBytes::Copy(bytes));
  RequestHeader h = DecodeRequestHeader(r);
  if (header) *header = h;
  return DecodeRequestBody<M>(r);
}

template <class M>
std::string ResponseBytes(const M& m, int16_t version) {
  return EncodeResponse(9, version, m).Flatten().substr(4);
}

template <class M>
M DecodeResponseBytes(const std::string& bytes, int16_t version) {
  int32_t correlation_id = 0;
  M m = DecodeResponse<M>(SharedBytes::Copy(bytes), version, &correlation_id);
  EXPECT_EQ(correlation_id, 9);
  return m;
}

// At every version: encode, decode, encode again to the same bytes; the decoded message survives its own
// round trip unchanged; every shorter prefix of the frame fails to decode with a DecodeError.
template <class Request, class Response>
void RoundTripApi(const Request& request, const Response& response) {
  const ApiVersionRange& api = *FindApi(static_cast<int16_t>(Request::kApiKey));
  for (int16_t v = api.min_version; v <= api.max_version; ++v) {
    SCOPED_TRACE(std::string(api.name) + " v" + std::to_string(v));
    const std::string request_bytes = RequestBytes(request, v);
    RequestHeader header;
    const Request decoded = DecodeRequest<Request>(request_bytes, &header);
    EXPECT_EQ(header.api_version, v);
    EXPECT_EQ(header.correlation_id, 7);
    EXPECT_EQ(header.client_id, "client");
    EXPECT_EQ(RequestBytes(decoded, v), request_bytes);
    EXPECT_EQ(DecodeRequest<Request>(RequestBytes(decoded, v)), decoded);
    for (size_t n = 0; n < request_bytes.size(); ++n) {
      EXPECT_THROW(DecodeRequest<Request>(request_bytes.substr(0, n)), DecodeError) << "prefix of " << n;
    }
    EXPECT_THROW(DecodeRequest<Request>(request_bytes + "x"), DecodeError) << "a trailing byte";

    const std::string response_bytes = ResponseBytes(response, v);
    const Response decoded_response = DecodeResponseBytes<Response>(response_bytes, v);
    EXPECT_EQ(ResponseBytes(decoded_response, v), response_bytes);
    EXPECT_EQ(DecodeResponseBytes<Response>(ResponseBytes(decoded_response, v), v), decoded_response);
  }
}

TEST(KafkaCodec, EveryApiRoundTripsAtEveryVersion) {
  Samples s;
  RoundTripApi(s.produce, s.produce_response);
  RoundTripApi(s.fetch, s.fetch_response);
  RoundTripApi(s.list_offsets, s.list_offsets_response);
  RoundTripApi(s.metadata, s.metadata_response);
  RoundTripApi(s.offset_commit, s.offset_commit_response);
  RoundTripApi(s.offset_fetch, s.offset_fetch_response);
  RoundTripApi(s.find_coordinator, s.find_coordinator_response);
  RoundTripApi(s.join_group, s.join_group_response);
  RoundTripApi(s.heartbeat, s.heartbeat_response);
  RoundTripApi(s.leave_group, s.leave_group_response);
  RoundTripApi(s.sync_group, s.sync_group_response);
  RoundTripApi(s.describe_groups, s.describe_groups_response);
  RoundTripApi(s.list_groups, s.list_groups_response);
  RoundTripApi(s.api_versions, s.api_versions_response);
  RoundTripApi(s.create_topics, s.create_topics_response);
  RoundTripApi(s.delete_topics, s.delete_topics_response);
  RoundTripApi(s.init_producer_id, s.init_producer_id_response);
  RoundTripApi(s.describe_configs, s.describe_configs_response);
}

TEST(KafkaCodec, LatestVersionsKeepEveryField) {
  // At the highest version every sample field is on the wire, so the decoded message equals the sample.
  Samples s;
  EXPECT_EQ(DecodeRequest<ProduceRequest>(RequestBytes(s.produce, 9)), s.produce);
  EXPECT_EQ(DecodeRequest<FetchRequest>(RequestBytes(s.fetch, 12)), s.fetch);
  EXPECT_EQ(DecodeRequest<JoinGroupRequest>(RequestBytes(s.join_group, 9)), s.join_group);
  EXPECT_EQ(DecodeRequest<OffsetFetchRequest>(RequestBytes(s.offset_fetch, 8)), s.offset_fetch);
  EXPECT_EQ(DecodeResponseBytes<FetchResponse>(ResponseBytes(s.fetch_response, 12), 12), s.fetch_response);
  EXPECT_EQ(DecodeResponseBytes<JoinGroupResponse>(ResponseBytes(s.join_group_response, 9), 9),
            s.join_group_response);
  EXPECT_EQ(DecodeResponseBytes<DescribeGroupsResponse>(ResponseBytes(s.describe_groups_response, 5), 5),
            s.describe_groups_response);
}

// A capture of the Java admin client's first request to a Kafka 3.3.1 broker (KAFKA-14935).
TEST(KafkaCodec, JavaApiVersionsV3Capture) {
  const std::string frame(
      "\x00\x12\x00\x03\x00\x00\x00\x00\x00\x07" "admin-1" "\x00"
      "\x12" "apache-kafka-java" "\x06" "3.3.1" "\x00",
      43);
  RequestHeader header;
  const auto request = DecodeRequest<ApiVersionsRequest>(frame, &header);
  EXPECT_EQ(header.api_key, 18);
  EXPECT_EQ(header.api_version, 3);
  EXPECT_EQ(header.correlation_id, 0);
  EXPECT_EQ(header.client_id, "admin-1");
  EXPECT_EQ(request.client_software_name, "apache-kafka-java");
  EXPECT_EQ(request.client_software_version, "3.3.1");
  RequestHeader same{18, 3, 0, std::string("admin-1")};
  EXPECT_EQ(EncodeRequest(same, request).Flatten(), std::string("\x00\x00\x00\x2b", 4) + frame);
}

// librdkafka 2.0.2's first request (kcat -L), captured off the socket.
TEST(KafkaCodec, LibrdkafkaApiVersionsV3Capture) {
  const std::string frame("\x00\x12\x00\x03\x00\x00\x00\x01\x00\x07" "rdkafka" "\x00\x0b" "librdkafka" "\x06" "2.0.2" "\x00",
                          36);
  RequestHeader header;
  const auto request = DecodeRequest<ApiVersionsRequest>(frame, &header);
  EXPECT_EQ(header.client_id, "rdkafka");
  EXPECT_EQ(request.client_software_name, "librdkafka");
  EXPECT_EQ(request.client_software_version, "2.0.2");
  EXPECT_EQ(EncodeRequest(header, request).Flatten().substr(4), frame);
}

TEST(KafkaCodec, HeartbeatV4BytesByHand) {
  HeartbeatRequest m;
  m.group_id = "g";
  m.generation_id = 1;
  m.member_id = "m";
  // Header v2: key 12, version 4, correlation 7, client id "client" (int16 length), no tags. Body:
  // compact "g", generation 1, compact "m", null instance id, no tags.
  EXPECT_EQ(RequestBytes(m, 4), std::string("\x00\x0c\x00\x04\x00\x00\x00\x07\x00\x06" "client" "\x00"
                                            "\x02g\x00\x00\x00\x01\x02m\x00\x00",
                                            27));
  HeartbeatResponse r;
  r.error_code = ErrorCode::kRebalanceInProgress;
  // Response header v1 (correlation id, no tags), throttle 0, error 27, no tags.
  EXPECT_EQ(ResponseBytes(r, 4), std::string("\x00\x00\x00\x09\x00\x00\x00\x00\x00\x00\x1b\x00", 12));
  // v0: header v0, error only.
  EXPECT_EQ(ResponseBytes(r, 0), std::string("\x00\x00\x00\x09\x00\x1b", 6));
}

TEST(KafkaCodec, ProduceV3BytesByHand) {
  // transactional id null, acks -1, timeout 1000, one topic "t" with partition 2 and 3 record bytes.
  const std::string body("\xff\xff\xff\xff\x00\x00\x03\xe8\x00\x00\x00\x01\x00\x01t\x00\x00\x00\x01"
                         "\x00\x00\x00\x02\x00\x00\x00\x03xyz",
                         30);
  const std::string header("\x00\x00\x00\x03\x00\x00\x00\x05\xff\xff", 10);
  RequestHeader h;
  const auto m = DecodeRequest<ProduceRequest>(header + body, &h);
  EXPECT_FALSE(h.client_id.has_value());
  EXPECT_FALSE(m.transactional_id.has_value());
  EXPECT_EQ(m.acks, -1);
  EXPECT_EQ(m.timeout_ms, 1000);
  ASSERT_EQ(m.topics.size(), 1u);
  EXPECT_EQ(m.topics[0].name, "t");
  ASSERT_EQ(m.topics[0].partitions.size(), 1u);
  EXPECT_EQ(m.topics[0].partitions[0].index, 2);
  EXPECT_EQ(m.topics[0].partitions[0].records->view(), "xyz");
}

TEST(KafkaCodec, MetadataV0EmptyTopicsMeansAll) {
  MetadataRequest all;
  EXPECT_EQ(RequestBytes(all, 0).substr(16), std::string("\x00\x00\x00\x00", 4));
  EXPECT_FALSE(DecodeRequest<MetadataRequest>(RequestBytes(all, 0)).topics.has_value());
  // v1+: null asks for all, empty for none.
  EXPECT_EQ(RequestBytes(all, 1).substr(16), std::string("\xff\xff\xff\xff", 4));
  MetadataRequest none;
  none.topics.emplace();
  EXPECT_TRUE(DecodeRequest<MetadataRequest>(RequestBytes(none, 1)).topics.has_value());
}

TEST(KafkaCodec, OlderVersionsUseTheFirstOfABatch) {
  FindCoordinatorRequest find;
  find.keys = {"group-a"};
  EXPECT_EQ(DecodeRequest<FindCoordinatorRequest>(RequestBytes(find, 2)).keys, find.keys);
  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members = {{"member-1", std::nullopt, std::nullopt}};
  EXPECT_EQ(DecodeRequest<LeaveGroupRequest>(RequestBytes(leave, 1)), leave);
  OffsetFetchResponse fetched;
  fetched.groups.push_back({"", {{"t", {{0, 42, -1, std::nullopt, ErrorCode::kNone}}}}, ErrorCode::kNone});
  EXPECT_EQ(DecodeResponseBytes<OffsetFetchResponse>(ResponseBytes(fetched, 3), 3), fetched);
}

TEST(KafkaCodec, UnsupportedVersionsStopAfterTheClientId) {
  // ApiVersions v9 from some future client: the header is read as far as the client id, no further.
  const std::string frame("\x00\x12\x00\x09\x00\x00\x00\x05\x00\x01" "c" "\x01\x02\x03", 14);
  Reader r(SharedBytes::Copy(frame));
  const RequestHeader h = DecodeRequestHeader(r);
  EXPECT_EQ(h.api_version, 9);
  EXPECT_EQ(h.correlation_id, 5);
  EXPECT_EQ(r.remaining(), 3u);
}

TEST(KafkaCodec, FetchResponseRecordsAreNotCopied) {
  FetchResponse r;
  const SharedBytes records = SharedBytes::Copy(std::string(1000, 'r'));
  r.responses.push_back({"t", {{}}});
  r.responses[0].partitions[0].records = records;
  const EncodedFrame frame = EncodeResponse(1, 11, r);
  size_t referenced = 0;
  frame.ForEachPiece([&](const uint8_t* p, size_t n) {
    if (p == records.data()) referenced += n;
  });
  EXPECT_EQ(referenced, 1000u);
}

}  // namespace
}  // namespace basin::kafka
