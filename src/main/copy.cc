// COPY table FROM / TO files, and COPY (query) TO a file: PostgreSQL's CSV and text formats, Parquet, and
// newline-delimited JSON.

#include <algorithm>
#include <cstring>
#include <functional>
#include <ostream>
#include <streambuf>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "common/ordered_pipeline.h"
#include "execution/cast.h"
#include "execution/expression_executor.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_writer.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "main/client_context.h"
#include "main/copy_partitioned.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"
#include "sql/binder/file_scan.h"
#include "sql/parser/parser.h"
#include "vector/vector.h"

namespace basin {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

using CopyOptions = std::vector<std::pair<std::string, std::string>>;

enum class FileFormat { kText, kParquet, kJson };

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() > n && s.compare(s.size() - n, n, suffix) == 0;
}

/// The FORMAT option, or without one the file's extension: Parquet, JSON, else PostgreSQL's text formats.
FileFormat FormatOf(const std::string& file, const CopyOptions& options) {
  for (auto& [name, value] : options) {
    if (name != "format") continue;
    std::string v = Lower(value);
    return v == "parquet" ? FileFormat::kParquet : v == "json" ? FileFormat::kJson : FileFormat::kText;
  }
  std::string lower = Lower(file);
  if (EndsWith(lower, ".parquet")) return FileFormat::kParquet;
  if (EndsWith(lower, ".json") || EndsWith(lower, ".ndjson") || EndsWith(lower, ".jsonl"))
    return FileFormat::kJson;
  return FileFormat::kText;
}

/// COPY ... (FORMAT json): only FORMAT and, for COPY TO, ARRAY (a JSON array instead of one object per
/// line) are valid.
bool JsonArrayOption(const CopyOptions& options) {
  bool array = false;
  for (auto& [name, value] : options) {
    if (name == "format") continue;
    if (name != "array")
      throw Exception(sqlstate::kSyntaxError, "option \"" + name + "\" is not valid with FORMAT json");
    if (!value.empty() && !ParseBoolean(value, array)) {
      throw Exception(sqlstate::kInvalidParameterValue, "ARRAY requires a Boolean value");
    }
    if (value.empty()) array = true;
  }
  return array;
}

/// The Parquet writer's options from COPY's option list.
void ParquetOptions(const CopyOptions& copy_options, parquet::ParquetWriterOptions& options) {
  for (auto& [name, value] : copy_options) {
    std::string v = Lower(value);
    if (name == "format") continue;
    if (name == "compression" || name == "codec") {
      if (auto codec = parquet::CodecFromName(v))
        options.codec = *codec;
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
    } else {
      throw Exception(sqlstate::kSyntaxError, "option \"" + name + "\" is not valid with FORMAT parquet");
    }
  }
}

/// The table COPY FROM loads: its columns, those the file fills, and the values of the others.
struct CopyTarget {
  std::shared_ptr<TableEntry> table;
  std::vector<size_t> columns;  // table columns, in the file's order
  std::vector<Value> defaults;  // per table column: the DEFAULT of those the file does not fill
  std::vector<std::string> names;
  std::vector<LogicalType> types;
};

