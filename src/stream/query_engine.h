#pragma once

// How the stream processor runs SQL: through the batch engine of a session of its own. main/ implements
// this over a ClientContext (main/stream_engine.h); the stream module never includes main/.

#include <cstdint>
#include <functional>
#include <string>

#include "sql/binder/binder.h"

namespace basin {
class DataChunk;
}

namespace basin::stream {

/// One session of the batch engine; used by one thread at a time.
class QueryEngine {
 public:
  virtual ~QueryEngine() = default;
  /// Parse and bind a SELECT. Throws what binding throws.
  virtual BoundQuery Bind(const std::string& sql) = 0;
  /// Optimize, plan and run `plan` as a statement that started at `statement_time_us` (what now() gives),
  /// handing its rows to `rows` in order, one chunk at a time, on any thread. Throws what running throws.
  virtual void Run(LogicalOperatorPtr plan, int64_t statement_time_us,
                   const std::function<bool(const DataChunk&)>& rows) = 0;
};

}  // namespace basin::stream
