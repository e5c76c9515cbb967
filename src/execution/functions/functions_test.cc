#include <gtest/gtest.h>

#include <cmath>

#include "common/exception.h"
#include "execution/cast.h"
#include "execution/function.h"

namespace basin {
namespace {

/// Evaluate a bound argument expression: constants and casts of constants.
Value Evaluate(const Expr& e) {
  if (e.cls == ExprClass::kConstant) return e.value;
  if (e.cls == ExprClass::kCast) return CastValue(Evaluate(*e.children[0]), e.type, e.try_cast);
  throw InternalError("test helper evaluates constants and casts only");
}

/// Resolve `name` for the argument types as the binder would (cheapest implicit casts), bind, and run the
/// kernel over `rows` rows: each argument either one constant (a single value) or one value per row.
std::vector<Value> RunRows(const std::string& name, const std::vector<std::vector<Value>>& columns,
                           size_t rows) {
  const auto* overloads = FunctionRegistry::Get().FindScalar(name);
  if (!overloads) throw InternalError("no function " + name);
  const ScalarFunction* best = nullptr;
  int best_cost = INT32_MAX;
  for (const auto& f : *overloads) {
    if (columns.size() < f.arguments.size() || (!f.has_varargs && columns.size() != f.arguments.size()))
      continue;
    int cost = 0;
    for (size_t i = 0; i < columns.size() && cost >= 0; i++) {
      LogicalType param = i < f.arguments.size() ? f.arguments[i] : f.varargs;
      int c = ImplicitCastCost(columns[i][0].type(), param);
      cost = c < 0 ? -1 : cost + c;
    }
    if (cost >= 0 && cost < best_cost) best = &f, best_cost = cost;
  }
  if (!best) throw InternalError("no overload of " + name);
  // Arguments as the binder leaves them: cast to concrete parameter types, then the bind callback.
  std::vector<ExprPtr> exprs;
  for (size_t i = 0; i < columns.size(); i++) {
    LogicalType param = i < best->arguments.size() ? best->arguments[i] : best->varargs;
    bool concrete = param.id() != TypeId::kInvalid && !(param.id() == TypeId::kDecimal && param.width() == 0);
    LogicalType t = concrete ? param : columns[i][0].type();
    exprs.push_back(Expr::Cast(Expr::Constant(columns[i][0]), t));
    if (columns[i].size() == 1 && columns[i][0].type().id() == TypeId::kNull)
      exprs.back() = Expr::Constant(Value::Null(t));
  }
  LogicalType return_type = best->return_type;
  std::unique_ptr<FunctionData> bind_data;
  if (best->bind) bind_data = best->bind(exprs, return_type);
  std::vector<LogicalType> types;
  for (auto& e : exprs) types.push_back(e->type);
  DataChunk args;
  args.Initialize(types, std::max<size_t>(rows, 1));
  for (size_t i = 0; i < columns.size(); i++) {
    // Re-evaluate each row's value through the argument's bound cast chain.
    auto bound = exprs[i]->Copy();
    auto value_at = [&](size_t row) {
      Expr* leaf = bound.get();
      while (leaf->cls == ExprClass::kCast) leaf = leaf->children[0].get();
      leaf->value = columns[i][row];
      leaf->type = columns[i][row].type();
      return Evaluate(*bound);
    };
    if (columns[i].size() == 1) {
      args.column(i).Reference(Vector(value_at(0)));
      if (args.column(i).type() != types[i]) {  // NULL literal: keep the declared type
        Vector typed(types[i], 1);
        typed.SetValue(0, Value::Null(types[i]));
        typed.SetConstant(true);
        args.column(i).Reference(typed);
      }
    } else {
      for (size_t r = 0; r < rows; r++) args.column(i).SetValue(r, value_at(r));
    }
  }
  args.SetCardinality(rows);
  Vector result(return_type, std::max<size_t>(rows, 1));
  FunctionContext ctx{bind_data.get(), nullptr};
  best->kernel(args, ctx, result);
  std::vector<Value> out;
  for (size_t r = 0; r < rows; r++) out.push_back(result.GetValue(r));
  return out;
}

/// One row, every argument constant.
Value Call(const std::string& name, std::vector<Value> args) {
  std::vector<std::vector<Value>> columns;
  for (auto& a : args) columns.push_back({a});
  return RunRows(name, columns, 1)[0];
}

std::string Str(const std::string& name, std::vector<Value> args) {
  return Call(name, std::move(args)).ToString();
}

template <class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.sqlstate() + " " + e.message();
  }
  return "no error";
}

