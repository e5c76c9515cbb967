#pragma once

// A request and a response of every Kafka API this server speaks, with every field set away from its
// default, for codec round trips and server tests.

#include <string>

#include "server/kafka/messages.h"

namespace basin::kafka::testing {

inline Uuid SampleUuid() {
  Uuid u;
  for (int i = 0; i < 16; ++i) u.bytes[i] = static_cast<uint8_t>(i * 17 + 1);
  return u;
}

struct Samples {
  Samples() {
    const SharedBytes batch = SharedBytes::Copy(std::string(70, 'b'));
    produce.transactional_id = "txn";
    produce.acks = -1;
    produce.timeout_ms = 1500;
    produce.topics = {{"clicks", {{0, batch}, {3, std::nullopt}}}, {"views", {{1, batch}}}};
    produce_response.topics = {
        {"clicks",
         {{0, ErrorCode::kNone, 100, 1700000000000, 5, {{2, std::string("bad record")}, {4, std::nullopt}},
           std::string("batch dropped")},
          {3, ErrorCode::kCorruptMessage, -1, -1, -1, {}, std::nullopt}}}};
    produce_response.throttle_time_ms = 3;

    fetch.replica_id = -1;
    fetch.max_wait_ms = 500;
    fetch.min_bytes = 1;
    fetch.max_bytes = 52428800;
    fetch.isolation_level = 1;
    fetch.session_id = 12;
    fetch.session_epoch = 3;
    fetch.topics = {{"clicks", {{0, 4, 1000, 3, 10, 1048576}, {1, -1, 0, -1, -1, 65536}}}};
    fetch.forgotten_topics = {{"old", {1, 2}}};
    fetch.rack_id = "rack-a";
    fetch_response.throttle_time_ms = 1;
    fetch_response.error_code = ErrorCode::kNone;
    fetch_response.session_id = 12;
    fetch_response.responses = {
        {"clicks",
         {{0, ErrorCode::kNone, 2000, 1990, 10, std::vector<FetchResponse::AbortedTransaction>{{7, 1500}}, 2,
           batch},
          {1, ErrorCode::kOffsetOutOfRange, -1, -1, -1, std::nullopt, -1, SharedBytes()}}}};

    list_offsets.replica_id = -1;
    list_offsets.isolation_level = 1;
    list_offsets.topics = {{"clicks", {{0, 5, ListOffsetsRequest::kEarliest, 1}, {1, -1, 1700000000000, 1}}}};
    list_offsets_response.throttle_time_ms = 2;
    list_offsets_response.topics = {
        {"clicks", {{0, ErrorCode::kNone, {42}, 1700000000000, 42, 5}, {1, ErrorCode::kNone, {7}, -1, 7, -1}}}};

    metadata.topics = std::vector<MetadataRequest::Topic>{{SampleUuid(), std::string("clicks")},
                                                          {Uuid(), std::string("views")}};
    metadata.allow_auto_topic_creation = false;
    metadata.include_cluster_authorized_operations = true;
    metadata.include_topic_authorized_operations = true;
    metadata_response.throttle_time_ms = 4;
    metadata_response.brokers = {{1, "localhost", 9092, std::string("rack-a")}, {2, "other", 9093, std::nullopt}};
    metadata_response.cluster_id = "basin-cluster";
    metadata_response.controller_id = 1;
    metadata_response.topics = {{ErrorCode::kNone,
                                 "clicks",
                                 SampleUuid(),
                                 true,
                                 {{ErrorCode::kNone, 0, 1, 7, {1, 2}, {1}, {2}}, {ErrorCode::kLeaderNotAvailable, 1, -1, -1, {}, {}, {}}},
                                 0x0f},
                                {ErrorCode::kUnknownTopicOrPartition, "missing", Uuid(), false, {}, 0}};
    metadata_response.cluster_authorized_operations = 0x1f;

    offset_commit.group_id = "readers";
    offset_commit.generation_id = 3;
    offset_commit.member_id = "rdkafka-1";
    offset_commit.group_instance_id = "instance-1";
    offset_commit.retention_time_ms = 86400000;
    offset_commit.topics = {{"clicks", {{0, 100, 5, 1700000000000, std::string("meta")}, {1, 7, -1, -1, std::nullopt}}}};
    offset_commit_response.throttle_time_ms = 1;
    offset_commit_response.topics = {
        {"clicks", {{0, ErrorCode::kNone}, {1, ErrorCode::kIllegalGeneration}}}};

    offset_fetch.groups = {{"readers", std::vector<OffsetFetchRequest::Topic>{{"clicks", {0, 1}}}},
                           {"others", std::nullopt}};
    offset_fetch.require_stable = true;
    offset_fetch_response.throttle_time_ms = 2;
    offset_fetch_response.groups = {
        {"readers",
         {{"clicks", {{0, 100, 5, std::string("meta"), ErrorCode::kNone},
                      {1, -1, -1, std::nullopt, ErrorCode::kUnknownTopicOrPartition}}}},
         ErrorCode::kNone},
        {"others", {}, ErrorCode::kGroupAuthorizationFailed}};

    find_coordinator.key_type = FindCoordinatorRequest::kGroup;
    find_coordinator.keys = {"readers", "writers"};
    find_coordinator_response.throttle_time_ms = 1;
    find_coordinator_response.coordinators = {
        {"readers", 1, "localhost", 9092, ErrorCode::kNone, std::nullopt},
        {"writers", -1, "", -1, ErrorCode::kCoordinatorNotAvailable, std::string("loading")}};

    join_group.group_id = "readers";
    join_group.session_timeout_ms = 10000;
    join_group.rebalance_timeout_ms = 30000;
    join_group.member_id = "rdkafka-1";
    join_group.group_instance_id = "instance-1";
    join_group.protocol_type = "consumer";
    join_group.protocols = {{"range", std::string("\x00\x01range-meta", 12)}, {"roundrobin", "rr"}};
    join_group.reason = "rejoin";
    join_group_response.throttle_time_ms = 1;
    join_group_response.error_code = ErrorCode::kNone;
    join_group_response.generation_id = 4;
    join_group_response.protocol_type = "consumer";
    join_group_response.protocol_name = "range";
    join_group_response.leader = "rdkafka-1";
    join_group_response.skip_assignment = true;
    join_group_response.member_id = "rdkafka-1";
    join_group_response.members = {{"rdkafka-1", std::string("instance-1"), "m1"}, {"rdkafka-2", std::nullopt, "m2"}};

    heartbeat.group_id = "readers";
    heartbeat.generation_id = 4;
    heartbeat.member_id = "rdkafka-1";
    heartbeat.group_instance_id = "instance-1";
    heartbeat_response.throttle_time_ms = 1;
    heartbeat_response.error_code = ErrorCode::kRebalanceInProgress;

    leave_group.group_id = "readers";
    leave_group.members = {{"rdkafka-1", std::string("instance-1"), std::string("shutdown")},
                           {"rdkafka-2", std::nullopt, std::nullopt}};
    leave_group_response.throttle_time_ms = 1;
    leave_group_response.error_code = ErrorCode::kNone;
    leave_group_response.members = {{"rdkafka-1", std::string("instance-1"), ErrorCode::kNone},
                                    {"rdkafka-2", std::nullopt, ErrorCode::kUnknownMemberId}};

    sync_group.group_id = "readers";
    sync_group.generation_id = 4;
    sync_group.member_id = "rdkafka-1";
    sync_group.group_instance_id = "instance-1";
    sync_group.protocol_type = "consumer";
    sync_group.protocol_name = "range";
    sync_group.assignments = {{"rdkafka-1", "a1"}, {"rdkafka-2", std::string("\x00\x00", 2)}};
    sync_group_response.throttle_time_ms = 1;
    sync_group_response.error_code = ErrorCode::kNone;
    sync_group_response.protocol_type = "consumer";
    sync_group_response.protocol_name = "range";
    sync_group_response.assignment = "a1";

    describe_groups.groups = {"readers", "missing"};
    describe_groups.include_authorized_operations = true;
    describe_groups_response.throttle_time_ms = 1;
    describe_groups_response.groups = {
        {ErrorCode::kNone, "readers", "Stable", "consumer", "range",
         {{"rdkafka-1", std::string("instance-1"), "rdkafka", "127.0.0.1", "meta", "assignment"}}, 0x0f},
        {ErrorCode::kNone, "missing", "Dead", "", "", {}, INT32_MIN}};

    list_groups.states_filter = {"Stable", "Empty"};
    list_groups_response.throttle_time_ms = 1;
    list_groups_response.error_code = ErrorCode::kNone;
    list_groups_response.groups = {{"readers", "consumer", "Stable"}, {"idle", "consumer", "Empty"}};

    api_versions.client_software_name = "librdkafka";
    api_versions.client_software_version = "2.0.2";
    api_versions_response.error_code = ErrorCode::kNone;
    api_versions_response.api_keys = {{0, 0, 9}, {1, 0, 12}, {18, 0, 3}};
    api_versions_response.throttle_time_ms = 0;

    create_topics.topics = {{"clicks", 3, 1, {}, {{"retention.ms", std::string("604800000")}, {"x", std::nullopt}}},
                            {"manual", -1, -1, {{0, {1}}, {1, {1}}}, {}}};
    create_topics.timeout_ms = 30000;
    create_topics.validate_only = true;
    create_topics_response.throttle_time_ms = 1;
    create_topics_response.topics = {
        {"clicks", SampleUuid(), ErrorCode::kNone, std::nullopt, 3, 1,
         std::vector<CreateTopicsResponse::Config>{{"retention.ms", std::string("604800000"), false, 1, false}}},
        {"manual", Uuid(), ErrorCode::kTopicAlreadyExists, std::string("exists"), -1, -1, std::nullopt}};

    delete_topics.topics = {{std::string("clicks"), Uuid()}, {std::string("views"), Uuid()}};
    delete_topics.timeout_ms = 15000;
    delete_topics_response.throttle_time_ms = 1;
    delete_topics_response.responses = {{"clicks", SampleUuid(), ErrorCode::kNone, std::nullopt},
                                        {"views", Uuid(), ErrorCode::kUnknownTopicOrPartition, std::string("no")}};

    init_producer_id.transactional_id = std::nullopt;
    init_producer_id.transaction_timeout_ms = 60000;
    init_producer_id.producer_id = 1000;
    init_producer_id.producer_epoch = 2;
    init_producer_id_response.throttle_time_ms = 0;
    init_producer_id_response.error_code = ErrorCode::kNone;
    init_producer_id_response.producer_id = 1001;
    init_producer_id_response.producer_epoch = 0;

    describe_configs.resources = {{DescribeConfigsRequest::kTopic, "clicks", std::vector<std::string>{"retention.ms"}},
                                  {DescribeConfigsRequest::kBroker, "1", std::nullopt}};
    describe_configs.include_synonyms = true;
    describe_configs.include_documentation = true;
    describe_configs_response.throttle_time_ms = 0;
    describe_configs_response.results = {
        {ErrorCode::kNone,
         std::nullopt,
         DescribeConfigsRequest::kTopic,
         "clicks",
         {{"retention.ms", std::string("604800000"), false, true, 1, false, {{"log.retention.ms", std::string("1"), 5}},
           5, std::string("How long to keep")}}}};
  }

