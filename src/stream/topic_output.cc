#include "stream/topic_output.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "common/logging.h"
#include "lake/topic_table.h"
#include "log/log_manager.h"
#include "log/partition.h"
#include "log/partitioner.h"
#include "stream/row_codec.h"

namespace basin::stream {

TopicOutput::TopicOutput(log::LogManager& log, std::shared_ptr<TableEntry> topic, std::string key)
    : log_(log), topic_(std::move(topic)) {
  for (size_t c = kTopicPseudoColumns; c < topic_->columns.size(); c++) {
    if (!key.empty() && topic_->columns[c].name == key) key_ = static_cast<int>(c - kTopicPseudoColumns);
  }
}

SinkOffsets TopicOutput::Commit(const std::vector<std::unique_ptr<DataChunk>>& rows,
                                const SinkOffsets& written, int64_t time_ms) {
  const SinkOffsets ends = HighWatermarks(log_, topic_->name);
  const int32_t partitions = static_cast<int32_t>(ends.size());
  const size_t width = topic_->columns.size() - kTopicPseudoColumns;
  std::vector<LogicalType> types;
  for (const auto& column : topic_->columns) types.push_back(column.type);

  // The rows in a fixed order, each with its partition.
  std::vector<std::pair<std::string, int32_t>> records;
  for (const auto& chunk : rows) {
    for (size_t r = 0; r < chunk->size(); r++) {
      std::string row;
      EncodeRow(*chunk, 0, width, r, row);
      int32_t partition = -1;
      if (key_ >= 0) {
        const Value key = chunk->GetValue(static_cast<size_t>(key_), r);
        if (!key.IsNull()) {
          partition = log::PartitionForKey(
              key.type().id() == TypeId::kVarchar ? key.GetString() : key.ToString(), partitions);
        }
      }
      records.emplace_back(std::move(row), partition);
    }
  }
  std::sort(records.begin(), records.end());
  std::vector<std::vector<const std::string*>> shares(static_cast<size_t>(partitions));
  for (size_t i = 0; i < records.size(); i++) {
    const int32_t p = records[i].second >= 0 ? records[i].second : static_cast<int32_t>(i % partitions);
    shares[static_cast<size_t>(p)].push_back(&records[i].first);
  }

  std::unique_ptr<TableStorage::Writer> writer = topic_->storage->BeginWrite();
  DataChunk out(types);
  auto flush = [&] {
    if (out.size() == 0) return;
    writer->Append(out);
    out.Reset();
  };
  for (int32_t p = 0; p < partitions; p++) {
    auto it = written.find(p);
    const int64_t there = ends.at(p) - (it == written.end() ? 0 : it->second);
    const auto& share = shares[static_cast<size_t>(p)];
    if (there > static_cast<int64_t>(share.size())) {
      LogLine(LogLevel::kWarning, "stream " + topic_->name + ": partition " + std::to_string(p) + " holds " +
                                      std::to_string(there) + " records past its checkpoint, more than the " +
                                      std::to_string(share.size()) + " its epoch gives (another writer?)");
    }
    for (size_t i = static_cast<size_t>(std::max<int64_t>(there, 0)); i < share.size(); i++) {
      const size_t r = out.size();
      for (size_t c = 0; c < kTopicPseudoColumns; c++) out.column(c).SetNull(r);
      out.column(kTopicPartitionColumn).SetNull(r, false);
      out.column(kTopicPartitionColumn).data<int32_t>()[r] = p;
      out.column(kTopicTimestampColumn).SetNull(r, false);
      out.column(kTopicTimestampColumn).data<int64_t>()[r] = time_ms * 1000;
      std::string_view in = *share[i];
      DecodeRow(in, out, kTopicPseudoColumns, width, r);
      out.SetCardinality(r + 1);
      if (out.size() == kVectorSize) flush();
    }
  }
  flush();
  writer->Commit();
  return HighWatermarks(log_, topic_->name);
}

}  // namespace basin::stream
