// Equality deletes (Iceberg v2): files of key values, written by engines that upsert by key (Flink, Spark
// MERGE in merge-on-read mode). A data file's row is deleted when its values of the delete file's equality
// fields equal one of the file's rows and the delete file is of a later sequence number, in the data file's
// partition or unpartitioned.

#include <cstring>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "lake/iceberg_internal.h"
#include "lake/schema_evolution.h"
#include "vector/physical_dispatch.h"

namespace basin::iceberg {

void AppendEqualityKey(const Vector& v, size_t row, std::string& key) {
  const size_t r = v.IsConstant() ? 0 : row;
  if (v.IsNull(r)) {
    key.push_back('\0');
    return;
  }
  key.push_back('\1');
  DispatchOnPhysical(v.type().physical(), [&]<class T>() {
    const T& value = v.data<T>()[r];
    if constexpr (std::is_same_v<T, string_t>) {
      const uint32_t size = value.size();
      key.append(reinterpret_cast<const char*>(&size), sizeof(size));
      key.append(value.data(), size);
    } else if constexpr (std::is_same_v<T, list_entry_t>) {
      throw NotImplementedError("equality deletes on LIST columns are not supported");
    } else {
      char bytes[sizeof(T)];
      std::memcpy(bytes, &value, sizeof(T));
      key.append(bytes, sizeof(T));
    }
  });
}

int FindFieldColumn(const parquet::ParquetReader& reader, int32_t field_id, const std::string& name) {
  const auto& columns = reader.columns();
  for (size_t c = 0; c < columns.size(); c++) {
    if (columns[c].field_id ? *columns[c].field_id == field_id : columns[c].name == name) return static_cast<int>(c);
  }
  return kMissingColumn;
}

std::shared_ptr<const TableState::EqualityDelete> ReadEqualityDeleteFile(const DataFile& file, const Schema& schema) {
  auto out = std::make_shared<TableState::EqualityDelete>();
  out->field_ids = file.equality_ids;
  if (out->field_ids.empty()) {
    throw DataError(sqlstate::kBadCopyFileFormat, "equality delete file \"" + file.path + "\" names no equality fields");
  }
  parquet::ParquetReader reader(file.path);
  std::vector<size_t> columns;
  std::vector<LogicalType> types;  // what each field is read as: its type in the table now
  for (int32_t id : out->field_ids) {
    const Field* field = schema.FindField(id);
    int column = FindFieldColumn(reader, id, field ? field->name : std::string());
    if (column < 0) {
      throw DataError(sqlstate::kBadCopyFileFormat, "equality delete file \"" + file.path + "\" lacks field " +
                                                        std::to_string(id));
    }
    columns.push_back(static_cast<size_t>(column));
    types.push_back(field ? field->type : reader.columns()[column].type);
  }
  for (size_t g = 0; g < reader.RowGroupCount(); g++) {
    auto rows = reader.ReadRowGroup(g, columns);
    DataChunk chunk;
    std::vector<std::unique_ptr<Vector>> widened(columns.size());
    while (rows->Next(chunk)) {
      std::vector<const Vector*> values;
      for (size_t k = 0; k < columns.size(); k++) {
        values.push_back(&chunk.column(k));
        if (chunk.column(k).type() != types[k]) {
          widened[k] = std::make_unique<Vector>(types[k], std::max(chunk.size(), kVectorSize));
          Widen(chunk.column(k), *widened[k], chunk.size());
          values[k] = widened[k].get();
        }
      }
      for (size_t r = 0; r < chunk.size(); r++) {
        std::string key;
        for (const Vector* v : values) AppendEqualityKey(*v, r, key);
        out->keys.insert(std::move(key));
      }
    }
  }
  return out;
}

}  // namespace basin::iceberg