CopyTarget ResolveTarget(ClientContext& context, const sql::CopyStmt& stmt) {
  CopyTarget t;
  auto [schema, name] = QualifiedName(stmt.table);
  t.table = context.catalog().GetTable(schema, name);
  if (!t.table) throw CatalogError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
  const auto& columns = t.table->columns;
  if (stmt.columns.empty()) {
    for (size_t i = 0; i < columns.size(); i++) t.columns.push_back(i);
  } else {
    for (auto& c : stmt.columns) {
      int idx = t.table->ColumnIndex(c);
      if (idx < 0) {
        throw CatalogError(sqlstate::kUndefinedColumn,
                           "column \"" + c + "\" of relation \"" + name + "\" does not exist");
      }
      t.columns.push_back(static_cast<size_t>(idx));
    }
  }
  for (size_t c : t.columns) {
    t.names.push_back(columns[c].name);
    t.types.push_back(columns[c].type);
  }
  // Columns not named take their DEFAULT (or NULL), evaluated once.
  t.defaults.resize(columns.size());
  for (size_t i = 0; i < columns.size(); i++) {
    const auto& def = columns[i];
    if (std::find(t.columns.begin(), t.columns.end(), i) != t.columns.end()) continue;
    t.defaults[i] = Value::Null(def.type);
    if (!def.default_sql.empty()) {
      Binder binder(context);
      auto e = binder.CastTo(binder.BindConstantExpression(*sql::ParseExpression(def.default_sql)), def.type);
      t.defaults[i] = ExpressionExecutor::EvaluateScalar(*e, &context);
    }
  }
  return t;
}

/// Append `in` (the file's columns, already of the target types) as table rows, defaults filled in.
void AppendRows(const CopyTarget& t, const DataChunk& in, TableStorage::Writer& writer) {
  const auto& columns = t.table->columns;
  DataChunk row(t.table->Types());
  std::vector<bool> filled(columns.size());
  for (size_t k = 0; k < t.columns.size(); k++) {
    row.column(t.columns[k]).Reference(in.column(k));
    filled[t.columns[k]] = true;
  }
  for (size_t c = 0; c < columns.size(); c++) {
    if (!filled[c]) {
      Vector constant(t.defaults[c]);
      row.column(c).Reference(constant);
    }
    if (!columns[c].not_null) continue;
    for (size_t r = 0; r < in.size(); r++) {
      if (row.column(c).IsNull(r)) {
        throw ConstraintError("null value in column \"" + columns[c].name + "\" of relation \"" +
                              t.table->name + "\" violates not-null constraint");
      }
    }
  }
  row.SetCardinality(in.size());
  writer.Append(row);
}

/// COPY FROM STDIN's input: what the client sends, read as it arrives.
class ClientBytes : public csv::ByteSource {
 public:
  explicit ClientBytes(const std::function<size_t(char*, size_t)>& read) : read_(read) {}
  size_t Read(char* dst, size_t size) override { return read_(dst, size); }

 private:
  const std::function<size_t(char*, size_t)>& read_;
};

/// COPY TO STDOUT's output: the CSV writer's buffered bytes go to the client as they are flushed.
class ClientOutput : public std::streambuf {
 public:
  explicit ClientOutput(const std::function<void(std::string_view)>& write) : write_(write) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    write_(std::string_view(s, static_cast<size_t>(n)));
    return n;
  }
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const char ch = static_cast<char>(c);
    write_(std::string_view(&ch, 1));
    return c;
  }

 private:
  const std::function<void(std::string_view)>& write_;
};

