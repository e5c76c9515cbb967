#pragma once

// The state and the epoch of a join of two topics (StreamJoin, join_plan.h). Each side's rows are kept in the
// view's state store under "j" + side + join key + epoch + row number (a distinct side's: + the row itself),
// so that the rows matching a key are one range of keys; a window join's keys lead with the window end (as an
// ordered integer), so that closed windows are one range too. An interval join's rows that can expire
// (join_bounds.h) are also indexed under "jx" + side + expiry time (an ordered integer) + ... (join_expiry.h),
// so the rows the other side's watermark has passed are one range. Rows with a NULL key (or time, or bound) never
// match (an inner join) and are not kept.

#include <array>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>

#include "stream/join_plan.h"
#include "stream/query_engine.h"

namespace basin {
struct TableEntry;
}

namespace basin::stream {

class StateBatch;

struct JoinEpoch {
  int64_t epoch = 0;
  int64_t time_us = 0;             ///< processing time
  int64_t closed = INT64_MIN;      ///< a window join: windows ending at or before it closed in earlier epochs
  int64_t watermark = INT64_MIN;   ///< ... and after this epoch
  /// An interval join: each topic's watermark before the epoch (its rows behind it are late) and after it
  /// (the other side's rows expire by it).
  std::array<int64_t, 2> side_closed{INT64_MIN, INT64_MIN};
  std::array<int64_t, 2> side_watermark{INT64_MIN, INT64_MIN};
  /// Gets the late rows as the late table holds them: _partition, _offset, event_time, window_start,
  /// window_end, watermark (null: they are only counted).
  std::function<void(const DataChunk&)> late_rows;
};

struct JoinEpochResult {
  int64_t kept = 0;     ///< rows stored
  int64_t late = 0;     ///< rows of closed windows or behind their topic's watermark, dropped
  int64_t expired = 0;  ///< rows forgotten
};

/// Run `epoch` of `join`: each side's plan over `inputs` (its topic over the epoch's offset ranges), then
/// `pass` twice with the join's chunk scans holding the new left rows and the right rows stored or new that
/// match them, then the stored left rows matching the new right rows and those. The new rows go to `batch`;
/// a window join's rows of windows the new watermark closed leave it, as do an interval join's rows that the
/// other side's new watermark has passed.
JoinEpochResult RunStreamJoin(StreamJoin& join, QueryEngine& engine,
                              const std::array<std::shared_ptr<TableEntry>, 2>& inputs, const JoinEpoch& epoch,
                              StateBatch& batch, const std::function<void()>& pass);

}  // namespace basin::stream