Value V(const char* s) {
  return Value::Varchar(s);
}
Value I(int32_t v) {
  return Value::Integer(v);
}
Value BI(int64_t v) {
  return Value::BigInt(v);
}
Value D(double v) {
  return Value::Double(v);
}
Value Dec(const char* s, int w, int sc) {
  return CastValue(V(s), LogicalType::Decimal(w, sc));
}
Value Ts(const char* s) {
  return CastValue(V(s), TypeId::kTimestamp);
}
Value Date(const char* s) {
  return CastValue(V(s), TypeId::kDate);
}
Value Iv(const char* s) {
  return CastValue(V(s), TypeId::kInterval);
}
Value Null(TypeId t) {
  return Value::Null(t);
}

TEST(ArithmeticTest, Integers) {
  EXPECT_EQ(Call("+", {I(2), I(3)}), I(5));
  EXPECT_EQ(Call("/", {I(7), I(-2)}), I(-3));  // truncates toward zero
  EXPECT_EQ(Call("%", {I(-7), I(2)}), I(-1));
  EXPECT_EQ(Call("-", {I(5)}), I(-5));
  EXPECT_EQ(Call("*", {BI(3), I(4)}), BI(12));  // the integer widens to BIGINT
  EXPECT_EQ(ErrorOf([] { Call("+", {I(INT32_MAX), I(1)}); }), "22003 integer out of range");
  EXPECT_EQ(ErrorOf([] { Call("/", {I(INT32_MIN), I(-1)}); }), "22003 integer out of range");
  EXPECT_EQ(ErrorOf([] { Call("*", {BI(INT64_MAX), BI(2)}); }), "22003 bigint out of range");
  EXPECT_EQ(ErrorOf([] { Call("-", {Value::SmallInt(INT16_MIN)}); }), "22003 smallint out of range");
  EXPECT_EQ(ErrorOf([] { Call("/", {I(1), I(0)}); }), "22012 division by zero");
  EXPECT_EQ(ErrorOf([] { Call("%", {I(1), I(0)}); }), "22012 division by zero");
  EXPECT_EQ(Call("%", {I(INT32_MIN), I(-1)}), I(0));
  EXPECT_TRUE(Call("+", {I(1), Null(TypeId::kInteger)}).IsNull());
}

TEST(ArithmeticTest, FlatAndConstantMixes) {
  auto out = RunRows("+", {{I(1), Null(TypeId::kInteger), I(3)}, {I(10)}}, 3);
  EXPECT_EQ(out[0], I(11));
  EXPECT_TRUE(out[1].IsNull());
  EXPECT_EQ(out[2], I(13));
  out = RunRows("-", {{I(10)}, {I(1), I(2), I(3)}}, 3);
  EXPECT_EQ(out[2], I(7));
}

TEST(ArithmeticTest, Floats) {
  EXPECT_EQ(Call("/", {D(1), D(4)}), D(0.25));
  EXPECT_EQ(ErrorOf([] { Call("/", {D(1), D(0)}); }), "22012 division by zero");
  EXPECT_EQ(ErrorOf([] { Call("*", {D(1e300), D(1e300)}); }), "22003 value out of range: overflow");
  EXPECT_EQ(Call("^", {D(2), D(10)}), D(1024));
  EXPECT_EQ(Call("^", {I(2), I(3)}), D(8));
}

TEST(ArithmeticTest, Decimals) {
  EXPECT_EQ(Str("+", {Dec("1.25", 5, 2), Dec("2.5", 3, 1)}), "3.75");
  EXPECT_EQ(Call("+", {Dec("1.25", 5, 2), Dec("2.5", 3, 1)}).type(), LogicalType::Decimal(6, 2));
  EXPECT_EQ(Str("-", {Dec("1.25", 5, 2), I(3)}), "-1.75");
  Value product = Call("*", {Dec("1.25", 5, 2), Dec("-2.5", 3, 1)});
  EXPECT_EQ(product.type(), LogicalType::Decimal(8, 3));
  EXPECT_EQ(product.ToString(), "-3.125");
  EXPECT_EQ(Str("*", {Dec("12345678901234.5678", 18, 4), Dec("1000000", 18, 0)}),
            "12345678901234567800.0000");
  EXPECT_EQ(Call("/", {Dec("1", 5, 0), Dec("4", 5, 0)}), D(0.25));
  EXPECT_EQ(Str("%", {Dec("7.5", 3, 1), Dec("2", 2, 0)}), "1.5");
  EXPECT_EQ(Str("-", {Dec("7.5", 3, 1)}), "-7.5");
  EXPECT_EQ(ErrorOf([] { Call("%", {Dec("7.5", 3, 1), Dec("0", 2, 0)}); }), "22012 division by zero");
}