/// COPY FROM: all rows or none, except with IGNORE_ERRORS, where bad rows go to the rejects table. `stdio`
/// carries the input of COPY FROM STDIN.
int64_t CopyFrom(ClientContext& context, const sql::CopyStmt& stmt, FileFormat format,
                 const CopyOptions& options, const RejectOptions& reject_options, const RowStream* stdio) {
  CopyTarget t = ResolveTarget(context, stmt);
  auto writer = t.table->storage->BeginWrite();
  writer->SetThreads(context.StatementThreads());
  int64_t rows = 0;
  auto append = [&](const DataChunk& in) {
    AppendRows(t, in, *writer);
    rows += static_cast<int64_t>(in.size());
  };
  std::vector<RejectedRow> rejects;
  std::vector<RejectedRow>* sink = reject_options.ignore_errors ? &rejects : nullptr;
  if (format == FileFormat::kParquet) {
    if (sink) throw NotImplementedError("IGNORE_ERRORS is not supported with FORMAT parquet");
    // Columns are matched by position, as COPY's text formats do.
    parquet::ParquetReader file(stmt.file);
    if (file.columns().size() != t.columns.size()) {
      throw DataError(sqlstate::kBadCopyFileFormat,
                      "Parquet file \"" + stmt.file + "\" has " + std::to_string(file.columns().size()) +
                          " columns, COPY expects " + std::to_string(t.columns.size()));
    }
    std::vector<size_t> all(t.columns.size());
    for (size_t i = 0; i < all.size(); i++) all[i] = i;
    for (size_t g = 0; g < file.RowGroupCount(); g++) {
      auto group = file.ReadRowGroup(g, all);
      for (DataChunk in; group->Next(in);) {
        DataChunk typed(t.types);
        for (size_t k = 0; k < t.columns.size(); k++) {
          if (in.column(k).type() == t.types[k]) {
            typed.column(k).Reference(in.column(k));
          } else {
            CastVector(in.column(k), typed.column(k), in.size(), false);
          }
        }
        typed.SetCardinality(in.size());
        append(typed);
      }
    }
  } else if (format == FileFormat::kJson) {
    // Columns are matched by key; types the reader does not produce itself are read as text and cast.
    JsonArrayOption(options);
    json::JsonReadOptions json_options;
    json_options.ignore_errors = reject_options.ignore_errors;
    json::JsonReader reader(stmt.file, json_options);
    std::vector<json::JsonColumn> columns;
    for (size_t k = 0; k < t.columns.size(); k++) {
      bool native = json::JsonReader::IsNativeType(t.types[k]);
      columns.push_back({t.names[k], native ? t.types[k] : LogicalType(TypeId::kVarchar)});
    }
    reader.SetColumns(columns);
    std::vector<LogicalType> json_types;
    for (auto& c : columns) json_types.push_back(c.type);
    FileRows lines{stmt.file, [&](size_t r) { return reader.RowLine(r); },
                   [&](size_t r) { return std::string(reader.RowText(r)); }};
    for (;;) {
      DataChunk in(json_types);
      if (!reader.ReadChunk(in)) break;
      append(*CastFileChunk(in, t.types, t.names, lines, sink));
    }
    std::move(reader.rejects().begin(), reader.rejects().end(), std::back_inserter(rejects));
  } else {
    csv::CsvOptions csv_options = csv::ParseCopyOptions(options);
    std::unique_ptr<csv::CsvReader> opened;
    if (stdio) {
      // Options and target are checked before the client is asked for the data.
      stdio->copy_begin(t.columns.size(), /*from=*/true);
      opened = std::make_unique<csv::CsvReader>(std::make_unique<ClientBytes>(stdio->copy_read), csv_options,
                                                stmt.file);
    } else {
      opened = std::make_unique<csv::CsvReader>(stmt.file, csv_options);
    }
    csv::CsvReader& reader = *opened;
    reader.SetColumnNames(t.names);
    const std::vector<LogicalType> text_types(t.columns.size(), TypeId::kVarchar);
    // The client's bytes are read on this thread (the ordered pipeline would wait for them on a worker).
    if (sink || stdio || context.threads() < 2) {
      if (sink) reader.SetRejects(sink);
      FileRows lines{stmt.file, [&](size_t r) { return reader.RowLine(r); },
                     [&](size_t r) { return reader.RowText(r); }};
      DataChunk text(text_types);
      for (;;) {
        text.Reset();
        if (!reader.ReadChunk(text)) break;
        append(*CastFileChunk(text, t.types, t.names, lines, sink));
      }
    } else {
      // Parsing, casting and storing overlap; rows are still stored in file order.
      struct Batch {
        DataChunk text;
        std::vector<int64_t> lines;  // where each row starts, for cast errors
        std::unique_ptr<DataChunk> typed;
      };
      RunOrdered<Batch>(
          context.scheduler(), context.threads(),
          [&](Batch& b) {
            b.text.Initialize(text_types, kVectorSize);
            if (!reader.ReadChunk(b.text)) return false;
            b.lines.resize(b.text.size());
            for (size_t r = 0; r < b.lines.size(); r++) b.lines[r] = reader.RowLine(r);
            return true;
          },
          [&](Batch& b) {
            FileRows lines{stmt.file, [&](size_t r) { return b.lines[r]; }, {}};
            b.typed = CastFileChunk(b.text, t.types, t.names, lines, nullptr);
          },
          [&](Batch& b) { append(*b.typed); });
    }
  }
  writer->Commit();
  if (sink) StoreRejects(context.catalog(), reject_options.table, std::move(rejects));
  return rows;
}

}  // namespace

