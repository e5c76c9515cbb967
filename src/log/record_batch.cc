#include "log/record_batch.h"

#include "common/exception.h"
#include "log/bytes_internal.h"
#include "log/crc32c.h"

namespace basin::log {

using internal::AppendVarlong;
using internal::LoadBig;
using internal::ReadVarlong;
using internal::StoreBig;
namespace L = batch_layout;

namespace {

// The smallest record: length, attributes, timestamp delta, offset delta, key and value lengths, header count.
constexpr size_t kMinRecordSize = 7;

[[noreturn]] void Corrupt(std::string_view where, const std::string& what) {
  throw DataError(sqlstate::kDataCorrupted, "corrupt record batch (" + std::string(where) + "): " + what);
}

}  // namespace

int32_t BatchHeader::last_sequence() const {
  if (base_sequence == kNoSequence) return kNoSequence;
  const int64_t last = int64_t{base_sequence} + last_offset_delta;
  return static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}

BatchHeader DecodeBatchHeader(const char* p) {
  BatchHeader h;
  h.base_offset = LoadBig<int64_t>(p + L::kBaseOffset);
  h.batch_length = LoadBig<int32_t>(p + L::kBatchLength);
  h.partition_leader_epoch = LoadBig<int32_t>(p + L::kPartitionLeaderEpoch);
  h.magic = static_cast<int8_t>(p[L::kMagic]);
  h.crc = LoadBig<uint32_t>(p + L::kCrc);
  h.attributes = LoadBig<int16_t>(p + L::kAttributes);
  h.last_offset_delta = LoadBig<int32_t>(p + L::kLastOffsetDelta);
  h.base_timestamp = LoadBig<int64_t>(p + L::kBaseTimestamp);
  h.max_timestamp = LoadBig<int64_t>(p + L::kMaxTimestamp);
  h.producer_id = LoadBig<int64_t>(p + L::kProducerId);
  h.producer_epoch = LoadBig<int16_t>(p + L::kProducerEpoch);
  h.base_sequence = LoadBig<int32_t>(p + L::kBaseSequence);
  h.records_count = LoadBig<int32_t>(p + L::kRecordsCount);
  return h;
}

uint32_t ComputeBatchCrc(std::string_view batch) {
  return Crc32c(0, batch.data() + L::kAttributes, batch.size() - L::kAttributes);
}

BatchHeader ValidateBatch(std::string_view bytes, std::string_view where) {
  if (bytes.size() < L::kHeaderSize)
    Corrupt(where, "truncated: " + std::to_string(bytes.size()) + " bytes, a batch header takes 61");
  const BatchHeader h = DecodeBatchHeader(bytes.data());
  if (h.batch_length < static_cast<int32_t>(L::kHeaderSize - L::kLogOverhead))
    Corrupt(where, "batchLength " + std::to_string(h.batch_length) + " is shorter than the batch header");
  if (h.size() > bytes.size())
    Corrupt(where, "batchLength " + std::to_string(h.batch_length) + " runs past the end (" +
                       std::to_string(bytes.size() - L::kLogOverhead) + " bytes follow it)");
  if (h.magic != kMagicV2)
    Corrupt(where, "magic " + std::to_string(h.magic) + " is not supported (only RecordBatch v2, magic 2)");
  if ((h.attributes & 0x07) > static_cast<int>(Compression::kZstd))
    Corrupt(where, "unknown compression codec " + std::to_string(h.attributes & 0x07) + " in attributes");
  if (h.last_offset_delta < 0 || h.records_count < 0 || h.records_count > int64_t{h.last_offset_delta} + 1)
    Corrupt(where, "recordsCount " + std::to_string(h.records_count) + " does not fit lastOffsetDelta " +
                       std::to_string(h.last_offset_delta));
  const size_t body = h.size() - L::kHeaderSize;
  const size_t max_records = h.compression() == Compression::kNone ? body / kMinRecordSize
                                                                   : kMaxUncompressedBatchBytes / kMinRecordSize;
  if (static_cast<size_t>(h.records_count) > max_records)
    Corrupt(where, "recordsCount " + std::to_string(h.records_count) + " cannot fit in " +
                       std::to_string(body) + " bytes of records");
  const uint32_t crc = ComputeBatchCrc(bytes.substr(0, h.size()));
  if (crc != h.crc)
    Corrupt(where, "CRC-32C mismatch: the batch says " + std::to_string(h.crc) + ", its bytes give " +
                       std::to_string(crc));
  return h;
}

bool BatchIterator::Next(std::string_view& batch) {
  const size_t left = bytes_.size() - position_;
  if (left < L::kLogOverhead) return false;
  const int32_t length = LoadBig<int32_t>(bytes_.data() + position_ + L::kBatchLength);
  if (length < static_cast<int32_t>(L::kHeaderSize - L::kLogOverhead))
    Corrupt("batch at byte " + std::to_string(position_),
            "batchLength " + std::to_string(length) + " is shorter than the batch header");
  const size_t size = static_cast<size_t>(length) + L::kLogOverhead;
  if (size > left) return false;
  batch = bytes_.substr(position_, size);
  position_ += size;
  return true;
}

void RecordReader::Malformed(const std::string& what) const {
  throw DataError(sqlstate::kDataCorrupted, "malformed record " + std::to_string(read_) + " of the batch at offset " +
                                                std::to_string(header_.base_offset) + ": " + what);
}

void RecordReader::Reset(std::string_view batch) {
  if (batch.size() < L::kHeaderSize) Corrupt("record reader", "a batch shorter than its header");
  header_ = DecodeBatchHeader(batch.data());
  if (header_.batch_length < 0 || header_.size() > batch.size() || header_.size() < L::kHeaderSize)
    Corrupt("record reader", "batchLength " + std::to_string(header_.batch_length) + " does not fit the bytes");
  batch = batch.substr(0, header_.size());
  read_ = 0;
  previous_offset_delta_ = -1;
  const std::string_view body = batch.substr(L::kHeaderSize);
  if (header_.compression() == Compression::kNone) {
    pos_ = body.data();
    end_ = body.data() + body.size();
    return;
  }
  buffer_.clear();
  Decompress(header_.compression(), body, buffer_, kMaxUncompressedBatchBytes,
             "the batch at offset " + std::to_string(header_.base_offset));
  pos_ = buffer_.data();
  end_ = buffer_.data() + buffer_.size();
}

bool RecordReader::Next(Record& record) {
  if (read_ >= header_.records_count) {
    if (pos_ != end_) Malformed(std::to_string(end_ - pos_) + " bytes follow the last record");
    return false;
  }
  int64_t length = 0;
  if (!ReadVarlong(pos_, end_, 5, length)) Malformed("truncated length");
  if (length < 0 || length > end_ - pos_) Malformed("length " + std::to_string(length) + " runs past the batch");
  const char* end = pos_ + length;
  if (pos_ == end) Malformed("empty record");
  record.attributes = static_cast<int8_t>(*pos_++);
  int64_t timestamp_delta = 0, offset_delta = 0;
  if (!ReadVarlong(pos_, end, 10, timestamp_delta)) Malformed("bad timestamp delta");
  if (!ReadVarlong(pos_, end, 5, offset_delta)) Malformed("bad offset delta");
  if (offset_delta <= previous_offset_delta_ || offset_delta > header_.last_offset_delta)
    Malformed("offset delta " + std::to_string(offset_delta) + " out of order or past lastOffsetDelta");
  previous_offset_delta_ = static_cast<int32_t>(offset_delta);
  auto read_bytes = [&](const char* what, bool nullable) -> std::optional<std::string_view> {
    int64_t n = 0;
    if (!ReadVarlong(pos_, end, 5, n)) Malformed(std::string("bad ") + what + " length");
    if (n < 0) {
      if (n != -1 || !nullable) Malformed(std::string("bad ") + what + " length " + std::to_string(n));
      return std::nullopt;
    }
    if (n > end - pos_) Malformed(std::string(what) + " runs past the record");
    std::string_view bytes(pos_, static_cast<size_t>(n));
    pos_ += n;
    return bytes;
  };
  record.key = read_bytes("key", true);
  record.value = read_bytes("value", true);
  int64_t header_count = 0;
  if (!ReadVarlong(pos_, end, 5, header_count) || header_count < 0 || header_count > (end - pos_) / 2)
    Malformed("bad header count");
  record.headers.resize(static_cast<size_t>(header_count));
  for (auto& h : record.headers) {
    h.key = *read_bytes("header key", false);
    h.value = read_bytes("header value", true);
  }
  if (pos_ != end) Malformed(std::to_string(end - pos_) + " bytes left inside the record");
  record.offset = header_.base_offset + offset_delta;
  record.timestamp = header_.timestamp_type() == TimestampType::kLogAppendTime
                         ? header_.max_timestamp
                         : static_cast<int64_t>(static_cast<uint64_t>(header_.base_timestamp) +
                                                static_cast<uint64_t>(timestamp_delta));  // wraps, never UB
  ++read_;
  return true;
}

void ValidateRecords(std::string_view batch, bool require_keys) {
  RecordReader reader;
  reader.Reset(batch);
  Record record;
  const bool control = reader.header().is_control();
  while (reader.Next(record)) {
    if (require_keys && !control && !record.key)
      throw DataError(sqlstate::kInvalidParameterValue,
                      "record at offset delta " + std::to_string(record.offset - reader.header().base_offset) +
                          " has no key, which a compacted topic requires");
  }
}

BatchOptions RebuildOptions(const BatchHeader& h) {
  BatchOptions options;
  options.compression = h.compression();
  options.timestamp_type = h.timestamp_type();
  options.base_offset = h.base_offset;
  options.partition_leader_epoch = h.partition_leader_epoch;
  options.producer_id = h.producer_id;
  options.producer_epoch = h.producer_epoch;
  options.base_sequence = h.base_sequence;
  options.transactional = h.is_transactional();
  return options;
}

void RecordBatchBuilder::Append(int64_t timestamp, std::optional<std::string_view> key,
                                std::optional<std::string_view> value, std::span<const RecordHeader> headers) {
  AppendAt(last_offset_delta_ + 1, timestamp, key, value, headers);
}

void RecordBatchBuilder::AppendAt(int32_t offset_delta, int64_t timestamp, std::optional<std::string_view> key,
                                  std::optional<std::string_view> value, std::span<const RecordHeader> headers) {
  if (count_ == 0) base_timestamp_ = options_.delete_horizon.value_or(timestamp);
  auto append_bytes = [&](std::optional<std::string_view> bytes) {
    AppendVarlong(record_, bytes ? static_cast<int64_t>(bytes->size()) : -1);
    if (bytes) record_.append(*bytes);
  };
  record_.clear();
  record_.push_back(0);  // record attributes: unused in v2
  AppendVarlong(record_, static_cast<int64_t>(static_cast<uint64_t>(timestamp) - static_cast<uint64_t>(base_timestamp_)));
  AppendVarlong(record_, offset_delta);
  append_bytes(key);
  append_bytes(value);
  AppendVarlong(record_, static_cast<int64_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    append_bytes(h.key);
    append_bytes(h.value);
  }
  AppendVarlong(body_, static_cast<int64_t>(record_.size()));
  body_.append(record_);
  ++count_;
  last_offset_delta_ = std::max(last_offset_delta_, offset_delta);
  max_timestamp_ = std::max(max_timestamp_, timestamp);
}

void RecordBatchBuilder::BuildInto(std::string& out) {
  const size_t start = out.size();
  out.resize(start + L::kHeaderSize);
  Compress(options_.compression, body_, out);
  char* h = out.data() + start;
  int16_t attributes = static_cast<int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) attributes |= 0x08;
  if (options_.transactional) attributes |= 0x10;
  if (options_.control) attributes |= 0x20;
  if (options_.delete_horizon) attributes |= 0x40;
  StoreBig<int64_t>(h + L::kBaseOffset, options_.base_offset);
  StoreBig<int32_t>(h + L::kBatchLength, static_cast<int32_t>(out.size() - start - L::kLogOverhead));
  StoreBig<int32_t>(h + L::kPartitionLeaderEpoch, options_.partition_leader_epoch);
  h[L::kMagic] = kMagicV2;
  StoreBig<int16_t>(h + L::kAttributes, attributes);
  StoreBig<int32_t>(h + L::kLastOffsetDelta, std::max(last_offset_delta_, 0));
  StoreBig<int64_t>(h + L::kBaseTimestamp, options_.delete_horizon.value_or(base_timestamp_));
  StoreBig<int64_t>(h + L::kMaxTimestamp, max_timestamp_);
  StoreBig<int64_t>(h + L::kProducerId, options_.producer_id);
  StoreBig<int16_t>(h + L::kProducerEpoch, options_.producer_epoch);
  StoreBig<int32_t>(h + L::kBaseSequence, options_.base_sequence);
  StoreBig<int32_t>(h + L::kRecordsCount, count_);
  StoreBig<uint32_t>(h + L::kCrc, ComputeBatchCrc(std::string_view(out).substr(start)));
  body_.clear();
  count_ = 0;
  last_offset_delta_ = -1;
  base_timestamp_ = kNoTimestamp;
  max_timestamp_ = kNoTimestamp;
}

}  // namespace basin::log
