#include "stream/aggregate_states.h"

#include <gtest/gtest.h>

#include "common/exception.h"
#include "execution/function.h"

namespace basin::stream {
namespace {

/// A bound aggregate call `name(argument)` (count(*) without one), as the binder makes it.
ExprPtr Aggregate(const std::string& name, std::optional<LogicalType> argument) {
  for (const AggregateFunction& f : *FunctionRegistry::Get().FindAggregate(name)) {
    if (f.arguments.size() != (argument ? 1u : 0u)) continue;
    if (argument && f.arguments[0] != *argument && f.arguments[0].id() != TypeId::kInvalid) continue;
    auto e = std::make_unique<Expr>(ExprClass::kAggregate);
    e->name = name;
    e->aggregate = &f;
    e->type = f.return_type;
    if (argument) {
      auto column = std::make_unique<Expr>(ExprClass::kReference);
      column->type = *argument;
      e->children.push_back(std::move(column));
    }
    if (f.bind) e->bind_data = f.bind(e->children, e->type);
    return e;
  }
  throw std::runtime_error("no aggregate " + name);
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

  std::vector<std::string> Finish(uint8_t* payload) {
    std::vector<LogicalType> types;
    for (auto& e : exprs_) types.push_back(e->type);
    DataChunk out(types);
    states_->Finalize(payload, out, 0, 0);
    out.SetCardinality(1);
    std::vector<std::string> values;
    for (size_t c = 0; c < types.size(); c++) values.push_back(out.GetValue(c, 0).ToString());
    return values;
  }

  std::vector<ExprPtr> exprs_;
  std::unique_ptr<AggregateStates> states_;
};

// A state written as bytes by one epoch and read back by the next (or by the process after a crash)
// combines with new rows as if it had never left memory.
TEST_F(AggregateStatesTest, StatesSurviveBytesAndCombine) {
  StateBuffer whole(states_->payload_size()), first(states_->payload_size()), second(states_->payload_size());
  states_->Initialize(whole.data());
  Fold(whole.data(), 1, 3001);
  states_->Initialize(first.data());
  Fold(first.data(), 1, 1201);
  const std::string stored(states_->Bytes(first.data()));

  StateBuffer restored(states_->payload_size());
  states_->Load(stored, restored.data());
  states_->Initialize(second.data());
  Fold(second.data(), 1201, 3001);
  states_->Combine(second.data(), restored.data());
  EXPECT_EQ(Finish(restored.data()), Finish(whole.data()));
  EXPECT_EQ(Finish(whole.data()),
            (std::vector<std::string>{"3000", "4501500", "375", "1", "1970-01-01 00:50:00"}));
}

TEST_F(AggregateStatesTest, BytesOfAnotherLayoutAreRefused) {
  StateBuffer payload(states_->payload_size());
  EXPECT_THROW(states_->Load(std::string(states_->payload_size() - 1, '\0'), payload.data()), DataError);
}

TEST(AggregateStatesCheckTest, StatesThatOwnMemoryAreRefused) {
  auto refused = [](ExprPtr e) {
    try {
      AggregateStates::CheckSupported(*e);
    } catch (const NotImplementedError& error) {
      return error.sqlstate();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refused(Aggregate("min", TypeId::kVarchar)), "0A000");
  EXPECT_EQ(refused(Aggregate("approx_count_distinct", TypeId::kBigInt)), "0A000");
  EXPECT_EQ(refused(Aggregate("stddev_samp", TypeId::kDouble)), "accepted");
  ExprPtr distinct = Aggregate("count", TypeId::kBigInt);
  distinct->distinct = true;
  EXPECT_EQ(refused(std::move(distinct)), "0A000");
}

}  // namespace
}  // namespace basin::stream
