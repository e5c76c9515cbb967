// Bad rows of file scans and COPY FROM: casts that name the file, line and column; the rejects table.

#include "sql/binder/file_scan.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"

namespace basin {

bool RejectOptions::Set(const std::string& name, const std::string& value) {
  if (name == "rejects_table") {
    if (value.empty()) throw Exception(sqlstate::kInvalidParameterValue, "REJECTS_TABLE needs a table name");
    table = value;
    ignore_errors = true;
    return true;
  }
  if (name != "ignore_errors" && name != "store_rejects") return false;
  bool on = true;
  if (!value.empty() && !ParseBoolean(value, on)) {
    throw Exception(sqlstate::kInvalidParameterValue, name + " requires a Boolean value");
  }
  ignore_errors = ignore_errors || on;
  return true;
}

std::unique_ptr<DataChunk> CastFileChunk(const DataChunk& in, const std::vector<LogicalType>& types,
                                         const std::vector<std::string>& names, const FileRows& rows,
                                         std::vector<RejectedRow>* rejects) {
  const size_t count = in.size();
  auto out = std::make_unique<DataChunk>(types, std::max(count, kVectorSize));
  std::vector<bool> bad;  // rows rejected, sized on the first one
  for (size_t c = 0; c < types.size(); c++) {
    if (in.column(c).type() == types[c]) {
      out->column(c).Reference(in.column(c));
      continue;
    }
    try {
      CastVector(in.column(c), out->column(c), count, false);
      continue;
    } catch (const Exception&) {
    }
    // Some value does not cast: find the rows, each with its own error.
    out->column(c).Reset();
    CastVector(in.column(c), out->column(c), count, true);
    for (size_t r = 0; r < count; r++) {
      if (in.column(c).IsNull(r) || !out->column(c).IsNull(r) || (!bad.empty() && bad[r])) continue;
      std::string message;
      try {
        CastValue(in.column(c).GetValue(r), types[c]);
        continue;  // the value itself casts to NULL
      } catch (const Exception& e) {
        if (!rejects) {
          throw Exception(e.sqlstate(), e.message() + " (file \"" + rows.file + "\", line " +
                                            std::to_string(rows.line(r)) + ", column " + names[c] + ")");
        }
        message = e.message();
      }
      bad.resize(count);
      bad[r] = true;
      rejects->push_back({rows.file, rows.line(r), names[c], message, rows.text(r)});
    }
  }
  out->SetCardinality(count);
  if (bad.empty()) return out;
  std::vector<sel_t> keep;
  for (size_t r = 0; r < count; r++) {
    if (!bad[r]) keep.push_back(static_cast<sel_t>(r));
  }
  auto kept = std::make_unique<DataChunk>();
  kept->Slice(*out, keep.data(), keep.size());
  return kept;
}

namespace {

void WriteRejects(const std::vector<RejectedRow>& rows, const TableEntry& table) {
  auto writer = table.storage->BeginWrite();
  for (size_t begin = 0; begin < rows.size(); begin += kVectorSize) {
    DataChunk chunk(table.Types());
    size_t n = std::min(kVectorSize, rows.size() - begin);
    for (size_t i = 0; i < n; i++) {
      const RejectedRow& row = rows[begin + i];
      chunk.SetValue(0, i, Value::Varchar(row.file));
      chunk.SetValue(1, i, Value::BigInt(row.line));
      chunk.SetValue(2, i, row.column.empty() ? Value::Null(TypeId::kVarchar) : Value::Varchar(row.column));
      chunk.SetValue(3, i, Value::Varchar(row.error));
      chunk.SetValue(4, i, Value::Varchar(row.raw));
    }
    chunk.SetCardinality(n);
    writer->Append(chunk);
  }
  writer->Commit();
}

}  // namespace

void StoreRejects(Catalog& catalog, const std::string& name, std::vector<RejectedRow> rows) {
  // Readers and casts reject rows at different stages; list them in file order.
  std::stable_sort(rows.begin(), rows.end(), [](const RejectedRow& a, const RejectedRow& b) {
    return a.file != b.file ? a.file < b.file : a.line < b.line;
  });
  auto table = std::make_shared<TableEntry>();
  table->schema = Catalog::kDefaultSchema;
  table->name = name;
  const std::pair<const char*, TypeId> kColumns[] = {{"file", TypeId::kVarchar},
                                                     {"line", TypeId::kBigInt},
                                                     {"column_name", TypeId::kVarchar},
                                                     {"error", TypeId::kVarchar},
                                                     {"raw_line", TypeId::kVarchar}};
  for (auto& [column, type] : kColumns) {
    ColumnDefinition def;
    def.name = column;
    def.type = type;
    table->columns.push_back(def);
  }
  table->storage = catalog.NewTableStorage(*table);
  try {
    WriteRejects(rows, *table);
    catalog.CreateTable(table, false, /*or_replace=*/true);
  } catch (...) {
    catalog.DiscardStorage(table->storage);
    throw;
  }
}

}  // namespace basin
