#pragma once

// Values in PostgreSQL's wire formats: the text form (each type's output function, as a PostgreSQL server
// with DateStyle ISO, IntervalStyle postgres, TimeZone UTC and bytea_output hex writes it) and the binary
// form (each type's send and receive functions: big-endian integers and floats, base-10000 numeric, days
// and microseconds since 2000-01-01, arrays with their dimensions).

#include <cstdint>
#include <string>
#include <string_view>

#include "types/value.h"

namespace basin::pgwire {

/// Append the text form of `value` (not NULL) to `out`: booleans as t/f, arrays as {1,2,NULL}.
void EncodeText(const Value& value, std::string& out);
/// Append the binary form of `value` (not NULL) to `out`.
void EncodeBinary(const Value& value, std::string& out);
/// Read a value a client sent in the binary form of type `oid` (0 or a type without one: the bytes are
/// text). Throws Exception 22P03 (invalid_binary_representation) for bytes that do not fit the type.
Value DecodeBinary(std::string_view bytes, uint32_t oid);

/// Whether `text` is well-formed UTF-8 (PostgreSQL refuses other bytes with 22021).
bool IsValidUtf8(std::string_view text);
/// The 1-based character position of byte `offset` in UTF-8 `text` (ErrorResponse's position field).
int64_t CharacterPosition(std::string_view text, size_t offset);

}  // namespace basin::pgwire
