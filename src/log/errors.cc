#include "log/errors.h"

namespace basin::log {
namespace {

const char* SqlStateFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kCorruptMessage:
      return sqlstate::kDataCorrupted;
    case ErrorCode::kUnknownTopicOrPartition:
      return sqlstate::kUndefinedTable;
    case ErrorCode::kTopicAlreadyExists:
      return sqlstate::kDuplicateTable;
    case ErrorCode::kKafkaStorageError:
      return sqlstate::kIOError;
    case ErrorCode::kMessageTooLarge:
    case ErrorCode::kRecordListTooLarge:
      return sqlstate::kProgramLimitExceeded;
    case ErrorCode::kGroupIdNotFound:
      return sqlstate::kUndefinedObject;
    case ErrorCode::kUnsupportedForMessageFormat:
    case ErrorCode::kUnsupportedCompressionType:
      return sqlstate::kFeatureNotSupported;
    default:
      return sqlstate::kInvalidParameterValue;
  }
}

}  // namespace

const char* ErrorName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNone:
      return "NONE";
    case ErrorCode::kOffsetOutOfRange:
      return "OFFSET_OUT_OF_RANGE";
    case ErrorCode::kCorruptMessage:
      return "CORRUPT_MESSAGE";
    case ErrorCode::kUnknownTopicOrPartition:
      return "UNKNOWN_TOPIC_OR_PARTITION";
    case ErrorCode::kMessageTooLarge:
      return "MESSAGE_TOO_LARGE";
    case ErrorCode::kInvalidTopic:
      return "INVALID_TOPIC_EXCEPTION";
    case ErrorCode::kRecordListTooLarge:
      return "RECORD_LIST_TOO_LARGE";
    case ErrorCode::kTopicAlreadyExists:
      return "TOPIC_ALREADY_EXISTS";
    case ErrorCode::kInvalidPartitions:
      return "INVALID_PARTITIONS";
    case ErrorCode::kInvalidConfig:
      return "INVALID_CONFIG";
    case ErrorCode::kUnsupportedForMessageFormat:
      return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
    case ErrorCode::kOutOfOrderSequenceNumber:
      return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case ErrorCode::kInvalidProducerEpoch:
      return "INVALID_PRODUCER_EPOCH";
    case ErrorCode::kKafkaStorageError:
      return "KAFKA_STORAGE_ERROR";
    case ErrorCode::kGroupIdNotFound:
      return "GROUP_ID_NOT_FOUND";
    case ErrorCode::kUnsupportedCompressionType:
      return "UNSUPPORTED_COMPRESSION_TYPE";
    case ErrorCode::kInvalidRecord:
      return "INVALID_RECORD";
  }
  return "UNKNOWN_SERVER_ERROR";
}

LogError::LogError(ErrorCode code, const std::string& message)
    : Exception(SqlStateFor(code), message), code_(code) {}

}  // namespace basin::log
