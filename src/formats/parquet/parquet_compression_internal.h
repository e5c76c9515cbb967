#pragma once

// Page compression for the codecs Basin supports; shared by the Parquet reader and writer.

#include <cstddef>
#include <string>

#include "formats/parquet/parquet_metadata.h"

namespace basin::parquet {

/// Whether Basin can compress and decompress pages with `codec`.
bool CodecSupported(CompressionCodec codec);
/// Append `size` bytes at `data`, compressed with `codec`, to `out`.
void Compress(CompressionCodec codec, const char* data, size_t size, std::string& out);
/// Decompress exactly `dst_size` bytes into `dst`; throws DataError naming `file` when the input is corrupt
/// or does not decompress to exactly that size.
void Decompress(CompressionCodec codec, const char* src, size_t src_size, char* dst, size_t dst_size,
                const std::string& file);
/// "ZSTD", "SNAPPY", ... as parquet.thrift spells the codec.
std::string CodecName(CompressionCodec codec);

}  // namespace basin::parquet
