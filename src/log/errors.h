#pragma once

// The failures the log reports to its callers, each tagged with the Kafka error code a broker answers with
// (the wire values of the Kafka protocol's error table), so that protocol edges translate without guessing.

#include <cstdint>
#include <string>

#include "common/exception.h"

namespace basin::log {

/// Kafka protocol error codes the log can produce (values as on the wire).
enum class ErrorCode : int16_t {
  kNone = 0,
  kOffsetOutOfRange = 1,           ///< fetch offset below the log start or above the high watermark
  kCorruptMessage = 2,             ///< a batch failed its CRC or its framing
  kUnknownTopicOrPartition = 3,    ///< no such topic or partition (or it was deleted)
  kMessageTooLarge = 10,           ///< a batch exceeds the topic's max.message.bytes
  kInvalidTopic = 17,              ///< an illegal topic name, or an internal topic used as a user topic
  kRecordListTooLarge = 18,        ///< a produce set larger than a segment can hold
  kTopicAlreadyExists = 36,        ///< CreateTopics on an existing name
  kInvalidPartitions = 37,         ///< a partition count of zero or less, or one that shrinks
  kInvalidConfig = 40,             ///< an unknown topic config key, or a value out of range
  kUnsupportedForMessageFormat = 43,  ///< a batch with magic other than 2
  kOutOfOrderSequenceNumber = 45,  ///< an idempotent batch whose sequence skips ahead
  kInvalidProducerEpoch = 47,      ///< a producer epoch older than the one the partition knows (fenced)
  kKafkaStorageError = 56,         ///< the disk failed a write or a read
  kGroupIdNotFound = 69,           ///< no committed offsets for that group
  kUnsupportedCompressionType = 76,  ///< compression codec bits 5..7
  kInvalidRecord = 87,             ///< a record the topic refuses (no key on a compacted topic)
};

/// Return the Kafka name of `code` ("OFFSET_OUT_OF_RANGE", ...).
const char* ErrorName(ErrorCode code);

/// An error of the log, carrying its Kafka code; the message says what and where.
class LogError : public Exception {
 public:
  LogError(ErrorCode code, const std::string& message);
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace basin::log
