#include "log/compression.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "common/exception.h"

namespace basin::log {
namespace {

// snappy-java's stream header: magic, then version and minimum compatible version (int32 big-endian).
constexpr char kXerialMagic[8] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0'};
constexpr size_t kXerialHeaderSize = 16;
constexpr size_t kXerialBlockSize = 32 * 1024;  // snappy-java's default block

[[noreturn]] void Corrupt(Compression codec, const std::string& what, const std::string& detail) {
  throw DataError(sqlstate::kDataCorrupted,
                  std::string(CompressionName(codec)) + " data of " + what + " is corrupt: " + detail);
}

void CheckLimit(Compression codec, size_t size, size_t max_size, const std::string& what) {
  if (size > max_size)
    Corrupt(codec, what, "decompresses to more than " + std::to_string(max_size) + " bytes");
}

uint32_t LoadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

void AppendBigEndian32(std::string& out, uint32_t v) {
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                         static_cast<char>(v)};
  out.append(bytes, 4);
}

// Grow `out` by at least `want` bytes (capped by the limit) and return the free tail.
char* Grow(std::string& out, size_t used, size_t want) {
  out.resize(used + want);
  return out.data() + used;
}

void GzipCompress(std::string_view input, std::string& out) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer, as Kafka's GZIP codec (java.util.zip.GZIPOutputStream).
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw InternalError("zlib deflateInit2 failed");
  const size_t start = out.size();
  out.resize(start + deflateBound(&z, input.size()) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  z.avail_out = static_cast<uInt>(out.size() - start);
  const int rc = deflate(&z, Z_FINISH);
  const size_t produced = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw InternalError("zlib deflate failed");
  out.resize(start + produced);
}

void GzipDecompress(std::string_view input, std::string& out, size_t max_size, const std::string& what) {
  z_stream z{};
  // 15 + 32: gzip or zlib headers.
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw InternalError("zlib inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  const size_t start = out.size();
  size_t used = start;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  for (;;) {
    const size_t want = std::max<size_t>(input.size() * 3, 4096);
    z.next_out = reinterpret_cast<Bytef*>(Grow(out, used, want));
    z.avail_out = static_cast<uInt>(want);
    const int rc = inflate(&z, Z_NO_FLUSH);
    used = out.size() - z.avail_out;
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members decode one after another, as GZIPInputStream reads them.
      if (z.avail_in == 0) break;
      if (inflateReset(&z) != Z_OK) Corrupt(Compression::kGzip, what, "bad member");
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) Corrupt(Compression::kGzip, what, z.msg ? z.msg : "inflate failed");
    if (rc == Z_BUF_ERROR && z.avail_in == 0) Corrupt(Compression::kGzip, what, "truncated stream");
    CheckLimit(Compression::kGzip, used - start, max_size, what);
  }
  out.resize(used);
  CheckLimit(Compression::kGzip, used - start, max_size, what);
}

void SnappyRawDecompress(const char* src, size_t size, std::string& out, size_t start, size_t max_size,
                         const std::string& what) {
  size_t n = 0;
  if (snappy_uncompressed_length(src, size, &n) != SNAPPY_OK) Corrupt(Compression::kSnappy, what, "bad length");
  CheckLimit(Compression::kSnappy, out.size() - start + n, max_size, what);
  const size_t used = out.size();
  out.resize(used + n);
  if (snappy_uncompress(src, size, out.data() + used, &n) != SNAPPY_OK)
    Corrupt(Compression::kSnappy, what, "bad block");
  out.resize(used + n);
}

void SnappyCompress(std::string_view input, std::string& out) {
  out.append(kXerialMagic, sizeof(kXerialMagic));
  AppendBigEndian32(out, 1);  // version
  AppendBigEndian32(out, 1);  // minimum compatible version
  for (size_t at = 0; at < input.size(); at += kXerialBlockSize) {
    const size_t block = std::min(kXerialBlockSize, input.size() - at);
    size_t n = snappy_max_compressed_length(block);
    const size_t length_at = out.size();
    out.resize(length_at + 4 + n);
    if (snappy_compress(input.data() + at, block, out.data() + length_at + 4, &n) != SNAPPY_OK)
      throw InternalError("snappy compression failed");
    out.resize(length_at + 4 + n);
    const uint32_t length = static_cast<uint32_t>(n);
    out[length_at] = static_cast<char>(length >> 24);
    out[length_at + 1] = static_cast<char>(length >> 16);
    out[length_at + 2] = static_cast<char>(length >> 8);
    out[length_at + 3] = static_cast<char>(length);
  }
}

void SnappyDecompress(std::string_view input, std::string& out, size_t max_size, const std::string& what) {
  const size_t start = out.size();
  if (input.size() < kXerialHeaderSize || std::memcmp(input.data(), kXerialMagic, sizeof(kXerialMagic)) != 0) {
    SnappyRawDecompress(input.data(), input.size(), out, start, max_size, what);  // librdkafka's raw block
    return;
  }
  size_t at = kXerialHeaderSize;
  while (at < input.size()) {
    if (input.size() - at < 4) Corrupt(Compression::kSnappy, what, "truncated xerial block length");
    const uint32_t length = LoadBigEndian32(input.data() + at);
    at += 4;
    if (length > input.size() - at) Corrupt(Compression::kSnappy, what, "xerial block past the end");
    SnappyRawDecompress(input.data() + at, length, out, start, max_size, what);
    at += length;
  }
}

void Lz4Compress(std::string_view input, std::string& out) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.blockSizeID = LZ4F_max64KB;  // Kafka's block size
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;
  preferences.frameInfo.contentSize = input.size();
  const size_t start = out.size();
  out.resize(start + LZ4F_compressFrameBound(input.size(), &preferences));
  const size_t n =
      LZ4F_compressFrame(out.data() + start, out.size() - start, input.data(), input.size(), &preferences);
  if (LZ4F_isError(n)) throw InternalError(std::string("lz4 compression failed: ") + LZ4F_getErrorName(n));
  out.resize(start + n);
}

