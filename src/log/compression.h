#pragma once

// The compression codecs of Kafka record batches (attributes bits 0..2). A compressed batch holds its records
// as one compressed stream; the codecs' framings are the ones Kafka clients write.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace basin::log {

/// A batch's codec, with the attribute values of RecordBatch v2.
enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

/// "none", "gzip", "snappy", "lz4", "zstd" (Kafka's compression.type names).
const char* CompressionName(Compression codec);
/// The codec named as Kafka's compression.type spells it; nullopt for another name.
std::optional<Compression> CompressionFromName(std::string_view name);

/// Append `input` compressed with `codec` to `out`: gzip members, snappy in the xerial (snappy-java) framing
/// that every client reads, the LZ4 frame format, zstd frames.
void Compress(Compression codec, std::string_view input, std::string& out);

/// Append the decompressed `input` to `out`. Reads gzip (or zlib), snappy raw or xerial-framed, LZ4 frames
/// and zstd frames. Throws DataError naming the codec and `what` (e.g. "batch at offset 12") when the input is
/// corrupt or would decompress to more than `max_size` bytes.
void Decompress(Compression codec, std::string_view input, std::string& out, size_t max_size,
                const std::string& what);

}  // namespace basin::log
