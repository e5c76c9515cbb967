#include "formats/parquet/parquet_metadata.h"

namespace basin::parquet {
namespace {

using CT = CompactType;

bool IsBool(CT t) {
  return t == CT::kBooleanTrue || t == CT::kBooleanFalse;
}

/// Read a struct, handing each field to `on_field(id, type)`; a field it does not take (unknown id, or a
/// wire type other than expected) is skipped.
template <class F>
void ReadStruct(CompactReader& r, F&& on_field) {
  r.BeginStruct();
  int16_t id;
  CT type;
  while (r.NextField(id, type)) {
    if (!on_field(id, type)) r.Skip(type);
  }
  r.EndStruct();
}

template <class F>
void ReadList(CompactReader& r, CT expected, F&& on_element) {
  CT element;
  uint32_t n;
  r.ReadListHeader(element, n);
  const bool matches = element == expected || (IsBool(expected) && IsBool(element));
  for (uint32_t i = 0; i < n; ++i) {
    if (matches)
      on_element();
    else
      r.Skip(element);
  }
}

template <class E>
E ReadEnum(CompactReader& r) {
  return static_cast<E>(r.ReadI32());
}

void Read(CompactReader& r, Statistics& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t == CT::kBinary) {
      if (id == 1) return v.max = r.ReadBinary(), true;
      if (id == 2) return v.min = r.ReadBinary(), true;
      if (id == 5) return v.max_value = r.ReadBinary(), true;
      if (id == 6) return v.min_value = r.ReadBinary(), true;
    } else if (t == CT::kI64) {
      if (id == 3) return v.null_count = r.ReadI64(), true;
      if (id == 4) return v.distinct_count = r.ReadI64(), true;
    }
    return false;
  });
}

void Write(CompactWriter& w, const Statistics& v) {
  w.BeginStruct();
  if (v.max) w.BinaryField(1, *v.max);
  if (v.min) w.BinaryField(2, *v.min);
  if (v.null_count) w.I64Field(3, *v.null_count);
  if (v.distinct_count) w.I64Field(4, *v.distinct_count);
  if (v.max_value) w.BinaryField(5, *v.max_value);
  if (v.min_value) w.BinaryField(6, *v.min_value);
  w.EndStruct();
}

TimeUnit ReadTimeUnit(CompactReader& r) {
  TimeUnit unit = TimeUnit::kMicros;
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t != CT::kStruct || id < 1 || id > 3) return false;
    unit = id == 1 ? TimeUnit::kMillis : id == 2 ? TimeUnit::kMicros : TimeUnit::kNanos;
    return false;  // the member is an empty struct: skip it
  });
  return unit;
}

void WriteTimeUnit(CompactWriter& w, TimeUnit unit) {
  w.BeginStruct();
  w.FieldHeader(unit == TimeUnit::kMillis ? 1 : unit == TimeUnit::kMicros ? 2 : 3, CT::kStruct);
  w.BeginStruct();
  w.EndStruct();
  w.EndStruct();
}

void Read(CompactReader& r, LogicalTypeAnnotation& v) {
  using K = LogicalTypeAnnotation::Kind;
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t != CT::kStruct) return false;
    switch (id) {
      case 1:
        v.kind = K::kString;
        return false;
      case 3:
        v.kind = K::kList;
        return false;
      case 5:
        v.kind = K::kDecimal;
        ReadStruct(r, [&](int16_t fid, CT ft) {
          if (ft != CT::kI32) return false;
          if (fid == 1) return v.scale = r.ReadI32(), true;
          if (fid == 2) return v.precision = r.ReadI32(), true;
          return false;
        });
        return true;
      case 6:
        v.kind = K::kDate;
        return false;
      case 7:
      case 8:
        v.kind = id == 7 ? K::kTime : K::kTimestamp;
        ReadStruct(r, [&](int16_t fid, CT ft) {
          if (fid == 1 && IsBool(ft)) return v.is_adjusted_to_utc = r.ReadBool(), true;
          if (fid == 2 && ft == CT::kStruct) return v.unit = ReadTimeUnit(r), true;
          return false;
        });
        return true;
      case 10:
        v.kind = K::kInteger;
        ReadStruct(r, [&](int16_t fid, CT ft) {
          if (fid == 1 && ft == CT::kByte) return v.bit_width = r.ReadByte(), true;
          if (fid == 2 && IsBool(ft)) return v.is_signed = r.ReadBool(), true;
          return false;
        });
        return true;
      default:
        v.kind = K::kOther;
        return false;
    }
  });
}

