// string_agg and array_agg: aggregates that keep every row, in the order rows arrive.

#include "execution/aggregates/aggregate_helpers.h"

namespace basin::aggregates {
namespace {

// ---- string_agg(value, separator) ----

/// The text so far, each value preceded by its row's separator; the first separator is dropped at the
/// end (PostgreSQL's approach), so that combining two partial texts is a plain append.
struct StringAggOp {
  struct State {
    std::string* text;
    uint32_t first_separator_length;
  };
  static void Initialize(State& s) { s = {nullptr, 0}; }
  static void Append(State& s, std::string_view separator, std::string_view value) {
    if (!s.text) {
      s.text = new std::string();
      s.first_separator_length = static_cast<uint32_t>(separator.size());
    }
    s.text->append(separator);
    s.text->append(value);
  }
  static void Combine(const State& source, State& target) {
    if (!source.text) return;
    if (!target.text) {
      target.text = new std::string(*source.text);
      target.first_separator_length = source.first_separator_length;
    } else {
      target.text->append(*source.text);
    }
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    if (!s.text) {
      result.SetNull(row);
      return;
    }
    std::string_view text(*s.text);
    result.data<string_t>()[row] = result.AddString(text.substr(s.first_separator_length));
  }
  static void Destroy(State& s) {
    delete s.text;
    s.text = nullptr;
  }
  static void Serialize(const State& s, std::string& out) {
    PutFixed<uint8_t>(out, s.text != nullptr);
    if (!s.text) return;
    PutFixed<uint32_t>(out, s.first_separator_length);
    PutBytes(out, *s.text);
  }
  static void Deserialize(std::string_view& in, State& s) {
    if (!TakeFlag(in)) return;
    const auto first_separator_length = TakeFixed<uint32_t>(in);
    std::string_view text = TakeBytes(in);
    if (first_separator_length > text.size()) ThrowCorruptState("have a separator longer than its text");
    s.text = new std::string(text);
    s.first_separator_length = first_separator_length;
  }
};

/// Sees NULLs itself: a NULL value is skipped, a NULL separator counts as empty (as in PostgreSQL).
void StringAggUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  const Vector& values = args.column(0);
  const Vector& separators = args.column(1);
  const string_t* value_data = values.data<string_t>();
  const string_t* separator_data = separators.data<string_t>();
  bool values_constant = values.IsConstant(), separators_constant = separators.IsConstant();
  for (size_t i = 0; i < count; i++) {
    if (values.IsNull(i)) continue;
    std::string_view separator;
    if (!separators.IsNull(i)) separator = separator_data[separators_constant ? 0 : i].view();
    StringAggOp::Append(StateOf<StringAggOp::State>(states[i]), separator,
                        value_data[values_constant ? 0 : i].view());
  }
}

AggregateFunction MakeStringAgg(TypeId type) {
  AggregateFunction f =
      MakeAggregateWithUpdate<StringAggOp>("string_agg", {type, type}, type, StringAggUpdate);
  f.handles_nulls = true;
  f.order_dependent = true;
  return f;
}

// ---- array_agg(x) ----

/// The values of one group, of any element type: fixed-width values back to back, strings as owned
/// copies, nested lists as Values (rare enough that simplicity wins over speed).
struct ListBuffer {
  explicit ListBuffer(PhysicalType p) : physical(p), width(PhysicalSize(p)) {}

  void Append(const Vector& v, size_t row) {
    size_t i = v.IsConstant() ? 0 : row;
    bool is_valid = v.validity().RowIsValid(i);
    valid.push_back(is_valid);
    if (physical == PhysicalType::kString) {
      strings.push_back(is_valid ? v.data<string_t>()[i].str() : std::string());
    } else if (physical == PhysicalType::kList) {
      nested.push_back(v.GetValue(i));
    } else {
      bytes.insert(bytes.end(), v.data<uint8_t>() + i * width, v.data<uint8_t>() + (i + 1) * width);
    }
  }

  void Append(const ListBuffer& other) {
    valid.insert(valid.end(), other.valid.begin(), other.valid.end());
    bytes.insert(bytes.end(), other.bytes.begin(), other.bytes.end());
    strings.insert(strings.end(), other.strings.begin(), other.strings.end());
    nested.insert(nested.end(), other.nested.begin(), other.nested.end());
  }

  /// Write the values as one list into row `row` of `result`, appending them to its child vector.
  void WriteTo(Vector& result, size_t row) const {
    size_t n = valid.size(), offset = result.child_size();
    result.ReserveChild(n);
    Vector& child = result.child();
    if (physical == PhysicalType::kString) {
      for (size_t k = 0; k < n; k++) child.data<string_t>()[offset + k] = child.AddString(strings[k]);
    } else if (physical == PhysicalType::kList) {
      for (size_t k = 0; k < n; k++) child.SetValue(offset + k, nested[k]);
    } else if (n > 0) {
      std::memcpy(child.data<uint8_t>() + offset * width, bytes.data(), n * width);
    }
    for (size_t k = 0; k < n; k++) {
      if (valid[k]) continue;
      // The default validity grows to kVectorSize only; a child may be larger.
      if (child.validity().AllValid()) child.validity().Initialize(child.capacity());
      child.validity().SetInvalid(offset + k);
    }
    result.set_child_size(offset + n);
    result.data<list_entry_t>()[row] = {offset, n};
  }

