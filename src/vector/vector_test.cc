#include "vector/vector.h"

#include <gtest/gtest.h>

#include <iterator>
#include <numeric>
#include <vector>

namespace basin {
namespace {

TEST(VectorTest, SetAndGetValuesWithNulls) {
  Vector v(TypeId::kInteger);
  v.SetValue(0, Value::Integer(7));
  v.SetValue(1, Value::Null(TypeId::kInteger));
  v.SetValue(2, Value::Integer(-3));
  EXPECT_EQ(v.GetValue(0), Value::Integer(7));
  EXPECT_TRUE(v.GetValue(1).IsNull());
  EXPECT_EQ(v.GetValue(2), Value::Integer(-3));
  EXPECT_FALSE(v.validity().AllValid());
}

TEST(VectorTest, ConstantVectorRepeatsItsValueWhenFlattened) {
  Vector v(Value::Varchar("a string longer than twelve bytes"));
  EXPECT_TRUE(v.IsConstant());
  v.Flatten(5);
  EXPECT_FALSE(v.IsConstant());
  for (size_t i = 0; i < 5; i++) EXPECT_EQ(v.GetValue(i).GetString(), "a string longer than twelve bytes");
}

TEST(VectorTest, SliceKeepsStringsAliveAfterTheSourceIsGone) {
  Vector slice(TypeId::kVarchar);
  {
    Vector source(TypeId::kVarchar);
    for (size_t i = 0; i < 100; i++)
      source.SetValue(i, Value::Varchar("value number " + std::to_string(i) + " padded out"));
    std::vector<sel_t> sel = {99, 3, 50};
    slice.Slice(source, sel.data(), sel.size());
  }
  EXPECT_EQ(slice.GetValue(0).GetString(), "value number 99 padded out");
  EXPECT_EQ(slice.GetValue(1).GetString(), "value number 3 padded out");
  EXPECT_EQ(slice.GetValue(2).GetString(), "value number 50 padded out");
}

TEST(VectorTest, AppendGrowsAndCarriesValidity) {
  Vector collection(TypeId::kBigInt);
  size_t total = 0;
  for (int chunk = 0; chunk < 5; chunk++) {
    Vector part(TypeId::kBigInt);
    for (size_t i = 0; i < kVectorSize; i++) {
      if (i % 7 == 0) {
        part.SetNull(i);
      } else {
        part.data<int64_t>()[i] = static_cast<int64_t>(total + i);
      }
    }
    collection.Append(part, kVectorSize, total);
    total += kVectorSize;
  }
  ASSERT_GE(collection.capacity(), total);
  for (size_t row = 0; row < total; row++) {
    size_t within = row % kVectorSize;
    if (within % 7 == 0) {
      EXPECT_TRUE(collection.IsNull(row)) << row;
    } else {
      EXPECT_EQ(collection.data<int64_t>()[row], static_cast<int64_t>(row)) << row;
    }
  }
}

TEST(VectorTest, AppendCopiesValidityAtAnyOffset) {
  // Parts of odd sizes, with NULLs, without, and a constant NULL: aligned and unaligned offsets alike.
  Vector collection(TypeId::kInteger);
  std::vector<bool> expected;
  const size_t sizes[] = {128, 100, 37, 64, 200, 5, 300};
  for (size_t k = 0; k < std::size(sizes); k++) {
    const size_t n = sizes[k];
    if (k == 5) {
      collection.Append(Vector(Value::Null(TypeId::kInteger)), n, expected.size());
      expected.insert(expected.end(), n, false);
      continue;
    }
    Vector part(TypeId::kInteger);
    for (size_t i = 0; i < n; i++) {
      const bool valid = k == 3 || (i * 5 + k) % 3 != 0;
      part.data<int32_t>()[i] = static_cast<int32_t>(expected.size() + i);
      if (!valid) part.SetNull(i);
      expected.push_back(valid);
    }
    collection.Append(part, n, expected.size() - n);
  }
  for (size_t row = 0; row < expected.size(); row++) EXPECT_EQ(!collection.IsNull(row), expected[row]) << row;
  // Rewriting rows in the middle leaves the rows after them as they were.
  Vector odd(TypeId::kInteger);
  for (size_t i = 0; i < 10; i++) odd.SetNull(i, i % 2 == 0);
  collection.Append(odd, 10, 128);
  for (size_t i = 0; i < 10; i++) expected[128 + i] = i % 2 == 1;
  for (size_t row = 0; row < expected.size(); row++) EXPECT_EQ(!collection.IsNull(row), expected[row]) << row;
}

TEST(VectorTest, ResetAfterReferenceDoesNotTouchTheReferencedBuffer) {
  Vector a(TypeId::kInteger);
  a.data<int32_t>()[0] = 42;
  Vector b(TypeId::kInteger);
  b.Reference(a);
  b.Reset();
  b.data<int32_t>()[0] = 1;
  EXPECT_EQ(a.data<int32_t>()[0], 42);
}

TEST(DataChunkTest, SliceSelectsRowsOfEveryColumn) {
  DataChunk chunk({TypeId::kInteger, TypeId::kVarchar});
  for (size_t i = 0; i < 10; i++) {
    chunk.SetValue(0, i, Value::Integer(static_cast<int32_t>(i)));
    chunk.SetValue(1, i, Value::Varchar("row " + std::to_string(i)));
  }
  chunk.SetCardinality(10);
  std::vector<sel_t> sel = {8, 1};
  DataChunk out;
  out.Slice(chunk, sel.data(), sel.size());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.GetValue(0, 0), Value::Integer(8));
  EXPECT_EQ(out.GetValue(1, 1).GetString(), "row 1");
}

TEST(DataChunkTest, ListValuesRoundTrip) {
  LogicalType list = LogicalType::List(TypeId::kInteger);
  Vector v(list);
  v.SetValue(0, Value::List(TypeId::kInteger,
                            {Value::Integer(1), Value::Null(TypeId::kInteger), Value::Integer(3)}));
  v.SetValue(1, Value::List(TypeId::kInteger, {}));
  EXPECT_EQ(v.GetValue(0).GetList().size(), 3u);
  EXPECT_TRUE(v.GetValue(0).GetList()[1].IsNull());
  EXPECT_TRUE(v.GetValue(1).GetList().empty());
}

TEST(DataChunkTest, ListsAppendAndSliceWithTheirElements) {
  const LogicalType strings = LogicalType::List(TypeId::kVarchar);
  const LogicalType nested = LogicalType::List(strings);
  auto list = [&](std::vector<Value> items) { return Value::List(TypeId::kVarchar, std::move(items)); };
  const std::vector<Value> rows = {
      list({Value::Varchar("a"), Value::Null(TypeId::kVarchar), Value::Varchar("a string too long to inline")}),
      Value::Null(strings), list({}), list({Value::Varchar("d")})};
  Vector source(strings);
  for (size_t r = 0; r < rows.size(); r++) source.SetValue(r, rows[r]);

  // Appended after rows already there (and past the capacity), the lists keep their elements.
  Vector target(strings, 2);
  target.SetValue(0, list({Value::Varchar("first")}));
  target.Append(source, rows.size(), 1);
  target.Append(source, 2, 5);
  std::vector<Value> expected = {list({Value::Varchar("first")})};
  expected.insert(expected.end(), rows.begin(), rows.end());
  expected.insert(expected.end(), rows.begin(), rows.begin() + 2);
  for (size_t r = 0; r < expected.size(); r++) EXPECT_EQ(target.GetValue(r), expected[r]) << r;
  EXPECT_EQ(target.child_size(), 1u + 4 + 3);

  // Slices pick rows in any order; a constant list repeats.
  Vector sliced(strings);
  const std::vector<sel_t> sel = {3, 1, 0, 0};
  sliced.Slice(source, sel.data(), sel.size());
  for (size_t i = 0; i < sel.size(); i++) EXPECT_EQ(sliced.GetValue(i), rows[sel[i]]) << i;
  Vector constant(rows[0]);
  Vector repeated(strings);
  repeated.Append(constant, 3, 0);
  EXPECT_EQ(repeated.GetValue(2), rows[0]);
  EXPECT_EQ(repeated.child_size(), 9u);

  // Lists of lists copy their inner lists the same way.
  Vector outer(nested);
  outer.SetValue(0, Value::List(strings, {rows[0], rows[1], rows[2]}));
  outer.SetValue(1, Value::List(strings, {rows[3]}));
  Vector copy(nested);
  copy.Append(outer, 2, 0);
  copy.Slice(outer, std::vector<sel_t>{1, 0}.data(), 2);
  EXPECT_EQ(copy.GetValue(0), Value::List(strings, {rows[3]}));
  EXPECT_EQ(copy.GetValue(1), Value::List(strings, {rows[0], rows[1], rows[2]}));
}

}  // namespace
}  // namespace basin