void Write(CompactWriter& w, const LogicalTypeAnnotation& v) {
  using K = LogicalTypeAnnotation::Kind;
  w.BeginStruct();
  switch (v.kind) {
    case K::kString:
    case K::kList:
    case K::kDate:
      w.FieldHeader(v.kind == K::kString ? 1 : v.kind == K::kList ? 3 : 6, CT::kStruct);
      w.BeginStruct();
      w.EndStruct();
      break;
    case K::kDecimal:
      w.FieldHeader(5, CT::kStruct);
      w.BeginStruct();
      w.I32Field(1, v.scale);
      w.I32Field(2, v.precision);
      w.EndStruct();
      break;
    case K::kTime:
    case K::kTimestamp:
      w.FieldHeader(v.kind == K::kTime ? 7 : 8, CT::kStruct);
      w.BeginStruct();
      w.WriteBoolField(1, v.is_adjusted_to_utc);
      w.FieldHeader(2, CT::kStruct);
      WriteTimeUnit(w, v.unit);
      w.EndStruct();
      break;
    case K::kInteger:
      w.FieldHeader(10, CT::kStruct);
      w.BeginStruct();
      w.FieldHeader(1, CT::kByte);
      w.WriteByte(v.bit_width);
      w.WriteBoolField(2, v.is_signed);
      w.EndStruct();
      break;
    case K::kNone:
    case K::kOther:
      break;
  }
  w.EndStruct();
}

void Read(CompactReader& r, SchemaElement& v) {
  bool has_name = false;
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t == CT::kI32) {
      switch (id) {
        case 1: {
          const int32_t type = r.ReadI32();
          if (type < 0 || type > 7) r.Fail("unknown physical type " + std::to_string(type));
          v.type = static_cast<Type>(type);
          return true;
        }
        case 2:
          return v.type_length = r.ReadI32(), true;
        case 3:
          return v.repetition_type = ReadEnum<FieldRepetitionType>(r), true;
        case 5:
          return v.num_children = r.ReadI32(), true;
        case 6:
          return v.converted_type = ReadEnum<ConvertedType>(r), true;
        case 7:
          return v.scale = r.ReadI32(), true;
        case 8:
          return v.precision = r.ReadI32(), true;
        case 9:
          return v.field_id = r.ReadI32(), true;
      }
    } else if (id == 4 && t == CT::kBinary) {
      has_name = true;
      return v.name = r.ReadBinary(), true;
    } else if (id == 10 && t == CT::kStruct) {
      Read(r, v.logical_type);
      return true;
    }
    return false;
  });
  if (!has_name) r.Fail("schema element without a name");
}

void Write(CompactWriter& w, const SchemaElement& v) {
  w.BeginStruct();
  if (v.type) w.I32Field(1, static_cast<int32_t>(*v.type));
  if (v.type_length) w.I32Field(2, *v.type_length);
  if (v.repetition_type) w.I32Field(3, static_cast<int32_t>(*v.repetition_type));
  w.BinaryField(4, v.name);
  if (v.num_children) w.I32Field(5, *v.num_children);
  if (v.converted_type) w.I32Field(6, static_cast<int32_t>(*v.converted_type));
  if (v.scale) w.I32Field(7, *v.scale);
  if (v.precision) w.I32Field(8, *v.precision);
  if (v.field_id) w.I32Field(9, *v.field_id);
  if (v.logical_type.kind != LogicalTypeAnnotation::Kind::kNone &&
      v.logical_type.kind != LogicalTypeAnnotation::Kind::kOther) {
    w.FieldHeader(10, CT::kStruct);
    Write(w, v.logical_type);
  }
  w.EndStruct();
}

