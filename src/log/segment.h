#pragma once

// One segment of a partition: `<base offset, 20 digits>.log` holding batches as produced (base offset and
// leader epoch set by the log), `.index` (sparse: relative offset int32 + position int32 per entry, every
// index.interval.bytes) and `.timeindex` (timestamp int64 + relative offset int32 per entry: every batch
// before that offset has a max timestamp at most the entry's), big-endian as Kafka writes them. The indexes
// also live in memory.
//
// Threads: the owning Partition mutates a segment (Append, Truncate, Seal) and reads its index under the
// partition's lock; ReadAt and the scanners may run on any thread without it, on bytes below a size read
// under the lock. The files close when the last reference goes, so a reader keeps a deleted segment readable.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/record_batch.h"

struct iovec;

namespace basin::log {

/// What the indexes need of an appended batch.
struct AppendedBatch {
  int64_t base_offset;
  int64_t next_offset;
  int64_t max_timestamp;
  uint32_t size;
};

/// The file name of a segment or index with base `offset`: 20 digits, then `extension` (".log").
std::string SegmentFileName(int64_t offset, std::string_view extension);

class Segment {
 public:
  /// Create an empty segment in `dir` (replacing stale files of the same base), `suffix` appended to every
  /// file name (".cleaned" while compaction writes a replacement).
  static std::shared_ptr<Segment> Create(const std::filesystem::path& dir, int64_t base_offset, int64_t now_ms,
                                         uint32_t index_interval_bytes, std::string_view suffix = "");
  /// Open an existing segment: load its indexes (rebuilt from the log when missing or damaged) and scan the
  /// log after the last index entry to find its end. With `recover` (the last segment after a restart), that
  /// scan checks every batch's CRC and truncates the file at the first torn or corrupt one, logging how many
  /// bytes were cut.
  static std::shared_ptr<Segment> Open(const std::filesystem::path& dir, int64_t base_offset, bool recover,
                                       uint32_t index_interval_bytes);
  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  int64_t base_offset() const { return base_offset_; }
  /// Bytes of whole batches in the log file.
  uint64_t size() const { return size_; }
  /// The offset after the last batch (the base offset when empty).
  int64_t next_offset() const { return next_offset_; }
  /// The largest batch max timestamp (kNoTimestamp when there is none).
  int64_t max_timestamp() const { return max_timestamp_; }
  /// When the segment was created (or the log file last modified, for an opened one): roll by age.
  int64_t created_ms() const { return created_ms_; }
  /// For retention by time: the max timestamp, or the file time when no batch has one.
  int64_t retention_timestamp() const { return max_timestamp_ >= 0 ? max_timestamp_ : created_ms_; }
  bool empty() const { return size_ == 0; }
  const std::filesystem::path& log_path() const { return log_path_; }

  /// Write `parts` (whole batches, described by `batches`) at the end of the log with one pwritev, then
  /// add index entries. Throws IOError, leaving the segment as it was.
  void Append(std::span<const iovec> parts, std::span<const AppendedBatch> batches);
  /// Position to start scanning from for the batch holding `offset`.
  uint64_t LookupPosition(int64_t offset) const;
  /// Position to start scanning from for the first batch whose max timestamp is >= `timestamp`.
  uint64_t LookupTimestamp(int64_t timestamp) const;

  /// Read `size` bytes at `position` into `out`; throws IOError when the file is shorter.
  void ReadAt(uint64_t position, size_t size, char* out) const;

  /// Add the closing time-index entry; called when the segment stops being the active one.
  void Seal();
  /// fdatasync the log and its indexes.
  void Flush();
  /// Remove the files (open descriptors stay readable).
  void DeleteFiles();
  /// Rename the files to drop `suffix` (a cleaned segment replacing the original). The original's index files
  /// are removed first, so a crash in between leaves a log whose indexes are rebuilt on open.
  void CommitSuffix(std::string_view suffix);

 private:
  Segment(std::filesystem::path dir, int64_t base_offset, uint32_t index_interval_bytes, std::string suffix);
  struct OffsetEntry {
    int64_t offset;
    uint32_t position;
  };
  struct TimeEntry {
    int64_t timestamp;
    int64_t offset;
  };
  std::filesystem::path PathFor(std::string_view extension) const;
  void OpenFiles(bool truncate);
  bool LoadIndexes();
  void RebuildIndexes();
  void ScanTail(uint64_t from, bool recover);
  void Track(const AppendedBatch& batch, uint64_t position, bool write_index);
  void WriteIndexEntry(int fd, uint64_t& file_size, const char* bytes, size_t n);

  std::filesystem::path dir_;
  std::filesystem::path log_path_;
  int64_t base_offset_;
  uint32_t index_interval_bytes_;
  std::string suffix_;
  int log_fd_ = -1, index_fd_ = -1, time_index_fd_ = -1;
  uint64_t size_ = 0, index_file_size_ = 0, time_index_file_size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = kNoTimestamp;
  int64_t created_ms_ = 0;
  uint64_t bytes_since_index_ = 0;
  std::vector<OffsetEntry> offset_index_;
  std::vector<TimeEntry> time_index_;
};

/// Reads the batches of a segment in order, in large chunks (recovery, index rebuilds, look-ups by offset
/// and time, compaction, producer-state replay). Checks framing only.
class SegmentScanner {
 public:
  /// Scan [from, to). With `headers_only`, each batch yielded is its kHeaderSize-byte header (look-ups skip
  /// large batches without reading them).
  SegmentScanner(const Segment& segment, uint64_t from, uint64_t to, bool headers_only = false,
                 size_t chunk = 1 << 20);
  /// Set `batch` to the next batch and `position` to where it starts; false at the end or at bytes that do
  /// not frame a batch (`stopped_early()` tells which).
  bool Next(std::string_view& batch, uint64_t& position);
  bool stopped_early() const { return stopped_early_; }

 private:
  const Segment& segment_;
  uint64_t position_, to_;
  bool headers_only_;
  size_t chunk_;
  std::string buffer_;
  uint64_t buffer_start_ = 0;
  bool stopped_early_ = false;
};

}  // namespace basin::log
