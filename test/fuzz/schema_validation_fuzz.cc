// Fuzz target for checking produced events against a topic's schema (log/schema_validation.h), which parses
// untrusted JSON values with json::ObjectReader and rebuilds untrusted batches. Any input must be accepted or
// rejected with a reason, never crash or hang. The first byte's low bit picks the input's meaning: 0, one
// JSON value read against a schema of every type (Check and Read must agree on whether it is an object);
// 1, a produce request's records (their CRCs repaired, so mutations reach the values), whose records must be
// split exactly into the kept and the rejected, the kept ones in batches that validate.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/exception.h"
#include "formats/json/json_object.h"
#include "log/bytes_internal.h"
#include "log/record_batch.h"
#include "log/schema_validation.h"
#include "vector/vector.h"

namespace {

using basin::LogicalType;
using basin::TypeId;

std::vector<basin::json::ObjectField> Fields() {
  return {{"b", TypeId::kBoolean, false},
          {"s", TypeId::kSmallInt, true},
          {"i", TypeId::kInteger, false},
          {"n", TypeId::kBigInt, false},
          {"r", TypeId::kReal, false},
          {"d", TypeId::kDouble, false},
          {"m", LogicalType::Decimal(12, 3), false},
          {"h", LogicalType::Decimal(38, 10), false},
          {"v", LogicalType::Varchar(8), false},
          {"t", TypeId::kVarchar, false},
          {"bl", TypeId::kBlob, false},
          {"dt", TypeId::kDate, false},
          {"tm", TypeId::kTime, false},
          {"ts", TypeId::kTimestamp, false},
          {"tz", TypeId::kTimestampTz, false},
          {"iv", TypeId::kInterval, false},
          {"l", LogicalType::List(TypeId::kInteger), false},
          {"ll", LogicalType::List(LogicalType::List(TypeId::kVarchar)), false}};
}

basin::log::TopicSchema Schema() {
  basin::log::TopicSchema schema;
  for (const auto& f : Fields()) schema.columns.push_back({f.name, f.type, f.not_null});
  return schema;
}

void CheckValue(std::string_view json) {
  static basin::json::ObjectReader reader(Fields());
  std::vector<LogicalType> types;
  for (const auto& f : reader.fields()) types.push_back(f.type);
  basin::DataChunk chunk(types);
  std::vector<basin::Vector*> columns;
  for (size_t c = 0; c < types.size(); c++) columns.push_back(&chunk.column(c));
  const bool object = reader.Read(json, columns.data(), 0);
  for (size_t c = 0; c < types.size(); c++) (void)chunk.column(c).GetValue(0).ToString();
  const std::optional<std::string> reason = reader.Check(json);
  // A value that fits is an object; one Read refuses as an object is refused with a reason.
  if (!reason && !object) std::abort();
  if (reason && reason->empty()) std::abort();
}

void CheckRecords(std::string bytes) {
  namespace L = basin::log::batch_layout;
  // Repair each batch's CRC in place so that the values, not the checksum, meet the validator.
  for (size_t at = 0; at + L::kHeaderSize <= bytes.size();) {
    const int32_t length = basin::log::internal::LoadBig<int32_t>(bytes.data() + at + L::kBatchLength);
    if (length < static_cast<int32_t>(L::kHeaderSize - L::kLogOverhead)) break;
    const size_t size = static_cast<size_t>(length) + L::kLogOverhead;
    if (size > bytes.size() - at) break;
    std::string_view batch(bytes.data() + at, size);
    basin::log::internal::StoreBig<uint32_t>(bytes.data() + at + L::kCrc, basin::log::ComputeBatchCrc(batch));
    at += size;
  }
  static const basin::log::SchemaValidator validator(Schema());
  basin::log::ValidatedRecords checked;
  size_t decoded = 0;
  try {
    checked = validator.Validate(bytes);
    basin::log::BatchIterator it(bytes);
    std::string_view batch;
    basin::log::RecordReader reader;
    basin::log::Record record;
    while (it.Next(batch)) {
      if (basin::log::ValidateBatch(batch, "fuzz").is_control()) continue;
      reader.Reset(batch);
      while (reader.Next(record)) decoded++;
    }
  } catch (const basin::Exception&) {
    return;
  }
  size_t kept = 0;
  basin::log::BatchIterator it(checked.accepted());
  std::string_view batch;
  basin::log::RecordReader reader;
  basin::log::Record record;
  while (it.Next(batch)) {
    if (basin::log::ValidateBatch(batch, "accepted").is_control())
      continue;  // passed on unread, as the log does
    reader.Reset(batch);
    while (reader.Next(record)) {
      kept++;
      if (record.value && validator.Check(*record.value)) std::abort();  // a kept value must fit
    }
  }
  if (kept + checked.rejected.size() != decoded) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    CheckRecords(std::string(input));
  } else {
    CheckValue(input);
  }
  return 0;
}
