#pragma once

// The state and the epoch of a join of two topics (StreamJoin, join_plan.h). Each side's rows are kept in the
// view's state store under "j" + side + join key + epoch + row number (a distinct side's: + the row itself),
// so that the rows matching a key are one range of keys. Rows with a NULL key never match (an inner join)
// and are not kept.

#include <array>
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

/// Run epoch `epoch` of `join`: each side's plan over `inputs` (its topic over the epoch's offset ranges, at
/// processing time `time_us`), then `pass` twice with the join's chunk scans holding the new left rows and
/// the right rows stored or new that match them, then the stored left rows matching the new right rows and
/// those. The new rows go to `batch`. Returns the rows of each side kept.
std::array<int64_t, 2> RunStreamJoin(StreamJoin& join, QueryEngine& engine,
                                     const std::array<std::shared_ptr<TableEntry>, 2>& inputs, int64_t time_us,
                                     int64_t epoch, StateBatch& batch, const std::function<void()>& pass);

}  // namespace basin::stream
