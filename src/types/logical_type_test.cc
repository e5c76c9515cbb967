#include "types/logical_type.h"

#include <gtest/gtest.h>

#include "common/exception.h"

namespace basin {
namespace {

TEST(LogicalTypeTest, Names) {
  EXPECT_EQ(LogicalType(TypeId::kBoolean).ToString(), "BOOLEAN");
  EXPECT_EQ(LogicalType(TypeId::kSmallInt).ToString(), "SMALLINT");
  EXPECT_EQ(LogicalType(TypeId::kInteger).ToString(), "INTEGER");
  EXPECT_EQ(LogicalType(TypeId::kBigInt).ToString(), "BIGINT");
  EXPECT_EQ(LogicalType(TypeId::kReal).ToString(), "REAL");
  EXPECT_EQ(LogicalType(TypeId::kDouble).ToString(), "DOUBLE");
  EXPECT_EQ(LogicalType::Decimal(15, 2).ToString(), "DECIMAL(15,2)");
  EXPECT_EQ(LogicalType(TypeId::kVarchar).ToString(), "VARCHAR");
  EXPECT_EQ(LogicalType(TypeId::kBlob).ToString(), "BLOB");
  EXPECT_EQ(LogicalType(TypeId::kDate).ToString(), "DATE");
  EXPECT_EQ(LogicalType(TypeId::kTime).ToString(), "TIME");
  EXPECT_EQ(LogicalType(TypeId::kTimestamp).ToString(), "TIMESTAMP");
  EXPECT_EQ(LogicalType(TypeId::kTimestampTz).ToString(), "TIMESTAMPTZ");
  EXPECT_EQ(LogicalType(TypeId::kInterval).ToString(), "INTERVAL");
  EXPECT_EQ(LogicalType(TypeId::kNull).ToString(), "NULL");
  EXPECT_EQ(LogicalType::List(TypeId::kInteger).ToString(), "INTEGER[]");
  EXPECT_EQ(LogicalType::List(LogicalType::List(TypeId::kVarchar)).ToString(), "VARCHAR[][]");
}

TEST(LogicalTypeTest, Physical) {
  EXPECT_EQ(LogicalType(TypeId::kBoolean).physical(), PhysicalType::kBool);
  EXPECT_EQ(LogicalType(TypeId::kDate).physical(), PhysicalType::kInt32);
  EXPECT_EQ(LogicalType(TypeId::kTimestampTz).physical(), PhysicalType::kInt64);
  EXPECT_EQ(LogicalType::Decimal(18, 2).physical(), PhysicalType::kInt64);
  EXPECT_EQ(LogicalType::Decimal(19, 2).physical(), PhysicalType::kInt128);
  EXPECT_EQ(LogicalType(TypeId::kBlob).physical(), PhysicalType::kString);
  EXPECT_EQ(LogicalType(TypeId::kInterval).physical(), PhysicalType::kInterval);
  EXPECT_EQ(LogicalType::List(TypeId::kInteger).physical(), PhysicalType::kList);
  EXPECT_THROW(LogicalType().physical(), InternalError);
  EXPECT_EQ(PhysicalSize(PhysicalType::kInt128), 16u);
  EXPECT_EQ(PhysicalSize(PhysicalType::kString), 16u);
  EXPECT_EQ(PhysicalSize(PhysicalType::kInterval), 16u);
  EXPECT_EQ(PhysicalSize(PhysicalType::kFloat), 4u);
}

TEST(LogicalTypeTest, Categories) {
  EXPECT_TRUE(LogicalType(TypeId::kSmallInt).IsInteger());
  EXPECT_FALSE(LogicalType(TypeId::kDouble).IsInteger());
  EXPECT_FALSE(LogicalType::Decimal(10, 0).IsInteger());
  for (TypeId id : {TypeId::kSmallInt, TypeId::kInteger, TypeId::kBigInt, TypeId::kReal, TypeId::kDouble}) {
    EXPECT_TRUE(LogicalType(id).IsNumeric());
  }
  EXPECT_TRUE(LogicalType::Decimal(10, 2).IsNumeric());
  EXPECT_FALSE(LogicalType(TypeId::kBoolean).IsNumeric());
  EXPECT_FALSE(LogicalType(TypeId::kVarchar).IsNumeric());
  EXPECT_TRUE(LogicalType(TypeId::kDate).IsTemporal());
  EXPECT_TRUE(LogicalType(TypeId::kTimestampTz).IsTemporal());
  EXPECT_FALSE(LogicalType(TypeId::kInterval).IsTemporal());
  EXPECT_TRUE(LogicalType(TypeId::kVarchar).IsString());
}

TEST(LogicalTypeTest, Equality) {
  EXPECT_EQ(LogicalType::Decimal(10, 2), LogicalType::Decimal(10, 2));
  EXPECT_NE(LogicalType::Decimal(10, 2), LogicalType::Decimal(10, 3));
  EXPECT_NE(LogicalType::Decimal(10, 2), LogicalType(TypeId::kDouble));
  EXPECT_EQ(LogicalType::List(TypeId::kInteger), LogicalType::List(TypeId::kInteger));
  EXPECT_NE(LogicalType::List(TypeId::kInteger), LogicalType::List(TypeId::kBigInt));
  EXPECT_EQ(LogicalType(TypeId::kDate), TypeId::kDate);
}

TEST(LogicalTypeTest, DecimalLimits) {
  EXPECT_NO_THROW(LogicalType::Decimal(38, 38));
  EXPECT_THROW(LogicalType::Decimal(0, 0), BinderError);
  EXPECT_THROW(LogicalType::Decimal(39, 0), BinderError);
  EXPECT_THROW(LogicalType::Decimal(5, 6), BinderError);
}

TEST(TypeFromNameTest, Spellings) {
  auto is = [](const char* name, const LogicalType& expected) {
    EXPECT_EQ(TypeFromName(name), expected) << name;
  };
  for (const char* n : {"bool", "boolean", "BOOLEAN"}) is(n, TypeId::kBoolean);
  for (const char* n : {"int2", "smallint"}) is(n, TypeId::kSmallInt);
  for (const char* n : {"int", "int4", "integer", "Integer"}) is(n, TypeId::kInteger);
  for (const char* n : {"int8", "bigint"}) is(n, TypeId::kBigInt);
  for (const char* n : {"real", "float4"}) is(n, TypeId::kReal);
  for (const char* n : {"float", "float8", "double", "double precision", " Double   Precision "})
    is(n, TypeId::kDouble);
  for (const char* n : {"varchar", "character varying", "text", "string", "char", "character", "bpchar"}) {
    is(n, TypeId::kVarchar);
  }
  for (const char* n : {"bytea", "blob"}) is(n, TypeId::kBlob);
  is("date", TypeId::kDate);
  for (const char* n : {"time", "time without time zone"}) is(n, TypeId::kTime);
  for (const char* n : {"timestamp", "timestamp without time zone", "datetime"}) is(n, TypeId::kTimestamp);
  for (const char* n : {"timestamptz", "timestamp with time zone"}) is(n, TypeId::kTimestampTz);
  is("interval", TypeId::kInterval);
  is("int[]", LogicalType::List(TypeId::kInteger));
  is("text []", LogicalType::List(TypeId::kVarchar));
}

TEST(TypeFromNameTest, Modifiers) {
  EXPECT_EQ(TypeFromName("numeric"), LogicalType::Decimal(18, 3));
  EXPECT_EQ(TypeFromName("decimal", 10), LogicalType::Decimal(10, 0));
  EXPECT_EQ(TypeFromName("numeric", 15, 2), LogicalType::Decimal(15, 2));
  EXPECT_EQ(TypeFromName("numeric", 38, 38), LogicalType::Decimal(38, 38));
  EXPECT_EQ(TypeFromName("varchar", 10), LogicalType(TypeId::kVarchar));
  EXPECT_EQ(TypeFromName("character", 1), LogicalType(TypeId::kVarchar));
  EXPECT_EQ(TypeFromName("timestamp", 3), LogicalType(TypeId::kTimestamp));
  EXPECT_EQ(TypeFromName("float", 24), LogicalType(TypeId::kReal));
  EXPECT_EQ(TypeFromName("float", 25), LogicalType(TypeId::kDouble));
  EXPECT_EQ(TypeFromName("numeric[]", 5, 1), LogicalType::List(LogicalType::Decimal(5, 1)));
}

TEST(TypeFromNameTest, Errors) {
  auto state_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const BinderError& e) {
      return e.sqlstate();
    }
    return "no error";
  };
  EXPECT_EQ(state_of([] { TypeFromName("numeric", 0); }), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(state_of([] { TypeFromName("numeric", 39); }), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(state_of([] { TypeFromName("numeric", 300); }),
            sqlstate::kInvalidParameterValue);  // not 300 % 256
  EXPECT_EQ(state_of([] { TypeFromName("numeric", 5, 6); }), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(state_of([] { TypeFromName("float", 54); }), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(state_of([] { TypeFromName("float", 0); }), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(state_of([] { TypeFromName("integer", 5); }), sqlstate::kSyntaxError);
  EXPECT_EQ(state_of([] { TypeFromName("foo"); }), sqlstate::kUndefinedObject);
  EXPECT_EQ(state_of([] { TypeFromName(""); }), sqlstate::kUndefinedObject);
  EXPECT_EQ(state_of([] { TypeFromName("[]"); }), sqlstate::kUndefinedObject);
  EXPECT_EQ(state_of([] { TypeFromName("timestamp with time zones"); }), sqlstate::kUndefinedObject);
  try {
    TypeFromName("foo");
  } catch (const BinderError& e) {
    EXPECT_STREQ(e.what(), "type \"foo\" does not exist");
  }
}

}  // namespace
}  // namespace basin
