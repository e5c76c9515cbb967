#include "execution/operator/physical_window.h"

#include <gtest/gtest.h>

#include <map>

#include "common/exception.h"
#include "execution/function.h"

namespace basin {
namespace {

// Input columns of the small fixture: partition, order key (with ties), value (one NULL), name.
constexpr uint64_t kGrp = 0, kOrd = 1, kVal = 2, kName = 3;
const std::vector<LogicalType> kInputTypes = {TypeId::kInteger, TypeId::kInteger, TypeId::kInteger,
                                              TypeId::kVarchar};

/// Odd rows get names longer than string_t's inline size, so heaps are exercised.
std::string Name(int i) {
  return i % 2 ? "row " + std::to_string(i) + " has a long name" : "r" + std::to_string(i);
}

DataChunk Fixture() {
  const int rows[10][3] = {{1, 1, 10}, {2, 5, 100}, {1, 2, 20}, {1, 2, 30},  {2, 6, -1},
                           {1, 3, 40}, {2, 5, 200}, {1, 4, 50}, {2, 7, 300}, {1, 1, 60}};
  DataChunk chunk(kInputTypes);
  for (int i = 0; i < 10; i++) {
    chunk.SetValue(kGrp, i, Value::Integer(rows[i][0]));
    chunk.SetValue(kOrd, i, Value::Integer(rows[i][1]));
    chunk.SetValue(kVal, i, rows[i][2] < 0 ? Value::Null(TypeId::kInteger) : Value::Integer(rows[i][2]));
    chunk.SetValue(kName, i, Value::Varchar(Name(i)));
  }
  chunk.SetCardinality(10);
  return chunk;
}

ExprPtr Ref(uint64_t index) {
  return Expr::Reference(index, kInputTypes[index]);
}

/// A window over the fixture: PARTITION BY grp when `partition`, ORDER BY ord when `order`.
ExprPtr Window(std::string name, LogicalType type, std::vector<ExprPtr> args, bool partition = true,
               bool order = true) {
  auto w = std::make_unique<Expr>(ExprClass::kWindow);
  w->name = std::move(name);
  w->type = std::move(type);
  w->children = std::move(args);
  if (partition) w->partition_by.push_back(Ref(kGrp));
  if (order) w->order_by.push_back(BoundOrder{Ref(kOrd)});
  return w;
}

/// An aggregate window, with the overload whose argument types are those of `args`.
ExprPtr AggregateWindow(const std::string& name, std::vector<ExprPtr> args, bool partition = true,
                        bool order = true) {
  const AggregateFunction* found = nullptr;
  for (const auto& f : *FunctionRegistry::Get().FindAggregate(name)) {
    bool match = f.arguments.size() == args.size();
    for (size_t i = 0; match && i < args.size(); i++) match = f.arguments[i] == args[i]->type;
    if (match) found = &f;
  }
  EXPECT_NE(found, nullptr) << name;
  auto w = Window(name, found->return_type, std::move(args), partition, order);
  w->aggregate = found;
  return w;
}

ExprPtr RowsFrame(ExprPtr w, WindowBoundary start, int64_t start_offset, WindowBoundary end,
                  int64_t end_offset) {
  w->has_frame = true;
  w->frame_rows = true;
  w->frame_start = start;
  w->frame_end = end;
  if (start == WindowBoundary::kPreceding || start == WindowBoundary::kFollowing) {
    w->start_offset = Expr::Constant(Value::BigInt(start_offset));
  }
  if (end == WindowBoundary::kPreceding || end == WindowBoundary::kFollowing) {
    w->end_offset = Expr::Constant(Value::BigInt(end_offset));
  }
  return w;
}

ExprPtr BigInt(int64_t v) {
  return Expr::Constant(Value::BigInt(v));
}

/// Argument lists (unique_ptrs do not fit initializer lists).
template <class... E>
std::vector<ExprPtr> Args(E... e) {
  std::vector<ExprPtr> args;
  (args.push_back(std::move(e)), ...);
  return args;
}

using Rows = std::vector<std::vector<Value>>;

/// Run the operator as the executor would: one local sink state per input chunk (a thread each), then the
/// source until it is empty. Returns the output rows in order.
Rows RunWindow(PhysicalWindow& op, const std::vector<DataChunk*>& inputs, size_t* chunks = nullptr) {
  MemoryTracker memory(int64_t{1} << 30);
  ExecutionContext ctx;
  ctx.memory = &memory;
  op.sink_state = op.InitGlobalSink(ctx);
  std::vector<std::unique_ptr<LocalSinkState>> locals;
  for (DataChunk* input : inputs) {
    locals.push_back(op.InitLocalSink(ctx));
    op.Sink(ctx, *input, *op.sink_state, *locals.back());
  }
  for (auto& local : locals) op.Combine(ctx, *op.sink_state, *local);
  op.Finalize(ctx, *op.sink_state);
  auto source = op.InitGlobalSource(ctx);
  auto local_source = op.InitLocalSource(ctx, *source);
  Rows rows;
  for (size_t n = 0;; n++) {
    DataChunk out(op.types());
    op.GetData(ctx, out, *source, *local_source);
    if (out.size() == 0) {
      if (chunks) *chunks = n;
      break;
    }
    for (size_t r = 0; r < out.size(); r++) {
      rows.emplace_back();
      for (size_t c = 0; c < out.ColumnCount(); c++) rows.back().push_back(out.GetValue(c, r));
    }
  }
  return rows;
}

std::vector<LogicalType> OutputTypes(const std::vector<ExprPtr>& windows) {
  std::vector<LogicalType> types = kInputTypes;
  for (auto& w : windows) types.push_back(w->type);
  return types;
}

/// The fixture's input row behind an output row, found by its unique name.
int InputRow(const std::vector<Value>& row) {
  for (int i = 0; i < 10; i++) {
    if (row[kName].GetString() == Name(i)) return i;
  }
  return -1;
}

constexpr int64_t N = INT64_MIN;  // stands for NULL in expected columns

void ExpectColumn(const Rows& rows, size_t column, const std::vector<int64_t>& by_input_row,
                  const char* what) {
  for (const auto& row : rows) {
    int64_t want = by_input_row[InputRow(row)];
    if (want == N) {
      EXPECT_TRUE(row[column].IsNull()) << what << " row " << InputRow(row);
    } else {
      EXPECT_EQ(row[column].GetInt64(), want) << what << " row " << InputRow(row);
    }
  }
}

TEST(PhysicalWindowTest, RankingOffsetsFramesAndAggregates) {
  using B = WindowBoundary;
  std::vector<ExprPtr> w;
  w.push_back(Window("row_number", TypeId::kBigInt, {}));
  w.push_back(Window("rank", TypeId::kBigInt, {}));
  w.push_back(Window("dense_rank", TypeId::kBigInt, {}));
  w.push_back(Window("lag", TypeId::kInteger, Args(Ref(kVal))));
  w.push_back(
      Window("lead", TypeId::kInteger, Args(Ref(kVal), BigInt(1), Expr::Constant(Value::Integer(-1)))));
  w.push_back(Window("first_value", TypeId::kInteger, Args(Ref(kVal))));
  w.push_back(Window("last_value", TypeId::kInteger, Args(Ref(kVal))));
  w.push_back(Window("ntile", TypeId::kBigInt, Args(BigInt(4))));
  w.push_back(AggregateWindow("sum", Args(Ref(kVal))));  // 8: running sum, peers included
  w.push_back(RowsFrame(AggregateWindow("sum", Args(Ref(kVal))), B::kPreceding, 1, B::kFollowing, 1));
  w.push_back(Window("percent_rank", TypeId::kDouble, {}));  // 10
  w.push_back(Window("cume_dist", TypeId::kDouble, {}));
  w.push_back(AggregateWindow("count_star", {}));
  w.push_back(Window("lag", TypeId::kVarchar, Args(Ref(kName))));  // 13: strings
  w.push_back(RowsFrame(Window("nth_value", TypeId::kInteger, Args(Ref(kVal), BigInt(2))),
                        B::kUnboundedPreceding, 0, B::kUnboundedFollowing, 0));
  // Second spec (PARTITION BY grp only): the last one that sorts, so it decides the output order.
  w.push_back(AggregateWindow("sum", Args(Ref(kVal)), true, false));  // 15: whole partition
  w.push_back(
      AggregateWindow("string_agg", Args(Ref(kName), Expr::Constant(Value::Varchar("|"))), true, false));
  auto null_filter = std::make_unique<Expr>(ExprClass::kIsNull);
  null_filter->type = TypeId::kBoolean;
  null_filter->children.push_back(Ref(kVal));
  w.push_back(AggregateWindow("count_star", {}, true, false));  // 17: count(*) FILTER (WHERE val IS NULL)
  w.back()->filter = std::move(null_filter);

  auto types = OutputTypes(w);
  PhysicalWindow op(types, std::move(w));
  EXPECT_EQ(op.name(), "WINDOW");
  DataChunk input = Fixture();
  Rows rows = RunWindow(op, {&input});
  ASSERT_EQ(rows.size(), 10u);

  // Output order: by grp (the last spec), ties in input order.
  std::vector<int> order;
  for (auto& r : rows) order.push_back(InputRow(r));
  EXPECT_EQ(order, (std::vector<int>{0, 2, 3, 5, 7, 9, 1, 4, 6, 8}));
  for (auto& r : rows) EXPECT_EQ(r[kOrd], input.GetValue(kOrd, InputRow(r)));  // input columns travel along

  // Expected values by input row. Partition 1 sorted: rows 0, 9 (ord 1), 2, 3 (ord 2), 5, 7; partition 2:
  // rows 1, 6 (ord 5), 4 (val NULL), 8.
  size_t c = kInputTypes.size();
  ExpectColumn(rows, c + 0, {1, 1, 3, 4, 3, 5, 2, 6, 4, 2}, "row_number");
  ExpectColumn(rows, c + 1, {1, 1, 3, 3, 3, 5, 1, 6, 4, 1}, "rank");
  ExpectColumn(rows, c + 2, {1, 1, 2, 2, 2, 3, 1, 4, 3, 1}, "dense_rank");
  ExpectColumn(rows, c + 3, {N, N, 60, 20, 200, 30, 100, 40, N, 10}, "lag");
  ExpectColumn(rows, c + 4, {60, 200, 30, 40, 300, 50, N, -1, -1, 20}, "lead with default");
  ExpectColumn(rows, c + 5, {10, 100, 10, 10, 100, 10, 100, 10, 100, 10}, "first_value");
  ExpectColumn(rows, c + 6, {60, 200, 30, 30, N, 40, 200, 50, 300, 60}, "last_value (last peer)");
  ExpectColumn(rows, c + 7, {1, 1, 2, 2, 3, 3, 2, 4, 4, 1}, "ntile(4)");
  ExpectColumn(rows, c + 8, {70, 300, 120, 120, 300, 160, 300, 210, 600, 70}, "running sum");
  ExpectColumn(rows, c + 9, {70, 300, 110, 90, 500, 120, 300, 90, 300, 90}, "ROWS 1 PRECEDING..1 FOLLOWING");
  ExpectColumn(rows, c + 12, {2, 2, 4, 4, 3, 5, 2, 6, 4, 2}, "count(*) running");
  ExpectColumn(rows, c + 14, {60, 200, 60, 60, 200, 60, 200, 60, 200, 60}, "nth_value(2)");
  ExpectColumn(rows, c + 15, {210, 600, 210, 210, 600, 210, 600, 210, 600, 210}, "whole-partition sum");
  ExpectColumn(rows, c + 17, {0, 1, 0, 0, 1, 0, 1, 0, 1, 0}, "count(*) FILTER");

  const double percent_rank[10] = {0, 0, 0.4, 0.4, 2.0 / 3, 0.8, 0, 1, 1, 0};
  const double cume_dist[10] = {2.0 / 6, 0.5, 4.0 / 6, 4.0 / 6, 0.75, 5.0 / 6, 0.5, 1, 1, 2.0 / 6};
  const int lag_name[10] = {-1, -1, 9, 2, 6, 3, 1, 5, 4, 0};
  for (auto& r : rows) {
    int i = InputRow(r);
    EXPECT_DOUBLE_EQ(r[c + 10].GetDouble(), percent_rank[i]) << i;
    EXPECT_DOUBLE_EQ(r[c + 11].GetDouble(), cume_dist[i]) << i;
    if (lag_name[i] < 0) {
      EXPECT_TRUE(r[c + 13].IsNull()) << i;
    } else {
      EXPECT_EQ(r[c + 13].GetString(), Name(lag_name[i])) << i;
    }
    std::string agg = r[kGrp].GetInt64() == 1
                          ? "r0|r2|row 3 has a long name|row 5 has a long name|row 7 has a "
                            "long name|row 9 has a long name"
                          : "row 1 has a long name|r4|r6|r8";
    EXPECT_EQ(r[c + 16].GetString(), agg) << i;
  }
}

TEST(PhysicalWindowTest, IgnoreNullsCarriesTheLastValueForward) {
  std::vector<ExprPtr> w;
  w.push_back(RowsFrame(Window("last_value", TypeId::kInteger, Args(Ref(kVal))),
                        WindowBoundary::kUnboundedPreceding, 0, WindowBoundary::kCurrentRow, 0));
  w.back()->ignore_nulls = true;
  w.push_back(Window("lag", TypeId::kInteger, Args(Ref(kVal))));
  w.back()->ignore_nulls = true;
  auto types = OutputTypes(w);  // before w is moved from
  PhysicalWindow op(types, std::move(w));
  DataChunk input = Fixture();
  Rows rows = RunWindow(op, {&input});
  // Partition 2 sorted: 100, 200, NULL, 300.
  ExpectColumn(rows, 4, {10, 100, 20, 30, 200, 40, 200, 50, 300, 60}, "last_value IGNORE NULLS");
  ExpectColumn(rows, 5, {N, N, 60, 20, 200, 30, 100, 40, 200, 10}, "lag IGNORE NULLS");
}

TEST(PhysicalWindowTest, NoKeysKeepsInputOrderAndWholeInputFrame) {
  std::vector<ExprPtr> w;
  w.push_back(Window("row_number", TypeId::kBigInt, {}, false, false));
  w.push_back(AggregateWindow("sum", Args(Ref(kVal)), false, false));
  auto types = OutputTypes(w);  // before w is moved from
  PhysicalWindow op(types, std::move(w));
  DataChunk input = Fixture();
  Rows rows = RunWindow(op, {&input});
  ASSERT_EQ(rows.size(), 10u);
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(InputRow(rows[i]), i);
    EXPECT_EQ(rows[i][4].GetInt64(), i + 1);
    EXPECT_EQ(rows[i][5].GetInt64(), 810);
  }
}

TEST(PhysicalWindowTest, BadArgumentsRaisePostgresErrors) {
  auto run = [](ExprPtr window) {
    std::vector<ExprPtr> w;
    w.push_back(std::move(window));
    auto types = OutputTypes(w);  // before w is moved from
    PhysicalWindow op(types, std::move(w));
    DataChunk input = Fixture();
    RunWindow(op, {&input});
  };
  try {
    run(Window("ntile", TypeId::kBigInt, Args(BigInt(0))));
    FAIL() << "ntile(0) must fail";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22014");
  }
  try {
    run(RowsFrame(AggregateWindow("sum", Args(Ref(kVal))), WindowBoundary::kPreceding, -1,
                  WindowBoundary::kCurrentRow, 0));
    FAIL() << "a negative offset must fail";
  } catch (const DataError& e) {
    EXPECT_EQ(e.sqlstate(), "22013");
  }
}

TEST(PhysicalWindowTest, RangeFramesWithOffsetsSpanValuesNotRows) {
  using B = WindowBoundary;
  auto range = [](ExprPtr w, B start, int64_t start_offset, B end, int64_t end_offset) {
    w = RowsFrame(std::move(w), start, start_offset, end, end_offset);
    w->frame_rows = false;
    return w;
  };
  std::vector<ExprPtr> w;
  w.push_back(range(AggregateWindow("sum", Args(Ref(kVal))), B::kPreceding, 1, B::kCurrentRow, 0));
  w.push_back(range(AggregateWindow("count_star", {}), B::kFollowing, 1, B::kFollowing, 2));
  auto types = OutputTypes(w);
  PhysicalWindow op(types, std::move(w));
  DataChunk input = Fixture();
  Rows rows = RunWindow(op, {&input});
  // Partition 1 by ord: 1 {10, 60}, 2 {20, 30}, 3 {40}, 4 {50}; partition 2: 5 {100, 200}, 6 {NULL}, 7 {300}.
  ExpectColumn(rows, 4, {70, 300, 120, 120, 300, 90, 300, 90, 300, 70}, "sum RANGE 1 PRECEDING");
  ExpectColumn(rows, 5, {3, 2, 2, 2, 1, 1, 2, 0, 0, 3}, "count(*) RANGE 1 FOLLOWING AND 2 FOLLOWING");
}

TEST(PhysicalWindowTest, ManyRowsFromSeveralThreads) {
  // Two "threads" sink 3000 rows each; x = 0..5999 across both. PARTITION BY x % 3 ORDER BY x DESC.
  std::vector<DataChunk> inputs;
  for (int t = 0; t < 2; t++) {
    inputs.emplace_back(std::vector<LogicalType>{TypeId::kBigInt, TypeId::kBigInt}, 3000);
    for (int i = 0; i < 3000; i++) {
      int64_t x = t * 3000 + i;
      inputs.back().SetValue(0, i, Value::BigInt(x % 3));
      inputs.back().SetValue(1, i, Value::BigInt(x));
    }
    inputs.back().SetCardinality(3000);
  }
  auto w = std::make_unique<Expr>(ExprClass::kWindow);
  w->name = "row_number";
  w->type = TypeId::kBigInt;
  w->partition_by.push_back(Expr::Reference(0, TypeId::kBigInt));
  w->order_by.push_back(BoundOrder{Expr::Reference(1, TypeId::kBigInt), OrderType::kDescending});
  std::vector<ExprPtr> windows;
  windows.push_back(std::move(w));
  PhysicalWindow op({TypeId::kBigInt, TypeId::kBigInt, TypeId::kBigInt}, std::move(windows));
  size_t chunks = 0;
  Rows rows = RunWindow(op, {&inputs[0], &inputs[1]}, &chunks);
  ASSERT_EQ(rows.size(), 6000u);
  EXPECT_EQ(chunks, 3u);  // 2048 rows per chunk
  for (size_t i = 0; i < rows.size(); i++) {
    int64_t part = rows[i][0].GetInt64(), x = rows[i][1].GetInt64();
    EXPECT_EQ(part, static_cast<int64_t>(i / 2000));
    // In partition `part`, x runs down from the largest x of that residue; row_number counts from 1.
    EXPECT_EQ(rows[i][2].GetInt64(), (5999 - (2 - part) - x) / 3 + 1) << i;
  }
}

}  // namespace
}  // namespace basin
