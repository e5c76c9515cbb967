#include "lake/parquet_statistics.h"

#include <algorithm>
#include <cmath>

namespace basin {

namespace {
template <class T>
int Order(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

parquet::RowRanges Intersect(const parquet::RowRanges& a, const parquet::RowRanges& b) {
  parquet::RowRanges out;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    const int64_t begin = std::max(a[i].begin, b[j].begin);
    const int64_t end = std::min(a[i].end, b[j].end);
    if (begin < end) out.push_back({begin, end});
    (a[i].end < b[j].end ? i : j)++;
  }
  return out;
}
}  // namespace

std::optional<int> CompareForSkipping(const Value& a, const Value& b) {
  const LogicalType& ta = a.type();
  const LogicalType& tb = b.type();
  if (ta.IsInteger() && tb.IsInteger()) return Order(a.GetInt64(), b.GetInt64());
  const bool float_a = ta.id() == TypeId::kReal || ta.id() == TypeId::kDouble;
  const bool float_b = tb.id() == TypeId::kReal || tb.id() == TypeId::kDouble;
  if (float_a && float_b) {
    if (std::isnan(a.GetDouble()) || std::isnan(b.GetDouble())) return std::nullopt;
    return Order(a.GetDouble(), b.GetDouble());
  }
  if (ta != tb) return std::nullopt;  // DECIMAL of another scale, or unrelated types
  switch (ta.physical()) {
    case PhysicalType::kBool:
    case PhysicalType::kInt16:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return Order(a.GetInt64(), b.GetInt64());
    case PhysicalType::kInt128:
      return Order(a.GetHugeInt(), b.GetHugeInt());
    case PhysicalType::kString:
      return Order(a.GetString(), b.GetString());  // bytewise, as Parquet's unsigned byte order
    default:
      return std::nullopt;
  }
}

bool ConstantMayMatch(const Value& value, const TableFilter& filter) {
  parquet::ColumnStatistics stats;  // a constant column: min = max = the value
  stats.value_count = 1;
  stats.null_count = value.IsNull() ? 1 : 0;
  if (!value.IsNull()) stats.min = stats.max = value;
  return StatisticsMayMatch(stats, filter);
}

bool StatisticsMayMatch(const parquet::ColumnStatistics& stats, const TableFilter& filter) {
  using Op = TableFilter::Op;
  const bool all_null = stats.null_count && *stats.null_count >= stats.value_count;
  if (filter.op == Op::kIsNull) return !stats.null_count || *stats.null_count > 0;
  if (all_null) return false;  // only NULLs: no comparison holds, nor IS NOT NULL
  if (filter.op == Op::kIsNotNull || !stats.min || !stats.max) return true;
  if (filter.constant.IsNull()) return false;
  const std::optional<int> lo = CompareForSkipping(*stats.min, filter.constant);
  const std::optional<int> hi = CompareForSkipping(*stats.max, filter.constant);
  if (!lo || !hi) return true;
  switch (filter.op) {
    case Op::kEqual:
      return *lo <= 0 && *hi >= 0;
    case Op::kNotEqual:
      return !(*lo == 0 && *hi == 0);
    case Op::kLess:
      return *lo < 0;
    case Op::kLessEqual:
      return *lo <= 0;
    case Op::kGreater:
      return *hi > 0;
    case Op::kGreaterEqual:
      return *hi >= 0;
    default:
      return true;
  }
}

bool RowGroupMayMatch(const parquet::ParquetReader& file, size_t row_group, size_t file_column,
                      const TableFilter& filter) {
  return StatisticsMayMatch(file.ChunkStatistics(row_group, file_column), filter);
}

std::optional<parquet::RowRanges> PagesMayMatch(const parquet::ParquetReader& file, size_t row_group,
                                                const std::vector<TableFilter>& filters,
                                                const std::vector<int64_t>& file_columns) {
  std::optional<parquet::RowRanges> result;
  for (size_t i = 0; i < filters.size(); ++i) {
    if (file_columns[i] < 0) continue;
    const auto pages = file.PageIndex(row_group, static_cast<size_t>(file_columns[i]));
    if (!pages) continue;
    parquet::RowRanges ranges;
    for (const parquet::PageStatistics& page : *pages) {
      if (!StatisticsMayMatch(page.stats, filters[i])) continue;
      if (!ranges.empty() && ranges.back().end == page.first_row) {
        ranges.back().end += page.rows;  // adjacent pages make one range
      } else {
        ranges.push_back({page.first_row, page.first_row + page.rows});
      }
    }
    result = result ? Intersect(*result, ranges) : std::move(ranges);
  }
  return result;
}

bool CanReadRowRanges(const parquet::ParquetReader& file, const std::vector<size_t>& columns) {
  for (size_t c : columns) {
    if (file.columns()[c].type.id() == TypeId::kList) return false;
  }
  return true;
}

}  // namespace basin
