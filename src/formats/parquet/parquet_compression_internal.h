#pragma once

// Page compression for the codecs Basin supports; shared by the Parquet reader and writer.

#include <cstddef>
#include <string>
#include <string_view>

#include "formats/parquet/parquet_metadata.h"

namespace basin::parquet {

/// Whether Basin can compress and decompress pages with `codec`.
bool CodecSupported(CompressionCodec codec);
/// Compress `size` bytes at `data` with `codec` into a buffer of the calling thread's; the result stays valid
/// until the thread's next call. The buffer and the zstd context (which costs more to set up than a small
/// page to compress) are kept from call to call, one per thread.
std::string_view CompressPage(CompressionCodec codec, const char* data, size_t size);
/// Decompress exactly `dst_size` bytes into `dst`; throws DataError naming `file` when the input is corrupt
/// or does not decompress to exactly that size.
void Decompress(CompressionCodec codec, const char* src, size_t src_size, char* dst, size_t dst_size,
                const std::string& file);
/// "ZSTD", "SNAPPY", ... as parquet.thrift spells the codec.
std::string CodecName(CompressionCodec codec);

}  // namespace basin::parquet