namespace {

/// `chunk` cast to text, as the text formats write values (as PostgreSQL prints them).
DataChunk TextChunk(const DataChunk& chunk) {
  DataChunk text(std::vector<LogicalType>(chunk.ColumnCount(), TypeId::kVarchar),
                 std::max(chunk.size(), kVectorSize));
  for (size_t c = 0; c < chunk.ColumnCount(); c++) {
    text.column(c).Reset();
    CastVector(chunk.column(c), text.column(c), chunk.size(), false);
    text.column(c).Flatten(chunk.size());
  }
  text.SetCardinality(chunk.size());
  return text;
}

/// How COPY TO writes a file of each format (for one file, or one per partition folder) with up to `threads`
/// threads; options are checked here, before the query runs.
CopyFileWriterFactory FileWriterFactory(FileFormat format, const CopyOptions& options, int threads) {
  if (format == FileFormat::kParquet) {
    parquet::ParquetWriterOptions parquet_options;
    ParquetOptions(options, parquet_options);
    parquet_options.threads = threads;
    return [parquet_options](const std::string& path, const std::vector<std::string>& names,
                             const std::vector<LogicalType>& types) -> std::unique_ptr<CopyFileWriter> {
      struct Writer : CopyFileWriter {
        parquet::ParquetWriter file;
        Writer(const std::string& p, const std::vector<std::string>& n, const std::vector<LogicalType>& t,
               const parquet::ParquetWriterOptions& o)
            : file(p, n, t, {}, o) {}
        void Write(const DataChunk& rows) override { file.WriteChunk(rows); }
        void WriteShared(std::shared_ptr<const DataChunk> rows) override { file.WriteChunk(std::move(rows)); }
        void Close() override { file.Close(); }
      };
      return std::make_unique<Writer>(path, names, types, parquet_options);
    };
  }
  if (format == FileFormat::kJson) {
    bool array = JsonArrayOption(options);
    return [array](const std::string& path, const std::vector<std::string>& names,
                   const std::vector<LogicalType>&) -> std::unique_ptr<CopyFileWriter> {
      struct Writer : CopyFileWriter {
        json::JsonWriter file;
        Writer(const std::string& p, const std::vector<std::string>& n, bool a) : file(p, n, a) {}
        void Write(const DataChunk& rows) override { file.WriteChunk(rows); }
        void Close() override { file.Close(); }
      };
      return std::make_unique<Writer>(path, names, array);
    };
  }
  csv::CsvOptions csv_options = csv::ParseCopyOptions(options);
  return [csv_options](const std::string& path, const std::vector<std::string>& names,
                       const std::vector<LogicalType>&) -> std::unique_ptr<CopyFileWriter> {
    // The text formats write values as PostgreSQL prints them: each chunk is cast to text first.
    struct Writer : CopyFileWriter {
      csv::CsvWriter file;
      Writer(const std::string& p, const csv::CsvOptions& o) : file(p, o) {}
      void Write(const DataChunk& chunk) override { file.WriteChunk(TextChunk(chunk)); }
      void Close() override { file.Close(); }
    };
    auto writer = std::make_unique<Writer>(path, csv_options);
    if (csv_options.header) writer->file.WriteHeader(names);
    return writer;
  };
}

}  // namespace