void Read(CompactReader& r, ColumnMetaData& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    switch (id) {
      case 1:
        if (t != CT::kI32) return false;
        {
          const int32_t type = r.ReadI32();
          if (type < 0 || type > 7) r.Fail("unknown physical type " + std::to_string(type));
          v.type = static_cast<Type>(type);
        }
        return true;
      case 2:
        if (t != CT::kList) return false;
        ReadList(r, CT::kI32, [&] { v.encodings.push_back(ReadEnum<Encoding>(r)); });
        return true;
      case 3:
        if (t != CT::kList) return false;
        ReadList(r, CT::kBinary, [&] { v.path_in_schema.push_back(r.ReadBinary()); });
        return true;
      case 4:
        return t == CT::kI32 && (v.codec = ReadEnum<CompressionCodec>(r), true);
      case 5:
        return t == CT::kI64 && (v.num_values = r.ReadI64(), true);
      case 6:
        return t == CT::kI64 && (v.total_uncompressed_size = r.ReadI64(), true);
      case 7:
        return t == CT::kI64 && (v.total_compressed_size = r.ReadI64(), true);
      case 9:
        return t == CT::kI64 && (v.data_page_offset = r.ReadI64(), true);
      case 11:
        return t == CT::kI64 && (v.dictionary_page_offset = r.ReadI64(), true);
      case 12:
        if (t != CT::kStruct) return false;
        v.statistics.emplace();
        Read(r, *v.statistics);
        return true;
    }
    return false;
  });
}

void Write(CompactWriter& w, const ColumnMetaData& v) {
  w.BeginStruct();
  w.I32Field(1, static_cast<int32_t>(v.type));
  w.FieldHeader(2, CT::kList);
  w.ListHeader(CT::kI32, static_cast<uint32_t>(v.encodings.size()));
  for (Encoding e : v.encodings) w.WriteI32(static_cast<int32_t>(e));
  w.FieldHeader(3, CT::kList);
  w.ListHeader(CT::kBinary, static_cast<uint32_t>(v.path_in_schema.size()));
  for (const auto& p : v.path_in_schema) w.WriteBinary(p);
  w.I32Field(4, static_cast<int32_t>(v.codec));
  w.I64Field(5, v.num_values);
  w.I64Field(6, v.total_uncompressed_size);
  w.I64Field(7, v.total_compressed_size);
  w.I64Field(9, v.data_page_offset);
  if (v.dictionary_page_offset) w.I64Field(11, *v.dictionary_page_offset);
  if (v.statistics) {
    w.FieldHeader(12, CT::kStruct);
    Write(w, *v.statistics);
  }
  w.EndStruct();
}

void Read(CompactReader& r, ColumnChunk& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (id == 1 && t == CT::kBinary) return v.file_path = r.ReadBinary(), true;
    if (id == 2 && t == CT::kI64) return v.file_offset = r.ReadI64(), true;
    if (id == 3 && t == CT::kStruct) {
      v.meta_data.emplace();
      Read(r, *v.meta_data);
      return true;
    }
    if (id == 4 && t == CT::kI64) return v.offset_index_offset = r.ReadI64(), true;
    if (id == 5 && t == CT::kI32) return v.offset_index_length = r.ReadI32(), true;
    if (id == 6 && t == CT::kI64) return v.column_index_offset = r.ReadI64(), true;
    if (id == 7 && t == CT::kI32) return v.column_index_length = r.ReadI32(), true;
    return false;
  });
}

void Write(CompactWriter& w, const ColumnChunk& v) {
  w.BeginStruct();
  if (v.file_path) w.BinaryField(1, *v.file_path);
  w.I64Field(2, v.file_offset);
  if (v.meta_data) {
    w.FieldHeader(3, CT::kStruct);
    Write(w, *v.meta_data);
  }
  if (v.offset_index_offset) w.I64Field(4, *v.offset_index_offset);
  if (v.offset_index_length) w.I32Field(5, *v.offset_index_length);
  if (v.column_index_offset) w.I64Field(6, *v.column_index_offset);
  if (v.column_index_length) w.I32Field(7, *v.column_index_length);
  w.EndStruct();
}

void Read(CompactReader& r, RowGroup& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    switch (id) {
      case 1:
        if (t != CT::kList) return false;
        ReadList(r, CT::kStruct, [&] { Read(r, v.columns.emplace_back()); });
        return true;
      case 2:
        return t == CT::kI64 && (v.total_byte_size = r.ReadI64(), true);
      case 3:
        return t == CT::kI64 && (v.num_rows = r.ReadI64(), true);
      case 5:
        return t == CT::kI64 && (v.file_offset = r.ReadI64(), true);
      case 6:
        return t == CT::kI64 && (v.total_compressed_size = r.ReadI64(), true);
      case 7:
        return t == CT::kI16 && (v.ordinal = r.ReadI16(), true);
    }
    return false;
  });
}

