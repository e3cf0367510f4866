#include "diff_findings.h"

#include <algorithm>

#include "exposure_findings.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

FindingRule rule(const std::string& id, const std::string& name, const std::string& title,
                 const std::string& description, Risk severity) {
  FindingRule r;
  r.id = "diff/" + id;
  r.name = name;
  r.short_description = title;
  r.full_description = description;
  r.help_text = description +
                " Each result carries the packets (protocol, ports, addresses), one of them "
                "traced before and after the change, and the resource changes on its path. If "
                "the change is intended, accept it in a baseline (--write-baseline) or suppress "
                "it with a reason (docs/ci.md).";
  r.help_markdown = "**" + title + "**\n\n" + description +
                    "\n\nSee [docs/diff.md](docs/diff.md) for how the two networks are compared.";
  r.tags = {"security", "network", "reachability-diff"};
  r.severity = severity;
  return r;
}

std::string rule_of(const DiffSectionRows& s, const DiffRow& row) {
  if (row.change == "opened" && s.kind == "exposure") return "diff/new-exposure";
  return "diff/" + row.change;
}

}  // namespace

std::vector<FindingRule> diff_rules() {
  return {
      rule("new-exposure", "NewExposure", "New access from the internet",
           "Packets from the internet reach a network interface after the change and did not "
           "before.",
           Risk::kHigh),
      rule("opened", "Opened", "New access",
           "Packets reach after the change that did not before (between subnets, to or from "
           "on-premises networks, or to the internet).",
           Risk::kMedium),
      rule("closed", "Closed", "Lost access",
           "Packets that reached before the change no longer do: a path something may depend "
           "on is gone.",
           Risk::kMedium),
      rule("maybe-opened", "MaybeOpened", "Possibly new access",
           "Packets blocked before the change have an inconclusive verdict after it: they reach "
           "if what cloudtwin cannot know (a peer in another account, a value known after "
           "apply) goes one way.",
           Risk::kLow),
      rule("maybe-closed", "MaybeClosed", "Possibly lost access",
           "Packets with an inconclusive verdict before the change are blocked after it.",
           Risk::kLow),
  };
}

std::vector<Finding> diff_findings(const DiffReport& report, const model::Network& before,
                                   const model::Network& after, const std::string& fail_on) {
  std::vector<Finding> out;
  for (const auto& s : report.sections) {
    for (const auto& row : s.rows) {
      const model::Network& in = row.in_after ? after : before;
      Finding f;
      f.rule = rule_of(s, row);
      f.inconclusive = !row.certain();
      f.severity = row.risk ? *row.risk
                   : row.change.starts_with("maybe") ? Risk::kLow
                                                     : Risk::kMedium;
      const bool opening = row.change == "opened" || row.change == "maybe-opened";
      f.failing = fail_on == "any" || (fail_on == "opened" && opening) ||
                  (fail_on == "new-exposure" && opening && s.kind == "exposure");
      const std::string packets = row_text(row.row, false);
      f.message = row.change + ": " + s.from + " -> " + s.to + ": " + packets +
                  (row.reason.empty() ? "" : " (" + row.reason + ")");
      const auto eni = row.row.destination_interface;
      if (eni != model::kNone && eni < in.network_interfaces.size()) {
        f.resource_id = in.network_interfaces[eni].id;
        f.resource_kind = "NetworkInterface";
        f.resource_label = interface_label(in, eni);
        f.resource_aliases = {in.network_interfaces[eni].name};
        f.tag_holders = {f.resource_id};
      } else {
        f.resource_id = s.to;
        f.resource_kind = "Party";
        f.resource_label = s.to;
      }
      // The line to change: the ingress rule that admits the opened packets when it is new
      // exposure or its group changed; else the first changed resource on the packet's path;
      // else the resource it reaches.
      if (opening && row.in_after) {
        const auto admitted = admitting_rule(in, row.trace);
        const bool changed_group =
            admitted.group &&
            std::any_of(row.causes.begin(), row.causes.end(),
                        [&](std::size_t k) { return report.changes[k].names(admitted.group->id); });
        if (admitted.rule && admitted.rule->at.line &&
            (f.rule == "diff/new-exposure" || changed_group)) {
          f.location = source_location(in, admitted.rule->at,
                                       "ingress rule of security group " + admitted.group->label());
          f.tag_holders.push_back(admitted.group->id);
        }
      }
      for (auto k : row.causes) {
        const auto& c = report.changes[k];
        const bool removed = c.action == load::ResourceChange::Action::kRemoved;
        SourceLocation at{removed ? c.file_before : c.file_after,
                          removed ? c.at_before.line : c.at_after.line,
                          removed ? c.at_before.column : c.at_after.column,
                          std::string(load::action_name(c.action)) + " " + c.section + " " + c.name};
        if (at.file.empty()) continue;
        if (f.location.known()) {
          f.related.push_back(std::move(at));
        } else {
          f.location = std::move(at);
        }
      }
      if (!f.location.known() && eni != model::kNone && eni < in.network_interfaces.size()) {
        f.location = source_location(in, in.network_interfaces[eni].at,
                                     "network interface " + f.resource_label);
      }
      f.fingerprint = fingerprint(f.rule, s.from + " -> " + s.to, packets);
      std::string details = f.message + "\n";
      if (const auto* t = row.after()) details += "after: " + path_text(*t) + "\n";
      if (const auto* t = row.before(); t && !t->explanations.empty())
        details += "before: " + blocked_text(*t) + "\n";
      f.details = details;
      f.properties = row.json;
      f.properties["change"] = row.change;
      f.properties["question"] = {{"kind", s.kind}, {"from", s.from}, {"to", s.to}};
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace cloudtwin::cli
