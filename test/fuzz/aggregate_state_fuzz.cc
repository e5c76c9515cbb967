// Fuzz target for the bytes materialized views keep their aggregate states in (stream::AggregateStates,
// with states that own memory: AggregateFunction::serialize / deserialize). Any byte string must load or
// fail with a DataError, never crash, leak or read out of bounds; what loads must store again as bytes
// that load back to the same bytes, and finalize (or fail with a DataError). The first byte's low bit picks the input's meaning: 0, the
// bytes themselves; 1, rows to fold (one byte each, up to the second byte's count), whose stored bytes are
// then damaged by (position, xor) pairs from the rest and truncated when the bit 2 of the first byte says,
// so that mutations reach every state's reader past the framing.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/exception.h"
#include "execution/function.h"
#include "stream/aggregate_states.h"

namespace {

using namespace basin;

ExprPtr Call(const std::string& name, const std::vector<LogicalType>& arguments) {
  for (const AggregateFunction& f : *FunctionRegistry::Get().FindAggregate(name)) {
    bool match = f.arguments.size() == arguments.size();
    for (size_t i = 0; match && i < arguments.size(); i++)
      match = f.arguments[i] == arguments[i] || f.arguments[i].id() == TypeId::kInvalid;
    if (!match) continue;
    auto e = std::make_unique<Expr>(ExprClass::kAggregate);
    e->name = name;
    e->aggregate = &f;
    e->type = f.return_type;
    for (const LogicalType& t : arguments) {
      e->children.push_back(std::make_unique<Expr>(ExprClass::kReference));
      e->children.back()->type = t;
    }
    if (f.bind) e->bind_data = f.bind(e->children, e->type);
    return e;
  }
  std::abort();
}

/// max(v), string_agg(v, v), array_agg(v), array_agg(i), approx_count_distinct(i), median(d), mode(v),
/// sum(i): over a VARCHAR v, an INTEGER i and a DOUBLE d.
struct Fixture {
  Fixture() {
    const LogicalType v = TypeId::kVarchar, i = TypeId::kInteger, d = TypeId::kDouble;
    exprs.push_back(Call("max", {v}));
    exprs.push_back(Call("string_agg", {v, v}));
    exprs.push_back(Call("array_agg", {v}));
    exprs.push_back(Call("array_agg", {i}));
    exprs.push_back(Call("approx_count_distinct", {i}));
    exprs.push_back(Call("median", {d}));
    exprs.push_back(Call("mode", {v}));
    exprs.push_back(Call("sum", {i}));
    std::vector<const Expr*> pointers;
    for (auto& e : exprs) pointers.push_back(e.get());
    states = std::make_unique<stream::AggregateStates>(pointers);
  }
  std::vector<ExprPtr> exprs;
  std::unique_ptr<stream::AggregateStates> states;
};

/// Fold one row per byte: strings of a length and letter the byte picks (some too long to be inlined).
void Fold(const stream::AggregateStates& states, uint8_t* payload, const uint8_t* data, size_t n) {
  const LogicalType v = TypeId::kVarchar, i = TypeId::kInteger, d = TypeId::kDouble;
  DataChunk text(std::vector<LogicalType>{v}, n), agg(std::vector<LogicalType>{v, v}, n),
      ints(std::vector<LogicalType>{i}, n), dbl(std::vector<LogicalType>{d}, n);
  for (size_t r = 0; r < n; r++) {
    const uint8_t b = data[r];
    const Value s = b % 11 == 0 ? Value::Null(v) : Value::Varchar(std::string(b % 29, char('a' + b % 26)));
    text.SetValue(0, r, s);
    agg.SetValue(0, r, s);
    agg.SetValue(1, r, Value::Varchar(b % 2 ? "," : ";;"));
    ints.SetValue(0, r, b % 7 == 0 ? Value::Null(i) : Value::Integer(b));
    dbl.SetValue(0, r, Value::Double(b / 3.0));
  }
  for (DataChunk* c : {&text, &agg, &ints, &dbl}) c->SetCardinality(n);
  std::vector<uint8_t*> payloads(n, payload);
  DataChunk* args[] = {&text, &agg, &text, &ints, &ints, &dbl, &text, &ints};
  for (size_t a = 0; a < states.count(); a++) states.Update(a, *args[a], payloads.data(), n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  const stream::AggregateStates& states = *fixture.states;
  if (size == 0) return 0;
  std::string bytes;
  if ((data[0] & 1) == 0) {
    bytes.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    const size_t rows = size > 1 ? std::min<size_t>(data[1], size - 2) : 0;
    stream::StateBuffer folded(states);
    if (rows > 0) Fold(states, folded.data(), data + 2, rows);
    bytes = states.Bytes(folded.data());
    for (size_t k = 2 + rows; k + 1 < size; k += 2) bytes[(data[k] * 7u) % bytes.size()] ^= char(data[k + 1]);
    if (data[0] & 4) bytes.resize(bytes.size() - (size % (bytes.size() + 1)));
  }
  stream::StateBuffer loaded(states);
  try {
    states.Load(bytes, loaded.data());
  } catch (const DataError&) {
    return 0;
  }
  std::vector<LogicalType> types;
  for (auto& e : fixture.exprs) types.push_back(e->type);
  DataChunk out(types);
  const std::string stored = states.Bytes(loaded.data());
  stream::StateBuffer again(states);
  states.Load(stored, again.data());
  if (states.Bytes(again.data()) != stored) std::abort();
  try {
    states.Finalize(loaded.data(), out, 0, 0);
  } catch (const DataError&) {
    // A garbled plain state may hold a value its result type cannot (a sum out of BIGINT's range).
  }
  return 0;
}
