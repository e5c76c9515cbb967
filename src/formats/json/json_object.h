#pragma once

// Reading single JSON objects against declared fields: the values of a topic with a schema, read by SQL
// scans (into vectors) and checked by the validator of produced events (with a reason for each misfit).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/logical_type.h"

namespace basin {
class Vector;
}

namespace basin::json {

/// A declared field: the key, the type its value must fit, and whether null or missing is refused.
struct ObjectField {
  std::string name;
  LogicalType type;
  bool not_null = false;
};

/// Reads JSON objects field by field with simdjson's On-Demand parser, in one pass over each value. Keys
/// not declared are skipped (not validated in depth); a missing key is NULL. What fits each type: BOOLEAN
/// `true`/`false` (or those strings); integers a JSON integer (or integral number) in range, or a string
/// of one; REAL, DOUBLE a number, or a string such as "NaN"; DECIMAL a number or numeric string, exactly,
/// in range; VARCHAR(n) a string of at most n characters (other values as their JSON text); BLOB a string
/// in bytea form; DATE, TIME, INTERVAL a string; TIMESTAMP[TZ] a string, or a number of milliseconds
/// since the epoch; LIST an array of fitting elements. One thread at a time.
class ObjectReader {
 public:
  explicit ObjectReader(std::vector<ObjectField> fields);
  ~ObjectReader();
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  const std::vector<ObjectField>& fields() const { return fields_; }

  /// Whether `json` is one JSON object whose declared fields fit: nullopt when it is, else the reason,
  /// naming the field and why (`field "qty": 70000 is out of range for SMALLINT`).
  [[nodiscard]] std::optional<std::string> Check(std::string_view json);

  /// Parse `json` into row `row`: field i goes to `*columns[i]` (a vector of the field's type; null: not
  /// wanted). A field missing, null or not fitting reads NULL; NOT NULL is not enforced. Returns false,
  /// every wanted column NULL, when `json` is not a well-formed JSON object.
  bool Read(std::string_view json, Vector* const* columns, size_t row);

 private:
  struct Impl;
  bool Parse(std::string_view json, Vector* const* columns, size_t row, std::string* reason);

  std::vector<ObjectField> fields_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basin::json
