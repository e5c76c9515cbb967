#include "stream/topic_range.h"

#include "common/exception.h"

namespace basin::stream {

std::unique_ptr<TableStorage::Writer> TopicRangeTable::BeginWrite() {
  throw InternalError("an epoch's input is read-only");
}

int64_t TopicRangeTable::RowCount() const {
  int64_t rows = 0;
  for (auto [p, end] : end_) {
    auto it = begin_.find(p);
    rows += std::max<int64_t>(0, end - (it == begin_.end() ? 0 : it->second));
  }
  return rows;
}

}  // namespace basin::stream
