#pragma once

// Pieces shared by the statement handlers of ClientContext (client_context_*.cc).

#include <memory>
#include <string>
#include <vector>

#include "main/query_result.h"
#include "vector/vector.h"

namespace basin {

/// A result of text rows built row by row (SHOW, DESCRIBE).
class RowsBuilder {
 public:
  RowsBuilder(std::vector<std::string> names, std::vector<LogicalType> types)
      : result_(QueryResult::Rows(names, types)), types_(std::move(types)) {}
  void Add(const std::vector<Value>& row) {
    if (!chunk_ || chunk_->size() == kVectorSize) Flush();
    for (size_t c = 0; c < row.size(); c++) chunk_->SetValue(c, chunk_->size(), row[c]);
    chunk_->SetCardinality(chunk_->size() + 1);
  }
  std::unique_ptr<QueryResult> Finish() {
    Flush();
    return std::move(result_);
  }

 private:
  void Flush() {
    if (chunk_ && chunk_->size()) result_->Append(std::move(chunk_));
    chunk_ = std::make_unique<DataChunk>(types_);
  }
  std::unique_ptr<QueryResult> result_;
  std::vector<LogicalType> types_;
  std::unique_ptr<DataChunk> chunk_;
};

}  // namespace basin
