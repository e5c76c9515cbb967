#pragma once

// Joins in materialized views. A stream-to-table lookup join (a topic's records joined with lake tables, or
// with a subquery over them, such as `WHERE x IN (SELECT ...)` or a scalar subquery) runs the table side as
// a batch query each epoch: the records of the epoch meet the table as it is when the epoch runs (processing
// time). The epoch's output is committed once, as any epoch's; an epoch run again after a crash reads the
// table as it is then.

#include "sql/planner/logical_operator.h"

namespace basin::stream {

/// Whether `plan` scans a topic.
bool ReadsTopic(const LogicalOperator& plan);

/// The child of `join` that reads the topic, the stream side: the other is a table side run whole each
/// epoch. Throws NotImplementedError (0A000) for a join of two topics, and for joins that would emit table
/// rows without a record (the table side preserved: LEFT JOIN with the table on the left, FULL JOIN).
LogicalOperator& StreamSide(LogicalOperator& join);

}  // namespace basin::stream
