#include "formats/parquet/parquet_writer.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>
#include <utility>

#include "common/exception.h"
#include "formats/parquet/parquet_column_writer_internal.h"
#include "formats/parquet/parquet_compression_internal.h"
#include "formats/parquet/parquet_encoding_internal.h"
#include "formats/parquet/thrift_compact.h"

namespace basin::parquet {

std::optional<CompressionCodec> CodecFromName(const std::string& name) {
  if (name == "zstd") return CompressionCodec::kZstd;
  if (name == "snappy") return CompressionCodec::kSnappy;
  if (name == "gzip") return CompressionCodec::kGzip;
  if (name == "lz4" || name == "lz4_raw") return CompressionCodec::kLz4Raw;
  if (name == "uncompressed" || name == "none") return CompressionCodec::kUncompressed;
  return std::nullopt;
}

/// threads > 1: the caller gathers row groups as spans of chunks; a full row group's columns are encoded as
/// separate tasks, taken in order by the writer's threads and by the caller while it waits, and the caller
/// writes finished row groups in file order. Row groups rotate through a few slots, each with its own column
/// writers, so that several are encoded at once and the threads never wait for one row group's slowest
/// column. The threads live from the first full row group to Close (or the writer's end).
class ParquetWriter::Pipeline {
 public:
  explicit Pipeline(ParquetWriter& writer)
      : writer_(writer),
        // Enough row groups in flight that every thread has a column to encode, another one so that no
        // thread waits for the oldest group's slowest column, and the one being gathered.
        slots_((static_cast<size_t>(writer.options_.threads) + writer.types_.size() - 1) /
                   std::max<size_t>(writer.types_.size(), 1) +
               2),
        cost_(writer.types_.size(), 0) {}

  ~Pipeline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void Add(std::shared_ptr<const DataChunk> chunk) {
    if (error_) std::rethrow_exception(error_);
    const size_t group_size = writer_.options_.row_group_size;
    for (size_t offset = 0; offset < chunk->size();) {
      if (!gathering_) gathering_ = FreeGroup();
      const size_t n = std::min(chunk->size() - offset, group_size - gathering_->rows);
      gathering_->spans.push_back({chunk, offset, n});
      gathering_->rows += n;
      offset += n;
      if (gathering_->rows == group_size) Submit(std::exchange(gathering_, nullptr));
    }
    // Write what is done already, which frees its memory early.
    while (!in_flight_.empty() && Finished(in_flight_.front())) WriteOldest();
  }

  /// Encode the partial row group and write every row group left.
  void Finish() {
    if (error_) std::rethrow_exception(error_);
    if (gathering_ && gathering_->rows > 0) Submit(std::exchange(gathering_, nullptr));
    while (!in_flight_.empty()) WriteOldest();
  }

 private:
  struct Span {
    std::shared_ptr<const DataChunk> chunk;
    size_t offset, count;
  };
  struct Group {
    std::vector<Span> spans;
    size_t rows = 0;
    std::vector<std::unique_ptr<ColumnWriter>> columns;
    std::vector<EncodedChunk> chunks;
    std::vector<std::exception_ptr> errors;  // per column
    size_t pending = 0;                      // column tasks not yet done; guarded by mutex_
  };
  struct Task {
    Group* group;
    size_t column;
  };

  Group* FreeGroup() {
    if (free_.empty() && groups_.size() < slots_) {
      auto group = std::make_unique<Group>();
      group->columns = writer_.MakeColumnWriters();
      group->chunks.resize(group->columns.size());
      group->errors.resize(group->columns.size());
      groups_.push_back(std::move(group));
      return groups_.back().get();
    }
    if (free_.empty()) WriteOldest();
    Group* group = free_.back();
    free_.pop_back();
    return group;
  }

