#include "main/query_result.h"

#include <algorithm>

#include "vector/vector.h"

namespace basin {

QueryResult::~QueryResult() = default;

std::unique_ptr<QueryResult> QueryResult::Error(ErrorInfo error) {
  auto r = std::make_unique<QueryResult>();
  r->kind_ = Kind::kError;
  r->error_ = std::move(error);
  return r;
}

std::unique_ptr<QueryResult> QueryResult::Count(int64_t rows_affected) {
  auto r = std::make_unique<QueryResult>();
  r->kind_ = Kind::kCount;
  r->rows_affected_ = rows_affected;
  return r;
}

std::unique_ptr<QueryResult> QueryResult::Rows(std::vector<std::string> names,
                                               std::vector<LogicalType> types) {
  auto r = std::make_unique<QueryResult>();
  r->kind_ = Kind::kRows;
  r->names_ = std::move(names);
  r->types_ = std::move(types);
  return r;
}

void QueryResult::Append(std::unique_ptr<DataChunk> chunk) {
  if (chunk->size() == 0) return;
  chunk_starts_.push_back(row_count_);
  row_count_ += chunk->size();
  chunks_.push_back(std::move(chunk));
}

void QueryResult::MarkStreamed(size_t rows) {
  streamed_ = true;
  row_count_ = rows;
  chunks_.clear();
  chunk_starts_.clear();
}

Value QueryResult::GetValue(size_t column, size_t row) const {
  auto it = std::upper_bound(chunk_starts_.begin(), chunk_starts_.end(), row);
  size_t chunk = static_cast<size_t>(it - chunk_starts_.begin()) - 1;
  return chunks_[chunk]->GetValue(column, row - chunk_starts_[chunk]);
}

}  // namespace basin
