#include "stream/aggregate_states.h"

#include <gtest/gtest.h>

#include <deque>

#include "common/exception.h"
#include "execution/function.h"

namespace basin::stream {
namespace {

/// A bound aggregate call `name(arguments...)`, as the binder makes it.
ExprPtr AggregateOf(const std::string& name, const std::vector<LogicalType>& arguments) {
  for (const AggregateFunction& f : *FunctionRegistry::Get().FindAggregate(name)) {
    if (f.arguments.size() != arguments.size()) continue;
    bool match = true;
    for (size_t i = 0; i < arguments.size(); i++) {
      // An overload taking "any DECIMAL" (width 0) takes every decimal.
      const bool any_decimal = arguments[i].id() == TypeId::kDecimal &&
                               f.arguments[i].id() == TypeId::kDecimal && f.arguments[i].width() == 0;
      match =
          match && (f.arguments[i] == arguments[i] || f.arguments[i].id() == TypeId::kInvalid || any_decimal);
    }
    if (!match) continue;
    auto e = std::make_unique<Expr>(ExprClass::kAggregate);
    e->name = name;
    e->aggregate = &f;
    e->type = f.return_type;
    for (const LogicalType& type : arguments) {
      auto column = std::make_unique<Expr>(ExprClass::kReference);
      column->type = type;
      e->children.push_back(std::move(column));
    }
    if (f.bind) e->bind_data = f.bind(e->children, e->type);
    return e;
  }
  throw std::runtime_error("no aggregate " + name);
}

/// `name(argument)`, or count(*) without one.
ExprPtr Aggregate(const std::string& name, std::optional<LogicalType> argument) {
  return AggregateOf(name, argument ? std::vector<LogicalType>{*argument} : std::vector<LogicalType>{});
}

/// The aggregates' values of one group's payload, as text.
std::vector<std::string> Finalized(const AggregateStates& states, const std::vector<ExprPtr>& exprs,
                                   uint8_t* payload) {
  std::vector<LogicalType> types;
  for (auto& e : exprs) types.push_back(e->type);
  DataChunk out(types);
  states.Finalize(payload, out, 0, 0);
  out.SetCardinality(1);
  std::vector<std::string> values;
  for (size_t c = 0; c < types.size(); c++) values.push_back(out.GetValue(c, 0).ToString());
  return values;
}

class AggregateStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exprs_.push_back(Aggregate("count_star", std::nullopt));
    exprs_.push_back(Aggregate("sum", TypeId::kBigInt));
    exprs_.push_back(Aggregate("avg", TypeId::kDouble));
    exprs_.push_back(Aggregate("min", TypeId::kBigInt));
    exprs_.push_back(Aggregate("max", TypeId::kTimestamp));
    std::vector<const Expr*> pointers;
    for (auto& e : exprs_) pointers.push_back(e.get());
    states_ = std::make_unique<AggregateStates>(pointers);
  }

  /// Fold rows [from, to) of x (BIGINT i, DOUBLE i / 4, TIMESTAMP i seconds) into `payload`.
  void Fold(uint8_t* payload, int64_t from, int64_t to) {
    const size_t n = static_cast<size_t>(to - from);
    DataChunk big(std::vector<LogicalType>{TypeId::kBigInt}, n),
        dbl(std::vector<LogicalType>{TypeId::kDouble}, n),
        ts(std::vector<LogicalType>{TypeId::kTimestamp}, n), none;
    for (size_t i = 0; i < n; i++) {
      const int64_t x = from + static_cast<int64_t>(i);
      big.SetValue(0, i, Value::BigInt(x));
      dbl.SetValue(0, i, x % 5 == 0 ? Value::Null(TypeId::kDouble) : Value::Double(x / 4.0));
      ts.SetValue(0, i, Value::Timestamp(x * 1000000));
    }
    big.SetCardinality(n);
    dbl.SetCardinality(n);
    ts.SetCardinality(n);
    none.SetCardinality(n);
    std::vector<uint8_t*> payloads(n, payload);
    states_->Update(0, none, payloads.data(), n);
    states_->Update(1, big, payloads.data(), n);
    states_->Update(2, dbl, payloads.data(), n);
    states_->Update(3, big, payloads.data(), n);
    states_->Update(4, ts, payloads.data(), n);
  }

