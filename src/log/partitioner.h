#pragma once

// Kafka's default partitioner for keyed records, so that a key goes to the same partition whether a Kafka
// client or Basin (SQL INSERT, the HTTP collector) writes it.

#include <cstdint>
#include <string_view>

namespace basin::log {

/// MurmurHash2 as Kafka computes it (org.apache.kafka.common.utils.Utils.murmur2: seed 0x9747b28c).
int32_t Murmur2(std::string_view bytes);

/// The partition Kafka's default partitioner gives a key: toPositive(murmur2(key)) % partitions.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

}  // namespace basin::log
