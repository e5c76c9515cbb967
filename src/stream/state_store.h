#pragma once

// Operator state of a continuous query, in RocksDB: one database per job under DATA/state/<job>/, so state
// larger than memory works and survives kill -9 (RocksDB's write-ahead log). A job changes its state one
// epoch at a time, through a StateBatch that it reads through (its own changes over the store's) and
// commits at once with the epoch's offsets: the checkpoint.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rocksdb {
class DB;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace basin::stream {

class StateStore;

/// Changes to a StateStore made visible together by StateStore::Commit. Reads see the batch's changes over
/// the store's committed state. One thread at a time.
class StateBatch {
 public:
  explicit StateBatch(StateStore& store);
  ~StateBatch();
  StateBatch(StateBatch&&) noexcept;
  StateBatch& operator=(StateBatch&&) = delete;

  /// The same changes seen under `prefix`: every key it reads, writes or scans is `prefix` + key (a view's
  /// stages keep their state apart this way), and scans hand back keys without it.
  StateBatch Prefixed(const std::string& prefix) const;

  [[nodiscard]] std::optional<std::string> Get(std::string_view key) const;
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  /// Visit the keys in [begin, end) in order, with their values; `visit` returns false to stop.
  void Scan(std::string_view begin, std::string_view end,
            const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  /// Bytes of changes held.
  size_t SizeInBytes() const;

 private:
  friend class StateStore;
  StateBatch(StateStore* store, std::shared_ptr<rocksdb::WriteBatchWithIndex> batch, std::string prefix)
      : store_(store), batch_(std::move(batch)), prefix_(std::move(prefix)) {}

  StateStore* store_;
  std::shared_ptr<rocksdb::WriteBatchWithIndex> batch_;  // shared with Prefixed views
  std::string prefix_;
};

/// A RocksDB database in a folder, created when missing. Throws IOError naming the folder when it cannot be
/// opened (another process holds it, damage). Thread-safe, as RocksDB is.
class StateStore {
 public:
  explicit StateStore(const std::string& dir);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  const std::string& dir() const { return dir_; }
  [[nodiscard]] std::optional<std::string> Get(std::string_view key) const;
  /// Write one key durably now (synced).
  void Put(std::string_view key, std::string_view value);
  /// Apply every change of `batch` atomically and durably (synced), then empty it.
  void Commit(StateBatch& batch);
  /// Bytes the state takes on disk (RocksDB's live SST files and memtables), an estimate.
  int64_t SizeInBytes() const;

  /// Remove a closed store's folder and everything in it.
  static void Destroy(const std::string& dir);

 private:
  friend class StateBatch;
  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace basin::stream