TEST(ArithmeticTest, DatesAndIntervals) {
  EXPECT_EQ(Str("+", {Date("2024-02-28"), I(2)}), "2024-03-01");
  EXPECT_EQ(Call("-", {Date("2024-03-01"), Date("2024-01-01")}), I(60));
  EXPECT_EQ(Str("+", {Date("2024-01-31"), Iv("1 month")}), "2024-02-29 00:00:00");
  EXPECT_EQ(Str("-", {Ts("2024-03-01 12:00"), Ts("2024-01-01")}), "60 days 12:00:00");
  EXPECT_EQ(Str("+", {Iv("1 day"), Iv("2 hours")}), "1 day 02:00:00");
  EXPECT_EQ(Str("*", {Iv("1 month"), D(1.5)}), "1 mon 15 days");
  EXPECT_EQ(Str("/", {Iv("3 days"), D(2)}), "1 day 12:00:00");
  EXPECT_EQ(Str("+", {CastValue(V("23:00"), TypeId::kTime), Iv("2 hours")}), "01:00:00");
  EXPECT_EQ(ErrorOf([] { Call("/", {Iv("1 day"), D(0)}); }), "22012 division by zero");
}

TEST(ArithmeticTest, Concat) {
  EXPECT_EQ(Str("||", {V("abc"), V("defghijklmnop")}), "abcdefghijklmnop");
  EXPECT_EQ(Str("||", {V("n="), I(5)}), "n=5");
  EXPECT_TRUE(Call("||", {V("a"), Null(TypeId::kVarchar)}).IsNull());
}

TEST(ComparisonTest, Basics) {
  EXPECT_EQ(Call("<", {I(1), I(2)}), Value::Boolean(true));
  EXPECT_EQ(Call(">=", {V("abc"), V("abd")}), Value::Boolean(false));
  EXPECT_EQ(Call("<>", {D(1), D(1)}), Value::Boolean(false));
  EXPECT_EQ(Call("!=", {I(1), I(2)}), Value::Boolean(true));
  EXPECT_EQ(Call("=", {Dec("1.50", 5, 2), Dec("1.5", 3, 1)}), Value::Boolean(true));
  EXPECT_EQ(Call("<", {Dec("1.49", 5, 2), I(2)}), Value::Boolean(true));
  EXPECT_EQ(Call("=", {Iv("1 month"), Iv("30 days")}), Value::Boolean(true));
  EXPECT_TRUE(Call("=", {I(1), Null(TypeId::kInteger)}).IsNull());
  // NaN equals itself and sorts above every number, as PostgreSQL.
  EXPECT_EQ(Call("=", {D(NAN), D(NAN)}), Value::Boolean(true));
  EXPECT_EQ(Call(">", {D(NAN), D(INFINITY)}), Value::Boolean(true));
  EXPECT_EQ(Call("<", {D(NAN), D(1)}), Value::Boolean(false));
}

TEST(ComparisonTest, FlatWithConstantRight) {
  auto out = RunRows("<", {{I(1), I(5), Null(TypeId::kInteger), I(3)}, {I(3)}}, 4);
  EXPECT_EQ(out[0], Value::Boolean(true));
  EXPECT_EQ(out[1], Value::Boolean(false));
  EXPECT_TRUE(out[2].IsNull());
  EXPECT_EQ(out[3], Value::Boolean(false));
}

TEST(ComparisonTest, DistinctFrom) {
  EXPECT_EQ(Call("is_distinct_from", {I(1), Null(TypeId::kInteger)}), Value::Boolean(true));
  EXPECT_EQ(Call("is_not_distinct_from", {Null(TypeId::kInteger), Null(TypeId::kInteger)}),
            Value::Boolean(true));
  EXPECT_EQ(Call("is_distinct_from", {V("a"), V("a")}), Value::Boolean(false));
}

