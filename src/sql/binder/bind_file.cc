// Files queried directly: read_parquet('path or glob') and FROM 'file.parquet'.

#include <glob.h>

#include <cstring>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/exception.h"
#include "execution/cast.h"
#include "formats/csv/csv_reader.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

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

}  // namespace

bool IsCsvPath(const std::string& path) {
  auto ends = [&](const char* ext) {
    size_t n = std::strlen(ext);
    return path.size() > n && path.compare(path.size() - n, n, ext) == 0;
  };
  return ends(".csv") || ends(".tsv") || ends(".tbl");
}

LogicalOperatorPtr Binder::BindCsvScan(const std::string& pattern, const std::string& alias,
                                       const sql::TableRef& ref) {
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
  for (const std::string& file : files) {
    csv::CsvReader reader(file, options);
    for (;;) {
      DataChunk text(std::vector<LogicalType>(columns, TypeId::kVarchar));
      if (!reader.ReadChunk(text)) break;
      auto chunk = std::make_unique<DataChunk>(types);
      for (size_t c = 0; c < columns; c++) {
        try {
          CastVector(text.column(c), chunk->column(c), text.size(), false);
        } catch (const Exception& e) {
          throw Exception(e.sqlstate(), e.message() + " (in \"" + file + "\", column " + names[c] +
                                            ", detected as " + types[c].ToString() + ")");
        }
      }
      chunk->SetCardinality(text.size());
      chunks->push_back(std::move(chunk));
    }
  }
  return BindChunks(chunks, names, types, alias, ref);
}

}  // namespace basin
