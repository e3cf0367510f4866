// Readers for the two packet filters: security groups (stateful, allow-only rules on ENIs) and
// network ACLs (stateless, numbered entries on subnets). Both share how ports and ICMP are written.
#include <map>

#include "native_yaml_readers.h"

namespace cloudtwin::load::yaml {
namespace {

struct PortFields {
  PortRange ports;
  int icmp_type = -1;
  int icmp_code = -1;
};

constexpr std::string_view kPortKeys[] = {"port", "ports", "from_port", "to_port"};

// The port or ICMP fields of a rule for protocol `p`. As in the AWS API, `from_port` and
// `to_port` carry the ICMP type and code for icmp and icmpv6, and -1 means "any".
PortFields read_ports(Fields& f, Protocol p) {
  PortFields out;
  const bool port = f.has("port");
  const bool ports = f.has("ports");
  const bool from = f.has("from_port");
  const bool to = f.has("to_port");
  const bool icmp_fields = f.has("icmp_type") || f.has("icmp_code");
  if (port + ports + (from || to) > 1) {
    f.error_at(port && ports ? "ports"
               : from        ? "from_port"
                             : "to_port",
               "write one of `port`, `ports` or `from_port` and `to_port`");
  }
  if (from != to) {
    f.error_at(from ? "from_port" : "to_port",
               from ? "`from_port` needs `to_port`" : "`to_port` needs `from_port`");
  }

  if (p.has_ports()) {
    for (std::string_view key : {"icmp_type", "icmp_code"}) {
      if (f.has(key)) f.error_at(key, "`" + std::string(key) + "` applies only to icmp rules");
    }
    if (!port && !ports && !from && !to) {
      f.error("a " + p.str() + " rule needs `port`, `ports` or `from_port` and `to_port`",
              "write `ports: all` for every port");
      return out;
    }
    if (port) {
      Value v = f.get("port");
      if (v.is_scalar() && v.node()->scalar().find('-') != std::string_view::npos) {
        const std::string text(v.node()->scalar());
        v.error("`port` is one port, not `" + text + "`", "write a range as `ports: " + text + "`");
      } else if (auto n = v.integer(0, 65535)) {
        out.ports = PortRange::single(static_cast<std::uint16_t>(*n));
      }
    } else if (ports) {
      if (auto r = f.get("ports").port_range()) out.ports = *r;
    } else if (from && to) {
      auto a = f.get("from_port").integer(-1, 65535);
      auto b = f.get("to_port").integer(-1, 65535);
      if (a && b) {
        if (*a == -1 && *b == -1) {
          out.ports = PortRange::all();
        } else if (*a < 0 || *b < 0) {
          f.error_at("from_port", "-1 (all ports) must be both `from_port` and `to_port`");
        } else if (*a > *b) {
          f.error_at("to_port", "`from_port` " + std::to_string(*a) +
                                    " is greater than `to_port` " + std::to_string(*b));
        } else {
          out.ports = {static_cast<std::uint16_t>(*a), static_cast<std::uint16_t>(*b)};
        }
      }
    }
  } else if (p.is_icmp()) {
    for (std::string_view key : {"port", "ports"}) {
      if (f.has(key)) {
        f.error_at(key,
                   "icmp rules take `icmp_type` and `icmp_code`, not `" + std::string(key) + "`");
      }
    }
    if ((from || to) && icmp_fields) {
      f.error_at(f.has("icmp_type") ? "icmp_type" : "icmp_code",
                 "write either `icmp_type` and `icmp_code`, or `from_port` and `to_port`");
    }
    Value type = f.get(from ? "from_port" : "icmp_type");
    Value code = f.get(to ? "to_port" : "icmp_code");
    if (auto t = type.integer(-1, 255)) out.icmp_type = static_cast<int>(*t);
    if (auto c = code.integer(-1, 255)) out.icmp_code = static_cast<int>(*c);
    if (out.icmp_type == -1 && out.icmp_code != -1) {
      code.error("an ICMP code needs an ICMP type", "set `icmp_type`, e.g. 3 for unreachable");
    }
  } else {
    for (std::string_view key : {"icmp_type", "icmp_code"}) {
      if (f.has(key)) f.error_at(key, "`" + std::string(key) + "` applies only to icmp rules");
    }
    // AWS ignores ports for other protocols (Terraform writes 0/0 with protocol -1); they are
    // still checked so a typo does not pass silently.
    f.get("port").integer(-1, 65535);
    f.get("ports").port_range();
    f.get("from_port").integer(-1, 65535);
    f.get("to_port").integer(-1, 65535);
  }
  return out;
}

void read_security_group_rule(Value& item, const std::string& group_id,
                              std::vector<model::SecurityGroupRule>& out) {
  std::vector<std::string_view> known{"protocol",       "icmp_type",   "icmp_code",
                                      "cidr",           "prefix_list", "security_group",
                                      "description",    "unknown"};
  known.insert(known.end(), std::begin(kPortKeys), std::end(kPortKeys));
  Fields f = item.fields(std::move(known));
  f.check();
  if (!f.is_mapping()) return;
  model::SecurityGroupRule& rule = out.emplace_back();
  rule.at = f.at();
  if (auto p = f.require("protocol").protocol()) {
    rule.protocol = *p;
    auto pf = read_ports(f, *p);
    rule.ports = pf.ports;
    rule.icmp_type = pf.icmp_type;
    rule.icmp_code = pf.icmp_code;
  }

  int peers = 0;
  for (std::string_view key : {"cidr", "prefix_list", "security_group"}) {
    if (!f.has(key)) continue;
    if (++peers > 1) {
      f.error_at(key, "a rule has exactly one of `cidr`, `prefix_list` or `security_group`",
                 "write each peer as its own rule");
    }
  }
  if (peers == 0 && !f.has("unknown")) {
    f.error("a rule needs a peer: `cidr`, `prefix_list` or `security_group`",
            "write `cidr: 0.0.0.0/0` for anywhere on IPv4, or `unknown: WHY` when the peer is "
            "not known offline");
  }
  // A peer not known offline (docs/format.md): the rule may match any peer.
  if (auto why = f.get("unknown").text()) rule.unknown = *why;
  rule.cidr = f.get("cidr").prefix();
  rule.prefix_list = f.get("prefix_list").ref();
  rule.security_group = f.get("security_group").ref();
  if (rule.security_group.text == "self") rule.security_group.text = group_id;
  if (auto d = f.get("description").text(/*allow_empty=*/true)) rule.description = *d;
}

void read_network_acl_entry(Value& item, const char* direction,
                            std::vector<model::NetworkAclEntry>& out,
                            std::map<std::int64_t, Location>& seen) {
  std::vector<std::string_view> known{"rule_number", "protocol",  "rule_action", "action",
                                      "cidr",        "icmp_type", "icmp_code",   "unknown"};
  known.insert(known.end(), std::begin(kPortKeys), std::end(kPortKeys));
  Fields f = item.fields(std::move(known));
  f.check();
  if (!f.is_mapping()) return;
  model::NetworkAclEntry& entry = out.emplace_back();
  entry.at = f.at();

  Value number = f.require("rule_number");
  // The "*" rule is 32767 and cannot be written (vpc-network-acls.html).
  if (auto n = number.integer(1, 32766)) {
    entry.rule_number = static_cast<int>(*n);
    if (auto [it, fresh] = seen.emplace(*n, number.at()); !fresh) {
      number.error("duplicate " + std::string(direction) + " rule number " + std::to_string(*n),
                   "rule " + std::to_string(*n) + " is already at line " +
                       std::to_string(it->second.line) + ":" + std::to_string(it->second.column));
    }
  }
  if (auto p = f.require("protocol").protocol()) {
    entry.protocol = *p;
    auto pf = read_ports(f, *p);
    entry.ports = pf.ports;
    entry.icmp_type = pf.icmp_type;
    entry.icmp_code = pf.icmp_code;
  }
  if (f.has("rule_action") && f.has("action")) {
    f.error_at("action", "write either `rule_action` or `action`, not both");
  }
  Value action =
      f.has("action") && !f.has("rule_action") ? f.get("action") : f.require("rule_action");
  if (auto a = action.choice({"allow", "deny"})) entry.allow = *a == "allow";
  // A CIDR not known offline (docs/format.md): the entry may match any peer.
  if (auto why = f.get("unknown").text()) {
    entry.unknown = *why;
    if (auto c = f.get("cidr").prefix()) entry.cidr = *c;
  } else if (auto c = f.require("cidr").prefix()) {
    entry.cidr = *c;
  }
}

}  // namespace

void read_security_group(Context& cx, Value& item) {
  Fields f = item.fields(
      {"id", "name", "group_name", "description", "vpc", "default", "ingress", "egress", "tags"});
  auto& sg = add_resource(f, cx.network.security_groups, "sg-");
  if (!f.is_mapping()) return;
  read_ignore_tag(cx, f, model::Kind::kSecurityGroup, sg.id);
  sg.vpc = f.require("vpc").ref();
  sg.group_name = sg.name.empty() ? sg.id : sg.name;
  if (auto n = f.get("group_name").text()) sg.group_name = *n;
  f.get("description").text(/*allow_empty=*/true);  // informational
  if (auto b = f.get("default").boolean()) sg.is_default = *b;
  for (auto& rule : f.get("ingress").items()) read_security_group_rule(rule, sg.id, sg.ingress);
  if (f.has("egress")) {
    for (auto& rule : f.get("egress").items()) read_security_group_rule(rule, sg.id, sg.egress);
  } else {
    // security-group-rules.html: a new group has one outbound rule allowing all traffic
    // (0.0.0.0/0, and ::/0 in a VPC with IPv6). Declaring `egress` replaces it.
    for (Family family : {Family::kV4, Family::kV6}) {
      model::SecurityGroupRule& rule = sg.egress.emplace_back();
      rule.protocol = Protocol(Protocol::kAll);
      rule.cidr = Prefix::any(family);
      rule.at = sg.at;
      rule.implicit = true;
    }
  }
}

void read_network_acl(Context& cx, Value& item) {
  Fields f = item.fields({"id", "name", "vpc", "default", "subnets", "ingress", "egress"});
  auto& acl = add_resource(f, cx.network.network_acls, "acl-");
  if (!f.is_mapping()) return;
  acl.vpc = f.require("vpc").ref();
  if (auto b = f.get("default").boolean()) acl.is_default = *b;
  acl.subnets = f.refs("subnets");
  std::map<std::int64_t, Location> seen;
  for (auto& e : f.get("ingress").items()) read_network_acl_entry(e, "ingress", acl.ingress, seen);
  seen.clear();
  for (auto& e : f.get("egress").items()) read_network_acl_entry(e, "egress", acl.egress, seen);
}

}  // namespace cloudtwin::load::yaml
