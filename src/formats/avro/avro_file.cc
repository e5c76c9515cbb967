// Avro binary encoding and object container files (specification 1.11, "Object Container Files").

#include <snappy.h>
#include <zlib.h>

#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "common/exception.h"
#include "formats/avro/avro.h"

namespace basin::avro {

namespace {

constexpr char kMagic[4] = {'O', 'b', 'j', 1};
constexpr size_t kSyncSize = 16;

// ---- encoding ----

void PutLong(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<char>((z & 0x7f) | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<char>(z));
}

void PutBytes(std::string& out, std::string_view bytes) {
  PutLong(out, static_cast<int64_t>(bytes.size()));
  out.append(bytes);
}

const char* KindName(Kind k) {
  static const char* kNames[] = {"null", "boolean", "int",   "long",  "float", "double", "bytes",
                                 "string", "record", "enum", "array", "map",   "union",  "fixed"};
  return kNames[static_cast<int>(k)];
}

bool Fits(const Schema& s, const Datum& d) {
  if (s.kind == d.kind) return true;
  // Numbers and byte strings may be given in a neighbouring kind.
  auto numeric = [](Kind k) { return k == Kind::kInt || k == Kind::kLong || k == Kind::kEnum; };
  auto textual = [](Kind k) { return k == Kind::kBytes || k == Kind::kString || k == Kind::kFixed; };
  return (numeric(s.kind) && numeric(d.kind)) || (textual(s.kind) && textual(d.kind)) ||
         ((s.kind == Kind::kFloat || s.kind == Kind::kDouble) && (d.kind == Kind::kFloat || d.kind == Kind::kDouble));
}

void Encode(const Schema& s, const Datum& d, std::string& out) {
  if (s.kind == Kind::kUnion) {
    for (size_t b = 0; b < s.branches.size(); b++) {
      if (Fits(*s.branches[b], d)) {
        PutLong(out, static_cast<int64_t>(b));
        Encode(*s.branches[b], d, out);
        return;
      }
    }
    throw InternalError(std::string("Avro: no union branch for a ") + KindName(d.kind) + " value");
  }
  if (!Fits(s, d)) {
    throw InternalError(std::string("Avro: a ") + KindName(d.kind) + " value where the schema has " +
                        KindName(s.kind) + (s.name.empty() ? "" : " " + s.name));
  }
  switch (s.kind) {
    case Kind::kNull:
      break;
    case Kind::kBoolean:
      out.push_back(d.i ? 1 : 0);
      break;
    case Kind::kInt:
    case Kind::kLong:
    case Kind::kEnum:
      PutLong(out, d.i);
      break;
    case Kind::kFloat: {
      float f = static_cast<float>(d.d);
      out.append(reinterpret_cast<const char*>(&f), 4);
      break;
    }
    case Kind::kDouble:
      out.append(reinterpret_cast<const char*>(&d.d), 8);
      break;
    case Kind::kBytes:
    case Kind::kString:
      PutBytes(out, d.s);
      break;
    case Kind::kFixed:
      if (d.s.size() != s.size) throw InternalError("Avro: fixed value of the wrong size");
      out.append(d.s);
      break;
    case Kind::kRecord:
      if (d.items.size() != s.fields.size()) {
        throw InternalError("Avro: record " + s.name + " needs " + std::to_string(s.fields.size()) + " fields");
      }
      for (size_t f = 0; f < s.fields.size(); f++) Encode(*s.fields[f].type, d.items[f], out);
      break;
    case Kind::kArray:
      if (!d.items.empty()) {
        PutLong(out, static_cast<int64_t>(d.items.size()));
        for (const Datum& item : d.items) Encode(*s.items, item, out);
      }
      PutLong(out, 0);
      break;
    case Kind::kMap:
      if (!d.entries.empty()) {
        PutLong(out, static_cast<int64_t>(d.entries.size()));
        for (auto& [k, v] : d.entries) {
          PutBytes(out, k);
          Encode(*s.items, v, out);
        }
      }
      PutLong(out, 0);
      break;
    case Kind::kUnion:
      break;  // handled above
  }
}

// ---- decoding ----

class Decoder {
 public:
  Decoder(std::string_view bytes, const std::string& what) : p_(bytes.data()), end_(p_ + bytes.size()), what_(what) {}

  [[noreturn]] void Fail(const std::string& message) const {
    throw DataError(sqlstate::kBadCopyFileFormat, "corrupt Avro file \"" + what_ + "\": " + message);
  }
  bool AtEnd() const { return p_ == end_; }
  size_t Left() const { return static_cast<size_t>(end_ - p_); }

