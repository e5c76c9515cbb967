#include "types/datetime.h"

#include <gtest/gtest.h>

#include <string>

#include "common/exception.h"

namespace basin {
namespace {

int32_t Date(std::string_view text) {
  int32_t days = 0;
  EXPECT_TRUE(date::TryParse(text, days)) << text;
  return days;
}

int64_t Ts(std::string_view text) {
  int64_t ts = 0;
  EXPECT_TRUE(timestamp::TryParse(text, ts)) << text;
  return ts;
}

interval_t Iv(std::string_view text) {
  interval_t iv;
  EXPECT_TRUE(interval::TryParse(text, iv)) << text;
  return iv;
}

std::string IvText(std::string_view text) {
  return interval::ToString(Iv(text));
}

TEST(DateTest, CivilRoundTrip) {
  EXPECT_EQ(date::FromCivil(1970, 1, 1), 0);
  EXPECT_EQ(date::FromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(date::FromCivil(1969, 12, 31), -1);
  EXPECT_EQ(date::FromCivil(1900, 1, 1), -25567);
  for (int32_t days = -800000; days <= 800000; days += 997) {
    int32_t y, m, d;
    date::ToCivil(days, y, m, d);
    ASSERT_TRUE(date::IsValid(y, m, d)) << days;
    ASSERT_EQ(date::FromCivil(y, m, d), days);
  }
}

TEST(DateTest, LeapYears) {
  EXPECT_EQ(date::DaysInMonth(2000, 2), 29);
  EXPECT_EQ(date::DaysInMonth(1900, 2), 28);
  EXPECT_EQ(date::DaysInMonth(2024, 2), 29);
  EXPECT_EQ(date::DaysInMonth(2023, 2), 28);
  EXPECT_EQ(date::DaysInMonth(0, 2), 29);  // 1 BC is a leap year in the proleptic calendar
  EXPECT_EQ(date::DaysInMonth(2023, 13), 0);
  EXPECT_TRUE(date::IsValid(2000, 2, 29));
  EXPECT_FALSE(date::IsValid(1900, 2, 29));
  EXPECT_FALSE(date::IsValid(2023, 4, 31));
  EXPECT_FALSE(date::IsValid(2023, 0, 1));
  EXPECT_FALSE(date::IsValid(2023, 1, 0));
}

TEST(DateTest, ParseAndPrint) {
  EXPECT_EQ(date::ToString(Date("2024-01-02")), "2024-01-02");
  EXPECT_EQ(date::ToString(Date("  2024-1-2 ")), "2024-01-02");
  EXPECT_EQ(date::ToString(Date("20240102")), "2024-01-02");
  EXPECT_EQ(date::ToString(Date("2000-02-29")), "2000-02-29");
  EXPECT_EQ(date::ToString(Date("1969-07-20")), "1969-07-20");
  EXPECT_LT(Date("1969-07-20"), 0);
  EXPECT_EQ(date::ToString(Date("10000-01-01")), "10000-01-01");
  EXPECT_EQ(date::ToString(Date("2024-01-02 13:14:15")), "2024-01-02");  // the time is dropped
  EXPECT_EQ(Date("epoch"), 0);
  EXPECT_EQ(Date("infinity"), date::kInfinity);
  EXPECT_EQ(date::ToString(date::kNegativeInfinity), "-infinity");
}

TEST(DateTest, BeforeChrist) {
  EXPECT_EQ(Date("0001-12-31 BC"), date::FromCivil(0, 12, 31));
  EXPECT_EQ(date::ToString(date::FromCivil(0, 12, 31)), "0001-12-31 BC");
  EXPECT_EQ(date::ToString(date::FromCivil(1, 1, 1) - 1), "0001-12-31 BC");
  EXPECT_EQ(date::ToString(Date("0044-03-15 bc")), "0044-03-15 BC");
  EXPECT_EQ(date::ToString(Date("4713-01-01 BC")), "4713-01-01 BC");
  EXPECT_EQ(date::ToString(Date("0001-01-01 AD")), "0001-01-01");
  int32_t days;
  EXPECT_FALSE(date::TryParse("0000-01-01", days));  // no year 0
}

TEST(DateTest, Malformed) {
  int32_t days = 42;
  for (std::string_view text : {"",
                                " ",
                                "2024",
                                "2024-01",
                                "2024-13-01",
                                "2024-00-10",
                                "2024-02-30",
                                "1900-02-29",
                                "2023-02-29",
                                "2024-01-02x",
                                "2024/01/02",
                                "-2024-01-02",
                                "2024-01-02 25:00:00",
                                "2024-01-02T",
                                "abc",
                                "99999999999999999999-01-01",
                                "2024-001-01",
                                "2024-01-001",
                                "2024-01-02 BC BC",
                                "5881581-01-01",
                                "2024-01-02 03:04:05+99",
                                "infinityx"}) {
    EXPECT_FALSE(date::TryParse(text, days)) << text;
  }
  EXPECT_EQ(days, 42);  // untouched on failure
}

TEST(DateTest, IsoDayOfWeek) {
  EXPECT_EQ(date::IsoDayOfWeek(0), 4);                   // Thursday
  EXPECT_EQ(date::IsoDayOfWeek(Date("2024-01-01")), 1);  // Monday
  EXPECT_EQ(date::IsoDayOfWeek(Date("2024-01-07")), 7);  // Sunday
  EXPECT_EQ(date::IsoDayOfWeek(Date("1969-12-28")), 7);  // Sunday, before the epoch
  EXPECT_EQ(date::IsoDayOfWeek(date::kNegativeInfinity), date::IsoDayOfWeek(date::kNegativeInfinity));
}

TEST(TimeTest, ParseAndPrint) {
  int64_t t;
  ASSERT_TRUE(time_of_day::TryParse("03:04:05", t));
  EXPECT_EQ(t, 3 * kMicrosPerHour + 4 * kMicrosPerMinute + 5 * kMicrosPerSecond);
  EXPECT_EQ(time_of_day::ToString(t), "03:04:05");
  ASSERT_TRUE(time_of_day::TryParse("3:04", t));
  EXPECT_EQ(time_of_day::ToString(t), "03:04:00");
  ASSERT_TRUE(time_of_day::TryParse("23:59:59.5", t));
  EXPECT_EQ(time_of_day::ToString(t), "23:59:59.5");
  ASSERT_TRUE(time_of_day::TryParse("00:00:00.000001", t));
  EXPECT_EQ(time_of_day::ToString(t), "00:00:00.000001");
  ASSERT_TRUE(time_of_day::TryParse("12:00:00.1234565", t));  // rounds to the microsecond
  EXPECT_EQ(time_of_day::ToString(t), "12:00:00.123457");
  ASSERT_TRUE(time_of_day::TryParse("23:59:59.9999995", t));  // rounds up to 24:00:00, as PostgreSQL
  EXPECT_EQ(t, kMicrosPerDay);
  ASSERT_TRUE(time_of_day::TryParse("24:00:00", t));
  EXPECT_EQ(t, kMicrosPerDay);
  EXPECT_EQ(time_of_day::ToString(t), "24:00:00");
}

TEST(TimeTest, Malformed) {
  int64_t t;
  for (std::string_view text : {"", "24:00:01", "24:00:00.5", "25:00", "12:60", "12:00:60", "12",
                                "12:", "12:00:", "12:00:00.", "123:00", "12:00:00x", "-01:00", "12:0:0:0"}) {
    EXPECT_FALSE(time_of_day::TryParse(text, t)) << text;
  }
}

TEST(TimestampTest, ParseAndPrint) {
  EXPECT_EQ(Ts("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(Ts("1970-01-01"), 0);
  EXPECT_EQ(timestamp::ToString(Ts("2024-01-02 03:04:05")), "2024-01-02 03:04:05");
  EXPECT_EQ(timestamp::ToString(Ts("2024-01-02T03:04:05.5")), "2024-01-02 03:04:05.5");
  EXPECT_EQ(timestamp::ToString(Ts("2024-01-02 03:04:05.120000")), "2024-01-02 03:04:05.12");
  EXPECT_EQ(timestamp::ToString(Ts("2024-01-02 24:00:00")), "2024-01-03 00:00:00");
  EXPECT_EQ(timestamp::ToString(Ts("1969-12-31 23:59:59.999999")), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(Ts("1969-12-31 23:59:59.999999"), -1);
  EXPECT_EQ(timestamp::ToString(Ts("0001-01-01 00:00:00 BC")), "0001-01-01 00:00:00 BC");
  EXPECT_EQ(timestamp::ToStringTz(Ts("0001-01-01 00:00:00 BC")), "0001-01-01 00:00:00+00 BC");
  EXPECT_EQ(timestamp::ToStringTz(Ts("2024-01-02 03:04:05")), "2024-01-02 03:04:05+00");
  EXPECT_EQ(timestamp::ToString(timestamp::kInfinity), "infinity");
  EXPECT_EQ(Ts("-Infinity"), timestamp::kNegativeInfinity);
}

TEST(TimestampTest, Offsets) {
  const int64_t utc = Ts("2024-01-02 03:04:05");
  bool has_offset = true;
  int64_t ts;
  ASSERT_TRUE(timestamp::TryParse("2024-01-02 03:04:05", ts, &has_offset));
  EXPECT_FALSE(has_offset);
  ASSERT_TRUE(timestamp::TryParse("2024-01-02T03:04:05Z", ts, &has_offset));
  EXPECT_TRUE(has_offset);
  EXPECT_EQ(ts, utc);
  EXPECT_EQ(Ts("2024-01-02 03:04:05 UTC"), utc);
  EXPECT_EQ(Ts("2024-01-02 08:04:05+05"), utc);
  EXPECT_EQ(Ts("2024-01-02 08:34:05+05:30"), utc);
  EXPECT_EQ(Ts("2024-01-01 19:04:05-0800"), utc);
  EXPECT_EQ(Ts("2024-01-01 19:04:05 -08:00"), utc);
  EXPECT_EQ(Ts("2024-01-02 03:04:05.25+00"), utc + 250000);
}

TEST(TimestampTest, Parts) {
  int32_t days;
  int64_t time;
  timestamp::ToParts(-1, days, time);
  EXPECT_EQ(days, -1);
  EXPECT_EQ(time, kMicrosPerDay - 1);
  EXPECT_EQ(timestamp::FromParts(days, time), -1);
  timestamp::ToParts(timestamp::kNegativeInfinity, days, time);  // no overflow at the extremes
  EXPECT_GE(time, 0);
}

TEST(TimestampTest, Malformed) {
  int64_t ts = 7;
  for (std::string_view text :
       {"", "2024-01-02 03", "2024-01-02 03:04:05+", "2024-01-02 03:04:05+16", "2024-01-02 03:04:05+05:60",
        "2024-01-02 03:04:05 PST", "2024-01-02  x", "2024-01-02T03:04:05ZZ", "2024-02-30 00:00:00",
        "294277-01-01 00:00:00", "9999999-01-01", "2024-01-02 03:04:05.", "2024-01-02 03:04:05+0530x"}) {
    EXPECT_FALSE(timestamp::TryParse(text, ts)) << text;
  }
  EXPECT_EQ(ts, 7);
}

TEST(IntervalTest, ParseVerbose) {
  EXPECT_EQ(Iv("1 day"), (interval_t{0, 1, 0}));
  EXPECT_EQ(Iv("2 hours 30 minutes"), (interval_t{0, 0, 150 * kMicrosPerMinute}));
  EXPECT_EQ(Iv("1 year 2 mons 3 days 04:05:06.5"),
            (interval_t{14, 3, 4 * kMicrosPerHour + 5 * kMicrosPerMinute + 6500000}));
  EXPECT_EQ(Iv("-1 day"), (interval_t{0, -1, 0}));
  EXPECT_EQ(Iv("3 weeks"), (interval_t{0, 21, 0}));
  EXPECT_EQ(Iv("@ 1 day"), (interval_t{0, 1, 0}));
  EXPECT_EQ(Iv("1 day ago"), (interval_t{0, -1, 0}));
  EXPECT_EQ(Iv("10 ms 5 us"), (interval_t{0, 0, 10005}));
  EXPECT_EQ(Iv("1 yr 1 mon 1 hr 1 min 1 sec"),
            (interval_t{13, 0, kMicrosPerHour + kMicrosPerMinute + kMicrosPerSecond}));
  EXPECT_EQ(Iv("2 YEARS 1 Month"), (interval_t{25, 0, 0}));
  EXPECT_EQ(Iv("10min"), (interval_t{0, 0, 10 * kMicrosPerMinute}));
  EXPECT_EQ(Iv("1.5 days"), (interval_t{0, 1, 12 * kMicrosPerHour}));
  EXPECT_EQ(Iv("1.5 years"), (interval_t{18, 0, 0}));
  EXPECT_EQ(Iv("0.5 mon"), (interval_t{0, 15, 0}));
  EXPECT_EQ(Iv("1.5 weeks"), (interval_t{0, 10, 12 * kMicrosPerHour}));
  EXPECT_EQ(Iv("90"), (interval_t{0, 0, 90 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("1 day 5"), (interval_t{0, 1, 5 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("5 ago"), (interval_t{0, 0, -5 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("1-2"), (interval_t{14, 0, 0}));
  EXPECT_EQ(Iv("3 04:05:06"),
            (interval_t{0, 3, 4 * kMicrosPerHour + 5 * kMicrosPerMinute + 6 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("1:30.5"), (interval_t{0, 0, 90500000}));
  EXPECT_EQ(Iv("-04:05"), (interval_t{0, 0, -(4 * kMicrosPerHour + 5 * kMicrosPerMinute)}));
  EXPECT_EQ(Iv("1 day -02:00:00"), (interval_t{0, 1, -2 * kMicrosPerHour}));
  EXPECT_EQ(Iv("1 century 1 decade"), (interval_t{1320, 0, 0}));
}

TEST(IntervalTest, ParseIso) {
  EXPECT_EQ(Iv("P1Y2M3DT4H5M6S"),
            (interval_t{14, 3, 4 * kMicrosPerHour + 5 * kMicrosPerMinute + 6 * kMicrosPerSecond}));
  EXPECT_EQ(Iv("P1D"), (interval_t{0, 1, 0}));
  EXPECT_EQ(Iv("PT0.5S"), (interval_t{0, 0, 500000}));
  EXPECT_EQ(Iv("P2W"), (interval_t{0, 14, 0}));
  EXPECT_EQ(Iv("PT1M"), (interval_t{0, 0, kMicrosPerMinute}));
  EXPECT_EQ(Iv("P1M"), (interval_t{1, 0, 0}));
}

TEST(IntervalTest, Print) {
  EXPECT_EQ(IvText("1 year 2 mons 3 days 04:05:06.5"), "1 year 2 mons 3 days 04:05:06.5");
  EXPECT_EQ(interval::ToString(interval_t{}), "00:00:00");
  EXPECT_EQ(IvText("-1 day"), "-1 days");
  EXPECT_EQ(IvText("1 day"), "1 day");
  EXPECT_EQ(IvText("2 months"), "2 mons");
  EXPECT_EQ(IvText("1 mon"), "1 mon");
  EXPECT_EQ(IvText("-1 year -2 mons"), "-1 years -2 mons");
  EXPECT_EQ(IvText("-1 day 2 hours"), "-1 days +02:00:00");
  EXPECT_EQ(IvText("1 day -2 hours"), "1 day -02:00:00");
  EXPECT_EQ(IvText("100 hours"), "100:00:00");
  EXPECT_EQ(IvText("1 year -1 mon"), "11 mons");
  EXPECT_EQ(IvText("-1 mon 1 day"), "-1 mons +1 day");
  EXPECT_EQ(IvText("1 second 1 ms"), "00:00:01.001");
  EXPECT_EQ(interval::ToString(interval_t{0, 0, INT64_MIN}), "-2562047788:00:54.775808");
}

TEST(IntervalTest, RoundTrip) {
  for (std::string_view text : {"1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00", "00:00:00.000001",
                                "-178956970 years -7 mons", "1 day -02:00:00", "-00:00:01"}) {
    EXPECT_EQ(IvText(IvText(text)), text);
    EXPECT_EQ(IvText(text), text);
  }
}

TEST(IntervalTest, Malformed) {
  interval_t iv{1, 2, 3};
  for (std::string_view text : {"",
                                "@",
                                "day",
                                "1 fortnight",
                                "1 day ago 2 hours",
                                "ago",
                                "1 day,",
                                "P",
                                "PT",
                                "P1",
                                "P1X",
                                "PT1Y",
                                "1:60",
                                "1:00:60",
                                "1.5:00",
                                "1-12",
                                "-",
                                "1 2 days",
                                "99999999999999999999 days",
                                "3000000000 days",
                                "300000000 years",
                                "9223372036854775807 hours",
                                "1 2 3",
                                "P1DT",
                                "@@ 1 day"}) {
    EXPECT_FALSE(interval::TryParse(text, iv)) << text;
  }
  EXPECT_EQ(iv, (interval_t{1, 2, 3}));
}

TEST(IntervalTest, Normalized) {
  EXPECT_EQ(Iv("1 mon").Normalized(), Iv("30 days").Normalized());
  EXPECT_EQ(Iv("1 day").Normalized(), Iv("24 hours").Normalized());
  EXPECT_TRUE(Iv("1 day") < Iv("25 hours"));
  EXPECT_FALSE(Iv("1 mon") == Iv("30 days"));
}

TEST(IntervalTest, AddToTimestamp) {
  auto add = [](std::string_view ts, std::string_view iv) {
    return timestamp::ToString(interval::AddToTimestamp(Ts(ts), Iv(iv)));
  };
  EXPECT_EQ(add("2024-01-31 00:00:00", "1 month"), "2024-02-29 00:00:00");
  EXPECT_EQ(add("2023-01-31 00:00:00", "1 month"), "2023-02-28 00:00:00");
  EXPECT_EQ(add("2024-03-31 12:00:00", "-1 month"), "2024-02-29 12:00:00");
  EXPECT_EQ(add("2024-01-31", "1 month 1 day"), "2024-03-01 00:00:00");  // months first, then days
  EXPECT_EQ(add("2024-12-15", "1 year 1 mon"), "2026-01-15 00:00:00");
  EXPECT_EQ(add("2024-01-01", "-1 mon"), "2023-12-01 00:00:00");
  EXPECT_EQ(add("2024-01-01 00:00:00", "-1 second"), "2023-12-31 23:59:59");
  EXPECT_EQ(add("1969-12-31 23:00:00", "2 hours"), "1970-01-01 01:00:00");
  EXPECT_EQ(add("0001-01-01", "-1 day"), "0001-12-31 00:00:00 BC");
  EXPECT_EQ(interval::AddToTimestamp(timestamp::kInfinity, Iv("-1 year")), timestamp::kInfinity);
  int64_t out;
  EXPECT_FALSE(interval::TryAddToTimestamp(Ts("294000-01-01"), Iv("178956970 years"), out));
  EXPECT_THROW(interval::AddToTimestamp(Ts("294000-01-01"), Iv("178956970 years")), DataError);
  EXPECT_THROW(interval::AddToTimestamp(Ts("2024-01-01"), interval_t{0, 0, INT64_MAX}), DataError);
}

// Parsers see untrusted text: arbitrary bytes must neither crash nor trip the sanitizers.
TEST(DateTimeFuzzTest, RandomInputs) {
  const std::string alphabet = "0123456789-+:. TtZzPpYMDWHSBCad@yearmonsx\t";
  uint64_t state = 12345;
  for (int i = 0; i < 20000; i++) {
    std::string text;
    const size_t length = (state >> 33) % 40;
    for (size_t j = 0; j < length; j++) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      text.push_back(alphabet[(state >> 33) % alphabet.size()]);
    }
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    int32_t d;
    int64_t t;
    interval_t iv;
    if (date::TryParse(text, d)) (void)date::ToString(d);
    if (time_of_day::TryParse(text, t)) (void)time_of_day::ToString(t);
    if (timestamp::TryParse(text, t)) (void)timestamp::ToString(t);
    if (interval::TryParse(text, iv)) (void)interval::ToString(iv);
  }
  const std::string huge(5000, '9');
  int32_t d;
  int64_t t;
  interval_t iv;
  EXPECT_FALSE(date::TryParse(huge, d));
  EXPECT_FALSE(timestamp::TryParse(huge + "-01-01", t));
  EXPECT_FALSE(interval::TryParse(huge + " days", iv));
  EXPECT_FALSE(interval::TryParse("0." + huge + " days " + huge, iv));
}

}  // namespace
}  // namespace basin
