#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace basin::iceberg {

/// A blob of a Puffin file (Iceberg's statistics format): what it describes and its bytes.
struct PuffinBlob {
  std::string type;             // Basin writes "basin-hll-v1": a HyperLogLog sketch of one column
  std::vector<int32_t> fields;  // field ids the blob describes
  int64_t snapshot_id = 0;
  int64_t sequence_number = 0;
  std::map<std::string, std::string> properties;  // e.g. "ndv", as other engines read it
  std::string data;
};

/// Write a Puffin file (uncompressed blobs); returns its size and footer size, as the table metadata's
/// statistics entry records them.
std::pair<int64_t, int64_t> WritePuffin(const std::string& path, const std::vector<PuffinBlob>& blobs);
/// Read every blob; throws DataError naming the file when it is not a Puffin file or is corrupt.
std::vector<PuffinBlob> ReadPuffin(const std::string& path);

}  // namespace basin::iceberg
