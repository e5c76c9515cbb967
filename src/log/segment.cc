#include "log/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "common/exception.h"
#include "common/logging.h"
#include "log/bytes_internal.h"

namespace basin::log {

using internal::LoadBig;
using internal::StoreBig;

namespace {

constexpr size_t kOffsetEntrySize = 8;
constexpr size_t kTimeEntrySize = 12;

[[noreturn]] void ThrowErrno(const std::string& what, const std::filesystem::path& path) {
  throw IOError(what + " " + path.string() + ": " + std::strerror(errno));
}

std::string ReadWholeFile(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0) ThrowErrno("cannot stat", path);
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ThrowErrno("cannot read", path);
    done += static_cast<size_t>(n);
  }
  return bytes;
}

}  // namespace

std::string SegmentFileName(int64_t offset, std::string_view extension) {
  char name[32];
  std::snprintf(name, sizeof(name), "%020lld", static_cast<long long>(offset));
  return std::string(name) + std::string(extension);
}

Segment::Segment(std::filesystem::path dir, int64_t base_offset, uint32_t index_interval_bytes, std::string suffix)
    : dir_(std::move(dir)),
      base_offset_(base_offset),
      index_interval_bytes_(index_interval_bytes),
      suffix_(std::move(suffix)),
      next_offset_(base_offset) {
  log_path_ = PathFor(".log");
}

