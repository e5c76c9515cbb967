// Files queried directly: read_parquet('path or glob') and FROM 'file.parquet'.

#include <glob.h>

#include <algorithm>

#include "common/exception.h"
#include "formats/parquet/parquet_reader.h"
#include "sql/binder/binder.h"

namespace basin {

namespace {

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

}  // namespace

bool IsParquetPath(const std::string& path) {
  return path.size() > 8 && path.compare(path.size() - 8, 8, ".parquet") == 0;
}

LogicalOperatorPtr Binder::BindParquetScan(const std::string& pattern, const std::string& alias,
                                           const sql::TableRef& ref) {
  // Files are read whole into memory when the query is bound: simple and correct; streaming scans by
  // row group with projection and statistics come with lake tables.
  auto chunks = std::make_shared<std::vector<std::unique_ptr<DataChunk>>>();
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  for (const std::string& file : ExpandGlob(pattern, ref.location)) {
    parquet::ParquetReader reader(file);
    if (names.empty()) {
      names = reader.Names();
      types = reader.Types();
    } else if (reader.Types() != types || reader.Names() != names) {
      throw IOError("\"" + file + "\" does not have the columns of \"" + pattern + "\"'s first file");
    }
    std::vector<size_t> all(types.size());
    for (size_t i = 0; i < all.size(); i++) all[i] = i;
    for (size_t g = 0; g < reader.RowGroupCount(); g++) {
      auto group = reader.ReadRowGroup(g, all);
      for (;;) {
        auto chunk = std::make_unique<DataChunk>();
        if (!group->Next(*chunk)) break;
        chunks->push_back(std::move(chunk));
      }
    }
  }
  auto scan = std::make_unique<LogicalOperator>(LogicalOpType::kChunkScan);
  scan->table_index = NextTableIndex();
  scan->chunks = chunks;
  scan->types = types;
  BoundQuery q{std::move(scan), names, types};
  return PlanQueryAsTable(std::move(q), alias, ref.column_aliases, ref.location);
}

}  // namespace basin
