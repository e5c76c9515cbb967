// Avro schemas from their JSON form.

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "formats/avro/avro.h"

namespace basin::avro {

namespace {

using nlohmann::json;

[[noreturn]] void Fail(const std::string& message) {
  throw DataError(sqlstate::kBadCopyFileFormat, "invalid Avro schema: " + message);
}

class SchemaParser {
 public:
  SchemaPtr Parse(const json& node, int depth = 0) {
    if (depth > 64) Fail("nested too deeply");
    if (node.is_string()) return Named(node.get<std::string>());
    if (node.is_array()) {
      auto u = std::make_shared<Schema>();
      u->kind = Kind::kUnion;
      for (const json& b : node) u->branches.push_back(Parse(b, depth + 1));
      return u;
    }
    if (!node.is_object() || !node.contains("type")) Fail("expected a type, got " + node.dump());
    const json& type = node["type"];
    if (!type.is_string()) return Parse(type, depth + 1);  // {"type": {...}} or {"type": [...]}
    std::string t = type.get<std::string>();
    auto s = std::make_shared<Schema>();
    if (t == "record" || t == "error") {
      s->kind = Kind::kRecord;
      s->name = node.value("name", "");
      named_[s->name] = s;  // before the fields: a record may refer to itself
      if (!node.contains("fields") || !node["fields"].is_array()) Fail("record " + s->name + " has no fields");
      for (const json& f : node["fields"]) {
        if (!f.is_object() || !f.contains("name") || !f.contains("type")) Fail("bad field in " + s->name);
        s->fields.push_back({f["name"].get<std::string>(), Parse(f["type"], depth + 1)});
      }
    } else if (t == "enum") {
      s->kind = Kind::kEnum;
      s->name = node.value("name", "");
      for (const json& sym : node.value("symbols", json::array())) s->symbols.push_back(sym.get<std::string>());
      named_[s->name] = s;
    } else if (t == "array") {
      s->kind = Kind::kArray;
      if (!node.contains("items")) Fail("array without items");
      s->items = Parse(node["items"], depth + 1);
    } else if (t == "map") {
      s->kind = Kind::kMap;
      if (!node.contains("values")) Fail("map without values");
      s->items = Parse(node["values"], depth + 1);
    } else if (t == "fixed") {
      s->kind = Kind::kFixed;
      s->name = node.value("name", "");
      s->size = node.value("size", size_t{0});
      named_[s->name] = s;
    } else {
      return Named(t);  // a primitive with attributes, e.g. {"type":"long","logicalType":"timestamp-micros"}
    }
    return s;
  }

 private:
  SchemaPtr Named(const std::string& name) {
    static const std::pair<const char*, Kind> kPrimitives[] = {
        {"null", Kind::kNull},     {"boolean", Kind::kBoolean}, {"int", Kind::kInt},
        {"long", Kind::kLong},     {"float", Kind::kFloat},     {"double", Kind::kDouble},
        {"bytes", Kind::kBytes},   {"string", Kind::kString}};
    for (auto& [n, k] : kPrimitives) {
      if (name == n) {
        auto s = std::make_shared<Schema>();
        s->kind = k;
        return s;
      }
    }
    auto it = named_.find(name);
    if (it == named_.end()) Fail("unknown type \"" + name + "\"");
    return it->second;
  }

  std::map<std::string, SchemaPtr> named_;
};

}  // namespace

int Schema::FieldIndex(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); i++) {
    if (fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

SchemaPtr ParseSchema(std::string_view text) {
  json node = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (node.is_discarded()) Fail("not JSON");
  return SchemaParser().Parse(node);
}

const Datum* Datum::Field(std::string_view name) const {
  if (kind != Kind::kRecord || schema == nullptr) return nullptr;
  int i = schema->FieldIndex(name);
  return i < 0 || static_cast<size_t>(i) >= items.size() ? nullptr : &items[i];
}

int64_t Datum::FieldInt(std::string_view name, int64_t fallback) const {
  const Datum* f = Field(name);
  return f == nullptr || f->IsNull() ? fallback : f->i;
}

std::string Datum::FieldString(std::string_view name) const {
  const Datum* f = Field(name);
  return f == nullptr || f->IsNull() ? std::string() : f->s;
}

}  // namespace basin::avro
