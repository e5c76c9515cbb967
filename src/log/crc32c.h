#pragma once

#include <cstddef>
#include <cstdint>

namespace basin::log {

/// Extend the CRC-32C (Castagnoli, as Kafka's RecordBatch v2 and iSCSI use it) `crc` over `size` bytes; start
/// with 0. Uses the SSE4.2 crc32 instruction when the CPU has it, else a slicing-by-8 table.
uint32_t Crc32c(uint32_t crc, const void* data, size_t size);
/// The slicing-by-8 table path alone (tests check that both paths agree).
uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t size);

}  // namespace basin::log
