#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basin::avro {

/// The kinds of Avro schema (specification 1.11).
enum class Kind : uint8_t { kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString, kRecord, kEnum,
                            kArray, kMap, kUnion, kFixed };

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
  std::string name;
  SchemaPtr type;
};

/// A parsed schema. Attributes Basin does not interpret (Iceberg's field-id, logicalType) stay in the JSON
/// text the caller wrote: files are written with that text verbatim.
struct Schema {
  Kind kind = Kind::kNull;
  std::string name;                   // record, enum, fixed
  std::vector<Field> fields;          // record
  std::vector<SchemaPtr> branches;    // union
  SchemaPtr items;                    // array items, map values
  std::vector<std::string> symbols;   // enum
  size_t size = 0;                    // fixed

  /// Index of a record field by name, or -1.
  int FieldIndex(std::string_view field) const;
};

/// Parse a schema from its JSON form; throws DataError on a malformed or unsupported schema.
SchemaPtr ParseSchema(std::string_view json);

/// A value of some schema. Unions hold the chosen branch's value directly: a null datum is the null branch,
/// any other datum goes to the first branch of its kind.
struct Datum {
  Kind kind = Kind::kNull;
  int64_t i = 0;      // boolean, int, long, enum index
  double d = 0;       // float, double
  std::string s;      // bytes, string, fixed
  std::vector<Datum> items;                            // record fields in schema order, array items
  std::vector<std::pair<std::string, Datum>> entries;  // map
  const Schema* schema = nullptr;                      // records read from a file: for field lookup

  static Datum Null() { return {}; }
  static Datum Bool(bool v) { Datum x; x.kind = Kind::kBoolean; x.i = v; return x; }
  static Datum Int(int32_t v) { Datum x; x.kind = Kind::kInt; x.i = v; return x; }
  static Datum Long(int64_t v) { Datum x; x.kind = Kind::kLong; x.i = v; return x; }
  static Datum String(std::string v) { Datum x; x.kind = Kind::kString; x.s = std::move(v); return x; }
  static Datum Bytes(std::string v) { Datum x; x.kind = Kind::kBytes; x.s = std::move(v); return x; }
  static Datum Record(std::vector<Datum> fields) {
    Datum x; x.kind = Kind::kRecord; x.items = std::move(fields); return x;
  }
  static Datum Array(std::vector<Datum> items) {
    Datum x; x.kind = Kind::kArray; x.items = std::move(items); return x;
  }

  bool IsNull() const { return kind == Kind::kNull; }
  /// A record's field by name (records read from a file); nullptr when the schema has no such field.
  const Datum* Field(std::string_view name) const;
  /// Field value as a number, or `fallback` when absent or null.
  int64_t FieldInt(std::string_view name, int64_t fallback = 0) const;
  std::string FieldString(std::string_view name) const;
};

/// An object container file: its schema, its metadata and its records.
struct ContainerFile {
  SchemaPtr schema;
  std::string schema_json;
  std::map<std::string, std::string> metadata;  // without the avro.* entries
  std::vector<Datum> records;
};

/// Encode `records` (of `schema_json`) as an object container file with the `null` codec, plus `metadata`
/// (Iceberg keeps its table schema and partition spec there). Throws InternalError when a record does not
/// fit the schema.
std::string WriteContainer(const std::string& schema_json, const std::map<std::string, std::string>& metadata,
                           const std::vector<Datum>& records);

/// Decode an object container file (codecs null, deflate, snappy). Throws DataError naming `what` and the
/// fault on corrupt or truncated input.
ContainerFile ReadContainer(std::string_view bytes, const std::string& what);

}  // namespace basin::avro
