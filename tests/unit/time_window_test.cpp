// AMC time windows and schedules without a server: IANA zones read from the tz database, ISO-8601
// durations, the relative window types at a given "now", and when a schedule is due.
#include "core/time_window.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/workflows.h"

namespace cleanroom {
namespace {

using core::format_civil_time;
using core::parse_civil_time;

int64_t at(const std::string& text) { return parse_civil_time(text).value(); }

TEST(TimeZone, UtcNeedsNoFileAndUnknownNamesAreRefused) {
  auto utc = core::TimeZone::load("", "timeWindowTimeZone");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->name(), "UTC");
  EXPECT_EQ(utc->offset_at(at("2023-07-01T00:00:00")), 0);
  for (const std::string bad : {"Mars/Olympus", "../../etc/passwd", "America/../UTC", "/etc/UTC",
                                "EST5EDT,M3.2.0", "America/New_York "}) {
    auto z = core::TimeZone::load(bad, "timeWindowTimeZone");
    ASSERT_FALSE(z.ok()) << bad;
    EXPECT_EQ(z.error().kind, ErrorKind::Validation);
    EXPECT_NE(z.error().message.find("timeWindowTimeZone"), std::string::npos);
  }
}

TEST(TimeZone, NewYorkHasDaylightSavingTime) {
  auto ny = core::TimeZone::load("America/New_York", "f");
  ASSERT_TRUE(ny.ok()) << ny.error().message;
  EXPECT_EQ(ny->offset_at(at("2023-01-15T12:00:00")), -5 * 3600);
  EXPECT_EQ(ny->offset_at(at("2023-07-15T12:00:00")), -4 * 3600);
  // Midnight local is 05:00 UTC in winter and 04:00 UTC in summer.
  EXPECT_EQ(format_civil_time(ny->to_utc(at("2023-02-07T00:00:00"))), "2023-02-07T05:00:00");
  EXPECT_EQ(format_civil_time(ny->to_utc(at("2023-07-07T00:00:00"))), "2023-07-07T04:00:00");
  // 2023-03-12 02:30 never happened (clocks went 02:00 -> 03:00): read as 03:30 EDT.
  EXPECT_EQ(format_civil_time(ny->to_utc(at("2023-03-12T02:30:00"))), "2023-03-12T07:30:00");
  // 2023-11-05 01:30 happened twice: the first, EDT.
  EXPECT_EQ(format_civil_time(ny->to_utc(at("2023-11-05T01:30:00"))), "2023-11-05T05:30:00");
  // Far beyond the file's transitions, the footer's rule still knows summer from winter.
  EXPECT_EQ(ny->offset_at(at("2060-07-01T00:00:00")), -4 * 3600);
  EXPECT_EQ(ny->offset_at(at("2060-12-01T00:00:00")), -5 * 3600);
}

TEST(TimeZone, SouthernAndFractionalZones) {
  auto sydney = core::TimeZone::load("Australia/Sydney", "f");
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->offset_at(at("2023-01-15T00:00:00")), 11 * 3600);
  EXPECT_EQ(sydney->offset_at(at("2023-07-15T00:00:00")), 10 * 3600);
  EXPECT_EQ(sydney->offset_at(at("2070-01-15T00:00:00")), 11 * 3600);
  auto kolkata = core::TimeZone::load("Asia/Kolkata", "f");
  ASSERT_TRUE(kolkata.ok());
  EXPECT_EQ(kolkata->offset_at(at("2023-01-15T00:00:00")), 5 * 3600 + 1800);
}

TEST(IsoDuration, DaysHoursAndCalendarMonths) {
  auto d = core::parse_iso_duration("P30D", "f");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(format_civil_time(core::shift(at("2023-03-01T00:00:00"), *d, -1)),
            "2023-01-30T00:00:00");
  auto h = core::parse_iso_duration("PT12H", "f");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(format_civil_time(core::shift(at("2023-03-01T00:00:00"), *h, +1)),
            "2023-03-01T12:00:00");
  auto m = core::parse_iso_duration("P1M", "f");
  ASSERT_TRUE(m.ok());
  // A month before 31 March is the last day of February.
  EXPECT_EQ(format_civil_time(core::shift(at("2023-03-31T06:00:00"), *m, -1)),
            "2023-02-28T06:00:00");
  auto zero = core::parse_iso_duration("P0D", "f");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(core::shift(at("2023-03-31T06:00:00"), *zero, -1), at("2023-03-31T06:00:00"));
  for (const std::string bad : {"", "P", "30D", "PT", "P1.5D", "-P1D", "P1DT"})
    EXPECT_FALSE(core::parse_iso_duration(bad, "f").ok()) << bad;
}

