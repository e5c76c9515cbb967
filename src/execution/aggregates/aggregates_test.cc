#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "execution/aggregates/aggregate_helpers.h"
#include "execution/aggregates/list_functions.h"

namespace basin::aggregates {
namespace {

const AggregateSet& Builtins() {
  static const AggregateSet set = BuiltinAggregates();
  return set;
}

/// An overload argument accepts `t` when equal, "any" (kInvalid), or any-DECIMAL for a decimal.
bool Accepts(const LogicalType& param, const LogicalType& t) {
  if (param.id() == TypeId::kInvalid) return true;
  if (param.id() == TypeId::kDecimal && param.width() == 0) return t.id() == TypeId::kDecimal;
  return param == t;
}

const AggregateFunction& Find(const std::string& name, const std::vector<LogicalType>& types) {
  for (const auto& f : Builtins().functions) {
    if (f.name != name || f.arguments.size() != types.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < types.size(); i++) ok = ok && Accepts(f.arguments[i], types[i]);
    if (ok) return f;
  }
  throw std::runtime_error("no aggregate " + name);
}

ExprPtr Column(const LogicalType& t) {
  auto e = std::make_unique<Expr>(ExprClass::kReference);
  e->type = t;
  return e;
}
ExprPtr Constant(const Value& v) {
  auto e = std::make_unique<Expr>(ExprClass::kConstant);
  e->type = v.type();
  e->value = v;
  return e;
}

/// Drives one aggregate as the hash-aggregate operator would: a state per group, updates with a group
/// per row, combine, finalize, destroy.
class Harness {
 public:
  /// `args` as the binder hands them over (constants included); bind runs if the function has one.
  Harness(const AggregateFunction& f, std::vector<ExprPtr> args, size_t groups) : f_(f) {
    return_type_ = f.return_type;
    if (f.bind) bind_data_ = f.bind(args, return_type_);
    size_t words = (f.state_size + 7) / 8;
    for (size_t g = 0; g < groups; g++) {
      states_.emplace_back(std::max<size_t>(words, 1));
      f.initialize(State(g), bind_data_.get());
    }
  }
  Harness(const AggregateFunction& f, const std::vector<LogicalType>& types, size_t groups = 1)
      : Harness(f, Columns(types), groups) {}
  ~Harness() {
    if (f_.destroy) {
      for (size_t g = 0; g < states_.size(); g++) f_.destroy(State(g));
    }
  }

  static std::vector<ExprPtr> Columns(const std::vector<LogicalType>& types) {
    std::vector<ExprPtr> args;
    for (const auto& t : types) args.push_back(Column(t));
    return args;
  }

  /// Fold `chunk` into the states; row i goes to group groups[i] (group 0 for all when empty).
  void Update(DataChunk& chunk, const std::vector<size_t>& groups = {}) {
    std::vector<uint8_t*> ptrs(chunk.size());
    for (size_t i = 0; i < chunk.size(); i++) ptrs[i] = State(groups.empty() ? 0 : groups[i]);
    f_.update(chunk, ptrs.data(), chunk.size(), bind_data_.get());
  }
  /// Fold `chunk` into state 0 through simple_update, as an aggregate without GROUP BY does.
  void UpdateSimple(DataChunk& chunk) {
    ASSERT_NE(f_.simple_update, nullptr);
    f_.simple_update(chunk, State(0), chunk.size(), bind_data_.get());
  }
  void Combine(size_t source, size_t target) { f_.combine(State(source), State(target), bind_data_.get()); }
  void Subtract(size_t source, size_t target) {
    ASSERT_NE(f_.subtract, nullptr);
    f_.subtract(State(source), State(target), bind_data_.get());
  }
  Value Finalize(size_t group = 0) {
    Vector result(return_type_);
    f_.finalize(State(group), result, 0, bind_data_.get());
    return result.GetValue(0);
  }
  const LogicalType& return_type() const { return return_type_; }
  /// State g's stored form (serialize).
  std::string Serialize(size_t g) {
    std::string out;
    f_.serialize(State(g), out, bind_data_.get());
    return out;
  }
  /// Replace state g by what `bytes` hold (deserialize into a fresh state); throws what it throws, and
  /// leaves state g live either way.
  void Deserialize(std::string_view bytes, size_t g) {
    f_.destroy(State(g));
    f_.initialize(State(g), bind_data_.get());
    f_.deserialize(bytes, State(g), bind_data_.get());
    EXPECT_TRUE(bytes.empty()) << "deserialize left bytes unread";
  }

 private:
  uint8_t* State(size_t g) { return reinterpret_cast<uint8_t*>(states_[g].data()); }