TEST(StringTest, Basics) {
  EXPECT_EQ(Call("length", {V("héllo")}), I(5));
  EXPECT_EQ(Call("octet_length", {V("héllo")}), I(6));
  EXPECT_EQ(Str("upper", {V("abcÉ")}), "ABCÉ");
  EXPECT_EQ(Str("substring", {V("hello"), I(2), I(3)}), "ell");
  EXPECT_EQ(Str("substring", {V("hello"), I(0), I(3)}), "he");
  EXPECT_EQ(Str("substring", {V("hello"), I(-5), I(3)}), "");
  EXPECT_EQ(Str("substr", {V("héllo"), I(2)}), "éllo");
  EXPECT_EQ(ErrorOf([] {
              Call("substring", {V("x"), I(1), I(-1)});
            }),
            "22011 negative substring length not allowed");
  EXPECT_EQ(Call("position", {V("lo"), V("hello")}), I(4));
  EXPECT_EQ(Call("strpos", {V("hello"), V("z")}), I(0));
  EXPECT_EQ(Str("replace", {V("abcabc"), V("b"), V("XY")}), "aXYcaXYc");
  EXPECT_EQ(Str("reverse", {V("héllo")}), "olléh");
  EXPECT_EQ(Str("left", {V("hello"), I(-2)}), "hel");
  EXPECT_EQ(Str("right", {V("hello"), I(2)}), "lo");
  EXPECT_EQ(Str("lpad", {V("7"), I(3), V("0")}), "007");
  EXPECT_EQ(Str("rpad", {V("hello"), I(2)}), "he");
  EXPECT_EQ(Str("btrim", {V("  hi  ")}), "hi");
  EXPECT_EQ(Str("ltrim", {V("xxhixx"), V("x")}), "hixx");
  EXPECT_EQ(Str("rtrim", {V("xxhixx"), V("x")}), "xxhi");
  EXPECT_EQ(Str("split_part", {V("a,b,c"), V(","), I(2)}), "b");
  EXPECT_EQ(Str("split_part", {V("a,b,c"), V(","), I(-1)}), "c");
  EXPECT_EQ(Str("split_part", {V("a,b,c"), V(","), I(5)}), "");
  EXPECT_EQ(Str("repeat", {V("ab"), I(3)}), "ababab");
  EXPECT_EQ(Call("starts_with", {V("hello"), V("he")}), Value::Boolean(true));
  EXPECT_EQ(Call("ends_with", {V("hello"), V("lo")}), Value::Boolean(true));
  EXPECT_EQ(Call("contains", {V("hello"), V("ell")}), Value::Boolean(true));
  EXPECT_EQ(Call("ascii", {V("A")}), I(65));
  EXPECT_EQ(Str("chr", {I(233)}), "é");
  EXPECT_EQ(Str("initcap", {V("hello wORLD-foo")}), "Hello World-Foo");
  EXPECT_EQ(Str("translate", {V("12345"), V("143"), V("ax")}), "a2x5");
  EXPECT_EQ(Str("md5", {V("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Str("md5", {V("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Str("to_hex", {I(-1)}), "ffffffff");
  EXPECT_EQ(Str("to_hex", {I(255)}), "ff");
}

TEST(StringTest, ConcatSkipsNulls) {
  EXPECT_EQ(Str("concat", {V("a"), Null(TypeId::kVarchar), I(1)}), "a1");
  EXPECT_EQ(Str("concat_ws", {V(","), V("a"), Null(TypeId::kVarchar), V("b")}), "a,b");
  EXPECT_TRUE(Call("concat_ws", {Null(TypeId::kVarchar), V("a")}).IsNull());
}

TEST(LikeTest, Patterns) {
  auto like = [](const char* s, const char* p) { return Call("like", {V(s), V(p)}).GetBool(); };
  EXPECT_TRUE(like("hello", "hello"));
  EXPECT_TRUE(like("hello", "he%"));
  EXPECT_TRUE(like("hello", "%llo"));
  EXPECT_TRUE(like("hello", "%ell%"));
  EXPECT_TRUE(like("hello", "%"));
  EXPECT_TRUE(like("", "%"));
  EXPECT_FALSE(like("", "_"));
  EXPECT_TRUE(like("hello", "h_l%o"));
  EXPECT_TRUE(like("héllo", "h_llo"));  // '_' is one character, not one byte
  EXPECT_FALSE(like("hello", "h_lo"));
  EXPECT_TRUE(like("abcabcabd", "%abc%abd"));
  EXPECT_TRUE(like("aaa", "%a%a%a%"));
  EXPECT_FALSE(like("aa", "%a%a%a%"));
  EXPECT_FALSE(like("Hello", "hello"));
  EXPECT_FALSE(like("hello", "H%"));  // LIKE is case-sensitive in the pattern too
  EXPECT_TRUE(like("Hello", "H%"));
  EXPECT_FALSE(like("hello", "%LLO"));
  EXPECT_TRUE(like("50%", "50\\%"));
  EXPECT_FALSE(like("500", "50\\%"));
  EXPECT_TRUE(Call("like", {V("a_c"), V("a!_c"), V("!")}).GetBool());
  EXPECT_FALSE(Call("like", {V("abc"), V("a!_c"), V("!")}).GetBool());
  EXPECT_TRUE(Call("like", {V("a\\c"), V("a\\c"), V("")}).GetBool());  // empty escape: none
  EXPECT_EQ(ErrorOf([] {
              Call("like", {V("a"), V("a\\")});
            }),
            "22025 LIKE pattern must not end with escape character");
  EXPECT_TRUE(Call("ilike", {V("HeLLo"), V("h%O")}).GetBool());
  EXPECT_TRUE(Call("~~", {V("x"), V("_")}).GetBool());
}

TEST(LikeTest, FlatPatterns) {
  auto out = RunRows("like", {{V("abc"), V("abd"), V("xyz")}, {V("ab%"), V("%c"), V("x_z")}}, 3);
  EXPECT_TRUE(out[0].GetBool());
  EXPECT_FALSE(out[1].GetBool());
  EXPECT_TRUE(out[2].GetBool());
}

TEST(RegexTest, Operators) {
  EXPECT_TRUE(Call("~", {V("hello world"), V("wor")}).GetBool());
  EXPECT_FALSE(Call("~", {V("hello"), V("^ell")}).GetBool());
  EXPECT_TRUE(Call("~*", {V("HELLO"), V("^hel")}).GetBool());
  EXPECT_TRUE(Call("!~", {V("hello"), V("z")}).GetBool());
  EXPECT_EQ(ErrorOf([] { Call("~", {V("a"), V("(")}); }).substr(0, 34), "2201B invalid regular expression: ");
  EXPECT_TRUE(Call("similar_to", {V("abc"), V("a%")}).GetBool());
  EXPECT_TRUE(Call("similar_to", {V("abc"), V("(abc|xyz)")}).GetBool());
  EXPECT_FALSE(Call("similar_to", {V("abcd"), V("a_c")}).GetBool());
  EXPECT_FALSE(Call("similar_to", {V("a.c"), V("a_")}).GetBool());
  EXPECT_EQ(Str("regexp_replace", {V("foobarbaz"), V("b(..)"), V("X\\1Y")}), "fooXarYbaz");
  EXPECT_EQ(Str("regexp_replace", {V("foobarbaz"), V("b(..)"), V("X\\1Y"), V("g")}), "fooXarYXazY");
  EXPECT_EQ(Str("regexp_replace", {V("ABC"), V("b"), V("-"), V("gi")}), "A-C");
  EXPECT_EQ(Str("substring", {V("foobar"), V("o(b.)")}), "ba");
  EXPECT_TRUE(Call("substring", {V("foobar"), V("z")}).IsNull());
}

TEST(MathTest, Functions) {
  EXPECT_EQ(Call("abs", {I(-3)}), I(3));
  EXPECT_EQ(ErrorOf([] { Call("abs", {I(INT32_MIN)}); }), "22003 integer out of range");
  EXPECT_EQ(Str("abs", {Dec("-1.50", 5, 2)}), "1.50");
  EXPECT_EQ(Call("round", {D(2.5)}), D(2));  // float8 rounds half to even (rint)
  EXPECT_EQ(Call("round", {D(-3.5)}), D(-4));
  EXPECT_EQ(Str("round", {Dec("2.5", 3, 1)}), "3");  // numeric rounds half away from zero
  EXPECT_EQ(Str("round", {Dec("-2.5", 3, 1)}), "-3");
  EXPECT_EQ(Str("round", {Dec("1.255", 5, 3), I(2)}), "1.26");
  EXPECT_EQ(Str("round", {Dec("1234.5", 6, 1), I(-2)}), "1200");
  EXPECT_EQ(Str("trunc", {Dec("-1.99", 5, 2)}), "-1");
  EXPECT_EQ(Str("ceil", {Dec("1.01", 5, 2)}), "2");
  EXPECT_EQ(Str("floor", {Dec("-1.01", 5, 2)}), "-2");
  EXPECT_EQ(Call("ceil", {D(1.2)}), D(2));
  EXPECT_EQ(Call("round", {D(1.2345), I(2)}), D(1.23));
  EXPECT_EQ(Call("sqrt", {D(16)}), D(4));
  EXPECT_EQ(ErrorOf([] { Call("sqrt", {D(-1)}); }), "2201F cannot take square root of a negative number");
  EXPECT_EQ(ErrorOf([] { Call("ln", {D(0)}); }), "2201E cannot take logarithm of zero");
  EXPECT_EQ(Call("log", {D(1000)}), D(3));
  EXPECT_EQ(Call("log", {D(2), D(8)}), D(3));
  EXPECT_EQ(Call("power", {D(2), D(-1)}), D(0.5));
  EXPECT_EQ(ErrorOf([] {
              Call("power", {D(0), D(-1)});
            }),
            "2201F zero raised to a negative power is undefined");
  EXPECT_EQ(Call("gcd", {I(12), I(18)}), I(6));
  EXPECT_EQ(Call("lcm", {I(4), I(6)}), I(12));
  EXPECT_EQ(Call("mod", {I(7), I(3)}), I(1));
  EXPECT_EQ(Call("sign", {D(-2)}), D(-1));
  EXPECT_NEAR(Call("degrees", {Call("pi", {})}).GetDouble(), 180, 1e-9);
  double r = Call("random", {}).GetDouble();
  EXPECT_TRUE(r >= 0 && r < 1);
}

TEST(DateTimeTest, DatePart) {
  Value ts = Ts("2024-02-29 13:14:15.5");
  EXPECT_EQ(Call("date_part", {V("year"), ts}), D(2024));
  EXPECT_EQ(Call("date_part", {V("month"), ts}), D(2));
  EXPECT_EQ(Call("date_part", {V("day"), ts}), D(29));
  EXPECT_EQ(Call("date_part", {V("hour"), ts}), D(13));
  EXPECT_EQ(Call("date_part", {V("second"), ts}), D(15.5));
  EXPECT_EQ(Call("date_part", {V("milliseconds"), ts}), D(15500));
  EXPECT_EQ(Call("date_part", {V("dow"), ts}), D(4));  // Thursday
  EXPECT_EQ(Call("date_part", {V("isodow"), Date("2024-03-03")}), D(7));
  EXPECT_EQ(Call("date_part", {V("doy"), ts}), D(60));
  EXPECT_EQ(Call("date_part", {V("quarter"), ts}), D(1));
  EXPECT_EQ(Call("date_part", {V("week"), Date("2021-01-03")}), D(53));
  EXPECT_EQ(Call("date_part", {V("isoyear"), Date("2021-01-03")}), D(2020));
  EXPECT_EQ(Call("date_part", {V("century"), Date("2000-12-31")}), D(20));
  EXPECT_EQ(Call("date_part", {V("century"), Date("2001-01-01")}), D(21));
  EXPECT_EQ(Call("date_part", {V("epoch"), Ts("1970-01-02")}), D(86400));
  EXPECT_EQ(Call("date_part", {V("hour"), Iv("1 day 05:00")}), D(5));
  EXPECT_EQ(Call("date_part", {V("epoch"), Iv("1 day")}), D(86400));
  EXPECT_EQ(Call("date_part", {V("minute"), CastValue(V("10:42"), TypeId::kTime)}), D(42));
  EXPECT_EQ(ErrorOf([] {
              Call("date_part", {V("fortnight"), Ts("2024-01-01")});
            }),
            "22023 unit \"fortnight\" not supported for type timestamp");
}

TEST(DateTimeTest, DateTrunc) {
  Value ts = Ts("2024-05-17 13:14:15.123456");
  EXPECT_EQ(Str("date_trunc", {V("year"), ts}), "2024-01-01 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("quarter"), ts}), "2024-04-01 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("month"), ts}), "2024-05-01 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("week"), ts}), "2024-05-13 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("day"), ts}), "2024-05-17 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("hour"), ts}), "2024-05-17 13:00:00");
  EXPECT_EQ(Str("date_trunc", {V("second"), ts}), "2024-05-17 13:14:15");
  EXPECT_EQ(Str("date_trunc", {V("milliseconds"), ts}), "2024-05-17 13:14:15.123");
  EXPECT_EQ(Str("date_trunc", {V("decade"), ts}), "2020-01-01 00:00:00");
  EXPECT_EQ(Str("date_trunc", {V("century"), ts}), "2001-01-01 00:00:00");
  // A date goes to the timestamptz overload, as PostgreSQL.
  EXPECT_EQ(Str("date_trunc", {V("month"), Date("2024-05-17")}), "2024-05-01 00:00:00+00");
  EXPECT_EQ(Str("date_trunc", {V("hour"), Ts("1969-12-31 23:30")}), "1969-12-31 23:00:00");
}