  std::vector<std::string> Finish(uint8_t* payload) { return Finalized(*states_, exprs_, payload); }

  std::vector<ExprPtr> exprs_;
  std::unique_ptr<AggregateStates> states_;
};

// A state written as bytes by one epoch and read back by the next (or by the process after a crash)
// combines with new rows as if it had never left memory.
TEST_F(AggregateStatesTest, StatesSurviveBytesAndCombine) {
  StateBuffer whole(*states_), first(*states_), second(*states_);
  Fold(whole.data(), 1, 3001);
  Fold(first.data(), 1, 1201);
  const std::string stored(states_->Bytes(first.data()));
  EXPECT_EQ(stored.size(), states_->payload_size());  // plain states: the payload itself

  StateBuffer restored(*states_);
  states_->Load(stored, restored.data());
  Fold(second.data(), 1201, 3001);
  states_->Combine(second.data(), restored.data());
  EXPECT_EQ(Finish(restored.data()), Finish(whole.data()));
  EXPECT_EQ(Finish(whole.data()),
            (std::vector<std::string>{"3000", "4501500", "375", "1", "1970-01-01 00:50:00"}));
}

TEST_F(AggregateStatesTest, BytesOfAnotherLayoutAreRefused) {
  StateBuffer payload(*states_);
  EXPECT_THROW(states_->Load(std::string(states_->payload_size() - 1, '\0'), payload.data()), DataError);
}

TEST(AggregateStatesCheckTest, WhatViewsCannotKeepIsRefused) {
  auto refused = [](ExprPtr e) {
    try {
      AggregateStates::CheckSupported(*e);
    } catch (const NotImplementedError& error) {
      return error.sqlstate();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused(Aggregate("min", TypeId::kVarchar)), "accepted");
  EXPECT_EQ(refused(Aggregate("approx_count_distinct", TypeId::kBigInt)), "accepted");
  EXPECT_EQ(refused(AggregateOf("string_agg", {TypeId::kVarchar, TypeId::kVarchar})), "accepted");
  EXPECT_EQ(refused(Aggregate("stddev_samp", TypeId::kDouble)), "accepted");
  EXPECT_EQ(refused(Aggregate("array_agg", LogicalType::List(TypeId::kInteger))), "0A000");
  ExprPtr distinct = Aggregate("count", TypeId::kBigInt);
  distinct->distinct = true;
  EXPECT_EQ(refused(std::move(distinct)), "0A000");
}

/// Retractable states over x BIGINT, y DOUBLE (NULL where x % 5 == 0), d DECIMAL(12,2) = x / 100:
/// count(*), count(y), sum(x), avg(y), sum(d), avg(d), sum(x) FILTER (WHERE x is even).
class RetractableStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const LogicalType dec = LogicalType::Decimal(12, 2);
    exprs_.push_back(Aggregate("count_star", std::nullopt));
    exprs_.push_back(Aggregate("count", TypeId::kDouble));
    exprs_.push_back(Aggregate("sum", TypeId::kBigInt));
    exprs_.push_back(Aggregate("avg", TypeId::kDouble));
    exprs_.push_back(Aggregate("sum", dec));
    exprs_.push_back(Aggregate("avg", dec));
    exprs_.push_back(Aggregate("sum", TypeId::kBigInt));
    std::vector<const Expr*> pointers;
    for (auto& e : exprs_) pointers.push_back(e.get());
    states_ = std::make_unique<AggregateStates>(pointers, /*retractable=*/true);
  }

  /// A fresh payload; kept until the test ends.
  uint8_t* NewPayload() {
    buffers_.emplace_back(*states_);
    return buffers_.back().data();
  }

  /// Fold rows x in [from, to) into `payload`, and `nulls` rows whose every argument is NULL, as a view's
  /// epoch does: every aggregate's rows (a FILTER's only), then the rows into the group's count.
  void Fold(uint8_t* payload, int64_t from, int64_t to, size_t nulls = 0) {
    const size_t n = static_cast<size_t>(to - from) + nulls;
    const LogicalType dec = LogicalType::Decimal(12, 2);
    DataChunk x(std::vector<LogicalType>{TypeId::kBigInt}, n),
        y(std::vector<LogicalType>{TypeId::kDouble}, n), d(std::vector<LogicalType>{dec}, n),
        even(std::vector<LogicalType>{TypeId::kBigInt}, n), none;
    size_t evens = 0;
    for (size_t i = 0; i < n; i++) {
      if (i >= n - nulls) {
        x.SetValue(0, i, Value::Null(TypeId::kBigInt));
        y.SetValue(0, i, Value::Null(TypeId::kDouble));
        d.SetValue(0, i, Value::Null(dec));
        continue;
      }
      const int64_t v = from + static_cast<int64_t>(i);
      x.SetValue(0, i, Value::BigInt(v));
      y.SetValue(0, i, v % 5 == 0 ? Value::Null(TypeId::kDouble) : Value::Double(v / 4.0));
      d.SetValue(0, i, Value::Decimal(v, 12, 2));
      if (v % 2 == 0) even.SetValue(0, evens++, Value::BigInt(v));
    }
    for (DataChunk* c : {&x, &y, &d, &none}) c->SetCardinality(n);
    even.SetCardinality(evens);
    std::vector<uint8_t*> payloads(n, payload);
    DataChunk* args[] = {&none, &y, &x, &y, &d, &d, &even};
    for (size_t a = 0; a < 7; a++) states_->Update(a, *args[a], payloads.data(), args[a]->size());
    states_->CountRows(payloads.data(), n);
  }

  std::vector<std::string> Finish(uint8_t* payload) { return Finalized(*states_, exprs_, payload); }

  std::vector<ExprPtr> exprs_;
  std::unique_ptr<AggregateStates> states_;
  std::deque<StateBuffer> buffers_;
};

