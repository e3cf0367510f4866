#include "cloudtwin/core/diagnostic.h"

#include <algorithm>

namespace cloudtwin {

std::string Diagnostic::str() const {
  std::string s;
  if (!file.empty()) {
    s += file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    s += ": ";
  }
  s += severity == Severity::kError ? "error: " : "warning: ";
  if (!resource.empty()) s += "[" + resource + "] ";
  s += message;
  if (!hint.empty()) s += " (" + hint + ")";
  return s;
}

void Diagnostics::error(std::string file, Location at, std::string resource, std::string message,
                        std::string hint) {
  items_.push_back({Severity::kError, std::move(file), at.line, at.column, std::move(resource),
                    std::move(message), std::move(hint), Gap::kNone, {}});
}

void Diagnostics::warning(std::string file, Location at, std::string resource,
                          std::string message, std::string hint) {
  items_.push_back({Severity::kWarning, std::move(file), at.line, at.column, std::move(resource),
                    std::move(message), std::move(hint), Gap::kNone, {}});
}

void Diagnostics::gap(Gap g, std::string key, std::string file, Location at, std::string resource,
                      std::string message, std::string hint) {
  items_.push_back({Severity::kWarning, std::move(file), at.line, at.column, std::move(resource),
                    std::move(message), std::move(hint), g, std::move(key)});
}

const char* gap_name(Gap g) {
  switch (g) {
    case Gap::kNone: return "none";
    case Gap::kIgnoredType: return "ignored-type";
    case Gap::kLeftOut: return "left-out";
    case Gap::kUnmodelledTarget: return "unmodelled-target";
    case Gap::kUnknownValue: return "unknown-value";
    case Gap::kStandIn: return "stand-in";
  }
  return "none";
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  std::vector<std::size_t> prev, cur;
  for (auto c : candidates) {
    prev.assign(c.size() + 1, 0);
    cur.assign(c.size() + 1, 0);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        std::size_t cost = word[i - 1] == c[j - 1] ? 0 : 1;
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_distance) {
      best_distance = prev[c.size()];
      best = c;
    }
  }
  return std::string(best);
}

}  // namespace cloudtwin
