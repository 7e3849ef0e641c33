#include "core/time_window.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

namespace cleanroom::core {

int64_t SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

OffsetClock::OffsetClock(int64_t start) : offset_(start - SystemClock().now()) {}

int64_t OffsetClock::now() const { return SystemClock().now() + offset_; }

// --- civil time ---------------------------------------------------------------------------------

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

int64_t civil_seconds(int64_t y, unsigned m, unsigned d, int64_t second_of_day = 0) {
  return days_from_civil(y, m, d) * 86400 + second_of_day;
}

}  // namespace

CivilTime civil_from_seconds(int64_t seconds) {
  const int64_t z0 = floor_div(seconds, 86400);
  const int64_t sod = seconds - z0 * 86400;
  const int64_t z = z0 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime c;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  c.month = m;
  c.day = d;
  c.hour = static_cast<unsigned>(sod / 3600);
  c.minute = static_cast<unsigned>(sod % 3600 / 60);
  c.second = static_cast<unsigned>(sod % 60);
  c.weekday = static_cast<unsigned>(((z0 % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  return c;
}

std::optional<int64_t> parse_civil_time(const std::string& text) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})Z?)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  auto n = [&](int i) { return std::stoi(m[i].str()); };
  const int y = n(1), mo = n(2), d = n(3), h = n(4), mi = n(5), s = n(6);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, mo) ||
      h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  return civil_seconds(y, mo, d, h * 3600 + mi * 60 + s);
}

std::string format_civil_time(int64_t seconds, char sep) {
  const CivilTime c = civil_from_seconds(seconds);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%c%02u:%02u:%02u", static_cast<long long>(c.year),
                c.month, c.day, sep, c.hour, c.minute, c.second);
  return buf;
}

// --- time zones ---------------------------------------------------------------------------------

