#include "exposure_findings.h"

#include <algorithm>
#include <map>

#include "trace_output.h"
#include "verify_output.h"

namespace cloudtwin::cli {

namespace {

bool rule_admits(const model::Network& n, const model::SecurityGroupRule& r, const Header& h) {
  if (!r.protocol.matches(h.protocol)) return false;
  if (!r.protocol.is_all()) {
    if (h.protocol.has_ports() && !r.ports.contains(h.dst_port)) return false;
    if (h.protocol.is_icmp() && r.icmp_type != -1 && r.icmp_type != h.dst_port) return false;
  }
  if (!r.unknown.empty()) return true;  // a peer unknown offline may be anyone
  if (r.cidr) return r.cidr->contains(h.src);
  if (r.prefix_list.resolved()) {
    const auto& entries = n.prefix_lists[r.prefix_list.index].entries;
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Prefix& p) { return p.contains(h.src); });
  }
  return false;  // a group reference never matches a public address
}

// "allow tcp 22 from 0.0.0.0/0", as traces write security group rules.
std::string describe(const model::Network& n, const model::SecurityGroupRule& r) {
  std::string out = "allow " + r.protocol.str();
  if (r.protocol.has_ports()) out += " " + (r.ports.from == r.ports.to ? std::to_string(r.ports.from) : r.ports.str());
  if (r.protocol.is_icmp() && r.icmp_type != -1) out += " type " + std::to_string(r.icmp_type);
  out += " from ";
  if (r.cidr) {
    out += r.cidr->str();
  } else if (r.prefix_list.resolved()) {
    out += n.prefix_lists[r.prefix_list.index].id;
  } else if (!r.prefix_list.empty()) {
    out += r.prefix_list.text;
  } else {
    out += r.security_group.text;
  }
  if (!r.unknown.empty()) out += " [unknown: " + r.unknown.str() + "]";
  return out;
}

// "SshOpen" for "ssh-open".
std::string pascal(std::string_view id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

std::string ports_of(const model::RiskEntry& e) {
  std::string out;
  for (const auto& p : e.protocols) out += (out.empty() ? "" : "/") + p.str();
  if (!e.ports.empty()) out += " " + verify::ports_text(e.ports);
  return out;
}

constexpr const char* kFixText =
    "Narrow the source of the security group rule at the result's location to the addresses "
    "that need the service (an office range, a VPN, a load balancer's security group), or "
    "remove it and reach the host another way (AWS Systems Manager Session Manager for "
    "administration). If the exposure is intended, suppress it with a reason: a "
    "`cloudtwin:ignore` tag on the resource or an entry in a suppression file (docs/ci.md).";

FindingRule rule_for(const std::string& id, const std::string& title, const std::string& reason,
                     Risk risk) {
  FindingRule r;
  r.id = "exposure/" + id;
  r.name = pascal(id);
  r.short_description = title;
  r.full_description = reason.empty() ? title + "." : reason;
  r.help_text = r.full_description + " " + kFixText +
                " Risks: docs/exposure-risks.md (one level lower when only part of the internet "
                "can reach it).";
  r.help_markdown = "**" + title + "** (" + model::risk_name(risk) + ")\n\n" + r.full_description +
                    "\n\n" + kFixText +
                    "\n\nSee [docs/exposure-risks.md](docs/exposure-risks.md) for the risk table "
                    "and how to change it.";
  r.tags = {"security", "network", "exposure"};
  r.severity = risk;
  return r;
}

}  // namespace

AdmittingRule admitting_rule(const model::Network& n, const verify::Exposure& x) {
  return admitting_rule(n, x.trace, &x.row, x.interface);
}

AdmittingRule admitting_rule(const model::Network& n, const vpc::Trace& trace,
                             const verify::Row* row, model::Index target) {
  Header h = trace.header;
  for (const auto& hop : trace.forward) {
    if (hop.inbound_header) h = *hop.inbound_header;
    if (hop.component_type == "SecurityGroup" && hop.direction == "ingress" && hop.rule &&
        hop.rule->kind == "security-group-rule") {
      // The row's packets, from the trace's source.
      if (row && !row->protocols.empty()) h.protocol = Protocol(row->protocols.front().first);
      if (row && !row->destination_ports.empty()) h.dst_port = row->destination_ports.front().from;
      std::vector<const model::SecurityGroup*> groups;
      if (auto g = n.find(hop.rule->security_group, model::Kind::kSecurityGroup))
        groups.push_back(&n.security_groups[*g]);
      // At the target itself, another of its groups may admit the row's protocol.
      const bool at_target = std::none_of(trace.forward.begin(), trace.forward.end(),
                                          [](const vpc::Hop& o) { return o.component_type == "LoadBalancer"; });
      if (at_target && target != model::kNone) {
        for (const auto& g : n.network_interfaces[target].security_groups) {
          if (g.resolved()) groups.push_back(&n.security_groups[g.index]);
        }
      }
      for (const auto* sg : groups) {
        for (const auto& r : sg->ingress) {
          if (rule_admits(n, r, h)) return {sg, &r, describe(n, r)};
        }
      }
      return {groups.empty() ? nullptr : groups.front(), nullptr, hop.rule->text};
    }
    if (hop.outbound_header) h = *hop.outbound_header;
  }
  return {};
}

