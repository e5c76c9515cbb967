#pragma once

// Events produced to a topic that declares a schema (CREATE TOPIC clicks (user_id BIGINT, ...)) are checked
// on arrival, whatever brought them (the Kafka broker, the HTTP collector, COPY ... FROM into a topic):
// records whose value is a JSON object whose fields fit the declared types are appended, the others go to the
// topic's dead-letter topic `<topic>.dlq` with the reason. Nothing is dropped silently. This is a rule of the
// topic, as a compacted topic's refusal of records without a key is, so it lives with the log, where the
// SQL engine and the servers all reach it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log/partition.h"
#include "log/topic_schema.h"

namespace basin::json {
class ObjectReader;
}

namespace basin::log {

class LogManager;

/// A record a topic's schema refused, with everything it carried.
struct RejectedRecord {
  int64_t timestamp = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::string reason;  ///< which field and why, e.g. `field "qty": 70000 is out of range for SMALLINT`
};

/// The records of a produce request, checked against a topic's schema.
struct ValidatedRecords {
  std::string_view original;  ///< the request's records
  /// Set when some records were rejected: the batches again, those holding rejected records rebuilt
  /// without them, with their codec and producer fields. An idempotent producer's batch keeps its offset
  /// span and base sequence, the kept records their offset deltas (the rejected ones leave gaps, as
  /// compaction does), so that retries still deduplicate; other batches are packed, and left out when none
  /// of their records is kept (then `rewritten` may be empty).
  std::optional<std::string> rewritten;
  std::vector<RejectedRecord> rejected;

  /// The batches to append: the request's own bytes when every record fits.
  std::string_view accepted() const { return rewritten ? std::string_view(*rewritten) : original; }
};

/// Checks JSON values against a topic's declared columns: a value fits when it is one JSON object whose
/// declared fields fit their types (json::ObjectReader: NOT NULL respected, numbers in range, timestamps
/// parseable); fields not declared are allowed. A null value (a tombstone) fits. Immutable after
/// construction; any number of threads may use one (each call borrows a parser from a small pool).
class SchemaValidator {
 public:
  explicit SchemaValidator(const TopicSchema& schema);
  ~SchemaValidator();

  /// The validator for a topic's configs, shared between calls for the same declared columns; null when
  /// the topic declares none. Throws DataError when the schema cannot be read.
  static std::shared_ptr<const SchemaValidator> For(const TopicConfig& config);

  /// Why `value` does not fit, or nullopt when it does.
  [[nodiscard]] std::optional<std::string> Check(std::optional<std::string_view> value) const;

  /// Check every record of `records` (RecordBatch v2 batches, as a produce request carries them, any codec).
  /// One pass over each value; when every record fits nothing is copied (`original` is `records`). Throws
  /// DataError when a batch is malformed or fails its CRC.
  ValidatedRecords Validate(std::string_view records) const;

 private:
  std::unique_ptr<json::ObjectReader> Borrow() const;
  void Return(std::unique_ptr<json::ObjectReader> reader) const;

  TopicSchema schema_;
  mutable std::mutex mutex_;  // pool_
  mutable std::vector<std::unique_ptr<json::ObjectReader>> pool_;
};

/// What AppendValidated did.
struct ValidatedAppend {
  /// The partition's answer for the records kept; base_offset and last_offset are -1 when none was.
  AppendResult append;
  size_t rejected = 0;  ///< records sent to the dead-letter topic
};

/// Append a produce request's `records` to `topic`-`partition` through the topic's schema: the records that
/// fit to the partition, the others to the dead-letter topic first (so that none is lost if the append
/// fails; a retried request may dead-letter its rejects twice). A topic without a schema takes the records
/// as they come. Throws what Partition::Append throws, and DataError for malformed batches.
ValidatedAppend AppendValidated(LogManager& log, const std::string& topic, int32_t partition,
                                std::string_view records, const AppendOptions& options = {});

/// The dead-letter topic of `topic`: "<topic>.dlq".
std::string DeadLetterTopic(const std::string& topic);

/// Append rejected records of `topic`'s partition `partition` to its dead-letter topic (created on first
/// use, with as many partitions as `topic`), in the same partition: the original key, value, timestamp and
/// headers, then the headers `basin.error` (the reason), `basin.topic` and `basin.partition`.
void AppendDeadLetters(LogManager& log, const std::string& topic, int32_t partition,
                       const std::vector<RejectedRecord>& rejected);

}  // namespace basin::log