// TUMBLE and HOP are made of date_bin: windows are whole strides counted from the origin, negative times
// floored, never truncated toward the origin.
TEST(DateTimeTest, DateBin) {
  const Value epoch = Ts("1970-01-01");
  EXPECT_EQ(Str("date_bin", {Iv("10 seconds"), Ts("2024-01-01 00:00:09.999999"), epoch}), "2024-01-01 00:00:00");
  EXPECT_EQ(Str("date_bin", {Iv("10 seconds"), Ts("2024-01-01 00:00:10"), epoch}), "2024-01-01 00:00:10");
  EXPECT_EQ(Str("date_bin", {Iv("10 seconds"), Ts("1969-12-31 23:59:55"), epoch}), "1969-12-31 23:59:50");
  EXPECT_EQ(Str("date_bin", {Iv("10 seconds"), Ts("1969-12-31 23:59:50"), epoch}), "1969-12-31 23:59:50");
  EXPECT_EQ(Str("date_bin", {Iv("1 day 1 hour"), Ts("1970-01-02 00:59:59"), epoch}), "1970-01-01 00:00:00");
  EXPECT_EQ(Str("date_bin", {Iv("15 minutes"), Ts("2020-02-11 15:44:17"), Ts("2001-01-01 00:02:30")}),
            "2020-02-11 15:32:30");
  EXPECT_EQ(ErrorOf([&] { Call("date_bin", {Iv("0 seconds"), Ts("2024-01-01"), epoch}); }),
            "22023 stride must be greater than zero");
  EXPECT_EQ(ErrorOf([&] { Call("date_bin", {Iv("1 month"), Ts("2024-01-01"), epoch}); }),
            "0A000 timestamps cannot be binned into intervals containing months or years");
}

