#pragma once

// A stream's output (CREATE STREAM): each epoch's rows appended to its topic, exactly once. A topic has no
// transactions, so the epoch's records are made the same on every run of the epoch: rows in a fixed order
// (sorted by their encoding), each partition's decided by the key column (Kafka's partitioner) or, without
// one, round robin over that order, stamped with the epoch's planned time. The checkpoint keeps each
// partition's end offset after the last epoch; when an epoch runs again after a crash, the records a
// partition holds past that end are the first ones of its share, already appended, and are skipped. The
// stream must be its topic's only writer.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lake/topic_sink.h"
#include "vector/vector.h"

namespace basin {
struct TableEntry;
namespace log {
class LogManager;
}
}  // namespace basin

namespace basin::stream {

class TopicOutput {
 public:
  /// `topic`: the stream's topic as a table (TopicTable storage); `key`: its key column, or empty.
  TopicOutput(log::LogManager& log, std::shared_ptr<TableEntry> topic, std::string key);

  /// Append the rows of `rows` (the stream's columns) but those a previous run of this epoch appended past
  /// `written` (each partition's end offset at the last checkpoint; missing: 0). Returns the ends after.
  SinkOffsets Commit(const std::vector<std::unique_ptr<DataChunk>>& rows, const SinkOffsets& written,
                     int64_t time_ms);

 private:
  log::LogManager& log_;
  std::shared_ptr<TableEntry> topic_;
  int key_ = -1;  // the key's column, or -1
};

}  // namespace basin::stream
