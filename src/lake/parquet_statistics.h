#pragma once

// Whether Parquet statistics, or a file's partition constants, leave rows that a pushed filter may keep.
// Shared by the scans of Parquet files and of Iceberg tables.

#include <optional>
#include <vector>

#include "formats/parquet/parquet_reader.h"
#include "lake/table_storage.h"

namespace basin {

/// Compare two non-NULL values of comparable types (equal types, or both integers, or both floats):
/// negative, zero or positive; nullopt when they are not comparable (skipping must then not happen).
std::optional<int> CompareForSkipping(const Value& a, const Value& b);

/// Whether a column holding only `value` in some rows may satisfy `filter`.
bool ConstantMayMatch(const Value& value, const TableFilter& filter);

/// Whether rows described by `stats` (bounds of a column chunk or a page) may satisfy `filter`; true when
/// the statistics do not say.
bool StatisticsMayMatch(const parquet::ColumnStatistics& stats, const TableFilter& filter);

/// Whether row group `row_group` of `file` may hold rows whose column `file_column` satisfies `filter`
/// (whose `column` refers to the caller's schema, not the file's).
bool RowGroupMayMatch(const parquet::ParquetReader& file, size_t row_group, size_t file_column,
                      const TableFilter& filter);

/// The rows of `row_group` whose pages may hold rows passing every filter, by the page index of the
/// filtered columns (`file_columns[i]`: the file's column that `filters[i]` tests, or negative for none);
/// nullopt when no filtered column has a page index. Rows outside the result pass no filter.
std::optional<parquet::RowRanges> PagesMayMatch(const parquet::ParquetReader& file, size_t row_group,
                                                const std::vector<TableFilter>& filters,
                                                const std::vector<int64_t>& file_columns);

/// Whether rows of `columns` of `file` can be read by row ranges (flat columns only, not LISTs).
bool CanReadRowRanges(const parquet::ParquetReader& file, const std::vector<size_t>& columns);

}  // namespace basin
