// CloudFront's rules as pure functions (rules.h).
#include "cloudtwin/cdn/rules.h"

namespace cloudtwin::cdn {

bool path_matches(std::string_view pattern, std::string_view path) {
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  // Iterative wildcard matching with one backtrack point: linear in practice, O(n*m) at worst
  // (patterns are at most 255 characters).
  std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == path[s])) {
      ++p;
      ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::size_t select_behavior(const model::Distribution& d, std::string_view path) {
  for (std::size_t i = 0; i < d.behaviors.size(); ++i)
    if (path_matches(d.behaviors[i].path_pattern, path)) return i;
  return d.behaviors.size();
}

}  // namespace cloudtwin::cdn
