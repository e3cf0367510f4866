#include "cloudtwin/core/diagnostic.h"

#include <algorithm>
#include <numeric>

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

namespace {

// What makes diagnostics "of one kind": severity, file and the message with what is in
// backticks or double quotes and every number left out ("unknown field `k1`" and
// "unknown field `k2`" are one kind).
std::string kind_key(Severity severity, std::string_view file, std::string_view m) {
  std::string key;
  key.reserve(file.size() + m.size() + 2);
  key += severity == Severity::kError ? 'E' : 'W';
  key += file;
  key += '\n';
  for (std::size_t i = 0; i < m.size(); ++i) {
    const char c = m[i];
    if (c == '`' || c == '"') {
      const std::size_t close = m.find(c, i + 1);
      if (close != std::string_view::npos) {
        key += c;
        key += c;
        i = close;
        continue;
      }
    }
    if (c >= '0' && c <= '9') {
      while (i + 1 < m.size() && m[i + 1] >= '0' && m[i + 1] <= '9') ++i;
      key += '#';
      continue;
    }
    key += c;
  }
  return key;
}

std::string kind_key(const Diagnostic& d) { return kind_key(d.severity, d.file, d.message); }

}  // namespace

bool Diagnostics::would_list(Severity severity, std::string_view file,
                             std::string_view message) const {
  const auto it = kinds_.find(kind_key(severity, file, message));
  return it == kinds_.end() || it->second.kept < kMaxPerKind;
}

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::kError) ++errors_;
  if (d.gap != Gap::kNone) {
    items_.push_back(std::move(d));
    return;
  }
  Kind& kind = kinds_[kind_key(d)];
  if (kind.kept < kMaxPerKind) {
    ++kind.kept;
    items_.push_back(std::move(d));
    return;
  }
  if (d.severity == Severity::kError) --errors_;  // leave_out() counts it
  leave_out(kind, d, d.message, 1);
}

void Diagnostics::leave_out(Kind& kind, const Diagnostic& first, std::string_view example,
                            std::size_t n) {
  if (kind.summary == kNoSummary) {
    kind.example = example;
    kind.summary = items_.size();
    Diagnostic summary;
    summary.severity = first.severity;
    summary.file = first.file;
    summary.line = first.line;
    summary.column = first.column;
    summary.hint = "only the first " + std::to_string(kMaxPerKind) +
                   " of a kind are listed; fix those and run again";
    items_.push_back(std::move(summary));
  }
  kind.more += n;
  left_out_ += n;
  if (first.severity == Severity::kError) errors_ += n;
  Diagnostic& summary = items_[kind.summary];
  summary.message = "… and " + std::to_string(kind.more) + " more " +
                    (summary.severity == Severity::kError ? "error" : "warning") +
                    (kind.more == 1 ? "" : "s") + " like \"" + kind.example + "\"";
}

void Diagnostics::error(std::string file, Location at, std::string resource, std::string message,
                        std::string hint) {
  add({Severity::kError, std::move(file), at.line, at.column, std::move(resource),
       std::move(message), std::move(hint), Gap::kNone, {}});
}

void Diagnostics::warning(std::string file, Location at, std::string resource,
                          std::string message, std::string hint) {
  add({Severity::kWarning, std::move(file), at.line, at.column, std::move(resource),
       std::move(message), std::move(hint), Gap::kNone, {}});
}

void Diagnostics::gap(Gap g, std::string key, std::string file, Location at, std::string resource,
                      std::string message, std::string hint) {
  add({Severity::kWarning, std::move(file), at.line, at.column, std::move(resource),
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

void Diagnostics::append(const Diagnostics& other) {
  std::vector<bool> is_summary(other.items_.size());
  for (const auto& [key, kind] : other.kinds_) {
    if (kind.summary != kNoSummary) is_summary[kind.summary] = true;
  }
  for (std::size_t i = 0; i < other.items_.size(); ++i) {
    if (!is_summary[i]) add(other.items_[i]);
  }
  for (const auto& [key, kind] : other.kinds_) {
    if (kind.more > 0) leave_out(kinds_[key], other.items_[kind.summary], kind.example, kind.more);
  }
}

void Diagnostics::sort() {
  std::vector<std::size_t> order(items_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    const Diagnostic& a = items_[i];
    const Diagnostic& b = items_[j];
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
  std::vector<Diagnostic> sorted;
  sorted.reserve(items_.size());
  std::vector<std::size_t> position(items_.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
    sorted.push_back(std::move(items_[order[i]]));
  }
  items_ = std::move(sorted);
  for (auto& [key, kind] : kinds_) {
    if (kind.summary != kNoSummary) kind.summary = position[kind.summary];
  }
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
