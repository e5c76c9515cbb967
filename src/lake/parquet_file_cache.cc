#include "lake/parquet_file_cache.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>

#include "common/exception.h"

namespace basin {

namespace {

/// Cached readers keep their file descriptor open, so the cache is bounded.
constexpr size_t kMaxCachedFiles = 256;

struct CachedFile {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::shared_ptr<const parquet::ParquetReader> reader;
  std::list<std::string>::iterator lru;
};

class FooterCache {
 public:
  std::shared_ptr<const parquet::ParquetReader> Open(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
      throw IOError("cannot open Parquet file " + path + ": " + std::strerror(errno));
    const int64_t size = st.st_size;
    const int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = files_.find(path);
      if (it != files_.end() && it->second.size == size && it->second.mtime_ns == mtime) {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        return it->second.reader;
      }
    }
    // Parsed outside the lock: two threads may parse one file at once, and the later result wins.
    auto reader = std::make_shared<const parquet::ParquetReader>(path);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = files_.find(path);
    if (it != files_.end()) {
      lru_.erase(it->second.lru);
      files_.erase(it);
    }
    lru_.push_front(path);
    files_[path] = CachedFile{size, mtime, reader, lru_.begin()};
    if (files_.size() > kMaxCachedFiles) {
      files_.erase(lru_.back());
      lru_.pop_back();
    }
    return reader;
  }

 private:
  std::mutex mutex_;
  std::list<std::string> lru_;  // most recently used first
  std::unordered_map<std::string, CachedFile> files_;
};

}  // namespace

std::shared_ptr<const parquet::ParquetReader> OpenParquetFile(const std::string& path) {
  static FooterCache cache;
  return cache.Open(path);
}

}  // namespace basin