  const AggregateFunction& f_;
  LogicalType return_type_;
  std::unique_ptr<FunctionData> bind_data_;
  std::vector<std::vector<uint64_t>> states_;  // uint64_t words keep states 8-byte aligned
};

/// A chunk with one flat column per type, filled from rows of Values.
DataChunk Chunk(const std::vector<LogicalType>& types, const std::vector<std::vector<Value>>& rows) {
  DataChunk chunk(types, std::max(rows.size(), kVectorSize));
  for (size_t r = 0; r < rows.size(); r++) {
    for (size_t c = 0; c < types.size(); c++) chunk.SetValue(c, r, rows[r][c]);
  }
  chunk.SetCardinality(rows.size());
  return chunk;
}

/// A one-column chunk of `values`.
DataChunk Column(const LogicalType& type, const std::vector<Value>& values) {
  std::vector<std::vector<Value>> rows;
  for (const auto& v : values) rows.push_back({v});
  return Chunk({type}, rows);
}

Value I(int32_t v) {
  return Value::Integer(v);
}
Value NullOf(TypeId t) {
  return Value::Null(t);
}
Value Str(const std::string& s) {
  return Value::Varchar(s);
}
Value Dec(hugeint_t v, uint8_t w, uint8_t s) {
  return Value::Decimal(v, w, s);
}

TEST(AggregatesTest, CountStarAndCount) {
  DataChunk chunk = Column(TypeId::kInteger, {I(1), NullOf(TypeId::kInteger), I(3), I(4)});
  Harness star(Find("count_star", {}), std::vector<LogicalType>{}, 2);
  Harness count(Find("count", {TypeId::kInteger}), {TypeId::kInteger}, 2);
  DataChunk empty;
  empty.SetCardinality(4);
  star.Update(empty, {0, 0, 1, 1});
  count.Update(chunk, {0, 0, 1, 1});
  EXPECT_EQ(star.Finalize(0), Value::BigInt(2));
  EXPECT_EQ(count.Finalize(0), Value::BigInt(1));
  count.Combine(1, 0);
  EXPECT_EQ(count.Finalize(0), Value::BigInt(3));

  // A constant NULL argument counts nothing; a constant value counts every row.
  DataChunk constant;
  constant.Initialize({TypeId::kInteger});
  constant.column(0) = Vector(NullOf(TypeId::kInteger));
  constant.SetCardinality(5);
  Harness c2(Find("count", {TypeId::kInteger}), {TypeId::kInteger});
  c2.Update(constant);
  EXPECT_EQ(c2.Finalize(), Value::BigInt(0));
  constant.column(0) = Vector(I(7));
  c2.Update(constant);
  EXPECT_EQ(c2.Finalize(), Value::BigInt(5));
}

TEST(AggregatesTest, SumIntegers) {
  Harness sum(Find("sum", {TypeId::kInteger}), {TypeId::kInteger}, 3);
  EXPECT_EQ(sum.return_type(), LogicalType(TypeId::kBigInt));
  DataChunk chunk = Column(TypeId::kInteger, {I(INT32_MAX), I(INT32_MAX), NullOf(TypeId::kInteger), I(-5)});
  sum.Update(chunk, {0, 0, 1, 1});
  EXPECT_EQ(sum.Finalize(0), Value::BigInt(int64_t{INT32_MAX} * 2));
  EXPECT_EQ(sum.Finalize(1), Value::BigInt(-5));
  EXPECT_TRUE(sum.Finalize(2).IsNull());  // sum of no rows is NULL
  sum.Combine(1, 0);
  EXPECT_EQ(sum.Finalize(0), Value::BigInt(int64_t{INT32_MAX} * 2 - 5));

  // sum(bigint) is numeric: no overflow where bigint would have one.
  Harness big(Find("sum", {TypeId::kBigInt}), {TypeId::kBigInt});
  DataChunk bigs = Column(TypeId::kBigInt, {Value::BigInt(INT64_MAX), Value::BigInt(INT64_MAX)});
  big.Update(bigs);
  EXPECT_EQ(big.Finalize(), Dec(hugeint_t{INT64_MAX} * 2, 38, 0));
}

TEST(AggregatesTest, SumDecimalAndOverflow) {
  LogicalType d = LogicalType::Decimal(10, 2);
  Harness sum(Find("sum", {d}), {d});
  EXPECT_EQ(sum.return_type(), LogicalType::Decimal(38, 2));
  DataChunk chunk = Column(d, {Dec(150, 10, 2), Dec(-25, 10, 2), NullOf(TypeId::kDecimal)});
  sum.Update(chunk);
  EXPECT_EQ(sum.Finalize(), Dec(125, 38, 2));

  // 2 * 6e37 fits the 128-bit accumulator but not 38 digits; a third addition overflows 128 bits.
  LogicalType wide = LogicalType::Decimal(38, 0);
  hugeint_t big_value = DecimalLimit38() / 10 * 6;
  Harness overflow(Find("sum", {wide}), {wide});
  DataChunk big = Column(wide, {Dec(big_value, 38, 0), Dec(big_value, 38, 0)});
  overflow.Update(big);
  EXPECT_THROW(overflow.Finalize(), DataError);
  DataChunk more = Column(wide, {Dec(big_value, 38, 0)});
  EXPECT_THROW(overflow.Update(more), DataError);  // the 128-bit accumulator itself overflows
}

TEST(AggregatesTest, SumDoubleAndInterval) {
  Harness sum(Find("sum", {TypeId::kReal}), {TypeId::kReal});
  DataChunk chunk = Column(TypeId::kReal, {Value::Real(1.5f), Value::Real(2.25f)});
  sum.Update(chunk);
  EXPECT_EQ(sum.Finalize(), Value::Double(3.75));

  Harness iv(Find("sum", {TypeId::kInterval}), {TypeId::kInterval});
  DataChunk ivs = Column(TypeId::kInterval, {Value::Interval({1, 2, 3}), Value::Interval({1, 5, 10})});
  iv.Update(ivs);
  EXPECT_EQ(iv.Finalize(), Value::Interval({2, 7, 13}));
}

TEST(AggregatesTest, Avg) {
  Harness avg(Find("avg", {TypeId::kInteger}), {TypeId::kInteger}, 2);
  DataChunk chunk = Column(TypeId::kInteger, {I(1), I(2), NullOf(TypeId::kInteger), I(4)});
  avg.Update(chunk, {0, 0, 0, 1});
  EXPECT_EQ(avg.Finalize(0), Value::Double(1.5));
  avg.Combine(1, 0);
  EXPECT_EQ(avg.Finalize(0), Value::Double(7.0 / 3));

  // Exact decimal sum, divided once: 0.1 + 0.2 + 0.3 averages to exactly the double nearest 0.2.
  LogicalType d = LogicalType::Decimal(10, 1);
  Harness dec(Find("avg", {d}), {d});
  EXPECT_EQ(dec.return_type(), LogicalType(TypeId::kDouble));
  DataChunk decs = Column(d, {Dec(1, 10, 1), Dec(2, 10, 1), Dec(3, 10, 1)});
  dec.Update(decs);
  EXPECT_EQ(dec.Finalize().GetDouble(), 0.2);

  // avg('1 mon', '2 days') is '16 days': the half month spills into days.
  Harness iv(Find("avg", {TypeId::kInterval}), {TypeId::kInterval});
  DataChunk ivs = Column(TypeId::kInterval, {Value::Interval({1, 0, 0}), Value::Interval({0, 2, 0})});
  iv.Update(ivs);
  EXPECT_EQ(iv.Finalize(), Value::Interval({0, 16, 0}));
}

TEST(AggregatesTest, OnlyCountSumAndAvgSubtract) {
  const std::set<std::string> invertible = {"count", "count_star", "sum", "avg", "mean"};
  for (const AggregateFunction& f : Builtins().functions) {
    EXPECT_EQ(f.subtract != nullptr, invertible.count(f.name) > 0) << f.name;
  }
}

// Subtract undoes Combine for every overload: (A + B) - B finalizes as A, an empty or all-NULL B changes
// nothing, and retracting every value of a group leaves count 0 and avg NULL.
TEST(AggregatesTest, SubtractUndoesCombine) {
  struct Case {
    LogicalType type;
    std::vector<Value> a, b;
  };
  const Value big = Dec(DecimalLimit38() / 10 * 4, 38, 0);  // A + B still fits 38 digits
  const std::vector<Case> cases = {
      {TypeId::kSmallInt,
       {Value::SmallInt(3), NullOf(TypeId::kSmallInt), Value::SmallInt(-7)},
       {Value::SmallInt(40), Value::SmallInt(2)}},
      {TypeId::kInteger, {I(INT32_MAX), NullOf(TypeId::kInteger), I(-5)}, {I(INT32_MAX), I(1)}},
      {TypeId::kBigInt,
       {Value::BigInt(INT64_MAX), Value::BigInt(-3)},
       {Value::BigInt(INT64_MAX), NullOf(TypeId::kBigInt)}},
      {LogicalType::Decimal(10, 2),
       {Dec(150, 10, 2), Dec(-25, 10, 2), NullOf(TypeId::kDecimal)},
       {Dec(999, 10, 2), Dec(1, 10, 2)}},
      {LogicalType::Decimal(38, 0), {big, Dec(1, 38, 0)}, {big}},
      {TypeId::kReal, {Value::Real(1.5f), Value::Real(2.25f)}, {Value::Real(0.5f)}},
      {TypeId::kDouble,
       {Value::Double(1.5), Value::Double(0.25)},
       {Value::Double(1e3), NullOf(TypeId::kDouble)}},
      {TypeId::kInterval,
       {Value::Interval({1, 2, 3}), Value::Interval({1, 5, 10})},
       {Value::Interval({0, 40, -7}), NullOf(TypeId::kInterval)}},
  };
  for (const char* name : {"sum", "avg", "mean", "count"}) {
    for (const Case& c : cases) {
      const std::string what = std::string(name) + "(" + c.type.ToString() + ")";
      // Groups: 0 = A, then A + B - B; 1 = B; 2 = A, as a batch gives it; 3 = nothing; 4 = all NULL.
      Harness h(Find(name, {c.type}), {c.type}, 5);
      DataChunk a = Column(c.type, c.a), b = Column(c.type, c.b);
      DataChunk nulls = Column(c.type, {Value::Null(c.type), Value::Null(c.type)});
      h.Update(a, std::vector<size_t>(c.a.size(), 0));
      h.Update(a, std::vector<size_t>(c.a.size(), 2));
      h.Update(b, std::vector<size_t>(c.b.size(), 1));
      h.Update(nulls, {4, 4});
      h.Combine(1, 0);
      EXPECT_NE(h.Finalize(0), h.Finalize(2)) << what;
      h.Subtract(1, 0);
      EXPECT_EQ(h.Finalize(0), h.Finalize(2)) << what;
      h.Subtract(3, 0);
      h.Subtract(4, 0);
      EXPECT_EQ(h.Finalize(0), h.Finalize(2)) << what << " less nothing";
      h.Subtract(3, 4);
      EXPECT_EQ(h.Finalize(4), h.Finalize(3)) << what << " all NULL";

      // Every value retracted: count and avg (and interval sums, which count) say "no rows" again; the
      // other sums' "has a value" flag stays set, so they say 0 (AggregateStates counts values for them).
      h.Combine(2, 3);
      h.Subtract(2, 3);
      const Value empty = h.Finalize(3);
      if (std::string(name) == "count") {
        EXPECT_EQ(empty, Value::BigInt(0)) << what;
      } else if (std::string(name) != "sum" || c.type.id() == TypeId::kInterval) {
        EXPECT_TRUE(empty.IsNull()) << what;
      } else {
        EXPECT_FALSE(empty.IsNull()) << what;
        EXPECT_EQ(empty.ToString().find_first_not_of("0."), std::string::npos)
            << what << ": " << empty.ToString();
      }
    }
  }
  Harness star(Find("count_star", {}), std::vector<LogicalType>{}, 2);
  DataChunk rows;
  rows.SetCardinality(5);
  star.Update(rows, {0, 0, 0, 1, 1});
  star.Subtract(1, 0);
  EXPECT_EQ(star.Finalize(0), Value::BigInt(1));
}

TEST(AggregatesTest, SubtractChecksOverflow) {
  // -6e37 twice, less 6e37 twice: -2.4e38 does not fit the 128-bit accumulator.
  LogicalType wide = LogicalType::Decimal(38, 0);
  const hugeint_t big_value = DecimalLimit38() / 10 * 6;
  for (const char* name : {"sum", "avg"}) {
    Harness h(Find(name, {wide}), {wide}, 2);
    DataChunk chunk = Column(
        wide, {Dec(-big_value, 38, 0), Dec(-big_value, 38, 0), Dec(big_value, 38, 0), Dec(big_value, 38, 0)});
    h.Update(chunk, {0, 0, 1, 1});
    EXPECT_THROW(h.Subtract(1, 0), DataError) << name;
  }
}

TEST(AggregatesTest, MinMaxOwnStrings) {
  Harness min(Find("min", {TypeId::kVarchar}), {TypeId::kVarchar}, 2);
  Harness max(Find("max", {TypeId::kVarchar}), {TypeId::kVarchar}, 2);
  {
    // Long strings live in the chunk's heap, which dies at the end of this block.
    DataChunk chunk = Column(TypeId::kVarchar, {Str("a rather long string value"), Str("b"),
                                                NullOf(TypeId::kVarchar), Str("another long string value")});
    min.Update(chunk, {0, 0, 1, 1});
    max.Update(chunk, {0, 0, 1, 1});
  }
  EXPECT_EQ(min.Finalize(0), Str("a rather long string value"));
  EXPECT_EQ(max.Finalize(0), Str("b"));
  min.Combine(1, 0);
  EXPECT_EQ(min.Finalize(0), Str("a rather long string value"));
  max.Combine(0, 1);
  EXPECT_EQ(max.Finalize(1), Str("b"));
}

TEST(AggregatesTest, SimpleUpdateAgreesWithGroupedUpdate) {
  struct Case {
    std::string name;
    LogicalType type;
    std::vector<Value> values;
  };
  const std::vector<Case> cases = {
      {"sum", TypeId::kInteger, {I(3), NullOf(TypeId::kInteger), I(-7), I(40)}},
      {"sum", LogicalType::Decimal(18, 2), {Dec(150, 18, 2), Dec(-25, 18, 2), NullOf(TypeId::kDecimal)}},
      {"avg", TypeId::kDouble, {Value::Double(1.5), Value::Double(2.5), NullOf(TypeId::kDouble)}},
      {"median", TypeId::kInteger, {I(9), I(1), I(5), NullOf(TypeId::kInteger)}},
      {"max", TypeId::kVarchar, {Str("a long string, longer than twelve"), Str("zz"), NullOf(TypeId::kVarchar),
                                 Str("a long string, longer than thirteen")}},
      {"min", TypeId::kVarchar, {Str("b long string, longer than twelve"), Str("b long string, longer"),
                                 Str("c"), Str("b long")}},
      {"count", TypeId::kInteger, {I(1), NullOf(TypeId::kInteger), I(3)}},
  };
  for (const Case& c : cases) {
    const AggregateFunction& f = Find(c.name, {c.type});
    Harness grouped(f, {c.type}), simple(f, {c.type});
    {
      DataChunk chunk = Column(c.type, c.values);
      grouped.Update(chunk);
      simple.UpdateSimple(chunk);
    }
    EXPECT_EQ(simple.Finalize(), grouped.Finalize()) << c.name;
  }
}

TEST(AggregatesTest, MinMaxOfIntegerRunsAnyLength) {
  // Runs without NULLs fold in 16 lanes: lengths around the lane count, winners at either end and inside.
  std::mt19937 rng(7);
  for (size_t n : {1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 100, 2048}) {
    for (size_t at : {size_t{0}, n / 2, n - 1}) {
      std::vector<Value> values;
      for (size_t i = 0; i < n; i++) values.push_back(Value::BigInt(static_cast<int64_t>(rng() % 1000)));
      values[at] = Value::BigInt(5000);
      values[(at + 1) % n] = Value::BigInt(n == 1 ? 5000 : -5000);
      for (const char* name : {"max", "min"}) {
        Harness h(Find(name, {TypeId::kBigInt}), {TypeId::kBigInt});
        DataChunk chunk = Column(TypeId::kBigInt, values);
        h.UpdateSimple(chunk);
        EXPECT_EQ(h.Finalize(), Value::BigInt(std::string(name) == "max" || n == 1 ? 5000 : -5000))
            << name << " of " << n << ", winner at " << at;
      }
    }
  }
}

TEST(AggregatesTest, MinMaxOtherTypes) {
  auto run = [](const char* name, const LogicalType& t, const std::vector<Value>& values) {
    Harness h(Find(name, {t}), {t});
    DataChunk chunk = Column(t, values);
    h.Update(chunk);
    return h.Finalize();
  };
  EXPECT_EQ(run("min", TypeId::kDate, {Value::Date(5), Value::Date(-3)}), Value::Date(-3));
  EXPECT_EQ(run("max", TypeId::kTimestamp, {Value::Timestamp(5), Value::Timestamp(9)}), Value::Timestamp(9));
  // Intervals compare normalised: 1 month (30 days) > 29 days.
  EXPECT_EQ(run("max", TypeId::kInterval, {Value::Interval({1, 0, 0}), Value::Interval({0, 29, 0})}),
            Value::Interval({1, 0, 0}));
  EXPECT_EQ(run("min", TypeId::kBoolean, {Value::Boolean(true), Value::Boolean(false)}),
            Value::Boolean(false));
  EXPECT_TRUE(std::isnan(run("max", TypeId::kDouble, {Value::Double(1), Value::Double(NAN)}).GetDouble()));
  EXPECT_EQ(run("min", TypeId::kDouble, {Value::Double(NAN), Value::Double(1)}), Value::Double(1));
  LogicalType narrow = LogicalType::Decimal(9, 2), wide = LogicalType::Decimal(30, 2);
  EXPECT_EQ(run("min", narrow, {Dec(5, 9, 2), Dec(-7, 9, 2)}), Dec(-7, 9, 2));
  hugeint_t huge = hugeint_t{1} << 100;
  EXPECT_EQ(run("max", wide, {Dec(huge, 30, 2), Dec(-huge, 30, 2)}), Dec(huge, 30, 2));
  EXPECT_EQ(run("first", TypeId::kInteger, {NullOf(TypeId::kInteger), I(3), I(4)}), I(3));
  EXPECT_EQ(run("last", TypeId::kInteger, {I(3), I(4), NullOf(TypeId::kInteger)}), I(4));
  EXPECT_TRUE(run("min", TypeId::kInteger, {NullOf(TypeId::kInteger)}).IsNull());
}

TEST(AggregatesTest, BoolAndBitwise) {
  DataChunk chunk =
      Column(TypeId::kBoolean, {Value::Boolean(true), Value::Boolean(false), NullOf(TypeId::kBoolean)});
  Harness all(Find("every", {TypeId::kBoolean}), {TypeId::kBoolean});
  Harness any(Find("bool_or", {TypeId::kBoolean}), {TypeId::kBoolean});
  all.Update(chunk);
  any.Update(chunk);
  EXPECT_EQ(all.Finalize(), Value::Boolean(false));
  EXPECT_EQ(any.Finalize(), Value::Boolean(true));
  Harness bits(Find("bit_or", {TypeId::kInteger}), {TypeId::kInteger});
  DataChunk ints = Column(TypeId::kInteger, {I(1), I(4), NullOf(TypeId::kInteger)});
  bits.Update(ints);
  EXPECT_EQ(bits.Finalize(), I(5));
}

TEST(AggregatesTest, VarianceCombinesPartials) {
  const char* names[] = {"var_samp", "var_pop", "stddev", "stddev_pop"};
  // Values are 1000 * (1..10) + 1e6: variances scale by 1e6, deviations by 1e3.
  double expected[] = {55.0 / 6 * 1e6, 8.25e6, std::sqrt(55.0 / 6) * 1e3, std::sqrt(8.25) * 1e3};
  for (int k = 0; k < 4; k++) {
    Harness h(Find(names[k], {TypeId::kInteger}), {TypeId::kInteger}, 2);
    std::vector<Value> values;
    std::vector<size_t> groups;
    for (int i = 1; i <= 10; i++) {
      values.push_back(I(i * 1000 + 1000000));  // an offset that would hurt a naive sum of squares
      groups.push_back(i % 3 == 0 ? 1 : 0);
    }
    values.push_back(NullOf(TypeId::kInteger));
    groups.push_back(0);
    DataChunk chunk = Column(TypeId::kInteger, values);
    h.Update(chunk, groups);
    h.Combine(1, 0);
    EXPECT_NEAR(h.Finalize(0).GetDouble(), expected[k], 1e-6) << names[k];
  }
  Harness one(Find("var_samp", {TypeId::kDouble}), {TypeId::kDouble});
  DataChunk single = Column(TypeId::kDouble, {Value::Double(1)});
  one.Update(single);
  EXPECT_TRUE(one.Finalize().IsNull());  // sample variance needs two rows
}

TEST(AggregatesTest, Regression) {
  std::vector<std::vector<Value>> rows;
  for (int x = 0; x < 20; x++) rows.push_back({Value::Double(2 * x + 1), Value::Double(x)});
  rows.push_back({NullOf(TypeId::kDouble), Value::Double(100)});
  DataChunk chunk = Chunk({TypeId::kDouble, TypeId::kDouble}, rows);
  std::vector<size_t> groups;
  for (size_t i = 0; i < rows.size(); i++) groups.push_back(i % 2);
  auto run = [&](const char* name) {
    Harness h(Find(name, {TypeId::kDouble, TypeId::kDouble}), {TypeId::kDouble, TypeId::kDouble}, 2);
    h.Update(chunk, groups);
    h.Combine(1, 0);
    return h.Finalize(0);
  };
  EXPECT_NEAR(run("regr_slope").GetDouble(), 2, 1e-12);
  EXPECT_NEAR(run("regr_intercept").GetDouble(), 1, 1e-12);
  EXPECT_NEAR(run("corr").GetDouble(), 1, 1e-12);
  EXPECT_NEAR(run("covar_pop").GetDouble(), 2 * 33.25, 1e-9);  // var_pop of 0..19 is 33.25
  EXPECT_EQ(run("regr_count"), Value::BigInt(20));
}

TEST(AggregatesTest, StringAggKeepsOrder) {
  Harness h(Find("string_agg", {TypeId::kVarchar, TypeId::kVarchar}), {TypeId::kVarchar, TypeId::kVarchar},
            2);
  DataChunk chunk =
      Chunk({TypeId::kVarchar, TypeId::kVarchar}, {{Str("a"), Str(", ")},
                                                   {Str("b"), Str(", ")},
                                                   {NullOf(TypeId::kVarchar), Str("!")},
                                                   {Str("a long value over twelve bytes"), Str("; ")},
                                                   {Str("x"), Str("-")},
                                                   {Str("y"), NullOf(TypeId::kVarchar)}});
  h.Update(chunk, {0, 0, 0, 0, 1, 1});
  EXPECT_EQ(h.Finalize(0), Str("a, b; a long value over twelve bytes"));
  EXPECT_EQ(h.Finalize(1), Str("xy"));
  h.Combine(1, 0);
  EXPECT_EQ(h.Finalize(0), Str("a, b; a long value over twelve bytes-xy"));
}

TEST(AggregatesTest, ArrayAggKeepsNulls) {
  Harness ints(Find("array_agg", {TypeId::kInteger}), {TypeId::kInteger}, 3);
  EXPECT_EQ(ints.return_type(), LogicalType::List(TypeId::kInteger));
  DataChunk chunk = Column(TypeId::kInteger, {I(1), NullOf(TypeId::kInteger), I(3), I(4)});
  ints.Update(chunk, {0, 0, 0, 1});
  ints.Combine(1, 0);
  EXPECT_EQ(ints.Finalize(0), Value::List(TypeId::kInteger, {I(1), NullOf(TypeId::kInteger), I(3), I(4)}));
  EXPECT_TRUE(ints.Finalize(2).IsNull());

  Harness strs(Find("array_agg", {TypeId::kVarchar}), {TypeId::kVarchar});
  {
    DataChunk s = Column(TypeId::kVarchar, {Str("short"), Str("a string longer than twelve")});
    strs.Update(s);
  }
  EXPECT_EQ(strs.Finalize(),
            Value::List(TypeId::kVarchar, {Str("short"), Str("a string longer than twelve")}));
}

TEST(AggregatesTest, ApproxCountDistinctWithinTwoPercent) {
  Harness h(Find("approx_count_distinct", {TypeId::kBigInt}), {TypeId::kBigInt}, 2);
  const int64_t kDistinct = 100000;
  for (int64_t start = 0; start < 2 * kDistinct; start += kVectorSize) {
    DataChunk chunk({TypeId::kBigInt});
    size_t n = std::min<int64_t>(kVectorSize, 2 * kDistinct - start);
    std::vector<size_t> groups(n);
    for (size_t i = 0; i < n; i++) {
      chunk.column(0).data<int64_t>()[i] = (start + static_cast<int64_t>(i)) % kDistinct;  // each value twice
      groups[i] = (start / kVectorSize) % 2;
    }
    chunk.SetCardinality(n);
    h.Update(chunk, groups);
  }
  h.Combine(1, 0);
  double estimate = static_cast<double>(h.Finalize(0).GetInt64());
  EXPECT_NEAR(estimate, kDistinct, kDistinct * 0.02);

  Harness strings(Find("approx_count_distinct", {TypeId::kVarchar}), {TypeId::kVarchar});
  std::vector<Value> values;
  for (int i = 0; i < 1000; i++) values.push_back(Str("value number " + std::to_string(i % 100)));
  DataChunk chunk = Column(TypeId::kVarchar, values);
  strings.Update(chunk);
  EXPECT_NEAR(static_cast<double>(strings.Finalize().GetInt64()), 100, 2);  // linear counting: near exact
}

TEST(AggregatesTest, Percentiles) {
  DataChunk chunk = Column(TypeId::kDouble, {Value::Double(4), Value::Double(1), NullOf(TypeId::kDouble),
                                             Value::Double(3), Value::Double(2)});
  auto percentile = [&](const char* name, double fraction) {
    std::vector<ExprPtr> args;
    args.push_back(Constant(Value::Double(fraction)));
    args.push_back(Column(LogicalType(TypeId::kDouble)));
    Harness h(Find(name, {TypeId::kDouble, TypeId::kDouble}), std::move(args), 2);
    h.Update(chunk, {0, 1, 0, 1, 0});
    h.Combine(1, 0);
    return h.Finalize(0);
  };
  EXPECT_EQ(percentile("percentile_cont", 0.25), Value::Double(1.75));
  EXPECT_EQ(percentile("percentile_cont", 1), Value::Double(4));
  EXPECT_EQ(percentile("percentile_disc", 0.5), Value::Double(2));
  EXPECT_EQ(percentile("percentile_disc", 0), Value::Double(1));
  EXPECT_THROW(percentile("percentile_cont", 1.5), DataError);

  Harness median(Find("median", {TypeId::kInteger}), {TypeId::kInteger});
  DataChunk ints = Column(TypeId::kInteger, {I(10), I(1), I(5), I(2)});
  median.Update(ints);
  EXPECT_EQ(median.Finalize(), Value::Double(3.5));

  // quantile_cont(x, f): DuckDB's spelling with the fraction last.
  std::vector<ExprPtr> args;
  args.push_back(Column(LogicalType(TypeId::kInteger)));
  args.push_back(Constant(Value::Double(0.5)));
  Harness q(Find("quantile_cont", {TypeId::kInteger, TypeId::kDouble}), std::move(args), 1);
  DataChunk one_column = Column(TypeId::kInteger, {I(10), I(1), I(5), I(2)});
  q.Update(one_column);
  EXPECT_EQ(q.Finalize(), Value::Double(3.5));

  Harness mode(Find("mode", {TypeId::kVarchar}), {TypeId::kVarchar});
  DataChunk strs = Column(TypeId::kVarchar, {Str("b"), Str("a"), Str("b"), Str("a"), Str("c")});
  mode.Update(strs);
  EXPECT_EQ(mode.Finalize(), Str("a"));  // ties go to the smallest value
}

// Views keep states as bytes: every state that owns memory must have a stored form.
TEST(AggregatesTest, EveryStateThatOwnsMemoryHasAStoredForm) {
  size_t owned = 0;
  for (const AggregateFunction& f : Builtins().functions) {
    if (!f.destroy) continue;
    owned++;
    EXPECT_NE(f.serialize, nullptr) << f.name;
    EXPECT_NE(f.deserialize, nullptr) << f.name;
  }
  EXPECT_GT(owned, 10u);
}

// A state written as bytes and read back (into group 1) finalizes as the original, also after more rows
// are combined into it; an empty state too; every truncation of the bytes is a DataError, never a crash.
TEST(AggregatesTest, OwnedStatesRoundTripThroughBytes) {
  struct Case {
    const char* name;
    std::vector<LogicalType> types;
    std::vector<std::vector<Value>> first, second;
  };
  const LogicalType v = TypeId::kVarchar, i = TypeId::kInteger, d = TypeId::kDouble;
  const std::string long_text(40, 'x');  // not inlined: the state owns a copy
  const std::vector<Case> cases = {
      {"max", {v}, {{Str("pear")}, {Str(long_text)}, {NullOf(TypeId::kVarchar)}}, {{Str("zebra")}}},
      {"min", {v}, {{Str(long_text + "b")}, {Str(long_text + "a")}}, {{Str("b")}}},
      {"string_agg", {v, v}, {{Str("a"), Str(",")}, {Str(long_text), Str(";")}}, {{Str("c"), Str("-")}}},
      {"array_agg", {i}, {{I(3)}, {NullOf(TypeId::kInteger)}, {I(1)}}, {{I(7)}}},
      {"array_agg", {v}, {{Str(long_text)}, {NullOf(TypeId::kVarchar)}}, {{Str("b")}}},
      {"approx_count_distinct", {i}, {{I(1)}, {I(2)}, {I(2)}}, {{I(3)}, {I(1)}}},
      {"median", {d}, {{Value::Double(4)}, {Value::Double(1)}}, {{Value::Double(2)}}},
      {"mode", {v}, {{Str("b")}, {Str(long_text)}, {Str("b")}}, {{Str(long_text)}, {Str(long_text)}}},
      {"mode", {i}, {{I(5)}, {I(5)}}, {{I(6)}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Harness h(Find(c.name, c.types), c.types, 3);
    EXPECT_EQ(h.Finalize(1), h.Finalize(0));  // NULL (0 for approx_count_distinct): nothing folded yet
    h.Deserialize(h.Serialize(0), 1);
    EXPECT_EQ(h.Finalize(1), h.Finalize(0));

    DataChunk first = Chunk(c.types, c.first), second = Chunk(c.types, c.second);
    h.Update(first);
    const std::string bytes = h.Serialize(0);
    h.Deserialize(bytes, 1);
    EXPECT_EQ(h.Serialize(1), bytes);
    h.Update(second, std::vector<size_t>(second.size(), 2));
    h.Combine(2, 0);
    h.Combine(2, 1);
    EXPECT_EQ(h.Finalize(1), h.Finalize(0));
    EXPECT_FALSE(h.Finalize(1).IsNull());

    for (size_t n = 0; n < bytes.size(); n++) {
      EXPECT_THROW(h.Deserialize(std::string_view(bytes).substr(0, n), 1), DataError) << n << " bytes";
    }
  }
}

TEST(AggregatesTest, GarbledStateBytesAreRefused) {
  Harness h(Find("string_agg", {TypeId::kVarchar, TypeId::kVarchar}), {TypeId::kVarchar, TypeId::kVarchar});
  EXPECT_THROW(h.Deserialize(std::string("\2", 1), 0), DataError);  // a flag that is neither 0 nor 1
  Harness values(Find("median", {TypeId::kDouble}), {TypeId::kDouble});
  std::string count_too_large("\1", 1);
  count_too_large.append(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8));
  try {
    values.Deserialize(count_too_large, 0);
    ADD_FAILURE() << "accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "XX001");
  }
}

TEST(ListFunctionsTest, LengthAndContains) {
  std::vector<ScalarFunction> functions = ListScalarFunctions();
  auto find = [&](const std::string& name, size_t n) -> const ScalarFunction& {
    for (const auto& f : functions) {
      if (f.name == name && f.arguments.size() == n) return f;
    }
    throw std::runtime_error("no function " + name);
  };
  LogicalType list = LogicalType::List(TypeId::kInteger);
  DataChunk chunk({list, TypeId::kInteger});
  chunk.SetValue(0, 0, Value::List(TypeId::kInteger, {I(1), I(2), I(3)}));
  chunk.SetValue(0, 1, Value::List(TypeId::kInteger, {}));
  chunk.SetValue(0, 2, Value::Null(list));
  chunk.SetValue(0, 3, Value::List(TypeId::kInteger, {NullOf(TypeId::kInteger), I(7)}));
  for (int r = 0; r < 4; r++) chunk.SetValue(1, r, r == 0 ? I(3) : I(7));
  chunk.SetCardinality(4);
  FunctionContext ctx;
  auto call = [&](const ScalarFunction& f) {
    Vector result(f.return_type);
    f.kernel(chunk, ctx, result);
    std::vector<Value> out;
    for (size_t i = 0; i < 4; i++) out.push_back(result.GetValue(i));
    return out;
  };
  auto len = call(find("len", 1));
  EXPECT_EQ(len[0], Value::BigInt(3));
  EXPECT_EQ(len[1], Value::BigInt(0));
  EXPECT_TRUE(len[2].IsNull());
  auto contains = call(find("list_contains", 2));
  EXPECT_EQ(contains[0], Value::Boolean(true));
  EXPECT_EQ(contains[1], Value::Boolean(false));
  EXPECT_TRUE(contains[2].IsNull());
  EXPECT_EQ(contains[3], Value::Boolean(true));
  auto position = call(find("array_position", 2));
  EXPECT_EQ(position[0], I(3));
  EXPECT_TRUE(position[1].IsNull());
  EXPECT_EQ(position[3], I(2));
}

}  // namespace
}  // namespace basin::aggregates