TEST(DateTimeTest, AgeAndConstructors) {
  EXPECT_EQ(Str("age", {Ts("2024-03-01"), Ts("2023-01-31")}), "1 year 1 mon 1 day");
  EXPECT_EQ(Str("age", {Ts("2023-01-31"), Ts("2024-03-01")}), "-1 years -1 mons -1 days");
  EXPECT_EQ(Str("age", {Ts("2024-01-01 10:00"), Ts("2024-01-01 12:30")}), "-02:30:00");
  EXPECT_EQ(Str("make_date", {I(2024), I(2), I(29)}), "2024-02-29");
  EXPECT_EQ(ErrorOf([] {
              Call("make_date", {I(2023), I(2), I(29)});
            }),
            "22008 date field value out of range: 2023-2-29");
  EXPECT_EQ(Str("make_timestamp", {I(2024), I(1), I(2), I(3), I(4), D(5.5)}), "2024-01-02 03:04:05.5");
  EXPECT_EQ(Str("to_timestamp", {D(86400.5)}), "1970-01-02 00:00:00.5+00");
  EXPECT_EQ(Call("now", {}).type().id(), TypeId::kTimestampTz);
  EXPECT_EQ(Call("current_date", {}).type().id(), TypeId::kDate);
}

TEST(DateTimeTest, ToChar) {
  Value ts = Ts("2024-03-05 14:07:09.123456");
  EXPECT_EQ(Str("to_char", {ts, V("YYYY-MM-DD HH24:MI:SS")}), "2024-03-05 14:07:09");
  EXPECT_EQ(Str("to_char", {ts, V("HH12:MI AM, Dy Mon DD")}), "02:07 PM, Tue Mar 05");
  EXPECT_EQ(Str("to_char", {ts, V("Day|FMDay|MONTH|FMmonth")}), "Tuesday  |Tuesday|MARCH    |march");
  EXPECT_EQ(Str("to_char", {ts, V("DDD D Q YY MS US")}), "065 3 1 24 123 123456");
  EXPECT_EQ(Str("to_char", {ts, V("\"Quarter\" Q, FMDDth")}), "Quarter 1, 5th");
  EXPECT_EQ(Str("to_char", {Date("2024-12-31"), V("IYYY-IW")}), "2025-01");
}

