#pragma once

#include <cstdint>
#include <string_view>

namespace basin::kafka {

/// Kafka's error codes with their wire values (org.apache.kafka.common.protocol.Errors). A response carries
/// them per topic, partition or group; the client decides from the code whether to retry.
enum class ErrorCode : int16_t {
  kUnknownServerError = -1,              ///< an unexpected failure on the broker
  kNone = 0,                             ///< success
  kOffsetOutOfRange = 1,                 ///< the offset is outside the partition's log
  kCorruptMessage = 2,                   ///< a record batch failed its CRC or is malformed
  kUnknownTopicOrPartition = 3,          ///< no such topic or partition
  kInvalidFetchSize = 4,                 ///< the requested fetch size is invalid
  kLeaderNotAvailable = 5,               ///< the partition has no leader right now (e.g. just created)
  kNotLeaderOrFollower = 6,              ///< this broker does not lead the partition
  kRequestTimedOut = 7,                  ///< the request's timeout passed
  kBrokerNotAvailable = 8,               ///< the broker is not available
  kReplicaNotAvailable = 9,              ///< a replica is not available
  kMessageTooLarge = 10,                 ///< a batch exceeds the largest accepted size
  kStaleControllerEpoch = 11,            ///< the controller moved
  kOffsetMetadataTooLarge = 12,          ///< the committed offset's metadata string is too long
  kNetworkException = 13,                ///< the connection dropped before the response
  kCoordinatorLoadInProgress = 14,       ///< the coordinator is still loading its state
  kCoordinatorNotAvailable = 15,         ///< the coordinator is not available
  kNotCoordinator = 16,                  ///< this broker is not the group's coordinator
  kInvalidTopicException = 17,           ///< the topic name is invalid
  kRecordListTooLarge = 18,              ///< a produce batch exceeds the segment size
  kNotEnoughReplicas = 19,               ///< fewer in-sync replicas than min.insync.replicas
  kNotEnoughReplicasAfterAppend = 20,    ///< written, but replicated to too few replicas
  kInvalidRequiredAcks = 21,             ///< acks is not -1, 0 or 1
  kIllegalGeneration = 22,               ///< the group generation is not the current one
  kInconsistentGroupProtocol = 23,       ///< the member's protocols do not fit the group's
  kInvalidGroupId = 24,                  ///< the group id is empty or invalid
  kUnknownMemberId = 25,                 ///< the member is not in the group
  kInvalidSessionTimeout = 26,           ///< the session timeout is outside the broker's range
  kRebalanceInProgress = 27,             ///< the group is rebalancing: rejoin
  kInvalidCommitOffsetSize = 28,         ///< the offset commit is too large
  kTopicAuthorizationFailed = 29,        ///< not authorized for the topic
  kGroupAuthorizationFailed = 30,        ///< not authorized for the group
  kClusterAuthorizationFailed = 31,      ///< not authorized for the cluster
  kInvalidTimestamp = 32,                ///< a record timestamp is out of the accepted range
  kUnsupportedSaslMechanism = 33,        ///< the SASL mechanism is not enabled
  kIllegalSaslState = 34,                ///< a SASL request came at the wrong time
  kUnsupportedVersion = 35,              ///< the API version is not supported
  kTopicAlreadyExists = 36,              ///< a topic of that name exists
  kInvalidPartitions = 37,               ///< the number of partitions is invalid
  kInvalidReplicationFactor = 38,        ///< the replication factor is invalid
  kInvalidReplicaAssignment = 39,        ///< the replica assignment is invalid
  kInvalidConfig = 40,                   ///< a configuration value is invalid
  kNotController = 41,                   ///< this broker is not the controller
  kInvalidRequest = 42,                  ///< the request is well-formed but not valid
  kUnsupportedForMessageFormat = 43,     ///< the message format does not support the request
  kPolicyViolation = 44,                 ///< a broker policy rejected the request
  kOutOfOrderSequenceNumber = 45,        ///< an idempotent producer's sequence skipped ahead
  kDuplicateSequenceNumber = 46,         ///< an idempotent producer's batch was written already
  kInvalidProducerEpoch = 47,            ///< the producer epoch is stale
  kInvalidTxnState = 48,                 ///< the transaction is in the wrong state
  kInvalidProducerIdMapping = 49,        ///< the producer id does not match the transactional id
  kInvalidTransactionTimeout = 50,       ///< the transaction timeout is out of range
  kConcurrentTransactions = 51,          ///< another transaction on the id is completing
  kTransactionCoordinatorFenced = 52,    ///< the transaction coordinator was replaced
  kTransactionalIdAuthorizationFailed = 53,  ///< not authorized for the transactional id
  kSecurityDisabled = 54,                ///< security features are disabled
  kOperationNotAttempted = 55,           ///< skipped because another part of the request failed
  kKafkaStorageError = 56,               ///< the disk holding the partition failed
  kLogDirNotFound = 57,                  ///< the log directory does not exist
  kSaslAuthenticationFailed = 58,        ///< SASL authentication failed
  kUnknownProducerId = 59,               ///< the broker has no state for the producer id
  kReassignmentInProgress = 60,          ///< a partition reassignment is in progress
  kDelegationTokenAuthDisabled = 61,     ///< delegation tokens are disabled
  kDelegationTokenNotFound = 62,         ///< no such delegation token
  kDelegationTokenOwnerMismatch = 63,    ///< the token belongs to someone else
  kDelegationTokenRequestNotAllowed = 64,   ///< tokens cannot be requested on this channel
  kDelegationTokenAuthorizationFailed = 65,  ///< not authorized for the token
  kDelegationTokenExpired = 66,          ///< the token expired
  kInvalidPrincipalType = 67,            ///< the principal type is not supported
  kNonEmptyGroup = 68,                   ///< the group still has members
  kGroupIdNotFound = 69,                 ///< no such group
  kFetchSessionIdNotFound = 70,          ///< the fetch session is unknown
  kInvalidFetchSessionEpoch = 71,        ///< the fetch session epoch is wrong
  kListenerNotFound = 72,                ///< the leader has no listener of the request's name
  kTopicDeletionDisabled = 73,           ///< topic deletion is disabled
  kFencedLeaderEpoch = 74,               ///< the leader epoch is older than the broker's
  kUnknownLeaderEpoch = 75,              ///< the leader epoch is newer than the broker's
  kUnsupportedCompressionType = 76,      ///< the compression codec is not supported at this version
  kStaleBrokerEpoch = 77,                ///< the broker epoch is stale
  kOffsetNotAvailable = 78,              ///< the leader's high watermark is catching up
  kMemberIdRequired = 79,                ///< join again with the member id in this response
  kPreferredLeaderNotAvailable = 80,     ///< the preferred leader is not available
  kGroupMaxSizeReached = 81,             ///< the group is full
  kFencedInstanceId = 82,                ///< another member took this group.instance.id
  kEligibleLeadersNotAvailable = 83,     ///< no eligible leader for the election
  kElectionNotNeeded = 84,               ///< the leader is already the preferred one
  kNoReassignmentInProgress = 85,        ///< no reassignment to cancel
  kGroupSubscribedToTopic = 86,          ///< the group consumes the topic whose offsets are deleted
  kInvalidRecord = 87,                   ///< a record failed the broker's validation
  kUnstableOffsetCommit = 88,            ///< a transactional offset commit is pending
  kThrottlingQuotaExceeded = 89,         ///< a quota was exceeded
  kProducerFenced = 90,                  ///< a newer producer with the same transactional id exists
  kResourceNotFound = 91,                ///< the resource does not exist
  kDuplicateResource = 92,               ///< the resource is named twice
  kUnacceptableCredential = 93,          ///< the credential does not meet requirements
  kInconsistentVoterSet = 94,            ///< the Raft voter set is inconsistent
  kInvalidUpdateVersion = 95,            ///< the feature update version is invalid
  kFeatureUpdateFailed = 96,             ///< the feature update failed
  kPrincipalDeserializationFailure = 97,  ///< the principal could not be read
  kSnapshotNotFound = 98,                ///< no such snapshot
  kPositionOutOfRange = 99,              ///< the position is out of range
  kUnknownTopicId = 100,                 ///< no topic has this id
  kDuplicateBrokerRegistration = 101,    ///< the broker id is registered already
  kBrokerIdNotRegistered = 102,          ///< the broker id is not registered
  kInconsistentTopicId = 103,            ///< the topic id does not match the name
  kInconsistentClusterId = 104,          ///< the cluster id does not match
  kTransactionalIdNotFound = 105,        ///< no such transactional id
  kFetchSessionTopicIdError = 106,       ///< the fetch session mixes topic ids and names
  kIneligibleReplica = 107,              ///< the replica cannot join the ISR
  kNewLeaderElected = 108,               ///< a new leader was elected meanwhile
  kOffsetMovedToTieredStorage = 109,     ///< the offset is only in tiered storage
  kFencedMemberEpoch = 110,              ///< the member epoch is fenced
  kUnreleasedInstanceId = 111,           ///< the instance id is still in use
  kUnsupportedAssignor = 112,            ///< the assignor is not supported
  kStaleMemberEpoch = 113,               ///< the member epoch is stale
  kMismatchedEndpointType = 114,         ///< the request went to the wrong kind of endpoint
  kUnsupportedEndpointType = 115,        ///< the endpoint type is not supported
  kUnknownControllerId = 116,            ///< no such controller
  kUnknownSubscriptionId = 117,          ///< no such telemetry subscription
  kTelemetryTooLarge = 118,              ///< the telemetry payload is too large
  kInvalidRegistration = 119,            ///< the registration is invalid
  kTransactionAbortable = 120,           ///< the transaction must be aborted
};

/// Return the name Kafka gives the code ("UNKNOWN_MEMBER_ID"), or "UNKNOWN_ERROR_CODE" for other values.
std::string_view ErrorName(ErrorCode code);

}  // namespace basin::kafka
