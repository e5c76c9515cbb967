#pragma once

// One epoch's input: a topic read over fixed offset ranges, as a table the batch engine scans.

#include <map>
#include <memory>

#include "lake/table_storage.h"
#include "lake/topic_table.h"

namespace basin::stream {

/// Partition p's offsets [begin[p], end[p]) of a topic (TopicTable::InitRangeScan), read-only. Filters the
/// engine pushes do not narrow the ranges further (the engine applies them to the rows anyway).
class TopicRangeTable : public TableStorage {
 public:
  TopicRangeTable(std::shared_ptr<TopicTable> topic, std::map<int32_t, int64_t> begin,
                  std::map<int32_t, int64_t> end)
      : topic_(std::move(topic)), begin_(std::move(begin)), end_(std::move(end)) {}

  std::unique_ptr<TableScanState> InitScan(const std::vector<size_t>& column_ids,
                                           const std::vector<TableFilter>&) override {
    return topic_->InitRangeScan(column_ids, begin_, end_);
  }
  size_t MorselCount(const TableScanState& state) const override { return topic_->MorselCount(state); }
  std::unique_ptr<MorselReader> OpenMorsel(TableScanState& state, size_t morsel) override {
    return topic_->OpenMorsel(state, morsel);
  }
  std::unique_ptr<Writer> BeginWrite() override;
  int64_t RowCount() const override;
  int64_t SizeInBytes() const override { return topic_->SizeInBytes(); }

 private:
  std::shared_ptr<TopicTable> topic_;
  std::map<int32_t, int64_t> begin_, end_;
};

}  // namespace basin::stream
