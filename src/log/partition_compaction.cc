#include "log/partition.h"

namespace basin::log {

uint64_t Partition::Compact() { return 0; }

}  // namespace basin::log
