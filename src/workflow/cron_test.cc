#include "workflow/cron.h"

#include <gtest/gtest.h>

#include "workflow/dag.h"

namespace basin::workflow {
namespace {

TimePoint At(const std::string& text, const std::string& zone = "UTC") {
  return ParseTime(text, LoadZone(zone));
}
std::string Show(TimePoint t, const std::string& zone = "UTC") {
  return FormatTime(t, LoadZone(zone));
}

TEST(CronTest, MacrosFireAtTheirBoundaries) {
  const auto utc = LoadZone("UTC");
  EXPECT_EQ(Show(Cron::Parse("@hourly").Next(At("2024-03-05 10:15"), utc)), "2024-03-05T11:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("@daily").Next(At("2024-03-05 10:15"), utc)), "2024-03-06T00:00:00+00:00");
  // 2024-03-10 is a Sunday.
  EXPECT_EQ(Show(Cron::Parse("@weekly").Next(At("2024-03-05 10:15"), utc)), "2024-03-10T00:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("@monthly").Next(At("2024-03-05 10:15"), utc)), "2024-04-01T00:00:00+00:00");
  // Strictly after: a time on the boundary gets the next one.
  EXPECT_EQ(Show(Cron::Parse("@daily").Next(At("2024-03-06"), utc)), "2024-03-07T00:00:00+00:00");
}

TEST(CronTest, FieldsWithRangesListsStepsAndNames) {
  const auto utc = LoadZone("UTC");
  const Cron weekdays = Cron::Parse("0 3 * * 1-5");  // 03:00 Monday to Friday
  // Friday 2024-03-08 04:00 -> Monday 03:00.
  EXPECT_EQ(Show(weekdays.Next(At("2024-03-08 04:00"), utc)), "2024-03-11T03:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("*/15 * * * *").Next(At("2024-03-08 04:16"), utc)), "2024-03-08T04:30:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("0 0 1 jan,jul *").Next(At("2024-03-08"), utc)), "2024-07-01T00:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("0 0 29 2 *").Next(At("2024-03-01"), utc)), "2028-02-29T00:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("0 12 * * SUN").Next(At("2024-03-08"), utc)), "2024-03-10T12:00:00+00:00");
  // Both day fields restricted: either matches (Vixie cron).
  EXPECT_EQ(Show(Cron::Parse("0 0 15 * 1").Next(At("2024-03-08"), utc)), "2024-03-11T00:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("@daily").Previous(At("2024-03-08 10:00"), utc)), "2024-03-08T00:00:00+00:00");
  EXPECT_EQ(Show(Cron::Parse("0 3 * * 1-5").Previous(At("2024-03-10 10:00"), utc)),
            "2024-03-08T03:00:00+00:00");
}

TEST(CronTest, TimeZonesAndDaylightSaving) {
  const auto seoul = LoadZone("Asia/Seoul");
  EXPECT_EQ(Show(Cron::Parse("@daily").Next(At("2024-03-05 10:15", "Asia/Seoul"), seoul), "Asia/Seoul"),
            "2024-03-06T00:00:00+09:00");
  EXPECT_EQ(Show(Cron::Parse("@daily").Next(At("2024-03-05 10:15", "Asia/Seoul"), seoul)),
            "2024-03-05T15:00:00+00:00");
  // New York skips 02:00-03:00 on 2024-03-10: a 02:30 schedule fires at the jump.
  const auto ny = LoadZone("America/New_York");
  EXPECT_EQ(Show(Cron::Parse("30 2 * * *").Next(At("2024-03-09 12:00", "America/New_York"), ny),
                 "America/New_York"),
            "2024-03-10T03:00:00-04:00");
  // 01:30 happens twice on 2024-11-03: it fires once.
  const Cron once = Cron::Parse("30 1 * * *");
  const TimePoint first = once.Next(At("2024-11-02 12:00", "America/New_York"), ny);
  EXPECT_EQ(Show(first, "America/New_York"), "2024-11-03T01:30:00-04:00");
  EXPECT_EQ(Show(once.Next(first, ny), "America/New_York"), "2024-11-04T01:30:00-05:00");
}

TEST(CronTest, ErrorsSayWhichFieldAndWhy) {
  auto error = [](const std::string& text) {
    try {
      Cron::Parse(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error("0 3 * *"),
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), \"0 3 * *\" has 4");
  EXPECT_EQ(error("61 * * * *"), "cron minute field \"61\": 61 is outside 0-59");
  EXPECT_EQ(error("0 5-3 * * *"), "cron hour field \"5-3\": the range runs backwards");
  EXPECT_EQ(error("0 0 * foo *"), "cron month field \"foo\": expected a number, not \"foo\"");
  EXPECT_EQ(error("@often"),
            "unknown cron macro \"@often\" (use @hourly, @daily, @weekly, @monthly or @yearly)");
  EXPECT_EQ(error("0 0 31 2 *").substr(0, 15), "(no error)");  // parses; Next reports that it never fires
  EXPECT_THROW(Cron::Parse("0 0 31 2 *").Next(At("2024-01-01"), LoadZone("UTC")), std::invalid_argument);
  EXPECT_THROW(LoadZone("Mars/Olympus"), std::invalid_argument);
}

}  // namespace
}  // namespace basin::workflow
