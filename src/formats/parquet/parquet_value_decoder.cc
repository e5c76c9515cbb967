// Parquet value decoding per physical type and encoding, and conversion of the values to Basin's layout.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "common/exception.h"
#include "formats/parquet/parquet_reader_internal.h"

namespace basin::parquet {

namespace {

/// Unpack `count` values of `width` bits (<= 64), LSB first, from `data` of `size` bytes.
void UnpackBits(const uint8_t* data, size_t size, int width, size_t count, uint64_t* out) {
  uint64_t bit = 0;
  for (size_t i = 0; i < count; ++i) {
    uint64_t v = 0;
    for (int got = 0; got < width;) {
      const uint64_t byte = bit / 8;
      const int shift = static_cast<int>(bit % 8);
      const int take = std::min(8 - shift, width - got);
      const uint64_t b = byte < size ? data[byte] : 0;
      v |= ((b >> shift) & ((1u << take) - 1)) << got;
      got += take;
      bit += take;
    }
    out[i] = v;
  }
}

/// Parquet DELTA_BINARY_PACKED: decode exactly `count` values (wrapping arithmetic, as the spec requires).
void DecodeDeltaBinaryPacked(ByteReader& r, size_t count, std::vector<int64_t>& out) {
  const uint64_t block_size = r.ReadUleb("DELTA_BINARY_PACKED header");
  const uint64_t miniblocks = r.ReadUleb("DELTA_BINARY_PACKED header");
  const uint64_t total = r.ReadUleb("DELTA_BINARY_PACKED header");
  uint64_t value = static_cast<uint64_t>(r.ReadZigZag("DELTA_BINARY_PACKED header"));
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0)
    r.Fail("bad DELTA_BINARY_PACKED block layout");
  if (total < count) r.Fail("DELTA_BINARY_PACKED holds fewer values than the page");
  const size_t per_mini = block_size / miniblocks;
  out.clear();
  out.reserve(count);
  if (count == 0) return;
  out.push_back(static_cast<int64_t>(value));
  std::vector<uint64_t> deltas(per_mini);
  while (out.size() < count) {
    const uint64_t min_delta = static_cast<uint64_t>(r.ReadZigZag("DELTA_BINARY_PACKED block"));
    const uint8_t* widths = r.Take(miniblocks, "DELTA_BINARY_PACKED bit widths");
    for (uint64_t m = 0; m < miniblocks && out.size() < count; ++m) {
      if (widths[m] > 64) r.Fail("DELTA_BINARY_PACKED bit width above 64");
      const size_t bytes = per_mini * widths[m] / 8;
      const uint8_t* data = r.Take(bytes, "DELTA_BINARY_PACKED miniblock");
      UnpackBits(data, bytes, widths[m], per_mini, deltas.data());
      for (size_t i = 0; i < per_mini && out.size() < count; ++i) {
        value += min_delta + deltas[i];
        out.push_back(static_cast<int64_t>(value));
      }
    }
  }
}

void DecodeDeltaLengthByteArray(ByteReader& r, size_t count, RawValues& raw) {
  std::vector<int64_t> lengths;
  DecodeDeltaBinaryPacked(r, count, lengths);
  raw.bytes.reserve(count);
  for (int64_t len : lengths) {
    if (len < 0) r.Fail("negative string length");
    raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(static_cast<size_t>(len), "string data")),
                           static_cast<size_t>(len));
  }
}

void DecodeDeltaByteArray(ByteReader& r, size_t count, RawValues& raw) {
  std::vector<int64_t> prefixes;
  DecodeDeltaBinaryPacked(r, count, prefixes);
  RawValues suffixes;
  DecodeDeltaLengthByteArray(r, count, suffixes);
  raw.owned.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t p = prefixes[i];
    const std::string& previous = i ? raw.owned[i - 1] : raw.owned[0];
    if (p < 0 || (i == 0 && p != 0) || static_cast<uint64_t>(p) > (i ? previous.size() : 0))
      r.Fail("DELTA_BYTE_ARRAY prefix longer than the previous value");
    raw.owned[i].reserve(static_cast<size_t>(p) + suffixes.bytes[i].size());
    raw.owned[i].assign(previous, 0, static_cast<size_t>(p));
    raw.owned[i] += suffixes.bytes[i];
  }
  raw.bytes.reserve(count);
  for (const auto& s : raw.owned) raw.bytes.emplace_back(s);
}

