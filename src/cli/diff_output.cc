#include "diff_output.h"

#include <sstream>

#include "commands.h"
#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

std::string where(const std::string& file, const Location& at) {
  if (file.empty()) return "";
  std::string out = file;
  if (at.line) out += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
  return out;
}

// Where the change is written: the network after's input, or the one before's for a removal.
std::string change_location(const load::ResourceChange& c) {
  return c.action == load::ResourceChange::Action::kRemoved ? where(c.file_before, c.at_before)
                                                            : where(c.file_after, c.at_after);
}

// "security_groups" -> "security group"
std::string section_word(const std::string& section) {
  std::string out = section;
  if (out.ends_with("ies")) {
    out.replace(out.size() - 3, 3, "y");
  } else if (out.ends_with("s")) {
    out.pop_back();
  }
  for (auto& c : out) c = c == '_' ? ' ' : c;
  return out;
}

std::string change_label(const load::ResourceChange& c) {
  std::string id = c.id_after.empty() ? c.id_before : c.id_after;
  return section_word(c.section) + " " + c.name + (id.empty() || id == c.name ? "" : " (" + id + ")");
}

std::string question(const DiffSectionRows& s) { return s.from + " -> " + s.to; }

const char* heading(const std::string& change) {
  if (change == "opened") return "OPENED";
  if (change == "closed") return "CLOSED";
  if (change == "maybe-opened") return "MAYBE OPENED (inconclusive after)";
  return "MAYBE CLOSED (inconclusive before)";
}

std::string verdict_line(const vpc::Trace* t, const std::string& missing) {
  if (!t) return missing.empty() ? "not there" : missing;
  switch (t->verdict) {
    case vpc::Verdict::kReachable:
      return "reaches: " + path_text(*t);
    case vpc::Verdict::kInconclusive:
      return "inconclusive: " + unknown_text(*t);
    case vpc::Verdict::kBlocked:
      return "blocked: " + blocked_text(*t);
  }
  return "";
}

struct Counts {
  std::size_t opened = 0, closed = 0, doubtful = 0, silenced = 0;
};
Counts count(const DiffReport& r) {
  Counts c;
  for (const auto& s : r.sections) {
    for (const auto& row : s.rows) {
      if (!row.silenced.empty()) {
        ++c.silenced;
      } else if (!row.certain()) {
        ++c.doubtful;
      } else if (row.change == "opened") {
        ++c.opened;
      } else {
        ++c.closed;
      }
    }
  }
  return c;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string risk_upper(verify::Risk r) {
  std::string s = verify::risk_name(r);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json location_json(const std::string& file, const Location& at) {
  if (file.empty()) return nullptr;
  nlohmann::json j{{"file", file}};
  if (at.line) {
    j["line"] = at.line;
    j["column"] = at.column;
  }
  return j;
}

// What each row section of the text and markdown shows, in order: the rows grouped by section
// and change.
template <typename F>
void each_group(const DiffReport& r, F&& f) {
  for (const auto& s : r.sections) {
    for (const char* change : {"opened", "closed", "maybe-opened", "maybe-closed"}) {
      std::vector<const DiffRow*> rows;
      for (const auto& row : s.rows) {
        if (row.change == change) rows.push_back(&row);
      }
      if (!rows.empty()) f(s, std::string(change), rows);
    }
  }
}

}  // namespace

std::string DiffReport::summary() const {
  const auto c = count(*this);
  std::string out = c.opened + c.closed + c.doubtful == 0 ? "reachability unchanged"
                                                          : "reachability changed";
  out += ": " + plural(c.opened, "row") + " opened, " + std::to_string(c.closed) + " closed";
  if (c.doubtful) out += ", " + std::to_string(c.doubtful) + " inconclusive";
  if (c.silenced) out += " (" + std::to_string(c.silenced) + " more suppressed or in the baseline)";
  out += "; " + plural(changes.size(), "resource") + " changed";
  return out;
}

int DiffReport::exit_status(const std::string& fail_on) const {
  if (fail_on == "never") return kExitOk;
  bool failed = false, doubtful = false;
  for (const auto& s : sections) {
    doubtful = doubtful || s.truncated;
    for (const auto& row : s.rows) {
      if (!row.silenced.empty()) continue;
      const bool opening = row.change == "opened" || row.change == "maybe-opened";
      const bool counts = fail_on == "any" || (fail_on == "opened" && opening) ||
                          (fail_on == "new-exposure" && opening && s.kind == "exposure");
      if (!counts) continue;
      (row.certain() ? failed : doubtful) = true;
    }
  }
  if (failed) return kExitNegative;
  return doubtful ? kExitInconclusive : kExitOk;
}

std::string render_diff_text(const DiffReport& r, bool traces) {
  std::ostringstream o;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  o << "Diff " << join(r.before) << " -> " << join(r.after) << "\n";
  std::string summary = r.summary();
  summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  o << summary << " (every packet checked in both networks)\n";
  for (const auto& q : r.not_asked) o << "not compared: " << q << "\n";

  if (!r.changes.empty()) {
    o << "\nResources changed\n";
    for (const auto& c : r.changes) {
      o << "  " << load::action_name(c.action) << " " << change_label(c);
      if (auto at = change_location(c); !at.empty()) o << "  " << at;
      o << "\n";
      if (c.action == load::ResourceChange::Action::kChanged) {
        for (const auto& l : c.removed) o << "      - " << l << "\n";
        for (const auto& l : c.added) o << "      + " << l << "\n";
      }
    }
  }
  each_group(r, [&](const DiffSectionRows& s, const std::string& change,
                    const std::vector<const DiffRow*>& rows) {
    o << "\n" << heading(change) << ": " << question(s) << "\n";
    const std::size_t shown = r.max_rows == 0 ? rows.size() : std::min(rows.size(), r.max_rows);
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& row = *rows[i];
      o << "  " << row_text(row.row, false);
      if (row.risk) o << "   " << risk_upper(*row.risk) << ": " << row.reason;
      if (!row.silenced.empty()) o << "   (" << row.silenced << ")";
      o << "\n";
      o << "      after:  " << verdict_line(row.after(), row.in_after ? "" : row.missing) << "\n";
      o << "      before: " << verdict_line(row.before(), row.in_after ? row.missing : "") << "\n";
      if (row.uncertain) {
        o << "      (the verdict of some of these packets " << (row.in_after ? "before" : "after")
          << " is inconclusive: a change only if what cloudtwin cannot know goes one way)\n";
      }
      for (auto k : row.causes) {
        const auto& c = r.changes[k];
        o << "      because: " << change_label(c) << " " << load::action_name(c.action);
        if (auto at = change_location(c); !at.empty()) o << " (" << at << ")";
        o << "\n";
      }
      if (traces) {
        for (const auto* t : {row.after(), row.before()}) {
          if (!t) continue;
          o << "\n    " << (t == row.after() ? "after" : "before") << ":\n"
            << render_trace_text(*t, t->header.src.str(), t->header.dst.str());
        }
      }
    }
    if (shown < rows.size()) {
      o << "  ... and " << rows.size() - shown
        << " more rows (--max-rows 0 prints every row; --json lists them all)\n";
    }
  });
  for (const auto& s : r.sections) {
    if (s.truncated) {
      o << "\nwarning: the search of " << question(s)
        << " stopped early in a network: the diff may miss packets\n";
    }
  }
  return o.str();
}

