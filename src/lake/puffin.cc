// Puffin files (Iceberg's format for table statistics): magic, blobs, then a JSON footer.

#include "lake/puffin.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "lake/iceberg_manifest.h"

namespace basin::iceberg {

namespace {

constexpr char kMagic[4] = {'P', 'F', 'A', '1'};

[[noreturn]] void Corrupt(const std::string& path, const std::string& what) {
  throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Puffin file \"" + path + "\": " + what);
}

}  // namespace

std::pair<int64_t, int64_t> WritePuffin(const std::string& path, const std::vector<PuffinBlob>& blobs) {
  std::string out(kMagic, 4);
  nlohmann::ordered_json footer;
  footer["blobs"] = nlohmann::ordered_json::array();
  for (const PuffinBlob& b : blobs) {
    nlohmann::ordered_json j;
    j["type"] = b.type;
    j["fields"] = b.fields;
    j["snapshot-id"] = b.snapshot_id;
    j["sequence-number"] = b.sequence_number;
    j["offset"] = out.size();
    j["length"] = b.data.size();
    if (!b.properties.empty()) j["properties"] = b.properties;
    footer["blobs"].push_back(std::move(j));
    out += b.data;
  }
  footer["properties"] = {{"created-by", "Basin"}};
  std::string payload = footer.dump();
  size_t footer_start = out.size();
  out.append(kMagic, 4);
  out += payload;
  uint32_t size = static_cast<uint32_t>(payload.size());
  uint32_t flags = 0;  // payload not compressed
  out.append(reinterpret_cast<const char*>(&size), 4);
  out.append(reinterpret_cast<const char*>(&flags), 4);
  out.append(kMagic, 4);
  WriteFileAtomic(path, out);
  return {static_cast<int64_t>(out.size()), static_cast<int64_t>(out.size() - footer_start)};
}

std::vector<PuffinBlob> ReadPuffin(const std::string& path) {
  std::string bytes = ReadFileBytes(path);
  if (bytes.size() < 20 || bytes.compare(0, 4, kMagic, 4) != 0 || bytes.compare(bytes.size() - 4, 4, kMagic, 4) != 0) {
    Corrupt(path, "no Puffin magic");
  }
  uint32_t size, flags;
  std::memcpy(&size, bytes.data() + bytes.size() - 12, 4);
  std::memcpy(&flags, bytes.data() + bytes.size() - 8, 4);
  if (flags & 1) Corrupt(path, "compressed footers are not supported");
  if (size > bytes.size() - 20) Corrupt(path, "footer size beyond the file");
  size_t payload_start = bytes.size() - 12 - size;
  if (bytes.compare(payload_start - 4, 4, kMagic, 4) != 0) Corrupt(path, "no magic before the footer");
  auto footer = nlohmann::json::parse(bytes.begin() + static_cast<std::ptrdiff_t>(payload_start),
                                      bytes.end() - 12, nullptr, /*allow_exceptions=*/false);
  if (footer.is_discarded() || !footer.contains("blobs") || !footer["blobs"].is_array()) Corrupt(path, "bad footer");
  std::vector<PuffinBlob> blobs;
  try {
    for (const auto& j : footer["blobs"]) {
      PuffinBlob b;
      b.type = j.value("type", "");
      b.fields = j.value("fields", std::vector<int32_t>{});
      b.snapshot_id = j.value("snapshot-id", int64_t{0});
      b.sequence_number = j.value("sequence-number", int64_t{0});
      uint64_t offset = j.value("offset", uint64_t{0}), length = j.value("length", uint64_t{0});
      if (offset > payload_start || length > payload_start - offset) Corrupt(path, "blob beyond the data");
      if (j.contains("compression-codec") && !j["compression-codec"].is_null()) continue;  // not ours: skip
      b.data = bytes.substr(offset, length);
      if (j.contains("properties")) b.properties = j["properties"].get<std::map<std::string, std::string>>();
      blobs.push_back(std::move(b));
    }
  } catch (const nlohmann::json::exception& e) {
    Corrupt(path, e.what());
  }
  return blobs;
}

}  // namespace basin::iceberg
