// Cache-Control and Age (cache_control.h).
#include "cloudtwin/cdn/cache_control.h"

#include <algorithm>

namespace cloudtwin::cdn {
namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// 1*DIGIT -> value (capped at 2^31); anything else -> nullopt.
std::optional<std::int64_t> delta_seconds(std::string_view v) {
  if (v.empty()) return std::nullopt;
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min<std::int64_t>(n * 10 + (c - '0'), kDeltaSecondsCap);
  }
  return n;
}

// One list element: `name`, its value (unquoted; escapes kept), whether it had `=`, and whether
// the element was well-formed.
struct Element {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
  bool quoted = false;
  bool well_formed = true;
};

// Reads the next element from `s` at `i` (after separators); advances `i` past it and its comma.
// Returns false at the end of the text.
bool next_element(std::string_view s, std::size_t& i, Element& e) {
  // Skip empty list elements and whitespace (RFC 9110 §5.6.1: recipients accept empty elements).
  while (i < s.size() && (is_ows(s[i]) || s[i] == ',')) ++i;
  if (i >= s.size()) return false;
  e = Element{};
  std::size_t start = i;
  while (i < s.size() && is_tchar(s[i])) ++i;
  e.name = s.substr(start, i - start);
  if (e.name.empty()) e.well_formed = false;
  if (i < s.size() && s[i] == '=') {
    ++i;
    e.has_value = true;
    if (i < s.size() && s[i] == '"') {
      e.quoted = true;
      std::size_t vstart = ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          i += 2;
          continue;
        }
        if (s[i] == '"') {
          closed = true;
          break;
        }
        ++i;
      }
      e.value = s.substr(vstart, i - vstart);
      if (closed)
        ++i;
      else
        e.well_formed = false;
    } else {
      std::size_t vstart = i;
      while (i < s.size() && is_tchar(s[i])) ++i;
      e.value = s.substr(vstart, i - vstart);
      if (e.value.empty()) e.well_formed = false;
    }
  }
  // Only OWS may follow before the comma; anything else makes the element malformed and is
  // skipped (outside quotes) up to the next comma.
  while (i < s.size() && is_ows(s[i])) ++i;
  if (i < s.size() && s[i] != ',') {
    e.well_formed = false;
    bool in_quotes = false;
    while (i < s.size()) {
      char c = s[i];
      if (in_quotes && c == '\\' && i + 1 < s.size()) {
        i += 2;
        continue;
      }
      if (c == '"') in_quotes = !in_quotes;
      if (c == ',' && !in_quotes) break;
      ++i;
    }
  }
  if (i < s.size() && s[i] == ',') ++i;
  return true;
}

// Sets a freshness directive (max-age, s-maxage) from its element: the first occurrence wins;
// an invalid one counts as 0 (stale).
void set_lifetime(const Element& e, std::optional<std::int64_t>& out, bool& invalid) {
  if (out) return;
  std::optional<std::int64_t> v;
  if (e.well_formed && e.has_value) v = delta_seconds(e.value);
  if (v) {
    out = v;
  } else {
    out = 0;
    invalid = true;
  }
}

void set_optional_delta(const Element& e, std::optional<std::int64_t>& out) {
  if (out || !e.well_formed || !e.has_value) return;
  out = delta_seconds(e.value);
}

}  // namespace

CacheControl parse_cache_control(std::string_view s) {
  CacheControl cc;
  std::size_t i = 0;
  Element e;
  while (next_element(s, i, e)) {
    cc.any = true;
    if (e.name.empty()) continue;
    if (iequals(e.name, "max-age")) {
      set_lifetime(e, cc.max_age, cc.max_age_invalid);
    } else if (iequals(e.name, "s-maxage")) {
      set_lifetime(e, cc.s_maxage, cc.s_maxage_invalid);
    } else if (iequals(e.name, "stale-while-revalidate")) {
      set_optional_delta(e, cc.stale_while_revalidate);
    } else if (iequals(e.name, "stale-if-error")) {
      set_optional_delta(e, cc.stale_if_error);
    } else if (iequals(e.name, "no-cache")) {
      // RFC 9111 §5.2.2.4: the most restrictive reading of a malformed no-cache is no-cache.
      if (!cc.no_cache && e.has_value && e.quoted) cc.no_cache_fields = e.value;
      cc.no_cache = true;
    } else if (iequals(e.name, "no-store")) {
      cc.no_store = true;
    } else if (iequals(e.name, "private")) {
      if (!cc.is_private && e.has_value && e.quoted) cc.private_fields = e.value;
      cc.is_private = true;
    } else if (iequals(e.name, "public")) {
      cc.is_public = true;
    } else if (iequals(e.name, "must-revalidate")) {
      cc.must_revalidate = true;
    } else if (iequals(e.name, "proxy-revalidate")) {
      cc.proxy_revalidate = true;
    } else if (iequals(e.name, "no-transform")) {
      cc.no_transform = true;
    } else if (iequals(e.name, "immutable")) {
      cc.immutable = true;
    }
  }
  return cc;
}

std::optional<std::int64_t> parse_age(std::string_view s) {
  std::size_t comma = s.find(',');
  std::string_view first = s.substr(0, comma);
  while (!first.empty() && is_ows(first.front())) first.remove_prefix(1);
  while (!first.empty() && is_ows(first.back())) first.remove_suffix(1);
  return delta_seconds(first);
}

std::int64_t corrected_initial_age(std::optional<std::int64_t> age_value,
                                   std::optional<std::int64_t> date_value,
                                   std::int64_t request_time, std::int64_t response_time) {
  std::int64_t apparent_age =
      date_value ? std::max<std::int64_t>(0, response_time - *date_value) : 0;
  std::int64_t response_delay = std::max<std::int64_t>(0, response_time - request_time);
  std::int64_t corrected_age_value = age_value.value_or(0) + response_delay;
  return std::min(std::max(apparent_age, corrected_age_value), kDeltaSecondsCap);
}

std::int64_t current_age(std::int64_t corrected_initial_age, std::int64_t response_time,
                         std::int64_t now) {
  std::int64_t resident = std::max<std::int64_t>(0, now - response_time);
  return std::min(corrected_initial_age + resident, kDeltaSecondsCap);
}

}  // namespace cloudtwin::cdn
