#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <vector>

#include "common/exception.h"
#include "formats/parquet/parquet_compression_internal.h"

namespace basin::parquet {
namespace {

[[noreturn]] void Corrupt(const std::string& file, CompressionCodec codec, const std::string& what) {
  throw DataError(sqlstate::kBadCopyFileFormat,
                  "corrupt Parquet page in " + file + ": " + CodecName(codec) + " " + what);
}

/// Compress into `out` (grown as needed); return the compressed size.
size_t GzipCompress(const char* data, size_t size, std::vector<char>& out) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer, as Parquet's GZIP codec requires.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw InternalError("zlib deflateInit2 failed");
  const size_t bound = deflateBound(&z, size) + 32;
  if (out.size() < bound) out.resize(bound);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw InternalError("zlib deflate failed");
  return z.total_out;
}

void GzipDecompress(const char* src, size_t src_size, char* dst, size_t dst_size, const std::string& file) {
  z_stream z{};
  // 15 + 32: accept zlib or gzip headers, as other readers do.
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw InternalError("zlib inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(src));
  z.avail_in = static_cast<uInt>(src_size);
  z.next_out = reinterpret_cast<Bytef*>(dst);
  z.avail_out = static_cast<uInt>(dst_size);
  const int rc = inflate(&z, Z_FINISH);
  const size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != dst_size) Corrupt(file, CompressionCodec::kGzip, "data is corrupt");
}

}  // namespace

bool CodecSupported(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
    case CompressionCodec::kSnappy:
    case CompressionCodec::kGzip:
    case CompressionCodec::kZstd:
    case CompressionCodec::kLz4Raw:
      return true;
    default:
      return false;
  }
}

std::string CodecName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return "UNCOMPRESSED";
    case CompressionCodec::kSnappy:
      return "SNAPPY";
    case CompressionCodec::kGzip:
      return "GZIP";
    case CompressionCodec::kLzo:
      return "LZO";
    case CompressionCodec::kBrotli:
      return "BROTLI";
    case CompressionCodec::kLz4:
      return "LZ4";
    case CompressionCodec::kZstd:
      return "ZSTD";
    case CompressionCodec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "codec " + std::to_string(static_cast<int>(codec));
}

std::string_view CompressPage(CompressionCodec codec, const char* data, size_t size) {
  struct ThreadState {
    ZSTD_CCtx* zstd = nullptr;
    std::vector<char> buffer;  // only grows: once the first pages are done, a page allocates nothing
    ~ThreadState() { ZSTD_freeCCtx(zstd); }
  };
  thread_local ThreadState state;
  std::vector<char>& buffer = state.buffer;
  auto reserve = [&](size_t bound) {
    if (buffer.size() < bound) buffer.resize(bound);
    return buffer.data();
  };
  switch (codec) {
    case CompressionCodec::kUncompressed:
      return {data, size};
    case CompressionCodec::kSnappy: {
      size_t n = snappy_max_compressed_length(size);
      if (snappy_compress(data, size, reserve(n), &n) != SNAPPY_OK)
        throw InternalError("snappy compression failed");
      return {buffer.data(), n};
    }
    case CompressionCodec::kZstd: {
      if (!state.zstd && !(state.zstd = ZSTD_createCCtx()))
        throw InternalError("zstd context creation failed");
      const size_t bound = ZSTD_compressBound(size);
      const size_t n = ZSTD_compressCCtx(state.zstd, reserve(bound), bound, data, size, 3);
      if (ZSTD_isError(n))
        throw InternalError(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
      return {buffer.data(), n};
    }
    case CompressionCodec::kGzip: {
      const size_t n = GzipCompress(data, size, buffer);
      return {buffer.data(), n};
    }
    case CompressionCodec::kLz4Raw: {
      if (size > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) throw InternalError("page too large for LZ4");
      const int bound = LZ4_compressBound(static_cast<int>(size));
      const int n =
          LZ4_compress_default(data, reserve(static_cast<size_t>(bound)), static_cast<int>(size), bound);
      if (n <= 0) throw InternalError("lz4 compression failed");
      return {buffer.data(), static_cast<size_t>(n)};
    }
    default:
      throw NotImplementedError("Parquet codec " + CodecName(codec) + " is not supported");
  }
}

void Decompress(CompressionCodec codec, const char* src, size_t src_size, char* dst, size_t dst_size,
                const std::string& file) {
  switch (codec) {
    case CompressionCodec::kUncompressed:
      if (src_size != dst_size) Corrupt(file, codec, "page size does not match its header");
      if (dst_size) std::memcpy(dst, src, dst_size);
      return;
    case CompressionCodec::kSnappy: {
      size_t n = 0;
      if (snappy_uncompressed_length(src, src_size, &n) != SNAPPY_OK || n != dst_size)
        Corrupt(file, codec, "length does not match the page header");
      if (snappy_uncompress(src, src_size, dst, &n) != SNAPPY_OK || n != dst_size)
        Corrupt(file, codec, "data is corrupt");
      return;
    }
    case CompressionCodec::kZstd: {
      // A context per thread, kept: ZSTD_decompress would set up (and allocate) a fresh one per page.
      struct Context {
        ZSTD_DCtx* zstd = ZSTD_createDCtx();
        ~Context() { ZSTD_freeDCtx(zstd); }
      };
      thread_local Context context;
      if (!context.zstd) throw InternalError("zstd context creation failed");
      const size_t n = ZSTD_decompressDCtx(context.zstd, dst, dst_size, src, src_size);
      if (ZSTD_isError(n) || n != dst_size) Corrupt(file, codec, "data is corrupt");
      return;
    }
    case CompressionCodec::kGzip:
      GzipDecompress(src, src_size, dst, dst_size, file);
      return;
    case CompressionCodec::kLz4Raw: {
      if (src_size > INT_MAX || dst_size > INT_MAX) Corrupt(file, codec, "page too large");
      const int n = LZ4_decompress_safe(src, dst, static_cast<int>(src_size), static_cast<int>(dst_size));
      if (n < 0 || static_cast<size_t>(n) != dst_size) Corrupt(file, codec, "data is corrupt");
      return;
    }
    default:
      throw NotImplementedError("Parquet codec " + CodecName(codec) + " in " + file + " is not supported");
  }
}

}  // namespace basin::parquet
