#include "lake/column_cache.h"

#include <sys/sysinfo.h>

namespace basin {

ColumnCache& ColumnCache::Instance() {
  static ColumnCache cache;
  return cache;
}

ColumnCache::ColumnCache() {
  // A quarter of the machine's memory by default: room for a working set, with queries keeping the rest.
  struct sysinfo info;
  capacity_ = sysinfo(&info) == 0 ? static_cast<size_t>(info.totalram) * info.mem_unit / 4 : size_t{1} << 30;
}

std::shared_ptr<const DecodedColumn> ColumnCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->column;
}

void ColumnCache::Put(const std::string& key, std::shared_ptr<const DecodedColumn> column, size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes > capacity_ || index_.count(key)) return;
  lru_.push_front({key, std::move(column), bytes});
  index_[key] = lru_.begin();
  size_ += bytes;
  while (size_ > capacity_) {
    size_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void ColumnCache::SetCapacity(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  capacity_ = bytes;
  while (size_ > capacity_ && !lru_.empty()) {
    size_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

size_t ColumnCache::capacity() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return capacity_;
}

size_t ColumnCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return size_;
}

}  // namespace basin