void Lz4Decompress(std::string_view input, std::string& out, size_t max_size, const std::string& what) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
    throw InternalError("lz4 context creation failed");
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> context(raw, LZ4F_freeDecompressionContext);
  const size_t start = out.size();
  size_t used = start;
  size_t at = 0;
  size_t hint = 1;
  while (at < input.size()) {
    const size_t want = std::max<size_t>(input.size() * 3, 64 * 1024);
    char* dst = Grow(out, used, want);
    size_t dst_size = want;
    size_t src_size = input.size() - at;
    hint = LZ4F_decompress(context.get(), dst, &dst_size, input.data() + at, &src_size, nullptr);
    if (LZ4F_isError(hint)) Corrupt(Compression::kLz4, what, LZ4F_getErrorName(hint));
    at += src_size;
    used += dst_size;
    CheckLimit(Compression::kLz4, used - start, max_size, what);
    if (src_size == 0 && dst_size == 0) break;
  }
  // Flush what the context still holds once the input is consumed.
  while (hint != 0) {
    const size_t want = 64 * 1024;
    char* dst = Grow(out, used, want);
    size_t dst_size = want;
    size_t src_size = 0;
    hint = LZ4F_decompress(context.get(), dst, &dst_size, nullptr, &src_size, nullptr);
    if (LZ4F_isError(hint)) Corrupt(Compression::kLz4, what, LZ4F_getErrorName(hint));
    used += dst_size;
    CheckLimit(Compression::kLz4, used - start, max_size, what);
    if (dst_size == 0 && hint != 0) Corrupt(Compression::kLz4, what, "truncated frame");
  }
  out.resize(used);
}

void ZstdCompress(std::string_view input, std::string& out) {
  const size_t start = out.size();
  out.resize(start + ZSTD_compressBound(input.size()));
  const size_t n = ZSTD_compress(out.data() + start, out.size() - start, input.data(), input.size(), 3);
  if (ZSTD_isError(n)) throw InternalError(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  out.resize(start + n);
}

void ZstdDecompress(std::string_view input, std::string& out, size_t max_size, const std::string& what) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!stream) throw InternalError("zstd context creation failed");
  const size_t start = out.size();
  size_t used = start;
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  size_t last = 0;
  while (in.pos < in.size) {
    const size_t want = std::max<size_t>(input.size() * 3, ZSTD_DStreamOutSize());
    ZSTD_outBuffer dst{Grow(out, used, want), want, 0};
    last = ZSTD_decompressStream(stream.get(), &dst, &in);
    if (ZSTD_isError(last)) Corrupt(Compression::kZstd, what, ZSTD_getErrorName(last));
    used += dst.pos;
    CheckLimit(Compression::kZstd, used - start, max_size, what);
    if (dst.pos == 0 && last != 0 && in.pos == in.size) break;
  }
  // Drain output the stream still holds (the input may end exactly where the last block does).
  while (last != 0) {
    const size_t want = ZSTD_DStreamOutSize();
    ZSTD_outBuffer dst{Grow(out, used, want), want, 0};
    last = ZSTD_decompressStream(stream.get(), &dst, &in);
    if (ZSTD_isError(last)) Corrupt(Compression::kZstd, what, ZSTD_getErrorName(last));
    used += dst.pos;
    CheckLimit(Compression::kZstd, used - start, max_size, what);
    if (dst.pos == 0 && last != 0) Corrupt(Compression::kZstd, what, "truncated frame");
  }
  out.resize(used);
}

}  // namespace

const char* CompressionName(Compression codec) {
  switch (codec) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

std::optional<Compression> CompressionFromName(std::string_view name) {
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                        Compression::kZstd}) {
    if (name == CompressionName(c)) return c;
  }
  return std::nullopt;
}

void Compress(Compression codec, std::string_view input, std::string& out) {
  switch (codec) {
    case Compression::kNone:
      out.append(input);
      return;
    case Compression::kGzip:
      GzipCompress(input, out);
      return;
    case Compression::kSnappy:
      SnappyCompress(input, out);
      return;
    case Compression::kLz4:
      Lz4Compress(input, out);
      return;
    case Compression::kZstd:
      ZstdCompress(input, out);
      return;
  }
  throw InternalError("unknown compression codec");
}

void Decompress(Compression codec, std::string_view input, std::string& out, size_t max_size,
                const std::string& what) {
  switch (codec) {
    case Compression::kNone:
      CheckLimit(codec, input.size(), max_size, what);
      out.append(input);
      return;
    case Compression::kGzip:
      GzipDecompress(input, out, max_size, what);
      return;
    case Compression::kSnappy:
      SnappyDecompress(input, out, max_size, what);
      return;
    case Compression::kLz4:
      Lz4Decompress(input, out, max_size, what);
      return;
    case Compression::kZstd:
      ZstdDecompress(input, out, max_size, what);
      return;
  }
  throw InternalError("unknown compression codec");
}

}  // namespace basin::log
