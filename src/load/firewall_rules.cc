// Network Firewall rule text shared by the readers (firewall_rules.h).
#include "firewall_rules.h"

#include <sstream>

namespace cloudtwin::load {

namespace {

// Options a 5-tuple answers without them: naming and bookkeeping.
bool bookkeeping(std::string_view keyword) {
  return keyword == "sid" || keyword == "msg" || keyword == "rev" || keyword == "classtype" ||
         keyword == "priority" || keyword == "metadata" || keyword == "gid" ||
         keyword == "reference";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "opt1; opt2:value; ..." -> the sid and the options that are not bookkeeping.
void read_options(std::string_view text, model::StatefulRule& r) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"' && (i == 0 || text[i - 1] != '\\')) quoted = !quoted;
    if (i < text.size() && (text[i] != ';' || quoted)) continue;
    std::string_view opt = trim(text.substr(start, i - start));
    start = i + 1;
    if (opt.empty()) continue;
    auto colon = opt.find(':');
    std::string_view keyword = trim(opt.substr(0, colon));
    if (keyword == "sid" && colon != std::string_view::npos) {
      r.sid = std::string(trim(opt.substr(colon + 1)));
    } else if (!bookkeeping(keyword)) {
      r.options += (r.options.empty() ? "" : "; ") + std::string(opt);
    }
  }
}

}  // namespace

std::optional<model::StatefulRule> parse_suricata_rule(std::string_view line, std::string& error) {
  model::StatefulRule r;
  std::string_view options;
  if (auto open = line.find('('); open != std::string_view::npos) {
    auto close = line.rfind(')');
    if (close == std::string_view::npos || close < open) {
      error = "the rule's options lack their `)`";
      return std::nullopt;
    }
    options = line.substr(open + 1, close - open - 1);
    line = line.substr(0, open);
  }
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) words.push_back(w);
  // Brackets may hold spaces: rejoin "[a," "b]" into one word.
  std::vector<std::string> joined;
  int depth = 0;
  for (const auto& w : words) {
    if (depth > 0)
      joined.back() += w;
    else
      joined.push_back(w);
    for (char ch : w) depth += ch == '[' ? 1 : ch == ']' ? -1 : 0;
  }
  if (joined.size() != 7) {
    error = "a rule is `action protocol source port -> destination port (options)`";
    return std::nullopt;
  }
  auto a = stateful_action(joined[0]);
  if (!a) {
    error = "`" + joined[0] + "` is no stateful action (pass, drop, reject, alert)";
    return std::nullopt;
  }
  if (joined[4] != "->" && joined[4] != "<>") {
    error = "`" + joined[4] + "` is no direction (-> or <>)";
    return std::nullopt;
  }
  r.action = *a;
  r.protocol = joined[1];
  r.source = joined[2];
  r.source_port = joined[3];
  r.bidirectional = joined[4] == "<>";
  r.destination = joined[5];
  r.destination_port = joined[6];
  read_options(options, r);
  return r;
}

std::vector<model::StatefulRule> parse_rules_string(std::string_view text, Location at,
                                                    std::vector<std::string>& errors) {
  std::vector<model::StatefulRule> out;
  std::size_t line_no = 0;
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    std::string error;
    auto r = parse_suricata_rule(l, error);
    if (!r) {
      errors.push_back("line " + std::to_string(line_no) + ": " + error);
      continue;
    }
    r->at = at;
    out.push_back(std::move(*r));
  }
  return out;
}

void add_rule_option(model::StatefulRule& r, std::string_view keyword,
                     const std::vector<std::string>& settings) {
  if (keyword == "sid") {
    if (!settings.empty()) r.sid = settings.front();
    return;
  }
  if (bookkeeping(keyword)) return;
  std::string opt(keyword);
  for (std::size_t i = 0; i < settings.size(); ++i) opt += (i == 0 ? ":" : ",") + settings[i];
  r.options += (r.options.empty() ? "" : "; ") + opt;
}

std::string header_value(std::string_view text) {
  if (text.size() == 3 && (text[0] == 'A' || text[0] == 'a') &&
      (text[1] == 'N' || text[1] == 'n') && (text[2] == 'Y' || text[2] == 'y'))
    return "any";
  return std::string(text);
}

void default_stateless_actions(model::FirewallPolicy& p) {
  for (auto* actions : {&p.stateless_default_actions, &p.stateless_fragment_default_actions}) {
    if (actions->empty()) *actions = {model::FirewallAction::kForward};
  }
}

std::optional<model::FirewallAction> stateless_action(std::string_view text) {
  if (!text.starts_with("aws:")) return std::nullopt;
  auto a = model::parse_firewall_action(text);
  if (a == model::FirewallAction::kPass || a == model::FirewallAction::kDrop ||
      a == model::FirewallAction::kForward)
    return a;
  return std::nullopt;
}

std::optional<model::FirewallAction> stateful_action(std::string_view text) {
  if (text.starts_with("aws:")) return std::nullopt;
  auto a = model::parse_firewall_action(text);
  if (a && *a != model::FirewallAction::kForward) return a;
  return std::nullopt;
}

std::string_view firewall_arn_name(std::string_view arn) {
  if (!arn.starts_with("arn:")) return arn;
  auto slash = arn.rfind('/');
  return slash == std::string_view::npos ? arn : arn.substr(slash + 1);
}

}  // namespace cloudtwin::load