nlohmann::json render_diff_json(const DiffReport& r) {
  nlohmann::json j;
  const auto c = count(r);
  j["schema"] = "cloudtwin/diff/v1";
  j["before"] = r.before;
  j["after"] = r.after;
  j["changed"] = c.opened + c.closed + c.doubtful > 0;
  j["verdict"] = c.opened + c.closed > 0 ? "changed" : c.doubtful > 0 ? "inconclusive" : "unchanged";
  j["opened"] = c.opened;
  j["closed"] = c.closed;
  j["inconclusive"] = c.doubtful;
  j["not_asked"] = r.not_asked;
  j["resource_changes"] = nlohmann::json::array();
  for (const auto& x : r.changes) {
    j["resource_changes"].push_back({{"action", load::action_name(x.action)},
                                     {"section", x.section},
                                     {"name", x.name},
                                     {"id_before", x.id_before},
                                     {"id_after", x.id_after},
                                     {"location_before", location_json(x.file_before, x.at_before)},
                                     {"location_after", location_json(x.file_after, x.at_after)},
                                     {"removed", x.removed},
                                     {"added", x.added}});
  }
  j["sections"] = nlohmann::json::array();
  for (const auto& s : r.sections) {
    nlohmann::json js{{"kind", s.kind}, {"from", s.from}, {"to", s.to}, {"truncated", s.truncated}};
    js["rows"] = nlohmann::json::array();
    for (const auto& row : s.rows) {
      auto jr = row.json;
      jr["change"] = row.change;
      jr["certain"] = row.certain();
      if (!row.silenced.empty()) jr["silenced"] = row.silenced;
      if (row.risk) {
        jr["risk"] = verify::risk_name(*row.risk);
        jr["reason"] = row.reason;
      }
      jr["after"] = row.after() ? render_trace_json(*row.after()) : nlohmann::json(nullptr);
      jr["before"] = row.before() ? render_trace_json(*row.before()) : nlohmann::json(nullptr);
      if (!row.missing.empty()) jr["missing"] = row.missing;
      jr["causes"] = row.causes;
      js["rows"].push_back(std::move(jr));
    }
    j["sections"].push_back(std::move(js));
  }
  return j;
}