void Write(CompactWriter& w, const RowGroup& v) {
  w.BeginStruct();
  w.FieldHeader(1, CT::kList);
  w.ListHeader(CT::kStruct, static_cast<uint32_t>(v.columns.size()));
  for (const auto& c : v.columns) Write(w, c);
  w.I64Field(2, v.total_byte_size);
  w.I64Field(3, v.num_rows);
  if (v.file_offset) w.I64Field(5, *v.file_offset);
  if (v.total_compressed_size) w.I64Field(6, *v.total_compressed_size);
  if (v.ordinal) {
    w.FieldHeader(7, CT::kI16);
    w.WriteI16(*v.ordinal);
  }
  w.EndStruct();
}

void Read(CompactReader& r, KeyValue& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (id == 1 && t == CT::kBinary) return v.key = r.ReadBinary(), true;
    if (id == 2 && t == CT::kBinary) return v.value = r.ReadBinary(), true;
    return false;
  });
}

void Read(CompactReader& r, DataPageHeader& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t == CT::kI32) {
      if (id == 1) return v.num_values = r.ReadI32(), true;
      if (id == 2) return v.encoding = ReadEnum<Encoding>(r), true;
      if (id == 3) return v.definition_level_encoding = ReadEnum<Encoding>(r), true;
      if (id == 4) return v.repetition_level_encoding = ReadEnum<Encoding>(r), true;
    } else if (id == 5 && t == CT::kStruct) {
      v.statistics.emplace();
      Read(r, *v.statistics);
      return true;
    }
    return false;
  });
}

void Read(CompactReader& r, DictionaryPageHeader& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (id == 1 && t == CT::kI32) return v.num_values = r.ReadI32(), true;
    if (id == 2 && t == CT::kI32) return v.encoding = ReadEnum<Encoding>(r), true;
    if (id == 3 && IsBool(t)) return v.is_sorted = r.ReadBool(), true;
    return false;
  });
}

void Read(CompactReader& r, DataPageHeaderV2& v) {
  ReadStruct(r, [&](int16_t id, CT t) {
    if (t == CT::kI32) {
      switch (id) {
        case 1:
          return v.num_values = r.ReadI32(), true;
        case 2:
          return v.num_nulls = r.ReadI32(), true;
        case 3:
          return v.num_rows = r.ReadI32(), true;
        case 4:
          return v.encoding = ReadEnum<Encoding>(r), true;
        case 5:
          return v.definition_levels_byte_length = r.ReadI32(), true;
        case 6:
          return v.repetition_levels_byte_length = r.ReadI32(), true;
      }
    } else if (id == 7 && IsBool(t)) {
      return v.is_compressed = r.ReadBool(), true;
    } else if (id == 8 && t == CT::kStruct) {
      v.statistics.emplace();
      Read(r, *v.statistics);
      return true;
    }
    return false;
  });
}

}  // namespace

void Read(CompactReader& r, FileMetaData& v) {
  bool has_schema = false;
  ReadStruct(r, [&](int16_t id, CT t) {
    switch (id) {
      case 1:
        return t == CT::kI32 && (v.version = r.ReadI32(), true);
      case 2:
        if (t != CT::kList) return false;
        has_schema = true;
        ReadList(r, CT::kStruct, [&] { Read(r, v.schema.emplace_back()); });
        return true;
      case 3:
        return t == CT::kI64 && (v.num_rows = r.ReadI64(), true);
      case 4:
        if (t != CT::kList) return false;
        ReadList(r, CT::kStruct, [&] { Read(r, v.row_groups.emplace_back()); });
        return true;
      case 5:
        if (t != CT::kList) return false;
        ReadList(r, CT::kStruct, [&] { Read(r, v.key_value_metadata.emplace_back()); });
        return true;
      case 6:
        return t == CT::kBinary && (v.created_by = r.ReadBinary(), true);
      case 7:
        if (t != CT::kList) return false;
        v.type_defined_column_orders = true;
        return false;  // skipped: Basin only needs to know they are there
    }
    return false;
  });
  if (!has_schema || v.schema.empty()) r.Fail("file metadata without a schema");
}