/// Whether all `count` values are below `limit`: one branch for a chunk's dictionary indices. Blocks of a
/// constant 16 values, compared as signed numbers (top bits flipped), are what GCC vectorises at -O2 with
/// SSE2 alone (no unsigned 32-bit compare or max before SSE4.1).
bool AllBelow(const uint32_t* values, size_t count, uint32_t limit) {
  constexpr uint32_t kFlip = 0x80000000u;
  const auto signed_limit = static_cast<int32_t>(limit ^ kFlip);
  int32_t above = 0;
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    int32_t block = 0;
    for (size_t k = 0; k < 16; ++k) block |= static_cast<int32_t>(values[i + k] ^ kFlip) >= signed_limit;
    above |= block;
  }
  for (; i < count; ++i) above |= values[i] >= limit;
  return !above;
}

template <class T>
void DecodeFixedPlain(ByteReader& r, size_t count, RawArray<T>& out) {
  out.View(r.Take(count * sizeof(T), "PLAIN values"), count);
}

template <class T>
void DecodeByteStreamSplit(ByteReader& r, size_t count, RawArray<T>& array) {
  std::vector<T>& out = array.Owned();
  const uint8_t* p = r.Take(count * sizeof(T), "BYTE_STREAM_SPLIT values");
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    uint8_t b[sizeof(T)];
    for (size_t j = 0; j < sizeof(T); ++j) b[j] = p[j * count + i];
    std::memcpy(&out[i], b, sizeof(T));
  }
}

}  // namespace

const uint32_t* ColumnReader::NextIndices(size_t count, uint32_t* out) {
  if (!out) {
    indices_.resize(count);
    out = indices_.data();
  }
  if (count == 0) return out;  // a page of NULLs only has no indices to decode
  index_decoder_->Decode(out, count);
  if (!AllBelow(out, count, static_cast<uint32_t>(dictionary_size_)))
    Corrupt(path_, "dictionary index out of range");
  return out;
}

void ColumnReader::DecodePlain(ByteReader& r, size_t count, RawValues& raw) {
  switch (meta_.type) {
    case Type::kBoolean: {
      const uint8_t* p = r.Take((count + 7) / 8, "PLAIN booleans");
      raw.bools.resize(count);
      for (size_t i = 0; i < count; ++i) raw.bools[i] = (p[i / 8] >> (i % 8)) & 1;
      return;
    }
    case Type::kInt32:
      return DecodeFixedPlain(r, count, raw.i32);
    case Type::kInt64:
      return DecodeFixedPlain(r, count, raw.i64);
    case Type::kFloat:
      return DecodeFixedPlain(r, count, raw.f32);
    case Type::kDouble:
      return DecodeFixedPlain(r, count, raw.f64);
    case Type::kInt96:
    case Type::kFixedLenByteArray: {
      const size_t width = FixedWidth();
      raw.bytes.reserve(count);
      for (size_t i = 0; i < count; ++i)
        raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(width, "PLAIN values")), width);
      return;
    }
    case Type::kByteArray:
      for (size_t i = 0; i < count; ++i) {
        const uint32_t len = r.ReadLittleEndian<uint32_t>("string length");
        raw.bytes.emplace_back(reinterpret_cast<const char*>(r.Take(len, "string data")), len);
      }
      return;
  }
}

size_t ColumnReader::FixedWidth() const {
  if (meta_.type == Type::kInt96) return 12;
  const int32_t w = element_.type_length.value_or(0);
  if (w <= 0 || w > (1 << 20)) Corrupt(path_, "bad FIXED_LEN_BYTE_ARRAY length");
  return static_cast<size_t>(w);
}

