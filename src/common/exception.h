#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace basin {

/// An error that ends a statement. Carries the PostgreSQL SQLSTATE that protocol edges report and, where the
/// fault is in the SQL text, the byte offset of the fault (0-based; -1 when unknown).
class Exception : public std::runtime_error {
 public:
  Exception(std::string sqlstate, const std::string& message, int64_t position = -1)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)), position_(position) {}

  const std::string& sqlstate() const { return sqlstate_; }
  int64_t position() const { return position_; }
  std::string message() const { return what(); }

 private:
  std::string sqlstate_;
  int64_t position_;
};

// SQLSTATE codes, as PostgreSQL's errcodes.txt spells them.
namespace sqlstate {
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kUndefinedSchema = "3F000";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kDuplicateSchema = "42P06";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kWindowingError = "42P20";
inline constexpr const char* kInvalidColumnReference = "42P10";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kDependentObjects = "2BP01";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kBadCopyFileFormat = "22P04";
inline constexpr const char* kInvalidDatetimeFormat = "22007";
inline constexpr const char* kDatetimeFieldOverflow = "22008";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kStringDataRightTruncation = "22001";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kInvalidRegularExpression = "2201B";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kIOError = "58030";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kDataCorrupted = "XX001";
}  // namespace sqlstate

/// Malformed SQL text.
class ParserError : public Exception {
 public:
  explicit ParserError(const std::string& message, int64_t position = -1)
      : Exception(sqlstate::kSyntaxError, message, position) {}
};

/// Names that do not resolve, types that do not fit, misplaced aggregates.
class BinderError : public Exception {
 public:
  BinderError(const char* state, const std::string& message, int64_t position = -1)
      : Exception(state, message, position) {}
};

/// Objects that exist already or do not exist.
class CatalogError : public Exception {
 public:
  CatalogError(const char* state, const std::string& message) : Exception(state, message) {}
};

/// A value that cannot be converted or computed (bad cast, overflow, division by zero, ...).
class DataError : public Exception {
 public:
  DataError(const char* state, const std::string& message) : Exception(state, message) {}
};

/// A constraint that a write would break.
class ConstraintError : public Exception {
 public:
  explicit ConstraintError(const std::string& message) : Exception(sqlstate::kNotNullViolation, message) {}
};

/// A file that cannot be read or written.
class IOError : public Exception {
 public:
  explicit IOError(const std::string& message) : Exception(sqlstate::kIOError, message) {}
};

/// A query that would exceed its memory limit.
class OutOfMemoryError : public Exception {
 public:
  explicit OutOfMemoryError(const std::string& message) : Exception(sqlstate::kOutOfMemory, message) {}
};

/// SQL that is valid but that Basin does not run (yet).
class NotImplementedError : public Exception {
 public:
  explicit NotImplementedError(const std::string& message, int64_t position = -1)
      : Exception(sqlstate::kFeatureNotSupported, message, position) {}
};

/// A broken invariant inside the engine: a bug, reported instead of crashing.
class InternalError : public Exception {
 public:
  explicit InternalError(const std::string& message) : Exception(sqlstate::kInternalError, message) {}
};

}  // namespace basin