  /// [u8 physical][u64 n][n validity bytes], then the n strings or the fixed-width values' bytes. Nested
  /// lists are not written (views refuse owned states over LIST arguments).
  void Serialize(std::string& out) const {
    if (physical == PhysicalType::kList) throw InternalError("array_agg of lists has no stored form");
    PutFixed<uint8_t>(out, static_cast<uint8_t>(physical));
    PutFixed<uint64_t>(out, valid.size());
    for (bool v : valid) out.push_back(v ? '\1' : '\0');
    if (physical == PhysicalType::kString) {
      for (const std::string& s : strings) PutBytes(out, s);
    } else {
      // A NULL element's slot holds whatever its vector held there: zeroed, so equal lists give equal bytes.
      std::string values(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      for (size_t k = 0; k < valid.size(); k++) {
        if (!valid[k]) std::memset(values.data() + k * width, 0, width);
      }
      PutBytes(out, values);
    }
  }
  /// The values Serialize wrote, into a new buffer (owned by the caller).
  static ListBuffer* Deserialize(std::string_view& in) {
    const auto physical = TakeFixed<uint8_t>(in);
    if (physical >= static_cast<uint8_t>(PhysicalType::kList)) ThrowCorruptState("name no element type");
    auto buffer = std::make_unique<ListBuffer>(static_cast<PhysicalType>(physical));
    const uint64_t n = TakeCount(in, 1);
    for (char v : TakeRaw(in, n)) {
      if (v != '\0' && v != '\1') ThrowCorruptState("have a validity byte that is neither 0 nor 1");
      buffer->valid.push_back(v == '\1');
    }
    if (buffer->physical == PhysicalType::kString) {
      for (uint64_t k = 0; k < n; k++) buffer->strings.emplace_back(TakeBytes(in));
    } else {
      std::string_view values = TakeBytes(in);
      if (values.size() != n * buffer->width) ThrowCorruptState("hold values of another size");
      buffer->bytes.assign(values.begin(), values.end());
    }
    return buffer.release();
  }

  PhysicalType physical;
  size_t width;
  std::vector<bool> valid;
  std::vector<uint8_t> bytes;
  std::vector<std::string> strings;
  std::vector<Value> nested;
};

struct ArrayAggOp {
  using State = ListBuffer*;
  static void Initialize(State& s) { s = nullptr; }
  static void Combine(const State& source, State& target) {
    if (!source) return;
    if (!target) target = new ListBuffer(source->physical);
    target->Append(*source);
  }
  static void Finalize(State& s, Vector& result, size_t row) {
    if (s) {
      s->WriteTo(result, row);
    } else {
      result.SetNull(row);  // array_agg of no rows is NULL, not an empty array
    }
  }
  static void Destroy(State& s) {
    delete s;
    s = nullptr;
  }
  static void Serialize(const State& s, std::string& out) {
    PutFixed<uint8_t>(out, s != nullptr);
    if (s) s->Serialize(out);
  }
  static void Deserialize(std::string_view& in, State& s) {
    if (TakeFlag(in)) s = ListBuffer::Deserialize(in);
  }
};

/// Keeps NULL elements, as PostgreSQL's array_agg does.
void ArrayAggUpdate(DataChunk& args, uint8_t** states, size_t count, const FunctionData*) {
  const Vector& v = args.column(0);
  PhysicalType physical = v.type().physical();
  for (size_t i = 0; i < count; i++) {
    auto& buffer = StateOf<ArrayAggOp::State>(states[i]);
    if (!buffer) buffer = new ListBuffer(physical);
    buffer->Append(v, i);
  }
}

std::unique_ptr<FunctionData> BindArrayAgg(std::vector<ExprPtr>& args, LogicalType& return_type) {
  return_type = LogicalType::List(args[0]->type);
  return nullptr;
}

AggregateFunction MakeArrayAgg() {
  AggregateFunction f = MakeAggregateWithUpdate<ArrayAggOp>(
      "array_agg", {TypeId::kInvalid}, LogicalType::List(TypeId::kInvalid), ArrayAggUpdate);
  f.bind = BindArrayAgg;
  f.handles_nulls = true;
  f.order_dependent = true;
  return f;
}

}  // namespace

void AddStringAndArrayAgg(AggregateSet& set) {
  set.Add(MakeStringAgg(TypeId::kVarchar));
  set.Add(MakeStringAgg(TypeId::kBlob));
  set.Add(MakeArrayAgg(), {"array_agg", "list"});
}

}  // namespace basin::aggregates