// A group stored after one epoch, combined with the next, then some of its rows retracted, says what a
// batch over the rows that remain says.
TEST_F(RetractableStatesTest, SubtractGivesTheBatchOverTheRemainingRows) {
  uint8_t* first = NewPayload();
  Fold(first, 1, 1201);
  uint8_t* stored = NewPayload();
  states_->Load(std::string(states_->Bytes(first)), stored);
  uint8_t* second = NewPayload();
  Fold(second, 1201, 3001, 3);
  states_->Combine(second, stored);
  EXPECT_EQ(states_->Rows(stored), 3003);

  uint8_t* retracted = NewPayload();
  Fold(retracted, 801, 2001, 2);
  states_->Subtract(retracted, stored);
  uint8_t* batch = NewPayload();
  Fold(batch, 1, 801);
  Fold(batch, 2001, 3001, 1);
  EXPECT_EQ(states_->Rows(stored), 1801);
  EXPECT_EQ(Finish(stored), Finish(batch));
  EXPECT_EQ(Finish(batch)[0], "1801");
  EXPECT_EQ(Finish(batch)[2], std::to_string(800 * 801 / 2 + (2001 + 3000) * 1000 / 2));
}

TEST_F(RetractableStatesTest, EveryRowRetractedLeavesAnEmptyGroup) {
  uint8_t* stored = NewPayload();
  Fold(stored, 1, 101, 2);
  uint8_t* retracted = NewPayload();
  Fold(retracted, 1, 101, 2);
  states_->Subtract(retracted, stored);
  EXPECT_EQ(states_->Rows(stored), 0);
  EXPECT_EQ(Finish(stored), (std::vector<std::string>{"0", "0", "NULL", "NULL", "NULL", "NULL", "NULL"}));
}