Finding exposure_finding(const model::Network& n, const verify::Exposure& x, bool failing) {
  const auto& eni = n.network_interfaces[x.interface];
  const model::Instance* instance =
      eni.instance.resolved() ? &n.instances[eni.instance.index] : nullptr;
  Finding f;
  f.rule = "exposure/" + (x.rule.empty() ? std::string("open-to-internet") : x.rule);
  f.severity = x.risk;
  f.inconclusive = x.inconclusive;
  f.failing = failing;
  f.resource_id = eni.id;
  f.resource_kind = "NetworkInterface";
  f.resource_label = interface_label(n, x.interface);
  f.resource_aliases = {eni.name};
  f.tag_holders = {eni.id};
  if (instance) {
    f.resource_aliases.push_back(instance->id);
    f.resource_aliases.push_back(instance->name);
    f.tag_holders.push_back(instance->id);
  }
  for (const auto& g : eni.security_groups) {
    if (g.resolved()) f.tag_holders.push_back(n.security_groups[g.index].id);
  }

  const auto admitted = admitting_rule(n, x);
  const std::string& rule_text = admitted.text;
  if (admitted.group) {
    f.resource_aliases.push_back(admitted.group->id);
    f.resource_aliases.push_back(admitted.group->name);
    f.tag_holders.push_back(admitted.group->id);
  }
  // The line to change: the rule that admits the packets, else its group, else the interface
  // (or the instance that declares it).
  const std::string sg_label = admitted.group ? admitted.group->label() : "";
  if (admitted.rule && admitted.rule->at.line) {
    f.location = source_location(n, admitted.rule->at,
                                 "ingress rule of security group " + sg_label +
                                     (rule_text.empty() ? "" : ": " + rule_text));
  } else if (admitted.group && admitted.group->at.line) {
    f.location = source_location(n, admitted.group->at, "security group " + sg_label);
  }
  const auto eni_location =
      instance && instance->at.line
          ? source_location(n, instance->at, "instance " + instance->label())
          : source_location(n, eni.at, "network interface " + eni.label());
  if (!f.location.known() || !f.location.line) {
    f.location = eni_location;
  } else {
    f.related.push_back(eni_location);
    if (admitted.rule && admitted.group && admitted.group->at.line)
      f.related.push_back(source_location(n, admitted.group->at, "security group " + sg_label));
  }

  const std::string ports =
      x.row.protocol + (x.row.destination_ports.empty()
                            ? std::string()
                            : " " + verify::ports_text(x.row.destination_ports));
  f.fingerprint = fingerprint(f.rule, eni.id, ports + (x.inconclusive ? " inconclusive" : ""));
  f.message = f.resource_label + ": " + (x.inconclusive ? "may be " : "") + x.reason +
              (x.via.empty() ? "" : " through " + x.via) + " (" + row_text(x.row, false) + ")";
  if (!rule_text.empty()) f.message += "; admitted by " + sg_label + " rule `" + rule_text + "`";
  f.details = std::string(model::risk_name(x.risk)) + " " + f.resource_label + ": " +
              (x.inconclusive ? "MAYBE (inconclusive) " : "") + x.reason + "\n" +
              (x.via.empty() ? "" : "through " + x.via + "\n") + row_text(x.row, false) +
              "\npath: " + path_text(x.trace) + "\n" +
              (x.inconclusive ? "unknown: " + unknown_text(x.trace) + "\n" : "") +
              render_trace_text(x.trace, "internet", eni.id);

  auto r = row_json(n, x.row);
  r["network_interface"] = eni.id;
  r["name"] = f.resource_label;
  r["risk"] = model::risk_name(x.risk);
  r["reason"] = x.reason;
  r["whole_internet"] = x.whole_internet;
  if (!x.via.empty()) r["via"] = x.via;
  r["verdict"] = x.inconclusive ? "inconclusive" : "reachable";
  r["example"] = render_trace_json(x.trace);
  f.properties = std::move(r);
  return f;
}

std::vector<FindingRule> exposure_rules(const model::RiskTable& table) {
  std::vector<FindingRule> out;
  std::map<std::string, std::size_t> seen;
  for (const auto& e : table.entries) {
    const std::string title = e.name + " (" + ports_of(e) + ") open to the internet";
    if (auto it = seen.find(e.rule); it != seen.end()) {
      // Several entries of one rule (tcp and udp written apart): one rule naming them all.
      out[it->second].short_description.insert(
          out[it->second].short_description.size() - std::string(" open to the internet").size(),
          "; " + ports_of(e));
      continue;
    }
    seen.emplace(e.rule, out.size());
    out.push_back(rule_for(e.rule, title, e.reason, e.risk));
  }
  for (const auto* fb : {&table.wide_range, &table.other}) {
    if (seen.contains(fb->rule)) continue;
    seen.emplace(fb->rule, out.size());
    const std::string title = fb == &table.other
                                  ? "A port or protocol open to the internet"
                                  : "More than " + std::to_string(table.wide_range_ports) +
                                        " ports open to the internet";
    out.push_back(rule_for(fb->rule, title, fb->reason, fb->risk));
  }
  return out;
}

}  // namespace cloudtwin::cli