void ColumnReader::DecodeValues(Encoding encoding, ByteReader& r, size_t count) {
  dictionary_page_ = false;
  switch (encoding) {
    case Encoding::kPlain:
      DecodePlain(r, count, raw_);
      if (raw_.owned.empty()) raw_.bytes_owner = page_owner_;
      return;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!dictionary_) Corrupt(path_, "dictionary-encoded page without a dictionary page");
      dictionary_page_ = true;
      if (count == 0) return;
      const int width = *r.Take(1, "dictionary index bit width");
      index_decoder_.emplace(ByteReader(r.current(), r.remaining(), &path_), width);
      return;
    }
    case Encoding::kRle: {
      if (meta_.type != Type::kBoolean) break;
      const uint32_t length = r.ReadLittleEndian<uint32_t>("RLE booleans");
      std::vector<uint32_t> bits(count);
      RleHybridDecoder(ByteReader(r.Take(length, "RLE booleans"), length, &path_), 1)
          .Decode(bits.data(), count);
      raw_.bools.assign(bits.begin(), bits.end());
      return;
    }
    case Encoding::kDeltaBinaryPacked:
      if (meta_.type == Type::kInt64) return DecodeDeltaBinaryPacked(r, count, raw_.i64.Owned());
      if (meta_.type == Type::kInt32) {
        std::vector<int64_t> wide;
        DecodeDeltaBinaryPacked(r, count, wide);
        std::vector<int32_t>& narrow = raw_.i32.Owned();
        narrow.resize(count);
        for (size_t i = 0; i < count; ++i) narrow[i] = static_cast<int32_t>(static_cast<uint32_t>(wide[i]));
        return;
      }
      break;
    case Encoding::kDeltaLengthByteArray:
      if (meta_.type != Type::kByteArray) break;
      return DecodeDeltaLengthByteArray(r, count, raw_);
    case Encoding::kDeltaByteArray:
      if (meta_.type != Type::kByteArray && meta_.type != Type::kFixedLenByteArray) break;
      return DecodeDeltaByteArray(r, count, raw_);
    case Encoding::kByteStreamSplit:
      switch (meta_.type) {
        case Type::kFloat:
          return DecodeByteStreamSplit(r, count, raw_.f32);
        case Type::kDouble:
          return DecodeByteStreamSplit(r, count, raw_.f64);
        case Type::kInt32:
          return DecodeByteStreamSplit(r, count, raw_.i32);
        case Type::kInt64:
          return DecodeByteStreamSplit(r, count, raw_.i64);
        case Type::kFixedLenByteArray: {
          const size_t width = FixedWidth();
          const uint8_t* p = r.Take(count * width, "BYTE_STREAM_SPLIT values");
          raw_.owned.assign(count, std::string(width, '\0'));
          for (size_t i = 0; i < count; ++i)
            for (size_t j = 0; j < width; ++j) raw_.owned[i][j] = static_cast<char>(p[j * count + i]);
          for (const auto& s : raw_.owned) raw_.bytes.emplace_back(s);
          return;
        }
        default:
          break;
      }
      break;
    default:
      break;
  }
  throw NotImplementedError("Parquet file " + path_ + ": encoding " +
                            std::to_string(static_cast<int>(encoding)) + " for column \"" + element_.name +
                            "\" is not supported");
}