std::unique_ptr<QueryResult> ClientContext::Copy(const sql::CopyStmt& stmt) {
  // STDIN / STDOUT: the client protocol carries the data (pgwire's COPY sub-protocol), in the text formats.
  const RowStream* stdio = stmt.is_stdio ? stream_ : nullptr;
  if (stmt.is_stdio && (!stdio || !stdio->copy_begin)) {
    throw NotImplementedError("COPY FROM STDIN / TO STDOUT is not supported by this client");
  }
  // The bad-row options are the same for every format; the rest belong to the format.
  RejectOptions reject_options;
  CopyOptions options;
  for (auto& [name, value] : stmt.options) {
    if (!reject_options.Set(Lower(name), value)) options.emplace_back(Lower(name), value);
  }
  const FileFormat format = FormatOf(stmt.file, options);
  if (stdio && format != FileFormat::kText) {
    throw NotImplementedError(std::string("COPY ") + (stmt.is_from ? "FROM STDIN" : "TO STDOUT") +
                              " supports FORMAT text and csv only");
  }
  if (stmt.is_from) {
    auto [schema, name] = QualifiedName(stmt.table);
    if (!catalog().GetTable(schema, name) && !catalog().GetView(schema, name)) {
      if (auto topic = FindTopic(*this, stmt.table)) {
        if (stdio) throw NotImplementedError("COPY FROM STDIN into a topic is not supported");
        return CopyIntoTopic(stmt, topic);
      }
    }
  }
  if (stmt.is_from) return QueryResult::Count(CopyFrom(*this, stmt, format, options, reject_options, stdio));
  if (reject_options.ignore_errors) {
    throw Exception(sqlstate::kSyntaxError,
                    "IGNORE_ERRORS and the rejects options are only valid with COPY FROM");
  }

  // TO: the table's rows or the query's.
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
  // Options are checked before the query runs. PARTITION_BY (cols) applies to every format.
  std::vector<std::string> partition_by;
  CopyOptions format_options;
  for (auto& [name, value] : options) {
    if (name != "partition_by") {
      format_options.emplace_back(name, value);
      continue;
    }
    for (size_t start = 0, comma; start <= value.size(); start = comma + 1) {
      comma = std::min(value.find(',', start), value.size());
      partition_by.push_back(value.substr(start, comma - start));
    }
  }
  if (stdio) {
    if (!partition_by.empty()) throw NotImplementedError("COPY TO STDOUT cannot be partitioned");
    // Rows go to the client as the query makes them, never held whole.
    const csv::CsvOptions csv_options = csv::ParseCopyOptions(format_options);
    stdio->copy_begin(names.size(), /*from=*/false);
    ClientOutput buffer(stdio->copy_write);
    std::ostream out(&buffer);
    csv::CsvWriter writer(out, csv_options, stmt.file);
    if (csv_options.header) writer.WriteHeader(names);
    const int64_t rows = RunStreaming(std::move(q.plan), [&](const DataChunk& chunk) {
      writer.WriteChunk(TextChunk(chunk));
      return true;
    });
    writer.Close();
    return QueryResult::Count(rows);
  }
  // A partitioned COPY keeps a file open per folder: each encodes on this thread alone.
  CopyFileWriterFactory make_writer =
      FileWriterFactory(format, format_options, partition_by.empty() ? StatementThreads() : 1);
  auto chunks = Run(std::move(q.plan));
  if (!partition_by.empty()) {
    const char* extension = format == FileFormat::kParquet ? ".parquet" : format == FileFormat::kJson ? ".json" : ".csv";
    return QueryResult::Count(WriteHivePartitioned(stmt.file, partition_by, names, types, chunks, extension, make_writer));
  }
  auto writer = make_writer(stmt.file, names, types);
  int64_t rows = 0;
  for (auto& chunk : chunks) {
    rows += static_cast<int64_t>(chunk->size());
    writer->WriteShared(std::move(chunk));  // the rows are not needed here any more
  }
  writer->Close();
  return QueryResult::Count(rows);
}

}  // namespace basin
