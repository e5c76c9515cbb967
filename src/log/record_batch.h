#pragma once

// Kafka's RecordBatch v2 (magic 2), the unit the log stores, a producer sends and a fetch returns:
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 | producerId int64 |
//   producerEpoch int16 | baseSequence int32 | recordsCount int32 | records...
//
// batchLength counts the bytes after itself; the CRC-32C covers attributes to the end, so the log can set the
// base offset and leader epoch without recomputing it. Records (compressed as one stream when the codec bits
// say so) are: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint | key | value |
// headers, with keys, values and header values as varint length (-1: null) and bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/compression.h"

namespace basin::log {

/// Byte positions of the v2 header fields.
namespace batch_layout {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordsCount = 57;
/// The whole fixed header; records start here.
inline constexpr size_t kHeaderSize = 61;
/// Base offset and batch length, the bytes batchLength does not count.
inline constexpr size_t kLogOverhead = 12;
}  // namespace batch_layout

inline constexpr int8_t kMagicV2 = 2;
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int64_t kNoTimestamp = -1;
/// Decompressed records larger than this are refused (a guard against decompression bombs).
inline constexpr size_t kMaxUncompressedBatchBytes = 256u << 20;

enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

/// The fixed header of a v2 batch.
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = -1;
  int8_t magic = kMagicV2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = kNoTimestamp;
  int64_t max_timestamp = kNoTimestamp;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  int32_t records_count = 0;

  /// Bytes of the whole batch, header included.
  size_t size() const { return static_cast<size_t>(batch_length) + batch_layout::kLogOverhead; }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  int64_t next_offset() const { return last_offset() + 1; }
  Compression compression() const { return static_cast<Compression>(attributes & 0x07); }
  TimestampType timestamp_type() const { return static_cast<TimestampType>((attributes >> 3) & 1); }
  bool is_transactional() const { return (attributes & 0x10) != 0; }
  bool is_control() const { return (attributes & 0x20) != 0; }
  /// Whether base_timestamp holds the delete horizon that compaction set (KIP-534).
  bool has_delete_horizon() const { return (attributes & 0x40) != 0; }
  bool is_idempotent() const { return producer_id >= 0; }
  /// The sequence of the last record; sequences wrap from INT32_MAX to 0.
  int32_t last_sequence() const;
};

/// Decode the fixed header at `p` (kHeaderSize readable bytes); checks nothing.
BatchHeader DecodeBatchHeader(const char* p);

/// Check the batch at the start of `bytes`, which came from an untrusted source: whole (batchLength within
/// `bytes`), magic 2, a known codec, a sane record count and the CRC-32C. Returns its header. Throws
/// DataError saying what is wrong and `where` ("produce to clicks-0, batch 2 at byte 4096").
BatchHeader ValidateBatch(std::string_view bytes, std::string_view where);

/// Compute the CRC-32C a batch must carry (attributes to the end).
uint32_t ComputeBatchCrc(std::string_view batch);

/// Walks the batches of a buffer holding several (a produce request's records, a fetch result, a segment
/// read). Checks only that each batch's length is sane; ValidateBatch checks the rest.
class BatchIterator {
 public:
  explicit BatchIterator(std::string_view bytes) : bytes_(bytes) {}

  /// Set `batch` to the next whole batch; false at the end or at a partial last batch (a fetch cuts one
  /// off where its byte budget ends). Throws DataError when a length is impossible.
  bool Next(std::string_view& batch);
  /// Byte position of the next batch in the buffer.
  size_t position() const { return position_; }
  /// Whether bytes are left that do not form a whole batch.
  bool has_partial_tail() const { return position_ < bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

/// One header of a record; a null value is nullopt.
struct RecordHeader {
  std::string_view key;
  std::optional<std::string_view> value;
};

/// One record, its views pointing into the batch or the reader's decompression buffer.
struct Record {
  int64_t offset = 0;
  int64_t timestamp = kNoTimestamp;
  int8_t attributes = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  ///< nullopt: a tombstone
  std::vector<RecordHeader> headers;
};

/// Decodes the records of one batch, decompressing it once when needed. Every record is checked against the
/// bytes (varint sizes, lengths inside the record, the record count). One thread; reusable across batches.
class RecordReader {
 public:
  /// Start on `batch` (whole, as BatchIterator yields it); the bytes must outlive the reads. Throws DataError
  /// when the codec cannot decode it.
  void Reset(std::string_view batch);
  const BatchHeader& header() const { return header_; }
  /// Decode the next record into `record`; false after the last. Throws DataError when a record is
  /// malformed, or when the records do not match the header's count.
  bool Next(Record& record);

 private:
  [[noreturn]] void Malformed(const std::string& what) const;

  BatchHeader header_;
  std::string buffer_;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  int32_t read_ = 0;
  int32_t previous_offset_delta_ = -1;
};

/// Check every record of a batch (decompressing it): the checks RecordReader makes, plus, when
/// `require_keys`, that no record has a null key (compacted topics). Throws DataError.
void ValidateRecords(std::string_view batch, bool require_keys);

/// What a built batch carries besides its records.
struct BatchOptions {
  Compression compression = Compression::kNone;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  bool transactional = false;
  bool control = false;
  /// When set, base_timestamp holds this delete horizon and the attributes say so (compaction).
  std::optional<int64_t> delete_horizon;
};

/// The options that build a batch like the one of `header` (codec, timestamp type, base offset, leader
/// epoch, producer id, epoch and base sequence, transactional): for batches rebuilt with fewer records.
BatchOptions RebuildOptions(const BatchHeader& header);

/// Builds one v2 batch from records (the HTTP collector, `basin produce`, sinks, dead-letter records,
/// compaction). One thread.
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchOptions options = {}) : options_(options) {}

  /// Add a record at the next offset.
  void Append(int64_t timestamp, std::optional<std::string_view> key, std::optional<std::string_view> value,
              std::span<const RecordHeader> headers = {});
  /// Add a record at `offset_delta` from the base offset (greater than the previous record's), keeping the
  /// gaps compaction leaves.
  void AppendAt(int32_t offset_delta, int64_t timestamp, std::optional<std::string_view> key,
                std::optional<std::string_view> value, std::span<const RecordHeader> headers = {});
  /// Make the batch span at least `last_offset_delta` + 1 offsets (compaction keeps a batch's range).
  void SpanOffsets(int32_t last_offset_delta) { last_offset_delta_ = std::max(last_offset_delta_, last_offset_delta); }

  int32_t record_count() const { return count_; }
  /// Bytes the batch takes uncompressed.
  size_t uncompressed_size() const { return body_.size() + batch_layout::kHeaderSize; }
  BatchOptions& options() { return options_; }

  /// Append the finished batch (header, compressed records, CRC) to `out` and start a new, empty one with
  /// the same options.
  void BuildInto(std::string& out);
  std::string Build() {
    std::string out;
    BuildInto(out);
    return out;
  }

 private:
  BatchOptions options_;
  std::string body_;    // the encoded records
  std::string record_;  // one record being encoded, before its length is known
  int32_t count_ = 0;
  int32_t last_offset_delta_ = -1;
  int64_t base_timestamp_ = kNoTimestamp;
  int64_t max_timestamp_ = kNoTimestamp;
};

}  // namespace basin::log
