#pragma once

// Calendar fields of dates and timestamps, shared by date_part/date_trunc (datetime.cc) and
// to_char/to_timestamp (datetime_format.cc).

#include <cstdint>

#include "execution/function.h"
#include "types/datetime.h"

namespace basin {

/// A timestamp broken into calendar fields (UTC, the session time zone).
struct CivilTime {
  int32_t year = 1970, month = 1, day = 1;
  int32_t hour = 0, minute = 0, second = 0;
  int32_t micros = 0;  // fraction of the second
  int32_t days = 0;    // days since 1970-01-01

  static CivilTime FromTimestamp(int64_t ts);
  int32_t DayOfYear() const;
  /// ISO 8601 week number and the year that week belongs to.
  void IsoWeek(int32_t& iso_year, int32_t& week) const;
};

/// to_char, to_date, to_timestamp(text, text) (datetime_format.cc).
void RegisterDateTimeFormatFunctions(FunctionRegistry& r);

/// to_char(number, text) (numeric_format.cc).
void RegisterNumericFormatFunctions(FunctionRegistry& r);

}  // namespace basin
