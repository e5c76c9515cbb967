#include "stream/join_expiry.h"

#include <algorithm>
#include <string_view>

#include "stream/row_codec.h"
#include "stream/state_store.h"

namespace basin::stream {

namespace {

constexpr int kBucketBits = 20;

}  // namespace

void ExpiryIndex::Write(const std::string& prefix, int64_t epoch, StateBatch& batch) {
  std::sort(rows_.begin(), rows_.end());
  std::string key, value;
  for (size_t i = 0; i < rows_.size();) {
    const int64_t bucket = rows_[i].first >> kBucketBits;
    key = prefix;
    AppendOrderedInt64(key, rows_[i].first);
    AppendOrderedInt64(key, epoch);
    AppendOrderedInt64(key, bucket);
    value.clear();
    for (; i < rows_.size() && rows_[i].first >> kBucketBits == bucket; i++) {
      AppendOrderedInt64(value, rows_[i].first);
      AppendFixed(value, static_cast<uint32_t>(rows_[i].second.size()));
      value += rows_[i].second;
    }
    batch.Put(key, value);
  }
  rows_.clear();
}

int64_t ExpiryIndex::Expire(const std::string& prefix, int64_t watermark, StateBatch& batch) {
  if (watermark == INT64_MIN) return 0;
  std::vector<std::pair<std::string, std::string>> entries;
  batch.Scan(prefix, OrderedKeyBound(prefix, watermark - 1), [&](std::string_view key, std::string_view value) {
    entries.emplace_back(key, value);
    return true;
  });
  int64_t expired = 0;
  for (const auto& [key, value] : entries) {
    batch.Delete(key);
    std::string_view in = value;
    while (!in.empty()) {
      std::string_view row = in;
      const int64_t expires = ReadOrderedInt64(row);
      if (expires >= watermark) {
        // The rows left: the same entry under its new least expiry (its epoch and bucket kept).
        std::string rest = prefix;
        AppendOrderedInt64(rest, expires);
        rest.append(key, prefix.size() + sizeof(int64_t));
        batch.Put(rest, in);
        break;
      }
      const uint32_t size = ReadFixed<uint32_t>(row);
      batch.Delete(ReadBytes(row, size));
      expired++;
      in = row;
    }
  }
  return expired;
}

}  // namespace basin::stream
