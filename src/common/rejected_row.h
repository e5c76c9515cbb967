#pragma once

#include <cstdint>
#include <string>

namespace basin {

/// A row of a file that a scan could not load (IGNORE_ERRORS): where it is, which column (empty when the
/// whole row is bad), why, and its text as written. Stored in the rejects table (reject_errors).
struct RejectedRow {
  std::string file;
  int64_t line = 0;
  std::string column;
  std::string error;
  std::string raw;
};

}  // namespace basin
