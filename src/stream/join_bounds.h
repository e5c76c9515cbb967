#pragma once

// Interval joins: the time bounds between the two sides of a join of two topics, derived from the join's
// conditions, by which the watermarks expire the rows the join keeps (as Flink's interval join does).
//
// A conjunct `O.t <= e(S)` (also `<`, `>=` / `>` written the other way round, or an equality key), where O.t
// is the column side O's topic declares its WATERMARK for and e(S) an expression over side S's row alone
// (`S.t + INTERVAL '10' SECOND`, `A.expires`), bounds the O rows a stored S row can meet: once O's watermark
// is past e(S), no O row still to come that is not late can meet it, and it leaves the state. An O row
// whose time is behind O's watermark of the previous epoch is late, as a partner it would have met may be
// gone: it is dropped from the join (counted, and written to the view's late table). So Nexmark q4's
// `B.dateTime BETWEEN A.dateTime AND A.expires` keeps an auction until the bids' watermark passes its
// expiry, and a bid until the auctions' watermark passes its time.

#include <array>
#include <set>
#include <utility>
#include <vector>

#include "stream/join_plan.h"

namespace basin::stream {

struct ExtraColumns {
  /// By side: the expressions over the side's child.
  std::array<std::vector<ExprPtr>, 2> columns;
  /// Columns the extra ones made a side's scan read (`_partition`, `_offset`): not the side's own columns.
  std::set<std::pair<uint64_t, uint64_t>> scan_only;
};

/// The columns each side's plan gives after its keys (StreamJoin::Side::late_columns, expiry), over the
/// side's child in `join_op` (the join before ExtractStreamJoin takes its sides out), with `join`'s sides
/// marked accordingly; none for a join whose rows are never late. A window join (`join.window_end_key`) gets
/// only the late table's columns. A side that is its topic's scan (and filters) is made to read `_partition`
/// and `_offset` for them.
ExtraColumns ExtraSideColumns(LogicalOperator& join_op, StreamJoin& join);

}  // namespace basin::stream