namespace {

// A POSIX TZ rule date: Mm.w.d (month, week 1-5 with 5 the last, weekday 0 = Sunday), Jn (1-365,
// no leap day) or n (0-365), at `time` seconds of local time.
struct RuleDate {
  char kind = 'M';
  int month = 0, week = 0, weekday = 0, day = 0;
  int64_t time = 7200;
  // The local seconds of this date in `year`.
  int64_t local_in(int64_t year) const {
    int64_t day0;
    if (kind == 'J') {
      day0 = days_from_civil(year, 1, 1) + day - 1 + (leap(year) && day >= 60 ? 1 : 0);
    } else if (kind == 'N') {
      day0 = days_from_civil(year, 1, 1) + day;
    } else {
      const int64_t first = days_from_civil(year, month, 1);
      const int64_t first_wd = ((first % 7) + 11) % 7;
      int64_t d = first + ((weekday - first_wd) % 7 + 7) % 7 + (week - 1) * 7;
      const int64_t last = days_from_civil(year, month, days_in_month(year, month));
      while (d > last) d -= 7;
      day0 = d;
    }
    return day0 * 86400 + time;
  }
};

// The rule after the last transition (the TZif footer).
struct PosixRule {
  int64_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  int64_t dst_offset = 0;
  RuleDate start, end;
  int64_t offset_at(int64_t utc) const {
    if (!has_dst) return std_offset;
    const int64_t year = civil_from_seconds(utc + std_offset).year;
    const int64_t begins = start.local_in(year) - std_offset;
    const int64_t ends = end.local_in(year) - dst_offset;
    const bool dst = begins < ends ? (utc >= begins && utc < ends) : (utc < ends || utc >= begins);
    return dst ? dst_offset : std_offset;
  }
};

class PosixParser {
 public:
  explicit PosixParser(const std::string& s) : s_(s) {}
  std::optional<PosixRule> parse() {
    PosixRule r;
    if (!name()) return std::nullopt;
    auto std_off = offset();
    if (!std_off) return std::nullopt;
    r.std_offset = -*std_off;  // POSIX counts west of UTC
    if (at_end()) return r;
    if (!name()) return std::nullopt;
    r.has_dst = true;
    r.dst_offset = r.std_offset + 3600;
    if (!at_end() && s_[i_] != ',') {
      auto dst_off = offset();
      if (!dst_off) return std::nullopt;
      r.dst_offset = -*dst_off;
    }
    if (at_end()) return std::nullopt;  // DST without rules: not in any TZif file we read
    auto a = rule_date();
    auto b = a ? rule_date() : std::nullopt;
    if (!a || !b || !at_end()) return std::nullopt;
    r.start = *a;
    r.end = *b;
    return r;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  bool name() {
    if (!at_end() && s_[i_] == '<') {
      auto close = s_.find('>', i_);
      if (close == std::string::npos) return false;
      i_ = close + 1;
      return true;
    }
    size_t start = i_;
    while (!at_end() && std::isalpha(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ - start >= 3;
  }
  std::optional<int64_t> number() {
    size_t start = i_;
    int64_t v = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[i_])))
      v = v * 10 + (s_[i_++] - '0');
    if (i_ == start) return std::nullopt;
    return v;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  std::optional<int64_t> offset() {
    int sign = 1;
    if (!at_end() && (s_[i_] == '+' || s_[i_] == '-')) sign = s_[i_++] == '-' ? -1 : 1;
    auto h = number();
    if (!h) return std::nullopt;
    int64_t v = *h * 3600;
    for (int64_t unit : {60, 1}) {
      if (at_end() || s_[i_] != ':') break;
      ++i_;
      auto n = number();
      if (!n) return std::nullopt;
      v += *n * unit;
    }
    return sign * v;
  }
  std::optional<RuleDate> rule_date() {
    if (at_end() || s_[i_] != ',') return std::nullopt;
    ++i_;
    RuleDate d;
    if (!at_end() && s_[i_] == 'M') {
      ++i_;
      auto m = number();
      if (!m || at_end() || s_[i_++] != '.') return std::nullopt;
      auto w = number();
      if (!w || at_end() || s_[i_++] != '.') return std::nullopt;
      auto wd = number();
      if (!wd || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *wd > 6) return std::nullopt;
      d.kind = 'M', d.month = static_cast<int>(*m), d.week = static_cast<int>(*w);
      d.weekday = static_cast<int>(*wd);
    } else {
      d.kind = 'N';
      if (!at_end() && s_[i_] == 'J') d.kind = 'J', ++i_;
      auto n = number();
      if (!n) return std::nullopt;
      d.day = static_cast<int>(*n);
    }
    if (!at_end() && s_[i_] == '/') {
      ++i_;
      auto t = offset();
      if (!t) return std::nullopt;
      d.time = *t;
    }
    return d;
  }
  const std::string& s_;
  size_t i_ = 0;
};

int64_t be(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

}  // namespace

struct TimeZone::Rules {
  std::vector<int64_t> transitions;  // UTC instants, ascending
  std::vector<int64_t> offsets;      // offset from each transition on
  int64_t initial_offset = 0;        // before the first transition
  std::optional<PosixRule> footer;   // after the last
};

namespace {

// TZif version 2 or later (RFC 8536): the 64-bit block and the footer.
std::optional<TimeZone::Rules> parse_tzif(const std::string& data) {
  auto header = [&](size_t at, int64_t counts[6]) {
    if (data.size() < at + 44 || data.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i)
      counts[i] = be(reinterpret_cast<const unsigned char*>(data.data()) + at + 20 + 4 * i, 4);
    return true;
  };
  int64_t c[6];
  if (!header(0, c) || data[4] < '2') return std::nullopt;
  // c: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (!header(v1, c)) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + v1 + 44;
  const size_t body = c[3] * 9 + c[4] * 6 + c[5] + c[2] * 12 + c[1] + c[0];
  if (data.size() < v1 + 44 + body || c[4] < 1) return std::nullopt;
  TimeZone::Rules r;
  const unsigned char* types = p + c[3] * 8;
  const unsigned char* infos = types + c[3];
  std::vector<int64_t> type_offsets;
  std::vector<bool> type_dst;
  for (int64_t i = 0; i < c[4]; ++i) {
    type_offsets.push_back(be(infos + 6 * i, 4));
    type_dst.push_back(infos[6 * i + 4] != 0);
  }
  for (int64_t i = 0; i < c[3]; ++i) {
    if (types[i] >= type_offsets.size()) return std::nullopt;
    r.transitions.push_back(be(p + 8 * i, 8));
    r.offsets.push_back(type_offsets[types[i]]);
  }
  // Before the first transition: the first standard-time type (RFC 8536, 3.2).
  r.initial_offset = type_offsets[0];
  for (size_t i = 0; i < type_offsets.size(); ++i)
    if (!type_dst[i]) {
      r.initial_offset = type_offsets[i];
      break;
    }
  const size_t footer = v1 + 44 + body;
  if (data.size() > footer + 1 && data[footer] == '\n') {
    auto nl = data.find('\n', footer + 1);
    if (nl != std::string::npos && nl > footer + 1)
      r.footer = PosixParser(data.substr(footer + 1, nl - footer - 1)).parse();
  }
  return r;
}

}  // namespace

Result<TimeZone> TimeZone::load(const std::string& name, const std::string& field) {
  TimeZone z;
  z.name_ = name.empty() ? "UTC" : name;
  static const std::vector<std::string> utc = {"UTC",  "Etc/UTC",  "GMT",       "Etc/GMT",      "Z",
                                               "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"};
  if (std::find(utc.begin(), utc.end(), z.name_) != utc.end()) return z;
  auto unknown = [&](const std::string& why) {
    return Error::validation(field + " '" + name + "' is not a time zone of the IANA tz database" +
                                 why + " (for example UTC, America/New_York, Europe/Berlin)",
                             field);
  };
  // Area/Location names only: no path can leave the database's folder.
  static const std::regex re(R"([A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9][A-Za-z0-9_+\-]*){0,2})");
  if (!std::regex_match(z.name_, re) || z.name_.size() > 64) return unknown("");

  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Rules>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(z.name_);
  if (it == cache.end()) {
    const char* tzdir = std::getenv("TZDIR");
    const std::string path =
        std::string(tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo") + "/" + z.name_;
    std::ifstream in(path, std::ios::binary);
    std::shared_ptr<const Rules> rules;
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      if (auto parsed = parse_tzif(ss.str())) rules = std::make_shared<const Rules>(*parsed);
    }
    // Unknown names are remembered too (as null), so a caller cannot make us read files again
    // and again; the map is bounded by the names that match the pattern and exist or were asked.
    if (!rules && cache.size() > 4096) return unknown("");
    it = cache.emplace(z.name_, rules).first;
  }
  if (!it->second) return unknown("");
  z.rules_ = it->second;
  return z;
}

int64_t TimeZone::offset_at(int64_t utc) const {
  if (!rules_) return 0;
  const auto& r = *rules_;
  auto it = std::upper_bound(r.transitions.begin(), r.transitions.end(), utc);
  if (it == r.transitions.begin()) return r.initial_offset;
  if (it == r.transitions.end() && r.footer) return r.footer->offset_at(utc);
  return r.offsets[it - r.transitions.begin() - 1];
}

int64_t TimeZone::to_utc(int64_t local) const {
  if (!rules_) return local;
  // The offsets in force a day either side cover any transition near this wall-clock time.
  const int64_t before = offset_at(local - 86400);
  const int64_t after = offset_at(local + 86400);
  std::optional<int64_t> first;
  for (int64_t off : {before, after}) {
    const int64_t candidate = local - off;
    if (offset_at(candidate) == off && (!first || candidate < *first)) first = candidate;
  }
  return first ? *first : local - before;
}

// --- durations ----------------------------------------------------------------------------------

Result<IsoDuration> parse_iso_duration(const std::string& text, const std::string& field) {
  static const std::regex re(
      R"(P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})S)?)?)");
  std::smatch m;
  if (!std::regex_match(text, m, re) || text == "P" || text.back() == 'T')
    return Error::validation(
        field + " '" + text + "' is not an ISO-8601 duration such as P30D, PT12H or P1M", field);
  auto n = [&](int i) -> int64_t { return m[i].matched ? std::stoll(m[i].str()) : 0; };
  IsoDuration d;
  d.months = n(1) * 12 + n(2);
  d.seconds = n(3) * 7 * 86400 + n(4) * 86400 + n(5) * 3600 + n(6) * 60 + n(7);
  return d;
}

int64_t shift(int64_t t, const IsoDuration& d, int sign) {
  if (d.months != 0) {
    const CivilTime c = civil_from_seconds(t);
    int64_t months = c.year * 12 + (c.month - 1) + sign * d.months;
    const int64_t y = floor_div(months, 12);
    const unsigned mo = static_cast<unsigned>(months - y * 12 + 1);
    const unsigned day = std::min(c.day, days_in_month(y, mo));
    t = civil_seconds(y, mo, day, c.hour * 3600 + c.minute * 60 + c.second);
  }
  return t + sign * d.seconds;
}

// --- windows ------------------------------------------------------------------------------------

Result<WindowType> parse_window_type(const std::string& text) {
  if (text == "EXPLICIT") return WindowType::Explicit;
  if (text == "MOST_RECENT_DAY") return WindowType::MostRecentDay;
  if (text == "MOST_RECENT_WEEK") return WindowType::MostRecentWeek;
  if (text == "CURRENT_MONTH") return WindowType::CurrentMonth;
  if (text == "PREVIOUS_MONTH") return WindowType::PreviousMonth;
  return Error::validation("timeWindowType '" + text +
                               "' is not supported: use EXPLICIT, MOST_RECENT_DAY, "
                               "MOST_RECENT_WEEK, CURRENT_MONTH or PREVIOUS_MONTH",
                           "timeWindowType");
}

std::string to_string(WindowType t) {
  switch (t) {
    case WindowType::Explicit:
      return "EXPLICIT";
    case WindowType::MostRecentDay:
      return "MOST_RECENT_DAY";
    case WindowType::MostRecentWeek:
      return "MOST_RECENT_WEEK";
    case WindowType::CurrentMonth:
      return "CURRENT_MONTH";
    case WindowType::PreviousMonth:
      return "PREVIOUS_MONTH";
  }
  return "EXPLICIT";
}

Result<ExecutionWindow> resolve_window(const WindowRequest& req, int64_t now) {
  ExecutionWindow w;
  CR_ASSIGN(auto zone, TimeZone::load(req.zone, "timeWindowTimeZone"));
  w.zone = zone.name();
  const bool given = !req.start.empty() || !req.end.empty();
  // The public API's default is MOST_RECENT_DAY; a request that gives its bounds means them.
  CR_ASSIGN(w.type, parse_window_type(req.type.empty() ? (given ? "EXPLICIT" : "MOST_RECENT_DAY")
                                                       : req.type));
  if (w.type != WindowType::Explicit && given)
    return Error::validation(
        "timeWindowStart and timeWindowEnd are given only with timeWindowType "
        "EXPLICIT; " +
            to_string(w.type) + " computes the window itself",
        req.start.empty() ? "timeWindowEnd" : "timeWindowStart");
  const int64_t today = floor_div(zone.to_local(now), 86400) * 86400;  // local midnight
  const CivilTime c = civil_from_seconds(today);
  switch (w.type) {
    case WindowType::Explicit: {
      auto parse = [](const std::string& value, const char* field) -> Result<int64_t> {
        if (value.empty())
          return Error::validation(std::string(field) +
                                       " is required with timeWindowType "
                                       "EXPLICIT, as yyyy-MM-ddTHH:mm:ss",
                                   field);
        auto t = parse_civil_time(value);
        if (!t)
          return Error::validation(std::string(field) + " '" + value +
                                       "' is not a time of the form yyyy-MM-ddTHH:mm:ss, such as "
                                       "2023-02-07T00:00:00",
                                   field);
        return *t;
      };
      CR_ASSIGN(w.start_local, parse(req.start, "timeWindowStart"));
      CR_ASSIGN(w.end_local, parse(req.end, "timeWindowEnd"));
      break;
    }
    case WindowType::MostRecentDay:
      w.start_local = today - 86400;
      w.end_local = today;
      break;
    case WindowType::MostRecentWeek:
      w.start_local = today - 7 * 86400;
      w.end_local = today;
      break;
    case WindowType::CurrentMonth:
      w.start_local = civil_seconds(c.year, c.month, 1);
      w.end_local = zone.to_local(now);
      break;
    case WindowType::PreviousMonth:
      w.end_local = civil_seconds(c.year, c.month, 1);
      w.start_local = shift(w.end_local, IsoDuration{1, 0}, -1);
      break;
  }
  w.start_utc = zone.to_utc(w.start_local);
  w.end_utc = zone.to_utc(w.end_local);
  if (w.start_utc >= w.end_utc)
    return Error::validation("timeWindowStart (" + format_civil_time(w.start_local) +
                                 ") must be before timeWindowEnd (" +
                                 format_civil_time(w.end_local) + ")",
                             "timeWindowStart");
  return w;
}

}  // namespace cleanroom::core
