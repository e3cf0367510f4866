// HTTP dates (http_date.h).
#include "cloudtwin/cdn/http_date.h"

#include <array>

namespace cloudtwin::cdn {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// A cursor over the text; every reader returns false without moving on a mismatch.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool literal(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // Exactly `n` digits.
  bool digits(std::size_t n, int& out) {
    if (s.size() - i < n) return false;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    i += n;
    return true;
  }
  // One of `names`, case-insensitively; its index.
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, int& out) {
    for (std::size_t k = 0; k < N; ++k) {
      std::string_view n = names[k];
      if (s.size() - i >= n.size() && iequals(s.substr(i, n.size()), n)) {
        out = static_cast<int>(k);
        i += n.size();
        return true;
      }
    }
    return false;
  }
  bool gmt() {
    if (s.size() - i >= 3 && iequals(s.substr(i, 3), "GMT")) {
      i += 3;
      return true;
    }
    return false;
  }
  bool time(int& h, int& m, int& sec) {
    return digits(2, h) && literal(':') && digits(2, m) && literal(':') && digits(2, sec);
  }
  bool done() const { return i == s.size(); }
};

bool days_in_month_ok(int year, int month, int day) {
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int limit = kDaysIn[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= limit;
}

std::optional<std::int64_t> to_unix(int year, int month, int day, int h, int m, int s) {
  if (!days_in_month_ok(year, month, day)) return std::nullopt;
  // RFC 9110 §5.6.7 allows a leap second (60); it is the next second here.
  if (h > 23 || m > 59 || s > 60) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         h * 3600 + m * 60 + s;
}

std::int64_t year_of(std::int64_t unix_seconds) {
  // Civil year from days (Howard Hinnant's algorithm, inverse of days_from_civil).
  std::int64_t z = (unix_seconds >= 0 ? unix_seconds : unix_seconds - 86399) / 86400 + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return month <= 2 ? y + 1 : y;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<std::int64_t> parse_http_date(std::string_view text,
                                            std::optional<std::int64_t> now) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  int wday = 0, day = 0, month = 0, year = 0, h = 0, m = 0, s = 0;

  // IMF-fixdate: day-name "," SP 2DIGIT SP month SP 4DIGIT SP time SP "GMT"
  {
    Cursor c{text};
    if (c.name(kDays, wday) && c.literal(',') && c.literal(' ') && c.digits(2, day) &&
        c.literal(' ') && c.name(kMonths, month) && c.literal(' ') && c.digits(4, year) &&
        c.literal(' ') && c.time(h, m, s) && c.literal(' ') && c.gmt() && c.done())
      return to_unix(year, month + 1, day, h, m, s);
  }
  // rfc850-date: day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time SP "GMT"
  {
    Cursor c{text};
    if (c.name(kLongDays, wday) && c.literal(',') && c.literal(' ') && c.digits(2, day) &&
        c.literal('-') && c.name(kMonths, month) && c.literal('-') && c.digits(2, year) &&
        c.literal(' ') && c.time(h, m, s) && c.literal(' ') && c.gmt() && c.done()) {
      int full = 0;
      if (now) {
        // RFC 9110 §5.6.7: more than 50 years in the future -> the most recent past year with
        // the same last two digits.
        std::int64_t this_year = year_of(*now);
        std::int64_t century = this_year - this_year % 100;
        std::int64_t candidate = century + year;
        if (candidate > this_year + 50) candidate -= 100;
        full = static_cast<int>(candidate);
      } else {
        full = year >= 70 ? 1900 + year : 2000 + year;
      }
      return to_unix(full, month + 1, day, h, m, s);
    }
  }
  // asctime-date: day-name SP month SP ( 2DIGIT / ( SP 1DIGIT )) SP time SP 4DIGIT
  {
    Cursor c{text};
    if (c.name(kDays, wday) && c.literal(' ') && c.name(kMonths, month) && c.literal(' ')) {
      bool day_ok = c.literal(' ') ? c.digits(1, day) : c.digits(2, day);
      if (day_ok && c.literal(' ') && c.time(h, m, s) && c.literal(' ') && c.digits(4, year) &&
          c.done())
        return to_unix(year, month + 1, day, h, m, s);
    }
  }
  return std::nullopt;
}

std::string format_http_date(std::int64_t t) {
  // 0001-01-01 and 9999-12-31 23:59:59 in Unix seconds.
  constexpr std::int64_t kMin = -62135596800, kMax = 253402300799;
  if (t < kMin) t = kMin;
  if (t > kMax) t = kMax;
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++y;
  std::int64_t wday = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
  char buf[40];
  auto two = [](char* p, std::int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::string_view dn = kDays[static_cast<std::size_t>(wday)];
  std::string_view mn = kMonths[static_cast<std::size_t>(month - 1)];
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  buf[0] = dn[0], buf[1] = dn[1], buf[2] = dn[2], buf[3] = ',', buf[4] = ' ';
  two(buf + 5, d);
  buf[7] = ' ';
  buf[8] = mn[0], buf[9] = mn[1], buf[10] = mn[2], buf[11] = ' ';
  two(buf + 12, y / 100);
  two(buf + 14, y % 100);
  buf[16] = ' ';
  two(buf + 17, secs / 3600);
  buf[19] = ':';
  two(buf + 20, secs / 60 % 60);
  buf[22] = ':';
  two(buf + 23, secs % 60);
  buf[25] = ' ', buf[26] = 'G', buf[27] = 'M', buf[28] = 'T';
  return std::string(buf, 29);
}

}  // namespace cloudtwin::cdn