Segment::~Segment() {
  for (int fd : {log_fd_, index_fd_, time_index_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

std::filesystem::path Segment::PathFor(std::string_view extension) const {
  return dir_ / (SegmentFileName(base_offset_, extension) + suffix_);
}

void Segment::OpenFiles(bool truncate) {
  const int flags = O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  log_fd_ = ::open(log_path_.c_str(), flags, 0644);
  if (log_fd_ < 0) ThrowErrno("cannot open", log_path_);
  index_fd_ = ::open(PathFor(".index").c_str(), flags, 0644);
  if (index_fd_ < 0) ThrowErrno("cannot open", PathFor(".index"));
  time_index_fd_ = ::open(PathFor(".timeindex").c_str(), flags, 0644);
  if (time_index_fd_ < 0) ThrowErrno("cannot open", PathFor(".timeindex"));
}

std::shared_ptr<Segment> Segment::Create(const std::filesystem::path& dir, int64_t base_offset, int64_t now_ms,
                                         uint32_t index_interval_bytes, std::string_view suffix) {
  std::shared_ptr<Segment> segment(new Segment(dir, base_offset, index_interval_bytes, std::string(suffix)));
  segment->OpenFiles(true);
  segment->created_ms_ = now_ms;
  return segment;
}

std::shared_ptr<Segment> Segment::Open(const std::filesystem::path& dir, int64_t base_offset, bool recover,
                                       uint32_t index_interval_bytes) {
  std::shared_ptr<Segment> segment(new Segment(dir, base_offset, index_interval_bytes, ""));
  segment->OpenFiles(false);
  struct stat st {};
  if (fstat(segment->log_fd_, &st) != 0) ThrowErrno("cannot stat", segment->log_path_);
  segment->size_ = static_cast<uint64_t>(st.st_size);
  segment->created_ms_ = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000;
  if (!segment->LoadIndexes()) {
    if (segment->size_ > 0) LogLine(LogLevel::kWarning, "log " + segment->log_path_.string() + ": rebuilding its indexes");
    segment->RebuildIndexes();
  } else {
    segment->ScanTail(segment->offset_index_.empty() ? 0 : segment->offset_index_.back().position, recover);
  }
  return segment;
}

bool Segment::LoadIndexes() {
  const std::string offsets = ReadWholeFile(index_fd_, PathFor(".index"));
  const std::string times = ReadWholeFile(time_index_fd_, PathFor(".timeindex"));
  index_file_size_ = offsets.size();
  time_index_file_size_ = times.size();
  if (offsets.size() % kOffsetEntrySize != 0 || times.size() % kTimeEntrySize != 0) return false;
  for (size_t at = 0; at < offsets.size(); at += kOffsetEntrySize) {
    const int32_t relative = LoadBig<int32_t>(offsets.data() + at);
    const uint32_t position = LoadBig<uint32_t>(offsets.data() + at + 4);
    const OffsetEntry entry{base_offset_ + relative, position};
    if (relative < 0 || position >= size_) return false;
    if (!offset_index_.empty() &&
        (entry.offset <= offset_index_.back().offset || position <= offset_index_.back().position))
      return false;
    offset_index_.push_back(entry);
  }
  for (size_t at = 0; at < times.size(); at += kTimeEntrySize) {
    const TimeEntry entry{LoadBig<int64_t>(times.data() + at), base_offset_ + LoadBig<int32_t>(times.data() + at + 8)};
    if (entry.offset < base_offset_) return false;
    if (!time_index_.empty() &&
        (entry.timestamp <= time_index_.back().timestamp || entry.offset < time_index_.back().offset))
      return false;
    time_index_.push_back(entry);
  }
  // Without offset entries the tail scan starts at 0 and adds them. (A time index may be empty beside a full
  // offset index: batches without timestamps add no time entries.)
  if (offset_index_.empty()) return true;
  // The last entry must point at the start of the batch it names.
  char header[batch_layout::kLogOverhead];
  const OffsetEntry& last = offset_index_.back();
  if (last.position + sizeof(header) > size_) return false;
  ReadAt(last.position, sizeof(header), header);
  return LoadBig<int64_t>(header) == last.offset;
}

void Segment::RebuildIndexes() {
  offset_index_.clear();
  time_index_.clear();
  if (ftruncate(index_fd_, 0) != 0) ThrowErrno("cannot truncate", PathFor(".index"));
  if (ftruncate(time_index_fd_, 0) != 0) ThrowErrno("cannot truncate", PathFor(".timeindex"));
  index_file_size_ = time_index_file_size_ = 0;
  ScanTail(0, /*recover=*/true);
}

void Segment::ScanTail(uint64_t from, bool recover) {
  next_offset_ = offset_index_.empty() ? base_offset_ : offset_index_.back().offset;
  max_timestamp_ = time_index_.empty() ? kNoTimestamp : time_index_.back().timestamp;
  bytes_since_index_ = 0;
  const uint64_t file_size = size_;
  SegmentScanner scanner(*this, from, file_size);
  std::string_view batch;
  uint64_t position = from;
  uint64_t good_end = from;
  std::string problem;
  while (scanner.Next(batch, position)) {
    const BatchHeader h = DecodeBatchHeader(batch.data());
    if (h.base_offset < next_offset_) {
      problem = "batch offset " + std::to_string(h.base_offset) + " goes back";
      break;
    }
    if (recover) {
      try {
        ValidateBatch(batch, log_path_.string() + " at byte " + std::to_string(position));
      } catch (const DataError& e) {
        problem = e.what();
        break;
      }
    }
    Track({h.base_offset, h.next_offset(), h.max_timestamp, static_cast<uint32_t>(batch.size())}, position, true);
    good_end = position + batch.size();
  }
  if (problem.empty() && scanner.stopped_early()) problem = "a torn batch at the end";
  if (good_end < file_size) {
    LogLine(LogLevel::kWarning, "log " + log_path_.string() + ": cut " + std::to_string(file_size - good_end) +
                                    " bytes at byte " + std::to_string(good_end) + " (" + problem + ")");
    if (ftruncate(log_fd_, static_cast<off_t>(good_end)) != 0) ThrowErrno("cannot truncate", log_path_);
  }
  size_ = good_end;
  // Drop index entries that point past the end that is left.
  while (!offset_index_.empty() && offset_index_.back().position >= size_) offset_index_.pop_back();
  while (!time_index_.empty() && time_index_.back().offset > next_offset_) time_index_.pop_back();
  if (index_file_size_ != offset_index_.size() * kOffsetEntrySize) {
    index_file_size_ = offset_index_.size() * kOffsetEntrySize;
    if (ftruncate(index_fd_, static_cast<off_t>(index_file_size_)) != 0) ThrowErrno("cannot truncate", PathFor(".index"));
  }
  if (time_index_file_size_ != time_index_.size() * kTimeEntrySize) {
    time_index_file_size_ = time_index_.size() * kTimeEntrySize;
    if (ftruncate(time_index_fd_, static_cast<off_t>(time_index_file_size_)) != 0)
      ThrowErrno("cannot truncate", PathFor(".timeindex"));
  }
}

void Segment::WriteIndexEntry(int fd, uint64_t& file_size, const char* bytes, size_t n) {
  // Index entries are hints: a lost one costs a longer scan, never data, so a failed write is only logged.
  if (pwrite(fd, bytes, n, static_cast<off_t>(file_size)) == static_cast<ssize_t>(n)) {
    file_size += n;
  } else {
    LogLine(LogLevel::kWarning, "log " + log_path_.string() + ": cannot write an index entry: " + std::strerror(errno));
  }
}

void Segment::Track(const AppendedBatch& batch, uint64_t position, bool write_index) {
  if (bytes_since_index_ >= index_interval_bytes_) {
    offset_index_.push_back({batch.base_offset, static_cast<uint32_t>(position)});
    char entry[kTimeEntrySize];
    StoreBig<int32_t>(entry, static_cast<int32_t>(batch.base_offset - base_offset_));
    StoreBig<uint32_t>(entry + 4, static_cast<uint32_t>(position));
    if (write_index) WriteIndexEntry(index_fd_, index_file_size_, entry, kOffsetEntrySize);
    if (max_timestamp_ >= 0 && (time_index_.empty() || time_index_.back().timestamp < max_timestamp_)) {
      time_index_.push_back({max_timestamp_, batch.base_offset});
      StoreBig<int64_t>(entry, max_timestamp_);
      StoreBig<int32_t>(entry + 8, static_cast<int32_t>(batch.base_offset - base_offset_));
      if (write_index) WriteIndexEntry(time_index_fd_, time_index_file_size_, entry, kTimeEntrySize);
    }
    bytes_since_index_ = 0;
  }
  bytes_since_index_ += batch.size;
  next_offset_ = batch.next_offset;
  max_timestamp_ = std::max(max_timestamp_, batch.max_timestamp);
}

void Segment::Append(std::span<const iovec> parts, std::span<const AppendedBatch> batches) {
  uint64_t at = size_;
  std::vector<iovec> rest(parts.begin(), parts.end());
  size_t first = 0;
  for (;;) {
    while (first < rest.size() && rest[first].iov_len == 0) ++first;  // a batch without records has no body
    if (first == rest.size()) break;
    const int count = static_cast<int>(std::min<size_t>(rest.size() - first, IOV_MAX));
    const ssize_t n = pwritev(log_fd_, rest.data() + first, count, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      if (ftruncate(log_fd_, static_cast<off_t>(size_)) != 0) {
        // Nothing more to do: the partial bytes fail their CRC and are cut on the next open.
      }
      errno = saved;
      ThrowErrno("cannot write", log_path_);
    }
    at += static_cast<uint64_t>(n);
    size_t written = static_cast<size_t>(n);
    while (written > 0 && first < rest.size()) {
      const size_t take = std::min(written, rest[first].iov_len);
      rest[first].iov_base = static_cast<char*>(rest[first].iov_base) + take;
      rest[first].iov_len -= take;
      written -= take;
      if (rest[first].iov_len == 0) ++first;
    }
  }
  uint64_t position = size_;
  for (const AppendedBatch& b : batches) {
    Track(b, position, true);
    position += b.size;
  }
  size_ = at;
}

uint64_t Segment::LookupPosition(int64_t offset) const {
  auto it = std::upper_bound(offset_index_.begin(), offset_index_.end(), offset,
                             [](int64_t o, const OffsetEntry& e) { return o < e.offset; });
  return it == offset_index_.begin() ? 0 : std::prev(it)->position;
}

uint64_t Segment::LookupTimestamp(int64_t timestamp) const {
  auto it = std::lower_bound(time_index_.begin(), time_index_.end(), timestamp,
                             [](const TimeEntry& e, int64_t t) { return e.timestamp < t; });
  return it == time_index_.begin() ? 0 : LookupPosition(std::prev(it)->offset);
}

void Segment::ReadAt(uint64_t position, size_t size, char* out) const {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = pread(log_fd_, out + done, size - done, static_cast<off_t>(position + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("cannot read", log_path_);
    if (n == 0) throw IOError("unexpected end of " + log_path_.string() + " at byte " + std::to_string(position + done));
    done += static_cast<size_t>(n);
  }
}

void Segment::Seal() {
  if (max_timestamp_ < 0 || (!time_index_.empty() && time_index_.back().timestamp >= max_timestamp_)) return;
  time_index_.push_back({max_timestamp_, next_offset_});
  char entry[kTimeEntrySize];
  StoreBig<int64_t>(entry, max_timestamp_);
  StoreBig<int32_t>(entry + 8, static_cast<int32_t>(next_offset_ - base_offset_));
  WriteIndexEntry(time_index_fd_, time_index_file_size_, entry, kTimeEntrySize);
}

void Segment::Flush() {
  if (fdatasync(log_fd_) != 0) ThrowErrno("cannot flush", log_path_);
  fdatasync(index_fd_);
  fdatasync(time_index_fd_);
}

void Segment::DeleteFiles() {
  std::error_code ignored;
  for (std::string_view ext : {".log", ".index", ".timeindex"}) std::filesystem::remove(PathFor(ext), ignored);
}

void Segment::CommitSuffix(std::string_view suffix) {
  const std::string old_suffix = suffix_;
  suffix_.clear();
  std::error_code ignored;
  std::filesystem::remove(PathFor(".index"), ignored);
  std::filesystem::remove(PathFor(".timeindex"), ignored);
  // The log first, then the time index, then the offset index: a crash in between leaves a new log with no
  // offset index (rebuilt by the scan on open) and never an index of the old log beside the new one.
  for (std::string_view ext : {".log", ".timeindex", ".index"}) {
    const std::filesystem::path from = dir_ / (SegmentFileName(base_offset_, ext) + old_suffix);
    std::filesystem::rename(from, PathFor(ext));
  }
  log_path_ = PathFor(".log");
}

SegmentScanner::SegmentScanner(const Segment& segment, uint64_t from, uint64_t to, bool headers_only, size_t chunk)
    : segment_(segment), position_(from), to_(to), headers_only_(headers_only), chunk_(chunk) {}

bool SegmentScanner::Next(std::string_view& batch, uint64_t& position) {
  if (position_ >= to_) return false;
  auto ensure = [&](uint64_t bytes) {
    if (position_ >= buffer_start_ && position_ + bytes <= buffer_start_ + buffer_.size()) return;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(std::max<uint64_t>(chunk_, bytes), to_ - position_));
    buffer_.resize(n);
    segment_.ReadAt(position_, n, buffer_.data());
    buffer_start_ = position_;
  };
  if (to_ - position_ < batch_layout::kLogOverhead) {
    stopped_early_ = true;
    return false;
  }
  ensure(batch_layout::kLogOverhead);
  const int32_t length = LoadBig<int32_t>(buffer_.data() + (position_ - buffer_start_) + batch_layout::kBatchLength);
  const uint64_t size = static_cast<uint64_t>(length) + batch_layout::kLogOverhead;
  if (length < static_cast<int32_t>(batch_layout::kHeaderSize - batch_layout::kLogOverhead) || size > to_ - position_) {
    stopped_early_ = true;
    return false;
  }
  const size_t yielded = headers_only_ ? batch_layout::kHeaderSize : static_cast<size_t>(size);
  ensure(yielded);
  batch = std::string_view(buffer_.data() + (position_ - buffer_start_), yielded);
  position = position_;
  position_ += size;
  return true;
}

}  // namespace basin::log
