#pragma once

#include <string>

#include "lake/table_storage.h"
#include "types/logical_type.h"

namespace basin::iceberg {

/// Parquet statistics (PLAIN-encoded min or max) as an Iceberg bound (single-value serialization, spec
/// Appendix D); false when the value has no faithful bound (long strings as upper bounds, wide decimals).
bool ToIcebergBound(const LogicalType& type, const std::string& plain, bool upper, std::string& out);

/// Order of two Iceberg bounds of one type.
bool BoundLess(const LogicalType& type, const std::string& a, const std::string& b);

/// Whether a file whose column lies within [lower, upper] may hold rows passing `filter`; true when unsure.
bool BoundsMayMatch(const LogicalType& type, const std::string* lower, const std::string* upper,
                    int64_t null_count, int64_t value_count, const TableFilter& filter);

}  // namespace basin::iceberg
