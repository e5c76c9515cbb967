#include "stream/state_store.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <filesystem>

#include "common/exception.h"

namespace basin::stream {

namespace {

rocksdb::Slice ToSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

void Check(const rocksdb::Status& status, const std::string& dir, const char* what) {
  if (!status.ok()) throw IOError("stream state \"" + dir + "\": " + what + ": " + status.ToString());
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

StateBatch::StateBatch(StateStore& store)
    : store_(&store),
      batch_(std::make_shared<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                            /*overwrite_key=*/true)) {}
StateBatch::~StateBatch() = default;
StateBatch::StateBatch(StateBatch&&) noexcept = default;

StateBatch StateBatch::Prefixed(const std::string& prefix) const {
  return StateBatch(store_, batch_, prefix_ + prefix);
}

std::optional<std::string> StateBatch::Get(std::string_view key) const {
  std::string value;
  const std::string full = prefix_ + std::string(key);
  rocksdb::Status status =
      batch_->GetFromBatchAndDB(store_->db_.get(), rocksdb::ReadOptions(), ToSlice(full), &value);
  if (status.IsNotFound()) return std::nullopt;
  Check(status, store_->dir_, "read");
  return value;
}

void StateBatch::Put(std::string_view key, std::string_view value) {
  Check(batch_->Put(ToSlice(prefix_ + std::string(key)), ToSlice(value)), store_->dir_, "write");
}

void StateBatch::Delete(std::string_view key) {
  Check(batch_->Delete(ToSlice(prefix_ + std::string(key))), store_->dir_, "delete");
}

void StateBatch::Scan(std::string_view begin, std::string_view end,
                      const std::function<bool(std::string_view, std::string_view)>& visit) const {
  rocksdb::ReadOptions options;
  const std::string first = prefix_ + std::string(begin), last = prefix_ + std::string(end);
  const rocksdb::Slice upper = ToSlice(last);
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(batch_->NewIteratorWithBase(store_->db_->NewIterator(options)));
  for (it->Seek(ToSlice(first)); it->Valid(); it->Next()) {
    rocksdb::Slice key = it->key();
    // The batch's own entries are not bounded by iterate_upper_bound.
    if (key.compare(upper) >= 0) break;
    key.remove_prefix(prefix_.size());
    const rocksdb::Slice value = it->value();
    if (!visit(std::string_view(key.data(), key.size()), std::string_view(value.data(), value.size()))) break;
  }
  Check(it->status(), store_->dir_, "scan");
}

size_t StateBatch::SizeInBytes() const {
  return batch_->GetWriteBatch()->GetDataSize();
}

StateStore::StateStore(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IOError("cannot create stream state folder \"" + dir + "\": " + ec.message());
  rocksdb::Options options;
  options.create_if_missing = true;
  // A job is one thread; a few background threads are enough for flushes and compactions.
  options.IncreaseParallelism(2);
  options.max_open_files = 256;
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::Open(options, dir, &db), dir, "open");
  db_.reset(db);
}

StateStore::~StateStore() {
  if (db_) db_->Close().PermitUncheckedError();
}

std::optional<std::string> StateStore::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  Check(status, dir_, "read");
  return value;
}

void StateStore::Put(std::string_view key, std::string_view value) {
  Check(db_->Put(Synced(), ToSlice(key), ToSlice(value)), dir_, "write");
}

void StateStore::Commit(StateBatch& batch) {
  Check(db_->Write(Synced(), batch.batch_->GetWriteBatch()), dir_, "commit");
  batch.batch_->Clear();
}

int64_t StateStore::SizeInBytes() const {
  uint64_t sst = 0, memtables = 0;
  db_->GetIntProperty(rocksdb::DB::Properties::kTotalSstFilesSize, &sst);
  db_->GetIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &memtables);
  return static_cast<int64_t>(sst + memtables);
}

void StateStore::Destroy(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) throw IOError("cannot remove stream state folder \"" + dir + "\": " + ec.message());
}

}  // namespace basin::stream
