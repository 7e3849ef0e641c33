#pragma once
// AMC time windows (amc-api-facts.md, "Reporting: workflows and executions"): the clock they are
// computed from, the IANA time zones they are given in, the ISO-8601 durations that widen them
// (TABLE(EXTEND_TIME_WINDOW('t', 'P30D', 'P0D'))) and the relative types (MOST_RECENT_DAY...).
// Every instant here is seconds since the epoch, UTC; "local" seconds are the same count read on
// the wall clock of a zone (a civil date and time with no zone).
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace cleanroom::core {

// Where "now" comes from for time windows and schedules. The server runs on the system clock; a
// test or a demo can start it elsewhere (`serve --clock-start`) or move it by hand.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now() const = 0;  // epoch seconds
};

class SystemClock : public Clock {
 public:
  int64_t now() const override;
};

// Starts at `start` and runs at the system clock's pace.
class OffsetClock : public Clock {
 public:
  explicit OffsetClock(int64_t start);
  int64_t now() const override;

 private:
  int64_t offset_;
};

// Moves only when told (tests).
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now) : now_(now) {}
  int64_t now() const override { return now_.load(); }
  void set(int64_t now) { now_.store(now); }
  void advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

// An IANA time zone read from the system's tz database (TZif files under /usr/share/zoneinfo, or
// $TZDIR). UTC and its aliases need no file.
class TimeZone {
 public:
  // Validation error naming `field` for a name that is not a zone.
  static Result<TimeZone> load(const std::string& name, const std::string& field);
  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `utc`.
  int64_t offset_at(int64_t utc) const;
  int64_t to_local(int64_t utc) const { return utc + offset_at(utc); }
  // The instant a wall-clock time names. A time that occurs twice (clocks going back) is its
  // first occurrence; one that never occurs (clocks going forward) is read with the offset in
  // force before the gap, as the hour it would have been.
  int64_t to_utc(int64_t local) const;

  struct Rules;  // transitions and the rule after them

 private:
  std::string name_;
  std::shared_ptr<const Rules> rules_;  // null: UTC
};

// Civil time <-> seconds (proleptic Gregorian, no zone).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
struct CivilTime {
  int64_t year;
  unsigned month, day, hour, minute, second;
  unsigned weekday;  // 0 = Sunday
};
CivilTime civil_from_seconds(int64_t seconds);
// yyyy-MM-ddTHH:mm:ss (a space for the T and a trailing Z are accepted), nullopt when it is not
// a real date and time.
std::optional<int64_t> parse_civil_time(const std::string& text);
// yyyy-MM-ddTHH:mm:ss, or with `sep` ' ' the form of a SQL TIMESTAMP literal.
std::string format_civil_time(int64_t seconds, char sep = 'T');

// An ISO-8601 duration, PnYnMnWnDTnHnMnS (P30D, PT12H, P1M): years and months move along the
// calendar (the day clamped to the month's last), the rest is a count of seconds.
struct IsoDuration {
  int64_t months = 0;
  int64_t seconds = 0;
};
Result<IsoDuration> parse_iso_duration(const std::string& text, const std::string& field);
// `t` moved by `sign` (+1 or -1) times the duration.
int64_t shift(int64_t t, const IsoDuration& d, int sign);

// timeWindowType (the public enum; ALL is not supported here).
enum class WindowType { Explicit, MostRecentDay, MostRecentWeek, CurrentMonth, PreviousMonth };
Result<WindowType> parse_window_type(const std::string& text);
std::string to_string(WindowType t);

// An execution's window: the instants it covers, [start, end), and the same as wall-clock times
// of its zone, as the caller gave them or as the type computed them.
struct ExecutionWindow {
  WindowType type = WindowType::Explicit;
  std::string zone = "UTC";
  int64_t start_utc = 0;
  int64_t end_utc = 0;
  int64_t start_local = 0;
  int64_t end_local = 0;
};

struct WindowRequest {
  std::string type;   // "" = EXPLICIT when a start or end is given, else MOST_RECENT_DAY
  std::string start;  // yyyy-MM-ddTHH:mm:ss, wall-clock time of `zone` (EXPLICIT only)
  std::string end;
  std::string zone;  // "" = UTC
};

// The window a request names at `now` (epoch seconds). The relative types are whole days of the
// zone: MOST_RECENT_DAY is yesterday, MOST_RECENT_WEEK the 7 days before today, CURRENT_MONTH
// the first of this month up to now, PREVIOUS_MONTH the whole previous month.
Result<ExecutionWindow> resolve_window(const WindowRequest& req, int64_t now);

}  // namespace cleanroom::core
