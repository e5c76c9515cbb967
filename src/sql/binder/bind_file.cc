// Files queried directly: read_parquet / read_csv / read_json('path or glob', options) and FROM 'file.ext'.

#include <glob.h>

#include <cstring>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/exception.h"
#include "execution/cast.h"
#include "formats/csv/csv_reader.h"
#include "formats/json/json_reader.h"
#include "main/client_context.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"
#include "sql/binder/file_scan.h"

namespace basin {

/// The files a path names: itself, or the sorted matches of a glob pattern.
std::vector<std::string> ExpandGlob(const std::string& pattern, int64_t location) {
  if (pattern.find_first_of("*?[") == std::string::npos) return {pattern};
  glob_t matches;
  std::vector<std::string> files;
  if (glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; i++) files.push_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  if (files.empty()) throw IOError("no files match \"" + pattern + "\"");
  std::sort(files.begin(), files.end());
  return files;
}

namespace {

/// Split one CSV line on `delim` (quotes honoured), for sniffing only.
std::vector<std::string> SniffFields(const std::string& line, char delim) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); i++) {
    char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else if (c == delim && !quoted) {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

/// The narrowest of BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, VARCHAR that every sample value casts to.
LogicalType DetectType(const std::vector<std::string>& samples) {
  static const LogicalType kCandidates[] = {TypeId::kBoolean, TypeId::kBigInt,    TypeId::kDouble,
                                            TypeId::kDate,    TypeId::kTimestamp, TypeId::kVarchar};
  for (const LogicalType& t : kCandidates) {
    bool fits = t.id() == TypeId::kVarchar;
    bool any = false;
    for (const std::string& v : samples) {
      if (v.empty()) continue;  // NULL
      any = true;
      // Stricter than casts: 'yes' or 'y' is text in a file, and a date with a time is a timestamp.
      std::string lower = v;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool strict_ok = (t.id() != TypeId::kBoolean || lower == "true" || lower == "false" || lower == "t" ||
                        lower == "f") &&
                       (t.id() != TypeId::kDate || v.size() <= 10);
      Value out;
      if (!strict_ok || !TryCastValue(Value::Varchar(v), t, out)) {
        fits = false;
        break;
      }
      fits = true;
    }
    if (fits && (any || t.id() == TypeId::kVarchar)) return t;
  }
  return TypeId::kVarchar;
}

bool EndsWith(const std::string& path, const char* ext) {
  size_t n = std::strlen(ext);
  return path.size() > n && path.compare(path.size() - n, n, ext) == 0;
}

[[noreturn]] void UnknownOption(const std::string& function, const std::string& option) {
  throw BinderError(sqlstate::kSyntaxError, "unknown option \"" + option + "\" for " + function);
}

/// A named argument's value as option text: booleans as true/false, NULL as empty.
std::string OptionText(const Value& v) {
  return v.IsNull() ? std::string() : v.ToString();
}

}  // namespace

bool IsCsvPath(const std::string& path) {
  return EndsWith(path, ".csv") || EndsWith(path, ".tsv") || EndsWith(path, ".tbl");
}

bool IsJsonPath(const std::string& path) {
  return EndsWith(path, ".json") || EndsWith(path, ".ndjson") || EndsWith(path, ".jsonl");
}

LogicalOperatorPtr Binder::BindCsvScan(const std::string& pattern, const std::string& alias,
                                       const sql::TableRef& ref, const NamedArguments& named) {
  RejectOptions reject_options;
  for (auto& [option, value] : named) {
    if (!reject_options.Set(option, OptionText(value))) UnknownOption("read_csv", option);
  }
  std::vector<std::string> files = ExpandGlob(pattern, ref.location);
  // Sniff the dialect and the column types from the first lines of the first file, as DuckDB's
  // read_csv_auto does: the delimiter that splits every line into the same number of fields, a header when
  // the first line does not fit the types of the rest.
  std::ifstream in(files[0]);
  if (!in) throw IOError("could not open file \"" + files[0] + "\" for reading");
  std::vector<std::string> lines;
  for (std::string line; lines.size() < 200 && std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) throw DataError(sqlstate::kBadCopyFileFormat, "\"" + files[0] + "\" is empty");
  char delimiter = ',';
  size_t best_fields = 0;
  for (char d : {',', '|', '\t', ';'}) {
    size_t n = SniffFields(lines[0], d).size();
    bool consistent = n > 1;
    for (auto& l : lines) consistent = consistent && SniffFields(l, d).size() == n;
    if (consistent && n > best_fields) {
      best_fields = n;
      delimiter = d;
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& l : lines) rows.push_back(SniffFields(l, delimiter));
  size_t columns = rows[0].size();
  auto types_of = [&](size_t first) {
    std::vector<LogicalType> types;
    for (size_t c = 0; c < columns; c++) {
      std::vector<std::string> samples;
      for (size_t r = first; r < rows.size(); r++) {
        if (c < rows[r].size()) samples.push_back(rows[r][c]);
      }
      types.push_back(DetectType(samples));
    }
    return types;
  };
  std::vector<LogicalType> types = types_of(rows.size() > 1 ? 1 : 0);
  bool header = false;
  if (rows.size() > 1) {
    std::vector<LogicalType> with_first = types_of(0);
    for (size_t c = 0; c < columns; c++) header |= with_first[c] != types[c];
    if (!header) types = with_first;
  }
  std::vector<std::string> names;
  for (size_t c = 0; c < columns; c++) {
    names.push_back(header && !rows[0][c].empty() ? rows[0][c] : "column" + std::to_string(c));
  }
  csv::CsvOptions options;
  options.delimiter = delimiter;
  options.header = header;
  auto chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  std::vector<RejectedRow> rejects;
  std::vector<RejectedRow>* sink = reject_options.ignore_errors ? &rejects : nullptr;
  for (const std::string& file : files) {
    csv::CsvReader reader(file, options);
    reader.SetColumnNames(names);
    if (sink) reader.SetRejects(sink);
    FileRows rows{file, [&](size_t r) { return reader.RowLine(r); },
                  [&](size_t r) { return reader.RowText(r); }};
    for (;;) {
      DataChunk text(std::vector<LogicalType>(columns, TypeId::kVarchar));
      if (!reader.ReadChunk(text)) break;
      chunks->push_back(CastFileChunk(text, types, names, rows, sink));
    }
  }
  if (sink) StoreRejects(context_.catalog(), reject_options.table, std::move(rejects));
  return BindChunks(chunks, names, types, alias, ref);
}

LogicalOperatorPtr Binder::BindJsonScan(const std::string& pattern, const std::string& alias,
                                        const sql::TableRef& ref, const NamedArguments& named) {
  json::JsonReadOptions options;
  RejectOptions reject_options;
  for (auto& [option, value] : named) {
    if (option == "format") {
      options.format = json::ParseJsonFormat(OptionText(value));
    } else if (option == "sample_size") {
      Value n = CastValue(value, TypeId::kBigInt);
      // -1 samples everything, as in DuckDB.
      if (n.IsNull() || n.GetInt64() == 0 || n.GetInt64() < -1) {
        throw Exception(sqlstate::kInvalidParameterValue, "sample_size must be positive or -1");
      }
      options.sample_size = n.GetInt64() < 0 ? SIZE_MAX : static_cast<size_t>(n.GetInt64());
    } else if (!reject_options.Set(option, OptionText(value))) {
      UnknownOption("read_json", option);
    }
  }
  options.ignore_errors = reject_options.ignore_errors;
  std::vector<std::string> files = ExpandGlob(pattern, ref.location);
  std::vector<json::JsonColumn> columns;
  size_t budget = options.sample_size;
  for (size_t f = 0; f < files.size() && budget > 0; f++) {
    budget -= json::JsonReader(files[f], options).Sample(columns, budget);
  }
  if (columns.empty()) {
    throw DataError(sqlstate::kBadCopyFileFormat, "no JSON objects with keys in \"" + pattern + "\"");
  }
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  for (json::JsonColumn& c : columns) {
    if (c.type.id() == TypeId::kNull) c.type = TypeId::kVarchar;  // only nulls in the sample
    names.push_back(c.name);
    types.push_back(c.type);
  }
  auto chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  std::vector<RejectedRow> rejects;
  for (const std::string& file : files) {
    json::JsonReader reader(file, options);
    reader.SetColumns(columns);
    for (;;) {
      auto chunk = std::make_unique<DataChunk>(types);
      if (!reader.ReadChunk(*chunk)) break;
      chunks->push_back(std::move(chunk));
    }
    std::move(reader.rejects().begin(), reader.rejects().end(), std::back_inserter(rejects));
  }
  if (options.ignore_errors) StoreRejects(context_.catalog(), reject_options.table, std::move(rejects));
  return BindChunks(chunks, names, types, alias, ref);
}

}  // namespace basin