// Rows left whose arguments are NULL (or that fail a FILTER): sum and avg are NULL, count 0, as in a batch,
// although the functions' own states once held values.
TEST_F(RetractableStatesTest, OnlyNullArgumentsLeft) {
  uint8_t* stored = NewPayload();
  Fold(stored, 1, 11, 2);
  Fold(stored, 5, 6);  // x = 5: y is NULL, x odd
  uint8_t* retracted = NewPayload();
  Fold(retracted, 1, 11);
  states_->Subtract(retracted, stored);
  uint8_t* batch = NewPayload();
  Fold(batch, 5, 6, 2);
  EXPECT_EQ(states_->Rows(stored), 3);
  EXPECT_EQ(Finish(stored), Finish(batch));
  EXPECT_EQ(Finish(stored), (std::vector<std::string>{"3", "0", "5", "NULL", "0.05", "0.05", "NULL"}));
}

TEST(AggregateStatesCheckTest, OnlyInvertibleStatesAreRetractable) {
  std::vector<ExprPtr> ok;
  ok.push_back(Aggregate("count_star", std::nullopt));
  ok.push_back(Aggregate("avg", TypeId::kBigInt));
  const AggregateStates plain({ok[0].get(), ok[1].get()});
  const AggregateStates retractable({ok[0].get(), ok[1].get()}, true);
  EXPECT_TRUE(retractable.retractable());
  EXPECT_GT(retractable.payload_size(), plain.payload_size());

  for (const char* name : {"max", "min", "stddev_samp"}) {
    ExprPtr refused = Aggregate(name, TypeId::kBigInt);
    EXPECT_NO_THROW(AggregateStates({refused.get()}));
    try {
      AggregateStates states({ok[0].get(), refused.get()}, true);
      ADD_FAILURE() << name << " accepted";
    } catch (const NotImplementedError& error) {
      EXPECT_EQ(error.sqlstate(), "0A000");
      EXPECT_EQ(error.message(), std::string(name) +
                                     "() over the rows of another aggregate (a changelog) is not supported "
                                     "in materialized views yet: count, sum and avg are");
    }
  }
}

/// States that own memory beside plain ones: max(VARCHAR), string_agg(VARCHAR, ','), array_agg(INTEGER),
/// approx_count_distinct(BIGINT), median(DOUBLE), sum(BIGINT), mode(VARCHAR); over rows x = from..to-1.
class OwnedStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exprs_.push_back(Aggregate("max", TypeId::kVarchar));
    exprs_.push_back(AggregateOf("string_agg", {TypeId::kVarchar, TypeId::kVarchar}));
    exprs_.push_back(Aggregate("array_agg", TypeId::kInteger));
    exprs_.push_back(Aggregate("approx_count_distinct", TypeId::kBigInt));
    exprs_.push_back(Aggregate("median", TypeId::kDouble));
    exprs_.push_back(Aggregate("sum", TypeId::kBigInt));
    exprs_.push_back(Aggregate("mode", TypeId::kVarchar));
    std::vector<const Expr*> pointers;
    for (auto& e : exprs_) pointers.push_back(e.get());
    states_ = std::make_unique<AggregateStates>(pointers);
  }

  /// Names long enough not to be inlined (the state owns copies): "name-<x>-" + padding.
  static std::string Name(int64_t x) { return "name-" + std::to_string(x % 97) + "-" + std::string(20, 'p'); }

  void Fold(uint8_t* payload, int64_t from, int64_t to) {
    const size_t n = static_cast<size_t>(to - from);
    const LogicalType v = TypeId::kVarchar;
    DataChunk name(std::vector<LogicalType>{v}, n), agg(std::vector<LogicalType>{v, v}, n),
        ints(std::vector<LogicalType>{TypeId::kInteger}, n),
        big(std::vector<LogicalType>{TypeId::kBigInt}, n), dbl(std::vector<LogicalType>{TypeId::kDouble}, n);
    for (size_t i = 0; i < n; i++) {
      const int64_t x = from + static_cast<int64_t>(i);
      name.SetValue(0, i, x % 7 == 0 ? Value::Null(v) : Value::Varchar(Name(x)));
      agg.SetValue(0, i, Value::Varchar(std::to_string(x)));
      agg.SetValue(1, i, Value::Varchar(","));
      ints.SetValue(0, i, Value::Integer(static_cast<int32_t>(x)));
      big.SetValue(0, i, Value::BigInt(x % 50));
      dbl.SetValue(0, i, Value::Double(static_cast<double>(x)));
    }
    for (DataChunk* c : {&name, &agg, &ints, &big, &dbl}) c->SetCardinality(n);
    std::vector<uint8_t*> payloads(n, payload);
    DataChunk* args[] = {&name, &agg, &ints, &big, &dbl, &big, &name};
    for (size_t a = 0; a < 7; a++) states_->Update(a, *args[a], payloads.data(), n);
  }

  std::vector<std::string> Finish(uint8_t* payload) { return Finalized(*states_, exprs_, payload); }

  std::vector<ExprPtr> exprs_;
  std::unique_ptr<AggregateStates> states_;
};

