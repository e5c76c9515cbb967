// Fuzz target for the Kafka RecordBatch v2 decoder: any byte string must decode or fail with a
// basin::Exception, never crash or hang. The first byte's low bit asks to repair each batch's CRC first, so
// that mutations reach the record decoder and the codecs instead of stopping at the checksum. Records that
// decode must survive a rebuild: the builder's batch reads back to the same records.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/exception.h"
#include "log/bytes_internal.h"
#include "log/record_batch.h"

namespace {

using basin::log::RecordReader;

struct Flat {
  int64_t offset, timestamp;
  std::optional<std::string> key, value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  bool operator==(const Flat&) const = default;
};

std::vector<Flat> ReadAll(std::string_view batch, basin::log::BatchHeader* header) {
  RecordReader reader;
  reader.Reset(batch);
  *header = reader.header();
  std::vector<Flat> out;
  basin::log::Record r;
  while (reader.Next(r)) {
    Flat f{r.offset, r.timestamp, {}, {}, {}};
    if (r.key) f.key = std::string(*r.key);
    if (r.value) f.value = std::string(*r.value);
    for (auto& h : r.headers) {
      f.headers.emplace_back(std::string(h.key),
                             h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
    }
    out.push_back(std::move(f));
  }
  return out;
}

void CheckOne(std::string batch, bool repair_crc) {
  namespace L = basin::log::batch_layout;
  if (repair_crc && batch.size() >= L::kHeaderSize) {
    basin::log::internal::StoreBig<uint32_t>(batch.data() + L::kCrc, basin::log::ComputeBatchCrc(batch));
  }
  basin::log::BatchHeader header;
  std::vector<Flat> records;
  try {
    basin::log::ValidateBatch(batch, "fuzz");
    records = ReadAll(batch, &header);
  } catch (const basin::Exception&) {
    return;
  }
  basin::log::BatchOptions options;
  options.compression = header.compression();
  options.timestamp_type = header.timestamp_type();
  options.base_offset = header.base_offset;
  if (header.has_delete_horizon()) options.delete_horizon = header.base_timestamp;
  basin::log::RecordBatchBuilder builder(options);
  for (const Flat& f : records) {
    std::vector<basin::log::RecordHeader> headers;
    for (auto& [k, v] : f.headers) headers.push_back({k, v ? std::optional<std::string_view>(*v) : std::nullopt});
    const auto view = [](const std::optional<std::string>& s) {
      return s ? std::optional<std::string_view>(*s) : std::nullopt;
    };
    builder.AppendAt(static_cast<int32_t>(f.offset - header.base_offset), f.timestamp, view(f.key), view(f.value),
                     headers);
  }
  builder.SpanOffsets(header.last_offset_delta);
  const std::string rebuilt = builder.Build();
  basin::log::ValidateBatch(rebuilt, "rebuilt");
  basin::log::BatchHeader again_header;
  const bool log_append_time = header.timestamp_type() == basin::log::TimestampType::kLogAppendTime;
  if (!log_append_time && ReadAll(rebuilt, &again_header) != records) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool repair_crc = data[0] & 1;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  basin::log::BatchIterator it(bytes);
  std::string_view batch;
  try {
    while (it.Next(batch)) CheckOne(std::string(batch), repair_crc);
  } catch (const basin::Exception&) {
  }
  // A lone, possibly truncated batch goes through validation as it is.
  CheckOne(std::string(bytes), repair_crc);
  return 0;
}