  int64_t Long() {
    uint64_t z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) Fail("truncated number");
      uint8_t b = static_cast<uint8_t>(*p_++);
      z |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    }
    Fail("number longer than 10 bytes");
  }
  std::string_view Take(size_t n) {
    if (n > Left()) Fail("truncated: " + std::to_string(n) + " bytes expected, " + std::to_string(Left()) + " left");
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  std::string_view Bytes() {
    int64_t n = Long();
    if (n < 0) Fail("negative length");
    return Take(static_cast<size_t>(n));
  }
  /// Item count of the next block of an array or map (0 ends it).
  int64_t BlockCount() {
    int64_t n = Long();
    if (n < 0) {
      Long();  // the block's size in bytes, for skipping
      n = -n;
    }
    if (n > static_cast<int64_t>(Left()) + 1) Fail("block count " + std::to_string(n) + " beyond the data");
    return n;
  }

  void Decode(const Schema& s, Datum& d, int depth = 0) {
    if (depth > 64) Fail("nested too deeply");
    if (s.kind == Kind::kUnion) {
      int64_t b = Long();
      if (b < 0 || static_cast<size_t>(b) >= s.branches.size()) Fail("union branch " + std::to_string(b) + " out of range");
      Decode(*s.branches[b], d, depth + 1);
      return;
    }
    d.kind = s.kind;
    switch (s.kind) {
      case Kind::kNull:
        break;
      case Kind::kBoolean:
        d.i = Take(1)[0] != 0;
        break;
      case Kind::kInt:
      case Kind::kLong:
      case Kind::kEnum:
        d.i = Long();
        break;
      case Kind::kFloat: {
        float f;
        std::memcpy(&f, Take(4).data(), 4);
        d.d = f;
        break;
      }
      case Kind::kDouble:
        std::memcpy(&d.d, Take(8).data(), 8);
        break;
      case Kind::kBytes:
      case Kind::kString:
        d.s = std::string(Bytes());
        break;
      case Kind::kFixed:
        d.s = std::string(Take(s.size));
        break;
      case Kind::kRecord:
        d.schema = &s;
        d.items.resize(s.fields.size());
        for (size_t f = 0; f < s.fields.size(); f++) Decode(*s.fields[f].type, d.items[f], depth + 1);
        break;
      case Kind::kArray:
        for (int64_t n = BlockCount(); n != 0; n = BlockCount()) {
          for (int64_t i = 0; i < n; i++) Decode(*s.items, d.items.emplace_back(), depth + 1);
        }
        break;
      case Kind::kMap:
        for (int64_t n = BlockCount(); n != 0; n = BlockCount()) {
          for (int64_t i = 0; i < n; i++) {
            auto& entry = d.entries.emplace_back(std::string(Bytes()), Datum());
            Decode(*s.items, entry.second, depth + 1);
          }
        }
        break;
      case Kind::kUnion:
        break;
    }
  }

 private:
  const char* p_;
  const char* end_;
  const std::string& what_;
};

std::string Inflate(std::string_view in, const Decoder& dec) {
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK) dec.Fail("cannot start deflate");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      dec.Fail("bad deflate block");
    }
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc != Z_STREAM_END && z.avail_in > 0);
  inflateEnd(&z);
  return out;
}

}  // namespace

std::string WriteContainer(const std::string& schema_json, const std::map<std::string, std::string>& metadata,
                           const std::vector<Datum>& records) {
  SchemaPtr schema = ParseSchema(schema_json);
  std::string out(kMagic, 4);
  std::map<std::string, std::string> meta = metadata;
  meta["avro.schema"] = schema_json;
  meta["avro.codec"] = "null";
  PutLong(out, static_cast<int64_t>(meta.size()));
  for (auto& [k, v] : meta) {
    PutBytes(out, k);
    PutBytes(out, v);
  }
  PutLong(out, 0);
  std::string sync(kSyncSize, '\0');
  std::random_device rd;
  for (char& c : sync) c = static_cast<char>(rd());
  out.append(sync);
  if (!records.empty()) {
    std::string block;
    for (const Datum& r : records) Encode(*schema, r, block);
    PutLong(out, static_cast<int64_t>(records.size()));
    PutBytes(out, block);
    out.append(sync);
  }
  return out;
}

ContainerFile ReadContainer(std::string_view bytes, const std::string& what) {
  Decoder dec(bytes, what);
  if (dec.Take(4) != std::string_view(kMagic, 4)) dec.Fail("not an Avro object container file");
  ContainerFile file;
  std::string codec = "null";
  for (int64_t n = dec.BlockCount(); n != 0; n = dec.BlockCount()) {
    for (int64_t i = 0; i < n; i++) {
      std::string key(dec.Bytes());
      std::string value(dec.Bytes());
      if (key == "avro.schema") {
        file.schema_json = value;
      } else if (key == "avro.codec") {
        codec = value;
      } else {
        file.metadata[key] = value;
      }
    }
  }
  if (file.schema_json.empty()) dec.Fail("no schema in the header");
  try {
    file.schema = ParseSchema(file.schema_json);
  } catch (const Exception& e) {
    dec.Fail(e.what());
  }
  std::string sync(dec.Take(kSyncSize));
  while (!dec.AtEnd()) {
    int64_t count = dec.Long();
    std::string_view block = dec.Bytes();
    if (dec.Take(kSyncSize) != sync) dec.Fail("sync marker mismatch");
    std::string decoded;
    if (codec == "deflate") {
      decoded = Inflate(block, dec);
      block = decoded;
    } else if (codec == "snappy") {
      if (block.size() < 4 || !snappy::Uncompress(block.data(), block.size() - 4, &decoded)) dec.Fail("bad snappy block");
      block = decoded;
    } else if (codec != "null") {
      dec.Fail("codec \"" + codec + "\" is not supported");
    }
    if (count < 0 || static_cast<size_t>(count) > block.size() + 1) dec.Fail("bad record count");
    Decoder records(block, what);
    for (int64_t i = 0; i < count; i++) records.Decode(*file.schema, file.records.emplace_back());
  }
  return file;
}

}  // namespace basin::avro
