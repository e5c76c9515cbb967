#include "stream/join_plan.h"

#include "catalog/catalog.h"
#include "common/exception.h"

namespace basin::stream {

bool ReadsTopic(const LogicalOperator& plan) {
  if (plan.type == LogicalOpType::kGet && plan.table && plan.table->is_topic()) return true;
  for (const auto& c : plan.children) {
    if (ReadsTopic(*c)) return true;
  }
  return false;
}

LogicalOperator& StreamSide(LogicalOperator& join) {
  const bool left = ReadsTopic(*join.children[0]), right = ReadsTopic(*join.children[1]);
  if (left && right) {
    throw NotImplementedError(
        "materialized views do not support joins of two topics (stream-to-stream joins) yet; a topic "
        "joins lake tables (a lookup join)");
  }
  // Neither: the caller's checks find what is wrong below the left side (a table where a topic belongs).
  if (!right) {
    if (join.join_type == LogicalJoinType::kRight || join.join_type == LogicalJoinType::kFull) {
      throw NotImplementedError(
          "materialized views do not support RIGHT or FULL joins of a topic with a table (rows of the table "
          "without a record would change with every record); join the table to the topic with JOIN or "
          "LEFT JOIN");
    }
    return *join.children[0];
  }
  if (join.join_type != LogicalJoinType::kInner && join.join_type != LogicalJoinType::kRight) {
    throw NotImplementedError(
        "materialized views do not support this join of a table with a topic (the table's rows would be "
        "kept without a record); join the table to the topic with JOIN or LEFT JOIN");
  }
  return *join.children[1];
}

}  // namespace basin::stream