namespace {

// Text for a markdown table cell: no line breaks, pipes escaped.
std::string cell(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

// A mermaid node id and label for a hop.
std::string mermaid_label(std::string s) {
  std::string out;
  for (char ch : s) out += ch == '"' ? '\'' : ch;
  return out;
}

// The path of a trace as a small mermaid flowchart (at most a dozen hops).
std::string mermaid(const vpc::Trace& t, const std::string& blocked_at) {
  std::ostringstream o;
  o << "```mermaid\nflowchart LR\n";
  std::vector<std::string> nodes;
  std::string last;
  for (const auto& h : t.forward) {
    std::string id = h.component_id.empty() ? h.component_type : h.component_id;
    if (id == last) continue;
    last = id;
    nodes.push_back(id);
  }
  constexpr std::size_t kMax = 12;
  if (nodes.size() > kMax) {
    nodes.erase(nodes.begin() + kMax / 2, nodes.end() - kMax / 2);
    nodes.insert(nodes.begin() + kMax / 2, "...");
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    o << "  n" << i << "[\"" << mermaid_label(nodes[i]) << "\"]\n";
  }
  for (std::size_t i = 1; i < nodes.size(); ++i) o << "  n" << i - 1 << " --> n" << i << "\n";
  if (!blocked_at.empty()) o << "  style n" << nodes.size() - 1 << " stroke:#d00,stroke-width:3px\n";
  o << "```\n";
  return o.str();
}

}  // namespace

std::string render_diff_markdown(const DiffReport& r) {
  std::ostringstream o;
  const auto c = count(r);
  o << "### cloudtwin diff: "
    << (c.opened + c.closed > 0 ? "reachability changed"
        : c.doubtful > 0        ? "reachability may have changed (inconclusive)"
                                : "reachability unchanged")
    << "\n\n";
  o << "**" << c.opened << " opened, " << c.closed << " closed**";
  if (c.doubtful) o << ", " << c.doubtful << " inconclusive";
  o << " (rows of packets, every packet checked); " << plural(r.changes.size(), "resource")
    << " changed.\n";
  if (c.opened + c.closed + c.doubtful > 0) {
    o << "\n| change | from → to | packets | risk | because |\n|---|---|---|---|---|\n";
    std::vector<std::pair<const DiffRow*, const DiffSectionRows*>> shown;
    each_group(r, [&](const DiffSectionRows& s, const std::string&,
                      std::vector<const DiffRow*> rows) {
      std::erase_if(rows, [](const DiffRow* row) { return !row->silenced.empty(); });
      const std::size_t n = r.max_rows == 0 ? rows.size() : std::min(rows.size(), r.max_rows);
      for (std::size_t i = 0; i < n; ++i) shown.emplace_back(rows[i], &s);
      if (n < rows.size()) {
        o << "| … | " << cell(question(s)) << " | " << rows.size() - n
          << " more rows (`--format json` lists them) | | |\n";
      }
    });
    for (const auto& [row, s] : shown) {
      std::string because;
      for (auto k : row->causes) {
        const auto& x = r.changes[k];
        if (!because.empty()) because += "; ";
        because += "`" + change_label(x) + "` " + load::action_name(x.action);
        if (auto at = change_location(x); !at.empty()) because += " (" + at + ")";
      }
      o << "| " << row->change << (row->certain() ? "" : " (inconclusive)") << " | "
        << cell(question(*s)) << " | `" << cell(row_text(row->row, false)) << "` | "
        << (row->risk ? std::string(verify::risk_name(*row->risk)) + ": " + cell(row->reason) : "")
        << " | " << cell(because) << " |\n";
    }
    o << "\n<details><summary>Paths</summary>\n\n";
    for (const auto& [row, s] : shown) {
      const vpc::Trace* t = row->change.find("opened") != std::string::npos ? row->after() : row->before();
      if (!t) continue;
      o << "**" << row->change << "** " << cell(question(*s)) << ": `" << cell(row_text(row->row, false))
        << "` — " << (row->change.find("opened") != std::string::npos ? "after" : "before")
        << " the change\n\n"
        << mermaid(*t, "") << "\n";
    }
    o << "</details>\n";
  }
  if (!r.changes.empty()) {
    o << "\n<details><summary>Resources changed</summary>\n\n";
    for (const auto& x : r.changes) {
      o << "- " << load::action_name(x.action) << " `" << change_label(x) << "`";
      if (auto at = change_location(x); !at.empty()) o << " (" << at << ")";
      o << "\n";
      if (x.action == load::ResourceChange::Action::kChanged && !(x.removed.empty() && x.added.empty())) {
        o << "  ```diff\n";
        for (const auto& l : x.removed) o << "  - " << l << "\n";
        for (const auto& l : x.added) o << "  + " << l << "\n";
        o << "  ```\n";
      }
    }
    o << "\n</details>\n";
  }
  return o.str();
}

}  // namespace cloudtwin::cli