TEST(DateTimeTest, ToCharNumber) {
  EXPECT_EQ(Str("to_char", {Dec("1234.5", 5, 1), V("9999.99")}), " 1234.50");
  EXPECT_EQ(Str("to_char", {Dec("2.675", 4, 3), V("FM9.99")}), "2.68");
  EXPECT_EQ(Str("to_char", {I(-42), V("00000")}), "-00042");
  EXPECT_EQ(Str("to_char", {BI(1234567), V("FM9,999,999")}), "1,234,567");
  EXPECT_EQ(Str("to_char", {D(-12.5), V("999.9PR")}), " <12.5>");
  EXPECT_EQ(Str("to_char", {D(1234.5), V("9.99EEEE")}), " 1.23e+03");
  EXPECT_EQ(Str("to_char", {I(12345), V("999")}), " ###");
  EXPECT_EQ(ErrorOf([] { Call("to_char", {I(1), V("9.9.9")}); }), "42601 multiple decimal points");
}

TEST(DateTimeTest, ParseWithFormat) {
  EXPECT_EQ(Str("to_date", {V("05 Mar 2024"), V("DD Mon YYYY")}), "2024-03-05");
  EXPECT_EQ(Str("to_date", {V("20240305"), V("YYYYMMDD")}), "2024-03-05");
  EXPECT_EQ(Str("to_timestamp", {V("2024-03-05 02:07:09 PM"), V("YYYY-MM-DD HH12:MI:SS AM")}),
            "2024-03-05 14:07:09+00");
  EXPECT_EQ(Str("to_timestamp", {V("2024-03-05 14:07:09.5"), V("YYYY-MM-DD HH24:MI:SS.MS")}),
            "2024-03-05 14:07:09.5+00");
  EXPECT_EQ(ErrorOf([] { Call("to_date", {V("2024-02-30"), V("YYYY-MM-DD")}); }).substr(0, 5), "22008");
}

