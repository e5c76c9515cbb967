#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "main/query_result.h"
#include "types/value.h"

namespace basin {

namespace sql {
struct Statement;
}  // namespace sql

/// One statement parsed once and run any number of times with values for its parameters ($1, $2, ...), as
/// PostgreSQL's extended protocol prepares them: Connection::Prepare makes it, Connection::Execute runs it.
/// Immutable once made; a connection may hold many.
class PreparedStatement {
 public:
  PreparedStatement();
  ~PreparedStatement();

  /// Why the statement could not be prepared (a syntax error, an unknown table), if it could not.
  bool HasError() const { return error_.has_value(); }
  const ErrorInfo& error() const { return *error_; }

  const std::string& sql() const { return sql_; }
  /// Empty text (only blanks or comments): runs as nothing.
  bool empty() const { return statement_ == nullptr && !HasError(); }
  /// PostgreSQL's command tag ("SELECT", "INSERT", ...).
  const std::string& tag() const { return tag_; }

  /// The type of each parameter $1..$n: as declared at Prepare, else as the statement's context implies
  /// (`id = $1` gives $1 the type of id), else VARCHAR.
  const std::vector<LogicalType>& parameter_types() const { return parameter_types_; }
  /// Whether the statement returns rows, and their columns (known without running it).
  bool returns_rows() const { return returns_rows_; }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<LogicalType>& types() const { return types_; }

 private:
  friend class ClientContext;

  std::optional<ErrorInfo> error_;
  std::string sql_;
  std::shared_ptr<const sql::Statement> statement_;
  std::string tag_;
  std::vector<LogicalType> parameter_types_;
  /// Per parameter: its type was declared at Prepare (its text values are read as that type) rather than
  /// inferred (its text values are literals, typed by their context as a quoted literal would be).
  std::vector<bool> declared_;
  bool returns_rows_ = false;
  std::vector<std::string> names_;
  std::vector<LogicalType> types_;
};

/// The parameters of the statement being bound. While a statement is prepared, `values` is empty and the
/// binder records in `types` the type each untyped parameter takes from its context; when it runs,
/// `values` holds the values, which the binder puts in place of the parameters as constants.
struct StatementParameters {
  std::vector<LogicalType> types;  ///< kInvalid: not known (yet)
  std::vector<bool> declared;      ///< see PreparedStatement
  std::vector<Value> values;
  bool has_values = false;
};

}  // namespace basin
