#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "vector/vector.h"

namespace basin {

/// One decoded column of one row group: a vector per chunk of up to kVectorSize rows, with its row count.
struct DecodedColumn {
  std::vector<std::unique_ptr<Vector>> chunks;
  std::vector<size_t> sizes;
  size_t bytes = 0;
};

/// Decoded columns of immutable data files (Iceberg data files never change once written), kept so that
/// repeated scans of a table cost what scans of memory cost. Least recently used columns go first once
/// the cache passes its capacity. Process-wide and thread-safe.
class ColumnCache {
 public:
  static ColumnCache& Instance();

  /// The cached column, or null.
  std::shared_ptr<const DecodedColumn> Get(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const DecodedColumn> column, size_t bytes);
  /// Bytes the cache may hold; 0 turns it off (and empties it).
  void SetCapacity(size_t bytes);
  size_t capacity() const;
  size_t size() const;

 private:
  ColumnCache();

  struct Entry {
    std::string key;
    std::shared_ptr<const DecodedColumn> column;
    size_t bytes;
  };
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t capacity_;
  size_t size_ = 0;
};

}  // namespace basin