TEST(RegistryTest, CastCostsAndSupertypes) {
  EXPECT_EQ(ImplicitCastCost(TypeId::kInteger, TypeId::kInteger), 0);
  EXPECT_GT(ImplicitCastCost(TypeId::kInteger, TypeId::kDouble),
            ImplicitCastCost(TypeId::kInteger, TypeId::kBigInt));
  EXPECT_EQ(ImplicitCastCost(TypeId::kDouble, TypeId::kInteger), -1);
  EXPECT_EQ(ImplicitCastCost(TypeId::kVarchar, TypeId::kInteger), -1);
  EXPECT_EQ(ImplicitCastCost(TypeId::kInteger, LogicalType::Decimal(5, 0)), -1);
  EXPECT_GT(ImplicitCastCost(TypeId::kInteger, LogicalType::Decimal(12, 2)), 0);
  EXPECT_GT(ImplicitCastCost(TypeId::kDate, TypeId::kTimestamp), 0);
  EXPECT_EQ(ImplicitCastCost(TypeId::kTimestamp, TypeId::kDate), -1);
  EXPECT_EQ(CommonSuperType(TypeId::kInteger, LogicalType::Decimal(15, 2)), LogicalType::Decimal(15, 2));
  EXPECT_EQ(CommonSuperType(TypeId::kBigInt, LogicalType::Decimal(5, 2)), LogicalType::Decimal(21, 2));
  EXPECT_EQ(CommonSuperType(LogicalType::Decimal(10, 4), LogicalType::Decimal(12, 1)),
            LogicalType::Decimal(15, 4));
  EXPECT_EQ(CommonSuperType(LogicalType::Decimal(10, 4), TypeId::kDouble), LogicalType(TypeId::kDouble));
  EXPECT_EQ(CommonSuperType(TypeId::kDate, TypeId::kTimestamp), LogicalType(TypeId::kTimestamp));
  EXPECT_EQ(CommonSuperType(TypeId::kNull, TypeId::kVarchar), LogicalType(TypeId::kVarchar));
  EXPECT_EQ(CommonSuperType(TypeId::kVarchar, TypeId::kInteger), LogicalType(TypeId::kInvalid));
  EXPECT_TRUE(FunctionRegistry::Get().IsWindowFunction("row_number"));
  EXPECT_FALSE(FunctionRegistry::Get().IsWindowFunction("sum"));
}

}  // namespace
}  // namespace basin