  /// Queue the group's column tasks, the columns that took longest last time first.
  void Submit(Group* group) {
    std::vector<size_t> order(group->columns.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cost_[a] > cost_[b]; });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      group->pending = order.size();
      for (size_t c : order) queue_.push_back({group, c});
    }
    in_flight_.push_back(group);
    if (workers_.empty()) {
      for (int i = 1; i < writer_.options_.threads; ++i) workers_.emplace_back([this] { Work(); });
    }
    cv_.notify_all();
  }

  bool Finished(Group* group) {
    std::lock_guard<std::mutex> lock(mutex_);
    return group->pending == 0;
  }

  /// Wait for the oldest group in flight, running queued tasks meanwhile, and write it.
  void WriteOldest() {
    Group* group = in_flight_.front();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (group->pending > 0) {
        if (queue_.empty()) {
          cv_.wait(lock);
        } else {
          RunNext(lock);
        }
      }
    }
    in_flight_.pop_front();
    for (std::exception_ptr& e : group->errors) {
      if (e && !error_) error_ = e;
      e = nullptr;
    }
    if (error_) std::rethrow_exception(error_);
    for (size_t c = 0; c < cost_.size(); ++c) cost_[c] = group->chunks[c].meta.total_uncompressed_size;
    writer_.WriteRowGroup(group->chunks, group->rows);
    group->spans.clear();
    group->rows = 0;
    free_.push_back(group);
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      RunNext(lock);
    }
  }

  /// Take the next task and run it with `lock` (on mutex_) released.
  void RunNext(std::unique_lock<std::mutex>& lock) {
    const Task task = queue_.front();
    queue_.pop_front();
    lock.unlock();
    Run(task);
    lock.lock();
    --task.group->pending;
    cv_.notify_all();
  }

  /// Encode one column of a group. Errors are kept for the caller: none crosses the thread.
  static void Run(const Task& task) {
    Group& g = *task.group;
    ColumnWriter& column = *g.columns[task.column];
    try {
      for (const Span& span : g.spans)
        column.Append(span.chunk->column(task.column), span.offset, span.count);
      column.FinishChunk(g.chunks[task.column]);
    } catch (...) {
      g.errors[task.column] = std::current_exception();
    }
  }

  ParquetWriter& writer_;
  const size_t slots_;
  std::vector<int64_t> cost_;  // per column: the last chunk's uncompressed size
  std::exception_ptr error_;   // an encoding error: the file cannot be completed
  // The caller's: the groups, those free, the one being gathered and those submitted (oldest first).
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<Group*> free_;
  Group* gathering_ = nullptr;
  std::deque<Group*> in_flight_;
  // Shared with the threads.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

ParquetWriter::ParquetWriter(std::string path, std::vector<std::string> names, std::vector<LogicalType> types,
                             std::vector<int32_t> field_ids, ParquetWriterOptions options)
    : path_(std::move(path)),
      names_(std::move(names)),
      types_(std::move(types)),
      options_(std::move(options)) {
  if (names_.size() != types_.size() || (!field_ids.empty() && field_ids.size() != types_.size()) ||
      (!options_.required.empty() && options_.required.size() != types_.size()) ||
      (!options_.list_elements.empty() && options_.list_elements.size() != types_.size())) {
    throw InternalError(
        "ParquetWriter: names, types, field ids, required flags and list elements differ in count");
  }
  if (!CodecSupported(options_.codec))
    throw NotImplementedError("Parquet codec " + CodecName(options_.codec) + " is not supported");
  options_.row_group_size = std::max<size_t>(options_.row_group_size, 1);
  if (options_.dictionary_value_limit == 0)
    options_.dictionary_value_limit = std::max<size_t>(options_.row_group_size / 10, 1);
  options_.threads = std::max(options_.threads, 1);
  options_.required.resize(types_.size(), false);
  options_.list_elements.resize(types_.size());
  field_ids.resize(types_.size(), -1);
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(types_.size());
  metadata_.schema.push_back(root);
  for (size_t i = 0; i < types_.size(); ++i) {
    const ColumnSpec spec{names_[i], types_[i], field_ids[i], options_.required[i],
                          options_.list_elements[i]};
    columns_.push_back(MakeColumnWriter(spec, options_, path_, &metadata_.schema));
  }
  if (options_.threads > 1) {
    columns_.clear();  // each row group in flight has its own
    pipeline_ = std::make_unique<Pipeline>(*this);
  } else {
    encoded_.resize(columns_.size());
  }
  metadata_.created_by = options_.created_by;
  metadata_.key_value_metadata = options_.key_value_metadata;
  metadata_.type_defined_column_orders = true;
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IOError("cannot create Parquet file " + path_ + ": " + std::strerror(errno));
  WriteBytes("PAR1");
}

ParquetWriter::~ParquetWriter() = default;

std::vector<std::unique_ptr<ColumnWriter>> ParquetWriter::MakeColumnWriters() const {
  std::vector<std::unique_ptr<ColumnWriter>> writers;
  for (size_t c = 0; c < types_.size(); ++c) {
    const ColumnSpec spec{names_[c], types_[c], -1, options_.required[c], options_.list_elements[c]};
    writers.push_back(MakeColumnWriter(spec, options_, path_, nullptr));
  }
  return writers;
}

void ParquetWriter::CheckChunk(const DataChunk& chunk) const {
  if (closed_) throw InternalError("ParquetWriter: write after Close");
  if (chunk.ColumnCount() != types_.size())
    throw InternalError("ParquetWriter: chunk has wrong column count");
  // NULLs in REQUIRED columns fail the write before any of the chunk's rows is taken.
  auto null_in = [&](size_t c, bool element) {
    throw ConstraintError(element ? "NULL element in list column \"" + names_[c] +
                                        "\", whose elements are required, written to Parquet file " + path_
                                  : "NULL in required column \"" + names_[c] + "\" written to Parquet file " +
                                        path_);
  };
  for (size_t c = 0; c < types_.size(); ++c) {
    const Vector& v = chunk.column(c);
    if (options_.required[c] && (!v.validity().AllValid() || v.IsConstant())) {
      for (size_t r = 0; r < chunk.size(); ++r) {
        if (v.IsNull(r)) null_in(c, false);
      }
    }
    if (types_[c].id() != TypeId::kList || !options_.list_elements[c].required ||
        v.child().validity().AllValid())
      continue;
    const auto* entries = v.data<list_entry_t>();
    for (size_t r = 0; r < (v.IsConstant() ? 1 : chunk.size()); ++r) {
      if (v.IsNull(r)) continue;
      for (uint64_t i = entries[r].offset; i < entries[r].offset + entries[r].length; ++i) {
        if (v.child().IsNull(i)) null_in(c, true);
      }
    }
  }
}