// Stored after one epoch, loaded by the next (or after a crash) and combined with its rows: the same values
// as one pass over every row, string_agg's and array_agg's rows in order.
TEST_F(OwnedStatesTest, StatesSurviveBytesAndCombine) {
  EXPECT_TRUE(states_->owns_memory());
  StateBuffer whole(*states_), first(*states_), second(*states_), restored(*states_);
  Fold(whole.data(), 1, 301);
  Fold(first.data(), 1, 121);
  const std::string stored = states_->Bytes(first.data());
  EXPECT_GT(stored.size(), states_->payload_size());
  EXPECT_EQ(states_->BytesSize(stored + "more"), stored.size());
  states_->Load(stored, restored.data());
  EXPECT_EQ(states_->Bytes(restored.data()), stored);  // no pointer in the bytes: equal states, equal bytes
  Fold(second.data(), 121, 301);
  states_->Combine(second.data(), restored.data());
  const std::vector<std::string> expected = Finish(whole.data());
  EXPECT_EQ(Finish(restored.data()), expected);
  EXPECT_EQ(expected[0], Name(96));
  EXPECT_EQ(expected[1].substr(0, 8), "1,2,3,4,");
  EXPECT_EQ(expected[3], "50");
  EXPECT_EQ(expected[4], "150.5");
  EXPECT_EQ(expected[5], std::to_string(6 * 1225));

  // Loading again replaces what the payload held (the old states released: the sanitizers check).
  states_->Load(stored, restored.data());
  StateBuffer again(*states_);
  states_->Load(stored, again.data());
  EXPECT_EQ(Finish(restored.data()), Finish(again.data()));
}

TEST_F(OwnedStatesTest, CopyOwnsItsOwnStates) {
  StateBuffer copy(*states_);
  std::vector<std::string> expected;
  {
    StateBuffer source(*states_);
    Fold(source.data(), 1, 50);
    states_->Copy(source.data(), copy.data());
    states_->Copy(source.data(), copy.data());  // replaces the first copy
    expected = Finish(source.data());
  }
  EXPECT_EQ(Finish(copy.data()), expected);
}

// Every truncation, trailing bytes and a garbled size are DataErrors (XX001) that leave the payload live.
TEST_F(OwnedStatesTest, DamagedBytesAreRefused) {
  StateBuffer source(*states_), target(*states_);
  Fold(source.data(), 1, 40);
  const std::string bytes = states_->Bytes(source.data());
  auto code = [&](std::string_view damaged) {
    try {
      states_->Load(damaged, target.data());
    } catch (const DataError& e) {
      return e.sqlstate();
    }
    return std::string("loaded");
  };
  for (size_t n = 0; n < bytes.size(); n++)
    ASSERT_EQ(code(std::string_view(bytes).substr(0, n)), "XX001") << n;
  EXPECT_EQ(code(bytes + "x"), "XX001");
  std::string garbled = bytes;
  garbled[states_->payload_size() + 3] = '\x7f';  // the first owned state's size
  EXPECT_EQ(code(garbled), "XX001");
  EXPECT_THROW(states_->BytesSize(garbled), DataError);
  EXPECT_EQ(code(bytes), "loaded");
  EXPECT_EQ(Finish(target.data()), Finish(source.data()));
}

}  // namespace
}  // namespace basin::stream
