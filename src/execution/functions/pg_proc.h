#pragma once

// The built-in functions as PostgreSQL's pg_proc lists them, for \df and drivers' function metadata.

#include <cstdint>
#include <string>
#include <vector>

namespace basin {

/// One overload of a scalar or aggregate function.
struct PgProc {
  uint32_t oid;
  std::string name;
  char kind;  ///< 'f' function, 'a' aggregate
  uint32_t return_type;
  std::vector<uint32_t> argument_types;  ///< the variadic one last, as its array type
  bool variadic;
  bool strict;
  char volatility;  ///< 'i' immutable, 'v' volatile
};

/// Every overload of every function the registry has whose name is a word (operators are left out), with
/// an OID each: a hash of its signature, stable across runs. Built once.
const std::vector<PgProc>& PgProcs();
const PgProc* FindPgProc(uint32_t oid);
/// pg_get_function_result, pg_get_function_arguments: the return type, and the arguments as
/// "integer, VARIADIC text[]".
std::string PgProcResult(const PgProc& proc);
std::string PgProcArguments(const PgProc& proc);

}  // namespace basin
