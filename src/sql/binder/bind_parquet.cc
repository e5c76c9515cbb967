// Parquet files queried directly: read_parquet(globs, options) and FROM 'path/*.parquet' bind to a scan of
// ParquetFilesTable, so projections, row-group skipping by pushed filters and parallel reading by row group
// apply to files as to tables.

#include <cctype>

#include "catalog/catalog.h"
#include "common/exception.h"
#include "execution/cast.h"
#include "execution/function.h"
#include "lake/parquet_file_cache.h"
#include "lake/parquet_scan.h"
#include "sql/binder/binder.h"
#include "sql/binder/binder_internal.h"

namespace basin {

namespace {

struct ParquetOptions {
  std::optional<bool> hive_partitioning;  // unset: on when the first path has key=value folders
  bool union_by_name = false;
  bool filename = false;
};

ParquetOptions ParseOptions(const std::vector<std::pair<std::string, Value>>& options, int64_t location) {
  ParquetOptions result;
  for (const auto& [name, value] : options) {
    Value flag;
    if (value.IsNull() || !TryCastValue(value, TypeId::kBoolean, flag))
      throw BinderError(sqlstate::kInvalidParameterValue, "read_parquet option " + name + " takes a boolean",
                        location);
    if (name == "hive_partitioning") {
      result.hive_partitioning = flag.GetBool();
    } else if (name == "union_by_name") {
      result.union_by_name = flag.GetBool();
    } else if (name == "filename") {
      result.filename = flag.GetBool();
    } else {
      throw BinderError(sqlstate::kInvalidParameterValue, "unknown read_parquet option \"" + name + "\"",
                        location);
    }
  }
  return result;
}

/// Hive partition folders of a path, `key=value` (percent-decoded), outermost first.
std::vector<std::pair<std::string, std::string>> HivePartitions(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> parts;
  size_t start = 0;
  for (size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1) {
    const std::string folder = path.substr(start, slash - start);
    const size_t eq = folder.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string value;
    for (size_t i = eq + 1; i < folder.size(); ++i) {
      if (folder[i] == '%' && i + 2 < folder.size() &&
          std::isxdigit(static_cast<unsigned char>(folder[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(folder[i + 2]))) {
        value += static_cast<char>(std::stoi(folder.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        value += folder[i];
      }
    }
    parts.emplace_back(folder.substr(0, eq), std::move(value));
  }
  return parts;
}

/// Hive's name for a NULL partition value.
constexpr const char* kHiveNull = "__HIVE_DEFAULT_PARTITION__";

/// BIGINT when every value is an integer, DATE when every value is a date, else VARCHAR (as DuckDB).
LogicalType HiveType(const std::vector<const std::string*>& values) {
  auto all = [&](auto&& pred) {
    for (const std::string* v : values) {
      if (*v != kHiveNull && !pred(*v)) return false;
    }
    return true;
  };
  auto integer = [](const std::string& v) {
    size_t i = v.size() > 1 && v[0] == '-';
    if (i == v.size() || v.size() - i > 18) return false;
    for (; i < v.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    return true;
  };
  auto date = [](const std::string& v) {
    Value out;
    return v.size() == 10 && v[4] == '-' && v[7] == '-' &&
           TryCastValue(Value::Varchar(v), TypeId::kDate, out);
  };
  if (all(integer)) return TypeId::kBigInt;
  if (all(date)) return TypeId::kDate;
  return TypeId::kVarchar;
}

}  // namespace

bool IsParquetPath(const std::string& path) {
  return path.size() > 8 && path.compare(path.size() - 8, 8, ".parquet") == 0;
}

LogicalOperatorPtr Binder::BindParquetScan(const std::vector<std::string>& patterns,
                                           const std::vector<std::pair<std::string, Value>>& option_values,
                                           const std::string& alias, const sql::TableRef& ref) {
  const ParquetOptions options = ParseOptions(option_values, ref.location);
  std::vector<ParquetDataFile> files;
  for (const std::string& pattern : patterns) {
    for (std::string& path : ExpandGlob(pattern, ref.location)) files.push_back({std::move(path), {}});
  }
  if (files.empty())
    throw BinderError(sqlstate::kInvalidParameterValue, "read_parquet needs a file", ref.location);

  // The schema: the first file's columns, or every file's by name.
  std::vector<ParquetScanColumn> columns;
  auto first = OpenParquetFile(files[0].path);
  for (size_t f = 0; f < (options.union_by_name ? files.size() : 1); ++f) {
    auto reader = f == 0 ? first : OpenParquetFile(files[f].path);
    for (const parquet::ParquetColumn& c : reader->columns()) {
      auto it = std::find_if(columns.begin(), columns.end(), [&](auto& s) { return s.name == c.name; });
      if (it == columns.end()) {
        columns.push_back({c.name, c.type, std::nullopt});
      } else if (it->type != c.type) {
        const LogicalType common = CommonSuperType(it->type, c.type);
        if (common.id() == TypeId::kInvalid)
          throw BinderError(sqlstate::kDatatypeMismatch,
                            "column \"" + c.name + "\" is " + it->type.ToString() + " in one file and " +
                                c.type.ToString() + " in " + files[f].path,
                            ref.location);
        it->type = common;
      }
    }
  }

  // Hive partition folders become constant columns of their files (replacing a file column of that name).
  std::vector<std::vector<std::pair<std::string, std::string>>> partitions;
  for (const ParquetDataFile& file : files) partitions.push_back(HivePartitions(file.path));
  if (options.hive_partitioning.value_or(!partitions[0].empty())) {
    std::vector<std::string> keys;
    for (const auto& parts : partitions) {
      for (const auto& part : parts) {
        if (std::find(keys.begin(), keys.end(), part.first) == keys.end()) keys.push_back(part.first);
      }
    }
    for (const std::string& key : keys) {
      std::vector<const std::string*> values(files.size(), nullptr);
      std::vector<const std::string*> present;
      for (size_t f = 0; f < files.size(); ++f) {
        for (const auto& part : partitions[f]) {
          if (part.first == key) values[f] = &part.second;
        }
        if (values[f]) present.push_back(values[f]);
      }
      const LogicalType type = HiveType(present);
      auto it = std::find_if(columns.begin(), columns.end(), [&](auto& s) { return s.name == key; });
      if (it == columns.end()) it = columns.insert(columns.end(), ParquetScanColumn{key, type, std::nullopt});
      it->type = type;
      const size_t index = static_cast<size_t>(it - columns.begin());
      for (size_t f = 0; f < files.size(); ++f) {
        Value value = Value::Null(type);
        if (values[f] && *values[f] != kHiveNull) value = CastValue(Value::Varchar(*values[f]), type);
        files[f].constants.emplace_back(index, std::move(value));
      }
    }
  }
  if (options.filename) {
    const size_t index = columns.size();
    columns.push_back({"filename", TypeId::kVarchar, std::nullopt});
    for (ParquetDataFile& file : files) file.constants.emplace_back(index, Value::Varchar(file.path));
  }

  auto table = std::make_shared<TableEntry>();
  table->name = alias;
  for (const ParquetScanColumn& c : columns) table->columns.push_back({c.name, c.type});
  const int64_t estimated_rows = first->RowCount() * static_cast<int64_t>(files.size());
  auto cast = [](const Vector& source, Vector& result, size_t count) {
    CastVector(source, result, count, false);
  };
  table->storage =
      std::make_shared<ParquetFilesTable>(std::move(files), std::move(columns), cast, estimated_rows);
  return BindTableEntry(std::move(table), alias, ref);
}

}  // namespace basin