namespace {

/// Store raw values [first, first+count) at `rows` of `to`, each passed through `convert`.
template <class To, class T, class Rows, class Convert>
void StoreFixed(const RawArray<T>& raw, size_t first, To* to, Rows rows, size_t count, Convert convert) {
  const uint8_t* from = raw.bytes() + first * sizeof(T);
  for (size_t k = 0; k < count; ++k) {
    T v;
    std::memcpy(&v, from + k * sizeof(T), sizeof(T));
    to[rows[k]] = convert(v);
  }
}

/// Store raw values [first, first+count) at `rows` of `to` unchanged: one copy when the rows are a run.
template <class T, class Rows>
void CopyFixed(const RawArray<T>& raw, size_t first, T* to, Rows rows, size_t count) {
  if constexpr (std::is_same_v<Rows, DenseRows>) {
    std::memcpy(to + rows.base, raw.bytes() + first * sizeof(T), count * sizeof(T));
  } else {
    StoreFixed(raw, first, to, rows, count, [](T v) { return v; });
  }
}

template <class Rows>
void ConvertTo(Conversion conversion, int64_t scale, const std::string& path, const std::string& column,
               const RawValues& raw, size_t first, Vector& out, Rows rows, size_t count) {
  auto need = [&](size_t have) {
    if (first + count > have) Corrupt(path, "page holds fewer values than its levels say");
  };
  switch (conversion) {
    case Conversion::kBool:
      need(raw.bools.size());
      for (size_t k = 0; k < count; ++k) out.data<uint8_t>()[rows[k]] = raw.bools[first + k];
      return;
    case Conversion::kInt32ToInt16:
      need(raw.i32.size());
      StoreFixed(raw.i32, first, out.data<int16_t>(), rows, count, [](int32_t v) { return int16_t(v); });
      return;
    case Conversion::kInt32ToInt32:
      need(raw.i32.size());
      CopyFixed(raw.i32, first, out.data<int32_t>(), rows, count);
      return;
    case Conversion::kInt32ToInt64:
      need(raw.i32.size());
      StoreFixed(raw.i32, first, out.data<int64_t>(), rows, count, [](int32_t v) { return int64_t{v}; });
      return;
    case Conversion::kUInt32ToInt64:
      need(raw.i32.size());
      StoreFixed(raw.i32, first, out.data<int64_t>(), rows, count,
                 [](int32_t v) { return int64_t{static_cast<uint32_t>(v)}; });
      return;
    case Conversion::kInt32Scaled:
      need(raw.i32.size());
      StoreFixed(raw.i32, first, out.data<int64_t>(), rows, count, [&](int32_t v) { return v * scale; });
      return;
    case Conversion::kInt64:
      need(raw.i64.size());
      CopyFixed(raw.i64, first, out.data<int64_t>(), rows, count);
      return;
    case Conversion::kInt64Scaled:
      need(raw.i64.size());
      StoreFixed(raw.i64, first, out.data<int64_t>(), rows, count, [&](int64_t v) {
        int64_t result;
        if (scale < 0) {
          result = v / -scale - (v % -scale < 0);  // floor, so times before 1970 round down
        } else if (__builtin_mul_overflow(v, scale, &result)) {
          throw DataError(sqlstate::kDatetimeFieldOverflow,
                          "timestamp out of range in Parquet file " + path + ", column \"" + column + "\"");
        }
        return result;
      });
      return;
    case Conversion::kUInt64ToInt128:
      need(raw.i64.size());
      StoreFixed(raw.i64, first, out.data<__int128>(), rows, count,
                 [](int64_t v) { return static_cast<__int128>(static_cast<uint64_t>(v)); });
      return;
    case Conversion::kInt64ToInt128:
      need(raw.i64.size());
      StoreFixed(raw.i64, first, out.data<__int128>(), rows, count, [](int64_t v) { return __int128{v}; });
      return;
    case Conversion::kInt32ToInt128:
      need(raw.i32.size());
      StoreFixed(raw.i32, first, out.data<__int128>(), rows, count, [](int32_t v) { return __int128{v}; });
      return;
    case Conversion::kInt96Timestamp:
      need(raw.bytes.size());
      for (size_t k = 0; k < count; ++k) {
        // INT96 (legacy Impala/Spark): nanoseconds of the day (8 bytes), then the Julian day (4 bytes).
        int64_t nanos;
        int32_t julian;
        std::memcpy(&nanos, raw.bytes[first + k].data(), 8);
        std::memcpy(&julian, raw.bytes[first + k].data() + 8, 4);
        constexpr int64_t kJulianEpoch = 2440588;  // Julian day of 1970-01-01
        out.data<int64_t>()[rows[k]] = (int64_t{julian} - kJulianEpoch) * kMicrosPerDay + nanos / 1000;
      }
      return;
    case Conversion::kFloat:
      need(raw.f32.size());
      CopyFixed(raw.f32, first, out.data<float>(), rows, count);
      return;
    case Conversion::kDouble:
      need(raw.f64.size());
      CopyFixed(raw.f64, first, out.data<double>(), rows, count);
      return;
    case Conversion::kBytes:
      need(raw.bytes.size());
      if (raw.bytes_owner) {
        // The values stay where they are: the vector keeps the page they lie in alive.
        for (size_t k = 0; k < count; ++k) out.data<string_t>()[rows[k]] = string_t(raw.bytes[first + k]);
        out.KeepAlive(raw.bytes_owner);
      } else {
        for (size_t k = 0; k < count; ++k) out.data<string_t>()[rows[k]] = out.AddString(raw.bytes[first + k]);
      }
      return;
    case Conversion::kBigEndianDecimal: {
      need(raw.bytes.size());
      const bool wide = out.type().physical() == PhysicalType::kInt128;
      for (size_t k = 0; k < count; ++k) {
        const std::string_view b = raw.bytes[first + k];
        if (b.size() > 16) Corrupt(path, "DECIMAL value wider than 16 bytes");
        unsigned __int128 v =
            (!b.empty() && (static_cast<uint8_t>(b[0]) & 0x80)) ? ~static_cast<unsigned __int128>(0) : 0;
        for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
        const auto s = static_cast<__int128>(v);
        if (wide) {
          out.data<__int128>()[rows[k]] = s;
        } else {
          if (s > INT64_MAX || s < INT64_MIN) Corrupt(path, "DECIMAL value exceeds its precision");
          out.data<int64_t>()[rows[k]] = static_cast<int64_t>(s);
        }
      }
      return;
    }
    case Conversion::kInterval:
      need(raw.bytes.size());
      for (size_t k = 0; k < count; ++k) {
        uint32_t parts[3];
        std::memcpy(parts, raw.bytes[first + k].data(), 12);
        interval_t iv;
        iv.months = static_cast<int32_t>(parts[0]);
        iv.days = static_cast<int32_t>(parts[1]);
        iv.micros = int64_t{static_cast<int32_t>(parts[2])} * 1000;
        out.data<interval_t>()[rows[k]] = iv;
      }
      return;
  }
}

}  // namespace

void ConvertValues(Conversion conversion, int64_t scale, const std::string& path, const std::string& column,
                   const RawValues& raw, size_t first, Vector& out, const uint32_t* rows, size_t count) {
  ConvertTo(conversion, scale, path, column, raw, first, out, ScatteredRows{rows}, count);
}

void ConvertValues(Conversion conversion, int64_t scale, const std::string& path, const std::string& column,
                   const RawValues& raw, size_t first, Vector& out, size_t base, size_t count) {
  ConvertTo(conversion, scale, path, column, raw, first, out, DenseRows{base}, count);
}

}  // namespace basin::parquet