TEST(ResolveWindow, RelativeTypesAreWholeDaysOfTheZone) {
  const int64_t now = at("2023-03-15T03:30:00");  // UTC; still 14 March in New York
  auto window = [&](const std::string& type, const std::string& zone) {
    auto w = core::resolve_window({type, "", "", zone}, now);
    EXPECT_TRUE(w.ok()) << w.error().message;
    return std::pair{format_civil_time(w->start_local), format_civil_time(w->end_local)};
  };
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(window("MOST_RECENT_DAY", ""), P("2023-03-14T00:00:00", "2023-03-15T00:00:00"));
  EXPECT_EQ(window("", ""), P("2023-03-14T00:00:00", "2023-03-15T00:00:00"));  // the default
  EXPECT_EQ(window("MOST_RECENT_DAY", "America/New_York"),
            P("2023-03-13T00:00:00", "2023-03-14T00:00:00"));
  EXPECT_EQ(window("MOST_RECENT_WEEK", ""), P("2023-03-08T00:00:00", "2023-03-15T00:00:00"));
  EXPECT_EQ(window("CURRENT_MONTH", ""), P("2023-03-01T00:00:00", "2023-03-15T03:30:00"));
  EXPECT_EQ(window("PREVIOUS_MONTH", ""), P("2023-02-01T00:00:00", "2023-03-01T00:00:00"));
  // New York's MOST_RECENT_DAY in UTC: 13 March was EDT from 07:00 UTC on (clocks changed on 12).
  auto ny = core::resolve_window({"MOST_RECENT_DAY", "", "", "America/New_York"}, now);
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(format_civil_time(ny->start_utc), "2023-03-13T04:00:00");
  EXPECT_EQ(format_civil_time(ny->end_utc), "2023-03-14T04:00:00");
}

TEST(ResolveWindow, ExplicitWindowsAreCheckedAndConverted) {
  auto w =
      core::resolve_window({"", "2023-02-07T00:00:00", "2023-02-08T00:00:00", "Europe/Berlin"}, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->type, core::WindowType::Explicit);
  EXPECT_EQ(format_civil_time(w->start_utc), "2023-02-06T23:00:00");
  EXPECT_EQ(format_civil_time(w->end_utc), "2023-02-07T23:00:00");
  for (const core::WindowRequest& bad : std::vector<core::WindowRequest>{
           {"EXPLICIT", "2023-02-08T00:00:00", "2023-02-07T00:00:00", ""},
           {"EXPLICIT", "2023-02-30T00:00:00", "2023-03-07T00:00:00", ""},
           {"EXPLICIT", "", "2023-03-07T00:00:00", ""},
           {"MOST_RECENT_DAY", "2023-02-07T00:00:00", "2023-02-08T00:00:00", ""},
           {"ALL", "", "", ""},
           {"EXPLICIT", "2023-02-07T00:00:00", "2023-02-08T00:00:00", "Nowhere/City"}}) {
    auto r = core::resolve_window(bad, 0);
    EXPECT_FALSE(r.ok()) << bad.type << " " << bad.start;
  }
}

core::ScheduleRecord schedule(const std::string& period, int hour, const std::string& day = "") {
  core::ScheduleRecord s;
  s.aggregation_period = period;
  s.aggregation_hour_utc = hour;
  s.aggregation_start_day = day;
  return s;
}

TEST(Schedules, DailyRunsAtTheHourOverTheDayBefore) {
  auto s = schedule("Daily", 6);
  const int64_t created = at("2023-02-07T05:00:00");
  EXPECT_FALSE(core::latest_due(s, created, at("2023-02-07T05:59:59")));
  auto due = core::latest_due(s, created, at("2023-02-07T06:00:00"));
  ASSERT_TRUE(due);
  EXPECT_EQ(format_civil_time(*due), "2023-02-07T06:00:00");
  auto [start, end] = core::scheduled_window(s, *due);
  EXPECT_EQ(format_civil_time(start), "2023-02-06T06:00:00");
  EXPECT_EQ(format_civil_time(end), "2023-02-07T06:00:00");
  // Once run, not again until the next day; three days of downtime give one run, the latest.
  EXPECT_FALSE(core::latest_due(s, *due, at("2023-02-08T05:00:00")));
  auto missed = core::latest_due(s, *due, at("2023-02-10T09:00:00"));
  ASSERT_TRUE(missed);
  EXPECT_EQ(format_civil_time(*missed), "2023-02-10T06:00:00");
}

TEST(Schedules, WeeklyRunsOnTheStartDay) {
  auto s = schedule("Weekly", 16, "Tuesday");
  // 2023-02-07 was a Tuesday.
  auto due = core::latest_due(s, at("2023-02-01T00:00:00"), at("2023-02-13T10:00:00"));
  ASSERT_TRUE(due);
  EXPECT_EQ(format_civil_time(*due), "2023-02-07T16:00:00");
  auto [start, end] = core::scheduled_window(s, *due);
  EXPECT_EQ(format_civil_time(start), "2023-01-31T16:00:00");
  EXPECT_EQ(format_civil_time(end), "2023-02-07T16:00:00");
  EXPECT_FALSE(core::latest_due(s, *due, at("2023-02-14T15:59:59")));
  EXPECT_TRUE(core::latest_due(s, *due, at("2023-02-14T16:00:00")));
}

TEST(Clock, ManualAndOffsetClocks) {
  core::ManualClock manual(at("2023-02-07T00:00:00"));
  manual.advance(90);
  EXPECT_EQ(format_civil_time(manual.now()), "2023-02-07T00:01:30");
  core::OffsetClock offset(at("2030-01-01T00:00:00"));
  EXPECT_LE(std::abs(offset.now() - at("2030-01-01T00:00:00")), 2);
}

}  // namespace
}  // namespace cleanroom
