// Column chunk statistics decoded into Basin values, for skipping row groups and pages.
#include <cmath>
#include <cstring>

#include "common/exception.h"
#include "formats/parquet/parquet_reader_internal.h"

namespace basin::parquet {

namespace {

bool IsUnsigned(const SchemaElement& e) {
  if (e.logical_type.kind == LogicalTypeAnnotation::Kind::kInteger) return !e.logical_type.is_signed;
  return e.converted_type == ConvertedType::kUint8 || e.converted_type == ConvertedType::kUint16 ||
         e.converted_type == ConvertedType::kUint32 || e.converted_type == ConvertedType::kUint64;
}

/// Whether the column's logical order is the signed order of its physical values, the order the deprecated
/// min/max fields were written in (parquet-format: byte arrays were compared as signed bytes, PARQUET-686).
bool SignedPhysicalOrder(const SchemaElement& e) {
  switch (*e.type) {
    case Type::kBoolean:
    case Type::kInt32:
    case Type::kInt64:
    case Type::kFloat:
    case Type::kDouble:
      return !IsUnsigned(e);
    default:
      return false;
  }
}

}  // namespace

std::optional<Value> ParquetReader::StatisticsBound(size_t column, const std::string& bytes,
                                                    bool type_order) const {
  const ParquetFile& f = *file_;
  const SchemaElement& e = f.metadata.schema[f.leaf_schema_index[column]];
  const Conversion conversion = f.conversions[column];
  if (f.levels[column].max_rep > 0 || conversion == Conversion::kInt96Timestamp ||
      conversion == Conversion::kInterval)
    return std::nullopt;  // no defined order
  if (type_order ? !(f.metadata.type_defined_column_orders || SignedPhysicalOrder(e))
                 : !SignedPhysicalOrder(e))
    return std::nullopt;
  RawValues raw;
  auto fixed = [&](size_t width, auto& into) {
    using T = typename std::remove_reference_t<decltype(into)>::value_type;
    if (bytes.size() != width) return false;
    T v;
    std::memcpy(&v, bytes.data(), width);
    into.push_back(v);
    return true;
  };
  bool ok = false;
  switch (*e.type) {
    case Type::kBoolean:
      ok = bytes.size() == 1;
      raw.bools.push_back(ok && bytes[0] != 0);
      break;
    case Type::kInt32:
      ok = fixed(4, raw.i32);
      break;
    case Type::kInt64:
      ok = fixed(8, raw.i64);
      break;
    case Type::kFloat:
      ok = fixed(4, raw.f32) && !std::isnan(raw.f32[0]);
      break;
    case Type::kDouble:
      ok = fixed(8, raw.f64) && !std::isnan(raw.f64[0]);
      break;
    case Type::kFixedLenByteArray:
      ok = bytes.size() == static_cast<size_t>(e.type_length.value_or(-1));
      raw.bytes.emplace_back(bytes);
      break;
    case Type::kByteArray:
      ok = true;
      raw.bytes.emplace_back(bytes);
      break;
    case Type::kInt96:
      break;
  }
  if (!ok) return std::nullopt;
  try {
    Vector out(columns_[column].type, 1);
    const uint32_t row = 0;
    ConvertValues(conversion, f.scales[column], f.path(), e.name, raw, 0, out, &row, 1);
    return out.GetValue(0);
  } catch (const Exception&) {
    return std::nullopt;  // a malformed bound only costs the skipping
  }
}

ColumnStatistics ParquetReader::ChunkStatistics(size_t row_group, size_t column) const {
  const ColumnMetaData& meta =
      *file_->metadata.row_groups.at(row_group).columns[file_->chunk_index.at(column)].meta_data;
  ColumnStatistics result;
  result.value_count = meta.num_values;
  if (!meta.statistics || file_->levels[column].max_rep > 0) return result;
  const Statistics& s = *meta.statistics;
  result.null_count = s.null_count;
  if (s.min_value && s.max_value) {
    result.min = StatisticsBound(column, *s.min_value, true);
    result.max = StatisticsBound(column, *s.max_value, true);
  } else if (s.min && s.max) {
    result.min = StatisticsBound(column, *s.min, false);
    result.max = StatisticsBound(column, *s.max, false);
  }
  if (!result.min || !result.max) result.min = result.max = std::nullopt;
  return result;
}

}  // namespace basin::parquet