  ProduceRequest produce;
  ProduceResponse produce_response;
  FetchRequest fetch;
  FetchResponse fetch_response;
  ListOffsetsRequest list_offsets;
  ListOffsetsResponse list_offsets_response;
  MetadataRequest metadata;
  MetadataResponse metadata_response;
  OffsetCommitRequest offset_commit;
  OffsetCommitResponse offset_commit_response;
  OffsetFetchRequest offset_fetch;
  OffsetFetchResponse offset_fetch_response;
  FindCoordinatorRequest find_coordinator;
  FindCoordinatorResponse find_coordinator_response;
  JoinGroupRequest join_group;
  JoinGroupResponse join_group_response;
  HeartbeatRequest heartbeat;
  HeartbeatResponse heartbeat_response;
  LeaveGroupRequest leave_group;
  LeaveGroupResponse leave_group_response;
  SyncGroupRequest sync_group;
  SyncGroupResponse sync_group_response;
  DescribeGroupsRequest describe_groups;
  DescribeGroupsResponse describe_groups_response;
  ListGroupsRequest list_groups;
  ListGroupsResponse list_groups_response;
  ApiVersionsRequest api_versions;
  ApiVersionsResponse api_versions_response;
  CreateTopicsRequest create_topics;
  CreateTopicsResponse create_topics_response;
  DeleteTopicsRequest delete_topics;
  DeleteTopicsResponse delete_topics_response;
  InitProducerIdRequest init_producer_id;
  InitProducerIdResponse init_producer_id_response;
  DescribeConfigsRequest describe_configs;
  DescribeConfigsResponse describe_configs_response;
};

}  // namespace basin::kafka::testing
