// Throughput of the embedded topic log without the network: append batches of 100-byte records to one
// partition the way a Kafka broker does for a produce request (validate the batch CRC, assign offsets, write),
// then read them back the way fetches do (1 MiB reads of whole batches), with and without decoding every
// record. Prints records/s and MB/s; the targets through the Kafka protocol are 800,000 records/s
// produced and 1,000,000 consumed on a 2-core machine.
//
//   log_benchmark [--records N] [--batch RECORDS] [--value BYTES] [--codec none|lz4|zstd|...] [--dir DIR]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "log/partition.h"
#include "log/record_batch.h"

namespace {

using basin::log::BatchIterator;
using basin::log::Compression;
using basin::log::Partition;
using basin::log::ReadResult;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* what, int64_t records, uint64_t bytes, double seconds) {
  std::printf("%-34s %12.0f records/s %9.1f MB/s   (%.2f s)\n", what, records / seconds, bytes / seconds / 1e6,
              seconds);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t total_records = 5'000'000;
  int batch_records = 1000;
  size_t value_size = 100;
  Compression codec = Compression::kNone;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "basin-log-benchmark";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--records") {
      total_records = std::atoll(value.c_str());
    } else if (arg == "--batch") {
      batch_records = std::atoi(value.c_str());
    } else if (arg == "--value") {
      value_size = static_cast<size_t>(std::atoll(value.c_str()));
    } else if (arg == "--codec") {
      codec = basin::log::CompressionFromName(value).value_or(Compression::kNone);
    } else if (arg == "--dir") {
      dir = value;
    } else {
      std::fprintf(stderr, "unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  std::filesystem::remove_all(dir);

  // Distinct batches, so that each append checks a CRC over fresh bytes, as a broker does.
  std::vector<std::string> batches;
  uint64_t stored_bytes = 0;
  for (int b = 0; b < 16; ++b) {
    basin::log::BatchOptions options;
    options.compression = codec;
    basin::log::RecordBatchBuilder builder(options);
    std::string value(value_size, 'x');
    for (int r = 0; r < batch_records; ++r) {
      std::snprintf(value.data(), value.size(), "record %d of batch %d", r, b);
      builder.Append(1'700'000'000'000 + r, std::nullopt, value);
    }
    batches.push_back(builder.Build());
  }
  const int64_t appends = total_records / batch_records;
  std::printf("log benchmark: %lld records of %zu bytes, batches of %d records (%zu bytes, %s), one partition\n",
              static_cast<long long>(appends * batch_records), value_size, batch_records, batches[0].size(),
              basin::log::CompressionName(codec));

  basin::log::TopicConfig config;
  auto partition = Partition::Open(dir / "bench" / "0", "bench-0", config, nullptr);
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < appends; ++i) {
    const std::string& batch = batches[static_cast<size_t>(i) % batches.size()];
    partition->Append(batch);
    stored_bytes += batch.size();
  }
  Report("append (1 thread, written)", appends * batch_records, stored_bytes, Seconds(start));
  start = std::chrono::steady_clock::now();
  partition->Flush();
  std::printf("%-34s %.2f s\n", "fsync of the segment", Seconds(start));

  for (bool decode : {false, true}) {
    start = std::chrono::steady_clock::now();
    int64_t offset = 0, records = 0;
    uint64_t bytes = 0;
    ReadResult result;
    basin::log::RecordReader reader;
    basin::log::Record record;
    while (offset < partition->high_watermark()) {
      partition->Read(offset, 1 << 20, result);
      bytes += result.records.size();
      BatchIterator it(result.records);
      std::string_view batch;
      while (it.Next(batch)) {
        const basin::log::BatchHeader h = basin::log::DecodeBatchHeader(batch.data());
        if (decode) {
          reader.Reset(batch);
          while (reader.Next(record)) ++records;
        } else {
          records += h.records_count;
        }
        offset = h.next_offset();
      }
    }
    Report(decode ? "read 1 MiB fetches + decode records" : "read 1 MiB fetches (page cache)", records, bytes,
           Seconds(start));
  }
  partition->Close();
  partition.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
