// COPY table FROM / TO files, and COPY (query) TO a file, in PostgreSQL's CSV and text formats.

#include <algorithm>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "main/client_context.h"
#include "main/copy_partitioned.h"
#include "sql/binder/binder.h"
#include "sql/parser/parser.h"
#include "vector/vector.h"

namespace basin {

namespace {

/// Cast one text column of a chunk; on a bad value, name the line and column as PostgreSQL's COPY does.
void CastColumn(const Vector& text, Vector& target, size_t count, const std::string& table,
                const std::string& column, const csv::CsvReader& reader) {
  try {
    CastVector(text, target, count, false);
  } catch (const Exception& e) {
    for (size_t row = 0; row < count; row++) {
      Value out;
      if (!TryCastValue(text.GetValue(row), target.type(), out)) {
        throw Exception(e.sqlstate(), e.message() + " (COPY " + table + ", line " +
                                          std::to_string(reader.RowLine(row)) + ", column " + column + ")");
      }
    }
    throw;
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// COPY ... (FORMAT parquet), or a file named *.parquet without a FORMAT: the Parquet options taken out of
/// the option list (the rest must be empty). Returns false for the text formats.
bool ParquetOptions(const sql::CopyStmt& stmt, parquet::ParquetWriterOptions& options,
                    std::vector<std::string>& partition_by) {
  bool parquet = false, has_format = false;
  for (auto& [name, value] : stmt.options) {
    if (name == "format") {
      has_format = true;
      parquet = Lower(value) == "parquet";
    }
  }
  if (!has_format) {
    std::string file = Lower(stmt.file);
    parquet = file.size() > 8 && file.substr(file.size() - 8) == ".parquet";
  }
  if (!parquet) return false;
  for (auto& [name, value] : stmt.options) {
    std::string v = Lower(value);
    if (name == "format") continue;
    if (name == "compression" || name == "codec") {
      if (v == "zstd")
        options.codec = parquet::CompressionCodec::kZstd;
      else if (v == "snappy")
        options.codec = parquet::CompressionCodec::kSnappy;
      else if (v == "gzip")
        options.codec = parquet::CompressionCodec::kGzip;
      else if (v == "lz4" || v == "lz4_raw")
        options.codec = parquet::CompressionCodec::kLz4Raw;
      else if (v == "uncompressed" || v == "none")
        options.codec = parquet::CompressionCodec::kUncompressed;
      else
        throw Exception(
            sqlstate::kInvalidParameterValue,
            "unknown Parquet compression \"" + value + "\" (use zstd, snappy, gzip, lz4 or uncompressed)");
    } else if (name == "row_group_size") {
      int64_t rows = 0;
      if (ParseInteger(value, 1, INT32_MAX, rows) != ParseStatus::kOk) {
        throw Exception(sqlstate::kInvalidParameterValue, "ROW_GROUP_SIZE must be a positive integer");
      }
      options.row_group_size = static_cast<size_t>(rows);
    } else if (name == "partition_by" && !stmt.is_from) {
      for (size_t start = 0, comma; start <= value.size(); start = comma + 1) {
        comma = std::min(value.find(',', start), value.size());
        partition_by.push_back(value.substr(start, comma - start));
      }
    } else {
      throw Exception(sqlstate::kSyntaxError, "option \"" + name + "\" is not valid with FORMAT parquet");
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::Copy(const sql::CopyStmt& stmt) {
  if (stmt.is_stdio) throw NotImplementedError("COPY FROM STDIN / TO STDOUT is not supported by this client");
  parquet::ParquetWriterOptions parquet_options;
  std::vector<std::string> partition_by;
  const bool is_parquet = ParquetOptions(stmt, parquet_options, partition_by);
  csv::CsvOptions options = is_parquet ? csv::CsvOptions() : csv::ParseCopyOptions(stmt.options);
  if (stmt.is_from) {
    auto [schema, name] = QualifiedName(stmt.table);
    auto table = catalog().GetTable(schema, name);
    if (!table) throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
    std::vector<size_t> targets;
    if (stmt.columns.empty()) {
      for (size_t i = 0; i < table->columns.size(); i++) targets.push_back(i);
    } else {
      for (auto& c : stmt.columns) {
        int idx = table->ColumnIndex(c);
        if (idx < 0) {
          throw CatalogError(sqlstate::kUndefinedColumn,
                             "column \"" + c + "\" of relation \"" + name + "\" does not exist");
        }
        targets.push_back(static_cast<size_t>(idx));
      }
    }
    // Columns not named take their DEFAULT (or NULL), evaluated once.
    std::vector<Value> defaults(table->columns.size());
    for (size_t i = 0; i < table->columns.size(); i++) {
      const auto& def = table->columns[i];
      if (std::find(targets.begin(), targets.end(), i) != targets.end()) continue;
      defaults[i] = Value::Null(def.type);
      if (!def.default_sql.empty()) {
        Binder binder(*this);
        auto e =
            binder.CastTo(binder.BindConstantExpression(*sql::ParseExpression(def.default_sql)), def.type);
        defaults[i] = ExpressionExecutor::EvaluateScalar(*e, this);
      }
    }
    if (is_parquet) {
      // Columns are matched by position, as COPY's text formats do.
      parquet::ParquetReader file(stmt.file);
      if (file.columns().size() != targets.size()) {
        throw DataError(sqlstate::kBadCopyFileFormat,
                        "Parquet file \"" + stmt.file + "\" has " + std::to_string(file.columns().size()) +
                            " columns, COPY expects " + std::to_string(targets.size()));
      }
      std::vector<size_t> all(targets.size());
      for (size_t i = 0; i < all.size(); i++) all[i] = i;
      auto writer = table->storage->BeginWrite();
      int64_t rows = 0;
      for (size_t g = 0; g < file.RowGroupCount(); g++) {
        auto group = file.ReadRowGroup(g, all);
        for (;;) {
          DataChunk in;
          if (!group->Next(in)) break;
          DataChunk row(table->Types());
          for (size_t k = 0; k < targets.size(); k++) {
            size_t col = targets[k];
            if (in.column(k).type() == table->columns[col].type) {
              row.column(col).Reference(in.column(k));
            } else {
              CastVector(in.column(k), row.column(col), in.size(), false);
            }
            if (table->columns[col].not_null) {
              for (size_t r = 0; r < in.size(); r++) {
                if (row.column(col).IsNull(r)) {
                  throw ConstraintError("null value in column \"" + table->columns[col].name +
                                        "\" of relation \"" + name + "\" violates not-null constraint");
                }
              }
            }
          }
          for (size_t c = 0; c < table->columns.size(); c++) {
            if (std::find(targets.begin(), targets.end(), c) != targets.end()) continue;
            Vector constant(defaults[c]);
            row.column(c).Reference(constant);
          }
          row.SetCardinality(in.size());
          writer->Append(row);
          rows += static_cast<int64_t>(in.size());
        }
      }
      writer->Commit();
      return QueryResult::Count(rows);
    }
    csv::CsvReader reader(stmt.file, options);
    std::vector<std::string> names;
    for (size_t t : targets) names.push_back(table->columns[t].name);
    reader.SetColumnNames(names);
    DataChunk text(std::vector<LogicalType>(targets.size(), TypeId::kVarchar));
    auto writer = table->storage->BeginWrite();
    int64_t rows = 0;
    for (;;) {
      text.Reset();
      if (!reader.ReadChunk(text)) break;
      DataChunk row(table->Types());
      for (size_t k = 0; k < targets.size(); k++) {
        size_t col = targets[k];
        CastColumn(text.column(k), row.column(col), text.size(), name, table->columns[col].name, reader);
        if (table->columns[col].not_null) {
          for (size_t r = 0; r < text.size(); r++) {
            if (row.column(col).IsNull(r)) {
              throw ConstraintError("null value in column \"" + table->columns[col].name +
                                    "\" of relation \"" + name + "\" violates not-null constraint");
            }
          }
        }
      }
      for (size_t c = 0; c < table->columns.size(); c++) {
        if (std::find(targets.begin(), targets.end(), c) != targets.end()) continue;
        if (table->columns[c].not_null && defaults[c].IsNull()) {
          throw ConstraintError("null value in column \"" + table->columns[c].name + "\" of relation \"" +
                                name + "\" violates not-null constraint");
        }
        Vector constant(defaults[c]);
        row.column(c).Reference(constant);
      }
      row.SetCardinality(text.size());
      writer->Append(row);
      rows += static_cast<int64_t>(text.size());
    }
    writer->Commit();  // all rows or none
    return QueryResult::Count(rows);
  }

  // TO: the table's rows or the query's, as text.
  BoundQuery q;
  Binder binder(*this);
  if (stmt.query) {
    q = binder.BindQuery(*stmt.query);
  } else {
    auto select = std::make_unique<sql::SelectStatement>();
    select->body = std::make_unique<sql::QueryNode>();
    if (stmt.columns.empty()) {
      select->body->select_list.push_back(sql::ParsedExpr::Make(sql::ExprKind::kStar, -1));
    } else {
      for (auto& c : stmt.columns) {
        auto ref = sql::ParsedExpr::Make(sql::ExprKind::kColumnRef, -1);
        ref->names = {c};
        select->body->select_list.push_back(std::move(ref));
      }
    }
    select->body->from = std::make_unique<sql::TableRef>();
    select->body->from->names = stmt.table;
    q = binder.BindQuery(*select);
  }
  std::vector<std::string> names = q.names;
  std::vector<LogicalType> types = q.types;
  auto chunks = Run(std::move(q.plan));
  if (is_parquet && !partition_by.empty()) {
    return QueryResult::Count(
        WriteHivePartitionedParquet(stmt.file, partition_by, names, types, chunks, parquet_options));
  }
  if (is_parquet) {
    parquet::ParquetWriter writer(stmt.file, names, types, {}, parquet_options);
    int64_t rows = 0;
    for (auto& chunk : chunks) {
      writer.WriteChunk(*chunk);
      rows += static_cast<int64_t>(chunk->size());
    }
    writer.Close();
    return QueryResult::Count(rows);
  }
  csv::CsvWriter writer(stmt.file, options);
  if (options.header) writer.WriteHeader(names);
  int64_t rows = 0;
  for (auto& chunk : chunks) {
    DataChunk text(std::vector<LogicalType>(chunk->ColumnCount(), TypeId::kVarchar),
                   std::max(chunk->size(), kVectorSize));
    for (size_t c = 0; c < chunk->ColumnCount(); c++) {
      text.column(c).Reset();
      CastVector(chunk->column(c), text.column(c), chunk->size(), false);
      text.column(c).Flatten(chunk->size());
    }
    text.SetCardinality(chunk->size());
    writer.WriteChunk(text);
    rows += static_cast<int64_t>(chunk->size());
  }
  writer.Close();
  return QueryResult::Count(rows);
}

}  // namespace basin
