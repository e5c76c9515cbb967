#pragma once

#include <cstdint>
#include <string_view>

namespace basin::ingest {

/// Kafka's murmur2 hash of `data` (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c), the
/// hash its default partitioner and librdkafka's murmur2 partitioner apply to record keys.
int32_t Murmur2(std::string_view data);

/// The partition Kafka's default partitioner assigns a record with this key among `partitions`:
/// toPositive(murmur2(key)) % partitions, toPositive clearing the sign bit. Kafka clients and the event
/// collector thus agree on where a key's records go.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

}  // namespace basin::ingest
