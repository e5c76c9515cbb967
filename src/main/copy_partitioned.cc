#include "main/copy_partitioned.h"

#include <filesystem>
#include <map>

#include "common/exception.h"
#include "execution/cast.h"

namespace basin {

namespace {

/// A partition value as a folder name part: NULL is Hive's default partition; '/', '=', '%' and control
/// characters are percent-encoded.
std::string FolderValue(const Vector& text, size_t row) {
  if (text.IsNull(row)) return "__HIVE_DEFAULT_PARTITION__";
  const string_t& s = text.data<string_t>()[row];
  std::string out;
  for (char c : std::string_view(s.data(), s.size())) {
    if (c == '/' || c == '=' || c == '%' || static_cast<unsigned char>(c) < 0x20) {
      static const char* kHex = "0123456789ABCDEF";
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[c & 15];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

int64_t WriteHivePartitioned(const std::string& dir, const std::vector<std::string>& partition_by,
                             const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                             const std::vector<std::unique_ptr<DataChunk>>& chunks, const std::string& extension,
                             const CopyFileWriterFactory& make_writer) {
  std::vector<size_t> keys;
  for (const std::string& p : partition_by) {
    auto it = std::find(names.begin(), names.end(), p);
    if (it == names.end())
      throw BinderError(sqlstate::kUndefinedColumn,
                        "PARTITION_BY column \"" + p + "\" is not in the COPY's rows");
    keys.push_back(static_cast<size_t>(it - names.begin()));
  }
  std::vector<size_t> data_columns;
  std::vector<std::string> data_names;
  std::vector<LogicalType> data_types;
  for (size_t c = 0; c < names.size(); ++c) {
    if (std::find(keys.begin(), keys.end(), c) != keys.end()) continue;
    data_columns.push_back(c);
    data_names.push_back(names[c]);
    data_types.push_back(types[c]);
  }
  if (data_columns.empty())
    throw BinderError(sqlstate::kInvalidParameterValue, "PARTITION_BY leaves no columns to write");
  std::map<std::string, std::unique_ptr<CopyFileWriter>> writers;  // by folder
  std::map<std::string, std::vector<sel_t>> rows;                          // this chunk's rows, by folder
  int64_t total = 0;
  for (const auto& chunk : chunks) {
    std::vector<Vector> text;
    for (size_t k : keys) {
      text.emplace_back(TypeId::kVarchar, std::max(chunk->size(), kVectorSize));
      CastVector(chunk->column(k), text.back(), chunk->size(), false);
      text.back().Flatten(chunk->size());
    }
    for (auto& [folder, sel] : rows) sel.clear();
    std::string folder;
    for (size_t r = 0; r < chunk->size(); ++r) {
      folder.clear();
      for (size_t k = 0; k < keys.size(); ++k) folder += names[keys[k]] + "=" + FolderValue(text[k], r) + "/";
      rows[folder].push_back(static_cast<sel_t>(r));
    }
    for (auto& [path, sel] : rows) {
      if (sel.empty()) continue;
      auto& writer = writers[path];
      if (!writer) {
        std::error_code error;
        std::filesystem::create_directories(dir + "/" + path, error);
        if (error) throw IOError("cannot create folder \"" + dir + "/" + path + "\": " + error.message());
        writer = make_writer(dir + "/" + path + "data_0" + extension, data_names, data_types);
      }
      DataChunk part(data_types, std::max(sel.size(), kVectorSize));
      for (size_t c = 0; c < data_columns.size(); ++c)
        part.column(c).Slice(chunk->column(data_columns[c]), sel.data(), sel.size());
      part.SetCardinality(sel.size());
      writer->Write(part);
      total += static_cast<int64_t>(sel.size());
    }
  }
  for (auto& [path, writer] : writers) writer->Close();
  return total;
}

}  // namespace basin