void ParquetWriter::WriteChunk(const DataChunk& chunk) {
  CheckChunk(chunk);
  if (chunk.size() == 0) return;
  if (pipeline_) {
    // A copy: the caller reuses its chunk, the encoder reads this one later.
    auto copy = std::make_shared<DataChunk>(chunk.Types(), std::max(chunk.size(), kVectorSize));
    copy->Append(chunk);
    pipeline_->Add(std::move(copy));
  } else {
    EncodeRows(chunk);
  }
  rows_accepted_ += static_cast<int64_t>(chunk.size());
}

void ParquetWriter::WriteChunk(std::shared_ptr<const DataChunk> chunk) {
  CheckChunk(*chunk);
  const size_t rows = chunk->size();
  if (rows == 0) return;
  if (pipeline_) {
    pipeline_->Add(std::move(chunk));
  } else {
    EncodeRows(*chunk);
  }
  rows_accepted_ += static_cast<int64_t>(rows);
}

void ParquetWriter::EncodeRows(const DataChunk& chunk) {
  for (size_t offset = 0; offset < chunk.size();) {
    const size_t n = std::min(chunk.size() - offset, options_.row_group_size - group_rows_);
    for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->Append(chunk.column(c), offset, n);
    group_rows_ += n;
    offset += n;
    if (group_rows_ == options_.row_group_size) FinishRowGroup();
  }
}

void ParquetWriter::FinishRowGroup() {
  for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->FinishChunk(encoded_[c]);
  WriteRowGroup(encoded_, group_rows_);
  group_rows_ = 0;
}

void ParquetWriter::WriteRowGroup(std::vector<EncodedChunk>& chunks, size_t rows) {
  RowGroup group;
  group.num_rows = static_cast<int64_t>(rows);
  group.file_offset = offset_;
  group.ordinal = static_cast<int16_t>(metadata_.row_groups.size());
  int64_t compressed = 0;
  std::vector<ChunkPageIndex>& indexes = page_indexes_.emplace_back(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c) {
    EncodedChunk& chunk = chunks[c];
    ColumnChunk cc;
    cc.file_offset = offset_;
    chunk.Place(offset_);
    WriteBytes(chunk.dictionary_page);
    WriteBytes(chunk.data_pages);
    group.total_byte_size += chunk.meta.total_uncompressed_size;
    compressed += chunk.meta.total_compressed_size;
    cc.meta_data = std::move(chunk.meta);
    indexes[c] = std::move(chunk.index);
    group.columns.push_back(std::move(cc));
  }
  group.total_compressed_size = compressed;
  metadata_.row_groups.push_back(std::move(group));
  metadata_.num_rows += static_cast<int64_t>(rows);
}

void ParquetWriter::WriteBytes(std::string_view bytes) {
  out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_) throw IOError("cannot write Parquet file " + path_ + ": " + std::strerror(errno));
  offset_ += static_cast<int64_t>(bytes.size());
}

void ParquetWriter::Close() {
  if (closed_) return;
  if (pipeline_) {
    pipeline_->Finish();
    pipeline_.reset();
  } else if (group_rows_ > 0) {
    FinishRowGroup();
  }
  WritePageIndexes();
  CompactWriter w;
  Write(w, metadata_);
  std::string tail = w.Release();
  AppendLittleEndian<uint32_t>(static_cast<uint32_t>(tail.size()), tail);
  tail += "PAR1";
  WriteBytes(tail);
  out_.close();
  if (!out_) throw IOError("cannot close Parquet file " + path_ + ": " + std::strerror(errno));
  closed_ = true;
}

void ParquetWriter::WritePageIndexes() {
  // PageIndex.md: all column indexes, then all offset indexes, between the last row group and the footer.
  auto write = [&](const auto& index, std::optional<int64_t>& offset, std::optional<int32_t>& length) {
    CompactWriter w;
    Write(w, index);
    offset = offset_;
    length = static_cast<int32_t>(w.data().size());
    WriteBytes(w.data());
  };
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < types_.size(); ++c) {
      ColumnChunk& cc = metadata_.row_groups[g].columns[c];
      if (page_indexes_[g][c].column)
        write(*page_indexes_[g][c].column, cc.column_index_offset, cc.column_index_length);
    }
  }
  for (size_t g = 0; g < page_indexes_.size(); ++g) {
    for (size_t c = 0; c < types_.size(); ++c) {
      ColumnChunk& cc = metadata_.row_groups[g].columns[c];
      write(page_indexes_[g][c].offset, cc.offset_index_offset, cc.offset_index_length);
    }
  }
  page_indexes_.clear();
}

}  // namespace basin::parquet