void Write(CompactWriter& w, const FileMetaData& v) {
  w.BeginStruct();
  w.I32Field(1, v.version);
  w.FieldHeader(2, CT::kList);
  w.ListHeader(CT::kStruct, static_cast<uint32_t>(v.schema.size()));
  for (const auto& s : v.schema) Write(w, s);
  w.I64Field(3, v.num_rows);
  w.FieldHeader(4, CT::kList);
  w.ListHeader(CT::kStruct, static_cast<uint32_t>(v.row_groups.size()));
  for (const auto& g : v.row_groups) Write(w, g);
  if (!v.key_value_metadata.empty()) {
    w.FieldHeader(5, CT::kList);
    w.ListHeader(CT::kStruct, static_cast<uint32_t>(v.key_value_metadata.size()));
    for (const auto& kv : v.key_value_metadata) {
      w.BeginStruct();
      w.BinaryField(1, kv.key);
      if (kv.value) w.BinaryField(2, *kv.value);
      w.EndStruct();
    }
  }
  if (v.created_by) w.BinaryField(6, *v.created_by);
  if (v.type_defined_column_orders) {
    // One ColumnOrder per leaf column, each the TYPE_ORDER member (an empty struct).
    uint32_t leaves = 0;
    for (const auto& s : v.schema) leaves += s.num_children.value_or(0) == 0 && s.type ? 1 : 0;
    w.FieldHeader(7, CT::kList);
    w.ListHeader(CT::kStruct, leaves);
    for (uint32_t i = 0; i < leaves; ++i) {
      w.BeginStruct();
      w.FieldHeader(1, CT::kStruct);
      w.BeginStruct();
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void Read(CompactReader& r, PageHeader& v) {
  bool has_type = false;
  ReadStruct(r, [&](int16_t id, CT t) {
    switch (id) {
      case 1:
        if (t != CT::kI32) return false;
        has_type = true;
        return v.type = ReadEnum<PageType>(r), true;
      case 2:
        return t == CT::kI32 && (v.uncompressed_page_size = r.ReadI32(), true);
      case 3:
        return t == CT::kI32 && (v.compressed_page_size = r.ReadI32(), true);
      case 4:
        return t == CT::kI32 && (v.crc = r.ReadI32(), true);
      case 5:
        if (t != CT::kStruct) return false;
        Read(r, v.data_page_header.emplace());
        return true;
      case 7:
        if (t != CT::kStruct) return false;
        Read(r, v.dictionary_page_header.emplace());
        return true;
      case 8:
        if (t != CT::kStruct) return false;
        Read(r, v.data_page_header_v2.emplace());
        return true;
    }
    return false;
  });
  if (!has_type) r.Fail("page header without a page type");
  if (v.compressed_page_size < 0 || v.uncompressed_page_size < 0) r.Fail("negative page size");
}

void Write(CompactWriter& w, const PageHeader& v) {
  w.BeginStruct();
  w.I32Field(1, static_cast<int32_t>(v.type));
  w.I32Field(2, v.uncompressed_page_size);
  w.I32Field(3, v.compressed_page_size);
  if (v.crc) w.I32Field(4, *v.crc);
  if (v.data_page_header) {
    const auto& d = *v.data_page_header;
    w.FieldHeader(5, CT::kStruct);
    w.BeginStruct();
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    w.I32Field(3, static_cast<int32_t>(d.definition_level_encoding));
    w.I32Field(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) {
      w.FieldHeader(5, CT::kStruct);
      Write(w, *d.statistics);
    }
    w.EndStruct();
  }
  if (v.dictionary_page_header) {
    const auto& d = *v.dictionary_page_header;
    w.FieldHeader(7, CT::kStruct);
    w.BeginStruct();
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.WriteBoolField(3, *d.is_sorted);
    w.EndStruct();
  }
  if (v.data_page_header_v2) {
    const auto& d = *v.data_page_header_v2;
    w.FieldHeader(8, CT::kStruct);
    w.BeginStruct();
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.num_nulls);
    w.I32Field(3, d.num_rows);
    w.I32Field(4, static_cast<int32_t>(d.encoding));
    w.I32Field(5, d.definition_levels_byte_length);
    w.I32Field(6, d.repetition_levels_byte_length);
    w.WriteBoolField(7, d.is_compressed);
    if (d.statistics) {
      w.FieldHeader(8, CT::kStruct);
      Write(w, *d.statistics);
    }
    w.EndStruct();
  }
  w.EndStruct();
}

void Read(CompactReader& r, ColumnIndex& v) {
  bool has_null_pages = false, has_min = false, has_max = false, has_order = false;
  ReadStruct(r, [&](int16_t id, CT t) {
    switch (id) {
      case 1:
        if (t != CT::kList) return false;
        has_null_pages = true;
        ReadList(r, CT::kBooleanTrue, [&] { v.null_pages.push_back(r.ReadBool()); });
        return true;
      case 2:
      case 3:
        if (t != CT::kList) return false;
        (id == 2 ? has_min : has_max) = true;
        ReadList(r, CT::kBinary, [&] { (id == 2 ? v.min_values : v.max_values).push_back(r.ReadBinary()); });
        return true;
      case 4:
        if (t != CT::kI32) return false;
        has_order = true;
        v.boundary_order = ReadEnum<BoundaryOrder>(r);
        return true;
      case 5:
        if (t != CT::kList) return false;
        ReadList(r, CT::kI64, [&] { v.null_counts.push_back(r.ReadI64()); });
        return true;
    }
    return false;
  });
  if (!has_null_pages || !has_min || !has_max || !has_order) r.Fail("column index lacks a required field");
  const size_t pages = v.null_pages.size();
  if (v.min_values.size() != pages || v.max_values.size() != pages ||
      (!v.null_counts.empty() && v.null_counts.size() != pages))
    r.Fail("column index lists differ in length");
}

void Write(CompactWriter& w, const ColumnIndex& v) {
  w.BeginStruct();
  w.FieldHeader(1, CT::kList);
  w.ListHeader(CT::kBooleanTrue, static_cast<uint32_t>(v.null_pages.size()));
  for (bool b : v.null_pages) w.WriteBoolElement(b);
  auto strings = [&](int16_t id, const std::vector<std::string>& values) {
    w.FieldHeader(id, CT::kList);
    w.ListHeader(CT::kBinary, static_cast<uint32_t>(values.size()));
    for (const auto& s : values) w.WriteBinary(s);
  };
  strings(2, v.min_values);
  strings(3, v.max_values);
  w.I32Field(4, static_cast<int32_t>(v.boundary_order));
  if (!v.null_counts.empty()) {
    w.FieldHeader(5, CT::kList);
    w.ListHeader(CT::kI64, static_cast<uint32_t>(v.null_counts.size()));
    for (int64_t n : v.null_counts) w.WriteI64(n);
  }
  w.EndStruct();
}

void Read(CompactReader& r, OffsetIndex& v) {
  bool has_locations = false;
  ReadStruct(r, [&](int16_t id, CT t) {
    if (id != 1 || t != CT::kList) return false;  // 2, unencoded_byte_array_data_bytes, is not used
    has_locations = true;
    ReadList(r, CT::kStruct, [&] {
      PageLocation& loc = v.page_locations.emplace_back();
      bool has[3] = {false, false, false};
      ReadStruct(r, [&](int16_t fid, CT ft) {
        if (fid == 1 && ft == CT::kI64) return has[0] = true, loc.offset = r.ReadI64(), true;
        if (fid == 2 && ft == CT::kI32) return has[1] = true, loc.compressed_page_size = r.ReadI32(), true;
        if (fid == 3 && ft == CT::kI64) return has[2] = true, loc.first_row_index = r.ReadI64(), true;
        return false;
      });
      if (!has[0] || !has[1] || !has[2]) r.Fail("page location lacks a required field");
    });
    return true;
  });
  if (!has_locations) r.Fail("offset index without page locations");
}

void Write(CompactWriter& w, const OffsetIndex& v) {
  w.BeginStruct();
  w.FieldHeader(1, CT::kList);
  w.ListHeader(CT::kStruct, static_cast<uint32_t>(v.page_locations.size()));
  for (const PageLocation& loc : v.page_locations) {
    w.BeginStruct();
    w.I64Field(1, loc.offset);
    w.I32Field(2, loc.compressed_page_size);
    w.I64Field(3, loc.first_row_index);
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace basin::parquet
